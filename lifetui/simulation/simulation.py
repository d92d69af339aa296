"""A running simulation: the generation counter, engine hot-swap and the divergence checker.

The TUI drives a Simulation and never knows which engine steps the board or on which topology: a Simulation
holds a Universe (lifetui.world.universe), the same for a torus, the unbounded plane or one of Golly's grids.
The checker follows the running engine with the numpy reference on the same topology: generation by
generation while the reference keeps up, and in sampled spans when it cannot.
"""

from __future__ import annotations

import itertools
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path
from typing import NoReturn

import numpy as np

from lifetui.engines import (
    DEFAULT_OPTIONS,
    ENGINES,
    REFERENCE,
    Availability,
    EngineInfo,
    EngineOptions,
    availability,
    available_engines,
)
from lifetui.engines.base import Interrupted, never
from lifetui.errors import LifeError
from lifetui.patterns import pattern_text
from lifetui.patterns.macrocell import read_macrocell
from lifetui.patterns.rle import write_rle_runs
from lifetui.rules import Rule
from lifetui.world import pictures
from lifetui.world.board import Board
from lifetui.world.topology import Topology
from lifetui.world.universe import Outgrown, Region, Universe, create_universe


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


@dataclass(frozen=True)
class Snapshot:
    """A region of the board at a generation, with what the sidebar shows beside it."""

    cells: np.ndarray  # the region's cells (or squares of them, see `block`)
    generation: int
    engine: str
    epoch: int  # changes on a reset, an edit or a swap: the reference starts again from this board (unique
    # among all simulations in the process, so a word about another simulation's board never matches)
    population: int  # of the whole board
    region: Region  # in the topology's coordinates; the whole board is the extent (a torus, or the live box)
    shape: tuple[int, int]  # the extent's (height, width)
    #: Cells each way per entry of `cells`: 1, or a zoomed-out view's squares (1 when any cell in one is live).
    block: int = 1
    torus: bool = True  # regions wrap round the board; else they never do, and the view may go anywhere
    #: False when `population` was counted a moment ago, at an earlier generation (a huge board).
    population_current: bool = True


@dataclass
class _Capture:
    generation: int
    region: Region
    future: Future = field(default_factory=Future)


