"""The one interface every front end holds: cells on a topology, advanced by an engine.

Coordinates are (row, column) on the topology: a torus's run from (0, 0); the plane's are any whole numbers.
An array engine (numpy, jax, c, bitsliced) steps a board, and ArrayUniverse gives it every topology:

- on a torus the engine's board is the torus, and nothing more is tracked (a 65536 x 65536 board pays nothing
  per frame for being a universe);
- along a free axis the board follows the pattern: the live cells sit inside a dead margin, each call advances
  at most as many generations as the live cells are from the board's nearest edge (so nothing reaches across
  the wrap: board and plane agree cell for cell), and when they come within a quarter of the margin of an edge
  the board is laid again around them, larger as they grow; when that needs more memory than this machine
  has, the step stops at the generation it reached with Outgrown, which says how far it got;
- along a wrap axis of a tube the board is the tube's period; along a bounded axis the grid and one dead line
  each side, cleared after every generation;
- on Golly's glued surfaces (Klein bottle, cross-surface, sphere, shifted torus) the grid and a ring of cells
  round it: before each generation the ring takes the states of the cells its edges are joined to (a flipped
  or shifted copy, Topology.glued_ring), and after it the ring is cleared, as beyond a bounded axis.

A rule of a longer range (Larger than Life's `Rule.range`, r) reaches r cells a generation: the margin and the
generations a call are counted in r cells, and a bounded axis has r dead lines each side.

An engine that holds its own universe (hashlife's quadtree on the plane) implements Universe itself.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable

import numpy as np

from lifetui.engines import (
    DEFAULT_OPTIONS,
    ENGINES,
    EngineOptions,
    create_engine,
    load_factory,
    refuse_unavailable,
)
from lifetui.engines.base import Engine, Interrupted, any_in_squares
from lifetui.errors import LifeError, UsageError
from lifetui.memory import BOARD_BYTES_PER_CELL, memory_shortfall
from lifetui.patterns import Pattern
from lifetui.patterns.pattern import MAX_PLACE, paint_runs
from lifetui.rules import Rule
from lifetui.world.topology import BOUNDED, FREE, GLUED, WRAP, Axis, Region, Topology

#: The least dead margin around the live cells on a board that follows them, in cells (a 64-cell word).
MIN_MARGIN = 64
#: The most cells the live cells' extent may hold to be read out as an array.
MAX_READ_CELLS = 1 << 31


class Outgrown(LifeError):
    """The pattern has grown beyond what the engine can hold on this machine (`why`); `done` generations of
    the `asked` were made first (the universe is as they left it), said in the message when `asked` is."""

    def __init__(self, why: str, done: int = 0, asked: int | None = None):
        where = (
            ""
            if asked is None
            else f" (stopped after {done:,} of the {asked:,} generations; the board is as it was then)"
        )
        super().__init__(why + where)
        self.why, self.done = why, done

    def of(self, done_before: int, asked: int) -> Outgrown:
        """The same stop, counted within a longer run: `done_before` generations came before this step."""
        return Outgrown(self.why, done_before + self.done, asked)


def refuse_b0_on_free_axes(rule: Rule, topology: Topology) -> None:
    """Refuse a rule under which a dead neighbourhood is born (B0) where an axis is unbounded: infinitely many
    cells would be born at once."""
    if topology.has_free_axis and rule.born_on_empty:
        raise UsageError(
            f"rule {rule} has B0: every dead cell of {topology.describe()} would be born at once; "
            "run it on a torus (--size WxH)"
        )


def refuse_far_places(places: np.ndarray) -> None:
    """Refuse cells further than MAX_PLACE from (0, 0)."""
    if len(places) and int(np.abs(places).max()) > MAX_PLACE:
        raise UsageError(f"cells may be drawn at most {MAX_PLACE:,} from (0, 0) of the plane")


def board_margin(height: int, width: int, reach: int = 1) -> int:
    """The dead margin a following board keeps round live cells of this box: half its larger side, in whole
    64-cell words, at least MIN_MARGIN and four times the rule's reach."""
    return max(MIN_MARGIN, -(-max(height, width) // 2 // 64) * 64, -(-4 * reach // 64) * 64)


def live_box(cells: np.ndarray) -> Region | None:
    """The live cells' bounding box in `cells`, or None when none live."""
    rows, columns = np.flatnonzero(cells.any(axis=1)), np.flatnonzero(cells.any(axis=0))
    if not len(rows):
        return None
    return int(rows[0]), int(columns[0]), int(rows[-1] - rows[0] + 1), int(columns[-1] - columns[0] + 1)


def lay_on_torus(pattern: Pattern, height: int, width: int) -> np.ndarray:
    """The pattern's box centred on a torus of this size: left = (W - w) // 2, top = (H - h) // 2."""
    pattern.refuse_unlaid()
    if pattern.width > width or pattern.height > height:
        raise UsageError(
            f"{pattern.source}: pattern is {pattern.width}x{pattern.height}, larger than the {width}x{height} torus"
        )
    cells = np.zeros((height, width), dtype=np.uint8)
    paint_runs(cells, pattern.runs, (width - pattern.width) // 2, (height - pattern.height) // 2, pattern.run_states)
    return cells


class Universe(ABC):
    """Cells on a topology, advanced by an engine; the engine's format stays inside."""

    topology: Topology
    engine: Engine  # what steps it: its kernel, speed and description are the universe's

    @property
    def interrupted(self) -> Callable[[], bool]:
        return self.engine.interrupted

    @interrupted.setter
    def interrupted(self, poll: Callable[[], bool]) -> None:
        """Polled by the engine between parts of a long generation (see Engine.interrupted)."""
        self.engine.interrupted = poll

    @property
    def generations_per_pass(self) -> int:
        return self.engine.generations_per_pass

    @property
    def inexact(self) -> int:
        return self.engine.inexact

    def describe(self) -> tuple[str, str]:
        return self.engine.describe()

    def close(self) -> None:
        self.engine.close()

    @abstractmethod
    def load(self, cells: np.ndarray, top: int = 0, left: int = 0) -> None:
        """Put `cells` on an empty universe, its top-left cell at (top, left)."""

    def load_pattern(self, pattern: Pattern) -> None:
        """Put a pattern on an empty universe where it goes: centred on a torus, else where the file says
        (`Pattern.plane_origin`)."""
        self.load(pattern.to_array(), *pattern.plane_origin())

    def take_over(self, other: Universe) -> bool:
        """Take `other`'s cells straight from its engine's own format, when both can (see Engine.take_over);
        False when not: the cells then go by way of live_cells() and load()."""
        return False

    @abstractmethod
    def step(self, generations: int) -> None: ...

    @abstractmethod
    def extent(self) -> Region | None:
        """A region holding every live cell: a torus's whole board; elsewhere the live cells' bounding box, or
        None when none live. Cheap: kept up to date by every step and edit."""

    @abstractmethod
    def window(self, top: int, left: int, height: int, width: int) -> np.ndarray:
        """A fresh copy of the cells of a region (dead beyond a pattern on the plane; round a torus), uint8."""

    @abstractmethod
    def blocks(self, top: int, left: int, height: int, width: int, block: int) -> np.ndarray:
        """A zoomed-out window: one uint8 per square of `block` x `block` cells from (top, left), 1 when any
        is live (see Engine.blocks); only the part holding live cells is read."""

    @abstractmethod
    def set_cells(self, places: np.ndarray, value: int) -> None:
        """Put the cells at `places` ((n, 2) rows and columns) in state `value` (1 live, 0 dead)."""

    @abstractmethod
    def population(self) -> int: ...

    @property
    def held_cells(self) -> int:
        """Cells the engine steps each generation now (for its speed in cell updates)."""
        extent = self.extent()
        return extent[2] * extent[3] if extent else 0

    def live_cells(self) -> tuple[np.ndarray, int, int]:
        """The cells of the extent, with its top and left: (0 x 0 array, 0, 0) when none live."""
        extent = self.extent()
        if extent is None:
            return np.zeros((0, 0), dtype=np.uint8), 0, 0
        top, left, height, width = extent
        problem = memory_shortfall(width, height, 2, " to read out")  # the cells, and their text
        if height * width > MAX_READ_CELLS or problem:
            # Said to the TUI (an engine swap, a save) and the command line alike: no option of either in it.
            raise Outgrown(
                f"the pattern spans {width:,} x {height:,} cells, too many to read out as cells here "
                f"({problem or f'at most {MAX_READ_CELLS:,}'}); hashlife holds it, and saves it as macrocell (.mc)"
            )
        return self.window(top, left, height, width), top, left

    def holds(self, cells: np.ndarray, top: int, left: int) -> bool:
        """Whether the live cells are exactly `cells` at (top, left) (dead cells round them allowed)."""
        return np.array_equal(self.window(top, left, *cells.shape), cells) and self.population() == int(
            np.count_nonzero(cells)
        )

    def native_text(self, rule: Rule, generation: int) -> str | None:
        """The universe in its engine's own file format (hashlife: macrocell, any size), or None for none."""
        return None


class ArrayUniverse(Universe):
    """An array engine's board on any topology (see the module's docstring)."""

    def __init__(self, engine: Engine, topology: Topology, bytes_per_cell: float = BOARD_BYTES_PER_CELL):
        refuse_b0_on_free_axes(engine.rule, topology)
        if engine.births_on_empty and topology.has_free_axis:
            raise UsageError(
                f"the {engine.name} engine's inexact kernel gives life to an empty neighbourhood: every dead cell "
                f"of {topology.describe()} would be born at once; run it on a torus (--size WxH)"
            )
        self.engine = engine
        self.topology = topology
        self._axes = topology.axes
        self._bytes_per_cell = bytes_per_cell
        self._torus = topology.is_torus  # the board is the torus: nothing to follow, nothing to clear
        self._origin = (topology.rows.start, topology.columns.start)  # the topology's place of board cell (0, 0)
        engine.origin_parity = sum(self._origin) % 2
        self._shape = topology.shape if self._torus else (0, 0)
        self._box: Region | None = None  # the live cells' box on the board (not kept on a torus)
        self._reach = engine.rule.range  # cells a live cell reaches in a generation
        self._margin = board_margin(0, 0, self._reach)
        self._borders: np.ndarray | None = None  # a bounded axis's dead lines on the board, cleared each generation
        if topology.is_glued and self._reach > 1:  # its ring of glued cells is one cell wide
            raise UsageError(f"Larger than Life runs on a torus, the plane, a bounded plane or a tube, not on "
                             f"{topology.describe()} (Golly's runs a torus or a plane)")  # fmt: skip
        self._glue = self._glued_ring() if topology.is_glued else None
        self._refuse_rows()

    def _refuse_rows(self) -> None:
        """Refuse, before anything is laid, a fixed number of rows the engine cannot split (jax over devices),
        with advice for the same topology (status 1, as the engine's own refusal). Along a free axis the board's
        rows are rounded up instead."""
        axis, multiple = self._axes[0], self.engine.rows_multiple
        rows = self._layout(axis, 0, 0, 1)[0]
        if axis.kind == FREE or rows % multiple == 0:
            return
        size = axis.size + -rows % multiple  # the grid's rows that lay a board of whole blocks
        columns = self._axes[1].size
        advice = (
            f"--size {columns}x{size}"
            if self._torus
            else f"the rule's suffix {self.topology.suffix()[:2]}{columns},{size}"
        )
        laid = (
            f"{rows} rows" if rows == axis.size else f"{rows} rows (the grid's {axis.size} and a dead line each side)"
        )
        raise LifeError(f"{self.engine.name} engine: {laid} do not split over {multiple} devices; try {advice}")

    # Reading and writing.

    def load_pattern(self, pattern: Pattern) -> None:
        if self._torus:
            self.engine.load(lay_on_torus(pattern, *self._shape))
            return
        pattern.refuse_unlaid()
        self._check_room(pattern.height, pattern.width)  # before the pattern becomes an array
        super().load_pattern(pattern)

    def load(self, cells: np.ndarray, top: int = 0, left: int = 0) -> None:
        if self._torus:
            self._load_torus(cells, top, left)
            return
        box = live_box(cells)
        if box is None and self.topology.has_free_axis:
            self._box = None
            return
        y, x, height, width = box or (0, 0, 0, 0)
        for axis, low, count, name in ((self._axes[0], top + y, height, "rows"),
                                       (self._axes[1], left + x, width, "columns")):  # fmt: skip
            if not axis.fits(low, count):
                raise UsageError(
                    f"the pattern's live cells take {count} {name}, from {low}; the grid has {axis.size}, "
                    f"from {axis.start}"
                )
        if not self.topology.has_free_axis:  # the whole grid, so that it runs even with nothing alive (a B0 rule)
            rows, columns = self._axes
            grid = np.zeros((rows.size, columns.size), dtype=np.uint8)
            first_row, first_column = top + y - rows.start, left + x - columns.start
            live = cells[y : y + height, x : x + width]
            grid[first_row : first_row + height, first_column : first_column + width] = live
            self._lay(grid, rows.start, columns.start)
            self._box = self.engine.live_box(0, 0, *self._shape)
            return
        self._lay(cells[y : y + height, x : x + width], top + y, left + x)

    def _load_torus(self, cells: np.ndarray, top: int, left: int) -> None:
        height, width = self._shape
        if cells.shape == self._shape and (top, left) == self._origin:
            self.engine.load(cells)
            return
        if cells.shape[0] > height or cells.shape[1] > width:
            raise UsageError(f"{cells.shape[1]} x {cells.shape[0]} cells do not fit on a {width} x {height} torus")
        board = np.zeros(self._shape, dtype=np.uint8)
        rows = (top - self._origin[0] + np.arange(cells.shape[0])) % height
        columns = (left - self._origin[1] + np.arange(cells.shape[1])) % width
        board[np.ix_(rows, columns)] = cells
        self.engine.load(board)

    def take_over(self, other: Universe) -> bool:
        # Packed words pass from board to board only where both boards are the same torus.
        return self._torus and other.topology == self.topology and self.engine.take_over(other.engine)

    def extent(self) -> Region | None:
        if self._torus:
            return (*self._origin, *self._shape)
        if self._box is None:
            return None
        y, x, height, width = self._box
        return self._origin[0] + y, self._origin[1] + x, height, width

    @property
    def held_cells(self) -> int:
        return self._shape[0] * self._shape[1]

    def holds(self, cells: np.ndarray, top: int, left: int) -> bool:
        if self._torus and cells.shape == self._shape and (top, left) == self._origin:
            return self.engine.holds(cells)  # band by band: no second copy of a huge board
        return super().holds(cells, top, left)

    def window(self, top: int, left: int, height: int, width: int) -> np.ndarray:
        if self._torus:
            if (top, left) == self._origin and (height, width) == self._shape:
                return self.engine.cells()
            return self.engine.window(top - self._origin[0], left - self._origin[1], height, width)
        return self.blocks(top, left, height, width, 1)

    def blocks(self, top: int, left: int, height: int, width: int, block: int) -> np.ndarray:
        if self._torus:
            return self.engine.blocks(top - self._origin[0], left - self._origin[1], height, width, block)
        out = np.zeros((-(-height // block), -(-width // block)), dtype=np.uint8)
        box = self.extent()
        if box is None:
            return out
        # Only the live box can hold live cells: its part in the window, widened to whole squares.
        y0, x0 = max(top, box[0]), max(left, box[1])
        y1, x1 = min(top + height, box[0] + box[2]), min(left + width, box[1] + box[3])
        if y0 >= y1 or x0 >= x1:
            return out
        ay0, ax0 = top + (y0 - top) // block * block, left + (x0 - left) // block * block
        ay1, ax1 = (
            min(top + height, top - (top - y1) // block * block),
            min(left + width, left - (left - x1) // block * block),
        )
        (origin_top, origin_left), (rows, columns) = self._origin, self._shape
        if origin_top <= ay0 and ay1 <= origin_top + rows and origin_left <= ax0 and ax1 <= origin_left + columns:
            part = self.engine.blocks(ay0 - origin_top, ax0 - origin_left, ay1 - ay0, ax1 - ax0, block)
        else:  # the squares reach past the board: read the live cells only, dead around them
            cells = np.zeros((ay1 - ay0, ax1 - ax0), dtype=np.uint8)
            cells[y0 - ay0 : y1 - ay0, x0 - ax0 : x1 - ax0] = self.engine.window(
                y0 - origin_top, x0 - origin_left, y1 - y0, x1 - x0
            )
            part = any_in_squares(cells, block) if block > 1 else cells
        out[(ay0 - top) // block : (ay0 - top) // block + part.shape[0],
            (ax0 - left) // block : (ax0 - left) // block + part.shape[1]] = part  # fmt: skip
        return out

    def set_cells(self, places: np.ndarray, value: int) -> None:
        places = np.array(places, dtype=np.int64).reshape(-1, 2)  # a copy: _on_grid changes it
        if self._torus:
            self.engine.set_cells((places - self._origin) % self._shape, value)
            return
        refuse_far_places(places)
        places = self._on_grid(places)
        if not len(places):
            return
        (origin_top, origin_left), (rows, columns) = self._origin, self._shape
        on_board = places - (origin_top, origin_left)
        if (on_board >= 0).all() and (on_board < (rows, columns)).all():
            self.engine.set_cells(on_board, value)
            self._box = self.engine.live_box(0, 0, *self._shape)
            return
        if not value and self._box is None:
            return
        # Beyond the board: lay it again around the live cells and the new ones.
        corners = [places.min(axis=0), places.max(axis=0) + 1]
        extent = self.extent()
        if extent is not None:
            top, left, height, width = extent
            corners += [np.array([top, left]), np.array([top + height, left + width])]
        (top, left), (bottom, right) = np.min(corners, axis=0), np.max(corners, axis=0)
        self._check_room(int(bottom - top), int(right - left))
        cells = self.window(int(top), int(left), int(bottom - top), int(right - left))
        cells[places[:, 0] - top, places[:, 1] - left] = value
        self.load(cells, int(top), int(left))

    def _on_grid(self, places: np.ndarray) -> np.ndarray:
        """The places on a tube's period taken round it, and those beyond a bounded axis's grid left out."""
        for index, axis in enumerate(self._axes):
            if axis.kind == WRAP:
                places[:, index] = axis.start + (places[:, index] - axis.start) % axis.size
            elif axis.kind in (BOUNDED, GLUED):
                places = places[(places[:, index] >= axis.start) & (places[:, index] < axis.start + axis.size)]
        return places

    def population(self) -> int:
        return 0 if not self._torus and self._box is None else self.engine.population()

    # Laying the board where the topology has no fixed board.

    def _layout(self, axis: Axis, count: int, margin: int, multiple: int) -> tuple[int, int]:
        """(board cells along the axis, where the axis's first cell sits on it) for `count` live ones; along a
        free axis, rounded up to a `multiple` of cells (64-cell words, rows the engine splits)."""
        if axis.kind == WRAP:
            return axis.size, 0
        if axis.kind in (BOUNDED, GLUED):
            return axis.size + 2 * self._reach, self._reach
        extent = count + 2 * margin
        return -(-extent // multiple) * multiple, margin

    def _check_room(self, height: int, width: int) -> tuple[int, int, int]:
        """The margin and the board's (rows, columns) for live cells of this box, or Outgrown."""
        margin = board_margin(height, width, self._reach)
        rows = self._layout(self._axes[0], height, margin, self.engine.rows_multiple)[0]
        columns = self._layout(self._axes[1], width, margin, 64)[0]
        problem = memory_shortfall(columns, rows, self._bytes_per_cell)
        if problem:
            offer = (
                "the hashlife engine (--engine hashlife) runs the plane without a board"
                if self.topology.is_plane and not self.engine.rule.multi_state
                else "a torus (--size WxH) or a smaller grid would fit"
            )
            raise Outgrown(
                f"the pattern spans {width:,} x {height:,} cells: the {self.engine.name} engine's board "
                f"around it would be {columns:,} x {rows:,}, and {problem.split('; ', 1)[1]}; {offer}"
            )
        return margin, rows, columns

    def _lay(self, live: np.ndarray, top: int, left: int) -> None:
        """A fresh board around `live` (its live box), its top-left cell at (top, left) of the topology."""
        height, width = live.shape
        margin, rows, columns = self._check_room(height, width)
        board = np.zeros((rows, columns), dtype=np.uint8)
        origin, at = [], []
        for axis, low in zip(self._axes, (top, left)):
            if axis.kind == FREE:
                origin.append(low - margin)
                at.append(margin)
            else:  # the grid's first cell is at the board's 0 (wrap) or the reach (bounded)
                first = self._layout(axis, 0, margin, 1)[1]
                origin.append(axis.start - first)
                at.append(low - axis.start + first)
        board[at[0] : at[0] + height, at[1] : at[1] + width] = live
        self.engine.load(board)
        self.engine.origin_parity = (origin[0] + origin[1]) % 2
        self._origin, self._shape, self._margin = (origin[0], origin[1]), (rows, columns), margin
        self._box = (at[0], at[1], height, width)
        self._borders = self._dead_lines()

    def _clearance(self) -> int | None:
        """How many generations the live cells may run before one could reach round a free axis's board (None:
        no free axis, no limit)."""
        y, x, height, width = self._box
        near = [
            min(low, extent - low - count)
            for axis, low, count, extent in zip(self._axes, (y, x), (height, width), self._shape)
            if axis.kind == FREE
        ]
        return min(near) if near else None

    def _relay(self) -> None:
        y, x, height, width = self._box
        # Along a fixed axis the whole grid is taken, so the live cells keep their place on it.
        if self._axes[0].kind != FREE:
            y, height = self._layout(self._axes[0], 0, 0, 1)[1], self._axes[0].size
        if self._axes[1].kind != FREE:
            x, width = self._layout(self._axes[1], 0, 0, 1)[1], self._axes[1].size
        self._lay(self.engine.window(y, x, height, width), self._origin[0] + y, self._origin[1] + x)

    def _dead_lines(self) -> np.ndarray | None:
        """The cells of the dead lines beyond a bounded axis's grid (the reach of them each side), as (n, 2) rows
        and columns (None: none)."""
        rows, columns = self._shape
        lines = []
        beyond = [*range(self._reach), *range(-self._reach, 0)]
        if self._axes[0].kind in (BOUNDED, GLUED):
            lines += [np.stack([np.full(columns, y % rows), np.arange(columns)], axis=1) for y in beyond]
        if self._axes[1].kind in (BOUNDED, GLUED):
            lines += [np.stack([np.arange(rows), np.full(rows, x % columns)], axis=1) for x in beyond]
        return np.concatenate(lines).astype(np.int64) if lines else None

    def _glued_ring(self) -> tuple[np.ndarray, np.ndarray]:
        """The glued ring's cells on the board, and for each the index of the cell it copies in the grid's edge
        cells as `_fill_ring` reads them (top row, bottom row, left column, right column)."""
        height, width = self.topology.shape
        outside, inside = self.topology.glued_ring()
        row, column = inside[:, 0], inside[:, 1]
        edge = np.where(
            row == 0, column, np.where(row == height - 1, width + column, np.where(column == 0, 2 * width + row,
                                                                                    2 * width + height + row))
        )  # fmt: skip
        return outside + 1, edge

    def _fill_ring(self, ring: tuple[np.ndarray, np.ndarray]) -> None:
        """Give the glued ring (`_glued_ring`) the states of the edge cells it is joined to (it is dead before)."""
        places, edge = ring
        height, width = self.topology.shape
        window = self.engine.window
        edges = np.concatenate([window(1, 1, 1, width).ravel(), window(height, 1, 1, width).ravel(),
                                window(1, 1, height, 1).ravel(), window(1, width, height, 1).ravel()])  # fmt: skip
        states = edges[edge]
        for state in np.unique(states[states > 0]):
            self.engine.set_cells(places[states == state], int(state))

    # Stepping.

    def step(self, generations: int) -> None:
        """Advance; an Outgrown leaves the board at the generation reached, and says how far that was."""
        if self._torus:
            self.engine.step(generations)
            return
        asked = generations
        while generations > 0 and (self._box is not None or not self.topology.has_free_axis):
            clearance = self._clearance() if self._box is not None else None
            if clearance is not None and clearance < max(self._reach, self._margin // 4):
                try:
                    self._relay()
                except Outgrown as err:
                    done = asked - generations
                    raise Outgrown(err.why, done, asked) from None
                clearance = self._clearance()
            if clearance is not None:
                clearance //= self._reach
            # Live cells reach at most `reach` cells a generation: in `clearance` generations none crosses the edge.
            # A bounded axis goes a generation at a time, the dead lines beyond it cleared after each (the rule
            # may bring them to life; beyond the grid nothing lives).
            count = 1 if self._borders is not None else min(generations, clearance or generations)
            if self._glue is not None:
                self._fill_ring(self._glue)
            try:
                self.engine.step(count)
            except Interrupted as interrupted:
                if self._borders is not None:
                    self.engine.set_cells(self._borders, 0)
                generations -= interrupted.done
                self._find_box(interrupted.done)
                raise Interrupted(asked - generations) from None
            if self._borders is not None:
                self.engine.set_cells(self._borders, 0)
            generations -= count
            self._find_box(count)

    def _find_box(self, generations: int) -> None:
        """The live box after `generations`: on the plane within the old one grown that much each way (live
        cells reach `reach` cells a generation), so only that is read; round a tube or in a grid, all of it."""
        if self._box is None or not self.topology.is_plane:
            self._box = self.engine.live_box(0, 0, *self._shape)
            return
        generations *= self._reach
        y, x, height, width = self._box
        rows, columns = self._shape
        top, left = max(0, y - generations), max(0, x - generations)
        bottom, right = min(rows, y + height + generations), min(columns, x + width + generations)
        self._box = self.engine.live_box(top, left, bottom - top, right - left)


def create_universe(name: str, rule: Rule, topology: Topology, options: EngineOptions = DEFAULT_OPTIONS) -> Universe:
    """An empty universe of the topology, advanced by engine `name` (its own universe where its registry entry
    names one for the topology), or EngineUnavailable saying why not."""
    refuse_unavailable(name, rule, options, topology)
    info = ENGINES[name]
    universe = info.states_universe if rule.multi_state and info.states_universe else info.universe
    if universe is not None and topology.is_plane:
        return load_factory(universe)(rule, options)
    engine = create_engine(name, rule, options)
    try:
        return ArrayUniverse(engine, topology, info.bytes_per_cell)
    except BaseException:
        engine.close()
        raise
