import pytest

from lifetui.errors import PatternError
from lifetui.patterns.plaintext import read_plaintext


def test_reads_cells_name_and_comments():
    pattern = read_plaintext("!Name: Glider\n!A comment\n.O.\n..O\nOOO\n", "g.cells")
    assert pattern.name == "Glider"
    assert pattern.comments == ["A comment"]
    assert pattern.cells() == {(1, 0), (2, 1), (0, 2), (1, 2), (2, 2)}
    assert (pattern.width, pattern.height) == (3, 3)


def test_a_name_with_no_space_after_its_colon_is_read_whole():
    assert read_plaintext("!Name:Glider\n.O.\n..O\nOOO\n", "g.cells").name == "Glider"


def test_a_line_longer_than_the_largest_board_is_located_at_its_first_cell_too_many(monkeypatch):
    import lifetui.patterns.plaintext as plaintext

    monkeypatch.setattr(plaintext, "MAX_SIDE", 8)
    with pytest.raises(PatternError) as raised:
        read_plaintext("O\n.........O\n", "long.cells")
    assert str(raised.value).startswith("long.cells:2:9: line is longer than the largest board side (8)")


def test_box_is_the_live_cells_bounding_box():
    pattern = read_plaintext("......\n......\n...O*.\r\n......\n")
    assert pattern.cells() == {(0, 0), (1, 0)}
    assert (pattern.width, pattern.height) == (2, 1)


def test_empty_lines_are_dead_rows():
    assert read_plaintext("O\n\nO\n").cells() == {(0, 0), (0, 2)}


def test_bad_character_is_located():
    with pytest.raises(PatternError) as raised:
        read_plaintext("!x\n..O\n.X.\n", "bad.cells")
    assert str(raised.value) == "bad.cells:3:2: unexpected character 'X' (plaintext uses '.' and 'O')"


def test_memory_follows_the_runs_not_one_object_per_live_cell():
    import tracemalloc

    import numpy as np

    rows = np.where(np.random.default_rng(0).random((1000, 2000)) < 0.5, "O", ".")
    text = "\n".join("".join(row) for row in rows)  # 2 MB, a million live cells
    tracemalloc.start()
    try:
        pattern = read_plaintext(text, "big.cells")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert pattern.population == int((rows == "O").sum())
    assert peak < 40 * 2**20  # a tuple a live cell took over 150 MB here
