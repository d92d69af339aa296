"""Headless runs (lifetui.simulation.runner): progress on a terminal, and running until the board repeats."""

import numpy as np
import pytest

import lifetui.simulation.runner as runner
from lifetui.engines.numpy_engine import NumpyEngine
from lifetui.patterns import load_pattern
from lifetui.rules import CONWAY
from lifetui.simulation import Simulation
from lifetui.world.board import Board, board_for


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
    simulation, reference = Simulation(Board.of_cells(CONWAY, cells), "numpy"), NumpyEngine(CONWAY)
    reference.load(cells)
    heard = []
    with runner.progress_bar(300, show=True) as advanced:
        runner.advance(simulation, 300, lambda done: heard.append(done) or advanced(done))
    reference.step(300)
    assert np.array_equal(simulation.live_cells()[0], reference.cells()) and len(bars) == 1
    assert heard == sorted(heard) and heard[-1] == 300 and len(heard) < 300  # in batches, each said
    with runner.progress_bar(300, show=False) as advanced:
        runner.advance(simulation, 300, advanced)
    assert len(bars) == 1 and simulation.generation == 600  # --json, or no terminal: never a bar


def test_until_stable_stops_at_the_repeat_and_says_each_generation_on_the_way():
    heard = []
    found = runner.until_stable(Simulation(board_for(load_pattern("r-pentomino"), plane=True), "c"), 1200, heard.append)
    assert found.behaviour is None and found.generations == 1200 and heard == list(range(1, 1201))
    assert found.describe() == found.why_not == "no repeat within 1,200 generations"  # still settling at 1,200
    found = runner.until_stable(Simulation(board_for(load_pattern("glider"), plane=True), "numpy"), 100)
    assert (found.generations, found.behaviour.kind, found.behaviour.period) == (4, "spaceship", 4)


def test_until_stable_stops_when_the_live_area_outgrows_what_it_compares(monkeypatch):
    monkeypatch.setattr(runner, "UNTIL_STABLE_CELLS", 200 * 200)
    # acorn's gliders fly off: the whole plane never repeats
    simulation = Simulation(board_for(load_pattern("acorn"), plane=True), "hashlife")
    found = runner.until_stable(simulation, 10**6)
    height, width = simulation.shape
    assert found.behaviour is None and found.generations < 10**6 and height * width > 200 * 200
    assert found.why_not.startswith(f"no repeat by generation {found.generations:,}: the live area outgrew 40,000")
