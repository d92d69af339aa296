"""The lifetui app: composes the board and sidebar, and runs the simulation and its checker in threads."""

from __future__ import annotations

import queue
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable
from functools import partial
from pathlib import Path

from rich.text import Text
from textual import work
from textual.app import App, ComposeResult, SystemCommand
from textual.binding import Binding
from textual.containers import Horizontal
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer
from textual.worker import get_current_worker

from lifetui.board import Board
from lifetui.engines import DEFAULT_OPTIONS, ENGINES, Engine, EngineOptions, create_engine
from lifetui.errors import LifeError
from lifetui.files import write_atomically
from lifetui.patterns import write_rle
from lifetui.simulation import ReferenceChecker, Simulation, Snapshot, Verdict
from lifetui.tui.board_view import BoardView
from lifetui.tui.screens import HelpScreen, SaveScreen
from lifetui.tui.sidebar import Sidebar

#: Target speeds in generations per second; None runs as fast as the engine goes.
SPEEDS: tuple[int | None, ...] = (1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, None)
FRAME_SECONDS = 1 / 30
#: A flat-out step call aims to take this long, so that keys take effect quickly at any speed.
BATCH_SECONDS = 0.02
CHECK_SECONDS = 0.25


class Frame(Message):
    """A board to draw, from the simulation thread."""

    def __init__(self, snapshot: Snapshot, gens_per_second: float) -> None:
        super().__init__()
        self.snapshot = snapshot
        self.gens_per_second = gens_per_second


class Checked(Message):
    """The reference's verdict on a generation, from the checker thread."""

    def __init__(self, verdict: Verdict, epoch: int) -> None:
        super().__init__()
        self.verdict = verdict
        self.epoch = epoch  # the board's epoch the verdict was reached for


class Notice(Message):
    """Something the user should read, from a worker thread."""

    def __init__(self, text: str, severity: str = "information") -> None:
        super().__init__()
        self.text, self.severity = text, severity


