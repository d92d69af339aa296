"""Plaintext `.cells` patterns: `!` comment lines, `.` dead, `O` (or `*`) live."""

from __future__ import annotations

from lifetui.errors import PatternError
from lifetui.patterns.pattern import MAX_SIDE, Pattern, runs_from_cells

LIVE = "O*"
DEAD = "."


def read_plaintext(text: str, source: str = "<cells>") -> Pattern:
    cells: list[tuple[int, int]] = []
    name = ""
    comments: list[str] = []
    row = 0
    for number, raw in enumerate(text.split("\n"), start=1):
        line = raw.rstrip("\r")
        if line.startswith("!"):
            comment = line[1:].strip()
            if comment.lower().startswith("name:") and not name:
                name = comment[5:].strip()
            else:
                comments.append(comment)
            continue
        for column, char in enumerate(line.rstrip()):
            if char in LIVE:
                cells.append((column, row))
            elif char != DEAD:
                raise PatternError(
                    source, f"unexpected character {char!r} (plaintext uses '.' and 'O')", number, column + 1
                )
            if column >= MAX_SIDE:
                raise PatternError(
                    source, f"line is longer than the largest board side ({MAX_SIDE})", number, column + 1
                )
        row += 1
        if row > MAX_SIDE:
            raise PatternError(source, f"more lines than the largest board side ({MAX_SIDE})", number)
    runs, width, height = runs_from_cells(cells)
    return Pattern(width, height, runs, name=name, comments=comments, source=source)
