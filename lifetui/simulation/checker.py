"""The divergence checker: the numpy reference following an engine, on the same topology, generation by
generation while it keeps up and in sampled spans when it cannot."""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass
from functools import partial

import numpy as np

from lifetui.engines import REFERENCE
from lifetui.errors import LifeError
from lifetui.rules import Rule
from lifetui.simulation.simulation import Snapshot
from lifetui.world.topology import WRAP, Axis, Topology
from lifetui.world.universe import Region, Universe, create_universe

#: A catch-up may take the reference this long; when it would take longer, spans are sampled instead.
CATCH_UP_SECONDS = 1.0
#: Boards of more cells than this are never caught up whole: a numpy generation takes too long.
CATCH_UP_CELLS = 2048 * 2048
#: The reference's share of one span, in seconds of its own stepping.
SPAN_SECONDS = 0.25
#: Boards wider or taller than this are checked a tile of this side (plus a margin) at a time.
TILE_SIDE = 512
#: A span is at most this many generations (its margin as many cells): the reference reads a bounded region.
MAX_SPAN = TILE_SIDE // 2


@dataclass(frozen=True)
class Sampling:
    """Checks by sampled spans: how many, how long the latest was and where it ended."""

    spans: int
    length: int  # generations in the latest span
    latest: int  # the generation the latest span ended at
    tile: bool  # the spans checked tiles of the board, not all of it


@dataclass(frozen=True)
class Verdict:
    """What the reference found: agreement through `generation`, or the cells that differ there."""

    generation: int
    agreed_through: int  # every generation through this one was checked (from `since`, if set)
    differing: np.ndarray | None = None  # (n, 2) rows and columns of the cells that differ; None: agree
    since: int | None = None  # where checking every generation began again after sampled spans
    sampled: Sampling | None = None  # set when the latest check was a sampled span
    checked: bool = True  # False: agreement by definition (the reference starts from this board), nothing compared

    @property
    def agrees(self) -> bool:
        return self.differing is None


#: Cells, with the row and column of their top-left one.
Placed = tuple[np.ndarray, int, int]


