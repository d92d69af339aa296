import re

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

import lifetui.patterns.rle as rle_module
from lifetui.errors import PatternError
from lifetui.patterns import read_rle, write_rle
from lifetui.rules import CONWAY, parse_rule
from lifetui.world.board import board_for

LIFE_MAP = "MAPARYXfhZofugWaH7oaIDogBZofuhogOiAaIDogIAAgAAWaH7oaIDogGiA6ICAAIAAaIDogIAAgACAAIAAAAAAAA"

GLIDER = {(1, 0), (2, 1), (0, 2), (1, 2), (2, 2)}

# (description, text, live cells as (x, y), (width, height))
CASES = [
    ("plain header", "x = 3, y = 3, rule = B3/S23\nbob$2bo$3o!", GLIDER, (3, 3)),
    ("header without spaces", "x=3,y=3,rule=B3/S23\nbob$2bo$3o!", GLIDER, (3, 3)),
    ("header without rule", "x = 3, y = 3\nbob$2bo$3o!", GLIDER, (3, 3)),
    ("no header at all", "bob$2bo$3o!", GLIDER, (3, 3)),
    ("CRLF line ends", "#N Glider\r\nx = 3, y = 3\r\nbob$2bo$\r\n3o!\r\n", GLIDER, (3, 3)),
    ("run wrapped over lines", "x = 3, y = 3\nb\no\nb$2b\no$3\no!", GLIDER, (3, 3)),
    ("count before $ skips rows", "x = 1, y = 4\no3$o!", {(0, 0), (0, 3)}, (1, 4)),
    ("missing final !", "x = 3, y = 3\nbob$2bo$3o", GLIDER, (3, 3)),
    ("text after !", "x = 3, y = 3\nbob$2bo$3o!\nThis glider came from a friend. ooo $$$", GLIDER, (3, 3)),
    ("whitespace between items", "x = 3, y = 3\nb o b $ 2b o $ 3o !", GLIDER, (3, 3)),
    ("trailing dead cells written out", "x = 3, y = 3\nbobbbb$2bo$3o!", GLIDER, (3, 3)),
    ("header box larger than cells", "x = 10, y = 6\no!", {(0, 0)}, (10, 6)),
    ("empty pattern", "x = 0, y = 0\n!", set(), (0, 0)),
    ("empty pattern with box", "x = 5, y = 5\n!", set(), (5, 5)),
    ("comments before header", "#C a comment\n#c lower case\n#N Name\n#O Someone\nx = 1, y = 1\no!", {(0, 0)}, (1, 1)),
    ("#P and #R positions ignored", "#P -10 20\n#R 3 4\nx = 2, y = 1\n2o!", {(0, 0), (1, 0)}, (2, 1)),
    ("CXRLE line", "#CXRLE Pos=-5,7 Gen=1234\nx = 2, y = 1\n2o!", {(0, 0), (1, 0)}, (2, 1)),
    ("LifeViewer script in comments", "#C [[ ZOOM 4 GRID ]]\nx = 1, y = 1\no!", {(0, 0)}, (1, 1)),
    ("LifeViewer block over lines", "x = 1, y = 1\n[[ ZOOM 4\nGRID ]]\no!", {(0, 0)}, (1, 1)),
    ("multi-state letters read as live", "x = 3, y = 1, rule = B3/S23\nA.B!", {(0, 0), (2, 0)}, (3, 1)),
    ("the last multi-state letter, X", "x = 2, y = 1\nbX!", {(1, 0)}, (2, 1)),
    ("the largest side", "x = 65536, y = 1\n65535bo!", {(65535, 0)}, (65536, 1)),
    ("spaces, tabs and returns between items", "x = 3, y = 2\n o\t\r$o!", {(0, 0), (0, 1)}, (3, 2)),
    ("extended multi-state letters", "x = 2, y = 1\npAqB!", {(0, 0), (1, 0)}, (2, 1)),
    ("dots are dead", "x = 3, y = 1\n.o.!", {(1, 0)}, (3, 1)),
    ("large counts", "x = 1000, y = 2\n999bo$1000o!", {(999, 0)} | {(x, 1) for x in range(1000)}, (1000, 2)),
    ("leading empty rows", "x = 1, y = 3\n2$o!", {(0, 2)}, (1, 3)),
    ("blank lines anywhere", "\n\nx = 1, y = 1\n\no\n\n!", {(0, 0)}, (1, 1)),
    ("UTF-8 byte order mark handled by loader too", "x = 1, y = 1\no!", {(0, 0)}, (1, 1)),
    ("cells beyond a too-small header grow the box", "x = 1, y = 1\n3o!", {(0, 0), (1, 0), (2, 0)}, (3, 1)),
    ("no header: box trimmed to live cells", "2$3b2o!", {(0, 0), (1, 0)}, (2, 1)),
    ("tabs and spaces around header", "\tx =  3 ,  y = 3 , rule = b3s23 \nbob$2bo$3o!", GLIDER, (3, 3)),
]


