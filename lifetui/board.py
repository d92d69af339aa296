"""The torus a simulation runs on: its size, its rule, and how a pattern is placed on it."""

from __future__ import annotations

import os
import re
import resource
from dataclasses import dataclass

import numpy as np

from lifetui.errors import UsageError
from lifetui.patterns import MAX_SIDE, Pattern
from lifetui.patterns.pattern import paint_runs
from lifetui.rules import CONWAY, BoundedGrid, Rule, RuleSpec

MIN_SIDE = 3
DEFAULT_SIDE = 256
#: Peak bytes per cell while the numpy reference steps (measured 11 with tracemalloc: the board, the row
#: sums, the block sums and numpy's 8-byte index copy in the table lookup): the numpy engine's limit.
REFERENCE_BYTES_PER_CELL = 12
#: Bytes per cell any simulation needs: the board, the copy it restarts from, and a packed engine. This
#: sets the largest board lifetui accepts; boards the reference cannot hold whole are checked in tiles.
BOARD_BYTES_PER_CELL = 3


@dataclass
class Board:
    """A W x H torus of cells (uint8, 1 alive) under a rule, at a generation."""

    rule: Rule
    cells: np.ndarray
    generation: int = 0

    @property
    def width(self) -> int:
        return self.cells.shape[1]

    @property
    def height(self) -> int:
        return self.cells.shape[0]

    @property
    def population(self) -> int:
        return int(np.count_nonzero(self.cells))


@dataclass(frozen=True)
class PlaneBoard:
    """A pattern on the unbounded plane, where it says it is (Pattern.plane_origin), under a rule."""

    rule: Rule
    pattern: Pattern

    @property
    def generation(self) -> int:
        return self.pattern.generation


def parse_size(text: str) -> tuple[int, int]:
    """`WxH` (or a single number for a square) as a checked torus size."""
    match = re.fullmatch(r"\s*([0-9]+)\s*(?:[xX*]\s*([0-9]+))?\s*", text)
    if not match:
        raise UsageError(f"size {text!r} is not WIDTHxHEIGHT, for example 512x512")
    if any(side and len(side.lstrip("0")) > 9 for side in (match[1], match[2])):
        raise UsageError(f"board size {text[:40]!r} is outside {MIN_SIDE}..{MAX_SIDE} a side")
    width = int(match[1])
    height = int(match[2]) if match[2] else width
    check_size(width, height)
    return width, height


def check_size(width: int, height: int) -> None:
    """Refuse a torus smaller than 3x3, larger than the maximum side, or larger than this machine can hold
    (BOARD_BYTES_PER_CELL; the numpy engine needs more, and says so when it cannot)."""
    for side, name in ((width, "width"), (height, "height")):
        if not MIN_SIDE <= side <= MAX_SIDE:
            raise UsageError(f"board {name} {side} is outside {MIN_SIDE}..{MAX_SIDE}")
    problem = memory_shortfall(width, height, BOARD_BYTES_PER_CELL, " to simulate")
    if problem:
        raise UsageError(problem)


def memory_shortfall(width: int, height: int, bytes_per_cell: int, purpose: str = "") -> str | None:
    """Why a board of `bytes_per_cell` cannot fit in this machine's memory, or None when it can."""
    needed, available = width * height * bytes_per_cell, physical_memory()
    if needed <= available:
        return None
    return (
        f"a {width}x{height} board needs about {needed / 1e9:.1f} GB{purpose}; "
        f"this machine has {available / 1e9:.1f} GB"
    )


def physical_memory() -> int:
    """The memory lifetui may use: the machine's, or less under an address-space limit (`ulimit -v`)."""
    physical = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    limit, _ = resource.getrlimit(resource.RLIMIT_AS)
    return physical if limit == resource.RLIM_INFINITY else min(physical, limit)


