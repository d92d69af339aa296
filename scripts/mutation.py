"""Mutation testing of lifetui's Python with mutmut, outside CI: how many small breakages the owning tests catch.

    pip install -e '.[test,mutation]'
    python scripts/mutation.py --sample 10 --seed 1   # 10 mutants of each module: the pre-release check
    python scripts/mutation.py                        # every mutant (hours on two cores)
    python scripts/mutation.py --sample 10 --seed 1 --record   # the same, then keep its score as the floor

mutmut (configured in pyproject.toml's [tool.mutmut]: which modules, which tests) copies the package to
`mutants/`, makes every small change it knows in the listed modules (a flipped comparison, a changed constant,
a dropped call) and runs, for each, the selected tests that reach the changed function; a mutant none of them
fails on *survived*, and one in a function no selected test reaches has *no tests*. The score is caught over
judged: a hang (timeout) counts as caught, a survivor and a mutant with no tests as missed. It is printed per
module, as the Markdown table README shows.

mutmut keeps its verdicts in `mutants/` and re-tests a mutant only when the function it mutates changed: a
weakened test, or a change to code the function calls, leaves a stale verdict standing. So the cache is keyed on
everything a verdict depends on (the mutmut and Python versions, pyproject.toml, the package, the tests and
whatever else mutmut copies) and wiped whenever that key changes; `--fresh` wipes it anyway.

A sample takes, from each module, `--sample` mutants drawn with a generator seeded by `--seed` and the module's
name (so a change to one module redraws only that module's sample). The floor in `scripts/mutation-floor.json`
is the score of one such sample (or of a full run); a run of the same sample that scores below it exits 1, and
`--record` refuses to lower it. A different sample or module list is not compared.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import shutil
import subprocess
import sys
import time
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FLOOR = ROOT / "scripts" / "mutation-floor.json"
MUTMUT = [sys.executable, "-m", "mutmut"]
#: Beside mutmut's own files in `mutants/`: the key of everything its verdicts were reached on.
KEY_FILE = "lifetui-cache-key.txt"
#: What mutmut always copies into `mutants/` besides `source_paths` and `also_copy`.
ALWAYS_COPIED = ["tests", "pyproject.toml"]
SKIPPED_PARTS = {"__pycache__", ".pytest_cache", ".hypothesis"}
SKIPPED_SUFFIXES = {".pyc", ".so", ".o"}
#: mutmut's verdicts (`mutmut results --all true`) that count as caught and as missed; the rest are not judged.
CAUGHT = {"killed", "timeout", "segfault", "caught by type check"}
MISSED = {"survived", "no tests"}
#: Verdicts still to reach: never run, or stopped half-way.
PENDING = {"not checked", "check was interrupted by user"}
#: mutmut's own generation step (what `mutmut run` does before testing anything), to list the mutants first.
GENERATE = (
    "import sys\n"
    "from mutmut.__main__ import copy_also_copy_files, copy_src_dir, create_mutants, setup_source_paths\n"
    "copy_src_dir(); copy_also_copy_files(); setup_source_paths(); create_mutants(int(sys.argv[1]))\n"
)


def mutmut_config(root: Path) -> dict:
    return tomllib.loads((root / "pyproject.toml").read_text())["tool"]["mutmut"]


def key_inputs(root: Path, config: dict) -> list[Path]:
    """Every file a verdict can depend on: what mutmut copies into `mutants/`, less caches and build outputs."""
    tops = [*config.get("source_paths", []), *config.get("also_copy", []), *ALWAYS_COPIED]
    files: set[Path] = set()
    for top in tops:
        path = root / top
        candidates = path.rglob("*") if path.is_dir() else [path]
        for candidate in candidates:
            relative = candidate.relative_to(root)
            if (
                candidate.is_file()
                and not SKIPPED_PARTS.intersection(relative.parts)
                and candidate.suffix not in SKIPPED_SUFFIXES
            ):
                files.add(relative)
    return sorted(files)


def cache_key(root: Path, files: Iterable[Path], versions: str) -> str:
    """A hash of the versions and of every file's name and content."""
    digest = hashlib.sha256(versions.encode())
    for relative in files:
        digest.update(b"\0" + str(relative).encode() + b"\0")
        digest.update((root / relative).read_bytes())
    return digest.hexdigest()


