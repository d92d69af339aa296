"""Larger than Life rules (lifetui/rules.py, its last section): Golly's three notations, its canonical spelling,
the shapes as its help page draws them, and one-line refusals."""

import numpy as np
import pytest

from lifetui.errors import RuleError
from lifetui.rules import LARGER_THAN_LIFE, parse_rule


@pytest.mark.parametrize(
    ("text", "canonical"),
    [
        ("R5,C0,M1,S34..58,B34..45,NM", "R5,C0,M1,S34..58,B34..45,NM"),  # Bosco's rule, LtL notation
        ("r5,c2,m1,s34..58,b34..45,nm", "R5,C0,M1,S34..58,B34..45,NM"),  # any case; C2 is two states: C0
        ("5,34,45,34,58", "R5,C0,M1,S34..58,B34..45,NM"),  # Kellie Evans': r, bmin, bmax, smin, smax
        ("1,3,3,3,4", "R1,C0,M1,S3..4,B3..3,NM"),  # Life in her notation, as Golly's help gives it
        ("R5,C2,S33-57,B34-45", "R5,C0,S33-57,B34-45"),  # HROT: Moore left out
        ("R5,C2,S33-57,B34-45,NM", "R5,C0,S33-57,B34-45"),
        ("R2,C0,S4-7,9-12,B4,11-12,NB", "R2,C0,S4-7,9-12,B4,11-12,NB"),  # lists
        ("R2,C0,S4,5,6,7,B4", "R2,C0,S4-7,B4"),  # runs merged
        ("R1,C0,S,B3", "R1,C0,S,B3"),  # no survival
        ("R10,C255,S1-2,B3", "R10,C255,S1-2,B3"),
        ("R3,C2,S2,B3,N+", "R3,C0,S2,B3,N+"),
        ("R2,C0,S1,B1,N@891891", "R2,C0,S1,B1,N@891891"),
        ("R1,C0,M0,S2..3,B3..3,NM:T20,10", "R1,C0,M0,S2..3,B3..3,NM"),
        ("R2,C0,S1-3,B1-2,N3", "R2,C0,S1-3,B1-2,N3"),
        ("R3,C2,M0,S24..31,B24..28,NG", "R3,C0,M0,S24..31,B24..28,NG"),  # Golly's Gaussian example
        ("R1,C0,S2-9,B3-5,NW123401323", "R1,C0,S2-9,B3-5,NW123401323"),  # Golly's weighted examples
        ("R1,C0,S2-9,B3-5,nw0810080a850a081008", "R1,C0,S2-9,B3-5,NW0810080A850A081008"),
        ("R1,C4,S2-9,B3-5,NW123401323,012a", "R1,C4,S2-9,B3-5,NW123401323,012A"),
        ("R1,C0,S2-9,B3-5,NW123401323L", "R1,C0,S2-9,B3-5,NW123401323L"),
        ("R2,C0,S1,B1,N@891891H", "R2,C0,S1,B1,N@891891H"),
        ("R2,C0,M1,S1..4,B1..2,N@891891L", "R2,C0,M1,S1..4,B1..2,N@891891L"),
    ],
)
def test_every_notation_reads_and_is_spelt_as_golly_spells_it(text, canonical):
    rule = parse_rule(text).rule
    assert str(rule) == canonical
    assert parse_rule(str(rule)).rule == rule
    assert rule.family == LARGER_THAN_LIFE and rule.kind == LARGER_THAN_LIFE and not rule.is_totalistic


def test_the_parts_of_a_rule():
    spec = parse_rule("R4,C5,M1,S40..81,B41..80,NM:T180,90")
    rule = spec.rule
    assert (rule.range, rule.states, rule.neighbourhood, spec.torus) == (4, 5, "Moore", (180, 90))
    assert rule.ltl.middle
    assert rule.ltl.survival == frozenset(range(40, 82)) and rule.ltl.birth == frozenset(range(41, 81))
    assert rule.ltl.size == 80
    assert parse_rule("R4,C0,S1,B1,NN").rule.ltl.size == 2 * 4 * 5  # a diamond: 2r(r + 1) cells beside its middle
    assert parse_rule("R2,C0,S2,B3:P30,20").bounded.suffix == ":P30,20"
    assert parse_rule("B3/S23").rule.range == 1


def rows(mask):
    return ["".join(".#"[cell] for cell in row) for row in mask]


