import numpy as np
import pytest

from lifetui.errors import RuleError
from lifetui.rules import CONWAY, NEIGHBOURHOOD, Rule, parse_rule


@pytest.mark.parametrize("text", ["B3/S23", "b3s23", "B3S23", "S23/B3", "s23b3", "23/3", "Life", "life", " B3/S23 "])
def test_conway_spellings(text):
    assert parse_rule(text).rule == CONWAY


@pytest.mark.parametrize(
    ("text", "canonical"),
    [
        ("B36/S23", "B36/S23"),
        ("HighLife", "B36/S23"),
        ("Day & Night", "B3678/S34678"),
        ("B2/S", "B2/S"),
        ("/2", "B2/S"),
        ("Seeds", "B2/S"),
        ("B0/S8", "B0/S8"),
        ("B012345678/S012345678", "B012345678/S012345678"),
        ("B63/S32", "B36/S23"),
    ],
)
def test_canonical_names(text, canonical):
    assert str(parse_rule(text).rule) == canonical


def test_slug_names_the_kernel_folder():
    assert CONWAY.slug == "b3s23"
    assert parse_rule("B3678/S34678").rule.slug == "b3678s34678"


@pytest.mark.parametrize(
    ("text", "torus"), [("B3/S23:T64,32", (64, 32)), ("b36s23:T100", (100, 100)), ("B3/S23", None)]
)
def test_torus_suffix(text, torus):
    assert parse_rule(text).torus == torus


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("B3/S23/C3", "Generations"),
        ("23/3/3", "Generations"),
        ("B2e3/S23", "non-totalistic"),
        ("B3/S23V", "von Neumann"),
        ("B3/S23H", "hexagonal"),
        ("R2,C0,M1,S2..3,B3..3,NM", "Life-like"),
        ("LifeHistory", "Life-like"),
        ("B9/S23", "0 to 8"),
        ("B3/S23x", "non-totalistic"),
        ("Banana", "B/S notation"),
        ("", "empty"),
        ("B3/S23:P64,64", "torus"),
        ("B3/S23:T0,64", "finite"),
        ("B3/S23:T10+2,8", "torus"),
    ],
)
def test_unsupported_rules_are_named(text, words):
    with pytest.raises(RuleError) as raised:
        parse_rule(text)
    assert words in str(raised.value)
    assert "\n" not in str(raised.value)


def test_truth_table_matches_the_rule_for_every_neighbourhood():
    table = CONWAY.truth_table()
    assert table.shape == (512,)
    for index in range(512):
        bits = [(index >> k) & 1 for k in range(9)]
        alive = bits[NEIGHBOURHOOD.index("C")]
        neighbours = sum(bits) - alive
        assert table[index] == (neighbours in ((2, 3) if alive else (3,)))
    assert int(table.sum()) == 140  # C(8,3) births + C(8,2) + C(8,3) survivals


def test_lookup_table_is_next_state_by_alive_and_neighbours():
    table = Rule(frozenset({0}), frozenset({8})).lookup()
    assert table.tolist() == [[1, 0, 0, 0, 0, 0, 0, 0, 0], [0, 0, 0, 0, 0, 0, 0, 0, 1]]
    assert np.issubdtype(table.dtype, np.uint8)
