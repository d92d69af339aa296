"""Headless runs (lifetui.simulation.runner): progress on a terminal, and running until the board repeats."""

import numpy as np
import pytest

import lifetui.simulation.runner as runner
from lifetui.engines.numpy_engine import NumpyEngine
from lifetui.patterns import load_pattern
from lifetui.rules import CONWAY
from lifetui.world.board import board_for
from lifetui.world.universe import ArrayUniverse, create_universe


@pytest.fixture
def bars(monkeypatch):
    """Every progress bar started, drawn from the first generation on."""
    started = []
    real = __import__("rich.progress", fromlist=["Progress"]).Progress.start
    monkeypatch.setattr("rich.progress.Progress.start", lambda self: started.append(self) or real(self))
    monkeypatch.setattr(runner, "PROGRESS_AFTER_SECONDS", 0.0)
    return started


def test_a_long_run_shows_its_progress_and_ends_on_the_right_board(bars):
    cells = (np.random.default_rng(2).random((40, 40)) < 0.4).astype(np.uint8)
    board = board_for(load_pattern("glider"), (40, 40))
    universe, reference = ArrayUniverse(NumpyEngine(CONWAY), board.topology), NumpyEngine(CONWAY)
    universe.load(cells)
    reference.load(cells)
    runner.step_with_progress(universe, 300, show=True)
    reference.step(300)
    assert np.array_equal(universe.live_cells()[0], reference.cells()) and len(bars) == 1
    runner.step_with_progress(universe, 300, show=False)
    assert len(bars) == 1  # --json, or no terminal: never a bar


def test_until_stable_stops_at_the_repeat_and_shows_its_progress_on_the_way(bars):
    board = board_for(load_pattern("r-pentomino"), plane=True)
    universe = create_universe("c", CONWAY, board.topology)
    universe.load_pattern(board.pattern)

    def look():
        cells, top, left = universe.live_cells()
        return cells, (top, left)

    done, behaviour, why_not = runner.step_until_stable(universe, look, 0, 1200, show=True)
    assert behaviour is None and done == 1200 and len(bars) == 1  # still settling at 1,200
    assert why_not == "no repeat within 1,200 generations"
    glider = create_universe("numpy", CONWAY, board.topology)
    glider.load_pattern(load_pattern("glider"))

    def see():
        cells, top, left = glider.live_cells()
        return cells, (top, left)

    done, behaviour, _ = runner.step_until_stable(glider, see, 0, 100, show=False)
    assert (done, behaviour.kind, behaviour.period) == (4, "spaceship", 4) and len(bars) == 1


def test_until_stable_stops_when_the_live_area_outgrows_what_it_compares(monkeypatch):
    monkeypatch.setattr(runner, "UNTIL_STABLE_CELLS", 200 * 200)
    board = board_for(load_pattern("acorn"), plane=True)  # its gliders fly off: the whole plane never repeats
    universe = create_universe("hashlife", CONWAY, board.topology)
    universe.load_pattern(board.pattern)

    def look():
        cells, top, left = universe.live_cells()
        return cells, (top, left)

    done, behaviour, why_not = runner.step_until_stable(universe, look, 0, 10**6)
    box = universe.extent()
    assert behaviour is None and done < 10**6 and box[2] * box[3] > 200 * 200
    assert why_not.startswith(f"no repeat by generation {done:,}: the live area outgrew 40,000 cells")
