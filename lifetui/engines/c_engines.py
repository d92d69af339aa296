"""The c engine (the learned circuit, compiled) and the bitsliced engine (hand-written), on one C runtime; and
the c engine of a multi-state rule, its circuits on a board of bit planes (the planes runtime)."""

from __future__ import annotations

import functools
import os
from collections.abc import Callable

import numpy as np
import numpy.typing as npt

from lifetui.compiler import build
from lifetui.compiler.codegen import LANES, bitsliced_prefix
from lifetui.compiler.pipeline import DEFAULT_LEVEL, compile_network
from lifetui.engines.base import DEFAULT_OPTIONS, Engine, EngineOptions, wrapped
from lifetui.errors import LifeError
from lifetui.model.network import state_bits
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


#: live_box reads about this many words at a time, from each side inward.
LIVE_BOX_BAND_WORDS = 1 << 14


def _bits(words: np.ndarray) -> np.ndarray:
    """The set bits of little-endian 64-bit words, as cell offsets."""
    return np.flatnonzero(np.unpackbits(words.view(np.uint8), bitorder="little"))


def _first_live(count: int, band: int, live: Callable[[slice], npt.ArrayLike]) -> tuple[int, int] | None:
    """The first and last of `count` lines (rows, or columns of words) that hold a live cell, reading `band`
    lines at a time from each end (`live(lines)` says which of them do); None when none does."""
    first = None
    for start in range(0, count, band):
        hits = np.flatnonzero(live(slice(start, min(count, start + band))))
        if len(hits):
            first = start + int(hits[0])
            break
    if first is None:
        return None
    for stop in range(count, first, -band):
        start = max(first, stop - band)
        hits = np.flatnonzero(live(slice(start, stop)))
        if len(hits):
            return first, start + int(hits[-1])
    return first, first


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
        # From each side inward, a band of words at a time, until a live cell: a box that moved a few cells
        # since the last call costs a few bands, not the whole window (the plane asks after every call).
        first, last = left // 64, (left + width - 1) // 64
        region = self._board[top : top + height, 1 + first : 2 + last]
        kept_low = ~np.uint64((1 << (left - 64 * first)) - 1)  # the bits of the first and last words asked for
        high = left + width - 64 * last
        kept_high = np.uint64((1 << high) - 1) if high < 64 else ~np.uint64(0)

        def words(rows: slice, columns: slice) -> np.ndarray:
            part = region[rows, columns].copy()
            start, stop, _ = columns.indices(region.shape[1])
            if start == 0:
                part[:, 0] &= kept_low
            if stop == region.shape[1]:
                part[:, -1] &= kept_high
            return part

        every = slice(None)
        found = _first_live(height, max(1, LIVE_BOX_BAND_WORDS // region.shape[1]),
                            lambda band: words(band, every).any(axis=1))  # fmt: skip
        if found is None:
            return None
        rows = slice(found[0], found[1] + 1)
        word_band = max(1, LIVE_BOX_BAND_WORDS // (found[1] - found[0] + 1))
        columns = _first_live(region.shape[1], word_band, lambda band: words(rows, band).any(axis=0))
        assert columns is not None  # the live rows hold a live cell
        low_word, high_word = columns
        lowest = np.bitwise_or.reduce(words(rows, slice(low_word, low_word + 1)), axis=0)
        highest = np.bitwise_or.reduce(words(rows, slice(high_word, high_word + 1)), axis=0)
        column = 64 * (first + low_word) + int(_bits(lowest)[0])
        end = 64 * (first + high_word) + int(_bits(highest)[-1])
        return top + found[0], column, found[1] - found[0] + 1, end - column + 1

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


class StatesCircuitEngine(Engine):
    """The c engine for a multi-state rule: the board's states as bit planes (plane p holds bit p of each cell's
    state, each plane in the runtime's row layout), stepped by the planes runtime with a circuit per bit."""

    name = "c"
    level = DEFAULT_LEVEL

    def __init__(self, rule: Rule, options: EngineOptions = DEFAULT_OPTIONS):
        super().__init__(rule, options)
        self.compiled = compile_network(self._learned_kernel().network, rule, self.level)
        self.planes = state_bits(rule.states)
        self._ffi, self._lib = build.load(self.compiled.source(), build.PLANES_DECLARATIONS)
        if self._lib.lifetui_stride(1000) != stride(1000):
            raise LifeError("c engine: the planes runtime's row layout is not the one lifetui packs")

    def load(self, cells: np.ndarray) -> None:
        self._width = cells.shape[1]
        self._board = np.ascontiguousarray(np.stack([pack((cells >> bit) & 1) for bit in range(self.planes)]))
        self._scratch = np.empty_like(self._board)

    def step(self, generations: int = 1) -> None:
        ffi = self._ffi
        board = ffi.cast("uint64_t *", self._board.ctypes.data)
        scratch = ffi.cast("uint64_t *", self._scratch.ctypes.data)
        threads = min(self.options.threads, usable_cpus())
        if self._lib.lifetui_step_planes(board, scratch, self._board.shape[1], self._width, generations, threads):
            raise LifeError(f"{self.name} engine: could not get memory or threads for {threads} thread(s)")

    def cells(self) -> np.ndarray:
        return self._states(self._board)

    def window(self, top: int, left: int, height: int, width: int) -> np.ndarray:
        rows = self._board[:, wrapped(top, height, self._board.shape[1])]
        return self._states(rows)[:, wrapped(left, width, self._width)]

    def _states(self, planes: np.ndarray) -> np.ndarray:
        """The states of some rows of the planes, (planes, rows, stride) -> (rows, width) uint8."""
        states = unpack(planes[0], self._width)
        for bit in range(1, self.planes):
            states |= unpack(planes[bit], self._width) << bit
        return states

    def set_cells(self, places: np.ndarray, value: int) -> None:
        rows, columns = places[:, 0], places[:, 1]
        bits = np.left_shift(np.uint64(1), (columns % 64).astype(np.uint64))
        words = (rows, 1 + columns // 64)
        for bit in range(self.planes):
            if (value >> bit) & 1:
                np.bitwise_or.at(self._board[bit], words, bits)
            else:
                np.bitwise_and.at(self._board[bit], words, ~bits)

    def population(self) -> int:
        """Cells in any state but 0: a bit set in any plane."""
        occupied = np.bitwise_or.reduce(self._board[:, :, 1 : 1 + -(-self._width // 64)], axis=0)
        return int(np.unpackbits(occupied.view(np.uint8)).sum(dtype=np.int64))

    def describe(self) -> tuple[str, str]:
        return "Circuit", self.compiled.describe()
