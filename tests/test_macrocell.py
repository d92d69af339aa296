"""Macrocell files (Golly's .mc) and gzipped patterns: read, written, read back; refused with one line."""

import gzip
import re

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lifetui.errors import PatternError, UsageError
from lifetui.patterns import MAX_FILE_BYTES, parse_pattern, read_rle
from lifetui.patterns.macrocell import MAX_POPULATION, read_macrocell, write_macrocell
from lifetui.rules import CONWAY, parse_rule
from lifetui.world.board import torus_board

#: Golly's help's example leaf: a glider in an 8 x 8 square.
GLIDER_LEAF = "$$..*$...*$.***$$$$"


def test_golly_s_example_leaf_in_a_tree():
    # node 1 the glider leaf, node 2 a 16 x 16 square with it in the south-east, node 3 a 32 x 32 square
    # with node 2 in its north-west and south-east: two gliders, 16 cells apart on each axis
    text = f"[M2] (golly 2.0)\n#R B3/S23\n#G 42\n#C two gliders\n{GLIDER_LEAF}\n4 0 0 0 1\n5 2 0 0 2\n"
    pattern = read_macrocell(text)
    assert str(pattern.rule.rule) == "B3/S23" and pattern.generation == 42 and pattern.comments == ["two gliders"]
    glider = {(2, 2), (3, 3), (1, 4), (2, 4), (3, 4)}  # (x, y) in the leaf; x from 1, y from 2
    # at (8, 8) and (24, 24); the box's corner is the first glider's, (9, 10)
    both = {(x - 1, y - 2) for x, y in glider} | {(x + 15, y + 14) for x, y in glider}
    assert pattern.cells() == both and (pattern.width, pattern.height) == (19, 19)


def test_squares_are_placed_by_their_quadrants():
    # the glider leaf in the north-west of a level 4 node, and again in the south-east of a level 5 node
    text = f"[M2] (golly 2.0)\n{GLIDER_LEAF}\n4 1 0 0 0\n5 0 0 0 2\n"
    pattern = read_macrocell(text)
    glider = {(2, 2), (3, 3), (1, 4), (2, 4), (3, 4)}  # (x, y) in the leaf
    corner = min(x for x, _ in glider), min(y for _, y in glider)
    assert pattern.cells() == {(x - corner[0], y - corner[1]) for x, y in glider}
    assert pattern.rule is None and (pattern.width, pattern.height) == (3, 3)


def test_repeated_squares_are_counted_before_they_are_laid_out():
    # a level 40 square whose every leaf is full: 2^80 cells, refused at once, not expanded
    lines = ["[M2] (test)", "********$" * 8]
    for level in range(4, 41):
        previous = len(lines) - 1
        lines.append(f"{level} {previous} {previous} {previous} {previous}")
    big = read_macrocell("\n".join(lines) + "\n", "big.mc")  # kept as its quadtree, for the plane
    assert big.unlaid == f"big.mc: {4**40:,} live cells, more than lifetui lays out on a board ({MAX_POPULATION:,})"
    with pytest.raises(UsageError, match="live cells, more than lifetui lays out.*run --plane --engine hashlife"):
        torus_board(big)
    # one glider in the corner of a level 40 square: a tiny pattern in a huge universe reads at once
    lines = ["[M2] (test)", GLIDER_LEAF, "4 1 0 0 0"]
    for level in range(5, 41):
        lines.append(f"{level} {len(lines) - 1} 0 0 0")
    assert read_macrocell("\n".join(lines) + "\n").population == 5
    assert MAX_POPULATION < 2**80


@settings(max_examples=30, deadline=None)
@given(st.integers(3, 70), st.integers(3, 70), st.integers(0, 2**32 - 1), st.integers(0, 10**6))
def test_a_board_written_as_macrocell_reads_back_in_place(height, width, seed, generation):
    cells = (np.random.default_rng(seed).random((height, width)) < 0.3).astype(np.uint8)
    rule = parse_rule("B2-a/S12").rule
    pattern = read_macrocell(write_macrocell(cells, rule, generation))
    board = torus_board(pattern)
    assert board.rule == rule and board.generation == generation
    assert np.array_equal(board.cells, cells)


def test_written_squares_are_shared():
    cells = np.zeros((256, 256), dtype=np.uint8)
    cells[::16, ::16] = 1  # the same leaf everywhere
    text = write_macrocell(cells, CONWAY)
    node_lines = [line for line in text.splitlines() if not line.startswith(("[", "#"))]
    assert len(node_lines) <= 1 + 2 * (8 - 3)  # one leaf, then one or two nodes per level
    assert read_macrocell(text).population == 256


