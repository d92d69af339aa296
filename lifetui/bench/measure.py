"""Headless benchmark: every engine on the same board, on any topology, from the same generation, timed the same
way, then checked against the numpy reference.

Each engine runs in a universe of the board's topology (lifetui.world.universe): on a torus the board is the
engine's own and nothing else is tracked; on the plane (or a tube) the universe follows the pattern. One trial
loop times them all; `check` then says whether each agrees with numpy: on a torus numpy is replayed to each
engine's own generation (on a board too large for it, on TILES tiles); elsewhere, where numpy cannot be replayed
cheaply (a million generations of a growing pattern), engines measured to the same generation are compared with
numpy's result, else with the first engine's."""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass

import numpy as np

from lifetui.compiler import build
from lifetui.engines import DEFAULT_OPTIONS, ENGINES, REFERENCE, EngineOptions, availability
from lifetui.engines.base import wrapped
from lifetui.errors import LifeError
from lifetui.world.board import Board
from lifetui.world.topology import Region, Topology
from lifetui.world.universe import Universe, create_universe

#: The figures of the 2025 blog post this project started from (512 x 512 random board, on a laptop):
#: its gate network run in JAX, and the same network compiled to C; our engines for each are named.
PUBLISHED = {"where": "the 2025 blog post's laptop", "jax": 14.0, "c": 24_400.0, "speedup": 1744.0}
PUBLISHED_NETWORK, PUBLISHED_COMPILED = "jax", "c"

#: Generations when --steps is not given on a board with a free axis: HashLife's territory.
DEFAULT_FREE_STEPS = 1 << 20
#: Off a torus, the live cells are compared cell for cell when their box holds at most this many.
COMPARED_CELLS = 1 << 24


@dataclass
class EngineResult:
    engine: str
    available: bool
    reason: str = ""
    steps: int = 0
    seconds: float = 0.0
    gens_per_s: float = 0.0
    cell_updates_per_s: float | None = 0.0  # None with a free axis: the board is no fixed number of cells
    population: int = 0
    matches_reference: bool | None = None
    warmup_seconds: float = 0.0
    describe: str = ""
    trials: int = 0
    inexact: int = 0  # neighbourhoods the engine's learned kernel gets wrong, run under --allow-inexact
    #: What the reference compared: "board" (the whole torus), "tiles" (TILES tiles of TILE x TILE cells, on a
    #: torus too large for the reference to hold whole here); off a torus, what it was compared with.
    checked: str = "board"
    #: The region holding every live cell at the end: the torus, or the live box elsewhere.
    extent: tuple[int, int, int, int] | None = None

    def as_json(self) -> dict:
        document = asdict(self)
        if self.available:
            document.pop("reason")
        return document


def default_engines(board: Board, options: EngineOptions = DEFAULT_OPTIONS) -> list[str]:
    """Every engine on a fixed board; with a free axis those that jump and can run it (a million generations
    are theirs), else every engine."""
    if board.topology.has_free_axis:
        jumping = [name for name, info in ENGINES.items() if info.jumps]
        if any(availability(name, board.rule, options, board.topology).available for name in jumping):
            return jumping
    return list(ENGINES)


