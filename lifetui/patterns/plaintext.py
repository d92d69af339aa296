"""Plaintext `.cells` patterns: `!` comment lines, `.` dead, `O` (or `*`) live."""

from __future__ import annotations

import numpy as np

from lifetui.errors import PatternError
from lifetui.patterns.pattern import MAX_SIDE, Pattern, split_lines

LIVE = "O*"
DEAD = "."


def read_plaintext(text: str, source: str = "<cells>") -> Pattern:
    """A plaintext pattern, read a line at a time as arrays: memory follows the runs of live cells (8 bytes
    a run while reading, then the pattern's 24), not one Python object per cell."""
    rows: list[int] = []
    starts: list[np.ndarray] = []  # int32 each: a line is at most MAX_SIDE cells
    lengths: list[np.ndarray] = []
    name = ""
    comments: list[str] = []
    row = 0
    for number, line in enumerate(split_lines(text), start=1):
        if line.startswith("!"):
            comment = line[1:].strip()
            if comment.lower().startswith("name:") and not name:
                name = comment[5:].strip()
            else:
                comments.append(comment)
            continue
        body = line.rstrip()
        codes = np.frombuffer(body.encode("utf-32-le"), dtype=np.uint32)
        bad = np.flatnonzero(~np.isin(codes, _ALLOWED))
        if len(bad) and bad[0] < MAX_SIDE:
            column = int(bad[0])
            raise PatternError(
                source, f"unexpected character {body[column]!r} (plaintext uses '.' and 'O')", number, column + 1
            )
        if len(codes) > MAX_SIDE:
            raise PatternError(source, f"line is longer than the largest board side ({MAX_SIDE})", number, MAX_SIDE + 1)
        live = np.isin(codes, _LIVE_CODES).astype(np.int8)
        if live.any():
            change = np.diff(live, prepend=0, append=0)
            first, end = np.flatnonzero(change == 1).astype(np.int32), np.flatnonzero(change == -1).astype(np.int32)
            rows.append(row)
            starts.append(first)
            lengths.append(end - first)
        row += 1
        if row > MAX_SIDE:
            raise PatternError(source, f"more lines than the largest board side ({MAX_SIDE})", number)
    runs = np.zeros((sum(len(line) for line in starts), 3), dtype=np.int64)
    done = 0
    for y, first, length in zip(rows, starts, lengths):  # filled in place: no second copy of every run
        runs[done : done + len(first)] = np.stack([np.full_like(first, y), first, length], axis=1)
        done += len(first)
    del starts, lengths
    if not len(runs):
        return Pattern(0, 0, runs, name=name, comments=comments, source=source)
    runs[:, 0] -= rows[0]
    runs[:, 1] -= runs[:, 1].min()
    width, height = int((runs[:, 1] + runs[:, 2]).max()), rows[-1] - rows[0] + 1
    return Pattern(width, height, runs, name=name, comments=comments, source=source)


_LIVE_CODES = np.array([ord(char) for char in LIVE], dtype=np.uint32)
_ALLOWED = np.array([ord(char) for char in LIVE + DEAD], dtype=np.uint32)