class Simulation:
    """One board advanced by one engine at a time; safe to drive from a worker thread and a UI thread."""

    def __init__(self, board: Board, engine: str | None = None, options: EngineOptions = DEFAULT_OPTIONS):
        """The board on engine `engine`; None: the fastest exact one here (fastest_engine), said in `notes`."""
        self.board = board  # where a reset goes back to
        self.notes: list[str] = []
        engine = engine or fastest_engine(board, options, self.notes)
        self.rule, self.topology, self.options = board.rule, board.topology, options
        self.torus = self.topology.is_torus
        self._availability: dict[str, Availability] | None = None
        self._lock = threading.Lock()
        self._interrupt = threading.Event()  # set: a step under way returns as soon as it can
        self._universe = self._universe_of(engine)
        self._universe.load_pattern(board.pattern)
        self.engine_name = engine
        self.generation = board.generation
        self.epoch = next(EPOCHS)
        self.box = self._universe.extent()  # every live cell is in it: a torus's board, or the live box
        #: Regions promised to a checker, taken as step() passes their generation.
        self._captures: list[_Capture] = []
        self._counted: tuple[tuple[int, int], int, float] | None = None  # ((generation, epoch), population, when)
        #: Boards before each edit or reset, and those undone: ((cells, top, left), generation), the latest last.
        self._undo: list[tuple[tuple[np.ndarray, int, int], int]] = []
        self._redo: list[tuple[tuple[np.ndarray, int, int], int]] = []

    def _universe_of(self, name: str) -> Universe:
        return create_universe(name, self.rule, self.topology, self.options)

    @property
    def shape(self) -> tuple[int, int]:
        """The extent's (height, width): a torus's size, or the live box's on the plane ((0, 0): none live)."""
        return (self.box[2], self.box[3]) if self.box else (0, 0)

    @property
    def whole(self) -> Region:
        """The region holding every live cell."""
        return self.box or (0, 0, 0, 0)

    def _changed(self) -> None:
        """The universe's cells changed (a step, an edit, a load)."""
        self.box = self._universe.extent()

    def availability(self) -> dict[str, Availability]:
        """Every engine's availability for this rule, options and topology, worked out once (it reads kernels)."""
        if self._availability is None:
            self._availability = available_engines(self.rule, self.options, self.topology)
        return self._availability

    def step(self, generations: int = 1, interruptible: bool = True) -> int:
        """Advance `generations`, or fewer if interrupt() is called on the way (unless not `interruptible`);
        how many were made."""
        with self._lock:
            start, end = self.generation, self.generation + generations
            self._universe.interrupted = self._interrupt.is_set if interruptible else never
            while self.generation < end and not (interruptible and self._interrupt.is_set()):
                # Stop on the way at every generation a checker asked to see.
                stop = min([end, *(c.generation for c in self._captures if c.generation > self.generation)])
                try:
                    self._universe.step(stop - self.generation)
                except (Interrupted, Outgrown) as stopped:  # a key, or more than this engine can hold here
                    self.generation += stopped.done
                    self._changed()
                    self._fulfil_captures()
                    if isinstance(stopped, Outgrown):
                        raise
                    break
                self.generation = stop
                self._changed()
                self._fulfil_captures()
            return self.generation - start

    def interrupt(self) -> None:
        """From any thread: a step under way returns as soon as the engine can stop (between two generations,
        or for an engine that polls for it, within one), and steps return at once until resume()."""
        self._interrupt.set()
        self._universe.engine.wake()

    def resume(self) -> None:
        self._interrupt.clear()

    def snapshot(self, region: Region | None = None, block: int = 1) -> Snapshot:
        """The whole board (every live cell), or only `region` of it (read back from the engine without the
        rest), cell by cell or, zoomed out, in squares of `block` x `block` cells."""
        if region is not None and self.torus:  # at most the torus: a view sized for another wraps no further
            region = (region[0], region[1], min(region[2], self.shape[0]), min(region[3], self.shape[1]))
        with self._lock:
            return self._snapshot(region or self.whole, block)

    def _snapshot(self, region: Region, block: int = 1) -> Snapshot:
        population, current = self._population(exact=region == self.whole)
        return Snapshot(self._read(region, block), self.generation, self.engine_name, self.epoch, population,
                        region, self.shape, block, self.torus, current)  # fmt: skip

    def population(self) -> int:
        """The live cells now, counted exactly (a snapshot of a huge board may show one a moment old)."""
        with self._lock:
            return self._population(exact=True)[0]

    def _population(self, exact: bool) -> tuple[int, bool]:
        """The live cells, and whether they were counted at this generation: on a huge board seen in a window,
        a count at most COUNT_SECONDS old will do (counting its cells costs milliseconds, and a few times a
        second is all anyone can read)."""
        now, key, counted = time.perf_counter(), (self.generation, self.epoch), self._counted
        if counted is not None and counted[0] == key:
            return counted[1], True
        recent = counted is not None and counted[0][1] == self.epoch and now - counted[2] < COUNT_SECONDS
        if recent and not exact and self.shape[0] * self.shape[1] > COUNT_ALWAYS_CELLS:
            return counted[1], False
        self._counted = (key, self._universe.population(), now)
        return self._counted[1], True

    def _read(self, region: Region, block: int = 1) -> np.ndarray:
        if block > 1:
            return self._universe.blocks(*region, block)
        return self._universe.window(*region)

    def open_span(self, generations: int, region: Region | None = None, margin: int = 0) -> tuple[Snapshot, Future]:
        """`region` now, and the promise of it `generations` later, taken as the engine passes that generation;
        without a region, the whole board and `margin` cells round it (on a torus, the torus).

        The promise comes true with None if the board is replaced first (a reset, an edit, a swap).
        """
        with self._lock:
            if region is None:
                top, left, height, width = self.whole
                margin = 0 if self.torus else margin
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
        return self._universe.generations_per_pass

    def describe_engine(self) -> tuple[str, str, int]:
        """The engine's sidebar label and text, and how many neighbourhoods its kernel gets wrong (0: exact)."""
        with self._lock:
            return (*self._universe.describe(), self._universe.inexact)

    def swap(self, name: str) -> None:
        """Move the board to engine `name` at the same generation: nothing lost, nothing repeated. A board too
        large to read out, or to hold on the new engine, stays where it is (the error says why)."""
        with self._lock:
            if name == self.engine_name:
                return
            universe = self._universe_of(name)
            try:
                if universe.take_over(self._universe):
                    # Straight from the old engine's words (a copy): the count is check enough.
                    unchanged = universe.population() == self._universe.population()
                else:
                    cells, top, left = self._universe.live_cells()
                    universe.load(cells, top, left)
                    unchanged = universe.extent() == self._universe.extent() and universe.holds(cells, top, left)
            except BaseException:
                universe.close()
                raise
            if not unchanged:
                universe.close()
                raise SwapMismatch(
                    f"engine {name} did not take the board over unchanged; staying on {self.engine_name}"
                )
            self._universe.close()
            self._universe, self.engine_name = universe, name
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
            self._universe.load_pattern(self.board.pattern)
            self.generation = self.board.generation
            self._changed()
            self._new_epoch()

    def draw(self, cells: list[tuple[int, int]], value: int, undoable: bool = True) -> None:
        """Make the cells at (row, column) each live (value 1) or dead (0); `undoable` puts the board as it was
        on the undo list (a stroke of the mouse is one edit: its first cells are, the rest are not)."""
        places = np.array(cells, dtype=np.int64).reshape(-1, 2)
        with self._lock:
            if undoable:
                self._remember()
            self._universe.set_cells(places, value)
            self._changed()
            self._new_epoch()

    def put(self, top: int, left: int, cells: np.ndarray, replace: bool = True) -> None:
        """Lay `cells` (states, any size up to the board's) on the board from (top, left), wrapping round a
        torus; with `replace` the cells under it become exactly those, else only its live cells are drawn (a
        paste), each in its state; a state the rule lacks as live (state 1), as a file's are read. Undoable."""
        height, width = cells.shape
        rows, columns = np.meshgrid(top + np.arange(height), left + np.arange(width), indexing="ij")
        places = np.stack([rows.ravel(), columns.ravel()], axis=1)
        states = cells.ravel()
        states = np.where(states >= self.rule.states, 1, states)  # copied from a board of more states, say
        with self._lock:
            self._remember()
            if replace:
                self._universe.set_cells(places[states == 0], 0)
            for state in np.unique(states[states != 0]):
                self._universe.set_cells(places[states == state], int(state))
            self._changed()
            self._new_epoch()

    def undo(self) -> bool:
        """Back to the board before the last edit or reset (with its generation); False if there is none."""
        with self._lock:
            return self._travel(self._undo, self._redo)

    def redo(self) -> bool:
        """Forward again to the board an undo left; False if there is none."""
        with self._lock:
            return self._travel(self._redo, self._undo)

    def _state(self) -> tuple[np.ndarray, int, int] | None:
        """The live cells and their place, to come back to by undo; None when they are too many to keep."""
        return self._universe.live_cells() if self.shape[0] * self.shape[1] <= UNDO_CELLS else None

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
        (cells, top, left), self.generation = source.pop()
        self._universe.load(cells, top, left)
        self._changed()
        self._new_epoch()
        return True

    @property
    def colours(self) -> pictures.Colours:
        """Golly's colours for the rule's states, as pictures draw them by default."""
        return pictures.Colours.golly(self.rule)

    def capture(self) -> tuple[int, Callable[[Path, str, str], str | bytes]]:
        """The board now, to save: its generation, and what makes the file's contents for a path, name and
        author (RLE; macrocell for a .mc name; a picture for a picture's name, lifetui.world.pictures). On a
        torus the whole torus; elsewhere the live cells with their place (RLE's #CXRLE Pos); a pattern too large
        to read out as cells saves in the engine's own format where it has one (hashlife's macrocell; else the
        error comes when it is asked for), and as a picture from any universe: fitted to the live cells, read now
        at most pictures.AUTO_SIDE squares a side, in Golly's colours."""
        with self._lock:
            generation = self.generation
            view = pictures.choose_view(self._universe.extent())
            squares = pictures.frame(self._universe, view)
            try:
                cells, top, left = self._universe.live_cells()
                text: Callable[[Path, str, str], str] = partial(self._text, cells, top, left, generation)
            except Outgrown as err:
                native = self._universe.native_text(self.rule, generation)
                text = partial(text_of_a_tree, native, self.topology) if native else partial(_raise, err)

        def contents(path: Path, name: str, author: str) -> str | bytes:
            suffix = pictures.picture_suffix(path)
            if suffix is None:
                return text(path, name, author)
            return pictures.encode(suffix, view, [squares], self.colours)

        return generation, contents

    def file_text(self, path: Path | None, name: str = "", author: str = "") -> str:
        """The board now as the pattern file `path` names (None: RLE): macrocell for a .mc name, from the engine's
        own where it has one (any size); else RLE of the live cells, or of the engine's tree where they are too
        many to read out as cells (then Outgrown where it has none)."""
        with self._lock:
            universe, generation = self._universe, self.generation
            mc = path is not None and path.suffix.lower() == ".mc"
            native = universe.native_text(self.rule, generation) if mc else None
            if native is not None:
                return native
            try:
                cells, top, left = universe.live_cells()
            except Outgrown:
                native = universe.native_text(self.rule, generation)
                if native is None:
                    raise
                return text_of_a_tree(native, self.topology, path, name, author)
            return board_text(path, cells, top, left, self.rule, self.topology, generation, name, author)

    def picture(self, suffix: str, options: pictures.PictureOptions | None = None) -> bytes:
        """The board now as a picture of the format `suffix` names (".png", ".svg"; see lifetui.world.pictures):
        fitted to the live cells unless `options` give a window, read in squares as the zoomed-out view is."""
        options = options or pictures.PictureOptions()
        colours = pictures.Colours.golly(self.rule, options.colours)
        with self._lock:
            return pictures.still(self._universe, suffix, replace(options, colours=colours))

    def frame(self, view: pictures.View) -> np.ndarray:
        """The view's squares of the board now (pictures.frame)."""
        with self._lock:
            return pictures.frame(self._universe, view)

    def live_cells(self) -> tuple[np.ndarray, int, int]:
        """Every live cell now (a torus whole) and the place of the first: (cells, top, left); Outgrown where they
        are too many to read out as cells."""
        with self._lock:
            return self._universe.live_cells()

    def fork(self) -> Universe:
        """A new universe of this engine holding the board as it is now (to run ahead on, and close): taken over
        from the engine's own format, else as cells, else (too many to read out) from its own file's text."""
        with self._lock:
            universe = self._universe_of(self.engine_name)
            try:
                if not universe.take_over(self._universe):
                    try:
                        universe.load(*self._universe.live_cells())
                    except Outgrown:
                        native = self._universe.native_text(self.rule, self.generation)
                        if native is None:
                            raise
                        universe.load_pattern(read_macrocell(native))
            except BaseException:
                universe.close()
                raise
            return universe

    def _text(self, cells: np.ndarray, top: int, left: int, generation: int, path: Path, name: str,
              author: str) -> str:  # fmt: skip
        return board_text(path, cells, top, left, self.rule, self.topology, generation, name, author)

    def close(self) -> None:
        with self._lock:
            self._universe.close()


