"""Every 3x3 rule, not only totalistic ones: the numpy reference, the learned engines and the compiler on
isotropic non-totalistic and MAP rules, checked cell by cell and against each other."""

import numpy as np
import pytest
from conftest import assert_follows_numpy, kernel_folder, naive_step, naive_table_step, random_isotropic_rule

from lifetui.engines import EngineOptions, availability, create_engine
from lifetui.engines.numpy_engine import NumpyEngine, next_state_table, step_cells, step_table
from lifetui.patterns import read_rle
from lifetui.rules import CONWAY, Rule, parse_rule
from lifetui.world.topology import PLANE
from lifetui.world.universe import create_universe


def soup(shape, seed, density=0.35):
    return (np.random.default_rng(seed).random(shape) < density).astype(np.uint8)


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("band_cells", [1 << 18, 33, 1])  # one band, bands of three rows, of one row
def test_numpy_table_path_matches_a_cell_by_cell_lookup_on_any_table(seed, band_cells, monkeypatch):
    import lifetui.engines.numpy_engine as numpy_engine

    monkeypatch.setattr(numpy_engine, "BAND_CELLS", band_cells)
    table = np.random.default_rng(seed).integers(0, 2, 512).astype(np.uint8)  # a MAP rule, most likely
    cells = soup((7 + seed, 11), seed)
    assert np.array_equal(step_table(cells, table), naive_table_step(cells, table))


@pytest.mark.parametrize("text", ["B3/S23", "B36/S23", "B0/S8", "B2/S", "B012345678/S"])
def test_numpy_table_path_and_count_path_agree_on_totalistic_rules(text):
    rule = parse_rule(text).rule
    cells = soup((13, 17), 5)
    counted = step_cells(cells, next_state_table(rule))
    assert np.array_equal(step_table(cells, rule.truth_table()), counted)
    assert np.array_equal(counted, naive_step(cells, set(rule.birth), set(rule.survival)))


def test_numpy_engine_runs_a_non_totalistic_rule_cell_by_cell():
    rule = parse_rule("B2-a/S12").rule
    engine = NumpyEngine(rule)
    cells = soup((9, 12), 2)
    engine.load(cells)
    engine.step(3)
    expected = cells
    for _ in range(3):
        expected = naive_table_step(expected, rule.truth_table())
    assert np.array_equal(engine.cells(), expected)
    assert engine.describe() == ("Method", "512-entry table lookup in numpy")


def test_a_letter_changes_the_next_generation():
    # B2-a/S12 is B2/S12 less births on two adjacent neighbours "a" (an edge and the corner beside it)
    cells = np.zeros((7, 7), dtype=np.uint8)
    cells[1, 1] = cells[1, 2] = 1  # (2, 1) sees N and NE, (0, 2) sees S and SW: "a" pairs
    cells[5, 1] = cells[5, 3] = 1  # (5, 2) sees W and E: an "i" pair
    totalistic, friends = NumpyEngine(parse_rule("B2/S12").rule), NumpyEngine(parse_rule("B2-a/S12").rule)
    for engine in (totalistic, friends):
        engine.load(cells)
        engine.step(1)
    for y, x in ((2, 1), (0, 2)):
        assert totalistic.cells()[y, x] == 1 and friends.cells()[y, x] == 0
    assert totalistic.cells()[5, 2] == 1 and friends.cells()[5, 2] == 1


@pytest.mark.parametrize("seed", range(3))
@pytest.mark.parametrize("name", ["c", "jax", "xla"])
def test_learned_engines_follow_numpy_on_random_isotropic_rules(tmp_path, seed, name):
    rule = random_isotropic_rule(seed)
    assert rule.kind == "isotropic"
    options = EngineOptions(model=kernel_folder(tmp_path / "kernel", rule))
    status = availability(name, rule, options)
    if name == "c" and not status.available and "compiler" in status.reason:
        pytest.skip(status.reason)  # no C compiler here: the c engine cannot run at all
    assert status.available, status.reason
    engine = create_engine(name, rule, options)
    # an odd width and height, and a band the runtime's strips do not divide
    assert_follows_numpy(engine, soup((37, 131), seed), rule, [1, 1, 3, 8])


@pytest.mark.parametrize("name", ["c", "xla"])
def test_compiled_circuit_engines_run_a_map_rule(tmp_path, name):
    table = np.random.default_rng(9).integers(0, 2, 512).astype(np.uint8)
    rule = Rule.from_table(table)
    assert rule.kind == "map"
    options = EngineOptions(model=kernel_folder(tmp_path / "kernel", rule))
    assert_follows_numpy(create_engine(name, rule, options), soup((20, 70), 1), rule, [1, 2, 5])


