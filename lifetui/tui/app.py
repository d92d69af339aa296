"""The lifetui app: composes the board and sidebar, maps keys to the core, and runs the core's loops in workers.

The simulation thread runs a Driver (lifetui.simulation.driver), the checker thread the checking policy
(lifetui.simulation.checker.follow), the analysis thread lifetui.simulation.analysis.watch; each posts messages
(lifetui.tui.messages) and never touches a widget.
"""

from __future__ import annotations

import sys
import threading
from collections import deque
from collections.abc import Callable, Iterable
from functools import partial
from pathlib import Path

from rich.text import Text
from textual import work
from textual.app import ComposeResult, SystemCommand
from textual.binding import Binding
from textual.containers import Horizontal
from textual.notifications import SeverityLevel
from textual.screen import Screen
from textual.widgets import Footer
from textual.worker import get_current_worker

from lifetui.api import Life
from lifetui.engines import DEFAULT_OPTIONS, ENGINES, EngineOptions
from lifetui.errors import LifeError
from lifetui.model.network import neighbourhood_count
from lifetui.patterns import Pattern, refuse_other_format_name
from lifetui.simulation import Snapshot
from lifetui.simulation.analysis import WATCHED_CELLS, watch
from lifetui.simulation.checker import ReferenceChecker, Verdict, follow
from lifetui.simulation.driver import Driver, describe_error
from lifetui.tui import keys
from lifetui.tui.board_view import BoardView
from lifetui.tui.editing import Editing
from lifetui.tui.messages import Analysed, Checked, Frame, Notice, Occupied
from lifetui.tui.recording import Recorder
from lifetui.tui.screens import GotoScreen, HelpScreen, OpenScreen, SaveScreen, save_folder, suggested_name
from lifetui.tui.sidebar import Sidebar, behaviour_text, board_rows, divergence_text, number, speed_text, states_rows
from lifetui.world.board import Board
from lifetui.world.pictures import state_colours
from lifetui.world.topology import Region

SWITCH_SECONDS = 0.0005
#: Points of the population plot kept: past this many, every other one is dropped.
POPULATION_POINTS = 4096
#: The fit key reads the board in at most this many squares (of cells, 1x1 up to whatever it takes).
FIT_SQUARES = 1 << 22