@pytest.mark.parametrize(("description", "text", "cells", "box"), CASES, ids=[case[0] for case in CASES])
def test_rle_edge_cases(description, text, cells, box):
    pattern = read_rle(text, "case.rle")
    assert pattern.cells() == cells
    assert (pattern.width, pattern.height) == box


def test_metadata_is_kept():
    pattern = read_rle("#N Glider\n#O Richard K. Guy, 1969\n#C moves\n#CXRLE Pos=0,0 Gen=42\nx = 3, y = 3\nbob$2bo$3o!")
    assert pattern.name == "Glider"
    assert pattern.author == "Richard K. Guy, 1969"
    assert "moves" in pattern.comments
    assert pattern.generation == 42


@pytest.mark.parametrize(
    ("header", "rule", "torus"),
    [
        ("x = 3, y = 3, rule = B36/S23", "B36/S23", None),
        ("x = 3, y = 3, rule = 23/3", "B3/S23", None),
        ("x = 3, y = 3, rule = B3/S23:T20,10", "B3/S23", (20, 10)),
        ("x = 3, y = 3, rule = Life", "B3/S23", None),
        ("x = 3, y = 3, rule = B2-a/S12:T40,30", "B2-a/S12", (40, 30)),
        ("x = 3, y = 3, rule = b37/s2-i34q", "B37/S2-i34q", None),
        ("x = 3, y = 3, rule = " + LIFE_MAP, "B3/S23", None),
    ],
)
def test_rule_in_header(header, rule, torus):
    pattern = read_rle(f"{header}\nbob$2bo$3o!")
    assert str(pattern.rule.rule) == rule
    assert pattern.rule.torus == torus


def test_hash_r_rule_line():
    assert str(read_rle("#r 34/34\nx = 1, y = 1\no!").rule.rule) == "B34/S34"


def test_header_rule_wins_over_hash_r():
    assert str(read_rle("#r B2/S\nx = 1, y = 1, rule = B36/S23\no!").rule.rule) == "B36/S23"


def test_warning_for_missing_bang():
    pattern = read_rle("x = 2, y = 1\nAB", "m.rle")
    assert [w for w in pattern.warnings if "'!'" in w] == ["m.rle: no '!' at the end of the pattern"]


