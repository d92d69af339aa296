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
