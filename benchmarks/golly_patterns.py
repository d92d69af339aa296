"""Every pattern file of a Golly checkout through lifetui: load, run, save, reload (not part of CI).

    python benchmarks/golly_patterns.py PATTERNS_FOLDER [GENERATIONS]

PATTERNS_FOLDER is Golly's `Patterns/` (fetch the public Golly repository; lifetui ships none of its files).
Every `.rle`, `.cells`, `.lif`, `.life`, `.mc`, `.mcl` (MCell) and `.rle3` (3D) file below it, gzipped or
not, is loaded as `lifetui FILE` would; a file refused is counted by the one-line reason's kind
(Generations, Larger than Life, a rule table, an MCell file, ...). A file that loads is run GENERATIONS
generations (default 64) by the numpy reference on its default board, written with lifetui's RLE and
macrocell writers, each read back and run on: the reloaded board must be the same board at the same
generation under the same rule. Boards over 4096 x 4096 are loaded and saved but not run (over 16384 x
16384, only loaded). A pattern too large for any board here (and not asking for a torus) runs GENERATIONS
generations on the unbounded plane with hashlife instead, checked against numpy on the plane when its live
cells fit 4096 x 4096; one asking for a bounded plane or a tube runs on it with numpy and c, which must
agree. A multi-state rule (Generations, LifeHistory) runs on numpy alone, on the plane too, and is saved as
RLE and as Golly's multi-state macrocell. A Larger than Life rule runs on numpy (on the plane
too), and on the ltl engine beside it where ltl runs its shape, which must agree. Prints a Markdown table per
top-level folder, and every file that failed in a way that is a bug.
"""

from __future__ import annotations

import re
import sys
from collections import Counter, defaultdict
from pathlib import Path

import numpy as np

from lifetui.engines import availability, create_engine
from lifetui.engines.numpy_engine import NumpyEngine
from lifetui.errors import LifeError
from lifetui.patterns import load_pattern, parse_pattern
from lifetui.patterns.macrocell import write_macrocell
from lifetui.patterns.rle import write_rle
from lifetui.rules import CONWAY, Rule
from lifetui.world.board import board_for, torus_board
from lifetui.world.topology import PLANE, Topology
from lifetui.world.universe import create_universe

SUFFIXES = {".rle", ".cells", ".lif", ".life", ".mc", ".mcl", ".rle3"}
LARGEST_RUN = 4096 * 4096
#: Boards larger than this are only laid out, not saved and reloaded (a board now needs 3 bytes a cell, so a
#: 62,976 x 62,208 one loads; numpy's 12 and the writers' copies would not fit in 24 GB).
LARGEST_SAVE = 16384 * 16384


def refusal_kind(message: str) -> str:
    """A short name for why a file was refused, from its one-line error."""
    for words, kind in (
        ("an MCell file", "MCell file (multi-state, WireWorld)"),
        ("three-dimensional", "three-dimensional pattern (.rle3)"),
        ("rule table", "rule table (a named rule)"),
        ("a Generations rule", "Generations rule"),
        ("Larger than Life", "Larger than Life rule"),
        ("Super rules", "Super or Investigator rule"),
        ("multi-state", "multi-state rule"),
        ("von Neumann", "von Neumann neighbourhood"),
        ("hexagonal", "hexagonal neighbourhood"),
        ("topology", "bounded plane or other topology"),
        ("finite in both", "infinite tube (a side of 0)"),
        ("Wolfram", "Wolfram 1D rule"),
        ("more than the largest", "larger than the largest pattern"),
        ("larger than the largest", "larger than the largest pattern"),
        ("torus; `lifetui run --plane", "larger than a board (needs the plane)"),
        ("live cells, more than", "more cells than a board holds (needs the plane)"),
        ("to simulate; this machine has", "a board beyond this machine's memory"),
    ):
        if words in message:
            return kind
    return "other: " + re.sub(r"^.*?: ", "", message)[:60]


