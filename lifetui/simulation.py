"""A running simulation: the generation counter, engine hot-swap and the divergence checker.

The TUI drives a Simulation and never knows which engine steps the board; `run` and `--bench` drive a
single engine each, from the same registry. The checker follows the running engine with the numpy
reference: generation by generation while the reference keeps up, and in sampled windows when it cannot.
"""

from __future__ import annotations

import itertools
import random
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

import numpy as np

from lifetui.board import Board, PlaneBoard
from lifetui.engines import (
    DEFAULT_OPTIONS,
    Availability,
    Engine,
    EngineOptions,
    available_engines,
    create_engine,
)
from lifetui.engines.base import Interrupted, never
from lifetui.engines.numpy_engine import NumpyEngine
from lifetui.errors import LifeError
from lifetui.patterns import Pattern, pattern_text
from lifetui.plane import GridPlane, HashlifePlane, Plane, PlaneOutgrown, board_margin, check_plane_rule, create_plane
from lifetui.rules import Rule


class SwapMismatch(LifeError):
    """The new engine did not hold exactly the board the old one handed over."""


#: Boards of more cells than this count their population for a frame at most every COUNT_SECONDS.
COUNT_ALWAYS_CELLS = 4096 * 4096
COUNT_SECONDS = 0.25

#: Edits and resets that can be undone, at most; boards of more cells than UNDO_CELLS keep none (each
#: would be a copy of the board).
UNDO_STEPS = 100
UNDO_CELLS = 4096 * 4096

#: Epochs, numbered across every simulation in the process.
EPOCHS = itertools.count()

#: A region of the torus: top row, left column, height, width (it may wrap around the edges).
Region = tuple[int, int, int, int]


@dataclass(frozen=True)
class Snapshot:
    """The board (or the region of it asked for) at a generation, with what the sidebar shows beside it."""

    cells: np.ndarray  # the region's cells (or squares of them, see `block`); the whole board when `region` covers it
    generation: int
    engine: str
    epoch: int  # changes on a reset, an edit or a swap: the reference starts again from this board (unique
    # among all simulations in the process, so a word about another simulation's board never matches)
    population: int  # of the whole board
    region: Region  # on the plane, in plane coordinates; the whole board is the live cells' box
    shape: tuple[int, int]  # the whole board's (height, width); on the plane, the live box's
    #: Cells each way per entry of `cells`: 1, or a zoomed-out view's squares (1 when any cell in one is live).
    block: int = 1
    plane: bool = False  # the unbounded plane: regions never wrap


@dataclass
class _Capture:
    generation: int
    region: Region
    future: Future = field(default_factory=Future)