def prepare_cache(mutants: Path, key: str, fresh: bool) -> bool:
    """Keep `mutants/` only if it was made under this key (and not `fresh`); otherwise empty it. True if emptied."""
    key_file = mutants / KEY_FILE
    kept = not fresh and key_file.is_file() and key_file.read_text().strip() == key
    if not kept:
        shutil.rmtree(mutants, ignore_errors=True)
        mutants.mkdir()
        key_file.write_text(key + "\n")
    return not kept


def module_of(mutant: str) -> str:
    """`lifetui.patterns.x_load__mutmut_3` and `lifetui.rules.xǁRuleǁstep__mutmut_1` name their module first."""
    parts = mutant.split(".")
    for index in range(len(parts) - 1, 0, -1):
        if parts[index].startswith(("x_", "xǁ")):
            return ".".join(parts[:index])
    raise ValueError(f"not a mutmut mutant name: {mutant}")


def module_path(module: str, root: Path) -> str:
    """The file a dotted module lives in, relative to the root: `lifetui.patterns` is its `__init__.py`."""
    base = Path(*module.split("."))
    return str(base / "__init__.py") if (root / base).is_dir() else str(base.with_suffix(".py"))


def pick_sample(mutants: Iterable[str], per_module: int, seed: int) -> list[str]:
    """Up to `per_module` mutants of each module, drawn by a generator seeded with the seed and the module."""
    by_module: dict[str, list[str]] = {}
    for mutant in sorted(mutants):
        by_module.setdefault(module_of(mutant), []).append(mutant)
    picked: list[str] = []
    for module, names in sorted(by_module.items()):
        draw = random.Random(f"{seed}/{module}")
        picked += sorted(draw.sample(names, min(per_module, len(names))))
    return picked


@dataclass(frozen=True)
class Tally:
    killed: int = 0
    survived: int = 0
    no_tests: int = 0

    @property
    def judged(self) -> int:
        return self.killed + self.survived + self.no_tests

    @property
    def score(self) -> float:
        return self.killed / self.judged if self.judged else 0.0

    def add(self, status: str) -> Tally:
        return Tally(
            self.killed + (status in CAUGHT),
            self.survived + (status == "survived"),
            self.no_tests + (status == "no tests"),
        )


def tally(statuses: dict[str, str], root: Path) -> dict[str, Tally]:
    """Caught, survived and untested mutants per module file, judged mutants only."""
    tallies: dict[str, Tally] = {}
    for mutant, status in statuses.items():
        if status in CAUGHT | MISSED:
            path = module_path(module_of(mutant), root)
            tallies[path] = tallies.get(path, Tally()).add(status)
    return dict(sorted(tallies.items()))


def total(tallies: dict[str, Tally]) -> Tally:
    return Tally(*(sum(getattr(t, field) for t in tallies.values()) for field in ("killed", "survived", "no_tests")))


def table(tallies: dict[str, Tally]) -> str:
    """The per-module scores as a Markdown table, the total last."""
    rows = ["| module | killed | survived | no tests | score |", "| --- | ---: | ---: | ---: | ---: |"]
    for name, t in [*tallies.items(), ("**all**", total(tallies))]:
        rows.append(f"| {name} | {t.killed:,} | {t.survived:,} | {t.no_tests:,} | {t.score:.1%} |")
    return "\n".join(rows)


def statuses() -> dict[str, str]:
    """Every mutant mutmut knows in `mutants/` and its verdict ("not checked" until it runs)."""
    listing = subprocess.run(
        [*MUTMUT, "results", "--all", "true"], cwd=ROOT, check=True, capture_output=True, text=True
    ).stdout
    found = {}
    for line in listing.splitlines():
        name, _, status = line.strip().rpartition(": ")
        if name:
            found[name] = status
    return found


