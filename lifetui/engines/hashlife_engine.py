"""The hashlife engine: Gosper's HashLife (`lifetui/compiler/c/hashlife.c`) for any rule of the 3x3
neighbourhood, on tori whose sides are powers of two.

One C library serves every rule (the rule's 512-entry table is handed over at run time), built once and
cached like the other C engines. A torus of W x H cells with W and H powers of two is held as a square of
the larger side, the smaller one tiled: a tiled board stays tiled under any rule, and the hashing makes
the copies cost nothing. Other tori, and the unbounded plane, are still to come.
"""

from __future__ import annotations

import numpy as np

from lifetui.board import physical_memory
from lifetui.compiler import build
from lifetui.engines import power_of_two_sides
from lifetui.engines.base import DEFAULT_OPTIONS, Engine, EngineOptions
from lifetui.errors import LifeError
from lifetui.rules import Rule

DECLARATIONS = """
typedef struct universe universe;
universe *lifetui_hashlife_new(const uint8_t *table, long max_nodes);
void lifetui_hashlife_free(universe *u);
int lifetui_hashlife_load(universe *u, const uint8_t *cells, long height, long width);
int lifetui_hashlife_step(universe *u, long long generations);
void lifetui_hashlife_region(const universe *u, long top, long left, long height, long width, long row, long column,
                             long block, uint8_t *out, long across);
long long lifetui_hashlife_population(const universe *u);
long lifetui_hashlife_nodes(const universe *u);
void lifetui_hashlife_plane(universe *u, long long top, long long left);
void lifetui_hashlife_root(const universe *u, long long *top, long long *left, int *level);
int lifetui_hashlife_bounds(const universe *u, long long box[4]);
int lifetui_hashlife_leaves(universe *u, const uint64_t *bits, long count, uint32_t *refs);
int lifetui_hashlife_joins(universe *u, const uint32_t *children, long count, int level, uint32_t *refs);
void lifetui_hashlife_plant(universe *u, uint32_t root, long long top, long long left);
long lifetui_hashlife_dump(const universe *u, long capacity, uint64_t *words, uint8_t *levels);
int lifetui_hashlife_set(universe *u, const long long *places, long count, int value);
"""
#: Bytes a node takes (hashlife.c's node: six numbers, a population, a level and a mark: 40), and its share
#: of the hash table (two to four 4-byte buckets a node: at most one node for two buckets).
NODE_BYTES = 56
#: The smallest square the C holds (a level 4 node, 16 x 16): smaller tori are tiled up to it.
SMALLEST_SIDE = 16


class HashlifeUnavailable(LifeError):
    """The board is of a shape the engine cannot hold."""


def max_nodes() -> int:
    """Nodes kept before unreachable ones are collected: a quarter of the machine's memory."""
    return max(1 << 16, min(physical_memory() // 4 // NODE_BYTES, (1 << 31) - 1))


class HashlifeEngine(Engine):
    name = "hashlife"

    def __init__(self, rule: Rule, options: EngineOptions = DEFAULT_OPTIONS):
        super().__init__(rule, options)
        self._ffi, self._lib = build.load(build.c_source("hashlife.c"), DECLARATIONS)
        table = self._ffi.new("uint8_t[512]", bytes(rule.truth_table()))
        universe = self._lib.lifetui_hashlife_new(table, max_nodes())
        if universe == self._ffi.NULL:
            raise LifeError("hashlife engine: out of memory")
        self._universe = self._ffi.gc(universe, self._lib.lifetui_hashlife_free)
        self._shape = (0, 0)
        self._side = 0

    def load(self, cells: np.ndarray) -> None:
        height, width = cells.shape
        problem = power_of_two_sides(height, width)
        if problem:
            raise HashlifeUnavailable(f"hashlife engine: {problem}")
        side = max(height, width, SMALLEST_SIDE)
        # Sides under SMALLEST_SIDE are tiled up to it here (a small copy); the C tiles the rest to a square.
        tiles = (max(1, SMALLEST_SIDE // height), max(1, SMALLEST_SIDE // width))
        grid = np.ascontiguousarray(np.tile(cells, tiles) if tiles != (1, 1) else cells, dtype=np.uint8)
        status = self._lib.lifetui_hashlife_load(
            self._universe, self._ffi.from_buffer("uint8_t[]", grid), grid.shape[0], grid.shape[1]
        )
        if status != 0:
            raise LifeError(f"hashlife engine: the board needs more than {max_nodes():,} nodes to load")
        self._shape, self._side = (height, width), side

    def step(self, generations: int = 1) -> None:
        status = self._lib.lifetui_hashlife_step(self._universe, generations) if generations > 0 else 0
        if status == -2:
            raise LifeError(
                "hashlife engine: the pattern would span more than the plane's 2^60 cells a side; "
                "the board is as it was before this step"
            )
        if status != 0:
            raise LifeError(
                f"hashlife engine: more than {max_nodes():,} nodes even after collecting garbage "
                "(a quarter of this machine's memory); the board is as it was before this step"
            )

    def cells(self) -> np.ndarray:
        return self.window(0, 0, *self._shape)

    def window(self, top: int, left: int, height: int, width: int) -> np.ndarray:
        return self.blocks(top, left, height, width, 1)

    def blocks(self, top: int, left: int, height: int, width: int, block: int) -> np.ndarray:
        rows, columns = self._shape
        out = np.zeros((-(-height // block), -(-width // block)), dtype=np.uint8)
        buffer = self._ffi.from_buffer("uint8_t[]", out)
        # Around the torus, a window is at most four plain rectangles of the held square.
        y = 0
        while y < height:
            row = (top + y) % rows
            tall = min(height - y, rows - row)
            x = 0
            while x < width:
                column = (left + x) % columns
                wide = min(width - x, columns - column)
                self._lib.lifetui_hashlife_region(self._universe, row, column, tall, wide, y, x, block, buffer,
                                                  out.shape[1])  # fmt: skip
                x += wide
            y += tall
        return out

    def population(self) -> int:
        if not self._side:
            return 0  # nothing loaded
        rows, columns = self._shape
        copies = (self._side // rows) * (self._side // columns)
        return int(self._lib.lifetui_hashlife_population(self._universe)) // copies

    def describe(self) -> tuple[str, str]:
        return "Method", "HashLife: a hashed quadtree whose squares remember their future"

    def nodes(self) -> int:
        """Quadtree nodes in use."""
        return int(self._lib.lifetui_hashlife_nodes(self._universe))
