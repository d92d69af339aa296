"""The Engine interface every step engine implements, and the options every engine is built with."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from lifetui.model.factored import Mistakes, mistakes
from lifetui.model.kernels import Kernel, kernel_for, refuse_inexact
from lifetui.rules import Rule


@dataclass(frozen=True)
class EngineOptions:
    """How to build an engine: which kernel a learned engine runs, whether an inexact one may run, threads."""

    model: Path | None = None  # the kernel folder for jax and c; None: the one for the rule (see kernel_for)
    allow_inexact: bool = False  # run a kernel even where it departs from its rule (to study where)
    threads: int = 1  # engines that thread (the C ones) split each generation over this many
    devices: int = 1  # engines that spread a board over several devices (jax, by rows) use this many


DEFAULT_OPTIONS = EngineOptions()
#: Rows compared at a time by Engine.holds.
HOLDS_ROWS = 256
#: Cells read at a time by the default Engine.blocks.
BLOCKS_BAND_CELLS = 1 << 22


class Interrupted(Exception):  # noqa: N818 - a signal, not an error
    """A step stopped early because the engine's `interrupted()` said so: `done` generations were made,
    and the board is as it was after them."""

    def __init__(self, done: int):
        super().__init__(f"interrupted after {done} generations")
        self.done = done


def never() -> bool:
    return False


class Engine(ABC):
    """A step engine owns its board in whatever format suits it and converts only at this boundary."""

    name: str
    #: Polled by an engine whose one generation can take long (numpy on a huge board) between parts of
    #: it: when it returns True, step() raises Interrupted. Whoever drives the engine may set it.
    interrupted: Callable[[], bool] = staticmethod(never)
    #: Generations the engine advances per pass over its board: calls of a multiple of this run best.
    generations_per_pass: int = 1
    #: Its board's rows must be a multiple of this (jax splits them evenly over its devices).
    rows_multiple: int = 1
    #: Whether the board's cell (0, 0) sits where a row and a column of odd sum meet on the topology (set by the
    #: universe that lays the board): Larger than Life's triangular shape points cells up or down by it.
    origin_parity: int = 0

    def __init__(self, rule: Rule, options: EngineOptions = DEFAULT_OPTIONS):
        self.rule = rule
        self.options = options
        #: Of the neighbourhoods that can occur, how many the learned kernel it runs gets wrong (allowed by
        #: --allow-inexact); 0 for an exact kernel and for engines that run none.
        self.inexact = 0
        #: Whether that kernel gives life to an empty neighbourhood (a B0 its rule lacks): on an unbounded
        #: axis every dead cell would be born at once.
        self.births_on_empty = False

    @abstractmethod
    def load(self, cells: np.ndarray) -> None:
        """Take a (height, width) uint8 board of states (0 and 1 under a two-state rule); it replaces whatever the
        engine held."""

    def packed(self) -> tuple[np.ndarray, int] | None:
        """The board as (height, ceil(width / 8)) bytes, cell x of a row in bit x % 8 of byte x // 8 (numpy's
        packbits with little bit order; bits past the width 0), and its width, for an engine that holds it
        so (it may be a view of the engine's own memory: copy it); None for one that does not."""
        return None

    def take_over(self, other: Engine) -> bool:
        """Take `other`'s board from its packed() bytes when it has them, without unpacking it cell by cell
        (the C engines and jax hold their boards packed). False when this engine cannot or `other` has no
        such bytes: the board then goes by way of cells() and load()."""
        return False

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

    def blocks(self, top: int, left: int, height: int, width: int, block: int) -> np.ndarray:
        """A zoomed-out view of the window `window(top, left, height, width)` would return: one uint8 per square
        of `block` x `block` cells, 1 when any of them is live; the last row and column of squares are cut
        off at the window's edge. (ceil(height / block), ceil(width / block)).

        This reads the window a band of rows at a time; engines override it to read no cells twice.
        """
        if block == 1:
            return self.window(top, left, height, width)
        out = np.zeros((-(-height // block), -(-width // block)), dtype=np.uint8)
        band = max(1, BLOCKS_BAND_CELLS // (block * width))  # rows of squares per read
        for first in range(0, out.shape[0], band):
            y = first * block
            cells = self.window(top + y, left, min(band * block, height - y), width)
            out[first : first + band] = any_in_squares(cells, block)
        return out

    def live_box(self, top: int, left: int, height: int, width: int) -> tuple[int, int, int, int] | None:
        """The bounding box (top, left, height, width) of the live cells in a window within the board (no
        wrapping), or None when none live there. Engines that hold words override it to read no cell twice."""
        rows, columns = self.window(top, left, height, width).nonzero()
        if not len(rows):
            return None
        return top + int(rows.min()), left + int(columns.min()), int(np.ptp(rows)) + 1, int(np.ptp(columns)) + 1

    def set_cells(self, places: np.ndarray, value: int) -> None:
        """Put the cells at `places` ((n, 2) rows and columns, within the board) in state `value` (0 dead).

        This reloads the whole board; engines override it to change only those cells.
        """
        cells = self.cells()
        cells[places[:, 0], places[:, 1]] = value
        self.load(cells)

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

    def wake(self) -> None:
        """From any thread, after interrupted() has started to say True: an engine whose one call can run long
        (hashlife's jumps, in C) gives up soon instead of at the call's end. Others poll interrupted()."""

    def _learned_kernel(self) -> Kernel:
        """The kernel this engine runs, under the one inexact policy every learned engine follows."""
        kernel, wrong = learned_kernel(self.rule, self.options)
        self.inexact = wrong.count
        self.births_on_empty = wrong.empty and not self.rule.born_on_empty
        return kernel


def learned_kernel(rule: Rule, options: EngineOptions) -> tuple[Kernel, Mistakes]:
    """The kernel for `rule` and the neighbourhoods it gets wrong; refused if any, unless allowed."""
    kernel = kernel_for(rule, options.model)
    wrong = kernel.checked.get(rule)
    if wrong is None:
        wrong = kernel.checked[rule] = mistakes(kernel.network, rule)
    refuse_inexact(wrong.count, rule, options.allow_inexact)
    return kernel, wrong


def any_in_squares(cells: np.ndarray, block: int) -> np.ndarray:
    """1 for each `block` x `block` square of `cells` (from the top left; the last ones cut off) with a live cell
    (in any state but 0)."""
    starts = np.arange(0, cells.shape[0], block), np.arange(0, cells.shape[1], block)
    return np.minimum(np.maximum.reduceat(np.maximum.reduceat(cells, starts[0], axis=0), starts[1], axis=1), 1)


def wrapped(start: int, count: int, size: int) -> np.ndarray:
    """Indices start, start + 1, ... (count of them) around a torus side of `size`."""
    return (start + np.arange(count)) % size


class ArrayBoard:
    """An engine's board held as one array of cell states (`_cells`, a state a byte): read, drawn on and counted
    the same way whatever steps it (numpy, ltl)."""

    _cells: np.ndarray

    def cells(self) -> np.ndarray:
        return self._cells.copy()

    def window(self, top: int, left: int, height: int, width: int) -> np.ndarray:
        rows, columns = self._cells.shape
        return self._cells[np.ix_(wrapped(top, height, rows), wrapped(left, width, columns))]

    def set_cells(self, places: np.ndarray, value: int) -> None:
        self._cells[places[:, 0], places[:, 1]] = value

    def population(self) -> int:
        return int(np.count_nonzero(self._cells))
