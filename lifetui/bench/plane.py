"""`--bench` on the unbounded plane: each engine advances the pattern from where its file puts it, timed, and
agrees when its population and live box equal the reference's (numpy's when it was measured to the same
generation, else the first engine's); python-lifelib's HashLife beside them when it is installed (it is not a
dependency: `pip install python-lifelib` to compare with it)."""

from __future__ import annotations

import time
from pathlib import Path

from lifetui.bench.measure import EngineResult
from lifetui.engines import REFERENCE, EngineOptions
from lifetui.errors import LifeError
from lifetui.patterns import bundled_patterns
from lifetui.world.board import Board
from lifetui.world.universe import create_universe

#: Generations when --steps is not given: HashLife's territory.
DEFAULT_PLANE_STEPS = 1 << 20
LIFELIB = "python-lifelib"


def lifelib_result(pattern_path: str, board: Board, steps: int) -> EngineResult:
    """python-lifelib's time for the same pattern and steps, or why it did not run."""
    try:
        import lifelib
    except ImportError:
        return EngineResult(LIFELIB, False, "not installed (pip install python-lifelib)")
    if not board.rule.is_totalistic:
        return EngineResult(LIFELIB, False, "compared on totalistic rules only")
    path = Path(pattern_path) if Path(pattern_path).is_file() else bundled_patterns().get(pattern_path)
    if path is None:
        return EngineResult(LIFELIB, False, "it reads pattern files only")
    try:
        session = lifelib.load_rules(str(board.rule).lower().replace("/", ""))  # first use compiles C++ (a minute)
        loaded = session.lifetree(memory=4000).load(str(path))
        started = time.perf_counter()
        population = int(loaded.advance(steps).population)
        seconds = time.perf_counter() - started
    except Exception as err:  # noqa: BLE001 - a third party's failure is reported, never fatal
        return EngineResult(LIFELIB, False, f"failed: {str(err)[:80]}")
    return EngineResult(LIFELIB, True, steps=steps, seconds=seconds, population=population, checked="population")


def plane_bench(
    pattern_path: str, board: Board, engines: list[str], steps: int, options: EngineOptions
) -> list[EngineResult]:
    """Each engine from the pattern to `steps` generations on the plane, timed, then compared."""
    results = []
    for name in engines or ["hashlife"]:
        try:
            universe = create_universe(name, board.rule, board.topology, options)
            universe.load_pattern(board.pattern)
            started = time.perf_counter()
            universe.step(steps)
            seconds = time.perf_counter() - started
        except LifeError as err:
            results.append(EngineResult(name, False, str(err)))
            continue
        result = EngineResult(
            name, True, steps=steps, seconds=round(seconds, 6), cell_updates_per_s=None,
            population=universe.population(), describe=universe.describe()[1], inexact=universe.inexact,
            extent=universe.extent(),
        )  # fmt: skip
        universe.close()
        results.append(result)
    results.append(lifelib_result(pattern_path, board, steps))
    measured = [result for result in results if result.available]
    if not measured:
        return results
    reference = next((result for result in measured if result.engine == REFERENCE), measured[0])
    for result in measured:
        result.gens_per_s = round(steps / result.seconds, 2) if result.seconds else 0.0  # too quick: no figure
        same_box = result.engine == LIFELIB or result.extent == reference.extent  # lifelib gives no box here
        result.matches_reference = result.population == reference.population and same_box
        result.checked = f"against {reference.engine}" if result is not reference else "the reference"
    return results