@pytest.mark.parametrize(
    ("text", "states"),
    [
        ("x = 3, y = 1, rule = /2/3\nA.B!", {(0, 0): 1, (2, 0): 2}),
        ("x = 4, y = 1\n.2X.!", {(1, 0): 24, (2, 0): 24}),
        ("x = 4, y = 1\npA2qBo!", {(0, 0): 25, (1, 0): 50, (2, 0): 50, (3, 0): 1}),  # `o` is state 1 anywhere
        ("x = 3, y = 1\nxAxXyO!", {(0, 0): 217, (1, 0): 240, (2, 0): 255}),
        ("x = 2, y = 2\n.A$2B!", {(1, 0): 1, (0, 1): 2, (1, 1): 2}),
    ],
)
def test_extended_rle_reads_each_cell_state(text, states):
    pattern = read_rle(text, "states.rle")
    assert pattern.cell_states() == states
    cells = pattern.to_array()
    assert {(int(x), int(y)): int(cells[y, x]) for y, x in zip(*cells.nonzero())} == states


def test_a_multi_state_file_under_a_two_state_rule_runs_its_live_cells_saying_so_once():
    pattern = read_rle("x = 3, y = 1, rule = B3/S23\nABC!", "m.rle")
    board = board_for(pattern)
    assert board.pattern.cell_states() == {(0, 0): 1, (1, 0): 1, (2, 0): 1}
    assert board.pattern.warnings == [
        "m.rle: 2 cells in states 2 and above, which a rule of 2 states lacks, read as state 1"
    ]


@pytest.mark.parametrize(
    ("text", "line", "column", "words"),
    [
        ("x = 3, y = 3\nbob$2bz$3o!", 2, 7, "unexpected character 'z'"),
        ("x = 3, y = 3, rule = B3/S23/C1\no!", 1, 22, "Generations"),
        ("x = 1, y = 1\nyP!", 2, 2, "multi-state cell 'yP' is state 256; states end at 255 (yO)"),
        ("x = three, y = 3\no!", 1, 5, "whole number"),
        ("x = 3, y = -3\no!", 1, 12, "whole number"),
        ("x = 9999999999, y = 3\no!", 1, 5, "largest pattern"),
        ("x = 3, y = 3\n99999999999o!", 2, 11, "too large"),
        ("x = 3, y = 3\n2000000000o!", 2, 11, "beyond the largest pattern side"),
        ("x = 3, y = 3\n0o!", 2, 1, "does not start with 0"),
        ("x = 3, y = 3\n2b02o!", 2, 3, "does not start with 0"),
        ("x = 3, y = 3\n2 o!", 2, 2, "space after the run count 2"),
        ("x = 3, y = 3\nb2\to!", 2, 3, "space after the run count 2"),
        ("x = " + "9" * 5000 + ", y = 3\no!", 1, 5, "larger than the largest pattern side"),
        ("#CXRLE Gen=" + "1" * 5000 + "\nx = 3, y = 3\no!", 1, 12, "past the last generation"),
        ("x = 3, y = 3\n999999999o999999999o!", 2, 20, "largest pattern"),
        ("x = 3, y = 3\n999999999$999999999$o!", 2, 20, "largest pattern"),
        ("x = 3, y = 3\npo!", 2, 2, "multi-state"),
        ("x = 3 y = 3\no!", 1, 5, "whole number"),
        ("x = 3\no!", 1, 1, "both x and y"),
        ("#r B2a/S3H\no!", 1, 4, "hexagonal"),
        ("x = 1, y = 1\nY!", 2, 1, "unexpected character 'Y' in the pattern body"),
        ("x = 1073741825, y = 1\no!", 1, 5, "x = 1073741825 is larger than the largest pattern side (1,073,741,824)"),
        ("x = 3, y = 3\n2b02o!", 2, 3, "a run count does not start with 0 (Golly refuses it too)"),
    ],
)
def test_errors_name_line_and_column(text, line, column, words):
    with pytest.raises(PatternError) as raised:
        read_rle(text, "bad.rle")
    error = raised.value
    assert (error.line, error.column) == (line, column)
    assert words in error.message
    assert str(error).startswith(f"bad.rle:{line}:{column}: ")


