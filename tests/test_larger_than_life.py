"""The Larger than Life reference (lifetui/engines/larger_than_life.py, run by the numpy engine) against a
cell-by-cell count written here, over every shape, states and the middle cell, on every topology."""

import dataclasses
import json

import numpy as np
import pytest

from lifetui.engines.larger_than_life import rectangles, row_runs
from lifetui.rules import LTL_NEIGHBOURHOODS, BoundedGrid, parse_rule
from lifetui.world.topology import Topology
from lifetui.world.universe import create_universe


def slow_step(cells, rule, wrap_rows=True, wrap_columns=True, origin=(0, 0)):
    """One generation, a cell at a time: its neighbours read one by one, dead beyond an axis that does not wrap.
    `origin`: where cells[0, 0] is on the topology (a triangle there points up when its row and column sum even)."""
    ltl, reach = rule.ltl, rule.range
    height, width = cells.shape
    shapes = [[(dy - reach, dx - reach) for dy, dx in zip(*np.nonzero(ltl.mask(flipped)))] for flipped in (0, 1)]
    out = np.zeros_like(cells)
    for y in range(height):
        for x in range(width):
            count = 0
            down = ltl.shape == "L" and (origin[0] + y + origin[1] + x) % 2 == 1
            for dy, dx in shapes[down]:
                row, column = y + dy, x + dx
                if not wrap_rows and not 0 <= row < height or not wrap_columns and not 0 <= column < width:
                    continue
                count += cells[row % height, column % width] == 1
            state = int(cells[y, x])
            if state == 0:
                out[y, x] = count in ltl.birth
            elif state == 1:
                kept = count + (1 if ltl.middle else 0) in ltl.survival
                out[y, x] = 1 if kept else (2 if rule.states > 2 else 0)
            else:
                out[y, x] = 0 if state + 1 == rule.states else state + 1
    return out


def soup(shape, states, seed, density=0.45):
    rng = np.random.default_rng(seed)
    live = rng.random(shape) < density
    return (live * rng.integers(1, states, shape)).astype(np.uint8)


RULES = [
    "R2,C0,M1,S5..12,B5..9,NM",
    "R3,C0,S8-20,B8-14",
    "R2,C4,S3-7,B4-6,NN",
    "R3,C3,M1,S6..14,B6..11,NC",
    "R3,C0,S4-12,B5-9,N2",
    "R2,C3,S2-6,B3-5,NB",
    "R2,C0,M1,S3..7,B3..5,ND",
    "R3,C5,M1,S2..5,B2..4,N+",
    "R3,C0,S2-5,B2-4,NX",
    "R2,C0,S3-8,B3-6,N*",
    "R3,C0,S5-10,B5-8,N#",
    "R2,C0,S3-9,B4-6,NH",
    "R3,C3,S2-5,B2-4,NA",
    "R2,C0,S1-3,B1-2,N@891891",
    "R1,C0,S1-4,B1,10-12,NL",
    "R2,C3,S8-20,B9-14,NL",
    "R1,C0,S2-3,B3",
    "R5,C0,M1,S34..58,B34..45,NM",
]


def test_the_rules_here_use_every_shape():
    assert {parse_rule(text).rule.ltl.shape for text in RULES + [text for text, _, _, _ in WEIGHED]} == set(
        LTL_NEIGHBOURHOODS
    )


def weighed_step(cells, rule, weights, values=None, extra=0, flip=False):
    """One generation on a torus, a cell at a time, from an independent statement of the shape: `weights` maps
    each (dy, dx), the middle included, to what a cell there adds times `values[state]` (1 for state 1 and 0
    otherwise when None); `extra` is added to an on cell's own count for survival; `flip`: cells whose row and
    column sum odd read the offsets upside down (Golly's triangular grid). A count below 0 keeps nothing."""
    height, width = cells.shape
    values = values or {1: 1}
    out = np.zeros_like(cells)
    for y in range(height):
        for x in range(width):
            upside_down = flip and (y + x) % 2 == 1
            count = 0
            for (dy, dx), weight in weights.items():
                state = int(cells[(y + (-dy if upside_down else dy)) % height, (x + dx) % width])
                count += weight * values.get(state, 0)
            state = int(cells[y, x])
            if state == 0:
                out[y, x] = count >= 0 and count in rule.ltl.birth
            elif state == 1:
                kept = count + extra >= 0 and count + extra in rule.ltl.survival
                out[y, x] = 1 if kept else (2 if rule.states > 2 else 0)
            else:
                out[y, x] = 0 if state + 1 == rule.states else state + 1
    return out