def test_bitsliced_says_it_has_no_kernel_for_a_non_totalistic_rule():
    status = availability("bitsliced", parse_rule("B2-a/S12").rule)
    assert not status.available
    assert "totalistic rules only" in status.reason and "B2-a/S12" in status.reason
    assert availability("bitsliced", CONWAY).available or "compiler" in availability("bitsliced", CONWAY).reason


def test_bench_on_a_non_totalistic_rule_shows_c_against_numpy_and_jax(lifetui, tmp_path):
    import json

    rule = parse_rule("B2-a/S12").rule
    folder = kernel_folder(tmp_path / "kernel", rule)
    result = lifetui(
        "acorn", "--rule", "B2-a/S12", "--model", str(folder), "--bench", "--json", "--size", "64x64",
        "--steps", "16",
    )  # fmt: skip
    assert result.code == 0, result.err
    report = json.loads(result.out)
    assert report["rule"] == "B2-a/S12"
    engines = {entry["engine"]: entry for entry in report["engines"]}
    assert engines["numpy"]["population"] > 0  # acorn lives on under this rule: the comparison means something
    assert engines["c"]["matches_reference"] is True and engines["jax"]["matches_reference"] is True
    assert engines["bitsliced"]["available"] is False


def shape_and_place(cells):
    ys, xs = np.nonzero(cells)
    return (tuple(ys - ys.min()), tuple(xs - xs.min())), (int(ys.min()), int(xs.min()))


def first_return(engine, cells, limit):
    """The first generation at which the live cells repeat their starting shape, and how far they moved."""
    shape, place = shape_and_place(cells)
    engine.load(cells)
    for generation in range(1, limit + 1):
        engine.step(1)
        now = engine.cells()
        if now.any():
            now_shape, now_place = shape_and_place(now)
            if now_shape == shape:
                return generation, (now_place[0] - place[0], now_place[1] - place[1])
    return None, None


@pytest.mark.parametrize(
    ("name", "period", "moves"),
    [("two-cell-p195", 195, (0, 0)), ("two-cell-p410", 410, (0, 0)), ("justfriends-c6-spaceship", 6, (-1, 1))],
)
def test_bundled_non_totalistic_patterns_keep_their_period(name, period, moves):
    # Periods as Golly runs them (two-cell oscillators by Arie Paap): one wrong Hensel letter would change them.
    from lifetui.patterns import load_pattern
    from lifetui.world.board import torus_board

    board = torus_board(load_pattern(name), (64, 64))
    assert board.rule.kind == "isotropic"
    assert first_return(NumpyEngine(board.rule), board.cells, period) == (period, moves)


def test_the_c_engine_keeps_a_two_cell_oscillator_s_period(tmp_path):
    from lifetui.patterns import load_pattern
    from lifetui.world.board import torus_board

    board = torus_board(load_pattern("two-cell-p195"), (32, 40))
    options = EngineOptions(model=kernel_folder(tmp_path / "kernel", board.rule))
    assert first_return(create_engine("c", board.rule, options), board.cells, 195) == (195, (0, 0))


# Golly's hexagonal and von Neumann neighbourhoods: a 3x3 table with some inputs ignored.

#: Each neighbourhood's neighbours as (row, column) offsets, written out from Golly's QuickLife help page.
OFFSETS = {
    "H": [(-1, -1), (-1, 0), (0, -1), (0, 1), (1, 0), (1, 1)],  # NE and SW ignored: Golly's skewed hexagons
    "V": [(-1, 0), (0, -1), (0, 1), (1, 0)],
}


def neighbourhood_step(cells, letter, birth, survival, states=2):
    """One generation cell by cell on a torus, counting the neighbours at OFFSETS[letter] in state 1; a
    Generations rule of `states` states decays cells that turn off (states 2 .. states - 1, then 0)."""
    height, width = cells.shape
    result = np.zeros_like(cells)
    for y in range(height):
        for x in range(width):
            count = sum(cells[(y + dy) % height, (x + dx) % width] == 1 for dy, dx in OFFSETS[letter])
            state = cells[y, x]
            if state == 0:
                result[y, x] = count in birth
            elif state == 1:
                result[y, x] = 1 if count in survival else (2 if states > 2 else 0)
            else:
                result[y, x] = (state + 1) % states
    return result


@pytest.mark.parametrize(
    ("text", "letter", "birth", "survival", "states"),
    [
        ("B2/S34H", "H", {2}, {3, 4}, 2),
        ("B245/S3H", "H", {2, 4, 5}, {3}, 2),
        ("B13/S012V", "V", {1, 3}, {0, 1, 2}, 2),
        ("B2/S013V", "V", {2}, {0, 1, 3}, 2),
        ("23/3/4H", "H", {3}, {2, 3}, 4),
        ("1/12/3V", "V", {1, 2}, {1}, 3),
    ],
)
def test_numpy_steps_hexagonal_and_von_neumann_rules_as_golly_counts(text, letter, birth, survival, states):
    rule = parse_rule(text).rule
    cells = soup((17, 23), 3)
    engine = NumpyEngine(rule)
    engine.load(cells)
    for _ in range(6):
        engine.step(1)
        cells = neighbourhood_step(cells, letter, birth, survival, states)
        assert np.array_equal(engine.cells(), cells)


