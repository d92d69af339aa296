"""Loading patterns from paths, standard input and the bundled set; the loader's refusals."""

import io
import sys

import pytest

from lifetui.errors import PatternError
from lifetui.patterns import bundled_patterns, load_pattern, parse_pattern

GLIDER = {(1, 0), (2, 1), (0, 2), (1, 2), (2, 2)}


def test_path(tmp_path):
    path = tmp_path / "g.rle"
    path.write_text("x = 3, y = 3\nbob$2bo$3o!\n")
    assert load_pattern(str(path)).cells() == GLIDER


def test_bundled_name_and_listing():
    assert load_pattern("glider").cells() == GLIDER
    assert {"glider", "gosper-glider-gun", "highlife-replicator", "daynight-oscillator"} <= set(bundled_patterns())


def test_stdin(monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"!Name: g\n.O.\n..O\nOOO\n")))
    pattern = load_pattern("-")
    assert pattern.cells() == GLIDER
    assert pattern.source == "<stdin>"


@pytest.mark.parametrize(
    ("text", "suffix"),
    [
        ("x = 3, y = 3\nbob$2bo$3o!", ""),
        ("#Life 1.06\n1 0\n2 1\n0 2\n1 2\n2 2\n", ""),
        ("!Name: g\n.O.\n..O\nOOO\n", ""),
        (".O.\n..O\nOOO\n", ".txt"),
        ("#Life 1.06\n1 0\n2 1\n0 2\n1 2\n2 2\n", ".life"),
    ],
)
def test_format_from_suffix_or_content(text, suffix):
    assert parse_pattern(text.encode(), "p", suffix).cells() == GLIDER


def test_byte_order_mark_is_ignored():
    assert parse_pattern(b"\xef\xbb\xbfx = 3, y = 3\nbob$2bo$3o!", "bom.rle", ".rle").cells() == GLIDER


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"x = 3, y = 3\nbo\x00b!", "p.rle:2:3: binary file (NUL byte), not a pattern"),
        (b"#C caf\xe9\nx = 1, y = 1\no!", "p.rle:1:7: not UTF-8 text (byte 0xe9)"),
        (b"\x89PNG\r\n\x1a\n", "p.rle:1:1: not UTF-8 text (byte 0x89)"),
    ],
)
def test_binary_and_non_utf8_are_refused(data, message):
    with pytest.raises(PatternError) as raised:
        parse_pattern(data, "p.rle", ".rle")
    assert str(raised.value) == message


def test_missing_file_lists_bundled_names():
    with pytest.raises(PatternError) as raised:
        load_pattern("no-such-pattern")
    assert "no such file" in str(raised.value)
    assert "glider" in str(raised.value)


def test_directory(tmp_path):
    with pytest.raises(PatternError, match="is a directory"):
        load_pattern(str(tmp_path))


def test_unreadable_file(tmp_path, monkeypatch):
    path = tmp_path / "secret.rle"
    path.write_text("o!")

    def refuse(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(type(path), "open", refuse)
    with pytest.raises(PatternError) as raised:
        load_pattern(str(path))
    assert str(raised.value) == f"{path}: cannot read: Permission denied"


def test_oversized_file_is_refused_without_reading_it_all(tmp_path, monkeypatch):
    import lifetui.patterns as patterns

    monkeypatch.setattr(patterns, "MAX_FILE_BYTES", 100)
    path = tmp_path / "big.rle"
    path.write_text("#C " + "x" * 200 + "\no!")
    with pytest.raises(PatternError, match="larger than"):
        load_pattern(str(path))


@pytest.mark.parametrize(
    ("content", "kind"),
    [(b"#Life 1.06\n0 0\n1 0\n2 0\n", "Life 1.06"), (b"!Name: blinker\nOOO\n", "plaintext")],
)
def test_content_that_plainly_says_its_format_wins_over_an_rle_name(tmp_path, content, kind):
    path = tmp_path / "mislabelled.rle"
    path.write_bytes(content)
    pattern = load_pattern(str(path))
    assert pattern.population == 3 and (pattern.width, pattern.height) == (3, 1)
    assert any(f"holds a {kind} pattern despite its .rle name" in warning for warning in pattern.warnings)


def test_an_unclosed_script_block_is_an_error_not_an_empty_board(tmp_path):
    path = tmp_path / "script.rle"
    path.write_bytes(b"x = 3, y = 1\n[[ ZOOM 4\n3o!\n")
    with pytest.raises(PatternError, match="never closed") as raised:
        load_pattern(str(path))
    assert raised.value.line == 2


def test_runs_are_painted_a_band_of_rows_at_a_time_exactly(monkeypatch):
    import numpy as np

    import lifetui.patterns.pattern as pattern_module

    rng = np.random.default_rng(8)
    height, width = 37, 23
    runs = []
    for y in rng.permutation(height)[:30]:  # rows in any order, several runs a row
        x = 0
        while x < width - 1:
            x += int(rng.integers(0, 4))
            length = int(rng.integers(1, 5))
            if x + length > width:
                break
            runs.append((y, x, length))
            x += length + 1
    runs = np.array(runs, dtype=np.int64)
    expected = np.zeros((height + 4, width + 3), dtype=np.uint8)
    for y, x, length in runs:
        expected[y + 4, x + 3 : x + 3 + length] = 1
    monkeypatch.setattr(pattern_module, "PAINT_BAND_CELLS", 3 * (width + 4))  # bands of 3 rows
    grid = np.zeros_like(expected)
    pattern_module.paint_runs(grid, runs, 3, 4)
    assert np.array_equal(grid, expected)


def test_a_file_of_exactly_the_largest_size_is_read_and_one_byte_more_is_refused(monkeypatch):
    import lifetui.patterns as patterns

    text = b"x = 3, y = 1\n3o!\n"
    monkeypatch.setattr(patterns, "MAX_FILE_BYTES", len(text))
    assert parse_pattern(text, "max.rle").population == 3
    with pytest.raises(PatternError, match="file is larger than"):
        parse_pattern(text + b"\n", "max.rle")


@pytest.mark.parametrize("name", ["out.lif", "out.cells", "out.gz", "out.RLE3"])
def test_an_output_name_of_a_format_lifetui_does_not_write_is_refused(name):
    from pathlib import Path

    from lifetui.errors import UsageError
    from lifetui.patterns import refuse_other_format_name

    with pytest.raises(UsageError, match="lifetui writes RLE and macrocell"):
        refuse_other_format_name(Path(name))
    for written in ("out.rle", "out.mc"):
        refuse_other_format_name(Path(written))  # no error
