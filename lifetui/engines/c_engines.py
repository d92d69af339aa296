"""The c engine (the learned circuit, compiled) and the bitsliced engine (hand-written), on one C runtime."""

from __future__ import annotations

import functools
import os

import numpy as np

from lifetui.compiler import build
from lifetui.compiler.codegen import LANES, bitsliced_prefix
from lifetui.compiler.pipeline import DEFAULT_LEVEL, compile_network
from lifetui.engines.base import DEFAULT_OPTIONS, Engine, EngineOptions, wrapped
from lifetui.errors import LifeError
from lifetui.rules import Rule


@functools.cache
def usable_cpus() -> int:
    """The CPUs this process may run on: threads beyond them only take turns, and wait for each other."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


def stride(width: int) -> int:
    """Words a row takes in the runtime's layout (lifetui_stride in runtime.c): the cells padded to whole
    strips of LANES words, and a word either side."""
    words = -(-width // 64)
    return -(-words // LANES) * LANES + 2


def pack(cells: np.ndarray) -> np.ndarray:
    """(height, width) 0/1 -> (height, stride(width)) uint64 in the runtime's layout: cell x in bit x % 64
    of word 1 + x // 64, every other bit zero (the runtime keeps the bits past the width zero)."""
    height, width = cells.shape
    packed = np.zeros((height, stride(width) * 8), dtype=np.uint8)
    # packbits takes any nonzero byte as 1: a 0/1 board needs no boolean copy (on a huge board, a copy is a
    # fresh allocation of its size, slow to page in).
    bits = cells if cells.dtype in (np.uint8, np.bool_) else cells.astype(bool)
    packed[:, 8 : 8 + -(-width // 8)] = np.packbits(bits, axis=1, bitorder="little")
    return packed.view("<u8")


def unpack(board: np.ndarray, width: int) -> np.ndarray:
    """The cells of a board in the runtime's layout, or of some of its rows."""
    words = np.ascontiguousarray(board[:, 1 : 1 + -(-width // 64)])
    return np.unpackbits(words.view(np.uint8), axis=1, count=width, bitorder="little")


class _CEngine(Engine):
    generations_per_pass = 8  # a large board's pass: LIFETUI_DEPTH in runtime.c

    def __init__(self, rule: Rule, options: EngineOptions = DEFAULT_OPTIONS):
        super().__init__(rule, options)
        self._ffi, self._lib = build.load(self.source())
        if self._lib.lifetui_stride(1000) != stride(1000):
            raise LifeError(f"{self.name} engine: the runtime's row layout is not the one lifetui packs")

    def source(self) -> str:
        raise NotImplementedError

    def load(self, cells: np.ndarray) -> None:
        self._width = cells.shape[1]
        self._board = np.ascontiguousarray(pack(cells))
        self._scratch = np.empty_like(self._board)

    def packed(self) -> tuple[np.ndarray, int]:
        return self._board.view(np.uint8)[:, 8 : 8 + -(-self._width // 8)], self._width

    def take_over(self, other: Engine) -> bool:
        packed = other.packed()
        if packed is None:
            return False
        rows, self._width = packed
        board = np.zeros((rows.shape[0], stride(self._width) * 8), dtype=np.uint8)
        board[:, 8 : 8 + rows.shape[1]] = rows
        self._board = board.view("<u8")
        self._scratch = np.empty_like(self._board)
        return True

    def step(self, generations: int = 1) -> None:
        pointer = self._ffi.cast("uint64_t *", self._board.ctypes.data)
        scratch = self._ffi.cast("uint64_t *", self._scratch.ctypes.data)
        threads = min(self.options.threads, usable_cpus())
        status = self._lib.lifetui_step(pointer, scratch, self._board.shape[0], self._width, generations, threads)
        if status != 0:
            raise LifeError(f"{self.name} engine: could not get memory or threads for {threads} thread(s)")

    def cells(self) -> np.ndarray:
        return unpack(self._board, self._width)

    def window(self, top: int, left: int, height: int, width: int) -> np.ndarray:
        # Unpack only the rows asked for, and of those only the words that hold the columns asked for.
        rows = self._board[wrapped(top, height, self._board.shape[0])]
        if left == 0 and width == self._width:
            return unpack(rows, width)
        columns = wrapped(left, width, self._width)
        words = np.unique(columns // 64)
        unpacked = np.unpackbits(np.ascontiguousarray(rows[:, 1 + words]).view(np.uint8), axis=1, bitorder="little")
        slot = np.zeros(self._board.shape[1], dtype=np.intp)
        slot[words] = np.arange(len(words))
        return unpacked[:, slot[columns // 64] * 64 + columns % 64]

    def live_box(self, top: int, left: int, height: int, width: int) -> tuple[int, int, int, int] | None:
        # Rows by whether any of their words is set, columns by the OR of the live rows' words: a word read
        # stands for 64 cells.
        first, last = left // 64, (left + width - 1) // 64
        words = self._board[top : top + height, 1 + first : 2 + last].copy()
        low, high = left - 64 * first, left + width - 64 * last  # the bits kept in the first and last words
        words[:, 0] &= ~np.uint64((1 << low) - 1)
        words[:, -1] &= np.uint64((1 << high) - 1) if high < 64 else ~np.uint64(0)
        rows = np.flatnonzero(words.any(axis=1))
        if not len(rows):
            return None
        union = np.bitwise_or.reduce(words[rows[0] : rows[-1] + 1], axis=0)
        columns = np.flatnonzero(np.unpackbits(union.view(np.uint8), bitorder="little"))
        return (
            top + int(rows[0]),
            64 * first + int(columns[0]),
            int(rows[-1] - rows[0]) + 1,
            int(columns[-1] - columns[0]) + 1,
        )

    def set_cells(self, places: np.ndarray, value: int) -> None:
        rows, columns = places[:, 0], places[:, 1]
        bits = np.left_shift(np.uint64(1), (columns % 64).astype(np.uint64))
        words = (rows, 1 + columns // 64)
        # One cell at a time (ufunc.at), so that two in one word both take effect.
        if value:
            np.bitwise_or.at(self._board, words, bits)
        else:
            np.bitwise_and.at(self._board, words, ~bits)

    def blocks(self, top: int, left: int, height: int, width: int, block: int) -> np.ndarray:
        if block == 1 or height > self._board.shape[0] or width > self._width:
            # The C reads each board row and column at most once: a window wrapping further goes the long way.
            return super().blocks(top, left, height, width, block)
        out = np.empty((-(-height // block), -(-width // block)), dtype=np.uint8)
        rows = np.empty(self._board.shape[1], dtype=np.uint64)
        ffi = self._ffi
        board, rows_pointer = ffi.cast("uint64_t *", self._board.ctypes.data), ffi.cast("uint64_t *", rows.ctypes.data)
        height_held = self._board.shape[0]
        self._lib.lifetui_blocks(board, height_held, self._width, top % height_held, left % self._width, height, width,
                                 block, ffi.from_buffer("uint8_t[]", out), rows_pointer)  # fmt: skip
        return out

    def population(self) -> int:
        pointer = self._ffi.cast("uint64_t *", self._board.ctypes.data)
        return int(self._lib.lifetui_population(pointer, self._board.shape[0], self._width))


class CircuitEngine(_CEngine):
    name = "c"
    level = DEFAULT_LEVEL

    def source(self) -> str:
        self.compiled = compile_network(self._learned_kernel().network, self.rule, self.level)
        return self.compiled.source()

    def describe(self) -> tuple[str, str]:
        return "Circuit", self.compiled.describe()


class BitslicedEngine(_CEngine):
    name = "bitsliced"

    def source(self) -> str:
        return bitsliced_prefix(self.rule) + build.bitsliced_source() + build.runtime_source()

    def describe(self) -> tuple[str, str]:
        return "Method", "hand-written bitsliced C, shared row sums"
