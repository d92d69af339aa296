"""Headless benchmark: every engine on the same board, on any topology, from the same generation, timed the same
way, then checked against the numpy reference.

Each engine runs in a universe of the board's topology (lifetui.world.universe): on a torus the board is the
engine's own and nothing else is tracked; on the plane (or a tube) the universe follows the pattern. One trial
loop times them all; `check` then says whether each agrees with numpy. On a fixed board (a torus, a bounded grid)
numpy is replayed to each engine's own generation, at most CHECK_CELL_UPDATES cell updates whatever --steps asks
(`plan_check`): the whole board when numpy holds it, else TILES tiles and their light cone, from generation 0 when
that fits, else from the engine's own board some generations before its last (the check then covers those).
Elsewhere, where numpy cannot be replayed cheaply (a million generations of a growing pattern), engines measured to
the same generation are compared with numpy's result, else with the first engine's."""

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
    #: What the reference compared: "board" (the whole board), "tiles" (TILES tiles of TILE x TILE cells and their
    #: light cone, on a torus), each followed by " from generation N" when it replayed only the generations from
    #: the engine's own board at N (see plan_check); with a free axis, what it was compared with.
    checked: str = "board"
    #: The generation the reference check started from: 0, or a later one (the check is bounded).
    checked_from: int = 0
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


def _trial(
    universe, name: str, steps: int, seconds_cap: float | None, report, batch: int, pause: tuple[int, Callable] | None
) -> tuple[int, float]:
    """(generations done, seconds) for one run of `steps` from the loaded board, stopped by `seconds_cap`; with a
    `pause` (generation, callback), a call ends at that generation and the callback, untimed, sees the universe."""
    done, elapsed = 0, 0.0
    while done < steps and (seconds_cap is None or elapsed < seconds_cap):
        count = min(batch, steps - done)
        if pause is not None and done < pause[0]:
            count = min(count, pause[0] - done)
        began = time.perf_counter()
        universe.step(count)
        spent = time.perf_counter() - began
        elapsed += spent
        done += count
        if pause is not None and done == pause[0]:
            pause[1](universe)
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


#: The tiles checked (on a torus when the reference cannot replay the whole board): this many of TILE x TILE cells.
TILE = 256
TILES = 4
#: The reference check replays at most about this many cell updates, whatever --steps asks (about two seconds
#: of numpy here; a thousand generations of 16384 x 16384 took it minutes, silently).
CHECK_CELL_UPDATES = 1 << 31
#: What a generation of the reference costs beyond its cells, in cells' worth (about 20 us a call into numpy here).
GENERATION_CELLS = 1 << 14


@dataclass(frozen=True)
class CheckPlan:
    """How the reference checks a fixed board: `compared` the whole board ("board") or TILES tiles and their light
    cone ("tiles"), replayed from generation `start`: 0 (the board laid) or later (the engine's own board then)."""

    compared: str
    start: int = 0


def plan_check(board: Board, steps: int, whole: bool) -> CheckPlan | None:
    """The check of `steps` generations on a fixed board that replays the most of them within CHECK_CELL_UPDATES:
    all when it can (the whole board if the reference holds it, else tiles), else as many of the last as it can,
    from the engine's own board; None when not one generation fits."""
    height, width = board.topology.shape
    costs: dict[str, Callable[[int], float]] = {}
    if whole:
        costs["board"] = lambda generations: generations * (height * width + GENERATION_CELLS)
    if board.topology.is_torus and min(height, width) > TILE:

        def tiles_cost(generations: int) -> float:
            side = TILE + 2 * (generations + 1)
            fits = side <= min(height, width)  # else the margin would reach round the torus
            return TILES * (side * side + GENERATION_CELLS) * generations if fits else float("inf")

        costs["tiles"] = tiles_cost
    best = None
    for compared, cost in costs.items():
        if cost(steps) <= CHECK_CELL_UPDATES:
            return CheckPlan(compared)
        low, high = 0, steps  # the most generations that fit: cost(low) fits, cost(high) does not
        while high - low > 1:
            middle = (low + high) // 2
            low, high = (middle, high) if cost(middle) <= CHECK_CELL_UPDATES else (low, middle)
        if low and (best is None or steps - low < best.start):
            best = CheckPlan(compared, steps - low)
    return best


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


