"""Helpers the TUI tests share: apps on a pattern, waiting for the app's threads, saving through the screen."""

import os
import threading
import time

import numpy as np

from lifetui.engines.numpy_engine import NumpyEngine
from lifetui.patterns import load_pattern
from lifetui.tui.app import LifeApp
from lifetui.tui.screens import SaveScreen
from lifetui.world.board import board_for, torus_board
from lifetui.world.universe import create_universe


def make_app(name="glider", size=(32, 24)) -> LifeApp:
    pattern = load_pattern(name)
    return LifeApp(torus_board(pattern, size), pattern.name, pattern.author, "numpy")


async def settle(pilot, condition, timeout=30.0):
    """Let the app's threads work until `condition()` holds; fail loudly if it never does (the deadline only
    ends a test that would otherwise hang: a busy machine reaches the condition late, not never)."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "the app never reached the expected state"
        await pilot.pause(0.02)


async def save_through_the_screen(pilot, app, target):
    """Press s, name `target`, press enter: the pattern the file holds once written."""
    await pilot.press("s")
    assert isinstance(app.screen, SaveScreen)
    app.screen.query_one("Input").value = str(target)
    await pilot.press("enter")
    await settle(pilot, lambda: target.exists())
    return load_pattern(str(target))


def make_plane_app(name="glider", engine="numpy") -> LifeApp:
    pattern = load_pattern(name)
    return LifeApp(board_for(pattern, plane=True), pattern.name, pattern.author, engine)


def app_on(topology: str, name: str = "glider", engine: str | None = None, **options) -> LifeApp:
    """The pattern in the TUI on the unbounded plane, or on a 64 x 64 torus."""
    pattern = load_pattern(name)
    board = board_for(pattern, plane=True) if topology == "plane" else torus_board(pattern, (64, 64))
    return LifeApp(board, pattern.name, pattern.author, engine, **options)


def holds_the_reference(app: LifeApp, generations: int) -> bool:
    """Whether the app's board is exactly what numpy makes of its starting board in `generations`, on the same
    topology (the whole torus, or every live cell of the plane where it should be)."""
    reference = create_universe("numpy", app.board.rule, app.board.topology)
    reference.load_pattern(app.board.pattern)
    reference.step(generations)
    snapshot = app.simulation.snapshot()
    return reference.holds(snapshot.cells, *snapshot.region[:2])


def make_big_app(cells_at, size, engine="numpy") -> LifeApp:
    """An app on an empty `size` (height, width) board with live cells at `cells_at` [(row, column)]."""
    from lifetui.rules import parse_rule
    from lifetui.world.board import Board

    cells = np.zeros(size, dtype=np.uint8)
    for row, column in cells_at:
        cells[row, column] = 1
    return LifeApp(Board.of_cells(parse_rule("B3/S23").rule, cells), "test", engine=engine)


class SlowEngine(NumpyEngine):
    """Takes at least 5 ms a generation, and records how many generations each call asked for."""

    calls: list[int] = []

    def step(self, generations=1):
        SlowEngine.calls.append(generations)
        time.sleep(0.005 * generations)
        super().step(generations)


class RaisesInStep(NumpyEngine):
    """Steps ten generations, then fails as no engine should."""

    def step(self, generations=1):
        if getattr(self, "done", 0) >= 10:
            raise ValueError("a bug in the engine")
        self.done = getattr(self, "done", 0) + generations
        super().step(generations)


def notices(app: LifeApp) -> list[str]:
    """The notices the app has shown, oldest first."""
    return [notification.message for notification in app._notifications]


def feed_a_reader_later(fifo, text: str, seconds: float = 5.0) -> threading.Timer:
    """Unblock whoever is stuck opening the named pipe `fifo` by writing `text` into it after `seconds` (so that a
    test of "nothing reads a pipe" fails instead of hanging when something does); nothing happens when no one
    has it open. Cancel the timer once the test is done."""

    def feed() -> None:
        try:
            descriptor = os.open(fifo, os.O_WRONLY | os.O_NONBLOCK)  # ENXIO: no reader, nothing to unblock
        except OSError:
            return
        with os.fdopen(descriptor, "w") as pipe:
            pipe.write(text)

    timer = threading.Timer(seconds, feed)
    timer.start()
    return timer
