"""A pattern as read from a file: live cells as horizontal runs inside a bounding box, plus metadata."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np

from lifetui.errors import LifeError, PatternError, UsageError
from lifetui.rules import RuleSpec

#: The largest torus side lifetui accepts.
MAX_SIDE = 65536
#: The largest pattern box lifetui reads: the unbounded plane holds one this large (hashlife, as a quadtree,
#: from its runs); on a torus it must fit the torus.
MAX_PATTERN_SIDE = 1 << 30
#: The farthest from (0, 0), each way, that a pattern's box may start on the plane: what a file may say
#: (`#CXRLE Pos`) and what lifetui writes, so that every file it writes reads back; cells are drawn within
#: it too (hashlife's root reaches 2^60).
MAX_PLACE = 1 << 58
#: The last generation lifetui runs to, writes and reads (Golly's files count generations in 18 digits).
MAX_GENERATION = 10**18 - 1
#: A line break in a pattern file: LF, CRLF or a lone CR (old Mac files), in every format.
LINE_BREAK = re.compile(r"\r\n|\r|\n")


def split_lines(text: str) -> list[str]:
    """A pattern file's lines, whichever line ending it uses: a lone CR must not swallow the pattern."""
    return LINE_BREAK.split(text)


@dataclass
class Pattern:
    """Live cells as runs `(y, x, length)` relative to the box's top-left corner, and, for a multi-state
    pattern, each run's state (`run_states`; None: every run is state 1). A live cell is one in a state
    other than 0.

    Runs keep huge, sparse or run-length-encoded patterns cheap until they are placed on a board.
    """

    width: int
    height: int
    runs: np.ndarray  # int64, shape (R, 3): y, x, length
    rule: RuleSpec | None = None
    name: str = ""
    author: str = ""
    comments: list[str] = field(default_factory=list)
    generation: int = 0
    source: str = ""
    warnings: list[str] = field(default_factory=list)
    #: Where the box's top-left cell is on the unbounded plane, (x, y), when the file says (`#CXRLE Pos`).
    position: tuple[int, int] | None = None
    #: Why the cells were not laid out as runs (a macrocell file too large for that), or "": such a pattern
    #: keeps its quadtree, which only hashlife on the plane reads.
    unlaid: str = ""
    quadtree: object | None = None
    run_states: np.ndarray | None = None  # uint8, one a run

    @property
    def states(self) -> int:
        """How many states its cells need: 2, or one more than the highest state of a run."""
        return max(2, int(self.run_states.max()) + 1) if self.run_states is not None and len(self.run_states) else 2

    def fit_states(self, states: int) -> None:
        """Read cells of a state that a rule of `states` states lacks as live (state 1), saying so once: a
        multi-state file under a two-state rule runs as its live cells, as lifetui has always read it."""
        if self.run_states is None or self.states <= states:
            return
        beyond = self.run_states >= states
        self.warnings.append(f"{self.source or 'the pattern'}: {int(self.runs[beyond, 2].sum()):,} cells in states "
                             f"{states} and above, which a rule of {states} states lacks, read as state 1")  # fmt: skip
        self.run_states = np.where(beyond, 1, self.run_states).astype(np.uint8)

    @property
    def population(self) -> int:
        return int(self.runs[:, 2].sum()) if len(self.runs) else 0

    def cells(self) -> set[tuple[int, int]]:
        """Every live cell as `(x, y)`; for tests and small patterns."""
        return {(int(x) + i, int(y)) for y, x, n in self.runs for i in range(int(n))}

    def cell_states(self) -> dict[tuple[int, int], int]:
        """Every live cell's state by `(x, y)`; for tests and small patterns."""
        states = self.run_states if self.run_states is not None else np.ones(len(self.runs), dtype=np.uint8)
        return {(int(x) + i, int(y)): int(state) for (y, x, n), state in zip(self.runs, states) for i in range(int(n))}

    def plane_origin(self) -> tuple[int, int]:
        """Where the box's top-left cell goes on the unbounded plane, as (top, left): the file's position,
        else the box centred on (0, 0) as Golly places it."""
        if self.position is not None:
            return self.position[1], self.position[0]
        return -(self.height // 2), -(self.width // 2)

    def refuse_unlaid(self) -> None:
        """Refuse a pattern kept only as a quadtree: it runs on the plane, on hashlife, and nowhere else."""
        if self.unlaid:
            raise UsageError(f"{self.unlaid}; `lifetui run --plane --engine hashlife` runs it on the unbounded plane")

    def to_array(self) -> np.ndarray:
        """The box as a dense uint8 array of shape (height, width)."""
        self.refuse_unlaid()
        cells = np.zeros((self.height, self.width), dtype=np.uint8)
        paint_runs(cells, self.runs, 0, 0, self.run_states)
        return cells


_POSITION = re.compile(r"(-?[0-9]+),(-?[0-9]+)")


def read_position(value: str, source: str, line: int, column: int) -> tuple[int, int]:
    """`#CXRLE Pos=x,y` (RLE, and macrocell as lifetui writes it): where the box's top-left cell is, each
    coordinate at most MAX_PLACE from 0; anything else is refused, never dropped."""
    match = _POSITION.fullmatch(value)
    if not match:
        raise PatternError(source, f"#CXRLE Pos must be two whole numbers x,y, not {value[:40]!r}", line, column)
    digits = len(str(MAX_PLACE))
    if any(len(part.lstrip("-").lstrip("0")) > digits or abs(int(part)) > MAX_PLACE for part in match.groups()):
        raise PatternError(source, f"#CXRLE Pos={value[:40]} is further from (0, 0) than a pattern may start "
                                   f"({MAX_PLACE:,} each way)", line, column)  # fmt: skip
    return int(match[1]), int(match[2])


def refuse_unreadable(generation: int, position: tuple[int, int] | None = None) -> None:
    """Refuse to write a generation or a place that lifetui would refuse to read back."""
    if not 0 <= generation <= MAX_GENERATION:
        raise LifeError(f"generation {generation:,} is past the last one a pattern file may say ({MAX_GENERATION:,})")
    if position is not None and max(abs(position[0]), abs(position[1])) > MAX_PLACE:
        raise LifeError(
            f"the pattern's box starts at ({position[0]:,}, {position[1]:,}), further from (0, 0) than a pattern file "
            f"may say ({MAX_PLACE:,} each way); it would not read back"
        )


#: paint_runs works a band of rows of about this many cells at a time: its edge array and running sums
#: stay small beside a board of billions of cells.
PAINT_BAND_CELLS = 1 << 24


def paint_runs(board: np.ndarray, runs: np.ndarray, left: int, top: int, states: np.ndarray | None = None) -> None:
    """Set the cells of `runs` live in `board` (each run in its state of `states`, else 1), offset by (left,
    top); runs must lie inside the board, and runs with states must not overlap."""
    if not len(runs):
        return
    # A +s/-s edge at each run's ends, summed along the row, marks every cell of every run at once.
    height, width = board.shape
    ys = runs[:, 0] + top
    order = np.argsort(ys, kind="stable")
    ys, xs, lengths = ys[order], runs[order, 1] + left, runs[order, 2]
    steps = np.ones(len(runs), dtype=np.int8) if states is None else states[order].astype(np.int16)
    band = max(1, PAINT_BAND_CELLS // (width + 1))
    for first in range(int(ys[0]) - int(ys[0]) % band, int(ys[-1]) + 1, band):
        low, high = np.searchsorted(ys, [first, first + band])
        if low == high:
            continue
        rows = min(band, height - first)
        edges = np.zeros((rows, width + 1), dtype=steps.dtype)
        np.add.at(edges, (ys[low:high] - first, xs[low:high]), steps[low:high])
        np.add.at(edges, (ys[low:high] - first, xs[low:high] + lengths[low:high]), -steps[low:high])
        board[first : first + rows] |= np.cumsum(edges, axis=1, dtype=steps.dtype)[:, :width].astype(np.uint8)


def state_runs(cells: np.ndarray) -> tuple[np.ndarray, np.ndarray | None]:
    """The live cells of a dense 2-D array as runs `(y, x, length)` of one state each, row by row, left to
    right, and their states (None when every live cell is state 1: `runs_from_array`'s runs)."""
    if not cells.size or int(cells.max()) <= 1:
        return runs_from_array(cells), None
    padded = np.zeros((cells.shape[0], cells.shape[1] + 2), dtype=np.int16)
    padded[:, 1:-1] = cells
    # Where the state changes along a row; each change that starts a live state starts a run, which ends
    # at the row's next change.
    ys, xs = np.nonzero(np.diff(padded, axis=1))
    states = padded[ys, xs + 1]
    starts = np.flatnonzero(states[:-1] != 0)
    runs = np.stack([ys[starts], xs[starts], xs[starts + 1] - xs[starts]], axis=1).astype(np.int64)
    return runs, states[starts].astype(np.uint8)


def runs_from_array(cells: np.ndarray) -> np.ndarray:
    """The live cells of a dense 2-D array as runs `(y, x, length)`, row by row, left to right."""
    alive = cells.astype(bool)
    padded = np.zeros((alive.shape[0], alive.shape[1] + 2), dtype=np.int8)
    padded[:, 1:-1] = alive
    change = np.diff(padded, axis=1)
    starts_y, starts_x = np.nonzero(change == 1)
    _, ends_x = np.nonzero(change == -1)
    return np.stack([starts_y, starts_x, ends_x - starts_x], axis=1).astype(np.int64)