def default_size(pattern: Pattern) -> tuple[int, int]:
    """Room for the pattern to move: at least 256 a side, twice the box, rounded up to 64-cell words."""

    def side(extent: int) -> int:
        wanted = max(DEFAULT_SIDE, 2 * extent)
        return min(MAX_SIDE, max(extent, -(-wanted // 64) * 64))

    return side(pattern.width), side(pattern.height)


def asked_grid(pattern: Pattern, size: tuple[int, int] | None, rule: RuleSpec | None) -> BoundedGrid | None:
    """The bounded plane or tube the rule asks for (`--rule`'s suffix, else the file's), unless --size or a
    torus suffix that comes first asks for a torus."""
    if size:
        return None
    for spec in (rule, pattern.rule):
        if spec and (spec.torus or spec.bounded):
            return spec.bounded
    return None


def board_from_pattern(pattern: Pattern, size: tuple[int, int] | None = None, rule: RuleSpec | None = None) -> Board:
    """Centre the pattern's box on a torus; rule and size: README's precedence (Boards and placement)."""
    pattern.check_laid_out()
    grid = asked_grid(pattern, size, rule)
    if grid is not None:
        kind = "a bounded plane" if grid.kind == "P" else "a torus infinite one way"
        raise UsageError(
            f"{pattern.source}: the rule asks for {kind} ({grid.suffix}): `lifetui run` runs it; "
            "the terminal UI and --bench run tori (give --size WxH for one)"
        )
    chosen_rule = (rule or pattern.rule or RuleSpec(CONWAY)).rule
    torus = (rule and rule.torus) or (pattern.rule and pattern.rule.torus)
    width, height = size or torus or default_size(pattern)
    check_size(width, height)
    if pattern.width > width or pattern.height > height:
        raise UsageError(
            f"{pattern.source}: pattern is {pattern.width}x{pattern.height}, larger than the {width}x{height} torus"
            + ("; `lifetui run --plane --engine hashlife` runs it on the unbounded plane" if not size else "")
        )
    cells = np.zeros((height, width), dtype=np.uint8)
    paint_runs(cells, pattern.runs, (width - pattern.width) // 2, (height - pattern.height) // 2)
    return Board(chosen_rule, cells, pattern.generation)


def plane_rule(pattern: Pattern, size: tuple[int, int] | None, rule: RuleSpec | None,
               grid: BoundedGrid | None = None) -> Rule:  # fmt: skip
    """The rule for a pattern on the plane (or on a file's bounded grid), or a usage error when the command line
    or the file asks for a torus or, for the plane, another grid."""
    specs = [spec for spec in (rule, pattern.rule) if spec]
    if size is not None or any(spec.torus or (spec.bounded and not grid) for spec in specs):
        raise UsageError("--plane runs the unbounded plane: leave out --size and the rule's :T or :P suffix")
    return (rule or pattern.rule or RuleSpec(CONWAY)).rule


def plane_board(pattern: Pattern, size: tuple[int, int] | None, rule: RuleSpec | None) -> PlaneBoard:
    """The pattern on the unbounded plane, its rule checked (see plane_rule)."""
    return PlaneBoard(plane_rule(pattern, size, rule), pattern)


def default_board(pattern: Pattern, size: tuple[int, int] | None, rule: RuleSpec | None) -> Board | PlaneBoard:
    """Where a pattern runs (README, "Boards and placement"): on the torus that --size or a rule's :T suffix
    asks for, else on the unbounded plane, as in Golly; a rule with B0 on the default torus, said in the
    pattern's warnings (on the plane every dead cell would be born at once)."""
    if size is None and not any(spec and (spec.torus or spec.bounded) for spec in (rule, pattern.rule)):
        chosen = (rule or pattern.rule or RuleSpec(CONWAY)).rule
        if not chosen.truth_table()[0]:
            return PlaneBoard(chosen, pattern)
        pattern.warnings.append(
            f"rule {chosen} has B0: on the unbounded plane every dead cell would be born at once; it runs on a torus"
        )
    return board_from_pattern(pattern, size, rule)
