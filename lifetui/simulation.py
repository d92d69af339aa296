"""A running simulation: the generation counter, engine hot-swap and the divergence checker.

The TUI drives a Simulation and never knows which engine steps the board; `run` and `--bench` drive a
single engine each, from the same registry.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from lifetui.board import Board
from lifetui.engines import (
    DEFAULT_OPTIONS,
    Availability,
    Engine,
    EngineOptions,
    available_engines,
    create_engine,
)
from lifetui.engines.numpy_engine import NumpyEngine
from lifetui.errors import LifeError
from lifetui.rules import Rule


class SwapMismatch(LifeError):
    """The new engine did not hold exactly the board the old one handed over."""


@dataclass(frozen=True)
class Snapshot:
    cells: np.ndarray
    generation: int
    engine: str
    epoch: int  # changes whenever the board is replaced by hand (a reset, an edit): a new baseline
    population: int


class Simulation:
    """One board advanced by one engine at a time; safe to drive from a worker thread and a UI thread."""

    def __init__(self, board: Board, engine: str = "numpy", options: EngineOptions = DEFAULT_OPTIONS):
        self.rule = board.rule
        self.options = options
        self._availability: dict[str, Availability] | None = None
        self._start = Board(board.rule, board.cells.copy(), board.generation)
        self._lock = threading.Lock()
        self._engine = self.new_engine(engine, board.cells)
        self.engine_name = engine
        self.generation = board.generation
        self.epoch = 0

    def new_engine(self, name: str, cells: np.ndarray) -> Engine:
        """An engine of kind `name` with this simulation's rule and options, holding `cells`."""
        engine = create_engine(name, self.rule, self.options)
        engine.load(cells)
        return engine

    def availability(self) -> dict[str, Availability]:
        """Every engine's availability for this rule and options, worked out once (it reads kernels: slow)."""
        if self._availability is None:
            self._availability = available_engines(self.rule, self.options)
        return self._availability

    def step(self, generations: int = 1) -> None:
        with self._lock:
            self._engine.step(generations)
            self.generation += generations

    def snapshot(self) -> Snapshot:
        with self._lock:
            cells = self._engine.cells()
            return Snapshot(cells, self.generation, self.engine_name, self.epoch, int(np.count_nonzero(cells)))

    def describe_engine(self) -> tuple[str, str, int]:
        """The engine's sidebar label and text, and how many neighbourhoods its kernel gets wrong (0: exact)."""
        with self._lock:
            return (*self._engine.describe(), self._engine.inexact)

    def swap(self, name: str) -> None:
        """Move the board to engine `name` at the same generation: nothing lost, nothing repeated."""
        with self._lock:
            if name == self.engine_name:
                return
            cells = self._engine.cells()
            engine = self.new_engine(name, cells)
            if not np.array_equal(engine.cells(), cells):
                engine.close()
                raise SwapMismatch(
                    f"engine {name} did not take the board over unchanged; staying on {self.engine_name}"
                )
            self._engine.close()
            self._engine, self.engine_name = engine, name

    def next_engine_name(self) -> str:
        """The engine after the current one in registry order, among those available."""
        names = [name for name, status in self.availability().items() if status.available]
        if self.engine_name not in names:
            return names[0]
        return names[(names.index(self.engine_name) + 1) % len(names)]

    def reset(self) -> None:
        """Back to the board the simulation started from."""
        with self._lock:
            self._engine.load(self._start.cells)
            self.generation = self._start.generation
            self.epoch += 1

    def toggle(self, x: int, y: int) -> None:
        with self._lock:
            cells = self._engine.cells()
            cells[y % cells.shape[0], x % cells.shape[1]] ^= 1
            self._engine.load(cells)
            self.epoch += 1

    def close(self) -> None:
        with self._lock:
            self._engine.close()


@dataclass(frozen=True)
class Verdict:
    """What the reference found: agreement through `generation`, or the cells that differ there."""

    generation: int
    agreed_through: int
    differing: np.ndarray | None = None  # (height, width) bool mask, None when the boards agree

    @property
    def agrees(self) -> bool:
        return self.differing is None


class ReferenceChecker:
    """The numpy reference, following an engine: catches up from the last agreed board and compares.

    When the boards differ, a fresh engine of the same kind replays from the last agreed board one
    generation at a time, so the verdict names the first generation that differs, not just the first
    one checked.
    """

    def __init__(self, rule: Rule):
        self.rule = rule
        self._reference = NumpyEngine(rule)
        self._agreed_cells: np.ndarray | None = None
        self.generation = 0
        self.agreed_through = 0
        self.diverged: Verdict | None = None

    def baseline(self, cells: np.ndarray, generation: int) -> None:
        """Agree, by definition, with this board (a start, a reset, an edit)."""
        self._reference.load(cells)
        self._agreed_cells = cells.copy()
        self.generation = self.agreed_through = generation
        self.diverged = None

    def check(
        self,
        cells: np.ndarray,
        generation: int,
        cancelled: Callable[[], bool] = lambda: False,
        replay: Callable[[], Engine] | None = None,
    ) -> Verdict | None:
        """Advance the reference to `generation` and compare; None if cancelled or the board went backwards.

        `replay` makes a fresh engine like the one checked, to find the first differing generation.
        After a divergence the verdict stays: the reference cannot follow a board it disagrees with.
        """
        if self.diverged is not None:
            return self.diverged
        if generation < self.generation:
            return None
        while self.generation < generation:
            if cancelled():
                return None
            batch = min(generation - self.generation, 16)
            self._reference.step(batch)
            self.generation += batch
        reference = self._reference.cells()
        differing = reference != cells
        if differing.any():
            found = self._first_difference(replay, cancelled)
            self.diverged = found or Verdict(generation, self.agreed_through, differing)
            return self.diverged
        self.agreed_through = generation
        self._agreed_cells = reference
        return Verdict(generation, generation)

    def _first_difference(self, replay: Callable[[], Engine] | None, cancelled: Callable[[], bool]) -> Verdict | None:
        if replay is None or self._agreed_cells is None:
            return None
        try:
            engine = replay()
        except LifeError:
            return None
        reference = NumpyEngine(self.rule)
        engine.load(self._agreed_cells)
        reference.load(self._agreed_cells)
        try:
            for generation in range(self.agreed_through + 1, self.generation + 1):
                if cancelled():
                    return None
                engine.step(1)
                reference.step(1)
                differing = engine.cells() != reference.cells()
                if differing.any():
                    return Verdict(generation, generation - 1, differing)
        finally:
            engine.close()
        return None
