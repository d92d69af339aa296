"""Plaintext `.cells` patterns: `!` comment lines, `.` dead, `O` (or `*`) live."""

from __future__ import annotations

import numpy as np

from lifetui.errors import PatternError
from lifetui.patterns.pattern import MAX_SIDE, Pattern

LIVE = "O*"
DEAD = "."


def read_plaintext(text: str, source: str = "<cells>") -> Pattern:
    """A plaintext pattern, read a line at a time as arrays: memory follows the runs of live cells, not
    one Python object per cell."""
    runs: list[np.ndarray] = []
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
        live = np.isin(codes, _LIVE_CODES)
        if live.any():
            change = np.diff(np.concatenate(([0], live.astype(np.int8), [0])))
            starts, ends = np.flatnonzero(change == 1), np.flatnonzero(change == -1)
            runs.append(np.stack([np.full_like(starts, row), starts, ends - starts], axis=1))
        row += 1
        if row > MAX_SIDE:
            raise PatternError(source, f"more lines than the largest board side ({MAX_SIDE})", number)
    if not runs:
        return Pattern(0, 0, np.zeros((0, 3), dtype=np.int64), name=name, comments=comments, source=source)
    every = np.concatenate(runs).astype(np.int64)
    every[:, 0] -= every[:, 0].min()
    left = every[:, 1].min()
    every[:, 1] -= left
    width, height = int((every[:, 1] + every[:, 2]).max()), int(every[:, 0].max()) + 1
    return Pattern(width, height, every, name=name, comments=comments, source=source)


_LIVE_CODES = np.array([ord(char) for char in LIVE], dtype=np.uint32)
_ALLOWED = np.array([ord(char) for char in LIVE + DEAD], dtype=np.uint32)