@pytest.mark.parametrize(
    ("text", "location", "words"),
    [
        ("#R B3/S23\n", "x.mc:1:1", "[M2]"),
        ("[M2]\n4 1 0 0 0\n", "x.mc:2:1", "used before it is defined"),
        (f"[M2]\n{GLIDER_LEAF}\n5 1 0 0 0\n", "x.mc:3:1", "level 3, not 4"),
        (f"[M2]\n{GLIDER_LEAF}\n1 0 1 0 1\n", "x.mc:3:1", "a multi-state leaf (level 1) in a two-state file"),
        ("[M2]\n1 0 1 0 1\n..*$\n", "x.mc:3:1", "an 8 x 8 two-state leaf in a multi-state file"),
        ("[M2]\n1 0 1 0 256\n", "x.mc:2:1", "a cell's state is 0 to 255, not 256"),
        ("[M2]\n1 0 1 0 1\n3 1 0 0 0\n", "x.mc:3:1", "node 1 is of level 1, not 2"),
        ("[M2]\n1 0 1 0 1\n70 0 0 0 0\n", "x.mc:3:1", "level is 2 to 62 in a multi-state file"),
        ("[M2]\n..*x$\n", "x.mc:2:1", "only '.', '*' and '$'"),
        ("[M2]\n.........*$\n", "x.mc:2:1", "8 x 8"),
        ("[M2]\n4 0 0 0\n", "x.mc:2:1", "'level nw ne sw se'"),
        ("[M2]\n#G soon\n", "x.mc:2:3", "whole number"),
        ("[M2]\n#R W110\n", "x.mc:2:3", "Wolfram"),
        ("[M2]\n70 0 0 0 0\n", "x.mc:2:1", "level is 4 to"),
        ("[M2]\n*$\n4 1 0 0 " + "9" * 5000 + "\n", "x.mc:3:1", "'level nw ne sw se'"),
    ],
)
def test_errors_name_the_line(text, location, words):
    with pytest.raises(PatternError) as raised:
        read_macrocell(text, "x.mc")
    assert str(raised.value).startswith(location + ":") and words in str(raised.value)


def test_gzipped_patterns_read_as_their_inner_name_says(tmp_path):
    from lifetui.patterns import load_pattern

    (tmp_path / "glider.rle.gz").write_bytes(gzip.compress(b"x = 3, y = 3\nbo$2bo$3o!\n"))
    (tmp_path / "glider.mc.gz").write_bytes(gzip.compress(f"[M2]\n{GLIDER_LEAF}\n4 1 0 0 0\n".encode()))
    (tmp_path / "sniffed.gz").write_bytes(gzip.compress(b"#Life 1.06\n0 0\n1 0\n"))
    for name, population in (("glider.rle.gz", 5), ("glider.mc.gz", 5), ("sniffed.gz", 2)):
        assert load_pattern(str(tmp_path / name)).population == population
    with pytest.raises(PatternError, match="^bad.rle.gz: a damaged gzip file"):  # naming the file
        parse_pattern(gzip.compress(b"x = 1, y = 1\no!\n")[:10] + b"\xff" * 20, "bad.rle.gz")
    with pytest.raises(PatternError, match="^cut.rle.gz: .*ends early"):
        parse_pattern(gzip.compress(b"x = 1, y = 1\no!\n" * 100)[:40], "cut.rle.gz")


def test_a_gzip_bomb_stops_at_the_size_limit():
    bomb = gzip.compress(b"!" * (MAX_FILE_BYTES + 10), compresslevel=1)
    assert len(bomb) < MAX_FILE_BYTES // 100
    with pytest.raises(PatternError, match="unzipped, file is larger than"):
        parse_pattern(bomb, "bomb.rle.gz")


def test_run_writes_macrocell_for_an_mc_name_and_reads_it_back(lifetui, tmp_path):
    out = tmp_path / "later.mc"
    assert lifetui("run", "r-pentomino", "--steps", "100", "--size", "64x48", "-o", str(out)).code == 0
    assert out.read_text().startswith("[M2] (lifetui)\n#R B3/S23:T64,48\n#G 100\n")
    again = lifetui("run", str(out), "--steps", "50")
    direct = lifetui("run", "r-pentomino", "--steps", "150", "--size", "64x48")

    def cells(rle):  # the board: the header line and the cells, not the comments (name, author)
        return [line for line in rle.splitlines() if not line.startswith("#")]

    assert again.code == 0 and cells(again.out) == cells(direct.out)


def test_node_lines_may_separate_their_numbers_by_any_blanks():
    assert read_macrocell(f"[M2]\n{GLIDER_LEAF}\n4  1\t0 0   0\n").population == 5