class Simulation:
    """One board advanced by one engine at a time; safe to drive from a worker thread and a UI thread.

    This one runs a torus; PlaneSimulation the unbounded plane, through the hooks marked so below."""

    plane = False

    def __init__(self, board: Board, engine: str = "numpy", options: EngineOptions = DEFAULT_OPTIONS):
        self.shape: tuple[int, int] = board.cells.shape
        self._start = Board(board.rule, board.cells.copy(), board.generation)
        self._begin(board.rule, options, engine, board.generation)

    def _begin(self, rule: Rule, options: EngineOptions, engine: str, generation: int) -> None:
        """What every simulation starts with, its engine holding the start board."""
        self.rule = rule
        self.options = options
        self._availability: dict[str, Availability] | None = None
        self._lock = threading.Lock()
        self._interrupt = threading.Event()  # set: a step under way returns as soon as it can
        self._engine = self._start_engine(engine)
        self.engine_name = engine
        self.generation = generation
        self.epoch = next(EPOCHS)
        #: Regions promised to a checker, taken as step() passes their generation.
        self._captures: list[_Capture] = []
        self._counted: tuple[tuple[int, int], int, float] | None = None  # ((generation, epoch), population, when)
        #: Boards before each edit or reset, and those undone: (cells, generation), the latest last.
        self._undo: list[tuple[object, int]] = []
        self._redo: list[tuple[object, int]] = []

    # The hooks: what differs between a torus and the plane.

    @property
    def whole(self) -> Region:
        return (0, 0, *self.shape)

    def _start_engine(self, name: str) -> Engine:
        """An engine of kind `name` holding the start board."""
        engine = create_engine(name, self.rule, self.options, self.shape)
        engine.load(self._start.cells)
        return engine

    def _held_shape(self) -> tuple[int, int] | None:
        """The board's shape, for which engines can hold it (None: any)."""
        return self.shape

    def _stepped(self) -> None:
        """The engine's board changed (a step, an edit, a load)."""

    def _places(self, rows: np.ndarray, columns: np.ndarray) -> np.ndarray:
        """The cells at these rows and columns, as (n, 2) places on the board (around the torus)."""
        return np.stack([rows % self.shape[0], columns % self.shape[1]], axis=1)

    def _state(self) -> object | None:
        """The board, to come back to by undo; None when it is too large to keep."""
        return self._engine.cells() if self.shape[0] * self.shape[1] <= UNDO_CELLS else None

    def _restore(self, state) -> None:
        self._engine.load(state)

    def _load_start(self) -> None:
        self._engine.load(self._start.cells)

    def _transfer(self, name: str):
        """A new engine `name` holding the running engine's board, and whether it took it over unchanged."""
        engine = create_engine(name, self.rule, self.options)
        try:
            if engine.take_over(self._engine):
                # Straight from the old engine's words (a copy): the count is check enough.
                return engine, engine.population() == self._engine.population()
            cells = self._engine.cells()
            engine.load(cells)
            return engine, engine.holds(cells)
        except BaseException:
            engine.close()
            raise

    def availability(self) -> dict[str, Availability]:
        """Every engine's availability for this rule and options, worked out once (it reads kernels: slow)."""
        if self._availability is None:
            self._availability = available_engines(self.rule, self.options, self._held_shape())
        return self._availability

    def step(self, generations: int = 1, interruptible: bool = True) -> int:
        """Advance `generations`, or fewer if interrupt() is called on the way (unless not `interruptible`);
        how many were made."""
        with self._lock:
            start, end = self.generation, self.generation + generations
            self._engine.interrupted = self._interrupt.is_set if interruptible else never
            while self.generation < end and not (interruptible and self._interrupt.is_set()):
                # Stop on the way at every generation a checker asked to see.
                stop = min([end, *(c.generation for c in self._captures if c.generation > self.generation)])
                try:
                    self._engine.step(stop - self.generation)
                except Interrupted as interrupted:
                    self.generation += interrupted.done
                    self._stepped()
                    self._fulfil_captures()
                    break
                except PlaneOutgrown as outgrown:  # the plane grew past what this engine can hold: stop there
                    self.generation += outgrown.done
                    self._stepped()
                    self._fulfil_captures()
                    raise
                self.generation = stop
                self._stepped()
                self._fulfil_captures()
            return self.generation - start

    def interrupt(self) -> None:
        """From any thread: a step under way returns as soon as the engine can stop (between two generations,
        or for an engine that polls for it, within one), and steps return at once until resume()."""
        self._interrupt.set()

    def resume(self) -> None:
        self._interrupt.clear()

    def snapshot(self, region: Region | None = None, block: int = 1) -> Snapshot:
        """The whole board, or only `region` of it (read back from the engine without the rest), cell by cell
        or, zoomed out, in squares of `block` x `block` cells."""
        if region is not None and not self.plane:  # at most the board: a view sized for another board wraps no further
            region = (region[0], region[1], min(region[2], self.shape[0]), min(region[3], self.shape[1]))
        with self._lock:
            return self._snapshot(region or self.whole, block)

    def _snapshot(self, region: Region, block: int = 1) -> Snapshot:
        return Snapshot(self._read(region, block), self.generation, self.engine_name, self.epoch,
                        self._population(exact=region == self.whole), region, self.shape, block,
                        self.plane)  # fmt: skip

    def _population(self, exact: bool) -> int:
        """The live cells; on a huge board seen in a window, a count at most COUNT_SECONDS old will do
        (counting its cells costs milliseconds, and a few times a second is all anyone can read)."""
        now, key, counted = time.perf_counter(), (self.generation, self.epoch), self._counted
        if counted is not None and counted[0] == key:
            return counted[1]
        recent = counted is not None and counted[0][1] == self.epoch and now - counted[2] < COUNT_SECONDS
        if recent and not exact and self.shape[0] * self.shape[1] > COUNT_ALWAYS_CELLS:
            return counted[1]
        self._counted = (key, self._engine.population(), now)
        return self._counted[1]

    def _read(self, region: Region, block: int = 1) -> np.ndarray:
        if block > 1:
            return self._engine.blocks(*region, block)
        return self._engine.cells() if region == self.whole else self._engine.window(*region)

    def open_window(self, generations: int, region: Region | None = None, margin: int = 0) -> tuple[Snapshot, Future]:
        """`region` now, and the promise of it `generations` later, taken as the engine passes that generation;
        without a region, the whole board (on the plane, the live cells as they are now and `margin` cells
        round them).

        The promise comes true with None if the board is replaced first (a reset, an edit, a swap).
        """
        with self._lock:
            if region is None:
                top, left, height, width = self.whole
                region = (top - margin, left - margin, height + 2 * margin, width + 2 * margin)
            capture = _Capture(self.generation + max(1, generations), region)
            self._captures.append(capture)
            return self._snapshot(region), capture.future

    def _fulfil_captures(self) -> None:
        for capture in self._captures:
            if capture.generation == self.generation:
                capture.future.set_result(self._read(capture.region))
        self._captures = [capture for capture in self._captures if capture.generation > self.generation]

    def _new_epoch(self) -> None:
        """The board was replaced: the reference starts again, and no promised region will come."""
        self.epoch = next(EPOCHS)
        for capture in self._captures:
            capture.future.set_result(None)
        self._captures = []

    @property
    def generations_per_pass(self) -> int:
        return self._engine.generations_per_pass

    def describe_engine(self) -> tuple[str, str, int]:
        """The engine's sidebar label and text, and how many neighbourhoods its kernel gets wrong (0: exact)."""
        with self._lock:
            return (*self._engine.describe(), self._engine.inexact)

    def swap(self, name: str) -> None:
        """Move the board to engine `name` at the same generation: nothing lost, nothing repeated."""
        with self._lock:
            if name == self.engine_name:
                return
            engine, unchanged = self._transfer(name)
            if not unchanged:
                engine.close()
                raise SwapMismatch(
                    f"engine {name} did not take the board over unchanged; staying on {self.engine_name}"
                )
            self._engine.close()
            self._engine, self.engine_name = engine, name
            self._new_epoch()  # the reference starts afresh with the new engine, from the board it took over

    def next_engine_name(self) -> str:
        """The engine after the current one in registry order, among those available."""
        names = [name for name, status in self.availability().items() if status.available]
        if self.engine_name not in names:
            return names[0]
        return names[(names.index(self.engine_name) + 1) % len(names)]

    def reset(self) -> None:
        """Back to the board the simulation started from (undoable)."""
        with self._lock:
            self._remember()
            self._load_start()
            self.generation = self._start.generation
            self._stepped()
            self._new_epoch()

    def draw(self, cells: list[tuple[int, int]], value: int, undoable: bool = True) -> None:
        """Make the cells at (x, y) each live (value 1) or dead (0); `undoable` puts the board as it was on
        the undo list (a stroke of the mouse is one edit: its first cells are, the rest are not)."""
        given = np.array([(y, x) for x, y in cells], dtype=np.int64).reshape(-1, 2)
        places = self._places(given[:, 0], given[:, 1])
        with self._lock:
            if undoable:
                self._remember()
            self._engine.set_cells(places, value)
            self._stepped()
            self._new_epoch()

    def put(self, top: int, left: int, cells: np.ndarray, replace: bool = True) -> None:
        """Lay `cells` (0/1, any size up to the board's) on the board from (top, left), wrapping around; with
        `replace` the cells under it become exactly those, else only its live cells are drawn (a paste). Undoable."""
        height, width = cells.shape
        rows, columns = np.meshgrid(top + np.arange(height), left + np.arange(width), indexing="ij")
        places = self._places(rows.ravel(), columns.ravel())
        live = cells.ravel().astype(bool)
        with self._lock:
            self._remember()
            if replace:
                self._engine.set_cells(places[~live], 0)
            self._engine.set_cells(places[live], 1)
            self._stepped()
            self._new_epoch()

    def undo(self) -> bool:
        """Back to the board before the last edit or reset (with its generation); False if there is none."""
        with self._lock:
            return self._travel(self._undo, self._redo)

    def redo(self) -> bool:
        """Forward again to the board an undo left; False if there is none."""
        with self._lock:
            return self._travel(self._redo, self._undo)

    def _remember(self) -> None:
        """Keep the board as it is now on the undo list, and forget what could be redone."""
        state = self._state()
        if state is None:
            return
        self._undo.append((state, self.generation))
        del self._undo[:-UNDO_STEPS]
        self._redo.clear()

    def _travel(self, source: list, destination: list) -> bool:
        if not source:
            return False
        state = self._state()
        if state is not None:
            destination.append((state, self.generation))
        board, self.generation = source.pop()
        self._restore(board)
        self._stepped()
        self._new_epoch()
        return True

    def capture(self) -> tuple[int, Callable[[Path, str, str], str]]:
        """The board now, to save: its generation, and what makes the file's text for a path, name and author
        (RLE, or macrocell for a .mc name)."""
        snapshot = self.snapshot()
        return snapshot.generation, partial(self._text, snapshot.cells, snapshot.generation)

    def _text(self, cells: np.ndarray, generation: int, path: Path, name: str, author: str) -> str:
        return pattern_text(path, cells, self.rule, generation, name, author)

    def close(self) -> None:
        with self._lock:
            self._engine.close()


