"""The lifetui app: composes the board and sidebar, and runs the simulation and its checker in threads."""

from __future__ import annotations

import queue
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable
from functools import partial
from pathlib import Path

import numpy as np
from rich.text import Text
from textual import work
from textual.app import App, ComposeResult, SystemCommand
from textual.binding import Binding
from textual.containers import Horizontal
from textual.events import Paste
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer
from textual.worker import get_current_worker

from lifetui.analysis import Behaviour, Watcher
from lifetui.engines import DEFAULT_OPTIONS, ENGINES, REFERENCE, EngineOptions
from lifetui.errors import LifeError
from lifetui.files import write_atomically
from lifetui.patterns import Pattern, parse_pattern, pattern_text, refuse_other_format_name
from lifetui.simulation import (
    CATCH_UP_CELLS,
    ReferenceChecker,
    Simulation,
    Snapshot,
    Verdict,
    starting_engine,
    wait_for,
)
from lifetui.tui.board_view import BoardView
from lifetui.tui.screens import DensityScreen, GotoScreen, HelpScreen, OpenScreen, PasteFileScreen, SaveScreen
from lifetui.tui.sidebar import Sidebar
from lifetui.world.board import Board
from lifetui.world.universe import Region, Universe, create_universe

#: Target speeds in generations per second; None runs as fast as the engine goes.
SPEEDS: tuple[int | None, ...] = (1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, None)
FRAME_SECONDS = 1 / 32
SWITCH_SECONDS = 0.0005
#: A call into the engine aims to take this long, sized from that engine's own measured speed, so that
#: keys take effect quickly on every engine at every speed; two calls make a frame.
BATCH_SECONDS = 1 / 60
#: No call into an engine that has been measured may take longer than this, so keys act within it.
LATENCY_SECONDS = 0.05
CHECK_SECONDS = 0.25
#: The analysis thread follows the board this long at a time, from a recent generation, until it repeats;
#: then rests this long; boards of more cells than ANALYSIS_CELLS are not analysed.
ANALYSIS_SECONDS = 0.5
ANALYSIS_REST_SECONDS = 1.5
ANALYSIS_CELLS = 1024 * 1024
#: The command palette's names for the arrow keys' actions (the footer shows them as one, "Pan").
PAN_TITLES = {"pan(-1, 0)": "Pan left", "pan(1, 0)": "Pan right", "pan(0, -1)": "Pan up", "pan(0, 1)": "Pan down"}
#: The largest step exponent: 2^59 generations a step (go to reaches 10^18).
MAX_STEP_EXPONENT = 59
#: Points of the population plot kept: past this many, every other one is dropped.
POPULATION_POINTS = 4096
#: The fit key reads the board in at most this many squares (of cells, 1x1 up to whatever it takes).
FIT_SQUARES = 1 << 22


class Frame(Message):
    """A board to draw, from the simulation thread."""

    def __init__(self, snapshot: Snapshot, gens_per_second: float, source: Simulation) -> None:
        super().__init__()
        self.snapshot = snapshot
        self.gens_per_second = gens_per_second
        self.source = source  # a frame from a simulation since replaced (a file opened) is dropped


class Checked(Message):
    """The reference's verdict on a generation, from the checker thread."""

    def __init__(self, verdict: Verdict, epoch: int) -> None:
        super().__init__()
        self.verdict = verdict
        self.epoch = epoch  # the board's epoch the verdict was reached for


class Occupied(Message):
    """Which squares of `block` x `block` cells of the whole board have a live cell, for the fit key."""

    def __init__(self, cells, block: int, source: Simulation) -> None:
        super().__init__()
        self.cells, self.block, self.source = cells, block, source


class Analysed(Message):
    """What the whole board does, from the analysis thread: None while it has not repeated."""

    def __init__(self, behaviour: Behaviour | None, epoch: int, followed_from: int) -> None:
        super().__init__()
        self.behaviour, self.epoch = behaviour, epoch
        self.followed_from = followed_from  # the generation the analysis followed the board from


