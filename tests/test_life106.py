import pytest

from lifetui.errors import PatternError
from lifetui.patterns.life106 import read_life106


def test_reads_coordinates_and_normalises_the_box():
    pattern = read_life106("#Life 1.06\n#N Glider\n0 -1\n1 0\n-1 1\n0 1\n1 1\n", "g.lif")
    assert pattern.name == "Glider"
    assert pattern.cells() == {(1, 0), (2, 1), (0, 2), (1, 2), (2, 2)}
    assert (pattern.width, pattern.height) == (3, 3)


def test_rule_line():
    assert str(read_life106("#Life 1.06\n#R 23/36\n0 0\n").rule.rule) == "B36/S23"


def test_duplicate_cells_count_once():
    assert read_life106("#Life 1.06\n0 0\n0 0\n").population == 1


@pytest.mark.parametrize(
    ("text", "location", "words"),
    [
        ("0 0\n", "x.lif:1:1", "#Life 1.06"),
        ("#Life 1.05\n#P 0 0\n*\n", "x.lif:1:1", "Life 1.05"),
        ("#Life 1.06\n0 0\n1 x\n", "x.lif:3:1", "two whole numbers"),
        ("#Life 1.06\n0 0 0\n", "x.lif:2:1", "two whole numbers"),
        ("#Life 1.06\n0 0\n99999999999 0\n", "x.lif:3:1", "out of range"),
        ("#Life 1.06\n0 0\n70000 0\n", "x.lif", "largest board"),
    ],
)
def test_errors(text, location, words):
    with pytest.raises(PatternError) as raised:
        read_life106(text, "x.lif")
    assert str(raised.value).startswith(location + ":")
    assert words in str(raised.value)