def rule_kind(rule: Rule) -> str:
    """How the table is written (totalistic, isotropic, map), or the family of a multi-state rule."""
    return rule.family if rule.multi_state else rule.kind


def on_the_plane(pattern, generations: int) -> tuple[str, str]:
    """A pattern too large for a board, run on the plane by hashlife (and numpy when it is small enough; numpy
    alone for a multi-state rule)."""
    rule = pattern.rule.rule if pattern.rule else CONWAY
    try:
        plane = create_universe("numpy" if rule.multi_state or rule.ltl else "hashlife", rule, PLANE)
    except LifeError as err:
        return "refused", refusal_kind(str(err))
    plane.load_pattern(pattern)
    plane.step(generations)
    box = plane.extent()
    if box is not None and box[2] * box[3] <= LARGEST_RUN:
        reference = create_universe("numpy", rule, PLANE)
        reference.load_pattern(pattern)
        reference.step(generations)
        if reference.extent() != box or not np.array_equal(reference.window(*box), plane.window(*box)):
            return "BUG", "hashlife and numpy differ on the plane"
    return "plane", rule_kind(rule)


def on_a_grid(pattern, topology: Topology, generations: int) -> tuple[str, str]:
    """A pattern on its bounded plane, tube or glued surface, on numpy and on c (when a kernel exists for its
    rule), which must agree; numpy's board is saved as RLE and must read back on the same grid."""
    rule = pattern.rule.rule
    results = []
    engines = ("numpy", "ltl" if rule.ltl else "c")
    for engine in engines:
        try:
            plane = create_universe(engine, rule, topology)
        except LifeError:
            continue
        plane.load_pattern(pattern)
        plane.step(generations)
        cells, top, left = plane.live_cells()
        results.append((plane.extent(), cells.tobytes()))
        if engine == "numpy" and cells.size:
            text = write_rle(cells, rule, generations, position=(left, top), topology=topology.suffix())
            again = board_for(parse_pattern(text.encode(), "saved.rle", ".rle"))
            if again.topology != topology or not np.array_equal(again.pattern.to_array(), cells):
                return "BUG", f"saved on {topology.suffix()} and read back as {again.topology.suffix()}"
    if len(set(results)) > 1:
        return "BUG", f"numpy and {engines[1]} differ on {topology.suffix()}"
    return "plane", rule_kind(rule)


