"""The unbounded plane in a simulation (what the TUI drives; its keys on the plane are in test_tui): edits and
saves in plane coordinates, engine swaps that hand over the live cells with their place, and the reference
following on the plane."""

import threading
from functools import partial

import numpy as np
import pytest

import lifetui.world.universe
from lifetui.engines.base import any_in_squares
from lifetui.patterns import load_pattern
from lifetui.rules import CONWAY
from lifetui.simulation import Simulation
from lifetui.simulation.checker import ReferenceChecker, placed_difference, wait_for
from lifetui.world.board import board_for
from lifetui.world.topology import PLANE
from lifetui.world.universe import Outgrown, create_universe


def reference_after(pattern_name: str, generations: int, engine: str = "numpy") -> tuple[np.ndarray, int, int]:
    """The plane's live cells after `generations`, by numpy following the pattern (test_plane checks it, and
    hashlife's plane against it)."""
    plane = create_universe(engine, CONWAY, PLANE)
    plane.load_pattern(load_pattern(pattern_name))
    plane.step(generations)
    top, left, height, width = plane.extent()
    return plane.window(top, left, height, width), top, left


def live_set(cells: np.ndarray, top: int, left: int) -> set[tuple[int, int]]:
    return {(int(y) + top, int(x) + left) for y, x in np.argwhere(cells)}


@pytest.mark.parametrize("engine", ["numpy", "c", "hashlife"])
def test_cells_drawn_anywhere_on_the_plane_are_there_and_blocks_match_the_cells(engine):
    plane = create_universe(engine, CONWAY, PLANE)
    plane.load(np.zeros((1, 1), dtype=np.uint8))
    places = np.random.default_rng(1).integers(-300, 300, size=(200, 2))
    plane.set_cells(places, 1)
    plane.set_cells(np.array([[5000, -7000]]), 1)  # far beyond a grid engine's board: it is laid again
    plane.set_cells(places[:50], 0)
    assert live_set(*plane.live_cells()) == set(map(tuple, places[50:].tolist())) | {(5000, -7000)}
    for block in (1, 2, 8, 64, 1024):
        window = plane.window(-333, -7100, 6000, 8000)
        assert np.array_equal(plane.blocks(-333, -7100, 6000, 8000, block), any_in_squares(window, block))


def test_simulation_on_the_plane_swaps_engines_with_the_cells_in_place():
    simulation = Simulation(board_for(load_pattern("r-pentomino"), plane=True))
    assert not simulation.torus and simulation.topology == PLANE
    done = 0
    for engine, generations in (("c", 300), ("hashlife", 400), ("bitsliced", 100), ("numpy", 50)):
        simulation.swap(engine)
        simulation.step(generations)
        done += generations
        cells, top, left = reference_after("r-pentomino", done)
        assert simulation.box == (top, left, *cells.shape)
        snapshot = simulation.snapshot()
        assert not snapshot.torus and snapshot.region == simulation.box and snapshot.engine == engine
        assert np.array_equal(snapshot.cells, cells)
        assert snapshot.population == int(cells.sum())


def test_edits_on_the_plane_undo_and_redo_across_a_new_board_under_them():
    simulation = Simulation(board_for(load_pattern("glider"), plane=True), "c")
    before = simulation.snapshot()
    simulation.draw([(-2500, 4000)], 1)  # (row, column): far off the c engine's board, which is laid again round both
    assert simulation.box == (-2500, -1, 2500 + 2, 4000 + 2)
    assert simulation.snapshot((-2500, 4000, 1, 1)).cells[0, 0] == 1
    simulation.step(3)
    assert simulation.undo() and simulation.generation == 0
    assert simulation.box == before.region and np.array_equal(simulation.snapshot().cells, before.cells)
    assert simulation.redo() and simulation.generation == 3
    assert simulation.snapshot().population == 5  # the lone cell died; the glider goes on


def test_a_grid_engine_that_outgrows_memory_stops_at_the_generation_it_reached(monkeypatch):
    # This machine, as far as the plane knows, holds boards up to 400 cells a side.
    shortfall = lifetui.world.universe.memory_shortfall
    monkeypatch.setattr(lifetui.world.universe, "memory_shortfall",
                        lambda width, height, *rest: "x; too large here" if max(width, height) > 400
                        else shortfall(width, height, *rest))  # fmt: skip
    simulation = Simulation(board_for(load_pattern("gosper-glider-gun"), plane=True), "c")
    with pytest.raises(Outgrown, match="engine hashlife"):
        simulation.step(5000)
    reached = simulation.generation
    assert 0 < reached < 5000
    cells, top, left = reference_after("gosper-glider-gun", reached, "hashlife")  # numpy is held to 400 too
    assert simulation.box == (top, left, *cells.shape)
    simulation.swap("hashlife")  # losing nothing
    simulation.step(5000 - reached)
    cells, top, left = reference_after("gosper-glider-gun", 5000, "hashlife")
    assert np.array_equal(simulation.snapshot().cells, cells) and simulation.box[:2] == (top, left)