def tripod(r):
    """Golly's tripod: the column above, the row to the left, the diagonal down to the right."""
    return {**{(-k, 0): 1 for k in range(1, r + 1)}, **{(0, -k): 1 for k in range(1, r + 1)},
            **{(k, k): 1 for k in range(1, r + 1)}}  # fmt: skip


def gaussian(r):
    """Golly's NG as its ltlalgo counts: weights falling by one a cell from (r + 1)² at the middle, both ways."""
    return {(dy, dx): (r + 1 - abs(dy)) * (r + 1 - abs(dx)) for dy in range(-r, r + 1) for dx in range(-r, r + 1)}


def written(rows):
    """Offsets of a square of weights written out row by row."""
    r = len(rows) // 2
    return {(dy - r, dx - r): weight for dy, row in enumerate(rows) for dx, weight in enumerate(row) if weight}


CUSTOM = written([[1, 0, 0, 0, 1], [0, 0, 1, 0, 0], [0, 1, 0, 1, 0], [0, 0, 1, 0, 0], [1, 0, 0, 0, 1]])  # 891891
# (rule, weights, state values, extra for an on cell) and whether the offsets flip on odd cells
WEIGHED = [
    ("R2,C0,S1-3,B1-2,N3", tripod(2), None, 0),
    ("R3,C3,M1,S2..6,B2..4,N3", tripod(3), None, 1),
    ("R2,C0,M0,S20..45,B18..30,NG", gaussian(2), None, 0),
    ("R2,C4,M1,S20..45,B18..30,NG", gaussian(2), None, 1),  # M1: Golly adds 1 more for the middle
    ("R1,C0,S5-12,B4-9,NW123401323", written([[1, 2, 3], [4, 0, 1], [3, 2, 3]]), None, 0),
    ("R1,C0,S20-60,B10-40,NW0810080a850a081008", written([[8, 16, 8], [10, -5, 10], [8, 16, 8]]), None, 0),
    ("R1,C0,S0-4,B1-3,NW9F8701234", written([[-1, -7, 0], [7, 0, 1], [2, 3, 4]]), None, 0),
    ("R1,C4,S8-60,B6-40,NW123401323,012A", written([[1, 2, 3], [4, 0, 1], [3, 2, 3]]), {1: 1, 2: 2, 3: 10}, 0),
    ("R1,C3,S26-34,B28-32,NW123401323,212", written([[1, 2, 3], [4, 0, 1], [3, 2, 3]]), {0: 2, 1: 1, 2: 2}, 0),
    ("R1,C0,S3-9,B3-5,NW123401323L", written([[1, 2, 3], [4, 0, 1], [3, 2, 3]]), None, 0),
    ("R2,C0,M1,S1..4,B1..2,N@891891L", CUSTOM, None, 1),
]


@pytest.mark.parametrize(("text", "weights", "values", "extra"), WEIGHED)
def test_tripod_gaussian_and_weighted_shapes_are_the_cell_by_cell_count(text, weights, values, extra):
    rule = parse_rule(text).rule
    for shape, seed in (((14, 18), 1), ((6, 8), 2)):  # even sides: a torus keeps the triangles' parity
        cells = soup(shape, rule.states, seed, density=0.5)
        universe = create_universe("numpy", rule, Topology.torus(*shape))
        universe.load(cells)
        for _ in range(3):
            cells = weighed_step(cells, rule, weights, values, extra, flip=text.endswith("L"))
            universe.step(1)
            assert np.array_equal(universe.window(0, 0, *shape), cells), (text, shape)
        assert 0 < np.count_nonzero(cells) < cells.size, text