class PlaneSimulation(Simulation):
    """A pattern on the unbounded plane (README, "The unbounded plane"): hashlife holds the plane itself, the
    grid engines a torus that follows the pattern (lifetui.plane). Regions are in plane coordinates, the
    whole board is the live cells' box, and a swap hands over the live cells with their place."""

    plane = True

    def __init__(self, pattern: Pattern, rule: Rule, engine: str = "numpy", options: EngineOptions = DEFAULT_OPTIONS):
        check_plane_rule(rule)
        self._pattern = pattern
        self.box: Region | None = None  # the live cells' box, as the last step or edit left it
        self._begin(rule, options, engine, pattern.generation)

    @property
    def shape(self) -> tuple[int, int]:
        return (self.box[2], self.box[3]) if self.box else (0, 0)

    @property
    def whole(self) -> Region:
        return self.box or (0, 0, 0, 0)

    def _start_engine(self, name: str) -> Plane:
        plane = create_plane(name, self.rule, self.options)
        try:
            plane.load_pattern(self._pattern)
        except BaseException:
            plane.close()
            raise
        self.box = plane.bounds()
        return plane

    def _held_shape(self) -> None:
        return None

    def _stepped(self) -> None:
        self.box = self._engine.bounds()

    def _places(self, rows: np.ndarray, columns: np.ndarray) -> np.ndarray:
        return np.stack([rows, columns], axis=1)

    def _state(self) -> tuple[np.ndarray, int, int] | None:
        height, width = self.shape
        return self._engine.live_cells() if height * width <= UNDO_CELLS else None

    def _restore(self, state: tuple[np.ndarray, int, int]) -> None:
        self._engine.load(*state)

    def _load_start(self) -> None:
        self._engine.load_pattern(self._pattern)

    def _transfer(self, name: str) -> tuple[Plane, bool]:
        """The live cells, read out of the old plane, laid on the new one where they were: a pattern too large
        to read out, or to hold on the new engine, stays where it is (PlaneOutgrown says why)."""
        plane = create_plane(name, self.rule, self.options)
        try:
            cells, top, left = self._engine.live_cells()
            plane.load(cells, top, left)
            box = (top, left, *cells.shape) if cells.size else None
            return plane, plane.bounds() == box and (box is None or np.array_equal(plane.window(*box), cells))
        except BaseException:
            plane.close()
            raise

    def _read(self, region: Region, block: int = 1) -> np.ndarray:
        return self._engine.blocks(*region, block)

    def capture(self) -> tuple[int, Callable[[Path, str, str], str]]:
        """The live cells now, saved with their place (RLE's #CXRLE Pos); a pattern too large to read out as
        cells can still be saved as macrocell from hashlife's quadtree."""
        with self._lock:
            generation = self.generation
            try:
                cells, top, left = self._engine.live_cells()
            except PlaneOutgrown:
                if not isinstance(self._engine, HashlifePlane):
                    raise
                macrocell = self._engine.macrocell(self.rule, generation)
                return generation, partial(only_macrocell, macrocell)
        return generation, partial(self._placed_text, cells, top, left, generation)

    def _placed_text(self, cells: np.ndarray, top: int, left: int, generation: int, path: Path, name: str,
                     author: str) -> str:  # fmt: skip
        return pattern_text(path, cells, self.rule, generation, name, author, position=(left, top))