class LifeApp(Editing, Recorder):
    TITLE = "lifetui"
    CSS = "Screen { layout: vertical; } #main { height: 1fr; }"
    BINDINGS = keys.bindings()

    def __init__(
        self,
        board: Board,
        pattern_name: str = "",
        author: str = "",
        engine: str | None = None,
        options: EngineOptions = DEFAULT_OPTIONS,
        warnings: list[str] | None = None,
    ) -> None:
        super().__init__()
        self.engine_keys = keys.engine_keys()
        self.help_rows = keys.help_rows(self.engine_keys)
        self.speed_history: deque[float] = deque(maxlen=60)
        self._stopping = threading.Event()  # set when the app ends: the workers' rests end at once
        life = Life(board, engine, options)
        self.warnings = [*(warnings or []), *life.simulation.notes]
        self._take(board, pattern_name, author, life)

    def _take(self, board: Board, pattern_name: str, author: str, life: Life) -> None:
        """Start afresh on `board`, paused, run by `life`'s simulation (at start, and when a file is opened); it
        saves under the name and author shown."""
        self.board, self.pattern_name, self.author = board, pattern_name, author
        self.life, simulation = life, life.simulation
        life.name, life.author = pattern_name, author
        self.simulation = simulation
        self.driver = Driver(simulation)
        self.speed_history.clear()
        top, left, height, width = simulation.whole
        #: What the board view shows, so that only those cells are read back; it says when it moves. On the
        #: plane, to begin with, the middle of the live cells.
        self.view_region: Region = (0, 0, min(height, 64), min(width, 64))
        if not simulation.torus:
            self.view_region = (top + height // 2 - 32, left + width // 2 - 32, 64, 64)
        self.driver.view = (self.view_region, 1)
        self.last_snapshot = simulation.snapshot(self.view_region)
        self.verdict: Verdict | None = None
        self.verdict_epoch = 0
        self.analysis: Analysed | None = None  # the latest word from the analysis thread
        self.populations: list[int] = []  # one a frame for this board (reset, edits and loads start it again)
        self._populations_seen: tuple[int, int] | None = None  # (epoch, generation) of the last one
        self.engine_description = simulation.describe_engine()
        self.recording = None  # `a` records one board: a recording of the board before ends unsaved

    def _start_threads(self) -> None:
        """The simulation, checker and analysis threads for this board."""
        self.run_simulation()
        # Which engines can run reads and checks kernels: let the simulation thread find out, not the UI.
        self.driver.submit(self.simulation.availability)
        self.run_checker()
        self.run_analysis()

    def compose(self) -> ComposeResult:
        with Horizontal(id="main"):
            yield BoardView(self.last_snapshot, state_colours(self.simulation.rule), id="board")
            yield Sidebar(id="sidebar")
        yield Footer()

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = False,
    ) -> None:
        """A notice, shown as written: its text holds paths, patterns' names and errors, never markup."""
        super().notify(message, title=title, severity=severity, timeout=timeout, markup=markup)

    def on_mount(self) -> None:
        # The engine's calls release the GIL; when one returns, the simulation thread should get it back
        # within a fraction of a call, not the default 5 ms that the UI and checker threads may hold it.
        sys.setswitchinterval(SWITCH_SECONDS)
        for warning in self.warnings:
            self.notify(warning, severity="warning", timeout=10)
        self._start_threads()
        self.set_interval(1.0, self._sample_speed)
        self._update_sidebar()

    # The worker threads: each runs one of the core's loops for this board, and says what goes wrong.

    def _guarded(self, loop: Callable[[], None], what: str) -> None:
        try:
            loop()
        except Exception as err:  # noqa: BLE001 - a failure in a thread is a notice, never the app's end
            self.post_message(Notice(f"the {what} stopped: {describe_error(err)}", "error"))

    def _cancelled(self) -> Callable[[], bool]:
        worker = get_current_worker()
        return lambda: worker.is_cancelled or self._stopping.is_set()

    @work(thread=True, exclusive=True, group="simulation")
    def run_simulation(self) -> None:
        # This thread's own simulation and driver: opening a file replaces the app's, and this thread
        # (cancelled then) must not touch the new ones on its way out.
        simulation, driver = self.simulation, self.driver
        cancelled = self._cancelled()

        def frame(snapshot: Snapshot, gens_per_second: float) -> None:
            self.post_message(Frame(snapshot, gens_per_second, simulation))

        def notice(text: str, severity: str) -> None:
            self.post_message(Notice(text, severity))

        self._guarded(partial(driver.run, cancelled, frame, notice), "simulation")

    @work(thread=True, exclusive=True, group="checker")
    def run_checker(self) -> None:
        simulation, cancelled = self.simulation, self._cancelled()

        def report(verdict: Verdict, epoch: int) -> None:
            self.post_message(Checked(verdict, epoch))

        def loop() -> None:
            checker = ReferenceChecker(simulation.rule, simulation.topology)  # it refuses a board it cannot hold
            follow(simulation, checker, cancelled, report, self._stopping.wait, self._view_centre)

        self._guarded(loop, "reference checker")

    @work(thread=True, exclusive=True, group="analysis")
    def run_analysis(self) -> None:
        def report(behaviour, epoch: int, followed_from: int) -> None:
            self.post_message(Analysed(behaviour, epoch, followed_from))

        self._guarded(partial(watch, self.simulation, self._cancelled(), report, self._stopping.wait), "analysis")

    def _view_centre(self) -> tuple[int, int]:
        top, left, height, width = self.view_region
        return top + height // 2, left + width // 2

    # Messages from the threads.

    def on_frame(self, message: Frame) -> None:
        if message.source is not self.simulation:
            return  # from the board before a file was opened
        self.driver.frame_pending.clear()
        self.last_snapshot = message.snapshot
        self._record_population(message.snapshot)
        self.record(message.snapshot)
        if self.verdict_epoch != message.snapshot.epoch:
            self.verdict = None  # reached for the board before a reset, an edit or a swap
        if not self.query(BoardView):
            return  # shutting down
        differing = self.verdict.differing if self.verdict is not None and not self.verdict.agrees else None
        self.query_one(BoardView).show(message.snapshot, differing)
        self._update_sidebar()

    def on_checked(self, message: Checked) -> None:
        if message.epoch != self.simulation.epoch:
            return  # reached for a board since reset or edited
        self.verdict, self.verdict_epoch = message.verdict, message.epoch
        if not message.verdict.agrees and self.query(BoardView):
            self.query_one(BoardView).show(self.last_snapshot, message.verdict.differing)
        self._update_sidebar()

    def on_analysed(self, message: Analysed) -> None:
        if message.epoch == self.simulation.epoch:
            self.analysis = message
            self._update_sidebar()

    def on_notice(self, message: Notice) -> None:
        self.notify(message.text, severity=message.severity)

    def on_board_view_region_changed(self, message: BoardView.RegionChanged) -> None:
        self.view_region = message.region
        self.driver.view = (message.region, message.block)
        self.driver.submit(lambda: None, interrupt=False)  # a fresh frame of the new region, even while paused

    def on_board_view_cells_drawn(self, message: BoardView.CellsDrawn) -> None:
        self.driver.submit(lambda: self.simulation.draw(message.cells, message.value, undoable=message.first))

    # The sidebar.

    def _sample_speed(self) -> None:
        self.speed_history.append(self.driver.gens_per_second if self.driver.playing else 0.0)
        self._update_sidebar()

    def _update_sidebar(self) -> None:
        if not self.query(Sidebar):
            return
        self.query_one(Sidebar).update_rows(self.sidebar_rows(), list(self.speed_history), self.populations)

    def sidebar_rows(self) -> list[tuple[str, str | Text]]:
        snapshot = self.last_snapshot
        label, description, inexact = self.engine_description
        engine: str | Text = snapshot.engine
        if inexact:
            count = neighbourhood_count(self.simulation.rule)
            engine = Text(f"{snapshot.engine} (inexact kernel: wrong on {inexact:,} of {count:,})", style="bold red")
        return [
            ("Engine", engine),
            ("Generation", number(snapshot.generation)),
            ("Population", number(snapshot.population)),
            ("Gen/s", speed_text(self.driver)),
            ("Divergence", divergence_text(self.verdict, snapshot)),
            ("Behaviour", behaviour_text(self.analysis, self.simulation, WATCHED_CELLS)),
            ("Rule", str(self.simulation.rule)),
            *states_rows(self.simulation.rule),
            *board_rows(snapshot, self.simulation),
            ("View", self.query_one(BoardView).mode.describe() if self.query(BoardView) else "-"),
            ("Pattern", self.pattern_name or "-"),
            ("Author", self.author or "-"),
            (label, description or "-"),
        ]

    def _record_population(self, snapshot: Snapshot) -> None:
        """One point of the population plot a frame, for frames of a new generation; a new board starts it again."""
        seen = self._populations_seen
        if seen is not None and seen[0] != snapshot.epoch:
            self.populations = []
        if seen is None or seen != (snapshot.epoch, snapshot.generation):
            self.populations.append(snapshot.population)
            if len(self.populations) > POPULATION_POINTS:
                self.populations = self.populations[::2]
        self._populations_seen = (snapshot.epoch, snapshot.generation)

    # Actions: most hand the work to the driver, which runs it on the simulation thread.

    def action_toggle_play(self) -> None:
        self.driver.toggle_play()
        self._update_sidebar()

    def action_step(self) -> None:
        self.driver.step_once()

    def action_step_exponent(self, change: int) -> None:
        self.driver.change_step_exponent(change)
        self._update_sidebar()

    def action_speed(self, step: int) -> None:
        self.driver.change_speed(step)
        self._update_sidebar()

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
        self.driver.submit(lambda: self._swap(name))

    def action_next_engine(self) -> None:
        self.driver.submit(lambda: self._swap(self.simulation.next_engine_name()))

    def _swap(self, name: str) -> None:
        """On the simulation thread: availability and building an engine can take a while."""
        status = self.simulation.availability()[name]
        if not status.available:
            self.post_message(Notice(f"{name} is unavailable: {status.reason}", "warning"))
            return
        self.simulation.swap(name)
        self.engine_description = self.simulation.describe_engine()
        self.post_message(Notice(f"now running on {name} at generation {number(self.simulation.generation)}"))

    def action_pan(self, dx: int, dy: int) -> None:
        self.query_one(BoardView).pan(dx, dy)

    def action_zoom(self, step: int) -> None:
        self.query_one(BoardView).zoom(step)

    def action_fit(self) -> None:
        simulation = self.simulation
        if not simulation.torus:
            if simulation.box is None:
                self.notify("no live cells to fit")
            else:
                self.query_one(BoardView).fit_box(simulation.box)
            return
        height, width = simulation.shape
        # Squares small enough to place the pattern well, few enough to read at once (at most 2^22).
        block = 1
        while (height // block) * (width // block) > FIT_SQUARES:
            block *= 2

        def read() -> None:  # on the simulation thread, between calls into the engine, not on the UI's
            self.post_message(Occupied(simulation.snapshot(None, block).cells, block, simulation))

        self.driver.submit(read)

    def on_occupied(self, message: Occupied) -> None:
        if message.source is self.simulation and not self.query_one(BoardView).fit(message.cells, message.block):
            self.notify("no live cells to fit")

    def action_toggle_sidebar(self) -> None:
        sidebar = self.query_one(Sidebar)
        sidebar.display = not sidebar.display

    def action_reset(self) -> None:
        self.driver.stop()
        self.verdict = None
        self.driver.submit(self.simulation.reset)

    def action_goto(self) -> None:
        self.push_screen(GotoScreen(self.simulation.generation), self._go_to)

    def _go_to(self, generation: int | None) -> None:
        if generation is None or generation == self.simulation.generation:
            return
        self.driver.go_to(generation)
        self.notify(f"running to generation {number(generation)}; space stops")

    def action_help(self) -> None:
        self.push_screen(HelpScreen(self.help_rows))

    def action_save(self) -> None:
        try:
            generation, write = self.life.capture()  # the whole board (the plane's live cells), now
        except LifeError as err:
            self.notify(str(err), severity="error")
            return
        suggested = suggested_name(self.pattern_name, f"gen{generation}.rle")
        self.push_screen(SaveScreen(suggested), lambda path: self._save(path, generation, write))

    def _save(self, path: Path | None, generation: int, write: Callable[[Path], None]) -> None:
        if path is None:
            return
        try:
            refuse_other_format_name(path)
            if path.parent == save_folder():
                path.parent.mkdir(parents=True, exist_ok=True)  # the folder offered: made on first use
            write(path)
        except LifeError as err:
            self.notify(str(err), severity="error")
            return
        except OSError as err:  # making the offered folder
            self.notify(f"cannot write {path}: {err.strerror or err}", severity="error")
            return
        self.notify(f"saved generation {number(generation)} to {path}")

    def action_open(self) -> None:
        self.push_screen(OpenScreen(), self._open)

    async def _open(self, opened: tuple[Board, Pattern] | None) -> None:
        """Put the opened pattern's board in place of this one: a new simulation, view and threads."""
        if opened is None:
            return
        board, pattern = opened
        try:
            life = Life(board, None, self.simulation.options)
        except (LifeError, MemoryError) as err:  # no engine holds it here: this board stays, and runs on
            self.notify(f"cannot open {pattern.source or 'the pattern'}: {describe_error(err)}", severity="error")
            return
        self.driver.stop()
        self.workers.cancel_all()
        self.simulation.interrupt()
        self.driver.wake.set()
        wanted = self.simulation.engine_name
        name = pattern.name or pattern.source or "-"  # as the command line names it: a file's path if no #N
        self._take(board, name, pattern.author, life)
        simulation = life.simulation
        await self.query_one(BoardView).remove()
        await self.query_one("#main").mount(
            BoardView(self.last_snapshot, state_colours(self.simulation.rule), id="board"), before=0
        )
        for warning in [*pattern.warnings, *simulation.notes]:
            self.notify(warning, severity="warning", timeout=10)
        size, where = f"{pattern.width} x {pattern.height}", board.topology.describe()
        self.notify(f"opened {name}: {size} on {where}, {board.rule}")
        self._start_threads()
        if wanted != simulation.engine_name:
            self.driver.submit(lambda: self._swap(wanted))  # the engine it was on, if it can run this board
        self._update_sidebar()

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        for name, info in ENGINES.items():
            yield SystemCommand(f"Engine: {name}", info.summary, lambda name=name: self.action_engine(name))
        # Every key's action too, once each (the engine keys are above; the arrows pan by a step each).
        for title, key_names, action in keys.palette_entries():
            shown = ", ".join(self.get_key_display(Binding(key, action)) for key in key_names.split(","))
            yield SystemCommand(title, f"key: {shown}", partial(self.run_action, action))

    def on_unmount(self) -> None:
        self._stopping.set()
        self.workers.cancel_all()
        self.simulation.interrupt()
        self.driver.wake.set()