def around_tiles(board: Board, window: Callable[[int, int, int, int], np.ndarray], generations: int) -> list:
    """Each tile with the `generations` + 1 cells around it that can reach it in that time, read by `window(top,
    left, height, width)` (round the torus: the board's cells, or an engine's)."""
    margin = generations + 1
    return [
        window(top - margin, left - margin, TILE + 2 * margin, TILE + 2 * margin) for top, left in tile_corners(board)
    ]


def board_window(board: Board) -> Callable[[int, int, int, int], np.ndarray]:
    """A window onto a torus board's own cells, round its edges."""
    return lambda top, left, height, width: board.cells[
        np.ix_(wrapped(top, height, board.height), wrapped(left, width, board.width))
    ]


def tiles_agree(board: Board, generations: int, tiles: list[np.ndarray], around: list[np.ndarray]) -> bool:
    """Whether each tile is what the reference makes, `generations` on, of the region `around` it (around_tiles,
    with a margin of at least `generations` + 1); no cell further away can reach it in time."""
    for tile, region in zip(tiles, around):
        margin = (region.shape[0] - TILE) // 2
        reference = create_universe(REFERENCE, board.rule, Topology.torus(*region.shape))
        reference.load(region)
        reference.step(generations)
        if not np.array_equal(reference.window(margin, margin, TILE, TILE), tile):
            return False
    return True


@dataclass
class Final:
    """What a measured engine left behind, for the check: its live cells' extent, the cells compared (the whole
    board, or off a fixed board the live box's when it holds at most COMPARED_CELLS), or a torus's tiles; and
    for a check from a later generation (CheckPlan.start), that generation and the engine's cells then."""

    extent: Region | None
    cells: np.ndarray | None = None
    tiles: list[np.ndarray] | None = None
    start: tuple[int, object] | None = None


def final_cells(universe: Universe, board: Board, plan: CheckPlan | None) -> Final:
    extent = universe.extent()
    if plan is not None and plan.compared == "tiles":
        return Final(extent, tiles=[universe.window(*at, TILE, TILE) for at in tile_corners(board)])
    fixed = not board.topology.has_free_axis
    if extent is None or (not fixed and extent[2] * extent[3] > COMPARED_CELLS) or (fixed and plan is None):
        return Final(extent)
    return Final(extent, universe.window(*extent))


def start_cells(universe: Universe, board: Board, plan: CheckPlan, steps: int) -> object:
    """What a check from generation plan.start replays, read from the engine's universe then: the tiles'
    surroundings for the generations left to `steps`, or the whole fixed board."""
    if plan.compared == "tiles":
        return around_tiles(board, universe.window, steps - plan.start)
    height, width = board.topology.shape
    return universe.window(board.topology.rows.start, board.topology.columns.start, height, width)


def bench_engine(
    name: str,
    board: Board,
    steps: int,
    seconds_cap: float | None,
    options: EngineOptions,
    report: Callable[[str, int], None],
    keep: Callable[[Universe], object] = lambda universe: None,
    pause: tuple[int, Callable[[Universe], None]] | None = None,
) -> tuple[EngineResult, object | None]:
    """Warm up (build, JIT: an engine that jumps is not warmed, its memo would time a second run), then time
    `steps` generations, stopping early once `seconds_cap` has passed; the result and what `keep` takes from
    the universe at the end. With a `pause` (generation, callback), each trial's calls end at that generation
    and the callback sees the universe there, untimed."""
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
            done, elapsed = _trial(universe, name, steps, seconds_cap, report, first_batch, pause)
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
    checking: Callable[[str], None] = lambda doing: None,
) -> list[EngineResult]:
    """Bench each engine (`names`, else `default_engines`), add `extra`'s row (a third party timed on the same
    steps, compared by population), then `check` them all, saying what it checks to `checking`."""
    names = names or default_engines(board, options)
    steps = steps if steps is not None else default_steps(board, names)
    plan = None
    if not board.topology.has_free_axis:
        plan = plan_check(board, steps, availability(REFERENCE, board.rule, options, board.topology).available)
    starts: dict[str, tuple[int, object]] = {}  # each engine's board where the check starts, if not at 0

    def pause_at_start(name: str) -> tuple[int, Callable[[Universe], None]] | None:
        if plan is None or not plan.start:
            return None
        chosen = plan
        return chosen.start, lambda universe: starts.update(
            {name: (chosen.start, start_cells(universe, board, chosen, steps))}
        )

    results, finals = [], {}
    for name in names:
        result, final = bench_engine(
            name,
            board,
            steps,
            seconds_cap,
            options,
            report,
            lambda universe: final_cells(universe, board, plan),
            pause_at_start(name),
        )
        results.append(result)
        if isinstance(final, Final):
            final.start = starts.get(name)
            finals[name] = final
    other = extra(steps)
    if other is not None:
        results.append(other)
    check(board, results, finals, plan, checking)
    return results