def only_macrocell(text: str, path: Path, name: str, author: str) -> str:
    """A pattern too large for RLE here: its macrocell text, for a .mc name only."""
    if path.suffix.lower() != ".mc":
        raise LifeError("the pattern is too large to save as RLE here: give the file a .mc name (macrocell)")
    return text


def new_simulation(board: Board | PlaneBoard, engine: str = "numpy",
                   options: EngineOptions = DEFAULT_OPTIONS) -> Simulation:  # fmt: skip
    """A simulation of the board: a torus, or the unbounded plane."""
    if isinstance(board, PlaneBoard):
        return PlaneSimulation(board.pattern, board.rule, engine, options)
    return Simulation(board, engine, options)


#: The engines to start on when numpy cannot hold a board, the least memory a cell first (jax needs 6 bytes).
ROOMY_ENGINES = ("c", "bitsliced", "hashlife", "jax")


#: On the plane, a pattern whose grid engine's board would have more cells than this starts on hashlife.
PLANE_GRID_CELLS = 4096 * 4096


def starting_engine(board: Board | PlaneBoard, options: EngineOptions, warnings: list[str]) -> str:
    """numpy, unless the board is too large for it here: then the first engine that can hold it, said so. On
    the plane, hashlife for a pattern too large to lay out, or whose grid engine's board (the pattern and a margin
    of half its larger side round it: lifetui.plane) would have over PLANE_GRID_CELLS cells."""
    if isinstance(board, PlaneBoard):
        pattern = board.pattern
        margin = board_margin(pattern.height, pattern.width)
        if pattern.unlaid or (pattern.width + 2 * margin) * (pattern.height + 2 * margin) > PLANE_GRID_CELLS:
            warnings.append(f"the pattern spans {pattern.width:,} x {pattern.height:,} cells; starting on hashlife")
            return "hashlife"
        return "numpy"
    statuses = available_engines(board.rule, options, board.cells.shape)
    if statuses["numpy"].available:
        return "numpy"
    chosen = next((name for name in ROOMY_ENGINES if statuses[name].available), "numpy")
    warnings.append(f"the numpy engine cannot hold this board here ({statuses['numpy'].reason}); starting on {chosen}")
    return chosen


