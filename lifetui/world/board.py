"""A board: a pattern under a rule on a topology, and where a pattern runs when the user opens it."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property

import numpy as np

from lifetui.errors import UsageError
from lifetui.memory import BOARD_BYTES_PER_CELL, memory_shortfall
from lifetui.patterns import MAX_SIDE, Pattern, load_pattern
from lifetui.patterns.pattern import state_runs
from lifetui.rules import CONWAY, Rule, RuleSpec
from lifetui.world.topology import PLANE, Topology
from lifetui.world.universe import lay_on_torus

MIN_SIDE = 3
DEFAULT_SIDE = 256


@dataclass(eq=False)
class Board:
    """A pattern under a rule on a topology: what a simulation, a run or a benchmark starts from (and goes
    back to on a reset). On a torus the pattern's box is centred; elsewhere it goes where the file says."""

    rule: Rule
    topology: Topology
    pattern: Pattern

    @classmethod
    def of_cells(cls, rule: Rule, cells: np.ndarray, generation: int = 0) -> Board:
        """A torus of exactly these cells (each in its state)."""
        height, width = cells.shape
        runs, states = state_runs(cells)
        pattern = Pattern(width, height, runs, generation=generation, run_states=states)
        return cls(rule, Topology.torus(height, width), pattern)

    @property
    def generation(self) -> int:
        return self.pattern.generation

    @cached_property
    def cells(self) -> np.ndarray:
        """A torus's cells, the pattern laid on it (read only: a copy is each engine's own)."""
        if not self.topology.is_torus:
            raise UsageError(f"{self.pattern.source or 'the pattern'} runs on {self.topology.describe()}, not a torus")
        cells = lay_on_torus(self.pattern, *self.topology.shape)
        cells.flags.writeable = False
        return cells

    @property
    def width(self) -> int:
        return self.topology.columns.size

    @property
    def height(self) -> int:
        return self.topology.rows.size

    @property
    def population(self) -> int:
        return self.pattern.population


def parse_size(text: str) -> tuple[int, int]:
    """`WxH` (or a single number for a square) as a checked torus size, (width, height)."""
    match = re.fullmatch(r"\s*([0-9]+)\s*(?:[xX*]\s*([0-9]+))?\s*", text)
    if not match:
        raise UsageError(f"size {text!r} is not WIDTHxHEIGHT, for example 512x512")
    if any(side and len(side.lstrip("0")) > 9 for side in (match[1], match[2])):
        raise UsageError(f"board size {text[:40]!r} is outside {MIN_SIDE}..{MAX_SIDE} a side")
    width = int(match[1])
    height = int(match[2]) if match[2] else width
    refuse_bad_size(width, height)
    return width, height


def refuse_bad_size(width: int, height: int) -> None:
    """Refuse a torus smaller than 3x3, larger than the maximum side, or larger than this machine can hold
    (BOARD_BYTES_PER_CELL; an engine that needs more says so when it cannot)."""
    for side, name in ((width, "width"), (height, "height")):
        if not MIN_SIDE <= side <= MAX_SIDE:
            raise UsageError(f"board {name} {side} is outside {MIN_SIDE}..{MAX_SIDE}")
    problem = memory_shortfall(width, height, BOARD_BYTES_PER_CELL, " to simulate")
    if problem:
        raise UsageError(problem)


def default_size(pattern: Pattern) -> tuple[int, int]:
    """Room for the pattern to move: at least 256 a side, twice the box, rounded up to 64-cell words."""

    def side(extent: int) -> int:
        wanted = max(DEFAULT_SIDE, 2 * extent)
        return min(MAX_SIDE, max(extent, -(-wanted // 64) * 64))

    return side(pattern.width), side(pattern.height)


def asked(pattern: Pattern, rule: RuleSpec | None) -> tuple[Rule, RuleSpec | None]:
    """The rule (--rule's, else the file's, else B3/S23) and the first of them that names a grid by its suffix
    (`:T` or `:P`), if any: --rule's comes first. Cells in states the rule lacks are read as state 1."""
    chosen = (rule or pattern.rule or RuleSpec(CONWAY)).rule
    pattern.fit_states(chosen.states)
    return chosen, next((spec for spec in (rule, pattern.rule) if spec and (spec.torus or spec.bounded)), None)


def torus_board(pattern: Pattern, size: tuple[int, int] | None = None, rule: RuleSpec | None = None) -> Board:
    """The pattern on a fixed board, for --bench: the torus of --size, else the grid of the rule's suffix (`:T`,
    `:P`), else a torus with room round it."""
    chosen, suffix = asked(pattern, rule)
    if not size and suffix and suffix.bounded:
        pattern.refuse_unlaid()
        return Board(chosen, Topology.grid(suffix.bounded), pattern)
    width, height = size or (suffix.torus if suffix else None) or default_size(pattern)
    return _on_torus(pattern, chosen, width, height, size is None)


def _on_torus(pattern: Pattern, rule: Rule, width: int, height: int, offer_plane: bool) -> Board:
    pattern.refuse_unlaid()
    refuse_bad_size(width, height)
    if pattern.width > width or pattern.height > height:
        raise UsageError(
            f"{pattern.source}: pattern is {pattern.width}x{pattern.height}, larger than the {width}x{height} torus"
            + ("; `lifetui run --plane --engine hashlife` runs it on the unbounded plane" if offer_plane else "")
        )
    return Board(rule, Topology.torus(height, width), pattern)


def board_for(pattern: Pattern, size: tuple[int, int] | None = None, rule: RuleSpec | None = None,
              plane: bool = False) -> Board:  # fmt: skip
    """Where a pattern runs (docs/boards.md, "Boards and placement"), as in Golly: on the torus that --size or a rule's
    `:T` suffix asks for, on the bounded grid a `:P` or tube suffix asks for, else on the unbounded plane;
    `plane` insists on the plane. A rule with B0 goes on the default torus, said in the pattern's warnings
    (on the plane every dead cell would be born at once)."""
    chosen, suffix = asked(pattern, rule)
    if plane:
        if size is not None or suffix:
            raise UsageError("--plane runs the unbounded plane: leave out --size and the rule's :T or :P suffix")
        return Board(chosen, PLANE, pattern)
    if size is not None:
        return _on_torus(pattern, chosen, *size, offer_plane=False)
    if suffix and suffix.bounded:
        pattern.refuse_unlaid()
        return Board(chosen, Topology.grid(suffix.bounded), pattern)
    if suffix and suffix.torus:
        width, height = suffix.torus
        return _on_torus(pattern, chosen, width, height, offer_plane=True)
    if not chosen.born_on_empty:
        return Board(chosen, PLANE, pattern)
    pattern.warnings.append(
        f"rule {chosen} has B0: on the unbounded plane every dead cell would be born at once; it runs on a torus"
    )
    return _on_torus(pattern, chosen, *default_size(pattern), offer_plane=False)


def open_board(spec: str, size: tuple[int, int] | None = None, rule: RuleSpec | None = None,
               plane: bool = False) -> Board:  # fmt: skip
    """The one way a pattern is opened (`lifetui PATTERN`, `lifetui run` and the Open screen): read `spec` (a
    path, `-`, or a bundled name) and place it where it runs (board_for); the pattern's warnings ride on it."""
    return board_for(load_pattern(spec), size, rule, plane)