def check(path: Path, generations: int) -> tuple[str, str]:
    """("ran" | "loaded" | "plane" | "refused" | "BUG", detail) for one file."""
    try:
        pattern = load_pattern(str(path))
    except LifeError as err:
        return "refused", refusal_kind(str(err))
    except Exception as err:  # noqa: BLE001 - anything else is a bug to report
        return "BUG", f"{type(err).__name__}: {err}"
    topology = board_for(pattern).topology if pattern.rule and pattern.rule.bounded else None
    if topology is not None:  # a bounded plane, a tube or a glued surface: numpy and c on it, which must agree
        try:
            return on_a_grid(pattern, topology, generations)
        except LifeError as err:
            return "refused", refusal_kind(str(err))
        except Exception as err:  # noqa: BLE001 - anything else is a bug to report
            return "BUG", f"{type(err).__name__}: {err}"
    try:
        board = torus_board(pattern)
    except LifeError as err:
        if (pattern.rule and pattern.rule.torus) or refusal_kind(str(err)).startswith("other"):
            return "refused", refusal_kind(str(err))
        try:
            return on_the_plane(pattern, generations)
        except LifeError as err:
            return "refused", refusal_kind(str(err))
        except Exception as err:  # noqa: BLE001 - anything else is a bug to report
            return "BUG", f"{type(err).__name__}: {err}"
    except Exception as err:  # noqa: BLE001 - anything else is a bug to report
        return "BUG", f"{type(err).__name__}: {err}"
    if board.width * board.height > LARGEST_SAVE:
        return "loaded", rule_kind(board.rule)  # numpy could not hold it here; saving it would take gigabytes
    engine = NumpyEngine(board.rule)
    engine.load(board.cells)
    ran = board.width * board.height <= LARGEST_RUN
    if ran:
        engine.step(generations)
    cells = engine.cells()
    if ran and board.rule.ltl and availability("ltl", board.rule).available:
        fast = create_engine("ltl", board.rule)
        fast.load(board.cells)
        fast.step(generations)
        if not np.array_equal(fast.cells(), cells):
            return "BUG", "numpy and ltl differ"
    generation = board.generation + generations * ran
    saved = [
        (".rle", write_rle(cells, board.rule, generation, pattern.name, pattern.author)),
        (".mc", write_macrocell(cells, board.rule, generation)),
    ]
    for suffix, text in saved:
        reloaded = torus_board(parse_pattern(text.encode(), f"{path.name} (saved as {suffix})", suffix))
        if reloaded.rule != board.rule or not np.array_equal(reloaded.cells, cells):
            return "BUG", f"the saved {suffix} file did not load back as the same board and rule"
        if reloaded.generation != generation:
            return "BUG", f"saved as {suffix} at generation {generation}, reloaded at {reloaded.generation}"
    if ran:
        engine.step(1)
        follow = NumpyEngine(reloaded.rule)
        follow.load(reloaded.cells)
        follow.step(1)
        if not np.array_equal(follow.cells(), engine.cells()):
            return "BUG", "the reloaded board ran differently"
    return ("ran" if ran else "loaded"), rule_kind(board.rule)


def pattern_suffix(path: Path) -> str:
    """The format's extension: the inner one of a gzipped file (`x.mc.gz` is `.mc`)."""
    suffix = path.suffix.lower()
    return Path(path.stem).suffix.lower() if suffix == ".gz" else suffix


def main(arguments: list[str]) -> None:
    if not arguments:
        sys.exit(__doc__)
    root = Path(arguments[0])
    generations = int(arguments[1]) if len(arguments) > 1 else 64
    files = sorted(path for path in root.rglob("*") if pattern_suffix(path) in SUFFIXES and path.is_file())
    by_folder: dict[str, Counter] = defaultdict(Counter)
    reasons: Counter = Counter()
    kinds: Counter = Counter()
    bugs = []
    for path in files:
        folder = path.relative_to(root).parts[0] if len(path.relative_to(root).parts) > 1 else "."
        outcome, detail = check(path, generations)
        by_folder[folder][outcome] += 1
        if outcome == "refused":
            reasons[detail] += 1
        elif outcome == "BUG":
            bugs.append(f"{path.relative_to(root)}: {detail}")
        else:
            kinds[detail] += 1
    print(f"{len(files)} pattern files under {root}; each that loads run {generations} generations, saved, reloaded\n")
    print("| folder | files | loaded and ran | loaded (too big to run) | plane, :P or :T0,N | refused | bugs |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for folder, counts in sorted(by_folder.items()):
        print(f"| {folder} | {sum(counts.values())} | {counts['ran']} | {counts['loaded']} | {counts['plane']} "
              f"| {counts['refused']} | {counts['BUG']} |")  # fmt: skip
    total = Counter()
    for counts in by_folder.values():
        total.update(counts)
    print(f"| all | {len(files)} | {total['ran']} | {total['loaded']} | {total['plane']} | {total['refused']} "
          f"| {total['BUG']} |")  # fmt: skip
    print("\nrules of the files that loaded: " + ", ".join(f"{kinds[kind]} {kind}" for kind in sorted(kinds)))
    print("\nrefused, by reason:")
    for reason, count in reasons.most_common():
        print(f"  {count:4}  {reason}")
    if bugs:
        print("\nBUGS:")
        for line in bugs:
            print(f"  {line}")


if __name__ == "__main__":
    main(sys.argv[1:])