def test_a_small_file_asking_for_tens_of_millions_of_runs_is_refused_before_laying_them_out():
    from lifetui.patterns.macrocell import MAX_RUNS

    lines = ["[M2] (test)", "*.*.*.*$.*.*.*.*$" * 4]  # a checkerboard leaf: 32 runs of one cell
    for level in range(4, 14):
        previous = len(lines) - 1
        lines.append(f"{level} {previous} {previous} {previous} {previous}")
    checkers = read_macrocell("\n".join(lines) + "\n", "checkers.mc")
    assert "runs of live cells, more than lifetui lays out" in checkers.unlaid
    with pytest.raises(UsageError, match=r"write it as macrocell \(-o X.mc\)"):
        checkers.runs  # noqa: B018 - too many to list
    with pytest.raises(UsageError, match="runs of live cells"):
        checkers.to_array()
    assert MAX_RUNS < 32 * 4**10


def test_a_macrocell_file_too_large_to_lay_out_runs_on_the_plane_from_its_quadtree():
    from lifetui.world.topology import PLANE
    from lifetui.world.universe import create_universe

    # A square of side 2^20 full of live cells (2^40 of them), as 21 lines of macrocell.
    lines = ["[M2] (test)", "********$" * 8]
    for level in range(4, 21):
        previous = len(lines) - 1
        lines.append(f"{level} {previous} {previous} {previous} {previous}")
    full = read_macrocell("\n".join(lines) + "\n", "full.mc")
    assert full.unlaid and (full.width, full.height) == (1 << 20, 1 << 20)
    plane = create_universe("hashlife", CONWAY, PLANE)
    plane.load_pattern(full)
    top, left = full.plane_origin()
    assert plane.population() == 1 << 40 and plane.extent() == (top, left, 1 << 20, 1 << 20)
    plane.step(1)
    # Life empties a full square at once but for its corners (3 neighbours each), and along each side, just
    # outside, every cell but the two at its ends has 3 live neighbours and is born.
    assert plane.population() == 4 + 4 * ((1 << 20) - 2)
    assert plane.extent() == (top - 1, left - 1, (1 << 20) + 2, (1 << 20) + 2)
    with pytest.raises(UsageError, match="run --plane --engine hashlife"):
        create_universe("numpy", CONWAY, PLANE).load_pattern(full)


def test_a_macrocell_file_opens_by_its_nodes_and_makes_runs_only_when_asked():
    # A square of 1024 x 1024 cells, every other row live: 11 lines of file, 512 runs. hashlife plants the
    # nodes as they are; the runs are made when a board needs them, and are the same either way.
    from lifetui.rules import CONWAY
    from lifetui.world.topology import PLANE
    from lifetui.world.universe import create_universe

    lines = ["[M2] (lifetui)", "#R B3/S23", "$".join(["********", ""] * 4) + "$"]
    lines += [f"{level} {level - 3} {level - 3} {level - 3} {level - 3}" for level in range(4, 11)]
    pattern = read_macrocell("\n".join(lines) + "\n")
    assert pattern.population == 512 * 1024
    plane = create_universe("hashlife", CONWAY, PLANE)
    plane.load_pattern(pattern)
    assert pattern._runs is None  # planted from the nodes: no run was made
    assert plane.population() == 512 * 1024 and plane.extent() == (*pattern.plane_origin(), 1023, 1024)
    assert int(pattern.runs[:, 2].sum()) == 512 * 1024 and set(pattern.runs[:, 0] % 2) == {0}
    grid = create_universe("c", CONWAY, PLANE)
    grid.load_pattern(pattern)  # from the runs, now made
    assert grid.extent() == plane.extent() and grid.population() == plane.population()


def test_one_leaf_past_the_population_limit_is_kept_as_a_quadtree():
    # A full square 2^13 cells a side (2^26 cells: the limit itself) beside one more full leaf: 64 cells too many
    # to lay out, found from the node counts alone.
    lines = ["[M2] (test)", "********$" * 8]
    for level in range(4, 14):
        previous = len(lines) - 1
        lines.append(f"{level} {previous} {previous} {previous} {previous}")
    square = len(lines) - 1
    lines.append("4 1 0 0 0")
    for level in range(5, 14):
        lines.append(f"{level} {len(lines) - 1} 0 0 0")
    lines.append(f"14 {square} {len(lines) - 1} 0 0")
    big = read_macrocell("\n".join(lines) + "\n", "big.mc")
    assert MAX_POPULATION == 1 << 26
    assert big.unlaid == f"big.mc: {(1 << 26) + 64:,} live cells, more than lifetui lays out on a board (67,108,864)"


