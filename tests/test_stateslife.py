"""HashLife for multi-state rules (lifetui/engines/stateslife_engine.py and c/stateslife.c) against the numpy
reference: Generations, LifeHistory and hexagonal and von Neumann Generations rules, on the plane and on tori,
in jumps; drawing, reading, the node limit, interruption, the command line and the TUI."""

import json
import subprocess
import sys

import numpy as np
import pytest
from conftest import assert_follows_numpy
from test_plane import far_from_any_edge
from tui_helpers import settle

from lifetui.compiler.build import missing_compiler_reason
from lifetui.engines import availability, create_engine
from lifetui.engines.base import any_in_squares
from lifetui.engines.stateslife_engine import StatesHashlifeEngine, StatesHashlifeUniverse
from lifetui.patterns import load_pattern, read_rle
from lifetui.rules import HISTORY_BOUNDARY, parse_rule
from lifetui.tui.app import LifeApp
from lifetui.world.board import board_for
from lifetui.world.topology import PLANE, Topology
from lifetui.world.universe import Outgrown, create_universe

pytestmark = pytest.mark.skipif(missing_compiler_reason() is not None, reason="no C compiler here")

BRIANS_BRAIN, STAR_WARS, HISTORY = "/2/3", "345/2/4", "LifeHistory"
HEXAGONAL, VON_NEUMANN = "23/3/3H", "2/2/4V"
RULES = [BRIANS_BRAIN, STAR_WARS, HISTORY, HEXAGONAL, VON_NEUMANN]


