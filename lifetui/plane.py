"""The unbounded plane: a pattern with no edges, advanced by any engine.

Plane coordinates are whole numbers (y down, x right) with no bounds. The hashlife engine holds the plane
itself (its quadtree grows dead borders as the pattern grows). The grid engines run a torus that follows
the pattern: the live cells sit inside a dead margin, each call advances at most as many generations as
the live cells are from the torus's nearest edge (so nothing reaches across the wrap: the torus and the
plane agree cell for cell), and when the live cells come within a quarter of the margin of an edge the
torus is laid again around them, larger as they grow. When it would need more memory than this machine
has, the engine stops at the generation it reached with a PlaneOutgrown error that says how far it got
and offers hashlife.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from lifetui.board import BOARD_BYTES_PER_CELL, REFERENCE_BYTES_PER_CELL, memory_shortfall
from lifetui.engines.base import DEFAULT_OPTIONS, Engine, EngineOptions, Interrupted, any_in_squares
from lifetui.errors import LifeError, UsageError
from lifetui.patterns import Pattern
from lifetui.rules import BoundedGrid, Rule

#: The least dead margin around the live cells on a grid engine's torus, in cells (a 64-cell word).
MIN_MARGIN = 64
#: The most cells the live cells' bounding box may hold to be read out as an array.
MAX_READ_CELLS = 1 << 31


class PlaneOutgrown(LifeError):
    """The pattern has grown beyond what the engine can hold on this machine; `done` generations of the
    step were made first (the board is as they left it)."""

    def __init__(self, message: str, done: int = 0):
        super().__init__(message)
        self.done = done


def check_plane_rule(rule: Rule) -> None:
    """Refuse a rule under which a dead neighbourhood is born (B0): the whole plane would live at once."""
    if rule.truth_table()[0]:
        raise UsageError(
            f"rule {rule} has B0: every dead cell of the unbounded plane would be born at once; "
            "run it on a torus (--size WxH)"
        )


def board_margin(height: int, width: int) -> int:
    """The dead margin a grid engine's torus keeps round live cells of this box: half its larger side, in
    whole 64-cell words, at least MIN_MARGIN."""
    return max(MIN_MARGIN, -(-max(height, width) // 2 // 64) * 64)


def check_places(places: np.ndarray) -> None:
    """Refuse cells further than MAX_PLACE from (0, 0)."""
    if len(places) and int(np.abs(places).max()) > MAX_PLACE:
        raise UsageError(f"cells may be drawn at most {MAX_PLACE:,} from (0, 0) of the plane")


def live_box(cells: np.ndarray) -> tuple[int, int, int, int] | None:
    """The live cells' bounding box in `cells` as (top, left, height, width), or None when none live."""
    rows, columns = np.flatnonzero(cells.any(axis=1)), np.flatnonzero(cells.any(axis=0))
    if not len(rows):
        return None
    return int(rows[0]), int(columns[0]), int(rows[-1] - rows[0] + 1), int(columns[-1] - columns[0] + 1)


#: Cells drawn on the plane stay within this many of (0, 0) each way (hashlife's root reaches 2^60).
MAX_PLACE = 1 << 58


class Plane(ABC):
    """A pattern on the unbounded plane and the engine that advances it."""

    engine_name: str
    engine: Engine  # what steps it: its kernel, speed and description are the plane's

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
        """Put `cells` on an empty plane, its top-left cell at (top, left)."""

    def load_pattern(self, pattern: Pattern) -> None:
        """Put a pattern on an empty plane where it says it is (`Pattern.plane_origin`)."""
        self.load(pattern.to_array(), *pattern.plane_origin())

    @abstractmethod
    def step(self, generations: int) -> None: ...

    @abstractmethod
    def bounds(self) -> tuple[int, int, int, int] | None:
        """The live cells' bounding box as (top, left, height, width) in plane coordinates, or None."""

    @abstractmethod
    def window(self, top: int, left: int, height: int, width: int) -> np.ndarray:
        """The cells of a rectangle of the plane (dead beyond the pattern), uint8."""

    @abstractmethod
    def blocks(self, top: int, left: int, height: int, width: int, block: int) -> np.ndarray:
        """A zoomed-out window: one uint8 per square of `block` x `block` cells from (top, left), 1 when any
        is live (see Engine.blocks); only the part the pattern occupies is read."""

    @abstractmethod
    def set_cells(self, places: np.ndarray, value: int) -> None:
        """Make the cells at `places` ((n, 2) rows and columns of the plane) live (value 1) or dead (0)."""

    @abstractmethod
    def population(self) -> int: ...

    def live_cells(self) -> tuple[np.ndarray, int, int]:
        """The live cells' bounding box as an array, with its top and left: (0 x 0 array, 0, 0) when none."""
        box = self.bounds()
        if box is None:
            return np.zeros((0, 0), dtype=np.uint8), 0, 0
        top, left, height, width = box
        problem = memory_shortfall(width, height, 2, " to read out")  # the cells, and their text
        if height * width > MAX_READ_CELLS or problem:
            raise PlaneOutgrown(
                f"the pattern spans {width:,} x {height:,} cells, too many to read out as cells here "
                f"({problem or f'at most {MAX_READ_CELLS:,}'}); write macrocell from hashlife (-o X.mc), "
                "or --json for its size and population"
            )
        return self.window(top, left, height, width), top, left


