"""Golly's glued surfaces (lifetui/world/topology.py and ArrayUniverse's ring): Klein bottles, cross-surfaces,
spheres and shifted tori, checked against Golly's own diagrams and a cell-by-cell reference."""

import json

import numpy as np
import pytest

from lifetui.engines import availability
from lifetui.errors import RuleError
from lifetui.patterns import parse_pattern
from lifetui.patterns.rle import write_rle
from lifetui.rules import CONWAY, parse_rule
from lifetui.world.board import board_for
from lifetui.world.topology import Topology
from lifetui.world.universe import create_universe

#: Golly's diagrams (Help/bounded.html) of small grids whose cells are lettered A, B, C, ... row by row, each
#: with the ring of cells beyond its edges: what each outside cell copies before a generation.
GOLLY_DIAGRAMS = {
    ":T4+1,3": "KLIJKL DABCDA HEFGHE LIJKLI ABCDAB",
    ":T4,3+1": "HIJKLA LABCDE DEFGHI HIJKLA LABCDE",
    ":K4*,3": "ILKJIL DABCDA HEFGHE LIJKLI ADCBAD",
    ":K4,3*": "DIJKLA LABCDI HEFGHE DIJKLA LABCDI",
    ":K4*+1,3": "JILKJI DABCDA HEFGHE LIJKLI BADCBA",
    ":K3,4*+1": "FJKLD CABCA LDEFJ IGHIG FJKLD CABCA",
    ":C4,3": "ALKJID LABCDI HEFGHE DIJKLA IDCBAL",
    ":S3": "AADGC AABCG BDEFH CGHII GCFII",
}


def surface(suffix: str) -> Topology:
    return Topology.grid(parse_rule("B3/S23" + suffix).bounded)


@pytest.mark.parametrize("suffix", GOLLY_DIAGRAMS)
def test_each_edge_copies_the_cells_golly_draws_beyond_it(suffix):
    topology = surface(suffix)
    height, width = topology.shape
    letters = np.array([chr(ord("A") + k) for k in range(height * width)]).reshape(height, width)
    drawn = GOLLY_DIAGRAMS[suffix].split()
    outside, inside = topology.glued_ring()
    assert len(outside) == 2 * (width + height) + 4
    for (row, column), (from_row, from_column) in zip(outside, inside):
        assert letters[from_row, from_column] == drawn[row + 1][column + 1], (row, column)


def golly_neighbour(suffix: str, height: int, width: int, row: int, column: int) -> tuple[int, int]:
    """The grid cell at (row, column), one step or two beyond the edges, written out per surface from Golly's
    words: a torus shift moves a cell crossing the bottom edge on by the shift; a twisted pair of edges
    reverses the other coordinate; a sphere joins the top edge to the left and the right to the bottom."""
    grid = parse_rule("B3/S23" + suffix).bounded
    if grid.kind == "S":
        if row < 0 and column < 0:
            return 0, 0
        if row >= height and column >= width:
            return height - 1, width - 1
        if row < 0:
            return (column, 0) if column < width else (0, width - 1)
        if row >= height:
            return (column, width - 1) if column >= 0 else (height - 1, 0)
        if column < 0:
            return 0, row
        if column >= width:
            return height - 1, row
        return row, column
    if row < 0 or row >= height:
        down = row >= height
        row = row - height if down else row + height
        if grid.horizontal_twist:
            column = width - 1 - column + grid.horizontal_shift
        else:
            column = column + (grid.horizontal_shift if down else -grid.horizontal_shift)
    if column < 0 or column >= width:
        right = column >= width
        column = column - width if right else column + width
        if grid.vertical_twist:
            row = height - 1 - row + grid.vertical_shift
        else:
            row = row + (grid.vertical_shift if right else -grid.vertical_shift)
    return row % height, column % width


def surface_step(cells: np.ndarray, suffix: str) -> np.ndarray:
    """One generation of B3/S23 on the surface, cell by cell."""
    height, width = cells.shape
    result = np.zeros_like(cells)
    for row in range(height):
        for column in range(width):
            count = sum(
                cells[golly_neighbour(suffix, height, width, row + dy, column + dx)]
                for dy in (-1, 0, 1)
                for dx in (-1, 0, 1)
                if dy or dx
            )
            result[row, column] = count == 3 or (count == 2 and cells[row, column])
    return result


