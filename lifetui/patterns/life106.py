"""Life 1.06 patterns (a `#Life 1.06` line, then one `x y` pair of a live cell per line) and Life 1.05
patterns (a `#Life 1.05` line, then blocks: `#P x y` and rows of `.` and `*` from that corner; `#N` for
Conway's rule or `#R` and a rule, `#D` description lines)."""

from __future__ import annotations

import re

from lifetui.errors import PatternError, RuleError
from lifetui.patterns.pattern import MAX_PATTERN_SIDE, Pattern, runs_from_cells
from lifetui.rules import parse_rule

HEADER = "#Life 1.06"
HEADER_105 = "#Life 1.05"
_COORDINATE_LIMIT = 2**31


def read_life106(text: str, source: str = "<lif>") -> Pattern:
    lines = text.split("\n")
    if not lines[0].strip().startswith(HEADER):
        if lines[0].strip().startswith(HEADER_105):
            return _read_life105(lines, source)
        raise PatternError(source, f"expected {HEADER!r} or {HEADER_105!r} on the first line", 1, 1)
    pattern = Pattern(0, 0, runs_from_cells([])[0], source=source)
    cells: list[tuple[int, int]] = []
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
        if any(len(field.lstrip("+-").lstrip("0")) > len(str(_COORDINATE_LIMIT)) for field in fields):
            raise PatternError(source, f"coordinate out of range in {line[:60]!r}", number, 1)
        x, y = int(fields[0]), int(fields[1])
        if abs(x) >= _COORDINATE_LIMIT or abs(y) >= _COORDINATE_LIMIT:
            raise PatternError(source, f"coordinate out of range in {line!r}", number, 1)
        cells.append((x, y))
    return _finish(pattern, cells, source)


def _read_life105(lines: list[str], source: str) -> Pattern:
    pattern = Pattern(0, 0, runs_from_cells([])[0], source=source)
    cells: list[tuple[int, int]] = []
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
                x, y = int(fields[0]), int(fields[1])
                if abs(x) >= _COORDINATE_LIMIT or abs(y) >= _COORDINATE_LIMIT:
                    raise PatternError(source, f"coordinate out of range in {line[:60]!r}", number, 1)
                corner, row = (x, y), 0
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
        cells.extend((corner[0] + x, corner[1] + row) for x, cell in enumerate(line) if cell == "*")
        row += 1
    return _finish(pattern, cells, source)


def _finish(pattern: Pattern, cells: list[tuple[int, int]], source: str) -> Pattern:
    runs, width, height = runs_from_cells(cells)
    if width > MAX_PATTERN_SIDE or height > MAX_PATTERN_SIDE:
        largest = f"{MAX_PATTERN_SIDE:,}"
        raise PatternError(source, f"pattern spans {width} x {height}, more than the largest pattern ({largest})")
    pattern.runs, pattern.width, pattern.height = runs, width, height
    return pattern


def _is_int(text: str) -> bool:
    return re.fullmatch(r"[+-]?[0-9]+", text) is not None
