import numpy as np
import pytest

from lifetui.errors import UsageError
from lifetui.patterns import read_rle
from lifetui.rules import parse_rule
from lifetui.world.board import default_size, parse_size, refuse_bad_size, torus_board

GLIDER = "x = 3, y = 3\nbob$2bo$3o!"


@pytest.mark.parametrize(
    ("text", "size"),
    [("512x512", (512, 512)), ("100x37", (100, 37)), ("64", (64, 64)), ("3X3", (3, 3)), ("65536x3", (65536, 3))],
)
def test_parse_size(text, size):
    assert parse_size(text) == size


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("2x10", "board width 2 is outside 3..65536"),
        ("10x70000", "board height 70000 is outside 3..65536"),
        ("65537x3", "board width 65537 is outside"),
        ("1234567890x3", "outside 3..65536 a side"),
        ("axb", "WIDTHxHEIGHT"),
        ("-5x5", "WIDTHxHEIGHT"),
        ("", "WIDTHxHEIGHT"),
    ],
)
def test_bad_sizes(text, words):
    with pytest.raises(UsageError, match=words):
        parse_size(text)


def test_size_beyond_memory_names_the_numbers(monkeypatch):
    import lifetui.memory as memory

    monkeypatch.setattr(memory, "physical_memory", lambda: 10**9)
    with pytest.raises(UsageError) as raised:
        refuse_bad_size(20000, 20000)
    # 3 bytes a cell: the board, the copy a reset goes back to, a packed engine (numpy needs 12: its own check)
    assert str(raised.value) == "a 20000x20000 board needs about 1.2 GB to simulate; this machine has 1.0 GB"


def test_pattern_box_is_centred():
    board = torus_board(read_rle(GLIDER), (10, 7))
    left, top = (10 - 3) // 2, (7 - 3) // 2
    ys, xs = np.nonzero(board.cells)
    assert set(zip(xs.tolist(), ys.tolist())) == {
        (left + x, top + y) for x, y in [(1, 0), (2, 1), (0, 2), (1, 2), (2, 2)]
    }


def test_header_box_not_cells_is_centred():
    board = torus_board(read_rle("x = 7, y = 5\no!"), (11, 9))
    assert board.cells[2, 2] == 1 and board.population == 1


def test_rule_precedence():
    file_rule = read_rle("x = 3, y = 3, rule = B36/S23\nbob$2bo$3o!")
    assert str(torus_board(file_rule, (8, 8)).rule) == "B36/S23"
    assert str(torus_board(file_rule, (8, 8), parse_rule("B2/S")).rule) == "B2/S"
    assert str(torus_board(read_rle(GLIDER), (8, 8)).rule) == "B3/S23"


def test_torus_suffix_sets_size_unless_given():
    pattern = read_rle("x = 3, y = 3, rule = B3/S23:T20,10\nbob$2bo$3o!")
    assert torus_board(pattern).cells.shape == (10, 20)
    assert torus_board(pattern, (8, 8)).cells.shape == (8, 8)
    assert torus_board(pattern, None, parse_rule("B3/S23:T30,40")).cells.shape == (40, 30)
    assert torus_board(pattern, None, parse_rule("B36/S23")).cells.shape == (10, 20)


def test_default_size_leaves_room():
    assert default_size(read_rle(GLIDER)) == (256, 256)
    assert default_size(read_rle("x = 300, y = 3\no!")) == (640, 256)
    assert default_size(read_rle("x = 1000, y = 130\no!")) == (2048, 320)  # twice, rounded up to 64


def test_a_pattern_may_fill_the_torus_exactly():
    board = torus_board(read_rle("x = 5, y = 3\n5o$5o$5o!"), (5, 3))
    assert board.cells.all()


def test_pattern_larger_than_torus():
    with pytest.raises(UsageError) as raised:
        torus_board(read_rle("x = 5, y = 3\n5o!", "wide.rle"), (4, 4))
    assert str(raised.value) == "wide.rle: pattern is 5x3, larger than the 4x4 torus"


def test_generation_comes_from_the_file():
    assert torus_board(read_rle("#CXRLE Pos=0,0 Gen=77\nx = 1, y = 1\no!"), (5, 5)).generation == 77
