"""Issue 30's findings on the pattern readers: every member of a gzip file, every line ending, positions and
generations that read back, damaged macrocell files, refused formats named, and memory bounded by runs."""

from __future__ import annotations

import gzip

import pytest

from lifetui.errors import PatternError
from lifetui.patterns import parse_pattern


def one_line_error(result, words: str) -> None:
    """A refusal as the CLI gives one: a single `lifetui: error:` line with these words, exit status 2."""
    assert result.code == 2, result.err
    assert "Traceback" not in result.err
    assert len(result.err.strip().splitlines()) == 1, result.err
    assert result.err.startswith("lifetui: error: ")
    assert words in result.err


def test_every_member_of_a_multi_member_gzip_file_is_read():
    text = b"x = 3, y = 2\n3o$\nobo!\n"
    data = gzip.compress(text[:14]) + gzip.compress(text[14:])  # `cat a.gz b.gz`, as bgzip writes
    assert parse_pattern(data, "two.rle.gz", ".rle").cells() == {(0, 0), (1, 0), (2, 0), (0, 1), (2, 1)}


def test_trailing_garbage_after_a_gzip_member_is_refused(lifetui, tmp_path):
    path = tmp_path / "garbage.rle.gz"
    path.write_bytes(gzip.compress(b"x = 1, y = 1\no!\n") + b"not gzip\n")
    one_line_error(lifetui("run", str(path), "--steps", "1"), "trailing garbage")


def test_the_decompressed_size_cap_holds_across_members(monkeypatch):
    import lifetui.patterns as patterns

    monkeypatch.setattr(patterns, "MAX_FILE_BYTES", 100)
    data = gzip.compress(b"!" + b"." * 60 + b"\n") * 2
    with pytest.raises(PatternError, match="unzipped, file is larger"):
        parse_pattern(data, "big.cells.gz", ".cells")