def check(
    board: Board, results: list[EngineResult], finals: dict[str, Final], plan: CheckPlan | None,
    checking: Callable[[str], None] = lambda doing: None,
) -> None:  # fmt: skip
    """Set each measured result's matches_reference and checked (see the module's docstring and plan_check)."""
    measured = [result for result in results if result.available]
    if not board.topology.has_free_axis:
        for result in measured:
            result.checked = "unchecked" if plan is None else plan.compared
        if plan is None:
            return
        if plan.start:
            for result in measured:
                _check_from(board, result, finals[result.engine], plan, checking)
        elif plan.compared == "tiles":
            for result in measured:
                checking(f"checking {result.engine}: {TILES} tiles, {result.steps:,} generations of {REFERENCE}")
                around = around_tiles(board, board_window(board), result.steps)
                result.matches_reference = tiles_agree(board, result.steps, finals[result.engine].tiles or [], around)
        else:
            # The whole board: numpy replayed in order of generations, compared at each engine's own.
            reference = create_universe(REFERENCE, board.rule, board.topology)
            lay(reference, board)
            generation = 0
            for result in sorted(measured, key=lambda r: r.steps):
                checking(f"checking {result.engine}: {result.steps:,} generations of {REFERENCE}")
                reference.step(result.steps - generation)
                generation = result.steps
                result.matches_reference = _same(finals[result.engine], reference)
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


def _same(final: Final, reference: Universe) -> bool:
    """Whether an engine's final board is the reference universe's, live box and cells."""
    same = final.extent == reference.extent()
    if same and final.extent is not None and final.cells is not None:
        same = bool(np.array_equal(final.cells, reference.window(*final.extent)))
    return same


def _check_from(board: Board, result: EngineResult, final: Final, plan: CheckPlan, checking) -> None:
    """The check of an engine's last generations, from its own board at the generation the plan starts from; None
    when it stopped before it (--seconds)."""
    if final.start is None:  # --seconds stopped it first: a check from generation 0, if it fits that soon
        sooner = plan_check(board, result.steps, whole=plan.compared == "board")
        if sooner is not None and sooner == CheckPlan(plan.compared):
            check(board, [result], {result.engine: final}, sooner, checking)
        else:
            result.checked = f"unchecked: stopped by --seconds before generation {plan.start:,}, where its check starts"
        return
    start, cells = final.start
    generations = result.steps - start
    result.checked, result.checked_from = f"{plan.compared} from generation {start:,}", start
    checking(f"checking {result.engine}: {generations:,} generations of {REFERENCE} from its board at {start:,}")
    if plan.compared == "tiles":
        result.matches_reference = tiles_agree(board, generations, final.tiles or [], cells)  # type: ignore[arg-type]
        return
    reference = create_universe(REFERENCE, board.rule, board.topology)
    reference.load(cells, board.topology.rows.start, board.topology.columns.start)  # type: ignore[arg-type]
    reference.step(generations)
    result.matches_reference = _same(final, reference)
    reference.close()