#: A catch-up may take the reference this long; when it would take longer, windows are sampled instead.
CATCH_UP_SECONDS = 1.0
#: Boards of more cells than this are never caught up whole: a numpy generation takes too long.
CATCH_UP_CELLS = 2048 * 2048
#: The reference's share of one window, in seconds of its own stepping.
WINDOW_SECONDS = 0.25
#: Boards wider or taller than this are checked a tile of this side (plus a margin) at a time.
TILE_SIDE = 512


@dataclass(frozen=True)
class Sampling:
    """Checks by sampled windows: how many, how long the latest was and where it ended."""

    windows: int
    length: int  # generations in the latest window
    latest: int  # the generation the latest window ended at
    tile: bool  # the windows checked tiles of the board, not all of it


@dataclass(frozen=True)
class Verdict:
    """What the reference found: agreement through `generation`, or the cells that differ there."""

    generation: int
    agreed_through: int  # every generation through this one was checked (from `since`, if set)
    differing: np.ndarray | None = None  # (n, 2) rows and columns of the cells that differ; None: agree
    since: int | None = None  # where checking every generation began again after sampled windows
    sampled: Sampling | None = None  # set when the latest check was a sampled window

    @property
    def agrees(self) -> bool:
        return self.differing is None


class ReferenceChecker:
    """The numpy reference, following an engine.

    While it keeps up, it catches up from the last agreed board and compares every generation. When the
    engine runs faster than the reference can follow, it checks windows: the engine's board (or a tile
    of it) at generation G, advanced k generations by the reference, against the engine's own board at
    G + k. When the boards differ, a fresh engine of the same kind replays from the last agreed board
    one generation at a time, so the verdict names the first generation that differs.
    """

    def __init__(self, rule: Rule):
        self.rule = rule
        self._reference = NumpyEngine(rule)
        self._agreed_cells: np.ndarray | None = None
        self.generation = 0
        self.agreed_through = 0
        self.since: int | None = None
        self.diverged: Verdict | None = None
        self.cell_rate = 0.0  # the reference's cell updates per second, once measured
        self.windows = 0
        self._cells = 0

    def baseline(self, cells: np.ndarray | None, generation: int, shape: tuple[int, int] | None = None,
                 origin: tuple[int, int] = (0, 0)) -> None:  # fmt: skip
        """Agree, by definition, with this board (a start, a reset, an edit, a swap).

        `cells` may be None for a board too large to catch up whole (give its `shape`): windows only. (`origin`,
        where cells[0, 0] is, is for the plane's checker: a torus's is (0, 0).)
        """
        height, width = shape or cells.shape
        self._cells = height * width
        self._agreed_cells = cells.copy() if cells is not None and self._cells <= CATCH_UP_CELLS else None
        if self._agreed_cells is not None:
            self._reference.load(cells)
        self.generation = self.agreed_through = generation
        self.since = None
        self.diverged = None
        self.windows = 0

    def keeps_up(self, generation: int) -> bool:
        """Whether catching up to `generation` takes the reference at most CATCH_UP_SECONDS."""
        if self._agreed_cells is None:
            return False
        lag = generation - self.generation
        return not self.cell_rate or lag * self._cells <= self.cell_rate * CATCH_UP_SECONDS

    def window_length(self, cells: int) -> int:
        """Generations in a window over `cells` cells: WINDOW_SECONDS of the reference's time."""
        return max(1, int(self.cell_rate * WINDOW_SECONDS / cells)) if self.cell_rate else 1

    def _advance(
        self, engine: NumpyEngine, generations: int, cells: int, cancelled: Callable[[], bool], budget: float | None
    ) -> int:
        """Step a reference of `cells` cells, measuring its speed; how many generations it did before
        `generations`, being cancelled, or running out of `budget` seconds stopped it."""
        done, began = 0, time.perf_counter()
        while done < generations and not cancelled():
            if budget is not None and time.perf_counter() - began > budget:
                break
            batch = min(generations - done, 16)
            before = time.perf_counter()
            engine.step(batch)
            spent = time.perf_counter() - before
            if spent > 0:
                rate = batch * cells / spent
                self.cell_rate = rate if not self.cell_rate else 0.7 * self.cell_rate + 0.3 * rate
            done += batch
        return done

    def check(
        self,
        cells: np.ndarray,
        generation: int,
        cancelled: Callable[[], bool] = lambda: False,
        replay: Callable[[], Engine] | None = None,
        origin: tuple[int, int] = (0, 0),
    ) -> Verdict | None:
        """Catch the reference up to `generation` and compare; None if cancelled or the board went backwards.

        `replay` makes a fresh engine like the one checked, to find the first differing generation.
        After a divergence the verdict stays: the reference cannot follow a board it disagrees with.
        """
        if self.diverged is not None:
            return self.diverged
        if generation < self.generation or self._agreed_cells is None:
            return None
        # Until the reference's speed is known, try for no longer than a window would take.
        budget = CATCH_UP_SECONDS if self.cell_rate else WINDOW_SECONDS
        self.generation += self._advance(self._reference, generation - self.generation, cells.size, cancelled, budget)
        if self.generation < generation:
            return None  # cancelled, or too far behind: the next check samples a window instead
        reference = self._reference.cells()
        differing = reference != cells
        if differing.any():
            found = self._first_difference(replay, cancelled)
            self.diverged = found or Verdict(generation, self.agreed_through, np.argwhere(differing), self.since)
            return self.diverged
        self.agreed_through = generation
        self._agreed_cells = reference
        return Verdict(generation, generation, since=self.since)

    def check_window(
        self,
        start: Snapshot,
        end: Callable[[], np.ndarray | None],
        length: int,
        cancelled: Callable[[], bool] = lambda: False,
    ) -> Verdict | None:
        """Advance `start` (a region at its generation) `length` generations and compare with `end()`.

        `end` waits for the engine's own board of the region `length` generations on (None if it will
        not come). A tile smaller than the board is compared inside a margin of `length` cells, where
        the cells outside it, which the reference does not have, cannot yet have reached.
        """
        if self.diverged is not None:
            return self.diverged
        reference = NumpyEngine(self.rule)
        reference.load(start.cells)
        if self._advance(reference, length, start.cells.size, cancelled, None) < length:
            return None
        finished = end()
        if finished is None:
            return None
        top, left, height, width = start.region
        rows = slice(length, height - length) if height < start.shape[0] else slice(0, height)
        columns = slice(length, width - length) if width < start.shape[1] else slice(0, width)
        differing = np.argwhere(reference.cells()[rows, columns] != finished[rows, columns])
        generation = start.generation + length
        tile = (height, width) != start.shape
        if len(differing):
            places = (differing + (top + rows.start, left + columns.start)) % start.shape
            self.diverged = Verdict(generation, self.agreed_through, places, self.since,
                                    Sampling(self.windows + 1, length, generation, tile))  # fmt: skip
            return self.diverged
        self.windows += 1
        if not tile and self._agreed_cells is not None:
            # The whole board agrees here: the reference goes on from it, every generation from now.
            self._reference.load(finished)
            self._agreed_cells = finished
            self.generation = self.agreed_through = self.since = generation
        return Verdict(generation, self.agreed_through, since=self.since,
                       sampled=Sampling(self.windows, length, generation, tile))  # fmt: skip

    def _first_difference(self, replay: Callable[[], Engine] | None, cancelled: Callable[[], bool]) -> Verdict | None:
        if replay is None or self._agreed_cells is None:
            return None
        try:
            engine = replay()
        except LifeError:
            return None
        reference = NumpyEngine(self.rule)
        engine.load(self._agreed_cells)
        reference.load(self._agreed_cells)
        try:
            for generation in range(self.agreed_through + 1, self.generation + 1):
                if cancelled():
                    return None
                engine.step(1)
                reference.step(1)
                differing = engine.cells() != reference.cells()
                if differing.any():
                    return Verdict(generation, generation - 1, np.argwhere(differing), self.since)
        finally:
            engine.close()
        return None