def test_saving_the_plane_writes_the_live_box_where_it_is(tmp_path):
    simulation = Simulation(board_for(load_pattern("glider"), plane=True), "hashlife")
    simulation.step(400)
    generation, text = simulation.capture()
    path = tmp_path / "far.rle"
    path.write_text(text(path, "Glider", "Guy"))
    saved = load_pattern(str(path))
    assert saved.generation == 400 and saved.plane_origin() == simulation.box[:2] == (99, 99)
    assert "#CXRLE Pos=99,99 Gen=400" in path.read_text() and ":T" not in path.read_text()
    assert np.array_equal(saved.to_array(), simulation.snapshot().cells)


def test_a_pattern_too_large_to_read_out_saves_from_its_tree_and_as_macrocell_when_its_runs_are_too_many(
    tmp_path, monkeypatch
):
    import lifetui.patterns.macrocell as macrocell
    from lifetui.patterns import read_rle

    monkeypatch.setattr(lifetui.world.universe, "MAX_READ_CELLS", 4)  # no board of its cells
    simulation = Simulation(board_for(load_pattern("glider"), plane=True), "hashlife")
    generation, text = simulation.capture()
    saved = read_rle(text(tmp_path / "x.rle", "", ""))  # from the tree's runs
    assert saved.cells() == load_pattern("glider").cells() and saved.plane_origin() == simulation.box[:2]
    monkeypatch.setattr(macrocell, "MAX_RUNS", 2)  # too many runs to list: macrocell only
    with pytest.raises(lifetui.errors.LifeError, match=r"write it as macrocell"):
        text(tmp_path / "x.rle", "", "")
    assert text(tmp_path / "x.mc", "", "").startswith("[M2]")


def test_the_plane_checker_follows_catches_a_difference_and_checks_windows():
    simulation = Simulation(board_for(load_pattern("acorn"), plane=True), "c")
    checker = ReferenceChecker(CONWAY, PLANE)
    start = simulation.snapshot()
    checker.baseline(start.cells, start.generation, start.shape, start.region[:2])
    simulation.step(100)
    now = simulation.snapshot()
    assert checker.check(now.cells, 100, origin=now.region[:2]).agrees
    # A window of the live cells and 50 round them: the whole plane, so following starts again from it.
    begin, end = simulation.open_span(50, None, 50)
    stepper = threading.Thread(target=lambda: simulation.step(80))
    stepper.start()
    verdict = checker.check_span(begin, partial(wait_for, end, lambda: False), 50)
    stepper.join()
    assert verdict.agrees and verdict.sampled and not verdict.sampled.tile and verdict.since == 150
    # One cell wrong, 3 cells from where it should be: named in plane coordinates.
    wrong = simulation.snapshot()
    cells = wrong.cells.copy()
    cells[0, 0] ^= 1
    verdict = checker.check(cells, wrong.generation, origin=wrong.region[:2])
    assert not verdict.agrees and verdict.differing.tolist() == [list(wrong.region[:2])]


def test_plane_difference_compares_boxes_at_different_places():
    one = (np.array([[1, 1]], dtype=np.uint8), -5, 7)
    other = (np.array([[1], [1]], dtype=np.uint8), -5, 7)
    assert sorted(placed_difference(one, other).tolist()) == [[-5, 8], [-4, 7]]
    assert len(placed_difference(one, one)) == 0
    assert placed_difference((np.zeros((0, 0), np.uint8), 0, 0), one).tolist() == [[-5, 7], [-5, 8]]


def test_plane_board_refuses_a_torus_request():
    pattern = load_pattern("glider")
    assert board_for(pattern, plane=True).topology == PLANE
    with pytest.raises(lifetui.errors.UsageError, match="leave out --size"):
        board_for(pattern, (64, 64), None, plane=True)


def test_saving_a_wide_sparse_pattern_writes_rle_from_its_runs(tmp_path):
    from lifetui.patterns import read_rle

    source = tmp_path / "far.rle"
    source.write_text("x = 200003, y = 200003, rule = B3/S23\nbo$2bo$3o199998$200001bo$200002bo$200000b3o!\n")
    simulation = Simulation(board_for(load_pattern(str(source)), plane=True), "hashlife")
    simulation.step(4)
    generation, text = simulation.capture()
    saved = read_rle(text(tmp_path / "saved.rle", "far", ""))
    assert (generation, saved.generation, saved.population) == (4, 4, 10)
    assert saved.plane_origin() == simulation.box[:2] and (saved.height, saved.width) == simulation.box[2:]
    assert text(tmp_path / "saved.mc", "far", "").startswith("[M2]")