def _raise(error: Exception, *arguments: object) -> NoReturn:
    raise error


def board_text(path: Path | None, cells: np.ndarray, top: int, left: int, rule: Rule, topology: Topology,
               generation: int, name: str = "", author: str = "") -> str:  # fmt: skip
    """The file text of cells at (top, left) of a topology: a torus whole (`:TW,H`); elsewhere the cells with
    their place and the grid's suffix (docs/boards.md, "Output RLE")."""
    if topology.is_torus:
        return pattern_text(path, cells, rule, generation, name, author)
    return pattern_text(path, cells, rule, generation, name, author, position=(left, top), topology=topology.suffix())


def text_of_a_tree(native: str, topology: Topology, path: Path | None, name: str = "", author: str = "") -> str:
    """A pattern too wide for a board of its cells, given as its engine's macrocell text, as the file `path`
    names: that text for a .mc name, else RLE made from its runs, never from a board (a wide sparse pattern's
    RLE is as small as its runs); one of too many runs says to write macrocell."""
    if path is not None and path.suffix.lower() == ".mc":
        return native
    pattern = read_macrocell(native, str(path) if path is not None else "the board")  # refusals name the file
    assert pattern.rule is not None and pattern.position is not None  # lifetui's macrocell says both
    return write_rle_runs(pattern.runs, pattern.width, pattern.height, pattern.rule.rule, pattern.generation, name,
                          author, position=pattern.position, topology=topology.suffix(),
                          states=pattern.run_states)  # fmt: skip


def fastest_engine(board: Board, options: EngineOptions, notes: list[str]) -> str:
    """The fastest engine that runs the board's rule exactly and holds its topology here, said in `notes`: on
    the plane an engine that holds the plane itself and jumps (hashlife), else the highest measured cell rate
    (the registry's, for a Larger than Life rule its range_cell_rate); the reference when nothing else can."""
    exact = replace(options, allow_inexact=False)

    def rank(info: EngineInfo) -> tuple[bool, float]:
        rate = info.range_cell_rate if board.rule.ltl is not None else info.cell_rate
        return not (board.topology.is_plane and info.jumps and info.universe is not None), -rate

    for info in sorted(ENGINES.values(), key=rank):
        if availability(info.name, board.rule, exact, board.topology).available:
            if info.name != REFERENCE:
                # Said on a terminal's stderr and in a TUI notice alike: the reference named, not how to pick it.
                notes.append(f"running on {info.name}, the fastest exact engine here for {board.rule} on "
                             f"{board.topology.describe()}; {REFERENCE} is the reference")  # fmt: skip
            return info.name
    return REFERENCE