@pytest.mark.parametrize("text", RULES)
def test_the_reference_on_a_torus_is_the_cell_by_cell_count(text):
    rule = parse_rule(text).rule
    for shape, seed in (((14, 19), 1), ((7, 5), 2), ((3, 11), 3)):  # tori narrower than the shape too
        cells = soup(shape, rule.states, seed)
        universe = create_universe("numpy", rule, Topology.torus(*shape))
        universe.load(cells)
        for _ in range(3):
            cells = slow_step(cells, rule)
            universe.step(1)
            assert np.array_equal(universe.window(0, 0, *shape), cells), (text, shape)


@pytest.mark.parametrize(
    "text", ["R2,C0,M1,S5..12,B5..9,NM", "R3,C4,S3-9,B4-7,NN", "R2,C0,S3-9,B4-6,NH", "R2,C0,S8-20,B9-14,NL"]
)
def test_the_reference_on_the_plane_grows_the_board_by_the_range(text):
    rule = parse_rule(text).rule
    generations, reach = 6, rule.range
    pattern = soup((9, 8), rule.states, 4, density=0.6)
    pad = generations * reach + 1
    cells = np.pad(pattern, pad)
    universe = create_universe("numpy", rule, Topology.plane())
    universe.load(pattern, -3, 5)
    for _ in range(generations):
        cells = slow_step(cells, rule, wrap_rows=False, wrap_columns=False, origin=(-3 - pad, 5 - pad))
        universe.step(1)
        assert np.array_equal(universe.window(-3 - pad, 5 - pad, *cells.shape), cells)
    assert universe.population() == np.count_nonzero(cells)


@pytest.mark.parametrize("text", ["R2,C0,M1,S5..12,B5..9,NM", "R3,C3,S2-5,B2-4,N+", "R1,C0,S1-4,B1,10-12,NL"])
def test_the_reference_in_a_bounded_grid_and_a_tube(text):
    rule = parse_rule(text).rule
    grid = Topology.grid(BoundedGrid("P", 13, 10))
    cells = soup((10, 13), rule.states, 5)
    universe = create_universe("numpy", rule, grid)
    corner = (grid.rows.start, grid.columns.start)
    universe.load(cells, *corner)
    for _ in range(4):
        cells = slow_step(cells, rule, wrap_rows=False, wrap_columns=False, origin=corner)
        universe.step(1)
        assert np.array_equal(universe.window(grid.rows.start, grid.columns.start, 10, 13), cells)

    tube = Topology.grid(BoundedGrid("T", 0, 9))  # rows wrap round 9, columns free
    pattern = soup((9, 6), rule.states, 6)
    pad = 4 * rule.range + 1
    cells = np.pad(pattern, ((0, 0), (pad, pad)))
    universe = create_universe("numpy", rule, tube)
    universe.load(pattern, tube.rows.start, 0)
    for _ in range(4):
        cells = slow_step(cells, rule, wrap_rows=True, wrap_columns=False, origin=(tube.rows.start, -pad))
        universe.step(1)
        assert np.array_equal(universe.window(tube.rows.start, -pad, *cells.shape), cells)


@pytest.mark.parametrize("text", ["R2,C3,M1,S2..6,B2..4,N3", "R2,C4,M1,S20..45,B18..30,NG",
                                  "R1,C0,S0-4,B1-3,NW9F8701234", "R1,C3,S26-34,B28-32,NW123401323,212",
                                  "R1,C0,S3-9,B3-5,NW123401323L"])  # fmt: skip
