"""Reading and writing pattern files; knows nothing of engines or boards."""

from __future__ import annotations

import re
import sys
import zlib
from importlib import resources
from pathlib import Path

from lifetui.errors import PatternError, UsageError
from lifetui.files import write_atomically
from lifetui.patterns.life106 import HEADER as LIFE106_HEADER
from lifetui.patterns.life106 import HEADER_105 as LIFE105_HEADER
from lifetui.patterns.life106 import read_life106
from lifetui.patterns.macrocell import HEADER as MACROCELL_HEADER
from lifetui.patterns.macrocell import read_macrocell, write_macrocell
from lifetui.patterns.pattern import MAX_SIDE, Pattern
from lifetui.patterns.plaintext import read_plaintext
from lifetui.patterns.rle import read_rle, write_rle
from lifetui.patterns.unsupported import MCELL_HEADER, RLE3_HEADER, read_mcell, read_rle3

__all__ = [
    "MAX_SIDE",
    "Pattern",
    "bundled_patterns",
    "load_pattern",
    "parse_pattern",
    "read_rle",
    "refuse_other_format_name",
    "pattern_text",
    "write_atomically",
    "write_rle",
]

#: No pattern file worth reading is this large; refusing it bounds time and memory.
MAX_FILE_BYTES = 64 * 1024 * 1024
READERS = {
    ".rle": read_rle, ".cells": read_plaintext, ".lif": read_life106, ".life": read_life106, ".mc": read_macrocell,
    ".mcl": read_mcell, ".rle3": read_rle3,
}  # fmt: skip
#: Formats lifetui writes, by the output name's extension (anything else is written as RLE).
WRITTEN = {".rle", ".mc"}
GZIP_MAGIC = b"\x1f\x8b"


def refuse_other_format_name(path: Path) -> None:
    """lifetui writes RLE and macrocell: an output name that promises another pattern format is bad input."""
    suffix = path.suffix.lower()
    if suffix in (set(READERS) | {".gz"}) - WRITTEN:
        raise UsageError(
            f"{path}: lifetui writes RLE and macrocell, and a {suffix} name promises another format; "
            "name it .rle or .mc"
        )


def pattern_text(
    path: Path | None, cells, rule, generation: int, name: str = "", author: str = "", position=None, topology=""
) -> str:
    """The board as the file `path` names: macrocell for a .mc name, else RLE (also with no name). With a
    `position` (x, y), the cells are a part of the unbounded plane (or of the grid `topology`, a rule suffix)
    whose top-left cell is there."""
    if path is not None and path.suffix.lower() == ".mc":
        return write_macrocell(cells, rule, generation, torus=position is None, topology=topology, position=position)
    return write_rle(cells, rule, generation, name, author, position=position, topology=topology)


def bundled_patterns() -> dict[str, Path]:
    """The patterns that ship with lifetui, by name (file name without its extension)."""
    folder = resources.files("lifetui.bundled_patterns")
    return {Path(entry.name).stem: Path(str(entry)) for entry in folder.iterdir() if Path(entry.name).suffix in READERS}


def load_pattern(spec: str) -> Pattern:
    """A pattern from a path, `-` for standard input, or the name of a bundled pattern."""
    if spec == "-":
        if sys.stdin is None:  # started with standard input closed
            raise UsageError("- reads the pattern from standard input, which is closed")
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
    suffix = path.suffix.lower()
    if suffix == ".gz":  # pattern.rle.gz: the format is the name's inner extension
        suffix = Path(path.stem).suffix.lower()
    return parse_pattern(data, spec, suffix)


def parse_pattern(data: bytes, source: str, suffix: str = "") -> Pattern:
    """Decode and parse a pattern file's bytes; the format comes from the suffix, else from the content.
    Running out of memory (a process under `ulimit -v`, a pattern of tens of millions of runs) is an error
    of one line, like any other file lifetui cannot read."""
    try:
        return _parse(data, source, suffix)
    except MemoryError:
        raise PatternError(
            source,
            f"not enough memory to read this pattern ({len(data):,} bytes, as runs of live cells and the "
            "text they come from)",
        ) from None


def _parse(data: bytes, source: str, suffix: str) -> Pattern:
    too_large = f"file is larger than {MAX_FILE_BYTES // 2**20} MiB; not a pattern lifetui can read"
    if len(data) > MAX_FILE_BYTES:
        raise PatternError(source, too_large)
    if data.startswith(GZIP_MAGIC):
        data = _gunzip(data, source)
        if len(data) > MAX_FILE_BYTES:
            raise PatternError(source, "unzipped, " + too_large)
    text = _decode(data, source)
    named, (content, kind) = READERS.get(suffix), _sniff(text)
    if named is None or named is read_rle and content is not read_rle:
        # The content says plainly what it is (a Life 1.06 header, plaintext's '!' or '.O' lines):
        # believe it over the name, and say so.
        pattern = content(text, source)
        if named is not None:
            pattern.warnings.append(f"{source}: holds a {kind} pattern despite its {suffix} name; read as {kind}")
        return pattern
    return named(text, source)


def _gunzip(data: bytes, source: str) -> bytes:
    """A gzipped file's content, every member of it as `gzip -d` reads them (`cat a.gz b.gz`, bgzip), at most
    one byte past the size limit (a bomb stops there); bytes after the last member that are not another
    member are refused, not ignored."""
    parts: list[bytes] = []
    size, rest, members = 0, data, 0
    while rest:
        if not rest.startswith(GZIP_MAGIC):
            raise PatternError(source, f"{len(rest):,} bytes after gzip member {members} that are not gzip data "
                                       "(trailing garbage)")  # fmt: skip
        inflater = zlib.decompressobj(wbits=31)
        try:
            part = inflater.decompress(rest, MAX_FILE_BYTES + 1 - size)
        except zlib.error as err:
            raise PatternError(source, f"a damaged gzip file ({err})") from None
        parts.append(part)
        size += len(part)
        if size > MAX_FILE_BYTES:
            break
        if not inflater.eof:
            raise PatternError(source, "a gzip file that ends early (truncated?)")
        rest, members = inflater.unused_data, members + 1
    return b"".join(parts)


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
    """The reader the content asks for, from its first line that is not blank, and the format's name."""
    first = next((match[0].strip() for match in re.finditer(r"[^\r\n]+", text) if match[0].strip()), "")
    if first.startswith(MACROCELL_HEADER):
        return read_macrocell, "macrocell"
    if first.startswith(LIFE105_HEADER):
        return read_life106, "Life 1.05"
    if first.startswith(LIFE106_HEADER) or first.startswith("#Life"):
        return read_life106, "Life 1.06"
    if first.startswith(MCELL_HEADER):
        return read_mcell, "MCell"
    if first.startswith(RLE3_HEADER):
        return read_rle3, "3D RLE"
    if first.startswith("!") or (first and set(first) <= set(".O*")):
        return read_plaintext, "plaintext"
    return read_rle, "RLE"
