"""The board widget: the torus (or the unbounded plane) drawn with large cells, half blocks or braille, and
zoomed out braille where a dot stands for a square of cells; panned (around the torus) by keys or by dragging;
zoomed by keys or by the mouse wheel at the pointer; drawn on with the left button.

It draws from a region of the board (what the simulation read back for it), never the whole board, and
tells the app which region it shows, and at what scale, so that only those cells are read.

Under a multi-state rule, large cells and half blocks draw each state in Golly's default colour for it (a
half block's upper cell in the foreground, its lower one in the background); braille and the zoomed-out
views merge states: a dot is lit for a cell in any state but 0, in the two-state live colour.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from rich.segment import Segment
from rich.style import Style
from textual.events import MouseDown, MouseMove, MouseScrollDown, MouseScrollUp, MouseUp
from textual.geometry import Region
from textual.message import Message
from textual.strip import Strip
from textual.widget import Widget

from lifetui.simulation import Snapshot
from lifetui.world.topology import Region as BoardRegion


@dataclass(frozen=True)
class Mode:
    """How many board cells one character shows, and how they are drawn."""

    name: str
    cells_wide: int  # dots per character, horizontally (large mode: 1 dot per 2 characters)
    cells_high: int
    chars_per_cell: int = 1
    block: int = 1  # board cells each way per dot: zoomed out, a dot is live when any cell of its square is

    def describe(self) -> str:
        """For the sidebar: how many cells a character shows."""
        if self.chars_per_cell > 1:
            return f"{self.name}, 1 cell/{self.chars_per_cell} chars"
        wide, high = self.cells_wide * self.block, self.cells_high * self.block
        return f"{self.name}, {wide}x{high} cells/char"


#: Zoomed in to braille; past it, braille whose dots are squares of 2, 4, 8, ... cells.
MODES = (Mode("large", 1, 1, 2), Mode("half", 1, 2), Mode("braille", 2, 4))
BRAILLE_INDEX = 2
#: On the plane, the furthest zoom out: a dot for a square of 2^48 cells a side.
PLANE_WIDEST_INDEX = BRAILLE_INDEX + 48
HALF_BLOCKS = np.array([" ", "▀", "▄", "█"])
LARGE_CELLS = np.array(["  ", "██"])
# Unicode braille: dot (row, column) of a 4x2 cell sets this bit of U+2800.
BRAILLE_BITS = np.array([[0x01, 0x08], [0x02, 0x10], [0x04, 0x20], [0x40, 0x80]])
BRAILLE = np.array([" "] + [chr(0x2800 + code) for code in range(1, 256)])
#: Mouse buttons that pan the view when dragged (the left one draws).
PAN_BUTTONS = (2, 3)


#: What braille and the zoomed-out views do with states, for the help and the sidebar.
MERGED_STATES = "braille and zoomed out: any state but 0 lit as live"


def mode_at(index: int) -> Mode:
    """Zoom level `index`: 0 large cells ... 2 braille, then braille of 2^(index - 2) cells a dot."""
    if index <= BRAILLE_INDEX:
        return MODES[index]
    return Mode(f"1:{1 << (index - BRAILLE_INDEX)}", 2, 4, 1, 1 << (index - BRAILLE_INDEX))


def occupied_arc(occupied: np.ndarray) -> tuple[int, int] | None:
    """The shortest stretch around a torus side covering every True entry: (start, length), or None if none.

    It is the side less the longest run of False entries, which may wrap around the end.
    """
    size = len(occupied)
    if not occupied.any():
        return None
    live = np.flatnonzero(occupied)
    gaps = np.diff(np.append(live, live[0] + size)) - 1  # empty entries after each live one, wrapping
    widest = int(np.argmax(gaps))
    start = int(live[(widest + 1) % len(live)])
    return start, size - int(gaps[widest])


class BoardView(Widget):
    """Draws a window of the torus, or of the plane; the top-left board cell of the window is `origin` (row,
    column). Board cells are (row, column) throughout; (x, y) is only ever a character of the widget."""

    DEFAULT_CSS = """
    BoardView { width: 1fr; height: 1fr; }
    """

    class CellsDrawn(Message):
        """The user drew `value` (1 live, 0 dead) on these cells, (row, column) each; `first` for a stroke's
        first."""

        def __init__(self, cells: list[tuple[int, int]], value: int, first: bool = True) -> None:
            super().__init__()
            self.cells, self.value, self.first = cells, value, first

    class RegionChanged(Message):
        """The view now shows another region of the board (a pan, a zoom, a resize), at `block` cells a dot."""

        def __init__(self, region: BoardRegion, block: int) -> None:
            super().__init__()
            self.region, self.block = region, block

    def __init__(self, first: Snapshot, colours: list[tuple[int, int, int]] | None = None, **kwargs) -> None:
        """`colours`: each state's, for a multi-state rule (pictures.state_colours); None: all in one colour."""
        super().__init__(**kwargs)
        self.frame = first
        self.colours = colours
        self._state_styles: dict[int, Style] = {}
        self._state_rows: list[np.ndarray] = []  # per character, (upper state << 8) | lower state
        self.shape = first.shape
        self.torus = first.torus  # else nothing wraps, and the view may go anywhere
        self.differing: np.ndarray | None = None  # (n, 2) rows and columns to mark
        self.mode_index = 1
        self.origin = (0, 0)
        self._window_size: tuple[int, int] | None = None  # the window as last laid out: a resize keeps its centre
        self._drag: tuple[int, int, int] | None = None  # the button held and the pointer's last place
        self._drawing: tuple[int, tuple[int, int]] | None = None  # the value drawn and the last cell drawn
        self.selecting = False  # the left button selects a rectangle instead of drawing
        self.selection: BoardRegion | None = None  # top, left, height, width
        self._selecting_from: tuple[int, int] | None = None  # the cell where the drag that selects began
        self.pointer: tuple[int, int] | None = None  # the board cell under the mouse, last seen
        self.selected = Style(color="bright_green", bgcolor="blue")
        self._selected_rows: list[np.ndarray | None] = []
        self._lines: list[str] = []
        self._marks: list[np.ndarray | None] = []
        self.live = Style(color="bright_green")
        self.marked = Style(color="bright_red", bold=True)
        #: Beyond a torus's edge, when the whole of it is in view: shaded, so that the edge shows (as in Golly).
        self.beyond = Style(bgcolor="grey19")

    @property
    def mode(self) -> Mode:
        return mode_at(self.mode_index)

    def show(self, frame: Snapshot, differing: np.ndarray | None = None) -> None:
        """Draw a new frame, marking the `differing` cells; only the lines that changed are repainted."""
        self.frame = frame
        self.differing = differing
        self._redraw()

    def board_region(self) -> BoardRegion:
        """The cells the view shows: top row, left column, height, width."""
        return (*self.origin, *self._window())

    # Moving the view.

    def zoom(self, step: int, anchor: tuple[int, int] | None = None) -> None:
        """step < 0 zooms in (bigger cells), > 0 zooms out, no further than the whole board in view. The board
        cell under `anchor` (a place in the widget, in characters) stays there; without one, the centre."""
        index = max(0, min(self._widest_index(), self.mode_index + step))
        if index == self.mode_index:
            return
        if anchor is None:
            centre = self.view_centre()
            self.mode_index = index
            self._centre_on(centre)
        else:
            row, column = self._cell_at(*anchor)
            self.mode_index = index
            down, across = self._offset(*anchor)
            self.origin = self._around(row - down, column - across)
        self._moved()

    def _around(self, row, column):
        """A place (row, column), each a number or an array, taken round the torus; elsewhere, itself."""
        if not self.torus:
            return row, column
        return row % self.shape[0], column % self.shape[1]

    def fit(self, occupied: np.ndarray, block: int) -> bool:
        """Zoom and pan so that every live cell is in view, as large as fits. `occupied` marks the squares of
        `block` x `block` cells of the whole board that have one. False when there is none."""
        rows, columns = occupied_arc(occupied.any(axis=1)), occupied_arc(occupied.any(axis=0))
        if rows is None or columns is None:
            return False
        top, tall = rows[0] * block, min(rows[1] * block, self.shape[0])
        left, wide = columns[0] * block, min(columns[1] * block, self.shape[1])
        self.fit_box((top, left, tall, wide))
        return True

    def fit_box(self, box: BoardRegion) -> None:
        """Zoom and pan so that the box (top, left, height, width) is in view, as large as fits."""
        top, left, tall, wide = box
        self.mode_index = 0
        while self.mode_index < self._widest_index() and not self._fits(tall, wide):
            self.mode_index += 1
        self._centre_on(self._around(top + tall // 2, left + wide // 2))
        self._moved()

    def pan(self, dx: int, dy: int) -> None:
        """Move the view by a fraction of its size in the given direction on the screen (dx right, dy down)."""
        height, width = self._window()
        self._pan_cells(dy * max(1, height // 8), dx * max(1, width // 8))

    def _pan_cells(self, rows: int, columns: int) -> None:
        top, left = self.origin
        self.origin = self._around(top + rows, left + columns)
        self._moved()

    def on_resize(self) -> None:
        # The first layout centres the board (on the plane, the live cells); later ones keep what was in the
        # middle of the view there.
        top, left, height, width = self.frame.region if not self.torus else (0, 0, *self.shape)
        centre = (top + height // 2, left + width // 2) if self._window_size is None else self.view_centre()
        self._window_size = None
        self._centre_on(centre)
        self._moved()

    def _moved(self) -> None:
        self._window_size = self._window()
        self._redraw(full=True)
        self.post_message(self.RegionChanged(self.board_region(), self.mode.block))

    def _capacity(self, index: int | None = None) -> tuple[int, int]:
        """Board cells the view could show down and across at zoom level `index` (the current one by default)."""
        mode = self.mode if index is None else mode_at(index)
        across = self.size.width // mode.chars_per_cell * mode.cells_wide * mode.block
        return self.size.height * mode.cells_high * mode.block, across

    def _fits(self, tall: int, wide: int, index: int | None = None) -> bool:
        down, across = self._capacity(index)
        return down >= tall and across >= wide

    def _widest_index(self) -> int:
        """The furthest zoom level out: braille, or the first braille scale that shows the whole board."""
        if not self.torus:
            return PLANE_WIDEST_INDEX
        index = BRAILLE_INDEX
        while not self._fits(*self.shape, index) and self.size.width and self.size.height:
            index += 1
        return index

    def _window(self) -> tuple[int, int]:
        """Board cells visible down and across: the view's capacity, at most a torus (elsewhere, no end)."""
        down, across = self._capacity()
        if not self.torus:
            return down, across
        return min(down, self.shape[0]), min(across, self.shape[1])

    def view_centre(self) -> tuple[int, int]:
        """The board cell in the middle of the view."""
        height, width = self._window_size or self._window()
        return self._around(self.origin[0] + height // 2, self.origin[1] + width // 2)

    def _centre_on(self, centre: tuple[int, int]) -> None:
        height, width = self._window()
        self.origin = self._around(centre[0] - height // 2, centre[1] - width // 2)

    def _offset(self, x: int, y: int) -> tuple[int, int]:
        """How many cells down and across character (x, y) of the widget starts from the view's origin."""
        mode = self.mode
        return y * mode.cells_high * mode.block, x // mode.chars_per_cell * mode.cells_wide * mode.block

    def _cell_at(self, x: int, y: int) -> tuple[int, int]:
        """The board cell (row, column) at character (x, y) of the widget (the top-left one of its dot's square)."""
        down, across = self._offset(x, y)
        return self._around(self.origin[0] + down, self.origin[1] + across)

    # Drawing.

    def _dots(self) -> tuple[int, int]:
        """Dots visible down and across (cells, or squares of cells zoomed out)."""
        height, width = self._window()
        block = self.mode.block
        return -(-height // block), -(-width // block)

    def _offsets(self, top: int, left: int) -> tuple[np.ndarray, np.ndarray]:
        """Each visible dot's row and column distance, in cells around the torus, from row `top` and column `left`
        (on the plane, negative for a dot above or left of them)."""
        down, across = self._dots()
        block = self.mode.block
        return self._around(self.origin[0] - top + np.arange(down) * block,
                            self.origin[1] - left + np.arange(across) * block)  # fmt: skip

    def _visible(self) -> np.ndarray:
        """The visible dots, from the frame's region; any the region lacks (a pan or zoom it has not caught up
        with) are drawn dead until the next frame."""
        top, left, height, width = self.frame.region
        rows, columns = self._offsets(top, left)
        shown = np.zeros((len(rows), len(columns)), dtype=np.uint8)
        if self.frame.block != self.mode.block:
            return shown
        block = self.frame.block
        have_rows, have_columns = (rows >= 0) & (rows < height), (columns >= 0) & (columns < width)
        cells = self.frame.cells[np.ix_(rows[have_rows] // block, columns[have_columns] // block)]
        shown[np.ix_(have_rows, have_columns)] = cells
        return shown

    def _marked(self) -> np.ndarray:
        """The visible dots with cells among `differing`."""
        down, across = self._dots()
        marked = np.zeros((down, across), dtype=np.uint8)
        if self.differing is not None and len(self.differing):
            block = self.mode.block
            at_row, at_column = self._around(
                self.differing[:, 0] - self.origin[0], self.differing[:, 1] - self.origin[1]
            )
            at_row, at_column = at_row // block, at_column // block
            inside = (at_row >= 0) & (at_row < down) & (at_column >= 0) & (at_column < across)
            marked[at_row[inside], at_column[inside]] = 1
        return marked

    def _encode(self, window: np.ndarray) -> np.ndarray:
        """One string per character cell of the view."""
        mode = self.mode
        high, wide = mode.cells_high, mode.cells_wide
        padded = np.zeros((-(-window.shape[0] // high) * high, -(-window.shape[1] // wide) * wide), dtype=np.uint8)
        padded[: window.shape[0], : window.shape[1]] = window != 0  # any state but 0 is live
        if mode.name == "large":
            return LARGE_CELLS[padded]
        if mode.name == "half":
            return HALF_BLOCKS[padded[0::2] + 2 * padded[1::2]]
        blocks = padded.reshape(padded.shape[0] // 4, 4, padded.shape[1] // 2, 2)
        return BRAILLE[np.einsum("yrxc,rc->yx", blocks.astype(np.int32), BRAILLE_BITS)]

    def _states_of(self, window: np.ndarray) -> list[np.ndarray]:
        """Each character's states, (upper << 8) | lower, where they are drawn in colour (a multi-state rule in
        large cells or half blocks); none where every line is drawn in the live colour."""
        mode = self.mode
        if self.colours is None or mode.name not in ("large", "half"):
            return []
        if mode.name == "large":
            return list(window.astype(np.int32) << 8)  # one cell a character: its state as the upper one
        padded = np.zeros((-(-window.shape[0] // 2) * 2, window.shape[1]), dtype=np.int32)
        padded[: window.shape[0]] = window
        return list(padded[0::2] << 8 | padded[1::2])

    def _state_style(self, key: int) -> Style:
        style = self._state_styles.get(key)
        if style is None:
            assert self.colours is not None
            upper, lower = key >> 8, key & 255
            colour = self.colours[upper or lower]
            background = self.colours[lower] if upper and lower else None
            style = Style(color=f"rgb{colour}", bgcolor=f"rgb{background}" if background else None)
            self._state_styles[key] = style
        return style

    def _redraw(self, full: bool = False) -> None:
        if not self.size.width:
            return
        window = self._visible()
        chars = self._encode(window)
        lines = ["".join(row) for row in chars]
        states = self._states_of(window)
        old_states, self._state_rows = self._state_rows, states
        marks: list[np.ndarray | None] = [None] * len(lines)
        blank = self._encode(np.zeros_like(window))
        if self.differing is not None:
            marked = self._encode(self._marked()) != blank
            marks = [row if row.any() else None for row in marked]
        chosen: list[np.ndarray | None] = [None] * len(lines)
        if self.selection is not None:
            chosen = [row if row.any() else None for row in self._encode(self._chosen()) != blank]
        self._selected_rows = chosen
        if self.selection is not None:
            full = True
        for y, (line, mark) in enumerate(zip(lines, marks)):
            old_mark = self._marks[y] if y < len(self._marks) else None
            changed = y >= len(self._lines) or self._lines[y] != line or (mark is not None) or (old_mark is not None)
            if y < len(states):
                old = old_states[y] if y < len(old_states) else None
                changed = changed or old is None or not np.array_equal(states[y], old)
            if full or changed:
                self.refresh(Region(0, y, self.size.width, 1))
        if len(lines) < len(self._lines):
            self.refresh(Region(0, len(lines), self.size.width, len(self._lines) - len(lines)))
        self._lines, self._marks = lines, marks

    def render_line(self, y: int) -> Strip:
        if y >= len(self._lines):
            return Strip.blank(self.size.width, self._beyond_style(0))
        line, mark = self._lines[y], self._marks[y]
        chosen = self._selected_rows[y] if y < len(self._selected_rows) else None
        states = self._state_rows[y] if y < len(self._state_rows) else None
        if mark is None and chosen is None and states is None:
            return Strip([Segment(line, self.live)]).extend_cell_length(self.size.width, self._beyond_style(1))
        per_char = self.mode.chars_per_cell
        segments = []
        for index in range(len(line) // per_char):
            text = line[index * per_char : (index + 1) * per_char]
            flagged = mark is not None and mark[index]
            if flagged:
                text = text if text.strip() else "▒" * per_char
            style = self.marked if flagged else self.selected if chosen is not None and chosen[index] else self.live
            if states is not None and style is self.live and states[index]:
                key = int(states[index])
                style = self._state_style(key)
                if per_char == 1 and key >> 8 and key & 255:  # two live halves: the upper one over the lower
                    text = HALF_BLOCKS[1]
            segments.append(Segment(text, style))
        return Strip(segments).simplify().extend_cell_length(self.size.width, self._beyond_style(1))

    def _beyond_style(self, axis: int) -> Style | None:
        """How the widget past the last dot along `axis` (0 down, 1 across) is drawn: shaded when that is past a
        torus's edge (the whole torus is in view that way), else as the board."""
        return self.beyond if self.torus and self._window()[axis] >= self.shape[axis] else None

    # The mouse: the wheel zooms at the pointer, the right or middle button drags the view, the left one draws.

    def on_mouse_scroll_up(self, event: MouseScrollUp) -> None:
        self.zoom(-1, (event.x, event.y))
        event.stop()

    def on_mouse_scroll_down(self, event: MouseScrollDown) -> None:
        self.zoom(1, (event.x, event.y))
        event.stop()

    def on_mouse_down(self, event: MouseDown) -> None:
        self.capture_mouse()
        if event.button in PAN_BUTTONS:
            self._drag = (event.button, event.x, event.y)
        elif event.button == 1 and self.selecting:
            self._selecting_from = self._cell_at(event.x, event.y)
            self.select(self._selecting_from, self._selecting_from)
        elif event.button == 1:
            if self.mode.block > 1:
                self.notify("zoom in to draw: here a dot stands for several cells", severity="warning")
                return
            cell = self._cell_at(event.x, event.y)
            value = 1 - self._shown_at(event.x, event.y)
            self._drawing = (value, cell)
            self.post_message(self.CellsDrawn([cell], value))

    def on_mouse_move(self, event: MouseMove) -> None:
        self.pointer = self._cell_at(event.x, event.y)
        if self._selecting_from is not None:
            self.select(self._selecting_from, self.pointer)
        elif self._drag is not None:
            button, x, y = self._drag
            (before_down, before_across), (now_down, now_across) = self._offset(x, y), self._offset(event.x, event.y)
            rows, columns = before_down - now_down, before_across - now_across
            if rows or columns:
                self._drag = (button, event.x, event.y)
                self._pan_cells(rows, columns)
        elif self._drawing is not None:
            value, last = self._drawing
            cell = self._cell_at(event.x, event.y)
            if cell != last:
                self._drawing = (value, cell)
                self.post_message(self.CellsDrawn(self._line(last, cell)[1:], value, first=False))

    def on_mouse_up(self, event: MouseUp) -> None:
        self.release_mouse()
        self._drag = self._drawing = self._selecting_from = None

    def select(self, corner: tuple[int, int] | None, other: tuple[int, int] | None = None) -> None:
        """Select the rectangle between two cells (row, column), as the view shows them (it may cross the
        torus's edge), or nothing (corner None)."""
        if corner is None or other is None:
            self.selection = None
        else:
            (row0, column0), (row1, column1) = (
                self._around(row - self.origin[0], column - self.origin[1]) for row, column in (corner, other)
            )
            top, left = self._around(self.origin[0] + min(row0, row1), self.origin[1] + min(column0, column1))
            self.selection = (top, left, abs(row1 - row0) + 1, abs(column1 - column0) + 1)
        self._redraw(full=True)

    def _chosen(self) -> np.ndarray:
        """The visible dots inside the selection."""
        down, across = self._dots()
        chosen = np.zeros((down, across), dtype=np.uint8)
        if self.selection is not None:
            top, left, height, width = self.selection
            rows, columns = self._offsets(top, left)
            chosen[np.ix_((rows >= 0) & (rows < height), (columns >= 0) & (columns < width))] = 1
        return chosen

    def _shown_at(self, x: int, y: int) -> int:
        """Whether the cell drawn at character (x, y) is live in the frame on screen."""
        row, column = self._offset(x, y)
        visible = self._visible()
        return int(row < visible.shape[0] and column < visible.shape[1] and visible[row, column] != 0)

    def _line(self, start: tuple[int, int], end: tuple[int, int]) -> list[tuple[int, int]]:
        """The cells from `start` to `end` (both included), by the shortest way around the torus."""
        height, width = self.shape
        down, across = end[0] - start[0], end[1] - start[1]
        if self.torus:
            down, across = (down + height // 2) % height - height // 2, (across + width // 2) % width - width // 2
        steps = max(abs(down), abs(across), 1)
        return list(dict.fromkeys(
            self._around(start[0] + round(down * k / steps), start[1] + round(across * k / steps))
            for k in range(steps + 1)
        ))  # fmt: skip
