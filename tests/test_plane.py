"""The unbounded plane: hashlife's growing quadtree and the grid engines' torus that follows the pattern,
each against numpy on a torus large enough that nothing reaches its edge (there the two agree)."""

import json

import numpy as np
import pytest

from lifetui.engines.numpy_engine import NumpyEngine
from lifetui.errors import LifeError, UsageError
from lifetui.patterns import load_pattern, parse_pattern
from lifetui.rules import CONWAY, parse_rule
from lifetui.world.topology import PLANE, Topology
from lifetui.world.universe import Outgrown, create_universe, live_box

GLIDER = load_pattern("glider").to_array()


def far_from_any_edge(cells: np.ndarray, rule, generations: int) -> tuple[np.ndarray, int]:
    """numpy's answer on a torus with `generations` + 2 dead cells around the pattern: no cell can reach
    across it, so it is the plane's; the cells and the margin (the pattern's top-left on that torus)."""
    margin = generations + 2
    board = np.zeros((cells.shape[0] + 2 * margin, cells.shape[1] + 2 * margin), dtype=np.uint8)
    board[margin : margin + cells.shape[0], margin : margin + cells.shape[1]] = cells
    engine = NumpyEngine(rule)
    engine.load(board)
    engine.step(generations)
    return engine.cells(), margin


def plane_cells(plane, top: int, left: int, height: int, width: int) -> np.ndarray:
    return plane.window(top, left, height, width)


@pytest.mark.parametrize("engine", ["numpy", "c", "bitsliced", "hashlife", "xla"])
def test_a_soup_on_the_plane_is_numpy_far_from_any_edge(engine):
    rule = CONWAY
    soup = (np.random.default_rng(4).random((24, 30)) < 0.4).astype(np.uint8)
    generations = 200
    expected, margin = far_from_any_edge(soup, rule, generations)
    plane = create_universe(engine, rule, PLANE)
    plane.load(soup, top=-7, left=11)  # the soup's top-left cell at (-7, 11) of the plane
    plane.step(generations)
    # The torus's cell (margin, margin) is the plane's (-7, 11).
    got = plane.window(-7 - margin, 11 - margin, *expected.shape)
    assert np.array_equal(got, expected)
    assert plane.population() == int(expected.sum())
    box = live_box(expected)
    assert plane.extent() == (box[0] - 7 - margin, box[1] + 11 - margin, box[2], box[3])


@pytest.mark.parametrize("engine", ["numpy", "c", "hashlife", "xla"])
def test_a_glider_flies_on_with_no_edge_to_wrap_round(engine):
    plane = create_universe(engine, CONWAY, PLANE)
    plane.load(GLIDER, 0, 0)
    plane.step(4000)  # far past any margin a grid engine lays: it is laid again and again
    assert plane.extent() == (1000, 1000, 3, 3)
    cells, top, left = plane.live_cells()
    assert (top, left) == (1000, 1000) and np.array_equal(cells, GLIDER)


def test_hashlife_jumps_a_glider_two_to_the_forty_generations():
    plane = create_universe("hashlife", CONWAY, PLANE)
    plane.load(GLIDER, -5, 3)
    plane.step(1 << 40)
    shift = 1 << 38  # c/4 diagonally
    assert plane.extent() == (-5 + shift, 3 + shift, 3, 3)
    assert np.array_equal(plane.window(-5 + shift, 3 + shift, 3, 3), GLIDER)