def test_writer_follows_the_contract():
    cells = np.zeros((5, 6), dtype=np.uint8)
    cells[1, 2] = cells[2, 3] = cells[3, 1:4] = 1
    text = write_rle(cells, CONWAY, generation=8)
    assert text.splitlines() == [
        "#CXRLE Pos=0,0 Gen=8",
        "x = 6, y = 5, rule = B3/S23:T6,5",
        "$2bo$3bo$b3o!",
    ]


def test_writer_keeps_name_and_author_on_one_line():
    text = write_rle(np.ones((3, 3), dtype=np.uint8), CONWAY, name="Two\nlines", author="Me")
    assert "#N Two lines\n#O Me\n" in text


def test_writer_wraps_at_70_characters_without_splitting_items():
    rng = np.random.default_rng(1)
    cells = (rng.random((40, 300)) < 0.4).astype(np.uint8)
    text = write_rle(cells, CONWAY)
    body = text.splitlines()[2:]
    assert max(len(line) for line in body) <= 70
    assert len(body) > 10
    assert np.array_equal(read_rle(text).to_array(), cells)


def test_writer_joins_empty_rows():
    cells = np.zeros((10, 3), dtype=np.uint8)
    cells[0, 0] = cells[9, 2] = 1
    assert write_rle(cells, CONWAY).splitlines()[-1] == "o9$2bo!"


@settings(max_examples=150, deadline=None)
@given(
    cells=arrays(np.uint8, st.tuples(st.integers(3, 40), st.integers(3, 90)), elements=st.integers(0, 1)),
    rule=st.sampled_from(
        [
            "B3/S23",
            "B36/S23",
            "B0/S8",
            "B2/S",
            "B3678/S34678",
            "B2-a/S12",
            "B3aijr4ekz5er/S2-ci3-acy4einrtz5n6c7",
            "MAP" + "BRYXfhZofugWaH7oaIDogBZofuhogOiAaIDogIAAgAAWaH7oaIDogGiA6ICAAIAAaIDogIAAgACAAIAAAAAAAA",
        ]
    ),  # fmt: skip
    generation=st.integers(0, 10**12),
)
def test_round_trip_is_identical(cells, rule, generation):
    parsed_rule = parse_rule(rule).rule
    pattern = read_rle(write_rle(cells, parsed_rule, generation), "round.rle")
    height, width = cells.shape
    assert (pattern.width, pattern.height) == (width, height)
    assert np.array_equal(pattern.to_array(), cells)
    assert pattern.rule.rule == parsed_rule
    assert pattern.rule.torus == (width, height)
    assert pattern.generation == generation


@pytest.mark.parametrize("ending", ["\n", "\r\n", "\r"])
def test_every_line_ending_reads_the_same_pattern(ending):
    text = ending.join(["#N Glider", "x = 3, y = 3, rule = B3/S23", "bo$2bo$3o!", ""])
    pattern = read_rle(text, "glider.rle")
    assert pattern.name == "Glider" and pattern.population == 5 and (pattern.width, pattern.height) == (3, 3)


def test_writer_writes_golly_s_extended_rle_for_a_multi_state_rule():
    cells = np.zeros((3, 6), dtype=np.uint8)
    cells[0, 1:3] = 1
    cells[1, 0] = 2
    cells[1, 3:5] = 3
    cells[2, 5] = 255
    text = write_rle(cells, parse_rule("1456/2356/256").rule, generation=3)
    assert text.splitlines() == ["#CXRLE Pos=0,0 Gen=3", "x = 6, y = 3, rule = 1456/2356/256:T6,3", ".2A$B2.2C$5.yO!"]


def test_two_state_output_is_unchanged_beside_a_multi_state_reader():
    """The bytes lifetui wrote before multi-state rules, for a two-state board: `b` and `o`."""
    cells = np.zeros((2, 5), dtype=np.uint8)
    cells[0, 1:3] = cells[1, 4] = 1
    assert write_rle(cells, CONWAY).splitlines()[-1] == "b2o$4bo!"