class ReferenceChecker:
    """The numpy reference, following an engine on the same topology.

    While it keeps up, it catches up from the last agreed board and compares every generation. When the
    engine runs faster than the reference can follow, it checks spans: a region of the engine's board at
    generation G, advanced k generations by the reference, against the engine's own region at G + k, inside
    a margin of k cells where cells outside the region could have reached (a region holding every live cell
    with that margin checks the whole board, and following every generation goes on from it). When the
    boards differ, a fresh engine of the same kind replays from the last agreed board one generation at a
    time, so the verdict names the first generation that differs.
    """

    def __init__(self, rule: Rule, topology: Topology):
        self.rule, self.topology = rule, topology
        self._reference = create_universe(REFERENCE, rule, topology)
        self._agreed: Placed | None = None
        self.generation = 0
        self.agreed_through = 0
        self.since: int | None = None
        self.diverged: Verdict | None = None
        self.cell_rate = 0.0  # the reference's cell updates per second, once measured
        self.spans = 0
        self.work_seconds = 0.0  # how long the reference stepped in the latest span

    def baseline(self, cells: np.ndarray | None, generation: int, shape: tuple[int, int] | None = None,
                 origin: tuple[int, int] = (0, 0)) -> None:  # fmt: skip
        """Agree, by definition, with this board, `cells` with their top-left cell at `origin` (a start, a
        reset, an edit, a swap). `cells` may be None for a board too large to catch up whole (give its
        `shape`): spans only."""
        height, width = shape or cells.shape
        small = cells is not None and height * width <= CATCH_UP_CELLS
        self._agreed = (cells.copy(), *origin) if small else None
        self._reference.close()
        self._reference = create_universe(REFERENCE, self.rule, self.topology)
        if self._agreed is not None:
            self._reference.load(*self._agreed)
        self.generation = self.agreed_through = generation
        self.since = None
        self.diverged = None
        self.spans = 0

    def keeps_up(self, generation: int, box: Region | None = None) -> bool:
        """Whether catching up to `generation` takes the reference at most CATCH_UP_SECONDS, and the board (its
        extent `box`) is small enough to compare whole."""
        if self._agreed is None or (box is not None and box[2] * box[3] > CATCH_UP_CELLS):
            return False
        lag = generation - self.generation
        return not self.cell_rate or lag * max(1, self._reference.held_cells) <= self.cell_rate * CATCH_UP_SECONDS

    def span_length(self, cells: int) -> int:
        """Generations in a span over `cells` cells: SPAN_SECONDS of the reference's time."""
        return max(1, int(self.cell_rate * SPAN_SECONDS / cells)) if self.cell_rate else 1

    def plan_span(self, box: Region | None, around: tuple[int, int] | None) -> tuple[Region | None, int]:
        """The next span: its region (None: every live cell, and on the plane `length` cells round them) and
        its length in generations, at most MAX_SPAN cells of the rule's reach (a region of a few tiles, whatever
        the board)."""
        height, width = (box[2], box[3]) if box else (1, 1)
        reach = self.rule.range
        length = min(max(1, MAX_SPAN // reach), self.span_length(min(height, TILE_SIDE) * min(width, TILE_SIDE)))
        return check_region(box, self.topology.is_torus, length * reach, around), length

    def _advance(self, universe: Universe, generations: int, cancelled: Callable[[], bool],
                 budget: float | None) -> int:  # fmt: skip
        """Step a reference universe, measuring its speed in the cells it holds (a board following the pattern
        grows with it); how many generations it did before `generations`, being cancelled, or running out of
        `budget` seconds stopped it."""
        done, began = 0, time.perf_counter()
        while done < generations and not cancelled():
            if budget is not None and time.perf_counter() - began > budget:
                break
            batch = min(generations - done, 16)
            cells = max(1, universe.held_cells)
            before = time.perf_counter()
            universe.step(batch)
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
        replay: Callable[[], Universe] | None = None,
        origin: tuple[int, int] = (0, 0),
    ) -> Verdict | None:
        """Catch the reference up to `generation` and compare with `cells` at `origin` (every live cell of the
        engine's board); None if cancelled or the board went backwards.

        `replay` makes a fresh, empty universe like the one checked, to find the first differing generation.
        After a divergence the verdict stays: the reference cannot follow a board it disagrees with.
        """
        if self.diverged is not None:
            return self.diverged
        if generation < self.generation or self._agreed is None:
            return None
        # Until the reference's speed is known, try for no longer than a span would take.
        budget = CATCH_UP_SECONDS if self.cell_rate else SPAN_SECONDS
        self.generation += self._advance(self._reference, generation - self.generation, cancelled, budget)
        if self.generation < generation:
            return None  # cancelled, or too far behind: the next check samples a span instead
        reference = self._reference.live_cells()
        differing = placed_difference(reference, (cells, *origin))
        if len(differing):
            found = self._first_difference(replay, cancelled)
            self.diverged = found or Verdict(generation, self.agreed_through, differing, self.since)
            return self.diverged
        self.agreed_through = generation
        self._agreed = reference
        return Verdict(generation, generation, since=self.since)

    def check_span(
        self,
        start: Snapshot,
        end: Callable[[], np.ndarray | None],
        length: int,
        cancelled: Callable[[], bool] = lambda: False,
    ) -> Verdict | None:
        """Advance `start` (a region at its generation) `length` generations and compare with `end()`.

        `end` waits for the engine's own cells of the region `length` generations on (None if they will not
        come). Along an axis the region does not cover (a tile of a torus, a part of the plane), only cells at
        least `length` times the rule's reach from its edges are compared: no cell outside the region, which the
        reference does not have, can have reached them.
        """
        if self.diverged is not None:
            return self.diverged
        top, left, height, width = start.region
        # Every live cell in the region with `length` cells to spare: along a free axis that is all of it.
        reach = length * self.rule.range
        contains_all = int(np.count_nonzero(start.cells)) == start.population and not live_near_edge(start.cells, reach)
        axes, inset = [], []
        for axis, low, side in zip(self.topology.axes, (top, left), (height, width)):
            whole = (axis.kind == WRAP and side == axis.size) or (axis.kind != WRAP and contains_all)
            axes.append(Axis(WRAP, side, low) if axis.kind == WRAP else Axis())
            inset.append(0 if whole else reach)
        reference = create_universe(REFERENCE, self.rule, Topology(axes[0], axes[1]))
        try:
            reference.load(start.cells, top, left)
            began = time.perf_counter()
            advanced = self._advance(reference, length, cancelled, None)
            self.work_seconds = time.perf_counter() - began
            if advanced < length:
                return None
            finished = end()
            if finished is None:
                return None
            (dy, dx), generation = inset, start.generation + length
            expected = reference.window(top + dy, left + dx, height - 2 * dy, width - 2 * dx)
            differing = np.argwhere(expected != finished[dy : height - dy, dx : width - dx]) + (top + dy, left + dx)
            whole = inset == [0, 0] and reference.population() == int(np.count_nonzero(finished))
        except BaseException:
            reference.close()
            raise
        if self.topology.is_torus:
            differing %= self.topology.shape
        if len(differing):
            reference.close()
            self.diverged = Verdict(generation, self.agreed_through, differing, self.since,
                                    Sampling(self.spans + 1, length, generation, not whole))  # fmt: skip
            return self.diverged
        self.spans += 1
        if whole and self._agreed is not None and reference.topology == self.topology:
            # The whole board agrees here: the reference goes on from it, every generation from now.
            self._reference.close()
            self._reference, self._agreed = reference, (finished, top, left)
            self.generation = self.agreed_through = self.since = generation
        else:
            reference.close()
        return Verdict(generation, self.agreed_through, since=self.since,
                       sampled=Sampling(self.spans, length, generation, not whole))  # fmt: skip

    def _first_difference(self, replay: Callable[[], Universe] | None, cancelled: Callable[[], bool]) -> Verdict | None:
        if replay is None or self._agreed is None:
            return None
        try:
            universe = replay()
        except LifeError:
            return None
        reference = create_universe(REFERENCE, self.rule, self.topology)
        try:
            universe.load(*self._agreed)
            reference.load(*self._agreed)
            for generation in range(self.agreed_through + 1, self.generation + 1):
                if cancelled():
                    return None
                universe.step(1)
                reference.step(1)
                differing = placed_difference(reference.live_cells(), universe.live_cells())
                if len(differing):
                    return Verdict(generation, generation - 1, differing, self.since)
        finally:
            universe.close()
            reference.close()
        return None


def live_near_edge(cells: np.ndarray, margin: int) -> bool:
    """Whether a live cell of `cells` is within `margin` cells of its edge."""
    height, width = cells.shape
    inside = cells[margin : height - margin, margin : width - margin]
    return int(np.count_nonzero(inside)) != int(np.count_nonzero(cells))


def placed_difference(first: Placed, second: Placed) -> np.ndarray:
    """The cells (rows and columns, (n, 2)) that differ between two boards given as (cells, top, left), dead
    beyond each."""
    if first[1:] == second[1:] and first[0].shape == second[0].shape:
        return np.argwhere(first[0] != second[0]).astype(np.int64) + first[1:]
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


def check_region(box: Region | None, torus: bool, margin: int, around: tuple[int, int] | None = None) -> Region | None:
    """A region to check: None (every live cell, and on the plane `margin` round them) when the board's extent
    `box` is small, else a tile of TILE_SIDE plus `margin` each side centred on `around`, or anywhere in the
    extent; on a torus (`torus`: regions wrap) a side no larger than the tile is taken whole."""
    if box is None or (box[2] <= TILE_SIDE and box[3] <= TILE_SIDE):
        return None
    top, left, height, width = box
    centre = around or (top + random.randrange(height), left + random.randrange(width))
    side = TILE_SIDE + 2 * margin
    if not torus:
        return (centre[0] - side // 2, centre[1] - side // 2, side, side)
    tall, wide = min(height, side), min(width, side)
    return ((centre[0] - tall // 2) % height, (centre[1] - wide // 2) % width, tall, wide)


def wait_for(future: Future, cancelled: Callable[[], bool]) -> np.ndarray | None:
    """The promised board, or None once `cancelled()` (polled every 50 ms while the engine is on its way)."""
    while not cancelled():
        try:
            return future.result(timeout=0.05)
        except FutureTimeout:
            continue
    return None


#: Between two checks of every generation the checker rests this long.
CHECK_SECONDS = 0.25


def follow(simulation, checker: ReferenceChecker, cancelled: Callable[[], bool],
           report: Callable[[Verdict, int], None], rest: Callable[[float], object],
           around: Callable[[], tuple[int, int]]) -> None:  # fmt: skip
    """The checking policy, until `cancelled()`: follow `simulation` with `checker` and `report(verdict, epoch)`
    each verdict (for the board of that epoch); `rest(seconds)` waits between checks (and returns early when
    cancelled). A new board (start, reset, edit, swap) starts the reference again from it; while the reference
    keeps up it checks every generation, else spans of generations over a bounded region (every other one round
    `around()`, the place the user looks at), taking a third of a core at most."""
    epoch, spans = -1, 0
    while not cancelled():
        if simulation.epoch != epoch:
            box = simulation.box
            small = box is None or box[2] * box[3] <= CATCH_UP_CELLS
            start = simulation.snapshot(None if small else (box[0], box[1], 1, 1))
            epoch = start.epoch
            checker.baseline(start.cells if small else None, start.generation, start.shape, start.region[:2])
            report(Verdict(start.generation, start.generation, checked=False), epoch)
        current = epoch

        def stale(current: int = current) -> bool:
            return cancelled() or simulation.epoch != current

        pause, verdict = CHECK_SECONDS, checker.diverged  # a divergence stays until a new board
        if verdict is None and checker.keeps_up(simulation.generation, simulation.box):
            snapshot = simulation.snapshot()
            if snapshot.epoch != epoch:
                continue
            replay = partial(create_universe, snapshot.engine, simulation.rule, simulation.topology, simulation.options)
            verdict = checker.check(snapshot.cells, snapshot.generation, stale, replay, snapshot.region[:2])
        elif verdict is None:
            spans += 1
            region, length = checker.plan_span(simulation.box, around() if spans % 2 else None)
            start, end = simulation.open_span(length, region, length)
            if start.epoch != epoch:
                continue
            verdict = checker.check_span(start, partial(wait_for, end, stale), length, stale)
            pause = 2 * checker.work_seconds  # the reference's own time, not the wait for the engine
        if verdict is not None:
            report(verdict, epoch)
            if not verdict.agrees:
                pause = CHECK_SECONDS
        rest(pause)