class PlaneChecker(ReferenceChecker):
    """The numpy reference following an engine on the unbounded plane. The reference runs a numpy GridPlane
    (exact on the plane); boards are the live cells with their place, compared in plane coordinates. While it
    keeps up it catches up generation by generation; when it cannot, it checks windows of the plane: a region
    at generation G advanced k generations, against the engine's own region at G + k inside a margin of k
    cells (a window holding every live cell with that margin checks the whole plane, and catching up goes on
    from it)."""

    def __init__(self, rule: Rule):
        super().__init__(rule)
        self._reference = GridPlane("numpy", rule)

    def baseline(self, cells: np.ndarray | None, generation: int, shape: tuple[int, int] | None = None,
                 origin: tuple[int, int] = (0, 0)) -> None:  # fmt: skip
        height, width = shape or cells.shape
        self._agreed_cells = cells.copy() if cells is not None and height * width <= CATCH_UP_CELLS else None
        self._reference = GridPlane("numpy", self.rule)
        if self._agreed_cells is not None:
            self._reference.load(cells, *origin)
        self._cells = max(1, self._reference.held_cells)
        self.generation = self.agreed_through = generation
        self.since = None
        self.diverged = None
        self.windows = 0

    def check(self, cells: np.ndarray, generation: int, cancelled: Callable[[], bool] = lambda: False,
              replay: Callable[[], Engine] | None = None, origin: tuple[int, int] = (0, 0)
              ) -> Verdict | None:  # fmt: skip
        if self.diverged is not None:
            return self.diverged
        if generation < self.generation or self._agreed_cells is None:
            return None
        deadline = time.perf_counter() + (CATCH_UP_SECONDS if self.cell_rate else WINDOW_SECONDS)
        while self.generation < generation and not cancelled() and time.perf_counter() < deadline:
            # The reference's torus grows with the pattern: its speed is measured in the cells it holds now.
            self._cells = max(1, self._reference.held_cells)
            batch = min(generation - self.generation, 16)
            self.generation += self._advance(self._reference, batch, self._cells, cancelled, None)
        if self.generation < generation:
            return None
        reference = self._reference.live_cells()
        differing = plane_difference(reference, (cells, *origin))
        if len(differing):
            self.diverged = Verdict(generation, self.agreed_through, differing, self.since)
            return self.diverged
        self.agreed_through = generation
        self._agreed_cells = reference[0]
        return Verdict(generation, generation, since=self.since)

    def check_window(self, start: Snapshot, end: Callable[[], np.ndarray | None], length: int,
                     cancelled: Callable[[], bool] = lambda: False) -> Verdict | None:  # fmt: skip
        if self.diverged is not None:
            return self.diverged
        top, left, height, width = start.region
        reference = GridPlane("numpy", self.rule)
        reference.load(start.cells, top, left)
        if self._advance(reference, length, max(1, reference.held_cells), cancelled, None) < length:
            return None
        finished = end()
        if finished is None:
            return None
        generation = start.generation + length
        # Every live cell in the region with `length` cells to spare: the reference had the whole plane.
        whole = int(np.count_nonzero(start.cells)) == start.population and not live_near_edge(start.cells, length)
        inner = 0 if whole else length
        expected = reference.window(top + inner, left + inner, height - 2 * inner, width - 2 * inner)
        found = finished[inner : height - inner, inner : width - inner]
        differing = np.argwhere(expected != found) + (top + inner, left + inner)
        if len(differing):
            self.diverged = Verdict(generation, self.agreed_through, differing, self.since,
                                    Sampling(self.windows + 1, length, generation, not whole))  # fmt: skip
            return self.diverged
        self.windows += 1
        if whole and reference.population() == int(np.count_nonzero(finished)):
            # The whole plane agrees here: the reference goes on from it, every generation from now.
            self._reference = reference
            self._agreed_cells = finished
            self.generation = self.agreed_through = self.since = generation
        return Verdict(generation, self.agreed_through, since=self.since,
                       sampled=Sampling(self.windows, length, generation, not whole))  # fmt: skip


