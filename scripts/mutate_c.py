"""Mutation testing of lifetui's C: one operator swap at a time, and whether the tests that own that C notice.

    python scripts/mutate_c.py --sample 30 --seed 1    # 30 random mutants, a few minutes on two cores
    python scripts/mutate_c.py                         # every mutant (hours)
    python scripts/mutate_c.py --list                  # the mutants, without running anything

mutmut (scripts/mutation.py) mutates Python only. This makes the plausible slips of C by hand in the C sources
(OWNERS): a comparison loosened or tightened (`<` and `<=`, `>` and `>=`, `==` and `!=`), `+` and `-`, `&` and
`|`, `&&` and `||`, `<<` and `>>`, a decimal constant k made k + 1, and a guard `if (...) return` whose
condition is made 0. Comments, strings and preprocessor lines are left alone. Each mutant is written into a
copy of the working tree in a temporary folder (the real files are never edited), and that copy's owning tests
run with it first on PYTHONPATH and their own empty build cache (XDG_CACHE_HOME), stopping at the first failure.
A mutant is caught when a test fails or the run passes the timeout (a hang); a mutant that does not compile
is counted apart, not in the score. Exits 1 when any mutant survived.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
#: Each C source and the tests that own it (pytest arguments).
OWNERS = {
    "lifetui/engines/c/hashlife.c": [
        "tests/test_hashlife.py",
        "tests/test_plane.py",
        "tests/test_plane_simulation.py",
        "tests/test_engines.py",
        "-k",
        "hashlife",
    ],
    "lifetui/engines/c/bitsliced.c": ["tests/test_c_engines.py", "tests/test_engines.py", "-k", "bitsliced"],
    "lifetui/compiler/c/runtime.c": ["tests/test_c_engines.py", "tests/test_engines.py", "-k", "c or bitsliced"],
    "lifetui/compiler/c/words.c": ["tests/test_c_engines.py", "tests/test_states.py", "-k", "c or stencil"],
    "lifetui/compiler/c/planes.c": ["tests/test_states.py", "tests/test_learned_states.py", "-k", "stencil or engine"],
    "lifetui/engines/c/ltl.c": ["tests/test_ltl_engine.py"],
    "lifetui/engines/c/stateslife.c": ["tests/test_stateslife.py"],
}
#: What a build that failed says (lifetui.compiler.build): the mutant is not C, not a miss of the tests.
NOT_C = "the C compiler failed"

SWAPS = {
    "<<": ">>", ">>": "<<", "<=": "<", "<": "<=", ">=": ">", ">": ">=", "==": "!=", "!=": "==",
    "&&": "||", "||": "&&", "+=": "-=", "-=": "+=", "+": "-", "-": "+", "&": "|", "|": "&",
}  # fmt: skip
#: Longest first, so `<<` is never read as two `<`; `->`, `++`, `--` and compound shifts are matched to be skipped.
_TOKEN = re.compile(r"->|\+\+|--|<<=|>>=|&=|\|=|<<|>>|<=|>=|==|!=|&&|\|\||\+=|-=|[<>+\-&|]")
_NUMBER = re.compile(r"\b0[xX][0-9a-fA-F]+[uUlL]*\b|\b[0-9]+(?:[uUlL]*)\b(?!\.)")
#: After these a `+`, `-` or `&` is unary (a sign, an address), not an operator to swap.
_OPERAND_END = re.compile(r"[A-Za-z0-9_)\]]")


@dataclass(frozen=True)
class Mutant:
    file: str
    start: int
    end: int
    original: str
    replacement: str
    line: int
    column: int
    text: str  # the original line, stripped

    def describe(self) -> str:
        return f"{self.file}:{self.line}:{self.column}: {self.original!r} -> {self.replacement!r} in `{self.text}`"

    def apply(self, source: str) -> str:
        return source[: self.start] + self.replacement + source[self.end :]


def code_only(source: str) -> str:
    """The source with comments, strings, character constants and preprocessor lines blanked (same offsets)."""
    pattern = re.compile(r"/\*.*?\*/|//[^\n]*|\"(?:\\.|[^\"\\])*\"|'(?:\\.|[^'\\])*'|^[ \t]*#[^\n]*(?:\\\n[^\n]*)*",
                         re.S | re.M)  # fmt: skip
    return pattern.sub(lambda match: re.sub(r"[^\n]", " ", match.group()), source)


def _unary(code: str, at: int) -> bool:
    """Whether the `+`, `-` or `&` at `at` is a sign or an address, not an operator to swap."""
    before = code[:at].rstrip()
    return not _OPERAND_END.match(before[-1:]) or re.search(r"\b(return|case|sizeof)$", before) is not None


def _matching_paren(code: str, opening: int) -> int | None:
    depth = 0
    for at in range(opening, len(code)):
        depth += {"(": 1, ")": -1}.get(code[at], 0)
        if depth == 0:
            return at
    return None


def mutants_of(file: str) -> list[Mutant]:
    source = (ROOT / file).read_text(encoding="utf-8")
    code = code_only(source)
    lines = source.splitlines()
    found: list[tuple[int, int, str]] = []
    for match in _TOKEN.finditer(code):
        token = match.group()
        if token not in SWAPS:
            continue
        if token in "+-&" and _unary(code, match.start()):
            continue
        found.append((match.start(), match.end(), SWAPS[token]))
    for match in _NUMBER.finditer(code):
        if match.group().lower().startswith("0x"):
            continue
        digits = re.match(r"[0-9]+", match.group()).group()
        found.append((match.start(), match.start() + len(digits), str(int(digits) + 1)))
    for match in re.finditer(r"\bif\s*\(", code):
        close = _matching_paren(code, match.end() - 1)
        if close is not None and re.match(r"\s*return\b", code[close + 1 :]):
            found.append((match.end(), close, "0"))
    mutants = []
    for start, end, replacement in sorted(found):
        line = source.count("\n", 0, start) + 1
        column = start - source.rfind("\n", 0, start)
        mutants.append(Mutant(file, start, end, source[start:end], replacement, line, column, lines[line - 1].strip()))
    return mutants


def copy_tree(destination: Path) -> None:
    """The working tree without git's folder or caches: the package, its tests, patterns and kernels."""
    ignored = shutil.ignore_patterns(".git", ".venv", "mutants", "__pycache__", ".hypothesis", ".pytest_cache")
    shutil.copytree(ROOT, destination, ignore=ignored)