# Each shape at range 3 as Golly's help draws it (Help/Algorithms/images), the middle left out ("." here).
SHAPES = {
    "M": ["#######", "#######", "#######", "###.###", "#######", "#######", "#######"],
    "N": ["...#...", "..###..", ".#####.", "###.###", ".#####.", "..###..", "...#..."],
    "C": ["..###..", ".#####.", "#######", "###.###", "#######", ".#####.", "..###.."],
    "2": ["...#...", ".#####.", ".#####.", "###.###", ".#####.", ".#####.", "...#..."],
    "B": [".#.#.#.", "#.#.#.#", ".#.#.#.", "#.#.#.#", ".#.#.#.", "#.#.#.#", ".#.#.#."],
    "D": ["#.#.#.#", ".#.#.#.", "#.#.#.#", ".#...#.", "#.#.#.#", ".#.#.#.", "#.#.#.#"],
    "+": ["...#...", "...#...", "...#...", "###.###", "...#...", "...#...", "...#..."],
    "X": ["#.....#", ".#...#.", "..#.#..", ".......", "..#.#..", ".#...#.", "#.....#"],
    "*": ["#..#..#", ".#.#.#.", "..###..", "###.###", "..###..", ".#.#.#.", "#..#..#"],
    "#": ["..#.#..", "..#.#..", "#######", "..#.#..", "#######", "..#.#..", "..#.#.."],
    # Golly's hexagonal grid: the square without the corners towards NE and SW (QuickLife's H rules, widened).
    "H": ["####...", "#####..", "######.", "###.###", ".######", "..#####", "...####"],
    # Every other axis of the hexagonal grid: up, left and down-right (Golly's ltlalgo counts these).
    "3": ["...#...", "...#...", "...#...", "###....", "....#..", ".....#.", "......#"],
}


def test_the_triangular_shape_points_up_and_down_as_goldys_help_draws_it():
    rule = parse_rule("R3,C0,S1,B1,NL").rule
    up = rows(rule.ltl.mask())
    assert rule.range == 6 and len(up) == 13  # a row reaches 2r columns each way
    assert up[:3] == up[10:] == ["." * 13] * 3  # r rows each way
    # 3, 4, 5 columns each side above the apex, 6 along the row, 6, 5, 4 below the base (the help's drawing)
    assert [row.count("#") for row in up[3:10]] == [7, 9, 11, 12, 13, 11, 9]
    assert rows(rule.ltl.mask(flipped=True)) == up[::-1]
    assert parse_rule("R1,C0,S1,B1,NL").rule.ltl.size == 12  # the 12 triangles touching a triangle


@pytest.mark.parametrize("letter", SHAPES)
def test_each_shape_is_drawn_as_goldys_help_draws_it(letter):
    rule = parse_rule(f"R3,C0,S1,B1,N{letter}").rule
    assert rows(rule.ltl.mask()) == SHAPES[letter]


def test_a_custom_shape_is_the_square_but_its_middle_row_by_row():
    rule = parse_rule("R2,C0,S1,B1,N@891891").rule  # Golly's own example
    assert rows(rule.ltl.mask()) == ["#...#", "..#..", ".#.#.", "..#..", "#...#"]
    assert np.array_equal(rule.ltl.mask(), rule.ltl.mask().T)


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("R0,C0,S1,B1", "range is 1 to 500, not 0"),
        ("R501,C0,S1,B1", "range is 1 to 500, not 501"),
        ("R2,C257,S1,B1", "C is 0 to 256 states, not 257"),
        ("R1,C0,S2-9,B3", "S counts are 0 to 8 in this neighbourhood, not 2-9"),
        ("R1,C0,M1,S0..3,B3..3,NM", "S counts are 1 to 9"),
        ("R1,C3,S2-3,B0-3", "B0 with more than 2 states (Golly refuses it too)"),
        ("R1,C0,M2,S2..3,B3..3,NM", "M is 0 or 1"),
        ("R1,C0,M1,S5..3,B3..3,NM", "the S range's first count 5 is over its last 3"),
        ("R1,C0,S3-2,B3", "S's range 3-2 runs downwards"),
        ("R1,C0,S2-3,B3,NQ", "NQ is not one of Golly's neighbourhoods"),
        ("R251,C0,S2-3,B3,NL", "range is 1 to 250, not 251"),
        ("R51,C0,S2-3,B3,NG", "range is 1 to 50, not 51"),
        ("R1,C0,S2-3,B3,NW12340132", "is 9 hexadecimal digits (or 18, two a weight), not 8"),
        ("R1,C3,S2-3,B3,NW123401323,01", "NW's state weights are one digit a state, 3, not 2"),
        ("R1,C0,S2-3,B3,N3L", "N3 takes no digits or grid letter after it"),
        ("R1,C0,S2-3,B3,N@12,01", "only a weighted neighbourhood (NW) takes state weights"),
        ("R1,C0,S2-20,B3,NW123401323", "S counts are 0 to 19 in this neighbourhood"),
        ("R2,C0,S1,B1,N@89", "is 6 hexadecimal digits, not 2"),
        ("R1,C0,S2-3,B3,NM12", "NM takes no digits"),
        ("R1,C0,S2-3", "not a Larger than Life rule Golly reads"),
        ("R1,C0,S2-x,B3", "not a Larger than Life rule Golly reads"),
    ],
)
def test_bad_rules_are_refused_in_one_line(text, words):
    with pytest.raises(RuleError) as raised:
        parse_rule(text)
    assert words in str(raised.value) and "\n" not in str(raised.value)