def default_steps(board: Board, names: list[str]) -> int:
    """DEFAULT_FREE_STEPS for engines that all jump on a board with a free axis; else about a billion cell
    updates (a couple of seconds for numpy, a blink for the C engines) of the fixed board, or with a free axis
    of the pattern's box, as if it were at least 256 x 256."""
    if board.topology.has_free_axis:
        if all(ENGINES[name].jumps for name in names if name in ENGINES):
            return DEFAULT_FREE_STEPS
        cells = max(board.pattern.width * board.pattern.height, 256 * 256)
    else:
        cells = board.width * board.height
    return int(min(100_000, max(16, 2**30 // cells)))


#: Trials of the same steps repeat until they add up to this long (or to --seconds, if shorter), or
#: MAX_TRIALS; the figure is the median trial.
REPEAT_SECONDS = 1.0
MAX_TRIALS = 25


def lay(universe: Universe, board: Board) -> None:
    """The board's starting cells into the universe (a torus's laid once, shared by every engine and trial)."""
    if board.topology.is_torus:
        universe.load(board.cells, board.topology.rows.start, board.topology.columns.start)
    else:
        universe.load_pattern(board.pattern)


def _trial(universe, name: str, steps: int, seconds_cap: float | None, report, batch: int) -> tuple[int, float]:
    """(generations done, seconds) for one run of `steps` from the loaded board, stopped by `seconds_cap`."""
    done, elapsed = 0, 0.0
    while done < steps and (seconds_cap is None or elapsed < seconds_cap):
        count = min(batch, steps - done)
        began = time.perf_counter()
        universe.step(count)
        spent = time.perf_counter() - began
        elapsed += spent
        done += count
        report(name, done)
        # Grow batches while they are short, so per-call overhead stays out of the figure.
        if spent < 0.05:
            batch *= 2
    return done, elapsed


def machine() -> dict:
    cpu = build.cpu_model()
    compiler = "none"
    if build.missing_compiler_reason() is None:
        try:
            compiler = build.compiler_identity() + " " + " ".join(build.requested_flags())
        except LifeError:
            compiler = "unusable"
    return {"cpu": cpu, "cores": os.cpu_count(), "compiler": compiler}


#: On a torus too large for the reference whole, it checks this many tiles of TILE x TILE cells.
TILE = 256
TILES = 4


def tile_corners(board: Board) -> list[tuple[int, int]]:
    """Where the checked tiles start: the centre (where a pattern is placed), the corner across the wrap,
    and two more, spread over the board."""
    height, width = board.height, board.width
    return [
        ((height - TILE) // 2, (width - TILE) // 2),
        (height - TILE // 2, width - TILE // 2),
        (height // 4, 3 * width // 4),
        (3 * height // 4, width // 4),
    ][:TILES]


def tiles_agree(board: Board, generations: int, tiles: list[np.ndarray]) -> bool | None:
    """Whether each tile, `generations` on, is what the reference makes of it and of `generations` cells
    around it (no cell further away can reach it in time); None when that margin would wrap the board."""
    margin = generations + 1
    if TILE + 2 * margin > min(board.height, board.width):
        return None
    for (top, left), tile in zip(tile_corners(board), tiles):
        rows, columns = (
            wrapped(top - margin, TILE + 2 * margin, board.height),
            wrapped(left - margin, TILE + 2 * margin, board.width),
        )
        around = board.cells[np.ix_(rows, columns)]
        reference = create_universe(REFERENCE, board.rule, Topology.torus(*around.shape))
        reference.load(around)
        reference.step(generations)
        if not np.array_equal(reference.window(margin, margin, TILE, TILE), tile):
            return False
    return True


@dataclass
class Final:
    """What a measured engine left behind, for the check: its live cells' extent, the cells compared (the whole
    torus, or off a torus the live box's when it holds at most COMPARED_CELLS), or a large torus's tiles."""

    extent: Region | None
    cells: np.ndarray | None = None
    tiles: list[np.ndarray] | None = None


def final_cells(universe: Universe, board: Board, whole: bool) -> Final:
    extent = universe.extent()
    if board.topology.is_torus and not whole:
        return Final(extent, tiles=[universe.window(*at, TILE, TILE) for at in tile_corners(board)])
    if extent is None or (not board.topology.is_torus and extent[2] * extent[3] > COMPARED_CELLS):
        return Final(extent)
    return Final(extent, universe.window(*extent))


def bench_engine(
    name: str,
    board: Board,
    steps: int,
    seconds_cap: float | None,
    options: EngineOptions,
    report: Callable[[str, int], None],
    keep: Callable[[Universe], object] = lambda universe: None,
) -> tuple[EngineResult, object | None]:
    """Warm up (build, JIT: an engine that jumps is not warmed, its memo would time a second run), then time
    `steps` generations, stopping early once `seconds_cap` has passed; the result and what `keep` takes from
    the universe at the end."""
    status = availability(name, board.rule, options, board.topology)
    if not status.available:
        return EngineResult(name, False, status.reason), None
    jumps = ENGINES[name].jumps
    started = time.perf_counter()
    try:
        universe = create_universe(name, board.rule, board.topology, options)
        lay(universe, board)
        if not jumps:
            universe.step(1)
            lay(universe, board)
    except LifeError as err:
        return EngineResult(name, False, str(err)), None
    warmup = time.perf_counter() - started
    try:
        trials: list[tuple[int, float]] = []
        first_batch = steps if jumps else 1  # an engine that jumps is timed on one call, as a user makes it
        while True:
            done, elapsed = _trial(universe, name, steps, seconds_cap, report, first_batch)
            if done < steps:  # stopped by --seconds: this trial alone is the figure, and its board the one checked
                trials = [(done, elapsed)]
                break
            trials.append((done, elapsed))
            enough = REPEAT_SECONDS if seconds_cap is None else min(REPEAT_SECONDS, seconds_cap)
            if jumps or sum(spent for _, spent in trials) >= enough or len(trials) >= MAX_TRIALS:
                break
            # A quick trial needs no small batches (they exist for --seconds and progress): one call, no overhead.
            if elapsed < 0.25:
                first_batch = steps
            lay(universe, board)
        # A short trial on a shared machine is noisy: repeat it, and report the median one.
        done, elapsed = sorted(trials, key=lambda trial: trial[1])[len(trials) // 2]
        kept = keep(universe)
        rate = done / elapsed if elapsed > 0 else 0.0  # too quick for the clock to see: no figure, not infinity
        cells = None if board.topology.has_free_axis else float(f"{rate * universe.held_cells:.4g}")
        result = EngineResult(
            name, True, steps=done, seconds=round(elapsed, 6), gens_per_s=round(rate, 2), cell_updates_per_s=cells,
            population=universe.population(), warmup_seconds=round(warmup, 4), describe=universe.describe()[1],
            trials=len(trials), inexact=universe.inexact, extent=universe.extent(),
        )  # fmt: skip
    except LifeError as err:  # outgrown this machine mid-run, say
        return EngineResult(name, False, str(err)), None
    finally:
        universe.close()
    return result, kept


def run_bench(
    board: Board,
    names: list[str] | None = None,
    steps: int | None = None,
    seconds_cap: float | None = None,
    options: EngineOptions = DEFAULT_OPTIONS,
    report: Callable[[str, int], None] = lambda name, done: None,
    extra: Callable[[int], EngineResult | None] = lambda steps: None,
) -> list[EngineResult]:
    """Bench each engine (`names`, else `default_engines`), add `extra`'s row (a third party timed on the same
    steps, compared by population), then `check` them all."""
    names = names or default_engines(board, options)
    steps = steps if steps is not None else default_steps(board, names)
    whole = availability(REFERENCE, board.rule, options, board.topology).available
    results, finals = [], {}
    for name in names:
        result, final = bench_engine(name, board, steps, seconds_cap, options, report,
                                     lambda universe: final_cells(universe, board, whole))  # fmt: skip
        results.append(result)
        if isinstance(final, Final):
            finals[name] = final
    other = extra(steps)
    if other is not None:
        results.append(other)
    check(board, results, finals, whole)
    return results


def check(board: Board, results: list[EngineResult], finals: dict[str, Final], whole: bool) -> None:
    """Set each measured result's matches_reference and checked (see the module's docstring)."""
    measured = [result for result in results if result.available]
    if board.topology.is_torus and not whole:
        for result in measured:
            result.checked = "tiles"
            result.matches_reference = tiles_agree(board, result.steps, finals[result.engine].tiles or [])
    elif not board.topology.has_free_axis:
        # A fixed board: numpy replayed in order of generations, compared at each engine's own.
        reference = create_universe(REFERENCE, board.rule, board.topology)
        lay(reference, board)
        generation = 0
        for result in sorted(measured, key=lambda r: r.steps):
            reference.step(result.steps - generation)
            generation = result.steps
            final = finals[result.engine]
            same = final.extent == reference.extent()
            if same and final.extent is not None and final.cells is not None:
                same = bool(np.array_equal(final.cells, reference.window(*final.extent)))
            result.matches_reference = same
        reference.close()
    elif measured:
        # The reference is numpy if it went the whole way, else the first that did (--seconds may cut some short).
        furthest = [result for result in measured if result.steps == max(r.steps for r in measured)]
        first = next((result for result in furthest if result.engine == REFERENCE), furthest[0])
        for result in measured:
            result.checked = f"against {first.engine}" if result is not first else "the reference"
            if result.steps != first.steps:
                continue  # cut short by --seconds at another generation: unchecked
            same = result.population == first.population
            mine, expected = finals.get(result.engine), finals.get(first.engine)
            if mine is not None and expected is not None:  # a third party's row gives its population alone
                same = same and mine.extent == expected.extent
                if mine.cells is not None and expected.cells is not None:
                    same = same and bool(np.array_equal(mine.cells, expected.cells))
            result.matches_reference = same