class Notice(Message):
    """Something the user should read, from a worker thread."""

    def __init__(self, text: str, severity: str = "information") -> None:
        super().__init__()
        self.text, self.severity = text, severity


class LifeApp(App):
    TITLE = "lifetui"
    CSS = "Screen { layout: vertical; } #main { height: 1fr; }"
    # The footer lists these in order until it runs out of width: the essentials come first.
    BINDINGS = [
        Binding("space", "toggle_play", "Play/Pause"),
        Binding("question_mark", "help", "Help", key_display="?"),
        Binding("q", "quit", "Quit"),
        Binding("n", "step", "Step"),
        # Keys 1 to 9 choose engines in registry order; those past the registry's end do nothing.
        *(Binding(str(number), f"engine_key({number})", "Engine", show=number == 1) for number in range(1, 10)),
        Binding("e", "next_engine", "Next engine"),
        Binding("plus,equals_sign", "speed(1)", "Faster", key_display="+"),
        Binding("right_square_bracket", "step_exponent(1)", "Step x2", key_display="]", show=False),
        Binding("left_square_bracket", "step_exponent(-1)", "Step /2", key_display="[", show=False),
        Binding("minus", "speed(-1)", "Slower", key_display="-"),
        Binding("left", "pan(-1, 0)", "Pan", key_display="arrows"),
        Binding("right", "pan(1, 0)", "Pan", show=False),
        Binding("up", "pan(0, -1)", "Pan", show=False),
        Binding("down", "pan(0, 1)", "Pan", show=False),
        Binding("z", "zoom(-1)", "Zoom in"),
        Binding("x", "zoom(1)", "Zoom out"),
        Binding("f", "fit", "Fit"),
        Binding("r", "reset", "Reset"),
        Binding("u,ctrl+z", "undo", "Undo", show=False),
        Binding("U,ctrl+y", "redo", "Redo", show=False),
        Binding("s", "save", "Save"),
        Binding("o", "open", "Open"),
        Binding("g", "goto", "Go to generation", show=False),
        Binding("i", "toggle_sidebar", "Sidebar", show=False),
        Binding("v", "toggle_select", "Select", show=False),
        Binding("c", "copy", "Copy", show=False),
        Binding("p", "paste", "Paste", show=False),
        Binding("P", "paste_file", "Paste a file", show=False),
        Binding("delete,backspace", "clear", "Clear", show=False),
        Binding("percent_sign", "fill", "Random fill", key_display="%", show=False),
        Binding("escape", "unselect", "Unselect", show=False),
    ]
    HELP = [
        ("space", "play / pause"),
        ("n", "one generation"),
        # The engine keys are listed after this row, from the registry.
        ("e", "next available engine"),
        ("+ / -", "faster / slower (1 gen/s up to flat out)"),
        ("] / [", "step exponent up / down: n and each frame move 2^k generations (HashLife's jumps)"),
        ("arrows", "pan (the torus wraps around); or drag with the right or middle button"),
        (
            "z / x",
            "zoom in / out: large cells, half blocks, braille, then braille dots of 2, 4, 8... cells "
            "(live if any cell is) out to the whole board; or the mouse wheel, at the pointer",
        ),
        ("f", "fit: zoom and pan to show every live cell"),
        ("click", "draw (on a dead cell) or erase (on a live one); drag to go on"),
        ("r", "back to generation 0"),
        ("u / U", "undo / redo the last drawing or r (also ctrl+z / ctrl+y)"),
        ("s", "save the board as RLE (or macrocell: name it .mc)"),
        ("o", "open a pattern file (or a bundled pattern) in place of this one"),
        ("g", "go to a generation, flat out (space stops)"),
        ("i", "hide / show the sidebar"),
        ("v", "select mode on / off: the left button drags out a rectangle (Esc: select nothing)"),
        ("c", "copy the selection as RLE (to the terminal's clipboard too)"),
        ("p", "paste what c copied at the mouse (or the view's centre); a terminal paste of RLE text too"),
        ("P", "paste a pattern file at the mouse"),
        ("delete", "clear the selection"),
        ("%", "fill the selection with a random soup (asks the density)"),
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
        self.engine_keys = engine_keys()
        self.speed_index = SPEEDS.index(20)
        self.step_exponent = 0  # n and each frame shown advance 2^step_exponent generations
        self.speed_history: deque[float] = deque(maxlen=60)
        self._wake = threading.Event()
        self.help_rows = [*self.HELP[:2], engine_help(self.engine_keys), *self.HELP[2:]]
        self.warnings = warnings or []
        self.copied = None  # what c copied last: cells
        self._take(board, pattern_name, author, Simulation(board, engine, options))

    def _take(self, board: Board, pattern_name: str, author: str, simulation: Simulation) -> None:
        """Start afresh on `board`, paused, run by `simulation` (at start, and when a file is opened)."""
        self.board, self.pattern_name, self.author = board, pattern_name, author
        self.simulation = simulation
        self.commands: queue.Queue[Callable[[], None]] = queue.Queue()
        self._frame_pending = threading.Event()
        self.playing = False
        self.goal: int | None = None  # a generation to run to flat out, then pause ("go to", key g)
        self.gens_per_second = 0.0  # generations per second of wall time
        self.engine_gens_per_second = 0.0  # generations per second of stepping: what the engine can do
        self.speed_history.clear()
        top, left, height, width = simulation.whole
        #: What the board view shows, so that only those cells are read back; it says when it moves. On the
        #: plane, to begin with, the middle of the live cells.
        self.view_region: Region = (0, 0, min(height, 64), min(width, 64))
        if simulation.plane:
            self.view_region = (top + height // 2 - 32, left + width // 2 - 32, 64, 64)
        self.view_block = 1  # cells each way per dot drawn: zoomed out, a dot is a square of cells
        self.last_snapshot = simulation.snapshot(self.view_region)
        self.verdict: Verdict | None = None
        self.verdict_epoch = 0
        self.analysis: Analysed | None = None  # the latest word from the analysis thread
        self.populations: list[int] = []  # one a frame for this board (reset, edits and loads start it again)
        self._populations_seen: tuple[int, int] | None = None  # (epoch, generation) of the last one
        self.engine_description = simulation.describe_engine()

    def _start_threads(self) -> None:
        """The simulation, checker and analysis threads for this board."""
        self.run_simulation()
        # Which engines can run reads and checks kernels: let the simulation thread find out, not the UI.
        self._submit(self.simulation.availability)
        self.run_checker()
        self.run_analysis()

    def compose(self) -> ComposeResult:
        with Horizontal(id="main"):
            yield BoardView(self.last_snapshot, id="board")
            yield Sidebar(id="sidebar")
        yield Footer()

    def on_mount(self) -> None:
        # The engine's calls release the GIL; when one returns, the simulation thread should get it back
        # within a fraction of a call, not the default 5 ms that the UI and checker threads may hold it.
        sys.setswitchinterval(SWITCH_SECONDS)
        for warning in self.warnings:
            self.notify(warning, severity="warning", timeout=10)
        self._start_threads()
        self.set_interval(1.0, self._sample_speed)
        self._update_sidebar()

    # The simulation thread: the only place the board is stepped or changed.

    @work(thread=True, exclusive=True, group="simulation")
    def run_simulation(self) -> None:
        worker = get_current_worker()
        # This thread's own simulation, commands and frame flag: opening a file replaces the app's, and this
        # thread (cancelled then) must not touch the new ones on its way out.
        simulation, commands, frame_pending = self.simulation, self.commands, self._frame_pending
        step_rate = 0.0  # the running engine's generations per second in its last call; 0 until measured
        call_seconds = 0.0  # how long the last call into the engine took
        engine = simulation.engine_name
        last_frame = 0.0
        dirty = True
        while not worker.is_cancelled:
            # A key interrupts a step under way so that its command runs next: from here on, a new one
            # interrupts the next step, and commands already queued run now.
            simulation.resume()
            while not commands.empty():
                command = commands.get()
                try:
                    command()
                except Exception as err:  # noqa: BLE001 - any failure becomes a notice; the app keeps running
                    self.post_message(Notice(str(err) if isinstance(err, LifeError) else f"error: {err!r}", "error"))
                dirty = True
            if simulation.engine_name != engine:
                # Another engine: its speed is unknown, and the old one's rates say nothing about it.
                engine, step_rate = simulation.engine_name, 0.0
                self.gens_per_second = self.engine_gens_per_second = 0.0
            goal = self.goal
            target = None if goal is not None else SPEEDS[self.speed_index]
            stride = 1 << self.step_exponent  # generations a step: frames show whole steps only
            if target is not None:
                target *= stride  # a target counts steps a second
            if self.playing:
                started = time.perf_counter()
                until_frame = last_frame + FRAME_SECONDS - started
                count = chunk(step_rate, target, until_frame, simulation.generations_per_pass)
                if goal is not None:
                    count = min(count, goal - simulation.generation)
                elif stride > 1:
                    count = min(count, stride - simulation.generation % stride)  # up to the next whole step
                try:
                    done = simulation.step(count)
                except Exception as err:  # noqa: BLE001 - stop playing and say why, rather than die
                    self.playing = False
                    self.post_message(Notice(f"stopped: {err}", "error"))
                    continue
                if done < count:
                    # A key cut the call short: its command runs next; a part call says nothing of speed.
                    dirty = dirty or (done > 0 and (goal is not None or simulation.generation % stride == 0))
                else:
                    spent = call_seconds = time.perf_counter() - started
                    # Grow at most fourfold a call, so one quick call cannot size the next far too long.
                    step_rate = min(count / max(spent, 1e-9), 4 * max(step_rate, count / BATCH_SECONDS))
                    interrupted = False
                    if target is not None:
                        interrupted = self._wake.wait(max(0.0, count / target - spent))
                    # A pause cut short by a key is not the pace: it would read as a burst of speed.
                    self._measure(count, spent, None if interrupted else time.perf_counter() - started)
                    dirty = dirty or goal is not None or simulation.generation % stride == 0
                if goal is not None and simulation.generation >= goal:
                    self.playing, self.goal = False, None
                    self.post_message(Notice(f"reached generation {goal:,}", "information"))
            else:
                self._wake.wait(0.05)
            self._wake.clear()
            now = time.perf_counter()
            # One frame in flight at a time: a UI slower than the frame rate gets the newest board, not a queue.
            # A frame goes out when waiting for one more call would make it later than the frame rate wants.
            due = now - last_frame >= FRAME_SECONDS - call_seconds / 2
            if dirty and due and not frame_pending.is_set():
                frame_pending.set()
                snapshot = simulation.snapshot(self.view_region, self.view_block)
                self.post_message(Frame(snapshot, self.gens_per_second, simulation))
                last_frame, dirty = now, False

    def _measure(self, generations: int, stepping: float, wall: float | None) -> None:
        """Smoothed rates: what the board advances by per second of wall time, and what the engine could do."""

        def smooth(previous: float, rate: float) -> float:
            return rate if not previous else 0.8 * previous + 0.2 * rate

        if wall is not None:
            self.gens_per_second = smooth(self.gens_per_second, generations / max(wall, 1e-9))
        self.engine_gens_per_second = smooth(self.engine_gens_per_second, generations / max(stepping, 1e-9))

    def _submit(self, command: Callable[[], None], interrupt: bool = True) -> None:
        """Run `command` on the simulation thread, next; with `interrupt`, cutting short a step under way (on
        a huge board a numpy generation is dropped and done again), which a mere redraw is not worth."""
        self.commands.put(command)
        if interrupt:
            self.simulation.interrupt()
        self._wake.set()

    # The checker thread: the numpy reference follows the running engine.

    @work(thread=True, exclusive=True, group="checker")
    def run_checker(self) -> None:
        worker = get_current_worker()
        simulation = self.simulation
        checker = ReferenceChecker(simulation.rule, simulation.topology)
        epoch, windows = -1, 0
        while not worker.is_cancelled:
            if simulation.epoch != epoch:
                # A new board (start, reset, edit, swap): the reference starts from it, agreeing by definition.
                small = simulation.shape[0] * simulation.shape[1] <= CATCH_UP_CELLS
                start = simulation.snapshot(None if small else (0, 0, 1, 1))
                epoch = start.epoch
                checker.baseline(start.cells if small else None, start.generation, start.shape, start.region[:2])
                self.post_message(Checked(Verdict(start.generation, start.generation), epoch))
            current = epoch

            def cancelled(current: int = current) -> bool:
                return worker.is_cancelled or simulation.epoch != current

            if checker.diverged is not None:
                verdict, rest = checker.diverged, CHECK_SECONDS  # it stays until a new board
            elif checker.keeps_up(simulation.generation):
                snapshot = simulation.snapshot()
                if snapshot.epoch != epoch:
                    continue
                replay = partial(self._fresh_engine, snapshot.engine)
                verdict = checker.check(snapshot.cells, snapshot.generation, cancelled, replay, snapshot.region[:2])
                rest = CHECK_SECONDS
            else:
                # The reference cannot follow every generation: check a window of the engine's own run,
                # on every other window the tile the user is looking at.
                windows += 1
                around = self._view_centre() if windows % 2 else None
                region, length = checker.plan_window(simulation.box, simulation.plane, around)
                start, end = simulation.open_window(length, region, length)
                if start.epoch != epoch:
                    continue
                began = time.perf_counter()
                verdict = checker.check_window(start, partial(wait_for, end, cancelled), length, cancelled)
                # Sampling takes a third of one core at most: the engine and the UI need the rest.
                rest = 2 * (time.perf_counter() - began)
            if verdict is not None:
                self.post_message(Checked(verdict, epoch))
                if not verdict.agrees:
                    rest = CHECK_SECONDS
            time.sleep(rest)

    # The analysis thread: what the whole board does, found by following it with its own reference.

    @work(thread=True, exclusive=True, group="analysis")
    def run_analysis(self) -> None:
        worker = get_current_worker()
        simulation = self.simulation
        known = -1  # the epoch whose board's behaviour is known
        while not worker.is_cancelled:
            time.sleep(ANALYSIS_REST_SECONDS if known == simulation.epoch or self.analysis else 0.2)
            if known == simulation.epoch or simulation.shape[0] * simulation.shape[1] > ANALYSIS_CELLS:
                continue  # the sidebar says so when the board (or the plane's live area) is too large
            start = simulation.snapshot()
            epoch = start.epoch
            universe = create_universe(REFERENCE, simulation.rule, simulation.topology)
            universe.load(start.cells, *start.region[:2])

            def board(universe=universe) -> tuple[np.ndarray, tuple[int, int]]:
                cells, top, left = universe.live_cells()
                return cells, (top, left)

            watcher, generation = Watcher(), start.generation
            behaviour = watcher.see(start.cells, generation, start.region[:2])
            began = time.perf_counter()
            while behaviour is None and time.perf_counter() - began < ANALYSIS_SECONDS:
                if worker.is_cancelled or simulation.epoch != epoch:
                    break
                universe.step(1)
                generation += 1
                cells, origin = board()
                behaviour = watcher.see(cells, generation, origin)
            if simulation.epoch != epoch:
                continue
            if behaviour is not None:
                known = epoch
            self.post_message(Analysed(behaviour, epoch, start.generation))

    def _view_centre(self) -> tuple[int, int]:
        top, left, height, width = self.view_region
        return top + height // 2, left + width // 2

    def _fresh_engine(self, name: str) -> Universe:
        """Another universe like the running one, for the checker to replay a divergence with."""
        return create_universe(name, self.simulation.rule, self.simulation.topology, self.simulation.options)

    # Messages from the threads.

    def on_frame(self, message: Frame) -> None:
        if message.source is not self.simulation:
            return  # from the board before a file was opened
        self._frame_pending.clear()
        self.last_snapshot = message.snapshot
        self._record_population(message.snapshot)
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
        self.view_region, self.view_block = message.region, message.block
        self._submit(lambda: None, interrupt=False)  # a fresh frame of the new region, even while paused

    def on_board_view_cells_drawn(self, message: BoardView.CellsDrawn) -> None:
        self._submit(lambda: self.simulation.draw(message.cells, message.value, undoable=message.first))

    def _sample_speed(self) -> None:
        self.speed_history.append(self.gens_per_second if self.playing else 0.0)
        self._update_sidebar()

    def _update_sidebar(self) -> None:
        if not self.query(Sidebar):
            return
        self.query_one(Sidebar).update_rows(self.sidebar_rows(), list(self.speed_history), self.populations)

    def sidebar_rows(self) -> list[tuple[str, str | Text]]:
        snapshot = self.last_snapshot
        target = SPEEDS[self.speed_index]
        speed = f"{self.gens_per_second:,.0f}" if self.playing else "paused"
        pace = "max" if target is None else str(target)
        if self.goal is not None:
            pace = f"max, to generation {self.goal:,}"
            target = None
        if self.step_exponent:
            pace += f", step 2^{self.step_exponent}"
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
            ("Behaviour", self._behaviour_text()),
            ("Rule", str(self.simulation.rule)),
            *self._board_rows(snapshot),
            ("View", self.query_one(BoardView).mode.describe() if self.query(BoardView) else "-"),
            ("Pattern", self.pattern_name or "-"),
            ("Author", self.author or "-"),
            (label, description or "-"),
        ]

    def _board_rows(self, snapshot: Snapshot) -> list[tuple[str, str]]:
        """What the board is: a torus of its size, or the plane and where its live cells are."""
        if not snapshot.plane:
            return [("Board", f"{snapshot.shape[1]} x {snapshot.shape[0]} torus")]
        box, topology = self.simulation.box, self.simulation.topology
        live = "none" if box is None else f"{box[3]:,} x {box[2]:,} from ({box[1]:,}, {box[0]:,})"
        return [("Board", "unbounded plane" if topology.is_plane else topology.describe()), ("Live area", live)]

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

    def _behaviour_text(self) -> Text:
        height, width = self.simulation.shape
        if height * width > ANALYSIS_CELLS:
            area = "a live area" if self.simulation.plane else "boards"
            return Text(f"not watched on {area} over 1024 x 1024", style="dim")
        analysis = self.analysis
        if analysis is None or analysis.epoch != self.simulation.epoch:
            return Text("watching...", style="dim")
        if analysis.behaviour is None:
            return Text(f"not repeating yet (followed from generation {analysis.followed_from:,})", style="dim")
        return Text(analysis.behaviour.describe(start="by"))

    def _divergence_text(self, snapshot: Snapshot) -> Text:
        verdict = self.verdict
        if verdict is None:
            return Text("checking...", style="dim")
        if not verdict.agrees:
            cells = len(verdict.differing)
            if verdict.sampled:
                sampled = verdict.sampled
                text = (f"differs at generation {sampled.latest:,}: {cells:,} cells (in red), in a window of "
                        f"{sampled.length:,} generations from {sampled.latest - sampled.length:,}")  # fmt: skip
            elif verdict.agreed_through == verdict.generation - 1:
                text = f"first differs at generation {verdict.generation:,}: {cells:,} cells (in red)"
            else:
                text = (f"differs at generation {verdict.generation:,}: {cells:,} cells (in red); agreed "
                        f"through {verdict.agreed_through:,}")  # fmt: skip
            return Text(text, style="bold red")
        if verdict.sampled:
            sampled = verdict.sampled
            what = "tile windows" if sampled.tile else "windows"
            return Text(f"sampled: {sampled.windows:,} {what} of {sampled.length:,} generations, latest at "
                        f"{sampled.latest:,}, 0 cells differ", style="green")  # fmt: skip
        lag = snapshot.generation - verdict.agreed_through
        behind = f", {lag:,} behind" if lag > 0 else ""
        since = f" (every one since {verdict.since:,})" if verdict.since is not None else ""
        return Text(f"agrees through generation {verdict.agreed_through:,}{since}{behind}", style="green")

    # Actions.

    def action_toggle_play(self) -> None:
        self.playing = not self.playing
        self.goal = None  # space also stops a "go to" on its way
        if not self.playing:
            self.simulation.interrupt()
        self._wake.set()
        self._update_sidebar()

    def action_step(self) -> None:
        if self.step_exponent:
            # A step of 2^k generations: run to it flat out in short calls (space stops), then pause.
            self.goal, self.playing = self.simulation.generation + (1 << self.step_exponent), True
            self._wake.set()
            return
        self.playing, self.goal = False, None
        self._submit(lambda: self.simulation.step(1, interruptible=False))

    def action_step_exponent(self, change: int) -> None:
        self.step_exponent = max(0, min(MAX_STEP_EXPONENT, self.step_exponent + change))
        self._wake.set()
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

    def action_fit(self) -> None:
        simulation = self.simulation
        if simulation.plane:
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
        # Read on the simulation thread, between calls into the engine, not on the UI's.
        self._submit(lambda: self.post_message(Occupied(simulation.snapshot(None, block).cells, block, simulation)))

    def on_occupied(self, message: Occupied) -> None:
        if message.source is self.simulation and not self.query_one(BoardView).fit(message.cells, message.block):
            self.notify("no live cells to fit")

    def action_toggle_sidebar(self) -> None:
        sidebar = self.query_one(Sidebar)
        sidebar.display = not sidebar.display

    def action_reset(self) -> None:
        self.playing, self.goal = False, None
        self.verdict = None
        self._submit(self.simulation.reset)

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
        self.push_screen(PasteFileScreen(), lambda pattern: pattern and self._put_at_pointer(pattern.to_array()))

    def on_paste(self, event: Paste) -> None:
        """RLE (or any pattern text) pasted into the terminal goes on the board at the mouse."""
        try:
            pattern = parse_pattern(event.text.encode(), "<pasted text>")
        except LifeError as err:
            self.notify(str(err), severity="error")
            return
        self._put_at_pointer(pattern.to_array())

    def _put_at_pointer(self, cells) -> None:
        view = self.query_one(BoardView)
        height, width = self.simulation.shape
        if not self.simulation.plane and (cells.shape[0] > height or cells.shape[1] > width):
            self.notify(f"{cells.shape[1]} x {cells.shape[0]} does not fit on this board", severity="error")
            return
        x, y = view.pointer or view._view_centre()
        self._submit(lambda: self.simulation.put(y, x, cells, replace=False))

    def action_clear(self) -> None:
        selection = self._selection()
        if selection is not None:
            top, left, tall, wide = selection
            self._submit(lambda: self.simulation.put(top, left, np.zeros((tall, wide), dtype=np.uint8)))

    def action_fill(self) -> None:
        selection = self._selection()
        if selection is not None:
            self.push_screen(DensityScreen(), lambda density: self._fill(selection, density))

    def _fill(self, selection: Region, density: float | None) -> None:
        if density is None:
            return
        top, left, tall, wide = selection
        soup = (np.random.default_rng().random((tall, wide)) < density).astype(np.uint8)
        self._submit(lambda: self.simulation.put(top, left, soup))

    def action_undo(self) -> None:
        self._travel(self.simulation.undo, "nothing to undo")

    def action_redo(self) -> None:
        self._travel(self.simulation.redo, "nothing to redo")

    def _travel(self, move: Callable[[], bool], nothing: str) -> None:
        self.playing, self.goal = False, None

        def command() -> None:
            if not move():
                self.post_message(Notice(nothing, "warning"))

        self._submit(command)

    def action_goto(self) -> None:
        self.push_screen(GotoScreen(self.simulation.generation), self._go_to)

    def _go_to(self, generation: int | None) -> None:
        if generation is None or generation == self.simulation.generation:
            return
        self.goal, self.playing = generation, True
        self._wake.set()
        self.notify(f"running to generation {generation:,}; space stops")

    def action_help(self) -> None:
        self.push_screen(HelpScreen(self.help_rows))

    def action_save(self) -> None:
        try:
            generation, text = self.simulation.capture()  # the whole board (the plane's live cells), now
        except LifeError as err:
            self.notify(str(err), severity="error")
            return
        stem = Path(self.pattern_name).stem if self.pattern_name and self.pattern_name != "-" else "board"
        self.push_screen(SaveScreen(f"{stem}-gen{generation}.rle"), lambda path: self._save(path, generation, text))

    def _save(self, path: Path | None, generation: int, text: Callable[[Path, str, str], str]) -> None:
        if path is None:
            return
        try:
            refuse_other_format_name(path)
            write_atomically(path, text(path, self.pattern_name, self.author))
        except LifeError as err:
            self.notify(str(err), severity="error")
            return
        self.notify(f"saved generation {generation:,} to {path}")

    def action_open(self) -> None:
        self.push_screen(OpenScreen(), self._open)

    async def _open(self, opened: tuple[Board, Pattern] | None) -> None:
        """Put the opened pattern's board in place of this one: a new simulation, view and threads."""
        if opened is None:
            return
        board, pattern = opened
        self.playing, self.goal = False, None
        self.workers.cancel_all()
        self.simulation.interrupt()
        self._wake.set()
        wanted = self.simulation.engine_name
        warnings = list(pattern.warnings)
        simulation = Simulation(board, starting_engine(board, self.simulation.options, warnings),
                                    self.simulation.options)  # fmt: skip
        self._take(board, pattern.name or "-", pattern.author, simulation)
        await self.query_one(BoardView).remove()
        await self.query_one("#main").mount(BoardView(self.last_snapshot, id="board"), before=0)
        for warning in warnings:
            self.notify(warning, severity="warning", timeout=10)
        where = "on " + board.topology.describe()
        self.notify(f"opened {pattern.name or 'the pattern'}: {pattern.width} x {pattern.height} {where}, {board.rule}")
        self._start_threads()
        if wanted != simulation.engine_name:
            self._submit(lambda: self._swap(wanted))  # the engine it was on, if it can run this board
        self._update_sidebar()

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        for name, info in ENGINES.items():
            yield SystemCommand(f"Engine: {name}", info.summary, lambda name=name: self.action_engine(name))
        # Every key's action too, once each (the engine keys are above; the arrows pan by a step each).
        seen = set()
        for binding in self.BINDINGS:
            if binding.action.startswith("engine_key") or binding.action in seen:
                continue
            seen.add(binding.action)
            keys = ", ".join(self.get_key_display(Binding(key, binding.action)) for key in binding.key.split(","))
            title = PAN_TITLES.get(binding.action, binding.description)
            yield SystemCommand(title, f"key: {keys}", partial(self.run_action, binding.action))

    def on_unmount(self) -> None:
        self.workers.cancel_all()
        self.simulation.interrupt()
        self._wake.set()


def engine_keys() -> dict[str, str]:
    """Keys 1 to 9 for the registered engines, in registry order."""
    return {str(number): name for number, name in enumerate(ENGINES, start=1) if number <= 9}


def engine_help(keys: dict[str, str]) -> tuple[str, str]:
    return " ".join(keys), "engine " + ", ".join(keys.values())


def chunk(step_rate: float, target: int | None, until_frame: float = BATCH_SECONDS, per_pass: int = 1) -> int:
    """Generations for the next call into the engine.

    BATCH_SECONDS of its measured speed (one generation until it has been measured), ending near the next
    frame when that comes sooner; at a target speed no more than a frame's worth. Flat out, a whole number
    of the engine's passes when a pass fits in LATENCY_SECONDS: an engine that advances 8 generations per
    pass over memory does 5 for the price of 8.
    """
    count = max(1, int(step_rate * BATCH_SECONDS))
    if target is not None:
        return min(count, max(1, round(target * FRAME_SECONDS)))
    if step_rate:
        count = min(count, max(count // 4, int(step_rate * until_frame), 1))
        if per_pass > 1 and per_pass <= step_rate * LATENCY_SECONDS:
            count = max(per_pass, count // per_pass * per_pass)
    return count
