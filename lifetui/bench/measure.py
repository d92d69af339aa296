"""Headless benchmark: every engine on the same board from the same generation, each checked against numpy."""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass

import numpy as np

from lifetui.compiler import build
from lifetui.engines import (
    DEFAULT_OPTIONS,
    ENGINES,
    REFERENCE,
    EngineOptions,
    EngineUnavailable,
    availability,
    create_engine,
)
from lifetui.engines.base import Engine, wrapped
from lifetui.engines.numpy_engine import NumpyEngine
from lifetui.errors import LifeError
from lifetui.world.board import Board

#: The figures of the 2025 blog post this project started from (512 x 512 random board, on a laptop):
#: its gate network run in JAX, and the same network compiled to C; our engines for each are named.
PUBLISHED = {"where": "the 2025 blog post's laptop", "jax": 14.0, "c": 24_400.0, "speedup": 1744.0}
PUBLISHED_NETWORK, PUBLISHED_COMPILED = "jax", "c"


@dataclass
class EngineResult:
    engine: str
    available: bool
    reason: str = ""
    steps: int = 0
    seconds: float = 0.0
    gens_per_s: float = 0.0
    cell_updates_per_s: float | None = 0.0  # None on the plane: its board is no fixed number of cells
    population: int = 0
    matches_reference: bool | None = None
    warmup_seconds: float = 0.0
    describe: str = ""
    trials: int = 0
    inexact: int = 0  # neighbourhoods the engine's learned kernel gets wrong, run under --allow-inexact
    #: What the reference compared: "board" (the whole board), or "tiles" (TILES tiles of TILE x TILE cells,
    #: on a board too large for the reference to hold whole here); on the plane, what it was compared with.
    checked: str = "board"
    #: The region holding every live cell at the end: the torus, or the live box on the plane.
    extent: tuple[int, int, int, int] | None = None

    def as_json(self) -> dict:
        document = asdict(self)
        if self.available:
            document.pop("reason")
        return document


def default_steps(board: Board) -> int:
    """About a billion cell updates: a couple of seconds for numpy, a blink for the C engines."""
    return int(min(100_000, max(16, 2**30 // (board.width * board.height))))


#: Trials of the same steps repeat until they add up to this long (or to --seconds, if shorter), or
#: MAX_TRIALS; the figure is the median trial.
REPEAT_SECONDS = 1.0
MAX_TRIALS = 25


def _trial(engine, name: str, steps: int, seconds_cap: float | None, report, batch: int) -> tuple[int, float]:
    """(generations done, seconds) for one run of `steps` from the loaded board, stopped by `seconds_cap`."""
    done, elapsed = 0, 0.0
    while done < steps and (seconds_cap is None or elapsed < seconds_cap):
        count = min(batch, steps - done)
        began = time.perf_counter()
        engine.step(count)
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


#: On a board too large for the reference whole, it checks this many tiles of TILE x TILE cells.
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


def tile_windows(engine: Engine, board: Board) -> list[np.ndarray]:
    return [engine.window(top, left, TILE, TILE) for top, left in tile_corners(board)]


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
        reference = NumpyEngine(board.rule)
        reference.load(board.cells[np.ix_(rows, columns)])
        reference.step(generations)
        if not np.array_equal(reference.cells()[margin:-margin, margin:-margin], tile):
            return False
    return True


def bench_engine(
    name: str,
    board: Board,
    steps: int,
    seconds_cap: float | None,
    options: EngineOptions,
    report: Callable[[str, int], None],
    keep: Callable[[Engine], object] = lambda engine: engine.cells(),
) -> tuple[EngineResult, object | None]:
    """Warm up (build, JIT), then time `steps` generations, stopping early once `seconds_cap` has passed;
    the result and what `keep` takes from the final board for the check (the whole board by default)."""
    status = availability(name, board.rule, options, board.topology)
    if not status.available:
        return EngineResult(name, False, status.reason), None
    started = time.perf_counter()
    try:
        engine = create_engine(name, board.rule, options)
        engine.load(board.cells)
        engine.step(1)
        engine.load(board.cells)
    except (EngineUnavailable, LifeError) as err:
        return EngineResult(name, False, str(err)), None
    warmup = time.perf_counter() - started
    trials: list[tuple[int, float]] = []
    first_batch = 1
    while True:
        done, elapsed = _trial(engine, name, steps, seconds_cap, report, first_batch)
        if done < steps:  # stopped by --seconds: this trial alone is the figure, and its board the one checked
            trials = [(done, elapsed)]
            break
        trials.append((done, elapsed))
        enough = REPEAT_SECONDS if seconds_cap is None else min(REPEAT_SECONDS, seconds_cap)
        if sum(spent for _, spent in trials) >= enough or len(trials) >= MAX_TRIALS:
            break
        # A quick trial needs no small batches (they exist for --seconds and progress): one call, no overhead.
        if elapsed < 0.25:
            first_batch = steps
        engine.load(board.cells)
    # A short trial on a shared machine is noisy: repeat it, and report the median one.
    done, elapsed = sorted(trials, key=lambda trial: trial[1])[len(trials) // 2]
    kept = keep(engine)
    rate = done / elapsed if elapsed > 0 else 0.0  # too quick for the clock to see: no figure, not infinity
    result = EngineResult(
        name, True, steps=done, seconds=round(elapsed, 6), gens_per_s=round(rate, 2),
        cell_updates_per_s=float(f"{rate * board.width * board.height:.4g}"), population=engine.population(),
        warmup_seconds=round(warmup, 4), describe=engine.describe()[1], trials=len(trials), inexact=engine.inexact,
        extent=(0, 0, board.height, board.width),
    )  # fmt: skip
    engine.close()
    return result, kept


def run_bench(
    board: Board,
    names: list[str] | None = None,
    steps: int | None = None,
    seconds_cap: float | None = None,
    options: EngineOptions = DEFAULT_OPTIONS,
    report: Callable[[str, int], None] = lambda name, done: None,
) -> list[EngineResult]:
    """Bench each engine, then replay numpy to every generation an engine reached and compare the boards;
    on a board too large for numpy here, compare TILES tiles instead (`tiles_agree`)."""
    steps = steps if steps is not None else default_steps(board)
    finals: dict[str, np.ndarray] = {}
    results = []
    whole = availability(REFERENCE, board.rule, options, board.topology).available
    keep = (lambda engine: engine.cells()) if whole else (lambda engine: tile_windows(engine, board))
    for name in names or list(ENGINES):
        result, kept = bench_engine(name, board, steps, seconds_cap, options, report, keep)
        results.append(result)
        if kept is not None:
            finals[name] = kept
    if not whole:
        for result in results:
            if result.available:
                result.checked = "tiles"
                result.matches_reference = tiles_agree(board, result.steps, finals[result.engine])
        return results
    reference = NumpyEngine(board.rule)
    reference.load(board.cells)
    generation = 0
    for result in sorted((r for r in results if r.available), key=lambda r: r.steps):
        reference.step(result.steps - generation)
        generation = result.steps
        result.matches_reference = bool(np.array_equal(finals[result.engine], reference.cells()))
    return results
