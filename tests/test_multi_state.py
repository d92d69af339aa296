"""Multi-state rules through the stack: the numpy reference against references written here from Golly's
documentation, on every topology, and the engines, the simulation and the command line around it."""

import json

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from lifetui.engines import ENGINES, availability
from lifetui.engines.numpy_engine import NumpyEngine
from lifetui.patterns import load_pattern, read_rle
from lifetui.rules import BoundedGrid, parse_rule
from lifetui.simulation.checker import placed_difference
from lifetui.simulation.simulation import Simulation
from lifetui.world.board import Board, board_for
from lifetui.world.topology import PLANE, Topology
from lifetui.world.universe import create_universe

BRIANS_BRAIN = "/2/3"
STAR_WARS = "345/2/4"
HENSEL_GENERATIONS = "1e2-a3-cij4aijkrtz5cnqr/2ce3aejnr4aj5y6a/3"

# LifeHistory as Golly's Help/Algorithms/Super.html describes it ("History mode"): odd states are on and count
# as neighbours, even states are off; Life's B3/S23 decides whether a cell is on next. Each state's next state
# when the cell is then on, and when it is then off:
LIFE_HISTORY = {
    0: (1, 0),  # off: born as a plain on cell
    1: (1, 2),  # on: "state=2 if cell was ever ON but now OFF"
    2: (1, 2),  # history: born as on again, else stays history
    3: (3, 4),  # marked on: "may change to marked OFF but will always remain marked"
    4: (3, 4),  # marked off: turns marked on
    5: (5, 4),  # start on: "becomes a normal marked OFF cell when it dies"
    6: (6, 6),  # boundary: "can never turn on"
}
# ... and the boundary "turns OFF any ON cells that they come in contact with on the next tick".
BOUNDARY = 6


def neighbours_of(cells: np.ndarray, y: int, x: int, wrap: tuple[bool, bool]):
    """The eight neighbours' states; beyond an edge that does not wrap, dead."""
    height, width = cells.shape
    for dy in (-1, 0, 1):
        for dx in (-1, 0, 1):
            row, column = y + dy, x + dx
            if (dy or dx) and (wrap[0] or 0 <= row < height) and (wrap[1] or 0 <= column < width):
                yield int(cells[row % height, column % width])


def generations_reference(cells, survive, born, states, wrap=(True, True)) -> np.ndarray:
    """One generation cell by cell, as Golly's Generations help says: survival/birth counts of state-1
    neighbours, and an n-state cell decays 2, 3, ..., n - 1, then 0."""
    result = np.zeros_like(cells)
    for y, x in np.ndindex(*cells.shape):
        count = sum(state == 1 for state in neighbours_of(cells, y, x, wrap))
        state = cells[y, x]
        if state == 0:
            result[y, x] = 1 if count in born else 0
        elif state == 1:
            result[y, x] = 1 if count in survive else 2
        else:
            result[y, x] = (state + 1) % states
    return result


def history_reference(cells, wrap=(True, True)) -> np.ndarray:
    result = np.zeros_like(cells)
    for y, x in np.ndindex(*cells.shape):
        around = list(neighbours_of(cells, y, x, wrap))
        state = int(cells[y, x])
        count = sum(neighbour % 2 for neighbour in around)
        on = count == 3 or (state % 2 == 1 and count == 2)
        if state % 2 == 1 and BOUNDARY in around:
            on = False
        result[y, x] = LIFE_HISTORY[state][0 if on else 1]
    return result


def stepped(rule: str, cells: np.ndarray, generations: int) -> np.ndarray:
    engine = NumpyEngine(parse_rule(rule).rule)
    engine.load(cells)
    engine.step(generations)
    return engine.cells()


soups = arrays(np.uint8, st.tuples(st.integers(3, 14), st.integers(3, 14)), elements=st.integers(0, 3))


@settings(max_examples=60, deadline=None)
@given(cells=soups)
def test_brians_brain_against_a_cell_by_cell_reference(cells):
    cells = cells % 3
    expected = cells
    for generation in range(1, 4):
        expected = generations_reference(expected, set(), {2}, 3)
        assert np.array_equal(stepped(BRIANS_BRAIN, cells, generation), expected)