def test_weights_are_read_as_golly_reads_them():
    single = parse_rule("R1,C0,S1,B1,NW123401323").rule.ltl
    assert single.weights().tolist() == [[1, 2, 3], [4, 0, 1], [3, 2, 3]]
    double = parse_rule("R1,C0,S1,B1,NW0810080a850a081008").rule.ltl
    assert double.weights().tolist() == [[8, 16, 8], [10, -5, 10], [8, 16, 8]]  # the top bit is the sign
    assert parse_rule("R1,C0,S1,B1,NW9F8701234").rule.ltl.weights().tolist() == [[-1, -7, 0], [7, 0, 1], [2, 3, 4]]
    assert double.size == 8 + 16 + 8 + 10 + 10 + 8 + 16 + 8  # the positive weights: the most a count can be
    weighted = parse_rule("R1,C4,S1,B1,NW123401323,012a").rule.ltl
    assert weighted.state_values(4)[:5].tolist() == [0, 1, 2, 10, 0] and weighted.size == 19 * 10
    assert weighted.weights(flipped=True).tolist() == [[3, 2, 3], [4, 0, 1], [1, 2, 3]]
    gaussian = parse_rule("R2,C0,S1,B1,NG").rule.ltl
    assert gaussian.weights().tolist() == [[1, 2, 3, 2, 1], [2, 4, 6, 4, 2], [3, 6, 9, 6, 3], [2, 4, 6, 4, 2],
                                           [1, 2, 3, 2, 1]]  # fmt: skip
    assert gaussian.size == 3**4  # Golly's (r + 1)^4: every weight, the middle's too


def test_b0_is_a_birth_among_dead_cells_whatever_they_weigh():
    assert parse_rule("R2,C0,S1-3,B0-2").rule.born_on_empty
    assert not parse_rule("R1,C0,S10-30,B0-20,NW123401323,21").rule.born_on_empty  # dead cells count 2 x 19
    assert parse_rule("R1,C0,S10-30,B30-38,NW123401323,21").rule.born_on_empty


def test_a_bounded_grid_under_twice_the_range_grows_to_it_as_in_golly():
    assert parse_rule("R5,C0,S2-3,B3:T4,30").torus == (10, 30)
    assert parse_rule("R5,C0,S2-3,B3:T20,20").torus == (20, 20)
    grid = parse_rule("R5,C0,S2-3,B3:P40,3").bounded
    assert (grid.kind, grid.width, grid.height) == ("P", 40, 10)
    assert parse_rule("R2,C0,S1,B1,NL:T5,5").torus == (8, 8)  # the triangular shape reaches twice its range
    assert parse_rule("R2,C0,S1,B1:T0,3").bounded.width == 0  # a tube stays a tube
    assert parse_rule("B3/S23:T2,2").torus == (2, 2)  # only Larger than Life


def test_a_slug_names_a_folder():
    assert parse_rule("R5,C0,M1,S34..58,B34..45,NM").rule.slug == "r5_c0_m1_s34.58_b34.45_nm"
    assert parse_rule("R3,C2,S2,B3,N+").rule.slug == "r3_c0_s2_b3_nplus"
