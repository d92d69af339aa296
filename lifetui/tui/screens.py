"""Modal screens: the help listing every key, and the save dialog."""

from __future__ import annotations

from pathlib import Path

from rich.table import Table
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static


class HelpScreen(ModalScreen[None]):
    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > Vertical { width: 60; height: auto; border: thick $primary; padding: 1 2; background: $surface; }
    """
    BINDINGS = [Binding("escape,q,question_mark", "dismiss", "Close")]

    def __init__(self, keys: list[tuple[str, str]]) -> None:
        super().__init__()
        self.keys = keys

    def compose(self) -> ComposeResult:
        table = Table.grid(padding=(0, 2))
        table.add_column(style="bold cyan", no_wrap=True)
        table.add_column()
        for key, action in self.keys:
            table.add_row(key, action)
        with Vertical():
            yield Label("[b]lifetui keys[/b]")
            yield Static(table)
            yield Static("\nClick a cell to toggle it; z zooms in to large cells for editing. Esc closes.")


class SaveScreen(ModalScreen[Path | None]):
    """Ask for a file name; an existing file is only replaced after a second Enter on the same name."""

    DEFAULT_CSS = """
    SaveScreen { align: center middle; }
    SaveScreen > Vertical { width: 70; height: auto; border: thick $primary; padding: 1 2; background: $surface; }
    """
    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, suggestion: str) -> None:
        super().__init__()
        self.suggestion = suggestion
        self._confirmed: Path | None = None

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label("Save the board as RLE to:")
            yield Input(self.suggestion, id="path")
            yield Label("", id="warning")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        path = Path(event.value).expanduser()
        if path.exists() and path != self._confirmed:
            self._confirmed = path
            self.query_one("#warning", Label).update(f"{path} exists: press Enter again to replace it, Esc to cancel")
            return
        self.dismiss(path)

    def action_cancel(self) -> None:
        self.dismiss(None)