# Golly's own files (bgolly 4.3, `-a Generations` and `-a Super`, `-o X.mc`): Brian's Brain three generations on
# from `.A2B$2A.A$B2A!`, and a LifeHistory pattern of every state two on; with the RLE Golly wrote of each.
GOLLY_BRIANS_BRAIN = """[M2] (golly 4.3)
#R /2/3
#G 3
1 0 0 0 2
1 0 2 2 1
2 0 0 1 2
1 0 1 0 0
1 1 0 0 0
2 4 5 0 0
3 3 0 6 0
4 0 0 0 7
"""
GOLLY_LIFE_HISTORY = """[M2] (golly 4.3)
#R LifeHistory
#G 2
1 0 0 2 2
2 0 0 1 1
1 0 0 4 0
2 0 0 3 0
3 0 0 2 4
1 2 1 4 1
1 6 2 2 4
1 0 1 0 0
1 2 0 0 0
2 6 7 8 9
3 10 0 0 0
4 0 5 0 11
"""


@pytest.mark.parametrize(
    ("text", "rle"),
    [
        (GOLLY_BRIANS_BRAIN, "x = 3, y = 3, rule = /2/3\n2.B$2BA$2A!\n"),
        (GOLLY_LIFE_HISTORY, "x = 5, y = 4, rule = LifeHistory\n4BD$BAFB$DABD$.AB!\n"),
    ],
)
def test_multi_state_files_as_golly_writes_them(text, rle):
    pattern, expected = read_macrocell(text), read_rle(rle)
    assert str(pattern.rule.rule) == str(expected.rule.rule) and pattern.generation in (2, 3)
    assert (pattern.width, pattern.height) == (expected.width, expected.height)
    assert pattern.cell_states() == expected.cell_states()


def test_multi_state_squares_are_placed_by_their_quadrants():
    # leaf 1 in the north-west of a level 2 node, leaf 2 in its south-east; node 3 in the north-east and
    # south-west of the root (level 3): each state where its quadrants put it
    text = "[M2]\n#R 345/2/4\n1 1 2 0 3\n1 0 0 2 0\n2 1 0 0 2\n3 0 3 3 0\n"
    states = {(0, 0): 1, (1, 0): 2, (1, 1): 3, (2, 3): 2}  # (x, y) in node 3
    expected = {(x + dx, y + dy): s for (x, y), s in states.items() for dx, dy in ((4, 0), (0, 4))}
    pattern = read_macrocell(text)
    assert pattern.cell_states() == expected and (pattern.width, pattern.height) == (7, 8)


@settings(max_examples=30, deadline=None)
@given(st.integers(3, 40), st.integers(3, 40), st.integers(0, 2**32 - 1), st.sampled_from(["/2/3", "LifeHistory",
                                                                                          "345/2/200"]))  # fmt: skip
def test_a_multi_state_board_written_as_macrocell_reads_back_in_place(height, width, seed, rule_text):
    rule = parse_rule(rule_text).rule
    rng = np.random.default_rng(seed)
    cells = np.where(rng.random((height, width)) < 0.4, rng.integers(1, rule.states, (height, width)), 0)
    cells = cells.astype(np.uint8)
    text = write_macrocell(cells, rule, 9)
    assert all(re.fullmatch(r"[1-9][0-9]*( [0-9]+){4}", line) for line in text.splitlines()[3:])  # nodes of states
    board = torus_board(read_macrocell(text))
    assert board.rule == rule and board.generation == 9 and np.array_equal(board.cells, cells)


def test_multi_state_cells_on_the_plane_keep_their_place():
    cells = np.array([[0, 2, 0], [1, 0, 0], [0, 0, 3]], np.uint8)
    pattern = read_macrocell(write_macrocell(cells, parse_rule("345/2/4").rule, torus=False, position=(-9, 4)))
    assert pattern.position == (-9, 4) and (pattern.width, pattern.height) == (3, 3)
    assert pattern.cell_states() == {(1, 0): 2, (0, 1): 1, (2, 2): 3}


def test_written_multi_state_squares_are_shared():
    cells = np.zeros((256, 256), dtype=np.uint8)
    cells[::16, ::16] = 2
    text = write_macrocell(cells, parse_rule("/2/3").rule)
    node_lines = [line for line in text.splitlines() if not line.startswith(("[", "#"))]
    assert node_lines[0] == "1 2 0 0 0" and len(node_lines) <= 1 + 2 * (8 - 1)
    assert read_macrocell(text).to_array().tolist() == cells.tolist()


