"""Reading and writing pattern files; knows nothing of engines or boards."""

from __future__ import annotations

import sys
from importlib import resources
from pathlib import Path

from lifetui.errors import PatternError, UsageError
from lifetui.files import write_atomically
from lifetui.patterns.life106 import HEADER as LIFE106_HEADER
from lifetui.patterns.life106 import read_life106
from lifetui.patterns.pattern import MAX_SIDE, Pattern
from lifetui.patterns.plaintext import read_plaintext
from lifetui.patterns.rle import read_rle, write_rle

__all__ = [
    "MAX_SIDE",
    "Pattern",
    "bundled_patterns",
    "load_pattern",
    "parse_pattern",
    "read_rle",
    "refuse_other_format_name",
    "write_atomically",
    "write_rle",
]

#: No pattern file worth reading is this large; refusing it bounds time and memory.
MAX_FILE_BYTES = 64 * 1024 * 1024
READERS = {".rle": read_rle, ".cells": read_plaintext, ".lif": read_life106, ".life": read_life106}


def refuse_other_format_name(path: Path) -> None:
    """lifetui writes RLE: an output name whose extension promises another pattern format is bad input."""
    suffix = path.suffix.lower()
    if suffix in (set(READERS) | {".mc"}) - {".rle"}:
        raise UsageError(f"{path}: lifetui writes RLE, and a {suffix} name promises another format; name it .rle")


def bundled_patterns() -> dict[str, Path]:
    """The patterns that ship with lifetui, by name (file name without its extension)."""
    folder = resources.files("lifetui.bundled_patterns")
    return {Path(entry.name).stem: Path(str(entry)) for entry in folder.iterdir() if Path(entry.name).suffix in READERS}


def load_pattern(spec: str) -> Pattern:
    """A pattern from a path, `-` for standard input, or the name of a bundled pattern."""
    if spec == "-":
        return parse_pattern(sys.stdin.buffer.read(MAX_FILE_BYTES + 1), "<stdin>")
    path = Path(spec)
    if not path.exists():
        bundled = bundled_patterns()
        if spec in bundled:
            path = bundled[spec]
        else:
            names = ", ".join(sorted(bundled))
            raise PatternError(spec, f"no such file, and no bundled pattern of that name (bundled: {names})")
    if path.is_dir():
        raise PatternError(spec, "is a directory, not a pattern file")
    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_FILE_BYTES + 1)
    except OSError as err:
        raise PatternError(spec, f"cannot read: {err.strerror or err}") from None
    return parse_pattern(data, spec, path.suffix.lower())


def parse_pattern(data: bytes, source: str, suffix: str = "") -> Pattern:
    """Decode and parse a pattern file's bytes; the format comes from the suffix, else from the content."""
    if len(data) > MAX_FILE_BYTES:
        raise PatternError(source, f"file is larger than {MAX_FILE_BYTES // 2**20} MiB; not a pattern lifetui can read")
    text = _decode(data, source)
    named, content = READERS.get(suffix), _sniff(text)
    if named is None or named is read_rle and content is not read_rle:
        # The content says plainly what it is (a Life 1.06 header, plaintext's '!' or '.O' lines):
        # believe it over the name, and say so.
        pattern = content(text, source)
        if named is not None:
            kind = "Life 1.06" if content is read_life106 else "plaintext"
            pattern.warnings.append(f"{source}: holds a {kind} pattern despite its {suffix} name; read as {kind}")
        return pattern
    return named(text, source)


def _decode(data: bytes, source: str) -> str:
    if b"\0" in data:
        line, column = _locate(data, data.index(b"\0"))
        raise PatternError(source, "binary file (NUL byte), not a pattern", line, column)
    try:
        return data.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as err:
        line, column = _locate(data, err.start)
        raise PatternError(source, f"not UTF-8 text (byte 0x{data[err.start]:02x})", line, column) from None


def _locate(data: bytes, offset: int) -> tuple[int, int]:
    line_start = data.rfind(b"\n", 0, offset) + 1
    return data.count(b"\n", 0, offset) + 1, offset - line_start + 1


def _sniff(text: str):
    first = next((line.strip() for line in text.splitlines() if line.strip()), "")
    if first.startswith(LIFE106_HEADER) or first.startswith("#Life"):
        return read_life106
    if first.startswith("!") or (first and set(first) <= set(".O*")):
        return read_plaintext
    return read_rle
