"""The sidebar: engine, generation, population, speed and the reference's verdict, with a speed sparkline."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.css.query import NoMatches
from textual.widgets import Sparkline, Static


class Sidebar(Vertical):
    DEFAULT_CSS = """
    Sidebar { width: 38; padding: 0 1; border-left: solid $primary; }
    Sidebar #stats { height: auto; }
    Sidebar Sparkline { height: 3; margin-top: 1; }
    Sidebar .sparkline-label { color: $text-muted; }
    """

    def compose(self) -> ComposeResult:
        yield Static(id="stats")
        yield Static("Gen/s, last minute", id="sparkline-label", classes="sparkline-label")
        yield Sparkline([], id="speed")
        yield Static("Population, the run so far", id="population-label", classes="sparkline-label")
        yield Sparkline([], id="population")

    def update_rows(
        self, rows: list[tuple[str, str | Text]], speeds: list[float], populations: list[int] | None = None
    ) -> None:
        table = Table.grid(padding=(0, 1))
        table.add_column(style="bold", no_wrap=True)
        table.add_column(overflow="fold")  # a MAP rule is 89 characters without a space: fold, never cut
        for label, value in rows:
            table.add_row(label, value)
        try:
            self.query_one("#stats", Static).update(table)
            # Nothing run yet: a flat line. (A single 0 is drawn as full-height bars.)
            self.query_one("#speed", Sparkline).data = speeds if any(speeds) else []
            if populations is not None:
                self.query_one("#population", Sparkline).data = populations if len(populations) > 1 else []
        except NoMatches:
            pass  # A message from a worker thread arrived while the app was shutting down.