@settings(max_examples=60, deadline=None)
@given(cells=soups)
def test_star_wars_against_a_cell_by_cell_reference(cells):
    expected = cells
    for _ in range(3):
        expected = generations_reference(expected, {3, 4, 5}, {2}, 4)
    assert np.array_equal(stepped(STAR_WARS, cells, 3), expected)


@settings(max_examples=40, deadline=None)
@given(cells=soups)
def test_hensel_generations_decays_what_its_two_state_rule_turns_off(cells):
    """The on cells follow the two-state rule of the same letters (its own tests hold it to Golly's
    meaning); the rest decay as Generations says."""
    cells = cells % 3
    on_next = stepped("B2ce3aejnr4aj5y6a/S1e2-a3-cij4aijkrtz5cnqr", (cells == 1).astype(np.uint8), 1)
    expected = np.where(cells == 0, on_next, np.where(cells == 1, np.where(on_next == 1, 1, 2), 0))
    assert np.array_equal(stepped(HENSEL_GENERATIONS, cells, 1), expected)


@settings(max_examples=80, deadline=None)
@given(cells=arrays(np.uint8, st.tuples(st.integers(3, 12), st.integers(3, 12)), elements=st.integers(0, 6)))
def test_life_history_against_the_documented_table(cells):
    expected = cells
    for generation in range(1, 3):
        expected = history_reference(expected)
        assert np.array_equal(stepped("LifeHistory", cells, generation), expected)


def test_life_history_keeps_a_glider_s_trail_and_its_marks():
    text = "x = 3, y = 3, rule = LifeHistory\n.A$2.A$3A!"
    cells = np.zeros((12, 12), dtype=np.uint8)
    cells[:3, :3] = read_rle(text).to_array()
    cells[0, 1] = 5  # a start-on cell: it dies at once, and stays marked
    after = stepped("LifeHistory", cells, 4)
    assert np.count_nonzero(after % 2) == 5  # still a glider
    assert after[0, 1] == 4 and np.count_nonzero(after == 2) > 0


def test_a_boundary_wall_stops_a_glider():
    cells = np.zeros((16, 16), dtype=np.uint8)
    cells[:3, :3] = read_rle(".A$2.A$3A!").to_array()
    cells[:, 8] = BOUNDARY
    after = stepped("LifeHistory", cells, 40)
    assert np.count_nonzero(after[:, 9:]) == 0  # nothing crossed
    assert np.count_nonzero(after == BOUNDARY) == 16


TOPOLOGIES = {
    "torus": (Topology.torus(24, 30), (True, True)),
    "plane": (PLANE, (False, False)),
    "bounded plane": (Topology.grid(BoundedGrid("P", 14, 12)), (False, False)),
    "tube": (Topology.grid(BoundedGrid("T", 0, 16)), (True, False)),
}


