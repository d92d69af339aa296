"""Life 1.06 patterns: a `#Life 1.06` line, then one `x y` pair of a live cell per line."""

from __future__ import annotations

import re

from lifetui.errors import PatternError, RuleError
from lifetui.patterns.pattern import MAX_SIDE, Pattern, runs_from_cells
from lifetui.rules import parse_rule

HEADER = "#Life 1.06"
_COORDINATE_LIMIT = 2**31


def read_life106(text: str, source: str = "<lif>") -> Pattern:
    lines = text.split("\n")
    if not lines[0].strip().startswith(HEADER):
        first = lines[0].strip()
        if first.startswith("#Life 1.05"):
            raise PatternError(source, "Life 1.05 files are not supported; save the pattern as RLE", 1, 1)
        raise PatternError(source, f"expected {HEADER!r} on the first line", 1, 1)
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
    runs, width, height = runs_from_cells(cells)
    if width > MAX_SIDE or height > MAX_SIDE:
        raise PatternError(source, f"pattern spans {width} x {height}, more than the largest board ({MAX_SIDE})")
    pattern.runs, pattern.width, pattern.height = runs, width, height
    return pattern


def _is_int(text: str) -> bool:
    return re.fullmatch(r"[+-]?[0-9]+", text) is not None
