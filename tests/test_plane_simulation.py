"""The unbounded plane in a simulation (what the TUI drives; its keys on the plane are in test_tui): edits and
saves in plane coordinates, engine swaps that hand over the live cells with their place, and the reference
following on the plane."""

import threading
from functools import partial
from pathlib import Path

import numpy as np
import pytest
from boards import TOPOLOGIES, board_on
from test_pictures import svg_squares

import lifetui.engines as engines
import lifetui.world.universe
from lifetui.engines import EngineInfo
from lifetui.engines.base import Interrupted, any_in_squares
from lifetui.engines.numpy_engine import NumpyEngine
from lifetui.patterns import load_pattern
from lifetui.rules import CONWAY, parse_rule
from lifetui.simulation import Simulation, SwapMismatch
from lifetui.simulation.checker import ReferenceChecker, placed_difference, wait_for
from lifetui.world.board import board_for
from lifetui.world.topology import PLANE, Topology
from lifetui.world.universe import Outgrown, create_universe, live_box


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


@pytest.mark.parametrize("engine", ["numpy", "c"])
@pytest.mark.parametrize("side", ["above", "below", "left", "right"])
def test_a_cell_drawn_one_past_a_grid_engines_board_on_the_plane_lands_there(engine, side):
    # A grid engine holds the plane as a board round the live cells: a cell drawn one past its edge (in range
    # along the other axis) must lay the board again, not wrap round it to the far edge.
    plane = create_universe(engine, CONWAY, PLANE)
    plane.load_pattern(load_pattern("r-pentomino"))
    before = live_set(*plane.live_cells())
    (top, left), (rows, columns) = plane._origin, plane._shape  # the board the engine steps now
    place = {"above": (top - 1, left + 3), "below": (top + rows, left + 3),
             "left": (top + 3, left - 1), "right": (top + 3, left + columns)}[side]  # fmt: skip
    plane.set_cells(np.array([place]), 1)
    assert live_set(*plane.live_cells()) == before | {place}


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
    # As a picture: its live box fitted, 200,005 cells at 1:256, a glider's square at each corner.
    squares = svg_squares(text(tmp_path / "saved.svg", "far", "").decode())[0]
    assert squares.shape == (782, 782) and squares[0, 0] and squares[-1, -1] and squares.sum() <= 8


def grid_engines(rule=CONWAY, topology=PLANE):
    from lifetui.engines import availability

    names = ("numpy", "c", "bitsliced", "jax", "xla")
    return [name for name in names if availability(name, rule, topology=topology).available]


#: Every dead cell with one live neighbour is born, and nothing dies: a single cell grows a cell a generation
#: each way, as fast as anything can, so a step past the board's clearance reaches round its torus at once.
LIGHT_SPEED = parse_rule("B1/S012345678").rule


