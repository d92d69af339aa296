"""The Engine interface every step engine implements: load cells, step n, read cells back, population."""

from __future__ import annotations

from abc import ABC, abstractmethod
from pathlib import Path

import numpy as np

from lifetui.rules import Rule


class Engine(ABC):
    """A step engine owns its board in whatever format suits it and converts only at this boundary."""

    name: str

    def __init__(self, rule: Rule, model: Path | None = None, allow_inexact: bool = False):
        self.rule = rule
        self.model = model
        self.allow_inexact = allow_inexact  # run a kernel even where it is wrong (to study where it departs)
        self.threads = 1  # engines that thread (the C ones) split each generation over this many

    @abstractmethod
    def load(self, cells: np.ndarray) -> None:
        """Take a (height, width) uint8 board of 0 and 1; it replaces whatever the engine held."""

    @abstractmethod
    def step(self, generations: int = 1) -> None:
        """Advance the held board by `generations`."""

    @abstractmethod
    def cells(self) -> np.ndarray:
        """A fresh (height, width) uint8 copy of the held board."""

    def population(self) -> int:
        return int(np.count_nonzero(self.cells()))

    def describe(self) -> str:
        """What the engine computes with, for the sidebar (a circuit's size, a network's gates), or ''."""
        return ""

    def close(self) -> None:
        """Release what the engine holds beyond Python memory (threads, device buffers)."""