def live_near_edge(cells: np.ndarray, margin: int) -> bool:
    """Whether a live cell of `cells` is within `margin` cells of its edge."""
    height, width = cells.shape
    inside = cells[margin : height - margin, margin : width - margin]
    return int(np.count_nonzero(inside)) != int(np.count_nonzero(cells))


def plane_difference(first: tuple[np.ndarray, int, int], second: tuple[np.ndarray, int, int]) -> np.ndarray:
    """The plane's cells (rows and columns, (n, 2)) that differ between two boards given as (cells, top, left)."""
    boards = [(cells, top, left) for cells, top, left in (first, second) if cells.size]
    if not boards:
        return np.zeros((0, 2), dtype=np.int64)
    top = min(top for _, top, _ in boards)
    left = min(left for _, _, left in boards)
    bottom = max(top + cells.shape[0] for cells, top, _ in boards)
    right = max(left + cells.shape[1] for cells, _, left in boards)
    canvas = np.zeros((2, bottom - top, right - left), dtype=np.uint8)
    for index, (cells, y, x) in enumerate((first, second)):
        canvas[index, y - top : y - top + cells.shape[0], x - left : x - left + cells.shape[1]] = cells
    return np.argwhere(canvas[0] != canvas[1]).astype(np.int64) + (top, left)


