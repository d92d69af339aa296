"""The board widget: the torus drawn with half blocks, braille or large cells, panned with wrap-around.

It draws from a region of the board (what the simulation read back for it), never the whole board, and
tells the app which region it shows, so that only those cells are read.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from rich.segment import Segment
from rich.style import Style
from textual.events import Click
from textual.geometry import Region
from textual.message import Message
from textual.strip import Strip
from textual.widget import Widget

from lifetui.simulation import Region as BoardRegion
from lifetui.simulation import Snapshot


@dataclass(frozen=True)
class Mode:
    """How many board cells one character shows, and how they are drawn."""

    name: str
    cells_wide: int  # board cells per character, horizontally (large mode: 1 cell per 2 characters)
    cells_high: int
    chars_per_cell: int = 1


MODES = (Mode("large", 1, 1, 2), Mode("half", 1, 2), Mode("braille", 2, 4))
HALF_BLOCKS = np.array([" ", "▀", "▄", "█"])
LARGE_CELLS = np.array(["  ", "██"])
# Unicode braille: dot (row, column) of a 4x2 cell sets this bit of U+2800.
BRAILLE_BITS = np.array([[0x01, 0x08], [0x02, 0x10], [0x04, 0x20], [0x40, 0x80]])
BRAILLE = np.array([" "] + [chr(0x2800 + code) for code in range(1, 256)])


class BoardView(Widget):
    """Draws a window of the torus; the top-left board cell of the window is `origin` (x, y)."""

    DEFAULT_CSS = """
    BoardView { width: 1fr; height: 1fr; }
    """

    class CellClicked(Message):
        def __init__(self, x: int, y: int) -> None:
            super().__init__()
            self.x, self.y = x, y

    class RegionChanged(Message):
        """The view now shows another region of the board (a pan, a zoom, a resize)."""

        def __init__(self, region: BoardRegion) -> None:
            super().__init__()
            self.region = region

    def __init__(self, first: Snapshot, **kwargs) -> None:
        super().__init__(**kwargs)
        self.frame = first
        self.shape = first.shape
        self.differing: np.ndarray | None = None  # (n, 2) rows and columns to mark
        self.mode_index = 1
        self.origin = (0, 0)
        self.centred = False
        self._lines: list[str] = []
        self._marks: list[np.ndarray | None] = []
        self.live = Style(color="bright_green")
        self.marked = Style(color="bright_red", bold=True)

    @property
    def mode(self) -> Mode:
        return MODES[self.mode_index]

    def show(self, frame: Snapshot, differing: np.ndarray | None = None) -> None:
        """Draw a new frame, marking the `differing` cells; only the lines that changed are repainted."""
        self.frame = frame
        self.differing = differing
        self._redraw()

    def board_region(self) -> BoardRegion:
        """The cells the view shows: top row, left column, height, width."""
        width, height = self._window()
        return self.origin[1], self.origin[0], height, width

    def zoom(self, step: int) -> None:
        """step < 0 zooms in (bigger cells), > 0 zooms out; keeps the centre of the view in place."""
        centre = self._view_centre()
        self.mode_index = max(0, min(len(MODES) - 1, self.mode_index + step))
        self._centre_on(centre)
        self._moved()

    def pan(self, dx: int, dy: int) -> None:
        """Move the view by a fraction of its size in the given direction."""
        width, height = self._window()
        x, y = self.origin
        self.origin = ((x + dx * max(1, width // 8)) % self.shape[1], (y + dy * max(1, height // 8)) % self.shape[0])
        self._moved()

    def on_resize(self) -> None:
        if not self.centred:
            self.centred = True
            self._centre_on((self.shape[1] // 2, self.shape[0] // 2))
        self._moved()

    def _moved(self) -> None:
        self._redraw(full=True)
        self.post_message(self.RegionChanged(self.board_region()))

    def _window(self) -> tuple[int, int]:
        """Board cells visible across and down: the view's capacity, at most the board."""
        mode = self.mode
        across = self.size.width // mode.chars_per_cell * mode.cells_wide
        down = self.size.height * mode.cells_high
        return min(across, self.shape[1]), min(down, self.shape[0])

    def _view_centre(self) -> tuple[int, int]:
        width, height = self._window()
        return self.origin[0] + width // 2, self.origin[1] + height // 2

    def _centre_on(self, centre: tuple[int, int]) -> None:
        width, height = self._window()
        self.origin = ((centre[0] - width // 2) % self.shape[1], (centre[1] - height // 2) % self.shape[0])

    def _offsets(self, top: int, left: int) -> tuple[np.ndarray, np.ndarray]:
        """Each visible row's and column's distance, around the torus, from row `top` and column `left`."""
        width, height = self._window()
        rows = (self.origin[1] - top + np.arange(height)) % self.shape[0]
        columns = (self.origin[0] - left + np.arange(width)) % self.shape[1]
        return rows, columns

    def _visible(self) -> np.ndarray:
        """The visible cells, from the frame's region; any the region lacks (a pan it has not caught up with)
        are drawn dead until the next frame."""
        top, left, height, width = self.frame.region
        rows, columns = self._offsets(top, left)
        shown = np.zeros((len(rows), len(columns)), dtype=np.uint8)
        have_rows, have_columns = rows < height, columns < width
        shown[np.ix_(have_rows, have_columns)] = self.frame.cells[np.ix_(rows[have_rows], columns[have_columns])]
        return shown

    def _marked(self) -> np.ndarray:
        """The visible cells among `differing`."""
        rows, columns = self._offsets(0, 0)
        marked = np.zeros((len(rows), len(columns)), dtype=np.uint8)
        if self.differing is not None and len(self.differing):
            at_row = (self.differing[:, 0] - self.origin[1]) % self.shape[0]
            at_column = (self.differing[:, 1] - self.origin[0]) % self.shape[1]
            inside = (at_row < len(rows)) & (at_column < len(columns))
            marked[at_row[inside], at_column[inside]] = 1
        return marked

    def _encode(self, window: np.ndarray) -> np.ndarray:
        """One string per character cell of the view."""
        mode = self.mode
        high, wide = mode.cells_high, mode.cells_wide
        padded = np.zeros((-(-window.shape[0] // high) * high, -(-window.shape[1] // wide) * wide), dtype=np.uint8)
        padded[: window.shape[0], : window.shape[1]] = window
        if mode.name == "large":
            return LARGE_CELLS[padded]
        if mode.name == "half":
            return HALF_BLOCKS[padded[0::2] + 2 * padded[1::2]]
        blocks = padded.reshape(padded.shape[0] // 4, 4, padded.shape[1] // 2, 2)
        return BRAILLE[np.einsum("yrxc,rc->yx", blocks.astype(np.int32), BRAILLE_BITS)]

    def _redraw(self, full: bool = False) -> None:
        if not self.size.width:
            return
        window = self._visible()
        chars = self._encode(window)
        lines = ["".join(row) for row in chars]
        marks: list[np.ndarray | None] = [None] * len(lines)
        if self.differing is not None:
            marked = self._encode(self._marked()) != self._encode(np.zeros_like(window))
            marks = [row if row.any() else None for row in marked]
        for y, (line, mark) in enumerate(zip(lines, marks)):
            old_mark = self._marks[y] if y < len(self._marks) else None
            changed = y >= len(self._lines) or self._lines[y] != line or (mark is not None) or (old_mark is not None)
            if full or changed:
                self.refresh(Region(0, y, self.size.width, 1))
        if len(lines) < len(self._lines):
            self.refresh(Region(0, len(lines), self.size.width, len(self._lines) - len(lines)))
        self._lines, self._marks = lines, marks

    def render_line(self, y: int) -> Strip:
        if y >= len(self._lines):
            return Strip.blank(self.size.width)
        line, mark = self._lines[y], self._marks[y]
        if mark is None:
            return Strip([Segment(line, self.live)]).extend_cell_length(self.size.width)
        per_char = self.mode.chars_per_cell
        segments = []
        for index, flagged in enumerate(mark):
            text = line[index * per_char : (index + 1) * per_char]
            if flagged:
                text = text if text.strip() else "▒" * per_char
            segments.append(Segment(text, self.marked if flagged else self.live))
        return Strip(segments).simplify().extend_cell_length(self.size.width)

    def on_click(self, event: Click) -> None:
        mode = self.mode
        x = self.origin[0] + event.x // mode.chars_per_cell * mode.cells_wide
        y = self.origin[1] + event.y * mode.cells_high
        self.post_message(self.CellClicked(x % self.shape[1], y % self.shape[0]))