SURFACES = [":K12*,9", ":K12,9*", ":K12*+1,9", ":K9,12*+1", ":C12,9", ":S10", ":T12+5,9", ":T12,9-4"]


@pytest.mark.parametrize("suffix", SURFACES)
def test_the_reference_neighbours_are_golly_s_for_its_diagrams(suffix):
    # The cell-by-cell reference, held to Golly's diagrams first, on the grids Golly drew.
    drawn = {":K12*,9": ":K4*,3", ":K12,9*": ":K4,3*", ":K12*+1,9": ":K4*+1,3", ":K9,12*+1": ":K3,4*+1",
             ":C12,9": ":C4,3", ":S10": ":S3", ":T12+5,9": ":T4+1,3", ":T12,9-4": ":T4,3+1"}[suffix]  # fmt: skip
    topology = surface(drawn)
    height, width = topology.shape
    outside, inside = topology.glued_ring()
    for (row, column), expected in zip(outside, inside):
        assert golly_neighbour(drawn, height, width, row, column) == tuple(expected)


@pytest.mark.parametrize("engine", ["numpy", "c", "bitsliced", "jax", "xla"])
@pytest.mark.parametrize("suffix", SURFACES)
def test_every_grid_engine_steps_each_surface_as_the_cell_by_cell_reference(engine, suffix):
    topology = surface(suffix)
    if not availability(engine, CONWAY, topology=topology).available:
        pytest.skip(availability(engine, CONWAY, topology=topology).reason)
    height, width = topology.shape
    cells = (np.random.default_rng(len(suffix)).random((height, width)) < 0.4).astype(np.uint8)
    universe = create_universe(engine, CONWAY, topology)
    top, left = topology.rows.start, topology.columns.start
    universe.load(cells, top, left)
    for _ in range(12):
        universe.step(1)
        cells = surface_step(cells, suffix)
        assert np.array_equal(universe.window(top, left, height, width), cells)
        assert universe.population() == int(cells.sum())  # nothing lives beyond the edges
    universe.step(5)  # several generations a call: the ring is filled before each
    for _ in range(5):
        cells = surface_step(cells, suffix)
    assert np.array_equal(universe.window(top, left, height, width), cells)
    universe.close()


GLIDER = np.array([[0, 1, 0], [0, 0, 1], [1, 1, 1]], dtype=np.uint8)  # heading down and right


def run_glider(topology: Topology, generations: int) -> np.ndarray:
    universe = create_universe("numpy", CONWAY, topology)
    height, width = topology.shape
    cells = np.zeros((height, width), dtype=np.uint8)
    cells[height - 6 : height - 3, 4:7] = GLIDER
    universe.load(cells, topology.rows.start, topology.columns.start)
    universe.step(generations)
    return universe.window(topology.rows.start, topology.columns.start, height, width)


def test_a_glider_crossing_a_klein_bottle_s_twisted_edge_comes_back_mirrored():
    torus = run_glider(Topology.torus(16, 20), 28)  # wholly across the bottom edge, back at the top
    klein = run_glider(surface(":K20*,16"), 28)
    assert torus[:4].sum() == 5 and np.array_equal(klein, torus[:, ::-1])  # heading down and left now
    cross = run_glider(surface(":C20,16"), 28)
    assert np.array_equal(cross, torus[:, ::-1])
    # Across the straight edges of a Klein bottle twisted the other way, it is a torus's glider.
    assert np.array_equal(run_glider(surface(":K20,16*"), 28), torus)


def test_a_glider_crossing_a_shifted_torus_s_edge_comes_back_shifted():
    torus = run_glider(Topology.torus(16, 20), 28)
    assert np.array_equal(run_glider(surface(":T20+3,16"), 28), np.roll(torus, 3, axis=1))
    assert np.array_equal(run_glider(surface(":T20-3,16"), 28), np.roll(torus, -3, axis=1))


def test_a_glider_leaving_a_sphere_s_bottom_edge_comes_in_at_its_right_edge():
    sphere = run_glider(surface(":S16"), 28)
    torus = run_glider(Topology.torus(16, 16), 28)
    # The bottom edge is joined to the right one: the glider comes back turned a quarter clockwise, heading left.
    assert torus[:4].sum() == 5 and np.array_equal(sphere, np.rot90(torus, -1))