def far_corners(level: int, rule: str = "/2/3", nodes: tuple[str, ...] = ("1 1 0 0 0", "1 0 0 0 2"),
                corners: tuple[int, int] = (1, 2)) -> str:  # fmt: skip
    """A multi-state file of `nodes` whose root (level `level`) holds the first of `corners` (node numbers, of the
    level of the last node) at its north-west corner and the second at its south-east one: two squares 2^level
    cells apart, in a few lines a level."""
    lines = ["[M2] (test)", f"#R {rule}", *nodes]
    north_west, south_east = corners
    for level_ in range(int(nodes[-1].split()[0]) + 1, level):
        lines += [f"{level_} {north_west} 0 0 0", f"{level_} 0 0 0 {south_east}"]
        north_west, south_east = len(lines) - 3, len(lines) - 2
    lines.append(f"{level} {north_west} 0 0 {south_east}")
    return "\n".join(lines) + "\n"


def test_a_multi_state_file_too_large_for_a_board_keeps_its_quadtree_and_a_board_refuses_it_in_one_line(
    lifetui, tmp_path
):
    # two cells at opposite corners of a level 41 square: 2^41 cells a side, a board no machine holds
    huge = read_macrocell(far_corners(41), "huge.mc")
    side = 2**41
    assert (huge.width, huge.height, huge.population) == (side, side, 2)
    assert huge.states == 3 and huge.quadtree is not None and huge._runs is None  # nothing laid out
    assert huge.unlaid == f"huge.mc: pattern spans {side} x {side}, more than the largest pattern (1,073,741,824)"
    with pytest.raises(UsageError, match="^huge.mc: pattern spans .*`lifetui run --plane --engine hashlife` runs it"):
        huge.to_array()
    path = tmp_path / "huge.mc"
    path.write_text(far_corners(41))
    for board in (["--engine", "numpy"], ["--size", "64x64"]):
        result = lifetui("run", str(path), "--steps", "1", *board)
        assert result.code == 2 and len(result.err.strip().splitlines()) == 1
        assert "huge.mc: pattern spans 2199023255552 x 2199023255552, more than the largest pattern" in result.err


def test_a_multi_state_file_s_runs_and_states_are_made_from_its_quadtree_when_first_asked_for():
    pattern = read_macrocell(GOLLY_LIFE_HISTORY)
    assert pattern._runs is None and pattern.states == 7 and pattern.population == 15
    expected = read_rle("x = 5, y = 4, rule = LifeHistory\n4BD$BAFB$DABD$.AB!\n")
    assert pattern.run_states is not None and pattern._runs is not None  # the states ask for the runs too
    assert pattern.cell_states() == expected.cell_states()
    assert np.array_equal(pattern.to_array(), expected.to_array())


def test_a_multi_state_file_of_more_states_than_the_rule_reads_them_as_state_1_in_its_leaves():
    from lifetui.world.board import asked

    pattern, expected = (
        read_macrocell(GOLLY_LIFE_HISTORY, "h.mc"),
        read_rle("x = 5, y = 4, rule = LifeHistory\n4BD$BAFB$DABD$.AB!\n", "h.mc"),
    )
    for each in (pattern, expected):
        asked(each, parse_rule("345/2/4"))  # Star Wars: four states; 4 (D) and 6 (F) become 1
    assert pattern._runs is None and pattern.states == 3  # states 1 and 2 left
    assert (
        pattern.warnings
        == expected.warnings
        == ["h.mc: 4 cells in states 4 and above, which a rule of 4 states lacks, read as state 1"]
    )
    assert pattern.cell_states() == expected.cell_states()


def test_a_torus_written_in_multi_state_macrocell_reads_back_lazily_in_place():
    cells = np.zeros((40, 24), dtype=np.uint8)
    cells[3, 5], cells[39, 0], cells[20, 23] = 2, 1, 2
    pattern = read_macrocell(write_macrocell(cells, parse_rule("/2/3").rule))
    assert pattern._runs is None and (pattern.width, pattern.height) == (24, 40)
    assert torus_board(pattern).cells.tolist() == cells.tolist()


def test_a_torus_is_written_without_a_position_and_a_part_of_the_plane_with_its_own():
    cells = read_rle("x = 3, y = 1\n3o!\n").to_array()
    on_torus = write_macrocell(cells, CONWAY, torus=True, position=(5, -7))
    assert "#R B3/S23:T3,1" in on_torus and "Pos=" not in on_torus  # its top-left is the root's
    on_plane = write_macrocell(cells, CONWAY, torus=False, position=(5, -7))
    assert "#CXRLE Pos=5,-7" in on_plane
    back = read_macrocell(on_plane, "p.mc")
    assert back.population == 3 and back.position == (5, -7)