def plane_check_region(box: Region | None, margin: int, around: tuple[int, int] | None = None) -> Region | None:
    """A region of the plane to check: None (the live cells as they are when the window opens, and `margin`
    round them) when the live box is small, else a tile of TILE_SIDE (plus `margin` each side) centred on
    `around`, or on a place in the live box."""
    if box is None or (box[2] <= TILE_SIDE and box[3] <= TILE_SIDE):
        return None
    top, left, height, width = box
    centre = around or (top + random.randrange(height), left + random.randrange(width))
    side = TILE_SIDE + 2 * margin
    return (centre[0] - side // 2, centre[1] - side // 2, side, side)


def check_region(shape: tuple[int, int], margin: int, around: tuple[int, int] | None = None) -> Region:
    """A region to check: the whole board when it is small, else a tile of TILE_SIDE (plus `margin` on
    each side) centred on `around`, or anywhere when `around` is None."""
    height, width = shape
    if height <= TILE_SIDE and width <= TILE_SIDE:
        return (0, 0, height, width)
    centre = around or (random.randrange(height), random.randrange(width))
    tile_height = height if height <= TILE_SIDE + 2 * margin else TILE_SIDE + 2 * margin
    tile_width = width if width <= TILE_SIDE + 2 * margin else TILE_SIDE + 2 * margin
    return ((centre[0] - tile_height // 2) % height, (centre[1] - tile_width // 2) % width, tile_height, tile_width)


def wait_for(future: Future, cancelled: Callable[[], bool]) -> np.ndarray | None:
    """The promised board, or None once `cancelled()` (polled every 50 ms while the engine is on its way)."""
    while not cancelled():
        try:
            return future.result(timeout=0.05)
        except FutureTimeout:
            continue
    return None