def test_a_gun_grows_the_same_on_every_engine_and_hashlife_keeps_counting_far_beyond():
    gun = load_pattern("gosper-glider-gun").to_array()
    results = {}
    for engine in ("numpy", "c", "hashlife"):
        plane = create_universe(engine, CONWAY, PLANE)
        plane.load(gun, 0, 0)
        plane.step(600)
        results[engine] = plane.live_cells(), plane.population()
    (cells, top, left), population = results["numpy"]
    for engine in ("c", "hashlife"):
        (other, other_top, other_left), other_population = results[engine]
        assert (other_top, other_left, other_population) == (top, left, population)
        assert np.array_equal(other, cells)
    plane = create_universe("hashlife", CONWAY, PLANE)
    plane.load(gun, 0, 0)
    plane.step(1 << 20)
    early = plane.population()
    plane.step(30)
    # A new glider every 30 generations, none lost, however far the stream reaches: 5 cells more a period.
    assert plane.population() - early == 5
    assert 5 * ((1 << 20) // 30) <= early <= 5 * ((1 << 20) // 30) + 100


def test_a_rule_with_b0_is_refused_on_the_plane():
    with pytest.raises(UsageError, match="B0"):
        create_universe("numpy", parse_rule("B03/S23").rule, PLANE)
    with pytest.raises(UsageError, match="torus"):
        create_universe("hashlife", parse_rule("B03/S23").rule, PLANE)


def test_a_grid_engine_that_outgrows_the_machine_stops_and_offers_hashlife(monkeypatch):
    import lifetui.world.universe as plane_module

    plane = create_universe("numpy", CONWAY, PLANE)
    plane.load(GLIDER, 0, 0)
    before = plane.extent()
    monkeypatch.setattr(plane_module, "memory_shortfall", lambda *args: "a board needs 9 GB; this machine has 1 GB")
    with pytest.raises(Outgrown, match="engine hashlife"):
        plane.step(1000)
    assert plane.population() == 5 and plane.extent()[2:] == before[2:]  # the glider is still there


def test_an_empty_plane_stays_empty():
    for engine in ("numpy", "hashlife"):
        plane = create_universe(engine, CONWAY, PLANE)
        plane.load(np.zeros((4, 4), dtype=np.uint8))
        plane.step(100)
        assert plane.extent() is None and plane.population() == 0
        assert plane.live_cells()[0].shape == (0, 0)


def test_run_on_the_plane_writes_the_live_box_where_it_is(lifetui, tmp_path):
    result = lifetui("run", "glider", "--plane", "--steps", "100")
    assert result.code == 0, result.err
    lines = result.out.splitlines()
    # The glider's 3 x 3 box is centred on (0, 0), top-left (-1, -1); 100 generations move it 25 each way.
    assert lines[0] == "#CXRLE Pos=24,24 Gen=100"
    assert "x = 3, y = 3, rule = B3/S23" in lines
    out = tmp_path / "later.rle"
    assert lifetui("run", "glider", "--plane", "--steps", "100", "-o", str(out)).code == 0
    again = lifetui("run", str(out), "--plane", "--steps", "100", "--engine", "hashlife", "--json")
    summary = json.loads(again.out)
    assert (summary["top"], summary["left"], summary["generation"]) == (49, 49, 200)
    assert summary["topology"] == "plane" and summary["population"] == 5


def test_run_on_the_plane_reads_a_position_and_agrees_across_engines(lifetui, tmp_path):
    source = tmp_path / "placed.rle"
    source.write_text("#CXRLE Pos=-100,7\nx = 3, y = 3, rule = B3/S23\nbo$2bo$3o!\n")
    assert parse_pattern(source.read_bytes(), str(source)).position == (-100, 7)
    outputs = {
        engine: lifetui("run", str(source), "--plane", "--steps", "40", "--engine", engine).out
        for engine in ("numpy", "c", "hashlife")
    }
    assert outputs["numpy"].startswith("#CXRLE Pos=-90,17 Gen=40")
    assert outputs["numpy"] == outputs["c"] == outputs["hashlife"]


def test_run_on_the_plane_refuses_a_torus_and_finds_a_spaceship(lifetui):
    for extra in (["--size", "64x64"], ["--rule", "B3/S23:T64,64"]):
        result = lifetui("run", "glider", "--plane", "--steps", "4", *extra)
        assert result.code == 2 and "unbounded plane" in result.err
    result = lifetui("run", "glider", "--plane", "--until-stable", "--json")
    assert json.loads(result.out)["behaviour"] == {"kind": "spaceship", "period": 4, "since": 0, "dx": 1, "dy": 1}
    result = lifetui("run", "glider", "--until-stable", "--rule", "B3/S23:P20,20")
    assert result.code == 2 and "--until-stable" in result.err


def test_a_pattern_too_large_to_write_as_rle_says_so():
    plane = create_universe("hashlife", CONWAY, PLANE)
    plane.load(load_pattern("gosper-glider-gun").to_array(), 0, 0)
    plane.step(1 << 30)
    with pytest.raises(LifeError, match="268,435,474 x 268,435,461 cells"):
        plane.live_cells()


def test_bench_on_the_plane_times_each_engine_and_checks_they_agree(lifetui):
    engines = ("--engine", "hashlife", "--engine", "c")
    result = lifetui("glider", "--bench", "--plane", "--steps", "300", *engines, "--json")
    assert result.code == 0, result.err
    document = json.loads(result.out)
    assert document["topology"] == "plane" and document["steps"] == 300
    rows = {row["engine"]: row for row in document["engines"]}
    assert rows["hashlife"]["matches_reference"] and rows["c"]["matches_reference"]
    assert rows["hashlife"]["extent"] == rows["c"]["extent"] == [74, 74, 3, 3]
    assert rows["c"]["cell_updates_per_s"] is None and rows["c"]["checked"] == "against hashlife"
    assert "python-lifelib" in rows  # a row either way: timed, or why not
    # One shape for the torus and the plane: the same keys, the topology named.
    torus = json.loads(lifetui("glider", "--bench", "--size", "64x64", "--steps", "30", *engines, "--json").out)
    assert torus["topology"] == "T64,64" and set(torus) == set(document)
    assert set(torus["engines"][0]) == set(rows["c"])
    text = lifetui("glider", "--bench", "--plane", "--steps", "300")
    assert text.code == 0 and "on the unbounded plane" in text.out and "300 generations" in text.out
    assert "hashlife" in text.out


def test_the_published_experiment_is_a_torus_not_the_plane(lifetui):
    result = lifetui("glider", "--plane", "--seed-experiment")
    assert result.code == 2 and "512x512 torus" in result.err


def test_a_pattern_larger_than_any_torus_loads_and_runs_on_the_plane(lifetui, tmp_path):
    # Two gliders 200,000 cells apart: no torus here holds them; the plane does, in a few nodes.
    source = tmp_path / "far.rle"
    source.write_text("x = 200003, y = 3, rule = B3/S23\nbo199999bo$2bo199999bo$3o199997b3o!\n")
    refused = lifetui("run", str(source), "--steps", "4", "--size", "256x256")
    assert refused.code == 2 and "larger than the 256x256 torus" in refused.err
    # On the plane by default, and on hashlife: a grid engine's board round it would be 400,003 x 200,003.
    default = lifetui("run", str(source), "--steps", "4", "--json")
    assert json.loads(default.out)["engine"] == "hashlife"
    result = lifetui("run", str(source), "--plane", "--engine", "hashlife", "--steps", "400", "--json")
    summary = json.loads(result.out)
    assert summary["population"] == 10 and (summary["width"], summary["height"]) == (200003, 3)


def bounded_oracle(cells: np.ndarray, rule, generations: int) -> np.ndarray:
    """A bounded plane by definition: a generation on a board with room around it, then everything outside the
    grid killed; the grid is `cells`' own extent."""
    height, width = cells.shape
    board = np.zeros((height + 4, width + 4), dtype=np.uint8)
    board[2:-2, 2:-2] = cells
    engine = NumpyEngine(rule)
    for _ in range(generations):
        engine.load(board)
        engine.step(1)
        board = engine.cells()
        board[:2], board[-2:], board[:, :2], board[:, -2:] = 0, 0, 0, 0
    return board[2:-2, 2:-2]


@pytest.mark.parametrize("engine", ["numpy", "c", "xla"])
def test_a_bounded_plane_kills_whatever_would_cross_its_edge(engine):
    from lifetui.rules import BoundedGrid

    grid = BoundedGrid("P", 30, 20)
    soup = (np.random.default_rng(9).random((20, 30)) < 0.45).astype(np.uint8)
    plane = create_universe(engine, CONWAY, Topology.grid(grid))
    plane.load(soup, top=-10, left=-15)  # the grid is centred on (0, 0): rows -10..9, columns -15..14
    plane.step(60)
    expected = bounded_oracle(soup, CONWAY, 60)
    assert np.array_equal(plane.window(-10, -15, 20, 30), expected)
    assert not plane.window(-11, -16, 22, 32)[[0, -1]].any() and plane.population() == int(expected.sum())


@pytest.mark.parametrize("engine", ["numpy", "c", "xla"])
def test_a_tube_wraps_one_way_and_is_unbounded_the_other(engine):
    from lifetui.rules import BoundedGrid

    grid = BoundedGrid("T", 0, 24)  # 24 rows round, unbounded across
    soup = (np.random.default_rng(5).random((24, 20)) < 0.4).astype(np.uint8)
    generations = 150
    # numpy on a torus 24 high and wide enough that nothing reaches round it across.
    margin = generations + 2
    board = np.zeros((24, 20 + 2 * margin), dtype=np.uint8)
    board[:, margin : margin + 20] = soup
    reference = NumpyEngine(CONWAY)
    reference.load(board)
    reference.step(generations)
    plane = create_universe(engine, CONWAY, Topology.grid(grid))
    plane.load(soup, top=-12, left=0)
    plane.step(generations)
    assert np.array_equal(plane.window(-12, -margin, 24, 20 + 2 * margin), reference.cells())


def test_run_takes_a_files_tube_or_bounded_plane_and_writes_it_back(lifetui, tmp_path):
    tube = tmp_path / "tube.rle"
    tube.write_text("x = 3, y = 3, rule = B3/S23:T0,16\nbo$2bo$3o!\n")
    result = lifetui("run", str(tube), "--steps", "64")
    # A glider crosses the tube's 16 rows in 64 generations and is back on its row, 16 cells on.
    assert result.code == 0 and result.out.splitlines()[0] == "#CXRLE Pos=15,-1 Gen=64"
    assert "x = 3, y = 3, rule = B3/S23:T0,16" in result.out
    out = tmp_path / "later.rle"
    assert lifetui("run", str(tube), "--steps", "64", "-o", str(out)).code == 0
    again = json.loads(lifetui("run", str(out), "--steps", "64", "--engine", "c", "--json").out)
    assert (again["topology"], again["top"], again["left"], again["generation"]) == ("T0,16", -1, 31, 128)
    boxed = tmp_path / "boxed.rle"
    boxed.write_text("x = 3, y = 3, rule = B3/S23:P10,10\nbo$2bo$3o!\n")
    assert "rule = B3/S23:P10,10" in lifetui("run", str(boxed), "--steps", "40").out
    refused = lifetui("run", str(boxed), "--steps", "4", "--engine", "hashlife")
    assert refused.code == 2 and "not :P10,10" in refused.err
    torus = json.loads(lifetui("run", str(boxed), "--steps", "4", "--size", "16x16", "--json").out)
    assert (torus["width"], torus["height"]) == (16, 16)  # --size asks for a torus, as always
    big = tmp_path / "big.rle"
    big.write_text("x = 3, y = 3, rule = B3/S23:P4,4\n3o$3o$3o!\n")
    assert lifetui("run", str(big), "--steps", "1").code == 0
    too_big = tmp_path / "too-big.rle"
    too_big.write_text("x = 5, y = 1, rule = B3/S23:P4,4\n5o!\n")
    result = lifetui("run", str(too_big), "--steps", "1")
    assert result.code == 2 and "the grid has 4" in result.err


def test_hashlife_writes_a_plane_of_any_size_as_macrocell_from_its_quadtree(lifetui, tmp_path):
    out = tmp_path / "gun.mc"
    # 2^30 generations of a Gosper gun: 268 million cells a side, 179 million live, as macrocell.
    result = lifetui(
        "run", "gosper-glider-gun", "--plane", "--engine", "hashlife", "--steps", str(1 << 30), "-o", str(out)
    )
    assert result.code == 0, result.err
    text = out.read_text()
    assert text.startswith("[M2] (lifetui)\n#R B3/S23\n#G 1073741824\n") and len(text.splitlines()) < 2000
    later = json.loads(lifetui("run", str(out), "--plane", "--engine", "hashlife", "--steps", "30", "--json").out)
    # Read back from the quadtree: the same gun and stream, one glider more 30 generations on.
    assert later["population"] == 178_957_021 + 5 and later["generation"] == (1 << 30) + 30
    small = tmp_path / "glider.mc"
    assert lifetui("run", "glider", "--plane", "--engine", "hashlife", "--steps", "8", "-o", str(small)).code == 0
    assert load_pattern(str(small)).cells() == load_pattern("glider").cells()  # a glider is a glider again


def test_an_empty_plane_writes_and_reads_back_as_macrocell(lifetui, tmp_path):
    one = tmp_path / "one.rle"
    one.write_text("x = 1, y = 1\no!\n")  # a lone cell dies at once
    out = tmp_path / "out.mc"
    for engine in ("numpy", "hashlife"):
        assert lifetui("run", str(one), "--plane", "--engine", engine, "--steps", "1", "-o", str(out)).code == 0
        assert load_pattern(str(out)).population == 0


def test_a_bounded_plane_under_b0_comes_alive_from_nothing():
    from lifetui.rules import BoundedGrid

    rule = parse_rule("B0/S").rule  # every dead cell with no live neighbour is born; nothing survives
    plane = create_universe("numpy", rule, Topology.grid(BoundedGrid("P", 5, 4)))
    plane.load(np.zeros((1, 1), dtype=np.uint8), -2, -2)
    plane.step(1)
    assert plane.population() == 20 and plane.extent() == (-2, -2, 4, 5)
    plane.step(1)
    assert plane.population() == 0


def test_rle_with_cells_a_billion_apart_reads_back():
    # What the writer makes of two cells 1,050,000,000 apart on the plane (a 10-digit run count).
    text = "#CXRLE Pos=0,0\nx = 1050000001, y = 1, rule = B3/S23\no1049999999bo!\n"
    pattern = parse_pattern(text.encode(), "far.rle")
    assert pattern.population == 2 and pattern.width == 1_050_000_001
    plane = create_universe("hashlife", CONWAY, PLANE)
    plane.load_pattern(pattern)
    assert plane.extent() == (0, 0, 1, 1_050_000_001)


def test_hashlife_narrows_its_root_to_a_pattern_that_travels_far():
    plane = create_universe("hashlife", CONWAY, PLANE)
    plane.load(GLIDER, 0, 0)
    for _ in range(1000):  # 2^60 generations in all: the glider ends 2^58 cells away, the root stays small
        plane.step(1 << 50)
    assert plane.extent() == (1000 << 48, 1000 << 48, 3, 3)
    plane.step(1 << 59)  # one call longer than a step can be on the plane: taken in steps of 2^57
    assert plane.extent() == ((1000 << 48) + (1 << 57), (1000 << 48) + (1 << 57), 3, 3)


def test_a_grid_engine_that_outgrows_the_machine_says_how_far_it_got(monkeypatch):
    import lifetui.world.universe as plane_module

    plane = create_universe("numpy", CONWAY, PLANE)
    plane.load(load_pattern("r-pentomino").to_array(), 0, 0)
    real = plane_module.memory_shortfall
    calls = []

    def after_a_while(*args):
        calls.append(args)
        return "a board needs 9 GB; this machine has 1 GB" if len(calls) > 1 else real(*args)

    monkeypatch.setattr(plane_module, "memory_shortfall", after_a_while)
    with pytest.raises(Outgrown, match=r"stopped after [0-9,]+ of the 2,000 generations"):
        plane.step(2000)


def test_a_wide_sparse_pattern_is_written_as_rle_from_its_runs_not_a_board(lifetui, tmp_path):
    # Two gliders at opposite corners of a box 200,003 cells a side: a board of it would take 80 GB; their RLE
    # is a line.
    source = tmp_path / "far.rle"
    source.write_text("x = 200003, y = 200003, rule = B3/S23\nbo$2bo$3o199998$200001bo$200002bo$200000b3o!\n")
    out = tmp_path / "out.rle"
    result = lifetui("run", str(source), "--steps", "8", "--engine", "hashlife", "-o", str(out))
    assert result.code == 0, result.err
    assert len(out.read_text()) < 300
    written, start = load_pattern(str(out)), load_pattern(str(source))
    assert written.generation == 8
    (top, left), (top0, left0) = written.plane_origin(), start.plane_origin()
    moved = {(x + left, y + top) for x, y in written.cells()}
    assert moved == {(x + left0 + 2, y + top0 + 2) for x, y in start.cells()}  # each glider 2 cells on, diagonally


LWSS = load_pattern("lwss").to_array()


@pytest.mark.parametrize("turns", range(4))
def test_hashlife_follows_an_orthogonal_spaceship_every_way_far_and_in_one_jump(turns):
    # The root narrows to the sub-square that holds the ship, top and left moving with it: a ship flying along
    # one axis only takes a sub-square off the diagonal, where rows and columns cannot be mixed up.
    ship = np.ascontiguousarray(np.rot90(LWSS, turns))
    reference = create_universe("numpy", CONWAY, PLANE)
    reference.load(ship, 0, 0)
    reference.step(4)
    dy, dx = (reference.extent()[0] // 2, reference.extent()[1] // 2)  # c/2: two cells every 4 generations
    assert abs(dy) + abs(dx) == 1
    far = create_universe("hashlife", CONWAY, PLANE)
    far.load(ship, 0, 0)
    for _ in range(50):
        far.step(1 << 40)
    moved = 50 << 39
    assert far.extent() == (dy * moved, dx * moved, *ship.shape)
    assert np.array_equal(far.window(dy * moved, dx * moved, *ship.shape), ship)
    once = create_universe("hashlife", CONWAY, PLANE)
    once.load(ship, 3, -5)
    once.step(1 << 56)
    assert once.extent() == (3 + dy * (1 << 55), -5 + dx * (1 << 55), *ship.shape)


def test_hashlife_counts_a_guns_gliders_two_to_the_forty_generations_on():
    # The gun makes a glider every 30 generations and the stream grows a cell each way every 4: after N
    # generations, numpy's answer at a generation N0 of the same phase, plus (N - N0) / 30 gliders and
    # (N - N0) / 4 cells. A jump that did nothing, or lost a glider, fails.
    gun = load_pattern("gosper-glider-gun").to_array()
    generations = 1 << 40
    early = 120 + generations % 60
    reference = create_universe("numpy", CONWAY, PLANE)
    reference.load(gun, 0, 0)
    reference.step(early)
    top, left, height, width = reference.extent()
    plane = create_universe("hashlife", CONWAY, PLANE)
    plane.load(gun, 0, 0)
    plane.step(generations)
    later = generations - early
    assert plane.population() == reference.population() + 5 * later // 30
    assert plane.extent() == (top, left, height + later // 4, width + later // 4)
    assert np.array_equal(plane.window(top, left, 40, 40), reference.window(top, left, 40, 40))  # the gun's phase


def test_a_jump_the_plane_cannot_hold_leaves_the_board_where_the_call_found_it():
    # 2^60 generations are eight jumps of 2^57 inside one call: the gun's stream outgrows the plane's
    # coordinates after some of them, and the call must give back the board it started from, not a later one.
    gun = load_pattern("gosper-glider-gun").to_array()
    plane = create_universe("hashlife", CONWAY, PLANE)
    plane.load(gun, 0, 0)
    with pytest.raises(Outgrown, match="2\\^60 cells a side.*stopped after 0 of") as stopped:
        plane.step(1 << 60)
    assert stopped.value.done == 0
    assert plane.extent() == (0, 0, *gun.shape) and np.array_equal(plane.window(0, 0, *gun.shape), gun)
    plane.step(30)  # and it runs on from there
    assert plane.population() == 36 + 5
