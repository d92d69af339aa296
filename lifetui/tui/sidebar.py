"""The sidebar: engine, generation, population, speed and the reference's verdict, with a speed sparkline, and
the text of its rows."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.css.query import NoMatches
from textual.widgets import Sparkline, Static

from lifetui.rules import Rule
from lifetui.simulation import Simulation, Snapshot
from lifetui.simulation.checker import MAX_SPAN, Verdict
from lifetui.simulation.driver import SPEEDS, Driver
from lifetui.tui.board_view import MERGED_STATES
from lifetui.tui.messages import Analysed


class Sidebar(Vertical):
    DEFAULT_CSS = """
    Sidebar { width: 38; max-width: 45%; padding: 0 1; border-left: solid $primary; }
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
            # A plain string is shown as written (a pattern's name or author is the file's, never markup).
            table.add_row(label, Text(value) if isinstance(value, str) else value)
        try:
            self.query_one("#stats", Static).update(table)
            # Nothing run yet: a flat line. (A single 0 is drawn as full-height bars.)
            self.query_one("#speed", Sparkline).data = speeds if any(speeds) else []
            if populations is not None:
                self.query_one("#population", Sparkline).data = populations if len(populations) > 1 else []
        except NoMatches:
            pass  # A message from a worker thread arrived while the app was shutting down.


#: Numbers from this on are shortened (1.2e21): written out they would wrap mid-digit.
SHORTEN_FROM = 10**15


def number(value: int | float) -> str:
    """A count for the sidebar: 1,234,567, or 1.23e21 when that would be too long to read."""
    return f"{value:.3g}" if abs(value) >= SHORTEN_FROM else f"{value:,.0f}"


def speed_text(driver: Driver) -> str:
    """Gen/s: the board's advance over wall time, and the target (and, paced, what the engine could do)."""
    target = SPEEDS[driver.speed_index]
    speed = number(driver.gens_per_second) if driver.playing else "paused"
    pace = "max" if target is None else str(target)
    if driver.goal is not None:
        pace, target = f"max, to generation {number(driver.goal)}", None
    if driver.step_exponent:
        pace += f", step 2^{driver.step_exponent}"
    if target is not None and driver.engine_gens_per_second:
        # Paced: say how far the engine is from its limit, the figure people compare engines by.
        pace += f"; engine {number(driver.engine_gens_per_second)}"
    return f"{speed} (target {pace})"


def divergence_text(verdict: Verdict | None, snapshot: Snapshot) -> Text:
    """What the reference found, or that it has not compared anything yet."""
    if verdict is None:
        return Text("checking...", style="dim")
    if not verdict.agrees:
        cells = len(verdict.differing)
        if verdict.sampled:
            sampled = verdict.sampled
            text = (f"differs at generation {number(sampled.latest)}: {cells:,} cells (in red), in a window of "
                    f"{sampled.length:,} generations from {number(sampled.latest - sampled.length)}")  # fmt: skip
        elif verdict.agreed_through == verdict.generation - 1:
            text = f"first differs at generation {number(verdict.generation)}: {cells:,} cells (in red)"
        else:
            text = (f"differs at generation {number(verdict.generation)}: {cells:,} cells (in red); agreed "
                    f"through {number(verdict.agreed_through)}")  # fmt: skip
        return Text(text, style="bold red")
    if verdict.sampled:
        sampled = verdict.sampled
        what = "tile windows" if sampled.tile else "windows"
        return Text(f"sampled: {sampled.spans:,} {what} of {sampled.length:,} generations, latest at "
                    f"{number(sampled.latest)}, 0 cells differ", style="green")  # fmt: skip
    lag = snapshot.generation - verdict.agreed_through
    if not verdict.checked:
        ahead = f"; the board is {number(lag)} further on" if lag > 0 else ""
        return Text(f"not checked yet: the reference starts at generation {number(verdict.generation)}{ahead}",
                    style="dim")  # fmt: skip
    if lag > MAX_SPAN:  # a jump (go to, hashlife's steps): further than the reference follows
        text = (f"not checked: {number(lag)} generations past the last check (agreed through generation "
                f"{number(verdict.agreed_through)}); spans are checked as the board runs on")  # fmt: skip
        return Text(text, style="yellow")
    behind = f", {number(lag)} behind" if lag > 0 else ""
    since = f" (every one since {number(verdict.since)})" if verdict.since is not None else ""
    return Text(f"agrees through generation {number(verdict.agreed_through)}{since}{behind}", style="green")


def behaviour_text(analysis: Analysed | None, simulation: Simulation, most_cells: int) -> Text:
    """What the board does, as far as the analysis thread found (it watches areas of at most `most_cells`)."""
    height, width = simulation.shape
    if height * width > most_cells:
        area = "boards" if simulation.torus else "a live area"
        return Text(f"not watched on {area} over 1024 x 1024", style="dim")
    if analysis is None or analysis.epoch != simulation.epoch:
        return Text("watching...", style="dim")
    if analysis.behaviour is None:
        return Text(f"not repeating yet (followed from generation {number(analysis.followed_from)})", style="dim")
    return Text(analysis.behaviour.describe(start="by"))


def states_rows(rule: Rule) -> list[tuple[str, str]]:
    """For a multi-state rule: how many states, and what the braille views merge."""
    if not rule.multi_state:
        return []
    return [("States", f"{rule.states} ({rule.family}); {MERGED_STATES}")]


def board_rows(snapshot: Snapshot, simulation: Simulation) -> list[tuple[str, str]]:
    """What the board is: a torus of its size, or the plane (or grid) and where its live cells are."""
    if snapshot.torus:
        return [("Board", f"{snapshot.shape[1]} x {snapshot.shape[0]} torus")]
    box, topology = simulation.box, simulation.topology
    live = "none" if box is None else f"{number(box[3])} x {number(box[2])} from ({number(box[1])}, {number(box[0])})"
    return [("Board", "unbounded plane" if topology.is_plane else topology.describe()), ("Live area", live)]