def test_weighed_shapes_on_the_plane_are_as_on_a_torus_round_them(text):
    """Checked cell by cell on tori above; elsewhere the cells of a torus so wide that nothing reaches round."""
    rule = parse_rule(text).rule
    generations = 5
    pattern = soup((8, 10), rule.states, 11, density=0.6)
    pad = generations * rule.range + 2
    torus = create_universe("numpy", rule, Topology.torus(8 + 2 * pad, 10 + 2 * pad))
    torus.load(np.pad(pattern, pad), 0, 0)
    plane = create_universe("numpy", rule, Topology.plane())
    plane.load(pattern, pad, pad)  # cell (0, 0) at the same place, so that triangles point the same way
    for _ in range(generations):
        torus.step(1)
        plane.step(1)
        box = (0, 0, 8 + 2 * pad, 10 + 2 * pad)
        assert np.array_equal(plane.window(*box), torus.window(*box))
    assert plane.population() == torus.population() > 0


def with_counts(rule, birth, survival):
    """The rule with other birth and survival counts."""
    counts = dataclasses.replace(rule.ltl, birth=frozenset(birth), survival=frozenset(survival))
    return dataclasses.replace(rule, ltl=counts)


@pytest.mark.parametrize("text", ["R2,C0,S6-12,B0,7-10", "R1,C0,S3-8,B0,2", "R2,C0,M1,S1..4,B0..3,NN"])
def test_b0_runs_as_it_is_on_a_torus_and_a_bounded_grid(text):
    rule = parse_rule(text).rule
    for shape, seed in (((14, 19), 1), ((5, 7), 2)):
        cells = soup(shape, 2, seed)
        universe = create_universe("numpy", rule, Topology.torus(*shape))
        universe.load(cells)
        for _ in range(4):
            cells = slow_step(cells, rule)
            universe.step(1)
            assert np.array_equal(universe.window(0, 0, *shape), cells), (text, shape)
    grid = Topology.grid(BoundedGrid("P", 13, 10))
    cells = soup((10, 13), 2, 5)
    universe = create_universe("numpy", rule, grid)
    universe.load(cells, grid.rows.start, grid.columns.start)
    for _ in range(4):  # beyond the grid stays dead
        cells = slow_step(cells, rule, wrap_rows=False, wrap_columns=False)
        universe.step(1)
        assert np.array_equal(universe.window(grid.rows.start, grid.columns.start, 10, 13), cells)


@pytest.mark.parametrize("text", ["R2,C0,S6-12,B0,7-10", "R2,C0,S0-11,B0-7,16-24"])
def test_golly_emulating_b0_shows_these_generations_the_odd_ones_inverted(text):
    """Golly's emulation (its Help): without Smax, even generations under NOT(B), NOT(S) and odd ones under
    B = reverse(S), S = reverse(B) (counts n - i, n the shape's cells), so that nothing strobes; with Smax one
    rule, B = NOT(reverse(S)), S = NOT(reverse(B)), every generation. Written here from that description: what
    Golly shows on a torus is lifetui's board on even generations and its inverse on odd ones (with Smax on all
    but the first)."""
    rule = parse_rule(text).rule
    n = rule.ltl.size
    counts = range(n + 1)
    smax = n in rule.ltl.survival
    not_bits = with_counts(rule, [i for i in counts if i not in rule.ltl.birth],
                           [i for i in counts if i not in rule.ltl.survival])  # fmt: skip
    reverse = with_counts(rule, [i for i in counts if n - i in rule.ltl.survival],
                          [i for i in counts if n - i in rule.ltl.birth])  # fmt: skip
    not_reverse = with_counts(rule, [i for i in counts if n - i not in rule.ltl.survival],
                              [i for i in counts if n - i not in rule.ltl.birth])  # fmt: skip
    shown = soup((16, 18), 2, 9)
    universe = create_universe("numpy", rule, Topology.torus(16, 18))
    universe.load(shown)
    for generation in range(1, 7):
        shown = slow_step(shown, not_reverse if smax else (reverse if generation % 2 == 0 else not_bits))
        universe.step(1)
        ours = universe.window(0, 0, 16, 18)
        inverted = smax or generation % 2 == 1
        assert np.array_equal(1 - ours if inverted else ours, shown), generation
    assert not np.all(shown == shown[0, 0])


