"""The Engine interface every step engine implements, and the options every engine is built with."""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from lifetui.model.kernels import Kernel, kernel_for, refuse_inexact
from lifetui.model.network import wrong_neighbourhoods
from lifetui.rules import Rule


@dataclass(frozen=True)
class EngineOptions:
    """How to build an engine: which kernel a learned engine runs, whether an inexact one may run, threads."""

    model: Path | None = None  # the kernel folder for jax and c; None: the one for the rule (see kernel_for)
    allow_inexact: bool = False  # run a kernel even where it departs from its rule (to study where)
    threads: int = 1  # engines that thread (the C ones) split each generation over this many
    devices: int = 1  # engines that spread a board over several devices (none yet) use this many


DEFAULT_OPTIONS = EngineOptions()
#: Rows compared at a time by Engine.holds.
HOLDS_ROWS = 256


class Engine(ABC):
    """A step engine owns its board in whatever format suits it and converts only at this boundary."""

    name: str
    #: Generations the engine advances per pass over its board: calls of a multiple of this run best.
    generations_per_pass: int = 1

    def __init__(self, rule: Rule, options: EngineOptions = DEFAULT_OPTIONS):
        self.rule = rule
        self.options = options
        #: Of the 512 neighbourhoods, how many the learned kernel it runs gets wrong (allowed by
        #: --allow-inexact); 0 for an exact kernel and for engines that run none.
        self.inexact = 0

    @abstractmethod
    def load(self, cells: np.ndarray) -> None:
        """Take a (height, width) uint8 board of 0 and 1; it replaces whatever the engine held."""

    @abstractmethod
    def step(self, generations: int = 1) -> None:
        """Advance the held board by `generations`."""

    @abstractmethod
    def cells(self) -> np.ndarray:
        """A fresh (height, width) uint8 copy of the held board."""

    def window(self, top: int, left: int, height: int, width: int) -> np.ndarray:
        """A fresh copy of `height` rows and `width` columns from (top, left), wrapping around the torus.

        Engines override this to read back only those cells, not the whole board.
        """
        cells = self.cells()
        return cells[wrapped(top, height, cells.shape[0])][:, wrapped(left, width, cells.shape[1])]

    def holds(self, cells: np.ndarray) -> bool:
        """Whether the engine's board is exactly `cells`, compared a band of rows at a time: on a huge board
        a whole copy and a whole comparison are each a fresh allocation of its size, slow to page in."""
        height, width = cells.shape
        return all(
            np.array_equal(self.window(top, 0, min(HOLDS_ROWS, height - top), width), cells[top : top + HOLDS_ROWS])
            for top in range(0, height, HOLDS_ROWS)
        )

    def population(self) -> int:
        """Live cells; engines override this to count without copying the board."""
        return int(np.count_nonzero(self.cells()))

    def describe(self) -> tuple[str, str]:
        """What the engine computes with, for the sidebar: a label and a text, e.g. ("Circuit", "24 gates ...")."""
        return "Method", ""

    def close(self) -> None:
        """Release what the engine holds beyond Python memory (threads, device buffers)."""

    def _learned_kernel(self) -> Kernel:
        """The kernel this engine runs, under the one inexact policy every learned engine follows."""
        kernel, self.inexact = learned_kernel(self.rule, self.options)
        return kernel


def learned_kernel(rule: Rule, options: EngineOptions) -> tuple[Kernel, int]:
    """The kernel for `rule` and how many neighbourhoods it gets wrong; refused if any, unless allowed."""
    kernel = kernel_for(rule, options.model)
    wrong = len(wrong_neighbourhoods(kernel.network, rule))
    refuse_inexact(wrong, rule, options.allow_inexact)
    return kernel, wrong


def wrapped(start: int, count: int, size: int) -> np.ndarray:
    """Indices start, start + 1, ... (count of them) around a torus side of `size`."""
    return (start + np.arange(count)) % size