@pytest.mark.parametrize("rule", [BRIANS_BRAIN, STAR_WARS, "LifeHistory"])
@pytest.mark.parametrize("where", list(TOPOLOGIES))
def test_every_topology_steps_every_state(rule, where):
    """A soup on each topology, against the reference on the grid (a torus, a bounded grid, a tube) or, on the
    plane, on a board wide enough that nothing reaches its edge."""
    topology, wrap = TOPOLOGIES[where]
    parsed = parse_rule(rule).rule
    rng = np.random.default_rng(7)
    soup = (rng.integers(0, parsed.states, (10, 10)) * (rng.random((10, 10)) < 0.5)).astype(np.uint8)
    generations = 12
    rows, columns = topology.shape
    rows, columns = rows or 10 + 2 * generations + 2, columns or 10 + 2 * generations + 2
    top = topology.rows.start if rows == topology.rows.size else -(rows // 2)
    left = topology.columns.start if columns == topology.columns.size else -(columns // 2)
    board = np.zeros((rows, columns), dtype=np.uint8)
    board[rows // 2 - 5 : rows // 2 + 5, columns // 2 - 5 : columns // 2 + 5] = soup
    universe = create_universe("numpy", parsed, topology)
    universe.load(soup, top + rows // 2 - 5, left + columns // 2 - 5)
    expected = board
    for _ in range(generations):
        expected = (history_reference(expected, wrap) if parsed.states == 7 else
                    generations_reference(expected, parsed.two_state.survival, parsed.two_state.birth,
                                          parsed.states, wrap))  # fmt: skip
        universe.step(1)
    assert np.array_equal(universe.window(top, left, rows, columns), expected)
    assert universe.population() == np.count_nonzero(expected)


def test_a_dying_cell_keeps_the_plane_s_live_box():
    universe = create_universe("numpy", parse_rule(STAR_WARS).rule, PLANE)
    universe.load(np.array([[3]], dtype=np.uint8), 10, 20)  # the last state before 0: dead next
    assert universe.extent() == (10, 20, 1, 1) and universe.population() == 1
    universe.step(1)
    assert universe.extent() is None


@pytest.mark.parametrize("name", [name for name, info in ENGINES.items() if not info.multi_state])
def test_engines_of_one_bit_a_cell_refuse_multi_state_rules_in_one_line(name):
    status = availability(name, parse_rule(BRIANS_BRAIN).rule)
    assert not status.available
    assert status.reason == (
        "it runs two-state rules; /2/3 is a generations rule of 3 states (numpy and hashlife run it; jax, c and xla "
        "with a trained kernel)"
    )


@pytest.mark.parametrize("rule", ["2/13/21", "LifeHistory"])
def test_a_rule_learned_in_parts_names_the_learned_engines_too(rule):
    """Golly's 21-state fireworks and LifeHistory are learned in parts: the learned engines run them once a
    kernel is trained (LifeHistory's ships), and say how to train one."""
    status = availability("bitsliced", parse_rule(rule).rule)
    assert not status.available
    assert status.reason.endswith("states (numpy and hashlife run it; jax, c and xla with a trained kernel)")
    learned = availability("c", parse_rule(rule).rule)
    assert learned.available if rule == "LifeHistory" else "no trained kernel for 2/13/21" in learned.reason


def test_the_simulation_runs_the_shipped_kernel_and_refuses_a_two_state_engine_saying_why():
    board = board_for(read_rle("x = 2, y = 2, rule = /2/3\n2A$2B!"), size=(64, 64))
    simulation = Simulation(board)
    assert simulation.engine_name == "c"  # Brian's Brain's kernel ships: the fastest engine that runs it on a torus
    availability = simulation.availability()
    assert [name for name, status in availability.items() if not status.available] == ["bitsliced", "ltl"]
    assert "it runs two-state rules" in availability["bitsliced"].reason
    simulation.step(4)
    assert simulation.snapshot().population == 4  # Brian's Brain's two-by-four spaceship, 1 cell a step


def test_on_the_plane_the_simulation_starts_on_hashlife_as_for_two_state_rules():
    simulation = Simulation(board_for(read_rle("x = 2, y = 2, rule = /2/3\n2A$2B!")))
    assert simulation.engine_name == "hashlife"  # it jumps: the plane's engine, whatever the rule
    simulation.step(1 << 20)
    snapshot = simulation.snapshot()
    assert snapshot.population == 4 and snapshot.generation == 1 << 20
    assert snapshot.region == (-(1 << 20) - 1, -1, 2, 2)  # a cell a generation, upwards
    assert snapshot.cells.tolist() == [[1, 1], [2, 2]]


def test_undo_and_reset_keep_every_state():
    board = Board.of_cells(parse_rule(STAR_WARS).rule, np.array([[0, 1, 2], [3, 0, 1], [0, 0, 0]], np.uint8))
    simulation = Simulation(board, "numpy")
    simulation.step(1)
    after = simulation.snapshot().cells.copy()
    simulation.draw([(2, 2)], 1)
    assert simulation.undo()
    assert np.array_equal(simulation.snapshot().cells, after)
    simulation.reset()
    assert np.array_equal(simulation.snapshot().cells, board.cells)


def test_run_writes_extended_rle(lifetui, tmp_path):
    path = tmp_path / "bb.rle"
    path.write_text("x = 2, y = 2, rule = /2/3\n2A$2B!\n")
    out = tmp_path / "out.rle"
    result = lifetui("run", str(path), "--steps", "3", "-o", str(out), "--json", "--engine", "numpy")
    assert result.code == 0, result.err
    summary = json.loads(result.out)
    assert (summary["population"], summary["engine"], summary["rule"]) == (4, "numpy", "/2/3")
    written = read_rle(out.read_text())
    assert written.rule.rule == parse_rule("/2/3").rule
    assert sorted(written.cell_states().values()) == [1, 1, 2, 2]
    assert "rule = /2/3" in out.read_text() and "2A$2B!" in out.read_text()


def test_run_on_an_engine_that_cannot_says_so_in_one_line(lifetui, tmp_path):
    path = tmp_path / "bb.rle"
    path.write_text("x = 2, y = 2, rule = /2/3\n2A$2B!\n")
    result = lifetui("run", str(path), "--steps", "3", "--engine", "bitsliced")
    assert result.code == 1
    assert result.err.strip().splitlines() == [
        "lifetui: error: engine bitsliced is unavailable: it runs two-state rules; /2/3 is a generations rule of "
        "3 states (numpy and hashlife run it; jax, c and xla with a trained kernel)"
    ]


def test_run_on_a_learned_engine_without_a_kernel_says_how_to_train_one(lifetui, tmp_path):
    path = tmp_path / "b.rle"
    path.write_text("x = 2, y = 2, rule = /23/3\n2A$2B!\n")
    result = lifetui("run", str(path), "--steps", "3", "--engine", "c")
    assert result.code == 2
    assert "no trained kernel for /23/3; train one with: lifetui train --rule /23/3" in result.err


def test_train_refuses_a_larger_than_life_rule_of_several_states(lifetui):
    result = lifetui("train", "--rule", "R2,C3,M1,S2..3,B3..3,NM")
    assert result.code == 2
    assert "is a Larger than Life rule of range 2; kernels are trained" in result.err


def test_the_checker_tells_a_dying_cell_from_a_live_one():
    live, dying = np.array([[1, 0]], np.uint8), np.array([[2, 0]], np.uint8)
    assert placed_difference((live, 5, 7), (dying, 5, 7)).tolist() == [[5, 7]]


def test_run_writes_multi_state_macrocell_that_reads_back(lifetui, tmp_path):
    path = tmp_path / "bb.rle"
    path.write_text("x = 4, y = 3, rule = /2/3\n.A2B$2A.A$B2A!\n")
    out = tmp_path / "out.mc"
    assert lifetui("run", str(path), "--steps", "3", "--size", "16x8", "-o", str(out)).code == 0
    text = out.read_text()
    assert text.startswith("[M2] (lifetui)\n#R /2/3:T16,8\n#G 3\n") and "\n1 " in text  # Golly's 2 x 2 leaves
    again = lifetui("run", str(out), "--steps", "4")
    direct = lifetui("run", str(path), "--steps", "7", "--size", "16x8")
    assert again.code == direct.code == 0
    assert [line for line in again.out.splitlines() if not line.startswith("#")] == [
        line for line in direct.out.splitlines() if not line.startswith("#")
    ]


def test_a_paste_keeps_each_state():
    simulation = Simulation(Board.of_cells(parse_rule(STAR_WARS).rule, np.zeros((8, 8), np.uint8)), "numpy")
    simulation.put(2, 3, np.array([[1, 0, 3], [2, 2, 0]], np.uint8), replace=False)
    assert simulation.snapshot().cells[2:4, 3:6].tolist() == [[1, 0, 3], [2, 2, 0]]


def test_a_multi_state_pattern_too_wide_for_a_board_runs_on_hashlife_and_is_written_from_its_tree(lifetui, tmp_path):
    path = tmp_path / "wide.rle"
    path.write_text("x = 1000000, y = 1000000, rule = /2/3\nA999998.A$999998$A!\n")
    result = lifetui("run", str(path), "--steps", "1", "--plane", "--json")
    assert result.code == 0, result.err
    summary = json.loads(result.out)
    assert (summary["engine"], summary["population"], summary["width"]) == ("hashlife", 3, 1_000_000)
    # Too many cells to read out as a board: its RLE comes from the quadtree's macrocell, every state kept.
    result = lifetui("run", str(path), "--steps", "1", "--plane")
    assert result.code == 0, result.err
    assert result.out.splitlines()[1:] == ["x = 1000000, y = 1000000, rule = /2/3", "B999998.B999999$B!"]
    out = tmp_path / "wide.mc"
    assert lifetui("run", str(path), "--steps", "1", "--plane", "-o", str(out)).code == 0
    assert load_pattern(str(out)).cell_states() == {(0, 0): 2, (999_999, 0): 2, (0, 999_999): 2}