@pytest.mark.parametrize("text", ["B2/S34H", "B13/S012V"])
def test_hashlife_runs_neighbourhood_rules_from_their_table(text):
    rule = parse_rule(text).rule
    assert availability("hashlife", rule).available or "compiler" in availability("hashlife", rule).reason
    if availability("hashlife", rule).available:
        assert_follows_numpy(create_engine("hashlife", rule), soup((32, 64), 4), rule, [1, 3, 8])


def test_learned_engines_run_a_neighbourhood_rule_with_its_kernel_and_bitsliced_says_why_not(tmp_path):
    rule = parse_rule("B2/S34H").rule
    status = availability("bitsliced", rule)
    assert not status.available and "(of the Moore neighbourhood); B2/S34H is of the hexagonal" in status.reason
    assert "no trained kernel for B2/S34H" in availability("c", rule).reason
    options = EngineOptions(model=kernel_folder(tmp_path / "kernel", rule))
    for name in ("c", "jax"):
        if availability(name, rule, options).available:
            assert_follows_numpy(create_engine(name, rule, options), soup((20, 70), 5), rule, [1, 2, 5])


# MAP strings of the hexagonal and von Neumann neighbourhoods, run against Golly itself: bgolly 4.3 (QuickLife,
# Generations) ran each rule six generations from the start given and wrote the RLE here; numpy and hashlife
# (two states) must give the same cells on the plane.
SOUP = "2obo2bo$bo3b2o$3o2bobo$o4bo$b2obo$2o3b3o!"
GOLLY_RUNS = [
    (
        "MAPUNDRAMNlr7LdB9ptxieMTA",  # hexagonal
        SOUP,
        "13o$10bob2o$7o2b2ob3o$3b5o2bobob2o$b2o5b5ob3o$o2bo2bo2bo4bob2o$2b2o3bobob2ob2o2bo$3bo4b2obobo2b2o$4bob4obob"
        "3ob3o$2b2o5bobobobo2bo$3bo8bobobo$9bob2o2bo3bo$4b2o2b3o6b2o$6bob6obobo$5bob4o2bob2o$5bobobobobobo$8bo5bo$6b"
        "2o3b3o!",
    ),
    (
        "MAPV/lnXw",  # von Neumann
        SOUP,
        "2obo2bo$3ob4o$3ob3obo$10o$9obo$8ob3o$7ob3obo$13o$12obo$12o$11obo$2ob3ob2ob4o!",
    ),
    (
        "MAPT/9x1xCCni9XvMVe++9KWg/3",  # hexagonal Generations, whose string Golly reads in another order
        "2AB.A2.A$.A3.2A$3A2.A.A$A4.A$.2A.A$2A3.3A!",
        "A3.A2.A$3A.6A$4A.B3AB2A$AB2.2A.A2B4A$4A2.5A2.A$AB.3A.2A.AB$2AB.5A.4A$AB.3AB4.A.A$3A2B.4A2.A$AB.3AB.AB.AB2A$"
        "AB.2A.3AB2A.2A$A2B3AB2A2.B3AB$2.A.2AB2.4AB.B$5.2AB2.3A.2AB$7.2A3.2A2B$14.2A!",
    ),
]


@pytest.mark.parametrize(("text", "start", "golly"), GOLLY_RUNS)
def test_hexagonal_and_von_neumann_map_rules_run_as_golly_runs_them(text, start, golly):
    rule = parse_rule(text).rule
    pattern = read_rle(f"x = 8, y = 6, rule = {text}\n{start}\n")
    expected = read_rle(f"x = 0, y = 0, rule = {text}\n{golly}\n").to_array()
    assert availability("hashlife", rule).available  # a byte a cell for a Generations rule (stateslife.c)
    for name in ("numpy", "hashlife"):
        plane = create_universe(name, rule, PLANE)
        plane.load_pattern(pattern)
        plane.step(6)
        assert np.array_equal(plane.live_cells()[0], expected), name


def test_bitsliced_and_the_learned_engines_say_why_they_do_not_run_a_hexagonal_map_rule():
    rule = parse_rule("MAPUNDRAMNlr7LdB9ptxieMTA").rule
    assert "MAPUNDRAMNlr7LdB9ptxieMTA is of the hexagonal neighbourhood" in availability("bitsliced", rule).reason
    assert "no trained kernel for MAPUNDRAMNlr7LdB9ptxieMTA" in availability("c", rule).reason
