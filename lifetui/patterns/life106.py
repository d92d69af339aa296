"""Life 1.06 patterns (a `#Life 1.06` line, then one `x y` pair of a live cell per line) and Life 1.05
patterns (a `#Life 1.05` line, then blocks: `#P x y` and rows of `.` and `*` from that corner; `#N` for
Conway's rule or `#R` and a rule, `#D` description lines)."""

from __future__ import annotations

import re
from array import array

import numpy as np

from lifetui.errors import PatternError, RuleError
from lifetui.patterns.pattern import MAX_PATTERN_SIDE, Pattern, split_lines
from lifetui.rules import parse_rule

HEADER = "#Life 1.06"
HEADER_105 = "#Life 1.05"
_COORDINATE_LIMIT = 2**31
_COORDINATE_DIGITS = len(str(_COORDINATE_LIMIT))
#: Where a row's runs of live cells start and end: `*` live, `.` dead.
_LIVE_RUN = re.compile(r"\*+")


def read_life106(text: str, source: str = "<lif>") -> Pattern:
    """A Life 1.06 or 1.05 pattern, kept where its coordinates put it: the pattern's `position` is its box's
    top-left cell, as for RLE's `#CXRLE Pos`."""
    lines = split_lines(text)
    if not lines[0].strip().startswith(HEADER):
        if lines[0].strip().startswith(HEADER_105):
            return _read_life105(lines, source)
        raise PatternError(source, f"expected {HEADER!r} or {HEADER_105!r} on the first line", 1, 1)
    pattern = _empty(source)
    runs = array("q")  # y, x, 1 for each live cell, flat: 24 bytes a cell, not a tuple's hundred
    for number, raw in enumerate(lines[1:], start=2):
        line = raw.strip()
        if not line:
            continue
        if line.startswith("#"):
            tag, _, rest = line.partition(" ")
            if tag == "#N":
                pattern.name = rest.strip()
            elif tag == "#O":
                pattern.author = rest.strip()
            elif tag == "#R":
                try:
                    pattern.rule = parse_rule(rest)
                except RuleError as err:
                    raise PatternError(source, str(err), number, raw.find(rest) + 1) from None
            else:
                pattern.comments.append(line[2:].strip())
            continue
        fields = line.split()
        if len(fields) != 2 or not all(_is_int(f) for f in fields):
            raise PatternError(source, f"expected two whole numbers 'x y', not {line[:60]!r}", number, 1)
        x, y = _coordinates(fields, line, source, number)
        runs.extend((y, x, 1))
    return _finish(pattern, runs, source)


def _read_life105(lines: list[str], source: str) -> Pattern:
    pattern = _empty(source)
    runs = array("q")  # y, x, length of each run of live cells, flat
    corner: tuple[int, int] | None = None
    row = 0
    for number, raw in enumerate(lines[1:], start=2):
        line = raw.strip()
        if line.startswith("#"):
            tag, rest = line[:2], line[2:].strip()
            if tag == "#P":
                fields = rest.split() or ["0", "0"]  # a bare '#P' is the origin
                if len(fields) != 2 or not all(_is_int(field) for field in fields):
                    message = f"expected '#P x y' with two whole numbers, not {line[:60]!r}"
                    raise PatternError(source, message, number, 1)
                corner, row = _coordinates(fields, line, source, number), 0
            elif tag == "#N":
                pattern.rule = parse_rule("B3/S23")
            elif tag == "#R":
                # Golly's own 1.05 files write a rule with no survivals as `B234`: read it as B234/S.
                text = f"{rest}/S" if re.fullmatch(r"[Bb][0-8]*", rest) else rest
                try:
                    pattern.rule = parse_rule(text)
                except RuleError as err:
                    raise PatternError(source, str(err), number, raw.find(rest) + 1) from None
            elif tag == "#D":
                pattern.comments.append(rest)
            continue
        if not line:
            continue
        if corner is None:
            raise PatternError(source, "cells before the first '#P x y' line", number, 1)
        bad = next((column for column, cell in enumerate(line) if cell not in ".*"), None)
        if bad is not None:
            raise PatternError(source, f"a row holds '.' and '*' only, not {line[bad]!r}", number, bad + 1)
        for match in _LIVE_RUN.finditer(line):
            runs.extend((corner[1] + row, corner[0] + match.start(), match.end() - match.start()))
        row += 1
    return _finish(pattern, runs, source)


def _empty(source: str) -> Pattern:
    return Pattern(0, 0, np.zeros((0, 3), dtype=np.int64), source=source)


def _coordinates(fields: list[str], line: str, source: str, number: int) -> tuple[int, int]:
    """`x y` as whole numbers, each less than _COORDINATE_LIMIT from 0 (a number of thousands of digits is
    refused before it is converted)."""
    if any(len(field.lstrip("+-").lstrip("0")) > _COORDINATE_DIGITS for field in fields):
        raise PatternError(source, f"coordinate out of range in {line[:60]!r}", number, 1)
    x, y = int(fields[0]), int(fields[1])
    if abs(x) >= _COORDINATE_LIMIT or abs(y) >= _COORDINATE_LIMIT:
        raise PatternError(source, f"coordinate out of range in {line[:60]!r}", number, 1)
    return x, y


def _finish(pattern: Pattern, flat: array, source: str) -> Pattern:
    """The pattern's runs from absolute (y, x, length) ones, which may repeat or overlap (a cell listed twice,
    1.05 blocks that cross): merged, relative to the box, whose top-left cell is the pattern's position."""
    runs = np.frombuffer(flat, dtype=np.int64).reshape(-1, 3)
    if not len(runs):
        return pattern
    top, left = int(runs[:, 0].min()), int(runs[:, 1].min())
    width, height = int((runs[:, 1] + runs[:, 2]).max()) - left, int(runs[:, 0].max()) + 1 - top
    if width > MAX_PATTERN_SIDE or height > MAX_PATTERN_SIDE:
        largest = f"{MAX_PATTERN_SIDE:,}"
        raise PatternError(source, f"pattern spans {width} x {height}, more than the largest pattern ({largest})")
    # Each run as a span of one number line, row after row (a row is at most 2^30 cells, far under 2^31).
    starts = (runs[:, 0] - top) << 31 | (runs[:, 1] - left)
    order = np.argsort(starts, kind="stable")
    starts = starts[order]
    reach = np.maximum.accumulate(starts + runs[order, 2])
    first = np.flatnonzero(np.r_[True, starts[1:] > reach[:-1]])  # a run that touches none before it
    merged_starts, merged_ends = starts[first], reach[np.r_[first[1:] - 1, len(starts) - 1]]
    merged = np.stack([merged_starts >> 31, merged_starts & ((1 << 31) - 1), merged_ends - merged_starts], axis=1)
    pattern.runs, pattern.width, pattern.height = merged, width, height
    pattern.position = (left, top)
    return pattern


def _is_int(text: str) -> bool:
    return re.fullmatch(r"[+-]?[0-9]+", text) is not None