class HashlifePlane(Plane):
    engine_name = "hashlife"

    def __init__(self, rule: Rule, options: EngineOptions = DEFAULT_OPTIONS):
        from lifetui.engines.hashlife_engine import HashlifeEngine

        check_plane_rule(rule)
        self.engine = self._engine = HashlifeEngine(rule, options)
        self._ffi, self._lib, self._universe = self._engine._ffi, self._engine._lib, self._engine._universe

    def load(self, cells: np.ndarray, top: int = 0, left: int = 0) -> None:
        height, width = cells.shape
        side = max(16, 1 << (max(height, width, 1) - 1).bit_length())
        grid = np.zeros((side, side), dtype=np.uint8)
        grid[:height, :width] = cells
        if self._lib.lifetui_hashlife_load(self._universe, self._ffi.from_buffer("uint8_t[]", grid), side, side) != 0:
            raise LifeError("hashlife engine: out of memory loading the pattern")
        self._lib.lifetui_hashlife_plane(self._universe, top, left)

    def load_pattern(self, pattern: Pattern) -> None:
        """Built from the pattern's runs, leaf by leaf, never as a dense array: a pattern of a few cells spread
        over 210,515 x 183,739 (Golly's switch-engine-ping-pong) costs a few nodes."""
        top, left = pattern.plane_origin()
        if pattern.quadtree is not None:
            self._plant_quadtree(pattern.quadtree, top, left)
            return
        runs = pattern.runs
        if not len(runs) or not pattern.population:
            self.load(np.zeros((16, 16), dtype=np.uint8), top, left)
            return
        lengths = runs[:, 2]
        ys = np.repeat(runs[:, 0], lengths)
        firsts = np.repeat(runs[:, 1] - (np.cumsum(lengths) - lengths), lengths)
        xs = firsts + np.arange(len(ys))  # each run's cells: its first x, then one more for each cell
        level = max(4, (max(pattern.width, pattern.height, 16) - 1).bit_length())
        # Leaves: 8 x 8 squares, keyed by their row and column of squares; bit 8r + c for the cell at (r, c).
        rows, columns = ys >> 3, xs >> 3
        keys = rows << 32 | columns
        order = np.argsort(keys, kind="stable")
        keys = keys[order]
        starts = np.flatnonzero(np.r_[True, keys[1:] != keys[:-1]])
        bits = np.left_shift(np.uint64(1), (((ys & 7) << 3) | (xs & 7)).astype(np.uint64)[order])
        bits = np.bitwise_or.reduceat(bits, starts)
        keys = keys[starts]
        refs = np.zeros(len(keys), dtype=np.uint32)
        lib, ffi, universe = self._lib, self._ffi, self._universe
        if lib.lifetui_hashlife_leaves(universe, ffi.from_buffer("uint64_t[]", bits), len(bits),
                                       ffi.from_buffer("uint32_t[]", refs)) != 0:  # fmt: skip
            raise LifeError("hashlife engine: out of memory loading the pattern")
        for child_level in range(3, level):
            rows, columns = keys >> 32, keys & 0xFFFFFFFF
            parents, slot = np.unique((rows >> 1) << 32 | (columns >> 1), return_inverse=True)
            children = np.zeros((len(parents), 4), dtype=np.uint32)
            children[slot.ravel(), ((rows & 1) << 1 | (columns & 1)).astype(np.intp)] = refs
            refs = np.zeros(len(parents), dtype=np.uint32)
            if lib.lifetui_hashlife_joins(universe, ffi.from_buffer("uint32_t[]", children), len(parents), child_level,
                                          ffi.from_buffer("uint32_t[]", refs)) != 0:  # fmt: skip
                raise LifeError("hashlife engine: out of memory loading the pattern")
            keys = parents
        lib.lifetui_hashlife_plant(universe, int(refs[0]), top, left)

    def _plant_quadtree(self, tree, top: int, left: int) -> None:
        """A macrocell file's nodes, level by level (leaves first), its box's top-left cell at (top, left)."""
        lib, ffi, universe = self._lib, self._ffi, self._universe
        refs = np.zeros(len(tree.nodes), dtype=np.uint32)  # by node number; 0 (dead) for node 0
        numbers, bits = tree.leaves()
        made = np.zeros(len(numbers), dtype=np.uint32)
        if len(numbers) and lib.lifetui_hashlife_leaves(universe, ffi.from_buffer("uint64_t[]", bits), len(bits),
                                                        ffi.from_buffer("uint32_t[]", made)) != 0:  # fmt: skip
            raise LifeError("hashlife engine: out of memory loading the pattern")
        refs[numbers] = made
        for level, (numbers, children) in tree.levels().items():
            made = np.zeros(len(numbers), dtype=np.uint32)
            kids = np.ascontiguousarray(refs[children], dtype=np.uint32)
            if lib.lifetui_hashlife_joins(universe, ffi.from_buffer("uint32_t[]", kids), len(numbers), level - 1,
                                          ffi.from_buffer("uint32_t[]", made)) != 0:  # fmt: skip
                raise LifeError("hashlife engine: out of memory loading the pattern")
            refs[numbers] = made
        # Only a file too large to lay out comes here: its root is far above a leaf.
        lib.lifetui_hashlife_plant(universe, int(refs[len(tree.nodes) - 1]), top - tree.top, left - tree.left)

    def step(self, generations: int) -> None:
        self._engine.step(generations)

    def _root(self) -> tuple[int, int, int]:
        top, left, level = self._ffi.new("long long *"), self._ffi.new("long long *"), self._ffi.new("int *")
        self._lib.lifetui_hashlife_root(self._universe, top, left, level)
        return top[0], left[0], 1 << level[0]

    def bounds(self) -> tuple[int, int, int, int] | None:
        box = self._ffi.new("long long[4]")
        if self._lib.lifetui_hashlife_bounds(self._universe, box) != 0:
            return None
        top, left, _ = self._root()
        return top + box[0], left + box[1], box[2] - box[0], box[3] - box[1]

    def window(self, top: int, left: int, height: int, width: int) -> np.ndarray:
        return self.blocks(top, left, height, width, 1)

    def blocks(self, top: int, left: int, height: int, width: int, block: int) -> np.ndarray:
        root_top, root_left, side = self._root()
        out = np.zeros((-(-height // block), -(-width // block)), dtype=np.uint8)
        # The part of the window inside the root; the rest of the plane is dead.
        y0, x0 = max(top, root_top), max(left, root_left)
        y1, x1 = min(top + height, root_top + side), min(left + width, root_left + side)
        if y0 < y1 and x0 < x1:
            self._lib.lifetui_hashlife_region(
                self._universe, y0 - root_top, x0 - root_left, y1 - y0, x1 - x0, y0 - top, x0 - left, block,
                self._ffi.from_buffer("uint8_t[]", out), out.shape[1],
            )  # fmt: skip
        return out

    def set_cells(self, places: np.ndarray, value: int) -> None:
        places = np.ascontiguousarray(places, dtype=np.int64).reshape(-1, 2)
        check_places(places)
        status = self._lib.lifetui_hashlife_set(self._universe, self._ffi.from_buffer("long long[]", places),
                                                len(places), value)  # fmt: skip
        if status != 0:
            raise LifeError("hashlife engine: out of memory drawing on the pattern; it is as it was")

    def population(self) -> int:
        return int(self._lib.lifetui_hashlife_population(self._universe))

    def macrocell(self, rule: Rule, generation: int) -> str:
        """The plane as a macrocell file, straight from the quadtree: any size, in as many lines as it has
        distinct live squares (macrocell has no position: the file holds the shape, not where it is)."""
        from lifetui.patterns.macrocell import macrocell_of_nodes

        capacity = self.nodes() + 1
        words, levels = np.zeros((capacity, 4), dtype=np.uint64), np.zeros(capacity, dtype=np.uint8)
        count = self._lib.lifetui_hashlife_dump(self._universe, capacity, self._ffi.from_buffer("uint64_t[]", words),
                                                self._ffi.from_buffer("uint8_t[]", levels))  # fmt: skip
        if count < 0:
            raise LifeError("hashlife engine: out of memory writing the pattern")
        return macrocell_of_nodes(words[:count], levels[:count], rule, generation)  # no nodes: an empty plane

    def nodes(self) -> int:
        return self._engine.nodes()


@dataclass(frozen=True)
class Axis:
    """One axis of the plane as a grid engine's torus holds it: "free" (unbounded: the torus follows the
    live cells with a dead margin), "wrap" (a tube's period: the torus is that many cells, from `start`) or
    "bounded" (dead beyond `size` cells from `start`: the torus has one more dead line each side, cleared
    after every generation)."""

    kind: str
    size: int = 0

    @property
    def start(self) -> int:
        """Where a bounded or periodic axis begins: the grid is centred on 0 (Golly's placement)."""
        return -(self.size // 2)

    def fits(self, low: int, count: int) -> bool:
        return self.kind == "free" or (self.start <= low and low + count <= self.start + self.size)


FREE = Axis("free")


class GridPlane(Plane):
    """A grid engine's torus laid around the pattern and moved with it (see the module's docstring); along an
    axis of a tube or a bounded plane it is that axis's grid instead (see Axis)."""

    def __init__(self, engine_name: str, rule: Rule, options: EngineOptions = DEFAULT_OPTIONS,
                 rows: Axis = FREE, columns: Axis = FREE):  # fmt: skip
        from lifetui.engines import create_engine

        self._free = FREE in (rows, columns)  # else a bounded plane: under B0 even an empty one comes alive
        if self._free:
            check_plane_rule(rule)
        self.engine_name = engine_name
        self._axes = (rows, columns)
        self.engine = self._engine = create_engine(engine_name, rule, options)
        self._origin = (0, 0)  # the plane coordinates of the torus's cell (0, 0)
        self._shape = (0, 0)
        self._box: tuple[int, int, int, int] | None = None  # the live cells' box on the torus
        self._margin = MIN_MARGIN
        self._borders: np.ndarray | None = None  # a bounded axis's dead lines on the torus, cleared each generation

    def load_pattern(self, pattern: Pattern) -> None:
        pattern.check_laid_out()
        self._check_room(pattern.height, pattern.width)  # before the pattern becomes an array
        super().load_pattern(pattern)

    def load(self, cells: np.ndarray, top: int = 0, left: int = 0) -> None:
        box = live_box(cells)
        if box is None and self._free:
            self._box = None
            return
        y, x, height, width = box or (0, 0, 0, 0)
        for axis, low, count, name in ((self._axes[0], top + y, height, "rows"), (self._axes[1], left + x, width,
                                                                                  "columns")):  # fmt: skip
            if not axis.fits(low, count):
                raise UsageError(
                    f"the pattern's live cells take {count} {name}, from {low}; the grid has {axis.size}, "
                    f"from {axis.start}"
                )
        if not self._free:  # the whole grid, so that it runs even with nothing alive (a B0 rule)
            rows, columns = self._axes
            grid = np.zeros((rows.size, columns.size), dtype=np.uint8)
            first_row, first_column = top + y - rows.start, left + x - columns.start
            live = cells[y : y + height, x : x + width]
            grid[first_row : first_row + height, first_column : first_column + width] = live
            self._lay(grid, rows.start, columns.start)
            self._box = live_box(self._engine.cells())
            return
        self._lay(cells[y : y + height, x : x + width], top + y, left + x)

    def _layout(self, axis: Axis, count: int, margin: int, words: bool) -> tuple[int, int]:
        """(torus cells along the axis, where the axis's first plane cell sits on it) for `count` live ones."""
        if axis.kind == "wrap":
            return axis.size, 0
        if axis.kind == "bounded":
            return axis.size + 2, 1
        extent = count + 2 * margin
        return (-(-extent // 64) * 64 if words else extent), margin

    def _check_room(self, height: int, width: int) -> tuple[int, int, int]:
        """The margin and the torus (rows, columns) for live cells of this box, or PlaneOutgrown."""
        margin = board_margin(height, width)
        rows = self._layout(self._axes[0], height, margin, False)[0]
        columns = self._layout(self._axes[1], width, margin, True)[0]
        per_cell = REFERENCE_BYTES_PER_CELL if self.engine_name == "numpy" else BOARD_BYTES_PER_CELL
        problem = memory_shortfall(columns, rows, per_cell)
        if problem:
            offer = (
                "the hashlife engine (--engine hashlife) runs the plane without a board"
                if self._axes == (FREE, FREE)
                else "a torus (--size WxH) or a smaller grid would fit"
            )
            raise PlaneOutgrown(
                f"the pattern spans {width:,} x {height:,} cells: the {self.engine_name} engine's board "
                f"around it would be {columns:,} x {rows:,}, and {problem.split('; ', 1)[1]}; {offer}"
            )
        return margin, rows, columns

    def _lay(self, live: np.ndarray, top: int, left: int) -> None:
        """A fresh torus around `live` (its live box), its top-left cell at (top, left) of the plane."""
        height, width = live.shape
        margin, rows, columns = self._check_room(height, width)
        board = np.zeros((rows, columns), dtype=np.uint8)
        origin, at = [], []
        for axis, low in zip(self._axes, (top, left)):
            if axis.kind == "free":
                origin.append(low - margin)
                at.append(margin)
            else:  # the grid's first cell is at the torus's 0 (wrap) or 1 (bounded)
                first = self._layout(axis, 0, margin, False)[1]
                origin.append(axis.start - first)
                at.append(low - axis.start + first)
        board[at[0] : at[0] + height, at[1] : at[1] + width] = live
        self._engine.load(board)
        self._origin, self._shape, self._margin = (origin[0], origin[1]), (rows, columns), margin
        self._box = (at[0], at[1], height, width)
        self._borders = self._dead_lines()

    def _clearance(self) -> int | None:
        """How many generations the live cells may run before one could reach round a free axis's torus (None:
        no free axis, no limit)."""
        y, x, height, width = self._box
        near = [
            min(low, extent - low - count)
            for axis, low, count, extent in zip(self._axes, (y, x), (height, width), self._shape)
            if axis.kind == "free"
        ]
        return min(near) if near else None

    def _relay(self) -> None:
        y, x, height, width = self._box
        # Along a fixed axis the whole grid is taken, so the live cells keep their place on it.
        if self._axes[0].kind != "free":
            first = self._layout(self._axes[0], 0, 0, False)[1]
            y, height = first, self._axes[0].size
        if self._axes[1].kind != "free":
            first = self._layout(self._axes[1], 0, 0, False)[1]
            x, width = first, self._axes[1].size
        self._lay(self._engine.window(y, x, height, width), self._origin[0] + y, self._origin[1] + x)

    def _dead_lines(self) -> np.ndarray | None:
        """The cells of the dead lines beyond a bounded axis's grid, as (n, 2) rows and columns (None: none)."""
        rows, columns = self._shape
        lines = []
        if self._axes[0].kind == "bounded":
            lines += [np.stack([np.full(columns, y), np.arange(columns)], axis=1) for y in (0, rows - 1)]
        if self._axes[1].kind == "bounded":
            lines += [np.stack([np.arange(rows), np.full(rows, x)], axis=1) for x in (0, columns - 1)]
        return np.concatenate(lines).astype(np.int64) if lines else None

    def step(self, generations: int) -> None:
        """Advance; a PlaneOutgrown leaves the board at the generation reached, and says how far that was."""
        asked = generations
        while generations > 0 and (self._box is not None or not self._free):
            clearance = self._clearance() if self._box is not None else None
            if clearance is not None and clearance < max(1, self._margin // 4):
                try:
                    self._relay()
                except PlaneOutgrown as err:
                    done = asked - generations
                    raise PlaneOutgrown(f"{err} (stopped after {done:,} of the {asked:,} generations)", done) from None
                clearance = self._clearance()
            # Live cells reach at most one cell a generation: in `clearance` generations none crosses the edge.
            # A bounded axis goes a generation at a time, the dead lines beyond it cleared after each (the rule
            # may bring them to life; beyond the grid nothing lives).
            count = 1 if self._borders is not None else min(generations, clearance or generations)
            try:
                self._engine.step(count)
            except Interrupted as interrupted:
                generations -= interrupted.done
                self._find_box(interrupted.done)
                raise Interrupted(asked - generations) from None
            if self._borders is not None:
                self._engine.set_cells(self._borders, 0)
            generations -= count
            self._find_box(count)

    def _find_box(self, generations: int) -> None:
        """The live box after `generations`: on the unbounded plane within the old one grown that much each way
        (live cells reach one cell a generation), so only that is read; round a tube or in a grid, all of it."""
        if self._box is None or self._axes != (FREE, FREE):
            self._box = live_box(self._engine.cells())
            return
        y, x, height, width = self._box
        rows, columns = self._shape
        top, left = max(0, y - generations), max(0, x - generations)
        bottom, right = min(rows, y + height + generations), min(columns, x + width + generations)
        found = live_box(self._engine.window(top, left, bottom - top, right - left))
        self._box = None if found is None else (found[0] + top, found[1] + left, found[2], found[3])

    def bounds(self) -> tuple[int, int, int, int] | None:
        if self._box is None:
            return None
        y, x, height, width = self._box
        return self._origin[0] + y, self._origin[1] + x, height, width

    def window(self, top: int, left: int, height: int, width: int) -> np.ndarray:
        return self.blocks(top, left, height, width, 1)

    def blocks(self, top: int, left: int, height: int, width: int, block: int) -> np.ndarray:
        out = np.zeros((-(-height // block), -(-width // block)), dtype=np.uint8)
        box = self.bounds()
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
            part = self._engine.blocks(ay0 - origin_top, ax0 - origin_left, ay1 - ay0, ax1 - ax0, block)
        else:  # the squares reach past the torus: read the live cells only, dead around them
            cells = np.zeros((ay1 - ay0, ax1 - ax0), dtype=np.uint8)
            cells[y0 - ay0 : y1 - ay0, x0 - ax0 : x1 - ax0] = self._engine.window(
                y0 - origin_top, x0 - origin_left, y1 - y0, x1 - x0
            )
            part = any_in_squares(cells, block) if block > 1 else cells
        out[(ay0 - top) // block : (ay0 - top) // block + part.shape[0],
            (ax0 - left) // block : (ax0 - left) // block + part.shape[1]] = part  # fmt: skip
        return out

    def set_cells(self, places: np.ndarray, value: int) -> None:
        places = np.array(places, dtype=np.int64).reshape(-1, 2)  # a copy: _on_grid changes it
        check_places(places)
        places = self._on_grid(places)
        if not len(places):
            return
        (origin_top, origin_left), (rows, columns) = self._origin, self._shape
        on_torus = places - (origin_top, origin_left)
        if (on_torus >= 0).all() and (on_torus < (rows, columns)).all():
            self._engine.set_cells(on_torus, value)
            self._box = live_box(self._engine.cells())
            return
        if not value and self._box is None:
            return
        # Beyond the torus: lay it again around the live cells and the new ones.
        corners = [places.min(axis=0), places.max(axis=0) + 1]
        if self._box is not None:
            top, left, height, width = self.bounds()
            corners += [np.array([top, left]), np.array([top + height, left + width])]
        (top, left), (bottom, right) = np.min(corners, axis=0), np.max(corners, axis=0)
        self._check_room(int(bottom - top), int(right - left))
        cells = self.window(int(top), int(left), int(bottom - top), int(right - left))
        cells[places[:, 0] - top, places[:, 1] - left] = value
        self.load(cells, int(top), int(left))

    def _on_grid(self, places: np.ndarray) -> np.ndarray:
        """The places on a tube's period taken round it, and those beyond a bounded axis's grid left out."""
        for index, axis in enumerate(self._axes):
            if axis.kind == "wrap":
                places[:, index] = axis.start + (places[:, index] - axis.start) % axis.size
            elif axis.kind == "bounded":
                places = places[(places[:, index] >= axis.start) & (places[:, index] < axis.start + axis.size)]
        return places

    @property
    def held_cells(self) -> int:
        """Cells of the torus the engine holds now."""
        return self._shape[0] * self._shape[1]

    def population(self) -> int:
        return 0 if self._box is None else self._engine.population()


def create_plane(engine_name: str, rule: Rule, options: EngineOptions = DEFAULT_OPTIONS,
                 grid: BoundedGrid | None = None) -> Plane:  # fmt: skip
    """A ready plane for the rule on the named engine: the unbounded plane, or another of Golly's grids."""
    if grid is None:
        return HashlifePlane(rule, options) if engine_name == "hashlife" else GridPlane(engine_name, rule, options)
    if engine_name == "hashlife":
        raise UsageError(
            f"the hashlife engine runs tori and the unbounded plane, not {grid.suffix}; try --engine c or numpy"
        )
    return GridPlane(engine_name, rule, options, Axis(*grid.axis(rows=True)), Axis(*grid.axis(rows=False)))