def test_b0_leaves_the_plane_for_a_torus_and_refuses_plane_in_one_line(lifetui, tmp_path):
    path = tmp_path / "blob.rle"
    path.write_bytes(BLOB.replace(b"R5,C2,S33-57,B34-45", b"R2,C0,S0-3,B0-2"))
    result = lifetui("run", str(path), "--steps", "2", "--json")
    assert result.code == 0, result.err
    assert "has B0: on the unbounded plane every dead cell would be born at once; it runs on a torus" in result.err
    assert json.loads(result.out)["topology"].startswith("T")
    refused = lifetui("run", str(path), "--steps", "2", "--plane")
    assert refused.code != 0 and len(refused.err.strip().splitlines()) == 1
    assert "has B0: every dead cell of the unbounded plane would be born at once" in refused.err


def test_a_shape_is_cut_into_few_rectangles():
    moore = parse_rule("R10,C0,S1,B1").rule.ltl.mask()
    assert rectangles(moore) == [(-10, -1, -10, 10), (0, 0, -10, -1), (0, 0, 1, 10), (1, 10, -10, 10)]
    assert len(rectangles(parse_rule("R10,C0,S1,B1,N+").rule.ltl.mask())) == 4
    assert len(rectangles(parse_rule("R10,C0,S1,B1,NN").rule.ltl.mask())) == 22  # a row each, the middle's two
    assert len(row_runs(parse_rule("R3,C0,S1,B1,NX").rule.ltl.mask())) == 12


def test_the_numpy_engine_says_how_it_counts():
    engine = create_universe("numpy", parse_rule("R5,C0,M1,S34..58,B34..45,NM").rule, Topology.torus(16, 16))
    assert engine.describe() == ("Method", "range 5 sums from summed-area tables (4 rectangles) in numpy")


# An 11 x 11 blob under Bosco's rule, in HROT notation as Golly's files write it.
BLOB = b"""x = 11, y = 11, rule = R5,C2,S33-57,B34-45
3b4o$2b7o$b3o3b3o$4ob5o$3o3b4o$2o5b3o$3o5b2o$4o3b3o$b8o$2b6o$3b4o!
"""


def test_run_writes_and_reads_back_the_rule_and_cells(lifetui, tmp_path):
    path = tmp_path / "blob.rle"
    path.write_bytes(BLOB)
    out = tmp_path / "after.rle"
    result = lifetui("run", str(path), "--steps", "5", "--engine", "numpy", "-o", str(out), "--json")
    assert result.code == 0, result.err
    assert "rule = R5,C0,S33-57,B34-45" in out.read_text()
    again = lifetui("run", str(out), "--steps", "0", "--json")
    assert json.loads(again.out)["population"] == json.loads(result.out)["population"]


def test_a_small_torus_in_the_rule_runs_grown_to_twice_the_range(lifetui, tmp_path):
    path = tmp_path / "small.rle"
    path.write_bytes(b"x = 3, y = 1, rule = R5,C0,S2-3,B3:T4,30\n3o!")
    result = lifetui("run", str(path), "--steps", "1", "--json")
    assert result.code == 0, result.err
    assert json.loads(result.out)["topology"] == "T10,30"


def test_train_refuses_larger_than_life_in_one_line(lifetui):
    result = lifetui("train", "--rule", "R5,C0,M1,S34..58,B34..45,NM")
    assert result.code == 2
    assert "R5,C0,M1,S34..58,B34..45,NM is a Larger than Life rule of range 5; kernels are trained" in result.err


def test_a_glued_surface_refuses_a_longer_reach_in_one_line(lifetui, tmp_path):
    path = tmp_path / "klein.rle"
    path.write_bytes(b"x = 3, y = 1, rule = R2,C0,S2-5,B3-4:K20,20\n3o!")
    result = lifetui("run", str(path), "--steps", "1")
    assert result.code == 2 and len(result.err.strip().splitlines()) == 1
    assert "Larger than Life runs on a torus, the plane, a bounded plane or a tube, not on" in result.err