@pytest.mark.parametrize(
    "suffix", [":K40*,30", ":K40,30*", ":K40*+1,30", ":K30,40*+1", ":C40,30", ":S30", ":T40+7,30", ":T40,30-2"]
)
def test_a_surface_suffix_reads_and_writes_back_in_rle(suffix):
    pattern = parse_pattern(f"x = 3, y = 3, rule = B3/S23{suffix}\nbo$2bo$3o!\n".encode(), "g.rle")
    board = board_for(pattern)
    assert board.topology.suffix() == suffix and board.topology.is_glued and not board.topology.is_torus
    text = write_rle(board.pattern.to_array(), board.rule, 0, position=(0, 0), topology=board.topology.suffix())
    assert f"rule = B3/S23{suffix}\n" in text
    assert board_for(parse_pattern(text.encode(), "again.rle")).topology == board.topology


@pytest.mark.parametrize(
    ("written", "canonical"),
    [(":k40,30", ":K40,30*"), (":K40*-3,30", ":K40*+1,30"), (":K41*+1,30", ":K41*,30"), (":T40+47,30", ":T40+7,30"),
     (":T40-47,30", ":T40-7,30"), (":C40,30", ":C40,30"), (":s30", ":S30")],
)  # fmt: skip
def test_suffixes_are_spelled_as_golly_spells_them(written, canonical):
    assert surface(written).suffix() == canonical


def test_a_shift_of_a_whole_side_is_a_plain_torus():
    assert parse_rule("B3/S23:T40+40,30").torus == (40, 30)


@pytest.mark.parametrize(
    ("suffix", "words"),
    [
        (":K40,0", "a Klein bottle has no infinite side"),
        (":C0,30", "a cross-surface has no infinite side"),
        (":S30,30", "a sphere is square: :Sw"),
        (":K40*,30*", "one twisted side, not both"),
        (":K40+1,30*", "a Klein bottle's shift is on its twisted side"),
        (":C40+1,30", "a cross-surface has no shift"),
        (":P40+1,30", "a plane has no shift"),
        (":T40+1,30+1", "shifted along one side, not both"),
        (":T40+1,0", "a torus with a shift has no infinite side"),
        (":T40*,30", "only a Klein bottle (:K) has a twisted (*) side"),
        (":Q40,30", "lifetui runs Golly's :Tw,h torus or tube"),
    ],
)
def test_suffixes_golly_refuses_are_refused_in_one_line(suffix, words):
    with pytest.raises(RuleError) as raised:
        parse_rule("B3/S23" + suffix)
    assert words in str(raised.value) and "\n" not in str(raised.value)


def test_hashlife_refuses_a_surface_in_one_line():
    status = availability("hashlife", CONWAY, topology=surface(":K40*,30"))
    assert not status.available and status.reason == (
        "it runs tori and the unbounded plane, not :K40*,30; try --engine c or numpy"
    )


def test_life_history_runs_on_a_klein_bottle_and_the_cli_writes_the_suffix_back(lifetui, tmp_path):
    source = tmp_path / "klein.rle"
    source.write_text("x = 3, y = 3, rule = LifeHistory:K20*,16\nbA$2bA$3A!\n")
    result = lifetui("run", str(source), "--steps", "40", "--json")
    assert result.code == 0, result.err
    report = json.loads(result.out)
    # LifeHistory's kernel ships: the c engine runs it on any surface, checked against numpy as it goes.
    assert (report["topology"], report["engine"], report["generation"]) == ("K20*,16", "c", 40)
    out = tmp_path / "later.rle"
    assert lifetui("run", str(source), "--steps", "40", "-o", str(out)).code == 0
    assert "rule = LifeHistory:K20*,16" in out.read_text()
    again = json.loads(lifetui("run", str(out), "--steps", "1", "--json").out)
    assert (again["topology"], again["generation"]) == ("K20*,16", 41)


def test_describe_names_each_surface():
    assert surface(":K40*,30").describe() == "a Klein bottle (:K40*,30)"
    assert surface(":C40,30").describe() == "a cross-surface (:C40,30)"
    assert surface(":S30").describe() == "a sphere (:S30)"
    assert surface(":T40+7,30").describe() == "a shifted torus (:T40+7,30)"
