import pytest

from lifetui.errors import PatternError
from lifetui.patterns.life106 import read_life106


def test_reads_coordinates_and_normalises_the_box():
    pattern = read_life106("#Life 1.06\n#N Glider\n0 -1\n1 0\n-1 1\n0 1\n1 1\n", "g.lif")
    assert pattern.name == "Glider"
    assert pattern.cells() == {(1, 0), (2, 1), (0, 2), (1, 2), (2, 2)}
    assert (pattern.width, pattern.height) == (3, 3)


def test_name_and_author_lines():
    pattern = read_life106("#Life 1.06\n#N Blinker\n#O Jane Doe, 1970\n0 0\n0 1\n0 2\n", "b.lif")
    assert (pattern.name, pattern.author) == ("Blinker", "Jane Doe, 1970")


def test_rule_line():
    assert str(read_life106("#Life 1.06\n#R 23/36\n0 0\n").rule.rule) == "B36/S23"


def test_duplicate_cells_count_once():
    assert read_life106("#Life 1.06\n0 0\n0 0\n").population == 1


@pytest.mark.parametrize(
    ("text", "location", "words"),
    [
        ("0 0\n", "x.lif:1:1", "#Life 1.06"),
        ("#Life 1.04\n#P 0 0\n*\n", "x.lif:1:1", "#Life 1.05"),
        ("#Life 1.05\n*\n", "x.lif:2:1", "before the first '#P x y'"),
        ("#Life 1.05\n#P 0 0\n.*o\n", "x.lif:3:3", "'.' and '*' only"),
        ("#Life 1.05\n#P 0 zero\n*\n", "x.lif:2:1", "two whole numbers"),
        ("#Life 1.05\n#P 99999999999 0\n*\n", "x.lif:2:1", "out of range"),
        ("#Life 1.05\n#R 23/3/1\n", "x.lif:2:4", "rule"),
        ("#Life 1.06\n0 0\n1 x\n", "x.lif:3:1", "two whole numbers"),
        ("#Life 1.06\n0 0 0\n", "x.lif:2:1", "two whole numbers"),
        ("#Life 1.06\n0 0\n99999999999 0\n", "x.lif:3:1", "out of range"),
        ("#Life 1.06\n0 0\n1073741824 0\n", "x.lif", "largest pattern"),
    ],
)
def test_errors(text, location, words):
    with pytest.raises(PatternError) as raised:
        read_life106(text, "x.lif")
    assert str(raised.value).startswith(location + ":")
    assert words in str(raised.value)


def test_life105_blocks_place_their_rows_from_their_corners():
    text = "#Life 1.05\n#D two blocks\n#N\n#P -1 -1\n.*\n..*\n#P 3 2\n***\n\n#P\n*\n"
    pattern = read_life106(text)
    # cells (x, y): (0,-1) (1,0) from the first block; (3,2) (4,2) (5,2); (0,0) from the bare '#P'
    cells = {(x, y - 1) for x, y in pattern.cells()}  # back from the box's corner (0, -1)
    assert cells == {(0, -1), (1, 0), (3, 2), (4, 2), (5, 2), (0, 0)}
    assert str(pattern.rule.rule) == "B3/S23" and pattern.comments == ["two blocks"]
    assert (pattern.width, pattern.height) == (6, 4)


def test_life105_rules_in_either_order_and_golly_s_bare_births():
    assert str(read_life106("#Life 1.05\n#R 23/36\n#P 0 0\n*\n").rule.rule) == "B36/S23"
    assert str(read_life106("#Life 1.05\n#R B234\n#P 0 0\n*\n").rule.rule) == "B234/S"


def test_life105_rows_make_only_stars_live_where_they_stand():
    pattern = read_life106("#Life 1.05\n#P 2 -1\n*.*..**\n.\n...*\n")
    assert pattern.population == 5 and pattern.position == (2, -1)
    assert pattern.cells() == {(0, 0), (2, 0), (5, 0), (6, 0), (3, 2)}