def floor_of(sample: int | None, seed: int | None, tallies: dict[str, Tally]) -> dict:
    whole = total(tallies)
    return {
        "sample_per_module": sample,
        "seed": seed,
        "mutmut": metadata.version("mutmut"),
        "modules": {
            name: {"killed": t.killed, "survived": t.survived, "no_tests": t.no_tests} for name, t in tallies.items()
        },
        "killed": whole.killed,
        "judged": whole.judged,
        "score": round(whole.score, 4),
    }


def comparable(floor: dict, measured: dict) -> bool:
    """Whether a floor applies to a run: the same sample of the same modules, drawn from one mutmut's mutants."""
    same = ("sample_per_module", "seed", "mutmut")
    return all(floor.get(field) == measured[field] for field in same) and set(floor["modules"]) == set(
        measured["modules"]
    )


def main(arguments: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sample", type=int, help="run this many mutants of each module, drawn at random")
    parser.add_argument("--seed", type=int, default=1, help="the draw's seed (default 1)")
    parser.add_argument("--max-children", type=int, default=os.cpu_count() or 1, help="mutants run at once")
    parser.add_argument("--fresh", action="store_true", help="empty mutants/ even if its key still matches")
    parser.add_argument("--record", action="store_true", help="keep this run's score as the floor")
    options = parser.parse_args(arguments)

    config = mutmut_config(ROOT)
    versions = f"mutmut {metadata.version('mutmut')}, Python {sys.version_info[0]}.{sys.version_info[1]}"
    key = cache_key(ROOT, key_inputs(ROOT, config), versions)
    if prepare_cache(ROOT / "mutants", key, options.fresh):
        print("mutants/ emptied: made under other sources, tests, configuration or versions (or --fresh)")
    started = time.monotonic()
    generate = [*MUTMUT[:1], "-c", GENERATE, str(options.max_children)]
    subprocess.run(generate, cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    found = statuses()
    chosen = pick_sample(found, options.sample, options.seed) if options.sample else list(found)
    # Verdicts already in mutants/ were reached under this key: run only the rest (mutmut would re-run any named).
    pending = [name for name in chosen if found[name] in PENDING]
    if pending:
        named = pending if options.sample else []
        run = subprocess.run([*MUTMUT, "run", "--max-children", str(options.max_children), *named], cwd=ROOT)
        if run.returncode != 0:
            print(f"mutmut run failed with status {run.returncode}", file=sys.stderr)
            return run.returncode
    found = statuses()
    found = {name: found[name] for name in chosen}
    tallies = tally(found, ROOT)
    whole = total(tallies)
    survivors = sorted(name for name, status in found.items() if status in MISSED)
    print(f"\n{len(survivors)} mutants missed (`python -m mutmut show NAME` shows one):")
    for name in survivors:
        print(f"  {name}: {found[name]}")
    what = f"a sample of {options.sample} per module, seed {options.seed}" if options.sample else "every mutant"
    print(f"\n{table(tallies)}\n\n{what}: {whole.killed:,} of {whole.judged:,} caught ({whole.score:.1%}) ", end="")
    print(f"in {time.monotonic() - started:.0f} s with {options.max_children} at once ({len(pending)} run now)")

    unrun = [name for name in chosen if found[name] in PENDING]
    if unrun:
        print(f"{len(unrun)} mutants not run (the run was stopped): run again to finish", file=sys.stderr)
        return 1
    measured = floor_of(options.sample, options.seed if options.sample else None, tallies)
    floor = json.loads(FLOOR.read_text()) if FLOOR.exists() else None
    if floor is None or not comparable(floor, measured):
        print("no floor for this sample, module list and mutmut: not compared")
    elif measured["score"] < floor["score"]:
        print(f"below the floor ({floor['score']:.1%}): the tests catch less than they did", file=sys.stderr)
        return 1
    else:
        print(f"floor {floor['score']:.1%}: held")
    if options.record:
        FLOOR.write_text(json.dumps(measured, indent=2) + "\n")
        print(f"floor set to {measured['score']:.1%} in {FLOOR.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
