"""The editing keys: select, copy, paste, clear, fill, undo and redo, as a part of the app."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from textual.app import App
from textual.events import Paste

from lifetui.errors import LifeError
from lifetui.patterns import Pattern, parse_pattern, pattern_text
from lifetui.simulation import Simulation
from lifetui.simulation.driver import Driver
from lifetui.tui.board_view import BoardView
from lifetui.tui.messages import Notice
from lifetui.tui.screens import DensityScreen, PasteFileScreen
from lifetui.world.topology import Region

#: The most cells a paste lays out (its box, dead cells too, as an array on the way to the board): 4096 x 4096.
#: A larger pattern is refused before any of it is allocated; `o` opens it in place of the board instead.
PASTE_CELLS = 1 << 24


class Editing(App):
    """LifeApp's editing actions: each edit goes to the simulation thread through the driver."""

    simulation: Simulation
    driver: Driver
    copied: np.ndarray | None = None  # what c copied last

    def action_toggle_select(self) -> None:
        view = self.query_one(BoardView)
        view.selecting = not view.selecting
        self.notify("select: drag with the left button; v again to draw" if view.selecting else "draw mode")

    def action_unselect(self) -> None:
        self.query_one(BoardView).select(None)

    def _selection(self) -> Region | None:
        selection = self.query_one(BoardView).selection
        if selection is None:
            self.notify("nothing selected: v, then drag with the left button", severity="warning")
        return selection

    def action_copy(self) -> None:
        selection = self._selection()
        if selection is None:
            return
        cells = self.simulation.snapshot(selection).cells
        self.copied = cells
        self.copy_to_clipboard(pattern_text(None, cells, self.simulation.rule, 0))
        self.notify(f"copied {selection[3]} x {selection[2]} ({int(cells.sum()):,} live) as RLE")

    def action_paste(self) -> None:
        if self.copied is None:
            self.notify("nothing copied: select (v), then c; or paste RLE into the terminal", severity="warning")
            return
        self._put_at_pointer(self.copied)

    def action_paste_file(self) -> None:
        self.push_screen(PasteFileScreen(), self._put_pattern)

    def on_paste(self, event: Paste) -> None:
        """RLE (or any pattern text) pasted into the terminal goes on the board at the mouse."""
        try:
            pattern = parse_pattern(event.text.encode(), "<pasted text>")
        except LifeError as err:
            self.notify(str(err), severity="error")
            return
        self._put_pattern(pattern)

    def _put_pattern(self, pattern: Pattern | None) -> None:
        """A pattern at the mouse, or a notice saying why not, checked before its cells become an array."""
        if pattern is None:
            return
        refusal = pattern.unlaid or self._refuse_paste(pattern.height, pattern.width)
        if refusal:
            self.notify(refusal, severity="error")
            return
        pattern.fit_states(self.simulation.rule.states)  # a multi-state file on a board of fewer states
        for warning in pattern.warnings:
            self.notify(warning, severity="warning", timeout=10)
        self._put_at_pointer(pattern.to_array())

    def _refuse_paste(self, height: int, width: int) -> str:
        """Why a box of this size cannot be pasted here, or ""."""
        if self.simulation.torus and (height > self.simulation.shape[0] or width > self.simulation.shape[1]):
            return f"{width} x {height} does not fit on this board"
        if height * width > PASTE_CELLS:
            return f"{width:,} x {height:,} is too large to paste (at most {PASTE_CELLS:,} cells); o opens it instead"
        return ""

    def _put_at_pointer(self, cells: np.ndarray) -> None:
        refusal = self._refuse_paste(*cells.shape)
        if refusal:
            self.notify(refusal, severity="error")
            return
        view = self.query_one(BoardView)
        top, left = view.pointer or view.view_centre()
        self.driver.submit(lambda: self.simulation.put(top, left, cells, replace=False))

    def action_clear(self) -> None:
        selection = self._selection()
        if selection is not None:
            top, left, tall, wide = selection
            self.driver.submit(lambda: self.simulation.put(top, left, np.zeros((tall, wide), dtype=np.uint8)))

    def action_fill(self) -> None:
        selection = self._selection()
        if selection is not None:
            self.push_screen(DensityScreen(), lambda density: self._fill(selection, density))

    def _fill(self, selection: Region, density: float | None) -> None:
        if density is None:
            return
        top, left, tall, wide = selection
        soup = (np.random.default_rng().random((tall, wide)) < density).astype(np.uint8)
        self.driver.submit(lambda: self.simulation.put(top, left, soup))

    def action_undo(self) -> None:
        self._travel(self.simulation.undo, "nothing to undo")

    def action_redo(self) -> None:
        self._travel(self.simulation.redo, "nothing to redo")

    def _travel(self, move: Callable[[], bool], nothing: str) -> None:
        self.driver.stop()

        def command() -> None:
            if not move():
                self.post_message(Notice(nothing, "warning"))

        self.driver.submit(command)