class LifeApp(App):
    TITLE = "lifetui"
    CSS = "Screen { layout: vertical; } #main { height: 1fr; }"
    BINDINGS = [
        Binding("space", "toggle_play", "Play/Pause"),
        Binding("n", "step", "Step"),
        # Keys 1 to 9 choose engines in registry order; those past the registry's end do nothing.
        *(Binding(str(number), f"engine_key({number})", "Engine", show=number == 1) for number in range(1, 10)),
        Binding("e", "next_engine", "Next engine"),
        Binding("plus,equals_sign", "speed(1)", "Faster", key_display="+"),
        Binding("minus", "speed(-1)", "Slower", key_display="-"),
        Binding("left", "pan(-1, 0)", "Pan", key_display="arrows"),
        Binding("right", "pan(1, 0)", "Pan", show=False),
        Binding("up", "pan(0, -1)", "Pan", show=False),
        Binding("down", "pan(0, 1)", "Pan", show=False),
        Binding("z", "zoom(-1)", "Zoom in"),
        Binding("x", "zoom(1)", "Zoom out"),
        Binding("r", "reset", "Reset"),
        Binding("s", "save", "Save"),
        Binding("question_mark", "help", "Help", key_display="?"),
        Binding("q", "quit", "Quit"),
    ]
    HELP = [
        ("space", "play / pause"),
        ("n", "one generation"),
        # The engine keys are listed after this row, from the registry.
        ("e", "next available engine"),
        ("+ / -", "faster / slower (1 gen/s up to flat out)"),
        ("arrows", "pan (the torus wraps around)"),
        ("z / x", "zoom in / out: large cells, half blocks, braille"),
        ("r", "back to generation 0"),
        ("s", "save the board as RLE"),
        ("?", "this help"),
        ("q", "quit"),
        ("ctrl+p", "command palette (engines too)"),
    ]

    def __init__(
        self,
        board: Board,
        pattern_name: str = "",
        author: str = "",
        engine: str = "numpy",
        options: EngineOptions = DEFAULT_OPTIONS,
        warnings: list[str] | None = None,
    ) -> None:
        super().__init__()
        self.board = board
        self.pattern_name = pattern_name
        self.author = author
        self.simulation = Simulation(board, engine, options)
        self.engine_keys = engine_keys()
        self.commands: queue.Queue[Callable[[], None]] = queue.Queue()
        self.playing = False
        self.speed_index = SPEEDS.index(20)
        self.gens_per_second = 0.0  # generations per second of wall time
        self.engine_gens_per_second = 0.0  # generations per second of stepping: what the engine can do
        self.speed_history: deque[float] = deque(maxlen=60)
        self.last_snapshot = self.simulation.snapshot()
        self.verdict: Verdict | None = None
        self._wake = threading.Event()
        self.engine_description = self.simulation.describe_engine()
        self.help_rows = [*self.HELP[:2], engine_help(self.engine_keys), *self.HELP[2:]]
        self.warnings = warnings or []

    def compose(self) -> ComposeResult:
        with Horizontal(id="main"):
            yield BoardView(self.board.cells, id="board")
            yield Sidebar(id="sidebar")
        yield Footer()

    def on_mount(self) -> None:
        for warning in self.warnings:
            self.notify(warning, severity="warning", timeout=10)
        self.run_simulation()
        # Which engines can run reads and checks kernels: let the simulation thread find out, not the UI.
        self._submit(self.simulation.availability)
        self.run_checker()
        self.set_interval(1.0, self._sample_speed)
        self._update_sidebar()

    # The simulation thread: the only place the board is stepped or changed.

    @work(thread=True, exclusive=True, group="simulation")
    def run_simulation(self) -> None:
        worker = get_current_worker()
        batch = 1
        last_frame = 0.0
        dirty = True
        while not worker.is_cancelled:
            while not self.commands.empty():
                command = self.commands.get()
                try:
                    command()
                except Exception as err:  # noqa: BLE001 - any failure becomes a notice; the app keeps running
                    self.post_message(Notice(str(err) if isinstance(err, LifeError) else f"error: {err!r}", "error"))
                dirty = True
            target = SPEEDS[self.speed_index]
            if self.playing:
                started = time.perf_counter()
                count = batch if target is None else max(1, round(target * FRAME_SECONDS))
                try:
                    self.simulation.step(count)
                except Exception as err:  # noqa: BLE001 - stop playing and say why, rather than die
                    self.playing = False
                    self.post_message(Notice(f"stopped: {err}", "error"))
                    continue
                spent = time.perf_counter() - started
                interrupted = False
                if target is None:
                    batch = max(1, min(batch * 2, int(batch * BATCH_SECONDS / max(spent, 1e-6)) or 1))
                else:
                    interrupted = self._wake.wait(max(0.0, count / target - spent))
                # A pause cut short by a key is not the pace: it would read as a burst of speed.
                self._measure(count, spent, None if interrupted else time.perf_counter() - started)
                dirty = True
            else:
                self._wake.wait(0.05)
            self._wake.clear()
            now = time.perf_counter()
            if dirty and now - last_frame >= FRAME_SECONDS:
                self.post_message(Frame(self.simulation.snapshot(), self.gens_per_second))
                last_frame, dirty = now, False

    def _measure(self, generations: int, stepping: float, wall: float | None) -> None:
        """Smoothed rates: what the board advances by per second of wall time, and what the engine could do."""

        def smooth(previous: float, rate: float) -> float:
            return rate if not previous else 0.8 * previous + 0.2 * rate

        if wall is not None:
            self.gens_per_second = smooth(self.gens_per_second, generations / max(wall, 1e-9))
        self.engine_gens_per_second = smooth(self.engine_gens_per_second, generations / max(stepping, 1e-9))

    def _submit(self, command: Callable[[], None]) -> None:
        self.commands.put(command)
        self._wake.set()

    # The checker thread: the numpy reference follows the running engine.

    @work(thread=True, exclusive=True, group="checker")
    def run_checker(self) -> None:
        worker = get_current_worker()
        checker = ReferenceChecker(self.simulation.rule)
        start = self.simulation.snapshot()
        checker.baseline(start.cells, start.generation)
        epoch = start.epoch
        while not worker.is_cancelled:
            snapshot = self.simulation.snapshot()
            if snapshot.epoch != epoch:
                checker.baseline(snapshot.cells, snapshot.generation)
                epoch = snapshot.epoch
            verdict = checker.check(
                snapshot.cells,
                snapshot.generation,
                lambda: worker.is_cancelled,
                partial(self._fresh_engine, snapshot.engine),
            )
            if verdict is not None:
                self.post_message(Checked(verdict, epoch))
            time.sleep(CHECK_SECONDS)

    def _fresh_engine(self, name: str) -> Engine:
        """Another engine like the running one, for the checker to replay a divergence with."""
        return create_engine(name, self.simulation.rule, self.simulation.options)

    # Messages from the threads.

    def on_frame(self, message: Frame) -> None:
        self.last_snapshot = message.snapshot
        if not self.query(BoardView):
            return  # shutting down
        differing = self.verdict.differing if self.verdict is not None and not self.verdict.agrees else None
        self.query_one(BoardView).show(message.snapshot.cells, differing)
        self._update_sidebar()

    def on_checked(self, message: Checked) -> None:
        if message.epoch != self.simulation.epoch:
            return  # reached for a board since reset or edited
        self.verdict = message.verdict
        if not message.verdict.agrees and self.query(BoardView):
            self.query_one(BoardView).show(self.last_snapshot.cells, message.verdict.differing)
        self._update_sidebar()

    def on_notice(self, message: Notice) -> None:
        self.notify(message.text, severity=message.severity)

    def on_board_view_cell_clicked(self, message: BoardView.CellClicked) -> None:
        self._submit(lambda: self.simulation.toggle(message.x, message.y))

    def _sample_speed(self) -> None:
        self.speed_history.append(self.gens_per_second if self.playing else 0.0)
        self._update_sidebar()

    def _update_sidebar(self) -> None:
        if not self.query(Sidebar):
            return
        self.query_one(Sidebar).update_rows(self.sidebar_rows(), list(self.speed_history))

    def sidebar_rows(self) -> list[tuple[str, str | Text]]:
        snapshot = self.last_snapshot
        target = SPEEDS[self.speed_index]
        speed = f"{self.gens_per_second:,.0f}" if self.playing else "paused"
        pace = "max" if target is None else str(target)
        if target is not None and self.engine_gens_per_second:
            # Paced: say how far the engine is from its limit, the figure people compare engines by.
            pace += f"; engine {self.engine_gens_per_second:,.0f}"
        label, description, inexact = self.engine_description
        engine: str | Text = snapshot.engine
        if inexact:
            engine = Text(f"{snapshot.engine} (inexact kernel: wrong on {inexact} of 512)", style="bold red")
        return [
            ("Engine", engine),
            ("Generation", f"{snapshot.generation:,}"),
            ("Population", f"{snapshot.population:,}"),
            ("Gen/s", f"{speed} (target {pace})"),
            ("Divergence", self._divergence_text(snapshot)),
            ("Rule", str(self.simulation.rule)),
            ("Board", f"{snapshot.cells.shape[1]} x {snapshot.cells.shape[0]} torus"),
            ("Pattern", self.pattern_name or "-"),
            ("Author", self.author or "-"),
            (label, description or "-"),
        ]

    def _divergence_text(self, snapshot: Snapshot) -> Text:
        verdict = self.verdict
        if verdict is None:
            return Text("checking...", style="dim")
        if not verdict.agrees:
            cells = int(verdict.differing.sum())
            if verdict.agreed_through == verdict.generation - 1:
                text = f"first differs at generation {verdict.generation:,}: {cells:,} cells (in red)"
            else:
                text = (f"differs at generation {verdict.generation:,}: {cells:,} cells (in red); agreed "
                        f"through {verdict.agreed_through:,}")  # fmt: skip
            return Text(text, style="bold red")
        lag = snapshot.generation - verdict.agreed_through
        behind = f", {lag:,} behind" if lag > 0 else ""
        return Text(f"agrees through generation {verdict.agreed_through:,}{behind}", style="green")

    # Actions.

    def action_toggle_play(self) -> None:
        self.playing = not self.playing
        self._wake.set()
        self._update_sidebar()

    def action_step(self) -> None:
        self.playing = False
        self._submit(lambda: self.simulation.step(1))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "engine_key":
            return str(parameters[0]) in self.engine_keys
        return True

    def get_key_display(self, binding: Binding) -> str:
        if binding.action == "engine_key(1)":
            return f"1-{len(self.engine_keys)}"
        return super().get_key_display(binding)

    def action_engine_key(self, number: int) -> None:
        self.action_engine(self.engine_keys[str(number)])

    def action_engine(self, name: str) -> None:
        self._submit(lambda: self._swap(name))

    def action_next_engine(self) -> None:
        self._submit(lambda: self._swap(self.simulation.next_engine_name()))

    def _swap(self, name: str) -> None:
        """On the simulation thread: availability and building an engine can take a while."""
        status = self.simulation.availability()[name]
        if not status.available:
            self.post_message(Notice(f"{name} is unavailable: {status.reason}", "warning"))
            return
        self.simulation.swap(name)
        self.engine_description = self.simulation.describe_engine()
        self.post_message(Notice(f"now running on {name} at generation {self.simulation.generation:,}"))

    def action_speed(self, step: int) -> None:
        self.speed_index = max(0, min(len(SPEEDS) - 1, self.speed_index + step))
        self._wake.set()
        self._update_sidebar()

    def action_pan(self, dx: int, dy: int) -> None:
        self.query_one(BoardView).pan(dx, dy)

    def action_zoom(self, step: int) -> None:
        self.query_one(BoardView).zoom(step)

    def action_reset(self) -> None:
        self.playing = False
        self.verdict = None
        self._submit(self.simulation.reset)

    def action_help(self) -> None:
        self.push_screen(HelpScreen(self.help_rows))

    def action_save(self) -> None:
        snapshot = self.last_snapshot
        stem = Path(self.pattern_name).stem if self.pattern_name and self.pattern_name != "-" else "board"
        self.push_screen(SaveScreen(f"{stem}-gen{snapshot.generation}.rle"), lambda path: self._save(path, snapshot))

    def _save(self, path: Path | None, snapshot: Snapshot) -> None:
        if path is None:
            return
        text = write_rle(snapshot.cells, self.simulation.rule, snapshot.generation, self.pattern_name, self.author)
        try:
            write_atomically(path, text)
        except LifeError as err:
            self.notify(str(err), severity="error")
            return
        self.notify(f"saved generation {snapshot.generation:,} to {path}")

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        for name, info in ENGINES.items():
            yield SystemCommand(f"Engine: {name}", info.summary, lambda name=name: self.action_engine(name))

    def on_unmount(self) -> None:
        self.workers.cancel_all()
        self._wake.set()


def engine_keys() -> dict[str, str]:
    """Keys 1 to 9 for the registered engines, in registry order."""
    return {str(number): name for number, name in enumerate(ENGINES, start=1) if number <= 9}


def engine_help(keys: dict[str, str]) -> tuple[str, str]:
    return " ".join(keys), "engine " + ", ".join(keys.values())
