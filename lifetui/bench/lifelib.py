"""python-lifelib's HashLife beside our engines in `--bench --plane`, when it is installed (it is not a
dependency: `pip install python-lifelib` to compare with it)."""

from __future__ import annotations

import time
from pathlib import Path

from lifetui.bench.measure import EngineResult
from lifetui.patterns import bundled_patterns
from lifetui.world.board import Board

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