def state_soup(rule, shape, seed):
    """Cells in random states, half of them 0; for LifeHistory a wall of boundary cells through it as well."""
    rng = np.random.default_rng(seed)
    cells = (rng.integers(0, rule.states, shape) * (rng.random(shape) < 0.5)).astype(np.uint8)
    if rule.family == "history":
        cells[cells == HISTORY_BOUNDARY] = 0
        cells[shape[0] // 3, 2 : shape[1] - 2] = HISTORY_BOUNDARY
    return cells


@pytest.mark.parametrize("text", RULES)
@pytest.mark.parametrize("jumps", [[1], [2], [8], [1, 2, 8, 1, 64]], ids=str)
def test_a_soup_on_the_plane_is_numpy_far_from_any_edge(text, jumps):
    rule = parse_rule(text).rule
    soup = state_soup(rule, (24, 30), seed=len(jumps) + sum(jumps))
    expected, margin = far_from_any_edge(soup, rule, sum(jumps))
    plane = create_universe("hashlife", rule, PLANE)
    assert isinstance(plane, StatesHashlifeUniverse)
    plane.load(soup, top=-7, left=11)
    for jump in jumps:
        plane.step(jump)
    # The torus's cell (margin, margin) is the plane's (-7, 11).
    assert np.array_equal(plane.window(-7 - margin, 11 - margin, *expected.shape), expected)
    assert plane.population() == np.count_nonzero(expected)


@pytest.mark.parametrize(
    ("text", "shape", "seed"),
    [
        (BRIANS_BRAIN, (12, 12), 3),
        (STAR_WARS, (8, 8), 4),
        (HISTORY, (12, 12), 0),
        (HEXAGONAL, (12, 12), 3),
        (VON_NEUMANN, (12, 12), 3),
    ],  # fmt: skip
)
def test_a_jump_of_1024_generations_is_numpy_s_on_the_plane(text, shape, seed):
    # Soups whose spaceships fly one way or settle: numpy's board follows them without growing to millions of
    # cells (tests/test_plane.py holds that board to a torus far from any edge).
    rule = parse_rule(text).rule
    soup = state_soup(rule, shape, seed)
    plane, reference = create_universe("hashlife", rule, PLANE), create_universe("numpy", rule, PLANE)
    for universe in (plane, reference):
        universe.load(soup, top=3, left=-5)
    plane.step(1024)
    reference.step(1024)
    assert plane.extent() == reference.extent() and plane.population() == reference.population() > 0
    cells, top, left = reference.live_cells()
    assert np.array_equal(plane.window(top - 2, left - 2, cells.shape[0] + 4, cells.shape[1] + 4),
                          np.pad(cells, 2))  # fmt: skip


@pytest.mark.parametrize("text", RULES)
@pytest.mark.parametrize("shape", [(32, 32), (64, 128), (128, 32), (8, 16), (1, 64)], ids=str)
def test_the_torus_engine_follows_numpy(text, shape):
    rule = parse_rule(text).rule
    engine = create_engine("hashlife", rule)
    assert isinstance(engine, StatesHashlifeEngine)
    assert_follows_numpy(engine, state_soup(rule, shape, sum(shape)), rule, (1, 2, 8, 3, 64))


def test_a_torus_whose_sides_are_not_powers_of_two_is_refused_as_for_two_states():
    status = availability("hashlife", parse_rule(STAR_WARS).rule, topology=Topology.torus(48, 64))
    assert not status.available and "sides are powers of two" in status.reason
    assert availability("hashlife", parse_rule(STAR_WARS).rule, topology=PLANE).available


def test_windows_show_states_and_zoomed_out_squares_any_state_but_0():
    rule = parse_rule(STAR_WARS).rule
    soup = state_soup(rule, (40, 50), 3)
    plane = create_universe("hashlife", rule, PLANE)
    plane.load(soup, top=-20, left=100)
    assert plane.extent() == (-20, 100, 40, 50)
    assert np.array_equal(plane.window(-23, 97, 46, 56), np.pad(soup, 3))
    for block in (2, 4, 16):
        expected = any_in_squares(np.pad(soup, ((4, 0), (4, 0))), block)  # squares from (-24, 96)
        assert np.array_equal(plane.blocks(-24, 96, 44, 54, block), expected[: -(-44 // block), : -(-54 // block)])


def test_drawing_a_state_far_away_grows_the_root_and_erasing_it_shrinks_the_box():
    rule = parse_rule(HISTORY).rule
    plane = create_universe("hashlife", rule, PLANE)
    plane.load(np.array([[1, 1, 1]], dtype=np.uint8))
    plane.set_cells(np.array([[1 << 40, -(1 << 35)], [5, 5]]), HISTORY_BOUNDARY)
    assert plane.population() == 5
    assert plane.extent() == (0, -(1 << 35), (1 << 40) + 1, (1 << 35) + 6)
    assert plane.window(1 << 40, -(1 << 35), 1, 1).tolist() == [[HISTORY_BOUNDARY]]
    plane.set_cells(np.array([[1 << 40, -(1 << 35)]]), 0)
    assert plane.extent() == (0, 0, 6, 6) and plane.population() == 4
    plane.step(1)  # the blinker turns: its middle cell stays on, its ends leave history (2)
    assert plane.window(-1, 0, 3, 3).tolist() == [[0, 1, 0], [2, 1, 2], [0, 1, 0]]


def test_a_pattern_s_states_and_position_load_from_its_runs_however_far_apart():
    pattern = read_rle("#CXRLE Pos=-500000000,7\nx = 1000000001, y = 2, rule = 345/2/4\nA2B$1000000000bC!\n")
    plane = create_universe("hashlife", pattern.rule.rule, PLANE)
    plane.load_pattern(pattern)
    assert plane.extent() == (7, -500_000_000, 2, 1_000_000_001)
    assert plane.window(7, -500_000_000, 1, 3).tolist() == [[1, 2, 2]]
    assert plane.window(8, 500_000_000, 1, 1).tolist() == [[3]]
    assert plane.population() == 4 and plane.nodes() < 100  # 82 nodes, not a board of 2e9 cells


def test_an_empty_plane_stays_empty():
    plane = create_universe("hashlife", parse_rule(BRIANS_BRAIN).rule, PLANE)
    plane.load_pattern(read_rle("x = 0, y = 0, rule = /2/3\n!"))
    plane.step(1 << 30)
    assert plane.extent() is None and plane.population() == 0


def test_garbage_is_collected_under_the_limit_and_a_soup_beyond_it_stops_saying_how_far(monkeypatch):
    import lifetui.engines.hashlife_engine as hashlife_engine

    rule = parse_rule(BRIANS_BRAIN).rule
    soup = state_soup(rule, (128, 128), 9)
    unlimited = create_engine("hashlife", rule)
    assert_follows_numpy(unlimited, soup, rule, [1, 40, 3, 100])
    monkeypatch.setattr(hashlife_engine, "max_nodes", lambda: 1500)  # nodes of two-state size: 954 of these
    engine = create_engine("hashlife", rule)
    assert_follows_numpy(engine, soup, rule, [1, 40, 3, 100])  # collected on the way
    assert engine.nodes() < unlimited.nodes() / 2
    monkeypatch.setattr(hashlife_engine, "max_nodes", lambda: 3000)
    plane = create_universe("hashlife", rule, PLANE)
    plane.load(state_soup(rule, (256, 256), 2))
    with pytest.raises(Outgrown, match="nodes even after collecting garbage.*stopped after 0 of the 1,000") as stop:
        plane.step(1000)
    assert stop.value.done == 0 and plane.population() == np.count_nonzero(state_soup(rule, (256, 256), 2))


INSIDE_A_LONG_JUMP = """
import threading, time
import numpy as np
from lifetui.engines import create_engine
from lifetui.engines.base import Interrupted
from lifetui.rules import parse_rule

engine = create_engine("hashlife", parse_rule("/2/3").rule)
cells = (np.random.default_rng(1).random((1024, 1024)) < 0.3).astype(np.uint8)
engine.load(cells)
start = engine.nodes()

def stop_it():  # once the jump is well under way inside the C (its nodes multiply), not before
    while engine.nodes() < start + 100_000:
        time.sleep(0.001)
    engine.interrupted = lambda: True
    engine.wake()

threading.Thread(target=stop_it, daemon=True).start()
try:
    engine.step(1 << 40)  # one jump: hours of work on a chaotic soup
except Interrupted as stopped:
    print("stopped", stopped.done, engine.holds(cells))
"""


def test_a_long_jump_gives_up_soon_on_a_wake(tmp_path):
    completed = subprocess.run(
        [sys.executable, "-c", INSIDE_A_LONG_JUMP], capture_output=True, text=True, timeout=120, cwd=tmp_path
    )
    assert completed.stdout.split() == ["stopped", "0", "True"], completed.stderr


def test_run_jumps_brian_s_brain_on_the_plane_and_writes_every_state(lifetui, tmp_path):
    source = tmp_path / "bb.rle"
    source.write_text("x = 2, y = 2, rule = /2/3\n2A$2B!\n")
    out = tmp_path / "out.rle"
    result = lifetui("run", str(source), "--steps", str(1 << 40), "--engine", "hashlife", "--json", "-o", str(out))
    assert result.code == 0, result.err
    summary = json.loads(result.out)
    assert (summary["engine"], summary["topology"], summary["population"]) == ("hashlife", "plane", 4)
    assert (summary["top"], summary["left"]) == (-(1 << 40) - 1, -1)
    written = load_pattern(str(out))
    assert written.plane_origin() == (-(1 << 40) - 1, -1)
    assert written.cell_states() == {(0, 0): 1, (1, 0): 1, (0, 1): 2, (1, 1): 2}


async def test_the_tui_starts_on_hashlife_for_a_multi_state_file_on_the_plane_and_it_agrees_with_numpy():
    pattern = read_rle("x = 5, y = 3, rule = 345/2/4\nA2BC$.3A$2.C!\n")
    app = LifeApp(board_for(pattern), "star wars", "", None)
    async with app.run_test() as pilot:
        await pilot.press("n", "n", "n")
        # The simulation thread first finds which engines run the rule (the learned ones read their kernels).
        await settle(pilot, lambda: app.last_snapshot.generation == 3, 60)
        assert app.last_snapshot.engine == "hashlife"
        await settle(pilot, lambda: app.verdict is not None and app.verdict.agreed_through == 3, 10)
        assert app.verdict.agrees
        await pilot.press("1")  # numpy, then back: hashlife is offered and takes the board over
        await settle(pilot, lambda: app.last_snapshot.engine == "numpy")
        await pilot.press("5", "n")
        await settle(pilot, lambda: app.last_snapshot.engine == "hashlife" and app.last_snapshot.generation == 4)
        await settle(pilot, lambda: app.verdict is not None and app.verdict.agreed_through == 4, 10)
        assert app.verdict.agrees


def test_cells_drawn_round_a_small_root_stay_where_they_were_drawn_in_their_states():
    # Drawing beyond the root grows it, each quarter moving to the inner corner of a new node: every cell
    # drawn before must stay in place, in its state.
    rule = parse_rule(STAR_WARS).rule
    rng = np.random.default_rng(5)
    for _ in range(40):
        plane = create_universe("hashlife", rule, PLANE)
        plane.load(np.zeros((1, 1), dtype=np.uint8))
        drawn = {}
        for y, x in rng.integers(-12, 12, size=(6, 2)).tolist():
            state = int(rng.integers(1, rule.states))
            plane.set_cells(np.array([[y, x]]), state)
            drawn[(y, x)] = state
        window = plane.window(-12, -12, 24, 24)
        assert {(int(y) - 12, int(x) - 12): int(window[y, x]) for y, x in np.argwhere(window)} == drawn


# Multi-state macrocell straight to and from the quadtree (lifetui/patterns/macrocell.py, stateslife.c's dump).


def written_from_cells(plane) -> str:
    """write_macrocell's text of the plane's live cells: what the quadtree's own must be, line for line."""
    from lifetui.patterns.macrocell import write_macrocell

    top, left, height, width = plane.extent()
    rule = plane.engine.rule
    return write_macrocell(plane.window(top, left, height, width), rule, 7, torus=False, position=(left, top))


@pytest.mark.parametrize("name", ["GOLLY_BRIANS_BRAIN", "GOLLY_LIFE_HISTORY"])
def test_golly_s_multi_state_files_plant_run_and_write_back_as_the_cells_do(name):
    import test_macrocell

    from lifetui.patterns.macrocell import read_macrocell

    pattern = read_macrocell(getattr(test_macrocell, name))
    rule = pattern.rule.rule
    plane, grid = create_universe("hashlife", rule, PLANE), create_universe("numpy", rule, PLANE)
    plane.load_pattern(pattern)
    assert pattern._runs is None  # planted from the nodes
    grid.load_pattern(pattern)  # from the runs, made now
    assert plane.extent() == grid.extent() == (*pattern.plane_origin(), pattern.height, pattern.width)
    text = plane.native_text(rule, 7)
    assert text == written_from_cells(plane)
    back = read_macrocell(text)
    assert back.position == pattern.position or back.plane_origin() == pattern.plane_origin()
    assert back.cell_states() == pattern.cell_states() and back.generation == 7
    for universe in (plane, grid):
        universe.step(37)
    assert plane.extent() == grid.extent() and plane.population() == grid.population()
    cells, top, left = grid.live_cells()
    assert np.array_equal(plane.window(top, left, *cells.shape), cells)
    again = create_universe("hashlife", rule, PLANE)
    again.load_pattern(read_macrocell(plane.native_text(rule, 7)))
    assert again.native_text(rule, 7) == plane.native_text(rule, 7) == written_from_cells(grid)


@pytest.mark.parametrize("text", RULES)
@pytest.mark.parametrize(
    ("shape", "top", "left"), [((1, 1), 0, 0), ((3, 5), -7, 11), ((17, 9), 5, -3), ((40, 70), 1_000_003, -999)]
)
def test_the_quadtree_s_macrocell_is_write_macrocell_s_wherever_its_cells_lie_in_its_nodes(text, shape, top, left):
    # The file's squares start at the live cells' corner, which may fall anywhere inside the held nodes.
    rule = parse_rule(text).rule
    soup = state_soup(rule, shape, abs(top) + shape[1])
    soup[0, 0] = soup[-1, -1] = 1
    plane = create_universe("hashlife", rule, PLANE)
    plane.load(soup, top=top, left=left)
    for generations in (0, 3, 5):
        plane.step(generations)
        if plane.extent() is None:
            break
        text = plane.native_text(rule, 7)
        assert text == written_from_cells(plane)
        assert f"#CXRLE Pos={plane.extent()[1]},{plane.extent()[0]}" in text


def test_an_empty_multi_state_plane_writes_no_nodes():
    from lifetui.patterns.macrocell import read_macrocell

    plane = create_universe("hashlife", parse_rule(BRIANS_BRAIN).rule, PLANE)
    plane.load(np.array([[1]], dtype=np.uint8))
    plane.step(2)  # 1 -> 2 -> 0
    text = plane.native_text(plane.engine.rule, 2)
    assert text == "[M2] (lifetui)\n#R /2/3\n#G 2\n" and read_macrocell(text).population == 0


def test_a_file_whose_root_is_smaller_than_a_leaf_plants_in_place():
    from lifetui.patterns.macrocell import read_macrocell

    for text in ("[M2]\n#R 345/2/4\n1 1 2 0 3\n", "[M2]\n#R 345/2/4\n1 1 2 0 3\n2 0 0 0 1\n"):
        pattern = read_macrocell(text)
        rule = pattern.rule.rule
        plane, grid = create_universe("hashlife", rule, PLANE), create_universe("numpy", rule, PLANE)
        for universe in (plane, grid):
            universe.load_pattern(pattern)
        top, left = pattern.plane_origin()
        assert plane.extent() == grid.extent() == (top, left, 2, 2)
        assert plane.window(top, left, 2, 2).tolist() == [[1, 2], [0, 3]]
        for universe in (plane, grid):
            universe.step(1)  # the 2 and 3 decay (3 dies), the 1 stays with two neighbours on
        assert plane.extent() == grid.extent() and plane.population() == grid.population() == 2
        assert np.array_equal(plane.window(*grid.extent()), grid.window(*grid.extent()))


def test_a_two_state_file_runs_on_the_multi_state_quadtree_under_a_multi_state_rule():
    from lifetui.patterns.macrocell import read_macrocell

    pattern = read_macrocell("[M2] (test)\n$$..*$...*$.***$$$$\n4 1 0 0 1\n")  # two gliders
    rule = parse_rule(HISTORY).rule
    plane, grid = create_universe("hashlife", rule, PLANE), create_universe("numpy", rule, PLANE)
    for universe in (plane, grid):
        universe.load_pattern(pattern)
        universe.step(20)
    assert plane.extent() == grid.extent() and plane.population() == grid.population() > 10
    assert np.array_equal(plane.window(*grid.extent()), grid.window(*grid.extent()))


# Two LifeHistory gliders (state 1), at the north-west and south-east corners of a square 2^41 cells a side.
GLIDER_NODES = ("1 0 1 0 0", "1 0 0 1 0", "1 1 1 0 0", "1 1 0 0 0", "2 1 2 3 4")
GLIDER = np.array([[0, 1, 0], [0, 0, 1], [1, 1, 1]], dtype=np.uint8)


def test_a_file_spanning_2_to_the_41_runs_from_its_nodes_and_writes_back_from_them(lifetui, tmp_path):
    from test_macrocell import far_corners

    from lifetui.patterns.macrocell import read_macrocell

    side = 1 << 41
    pattern = read_macrocell(far_corners(41, HISTORY, GLIDER_NODES, (5, 5)), "far.mc")
    assert pattern.unlaid and (pattern.width, pattern.height) == (side - 1, side - 1)  # the glider's last row is 3
    rule = pattern.rule.rule
    plane = create_universe("hashlife", rule, PLANE)
    plane.load_pattern(pattern)
    top, left = pattern.plane_origin()
    plane.step(40)
    # Each glider flies 10 cells down and right, leaving history (state 2) behind, as on a small board.
    expected, margin = far_from_any_edge(GLIDER, rule, 40)
    for y, x in ((top, left), (top + side - 4, left + side - 4)):
        assert np.array_equal(plane.window(y - margin, x - margin, *expected.shape), expected)
    assert plane.population() == 2 * np.count_nonzero(expected)
    assert plane.nodes() < 5000  # a square of 2^82 cells, as 1,525 nodes
    text = plane.native_text(rule, 40)
    assert len(text.splitlines()) < 300  # a few lines a level (215 nodes up to level 42)
    back = read_macrocell(text)
    assert back.plane_origin() == plane.extent()[:2] and (back.width, back.height) == plane.extent()[:1:-1]
    again = create_universe("hashlife", rule, PLANE)
    again.load_pattern(back)
    assert again.extent() == plane.extent() and again.native_text(rule, 40) == text
    # On the command line: the file runs and writes back, end to end.
    source, out = tmp_path / "far.mc", tmp_path / "later.mc"
    source.write_text(far_corners(41, HISTORY, GLIDER_NODES, (5, 5)))
    result = lifetui("run", str(source), "--steps", "40", "--json", "-o", str(out))
    assert result.code == 0, result.err
    assert json.loads(result.out)["engine"] == "hashlife" and out.read_text() == text
