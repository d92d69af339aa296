"""Boards too large for the numpy reference to hold whole (12 bytes a cell) but not for the board and a packed
engine (3): the c engines run them, the bench checks tiles, the TUI starts on an engine that fits. Here a
machine of 8 MB is pretended, so a 1024 x 1024 board (12.6 MB for numpy, 3.1 MB at 3 bytes) is such a board."""

import numpy as np
import pytest

import lifetui.memory as board_module
from lifetui.bench.measure import TILE, run_bench, tile_corners
from lifetui.engines import availability
from lifetui.patterns import load_pattern
from lifetui.rules import CONWAY
from lifetui.world.board import Board, torus_board


@pytest.fixture
def small_machine(monkeypatch):
    monkeypatch.setattr(board_module, "physical_memory", lambda: 8 << 20)


def soup_board():
    return Board.of_cells(CONWAY, (np.random.default_rng(3).random((1024, 1024)) < 0.3).astype(np.uint8))


def test_a_board_too_large_for_the_reference_is_accepted_and_numpy_says_why_it_cannot_run_it(small_machine):
    board = soup_board()  # accepted: 3 bytes a cell fit
    status = availability("numpy", CONWAY, topology=board.topology)
    assert not status.available and "on the numpy engine" in status.reason and "c and bitsliced" in status.reason
    assert availability("c", CONWAY, topology=board.topology).available
    with pytest.raises(Exception, match="to simulate"):
        torus_board(load_pattern("acorn"), (4096, 4096))  # 48 MB even at 3 bytes a cell


def test_the_bench_checks_tiles_when_the_reference_cannot_hold_the_board(small_machine):
    board = soup_board()
    results = {result.engine: result for result in run_bench(board, ["numpy", "c", "bitsliced"], steps=20)}
    assert not results["numpy"].available
    for name in ("c", "bitsliced"):
        assert results[name].matches_reference is True and results[name].checked == "tiles"


def test_a_tile_check_catches_a_wrong_cell(small_machine, monkeypatch):
    from lifetui.engines.c_engines import BitslicedEngine

    board = soup_board()
    top, left = tile_corners(board)[2]
    real = BitslicedEngine.step

    def wrong(self, generations=1):
        real(self, generations)
        cell = np.array([[top + TILE // 2, left + TILE // 3]])
        self.set_cells(cell, 1 - int(self.window(top + TILE // 2, left + TILE // 3, 1, 1)[0, 0]))

    monkeypatch.setattr(BitslicedEngine, "step", wrong)
    result = run_bench(board, ["bitsliced"], steps=10)[0]
    assert result.checked == "tiles" and result.matches_reference is False


def test_a_long_run_on_a_board_the_reference_cannot_hold_checks_the_tiles_last_generations(small_machine, monkeypatch):
    import lifetui.bench.measure as bench
    from lifetui.engines.c_engines import BitslicedEngine

    monkeypatch.setattr(bench, "CHECK_CELL_UPDATES", 10**8)  # 4 tiles and their light cone: about 100 generations
    board = soup_board()
    start = bench.plan_check(board, 400, whole=False).start
    assert 250 < start < 350
    results = {result.engine: result for result in run_bench(board, ["c", "bitsliced"], steps=400)}
    assert results["c"].checked == f"tiles from generation {start:,}" and results["c"].checked_from == start
    assert results["c"].matches_reference is True
    top, left = tile_corners(board)[1]  # the tile across the wrap
    real = BitslicedEngine.step

    def wrong(self, generations=1):
        real(self, generations)
        cell = np.array([[(top + 5) % 1024, (left + 5) % 1024]])
        self.set_cells(cell, 1 - int(self.window(*cell[0], 1, 1)[0, 0]))

    monkeypatch.setattr(BitslicedEngine, "step", wrong)
    result = run_bench(board, ["bitsliced"], steps=400)[0]
    assert result.checked == f"tiles from generation {start:,}" and result.matches_reference is False


def test_the_tui_starts_on_an_engine_that_can_hold_the_board(small_machine):
    from lifetui.engines import EngineOptions, availability
    from lifetui.simulation import fastest_engine

    notes: list[str] = []
    board = soup_board()
    assert not availability("numpy", CONWAY, topology=board.topology).available
    assert fastest_engine(board, EngineOptions(), notes) == "c" and "running on c" in notes[0]


def test_run_without_an_engine_takes_one_that_can_hold_the_board(small_machine, lifetui):
    import json

    result = lifetui("run", "acorn", "--size", "1024x1024", "--steps", "5", "--json")
    assert result.code == 0, result.err
    assert json.loads(result.out)["engine"] == "c"
    asked = lifetui("run", "acorn", "--size", "1024x1024", "--steps", "5", "--engine", "numpy")
    assert asked.code == 1 and "on the numpy engine" in asked.err  # asked for by name: refused, with the reason
