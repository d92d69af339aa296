"""Macrocell files (Golly's .mc) and gzipped patterns: read, written, read back; refused with one line."""

import gzip

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lifetui.errors import PatternError, UsageError
from lifetui.patterns import MAX_FILE_BYTES, parse_pattern
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
        ("[M2]\n1 0 1 0 1\n", "x.mc:2:1", "multi-state"),
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