@settings(max_examples=150, deadline=None)
@given(
    cells=arrays(np.uint8, st.tuples(st.integers(3, 30), st.integers(3, 60)), elements=st.integers(0, 255)),
    sparse=st.booleans(),
)
def test_extended_round_trip_is_identical(cells, sparse):
    if sparse:  # long runs of one state and of dead cells too
        cells = np.where(cells % 4 == 0, cells, 0).astype(np.uint8)
    rule = parse_rule("2/13/256").rule
    pattern = read_rle(write_rle(cells, rule, 7), "round.rle")
    assert np.array_equal(pattern.to_array(), cells)
    assert (pattern.rule.rule, pattern.generation) == (rule, 7)


@settings(max_examples=50, deadline=None)
@given(state=st.integers(1, 255))
def test_every_state_has_one_spelling_that_reads_back(state):
    cells = np.full((1, 3), state, dtype=np.uint8)
    text = write_rle(cells, parse_rule("/2/256").rule)
    assert read_rle(text).cell_states() == dict.fromkeys([(0, 0), (1, 0), (2, 0)], state)


def _read_line_by_line(text):
    """The reader with its whole-body path turned off."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(rle_module._RleReader, "whole_body", lambda self, lines: False)
        return read_rle(text)


def _same_pattern(first, second):
    assert (first.width, first.height, first.warnings) == (second.width, second.height, second.warnings)
    assert np.array_equal(first.runs, second.runs)
    assert (first.run_states is None) == (second.run_states is None)


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 40), st.integers(1, 40), st.integers(0, 2**32 - 1), st.floats(0.0, 1.0))
def test_a_plain_body_read_at_once_reads_as_line_by_line(height, width, seed, density):
    cells = (np.random.default_rng(seed).random((height, width)) < density).astype(np.uint8)
    text = write_rle(cells, CONWAY)
    at_once = read_rle(text)
    _same_pattern(at_once, _read_line_by_line(text))
    assert np.array_equal(at_once.to_array(), cells[: at_once.height, : at_once.width])


@pytest.mark.parametrize(
    "body",
    [
        "12\n3o$\n\n2bo!",  # a count broken across lines: 123
        "3o 2b$o!",  # a blank inside a line: read line by line
        "3o$2b3!",  # a count with no cell before the end: a warning
        "3o$bo",  # no '!': a warning
        "2o3$b2o!trailing text",  # after '!' nothing is read
        "$$3o!",  # rows before the first cell
        "A2B.C!",  # multi-state: line by line
        "o9999999999bo!",  # a run of ten digits, wider than any pattern: line by line says so
    ],
)
def test_bodies_read_at_once_or_line_by_line_agree(body):
    text = f"x = 0, y = 0\n{body}\n"
    try:
        expected = _read_line_by_line(text)
    except PatternError as err:
        with pytest.raises(PatternError, match=re.escape(str(err).split(": ", 1)[1])):
            read_rle(text)
        return
    _same_pattern(read_rle(text), expected)


@pytest.mark.parametrize("body", ["03o!", "o12345678901b!"])
def test_a_count_golly_refuses_is_refused_where_it_stands(body):
    with pytest.raises(PatternError, match=r":2:\d+: .*(does not start with 0|too large)"):
        read_rle(f"x = 3, y = 1\n{body}\n")


def test_a_soup_as_golly_writes_it_is_read_at_once():
    cells = (np.random.default_rng(3).random((200, 300)) < 0.35).astype(np.uint8)
    lines = write_rle(cells, CONWAY).splitlines()
    body = [index for index, line in enumerate(lines) if line.startswith("x =")][0] + 1
    reader = rle_module._RleReader("", "<rle>")
    assert reader.whole_body(lines[body:]) and len(reader.runs) // 3 == len(read_rle("\n".join(lines)).runs)
    assert not rle_module._RleReader("", "<rle>").whole_body(["3o 2b!"])  # a blank: line by line
