"""What the worker threads tell the app: each a Textual message, posted from the thread, handled on the UI's."""

from __future__ import annotations

import numpy as np
from textual.message import Message

from lifetui.simulation import Simulation, Snapshot
from lifetui.simulation.analysis import Behaviour
from lifetui.simulation.checker import Verdict


class Frame(Message):
    """A region of the board to draw, from the simulation thread."""

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

    def __init__(self, cells: np.ndarray, block: int, source: Simulation) -> None:
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