def run_tests(tree: Path, cache: Path, arguments: list[str], timeout: float) -> tuple[str, str]:
    """('passed' | 'failed' | 'timeout' | 'not C', the output's last lines) for the owning tests in `tree`."""
    environment = {**os.environ, "PYTHONPATH": str(tree), "XDG_CACHE_HOME": str(cache)}
    command = [sys.executable, "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider", *arguments]
    process = subprocess.Popen(command, cwd=tree, env=environment, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               text=True, start_new_session=True)  # fmt: skip
    try:
        output, _ = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.communicate()
        return "timeout", ""
    tail = "\n".join(output.strip().splitlines()[-3:])
    if process.returncode == 0:
        return "passed", tail
    return ("not C" if NOT_C in output else "failed"), tail


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sample", type=int, help="run this many mutants, drawn at random")
    parser.add_argument("--seed", type=int, default=0, help="the draw's seed (default 0)")
    parser.add_argument("--file", action="append", choices=sorted(OWNERS), help="only this C file (repeatable)")
    parser.add_argument("--timeout", type=float, default=300, help="seconds a mutant's tests may run (a hang: caught)")
    parser.add_argument("--list", action="store_true", help="list the mutants and stop")
    options = parser.parse_args()
    # Started in the background, this process may ignore SIGINT, and so would every test it starts: the tests
    # of Ctrl-C need it. A handler of our own is reset to the default in each child.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    files = options.file or sorted(OWNERS)
    mutants = [mutant for file in files for mutant in mutants_of(file)]
    if options.sample is not None:
        mutants = sorted(random.Random(options.seed).sample(mutants, min(options.sample, len(mutants))),
                         key=lambda m: (m.file, m.start))  # fmt: skip
    if options.list:
        for mutant in mutants:
            print(mutant.describe())
        return 0
    results: dict[str, dict[str, list[Mutant]]] = {}
    with tempfile.TemporaryDirectory(prefix="lifetui-mutate-c-") as work:
        tree, cache = Path(work) / "tree", Path(work) / "cache"
        copy_tree(tree)
        for file in sorted({mutant.file for mutant in mutants}):
            outcome, tail = run_tests(tree, cache, OWNERS[file], options.timeout)
            if outcome != "passed":
                print(f"the tests of {file} fail without any mutant ({outcome}):\n{tail}", file=sys.stderr)
                return 2
        for number, mutant in enumerate(mutants, start=1):
            target = tree / mutant.file
            original = target.read_text(encoding="utf-8")
            target.write_text(mutant.apply(original), encoding="utf-8")
            started = time.monotonic()
            try:
                outcome, _ = run_tests(tree, cache, OWNERS[mutant.file], options.timeout)
            finally:
                target.write_text(original, encoding="utf-8")
            verdict = {"passed": "survived", "failed": "caught", "timeout": "caught (hang)"}.get(outcome, outcome)
            results.setdefault(mutant.file, {}).setdefault(verdict.split(" ")[0], []).append(mutant)
            print(f"[{number}/{len(mutants)}] {verdict:13} {time.monotonic() - started:5.0f} s  {mutant.describe()}",
                  flush=True)  # fmt: skip
    total_caught = total_judged = 0
    print()
    for file, verdicts in sorted(results.items()):
        caught, survived = len(verdicts.get("caught", [])), verdicts.get("survived", [])
        total_caught, total_judged = total_caught + caught, total_judged + caught + len(survived)
        stillborn = len(verdicts.get("not", []))
        print(f"{file}: {caught} caught, {len(survived)} survived" + (f", {stillborn} not C" if stillborn else ""))
        for mutant in survived:
            print(f"  survived: {mutant.describe()}")
    if total_judged:
        print(f"score: {total_caught} of {total_judged} caught ({100 * total_caught / total_judged:.1f} %)")
    return 1 if total_caught < total_judged else 0


if __name__ == "__main__":
    sys.exit(main())