@pytest.mark.parametrize("where", ["plane", "T0,40"])
@pytest.mark.parametrize("engine", grid_engines(LIGHT_SPEED))
def test_a_grid_engine_never_steps_past_the_clearance_of_its_live_cells(engine, where):
    topology = PLANE if where == "plane" else Topology.grid(parse_rule(f"B3/S23:{where}").bounded)
    universe = create_universe(engine, LIGHT_SPEED, topology)
    universe.load(np.ones((1, 1), dtype=np.uint8), 0, 0)
    universe.step(150)  # one call: the universe splits it as the growing board allows
    # The same on a torus too large to reach round in 150 generations (rows round the tube as the tube does).
    rows = 320 if where == "plane" else topology.rows.size
    reference = create_universe("numpy", LIGHT_SPEED, Topology.torus(rows, 320))
    top = -(rows // 2) if where == "plane" else topology.rows.start
    reference.load(np.ones((1, 1), dtype=np.uint8), -top, 160)
    reference.step(150)
    expected = {(row + top, column - 160) for row, column in np.argwhere(reference.window(0, 0, rows, 320))}
    assert live_set(*universe.live_cells()) == expected


class KeyAtGeneration100(NumpyEngine):
    """Counts every generation it makes (across boards laid again); at the 100th a key is pressed, which it
    sees before the next generation, as the C engines do."""

    stepped = 0
    press = staticmethod(lambda: None)

    def step(self, generations=1):
        for done in range(generations):
            if KeyAtGeneration100.stepped == 100:
                KeyAtGeneration100.press()
                KeyAtGeneration100.press = staticmethod(lambda: None)  # once
            if self.interrupted():
                raise Interrupted(done)
            super().step(1)
            KeyAtGeneration100.stepped += 1


@pytest.mark.parametrize("where", TOPOLOGIES)
def test_a_call_cut_short_by_a_key_counts_the_generations_the_board_went(where, monkeypatch):
    monkeypatch.setitem(engines.ENGINES, "c", EngineInfo("c", "test double", KeyAtGeneration100))
    board = board_on(where)
    simulation = Simulation(board, "c")
    monkeypatch.setattr(KeyAtGeneration100, "stepped", 0)
    monkeypatch.setattr(KeyAtGeneration100, "press", simulation.interrupt)
    assert simulation.step(250) == 100 and simulation.generation == 100
    for generations in (100, 150):
        reference = create_universe("numpy", CONWAY, board.topology)
        reference.load_pattern(board.pattern)
        reference.step(generations)
        snapshot = simulation.snapshot()
        assert simulation.box == reference.extent()
        assert reference.holds(snapshot.cells, *snapshot.region[:2])
        simulation.resume()
        simulation.step(50)


def dead_beyond_step(cells: np.ndarray) -> np.ndarray:
    """One generation of Life on a grid with nothing beyond its edges (Golly's :P), counted here by hand."""
    padded = np.pad(cells, 1)
    height, width = cells.shape
    neighbours = sum(padded[1 + dy : 1 + dy + height, 1 + dx : 1 + dx + width]
                     for dy in (-1, 0, 1) for dx in (-1, 0, 1) if dy or dx)  # fmt: skip
    return ((neighbours == 3) | ((cells == 1) & (neighbours == 2))).astype(np.uint8)


#: The glider turned to fly to each corner, each side of it leading: (rows, columns) reversed or not, and
#: transposed or not.
WAYS = (("down-right", 1, 1), ("down-left", 1, -1), ("up-right", -1, 1), ("up-left", -1, -1))
HEADINGS = {f"{way}{', turned' if turned else ''}": (rows, columns, turned)
            for way, rows, columns in WAYS for turned in (False, True)}  # fmt: skip


@pytest.mark.parametrize("heading", HEADINGS)
@pytest.mark.parametrize("engine", [name for name in grid_engines() if name != "jax"])  # jax: a call a generation
def test_a_glider_meets_the_edges_of_a_bounded_grid_as_golly_has_it(engine, heading):
    topology = Topology.grid(parse_rule("B3/S23:P16,16").bounded)
    rows, columns, turned = HEADINGS[heading]
    cells = load_pattern("glider").to_array()[::rows, ::columns]
    cells = cells.T if turned else cells
    universe = create_universe(engine, CONWAY, topology)
    universe.load(cells, -1, -1)
    grid = np.zeros((16, 16), dtype=np.uint8)
    grid[7:10, 7:10] = cells
    for _ in range(50):
        universe.step(1)
        grid = dead_beyond_step(grid)
        assert np.array_equal(universe.window(-8, -8, 16, 16), grid)
    assert universe.population() == int(grid.sum())


@pytest.mark.parametrize("where", ["T64,64", "P40,40", "T0,40"])
def test_cells_drawn_one_past_an_edge_go_round_a_torus_and_off_a_bounded_grid(where):
    simulation = Simulation(board_on(where), "numpy")
    population = simulation.snapshot().population
    past, first_and_last = [], []  # one past each edge of the fixed axes, and where round a wrap they land
    for index, axis in enumerate(simulation.topology.axes):
        if axis.kind == "free":
            continue
        across = 5 + 2 * index  # a place along the other axis, away from the pattern
        before, after = axis.start - 1, axis.start + axis.size
        past += [(before, across), (after, across + 1)] if index == 0 else [(across, before), (across + 1, after)]
        if axis.kind == "wrap":
            last, first = axis.start + axis.size - 1, axis.start
            landed = [(last, across), (first, across + 1)] if index == 0 else [(across, last), (across + 1, first)]
            first_and_last += landed
    simulation.draw(past, 1)
    snapshot = simulation.snapshot()
    live = live_set(snapshot.cells, *snapshot.region[:2])
    assert set(first_and_last) <= live and not live & set(past)
    assert snapshot.population == population + len(first_and_last)


class MovesACell(NumpyEngine):
    """Takes a board over with one live cell moved inside the live box: the same population, the same box."""

    def load(self, cells):
        cells = np.array(cells, dtype=np.uint8)
        box = live_box(cells)
        if box is not None and box[2] > 2 and box[3] > 2:
            inner = cells[box[0] + 1 : box[0] + box[2] - 1, box[1] + 1 : box[1] + box[3] - 1]
            live, dead = np.argwhere(inner), np.argwhere(inner == 0)
            if len(live) and len(dead):
                inner[tuple(live[0])], inner[tuple(dead[0])] = 0, 1
        super().load(cells)


@pytest.mark.parametrize("where", TOPOLOGIES)
def test_a_swap_that_moves_a_cell_is_refused_on_every_topology(where, monkeypatch):
    monkeypatch.setitem(engines.ENGINES, "jax", EngineInfo("jax", "test double", MovesACell))
    simulation = Simulation(board_on(where), "numpy")
    simulation.step(7)
    before = simulation.snapshot()
    with pytest.raises(SwapMismatch, match="staying on numpy"):
        simulation.swap("jax")
    assert simulation.engine_name == "numpy" and simulation.epoch == before.epoch
    assert np.array_equal(simulation.snapshot().cells, before.cells)


@pytest.mark.parametrize("where", TOPOLOGIES)
def test_swaps_between_the_packed_engines_keep_the_board_on_every_topology(where):
    board = board_on(where)
    simulation = Simulation(board, "numpy")
    done = 0
    for engine in ("c", "bitsliced", "c", "numpy"):
        simulation.swap(engine)
        simulation.step(9)
        done += 9
        reference = create_universe("numpy", CONWAY, board.topology)
        reference.load_pattern(board.pattern)
        reference.step(done)
        snapshot = simulation.snapshot()
        assert simulation.box == reference.extent() and reference.holds(snapshot.cells, *snapshot.region[:2])


@pytest.mark.parametrize("engine", ["numpy", "c", "hashlife"])
def test_the_extent_of_a_few_cells_drawn_anywhere_is_their_box(engine):
    # hashlife finds each edge of the live cells from its quadtree, its children in pairs along the axis:
    # a cell in any one quadrant alone, at any level, must bound the box.
    rng = np.random.default_rng(3)
    for _ in range(60):
        places = rng.integers(-200, 200, size=(int(rng.integers(1, 4)), 2))
        plane = create_universe(engine, CONWAY, PLANE)
        plane.load(np.zeros((1, 1), dtype=np.uint8))
        plane.set_cells(places, 1)
        (top, left), (bottom, right) = places.min(axis=0), places.max(axis=0)
        assert plane.extent() == (top, left, bottom - top + 1, right - left + 1), places.tolist()


def test_a_tree_too_large_for_rle_is_refused_in_the_name_of_the_file_asked_for(tmp_path, monkeypatch):
    """Once "<mc>: 119,375,031 live cells, ...": the label of the engine's own macrocell text, read back."""
    import lifetui.patterns.macrocell as macrocell

    monkeypatch.setattr(lifetui.world.universe, "MAX_READ_CELLS", 4)
    monkeypatch.setattr(macrocell, "MAX_POPULATION", 2)
    simulation = Simulation(board_for(load_pattern("glider"), plane=True), "hashlife")
    generation, text = simulation.capture()
    with pytest.raises(lifetui.errors.LifeError) as refused:
        text(tmp_path / "x.rle", "", "")
    assert str(refused.value).startswith(f"{tmp_path / 'x.rle'}: 5 live cells, more than lifetui lays out")
    with pytest.raises(lifetui.errors.LifeError, match=r"^x\.rle: 5 live cells"):
        simulation.file_text(Path("x.rle"))
