"""The hashlife engine: Gosper's HashLife (`lifetui/engines/c/hashlife.c`) for any rule of the 3x3
neighbourhood, on tori whose sides are powers of two and on the unbounded plane (HashlifeUniverse).

One C library serves every rule (the rule's 512-entry table is handed over at run time), built once and
cached like the other C engines. A torus of W x H cells with W and H powers of two is held as a square of
the larger side, the smaller one tiled: a tiled board stays tiled under any rule, and the hashing makes
the copies cost nothing. On the plane the root is placed in plane coordinates and grows as the pattern does.
"""

from __future__ import annotations

import numpy as np

from lifetui.compiler import build
from lifetui.engines import power_of_two_sides
from lifetui.engines.base import DEFAULT_OPTIONS, Engine, EngineOptions
from lifetui.errors import LifeError
from lifetui.memory import physical_memory
from lifetui.patterns import Pattern
from lifetui.rules import Rule
from lifetui.world.topology import PLANE
from lifetui.world.universe import Region, Universe, refuse_b0_on_free_axes, refuse_far_places

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
        self._ffi, self._lib = build.load(build.c_source("hashlife.c", "lifetui.engines"), DECLARATIONS)
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
        tiled = np.ascontiguousarray(np.tile(cells, tiles) if tiles != (1, 1) else cells, dtype=np.uint8)
        status = self._lib.lifetui_hashlife_load(
            self._universe, self._ffi.from_buffer("uint8_t[]", tiled), tiled.shape[0], tiled.shape[1]
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


class HashlifeUniverse(Universe):
    """The unbounded plane as hashlife's quadtree: the root grows dead borders as the pattern grows."""

    topology = PLANE

    def __init__(self, rule: Rule, options: EngineOptions = DEFAULT_OPTIONS):
        refuse_b0_on_free_axes(rule, PLANE)
        self.engine = HashlifeEngine(rule, options)
        self._ffi, self._lib, self._universe = self.engine._ffi, self.engine._lib, self.engine._universe

    def load(self, cells: np.ndarray, top: int = 0, left: int = 0) -> None:
        height, width = cells.shape
        side = max(16, 1 << (max(height, width, 1) - 1).bit_length())
        square = np.zeros((side, side), dtype=np.uint8)
        square[:height, :width] = cells
        if self._lib.lifetui_hashlife_load(self._universe, self._ffi.from_buffer("uint8_t[]", square), side, side) != 0:
            raise LifeError("hashlife engine: out of memory loading the pattern")
        self._lib.lifetui_hashlife_plane(self._universe, top, left)

    def load_pattern(self, pattern: Pattern) -> None:
        """Built from the pattern's runs, leaf by leaf, never as a dense array: a pattern of a few cells spread
        over 210,515 x 183,739 (Golly's switch-engine-ping-pong) costs a few nodes."""
        top, left = pattern.plane_origin()
        if pattern.quadtree is not None:
            self._plant_quadtree(pattern.quadtree, top, left)
            return
        runs = pattern.runs
        if not len(runs) or not pattern.population:
            self.load(np.zeros((16, 16), dtype=np.uint8), top, left)
            return
        lengths = runs[:, 2]
        ys = np.repeat(runs[:, 0], lengths)
        firsts = np.repeat(runs[:, 1] - (np.cumsum(lengths) - lengths), lengths)
        xs = firsts + np.arange(len(ys))  # each run's cells: its first x, then one more for each cell
        level = max(4, (max(pattern.width, pattern.height, 16) - 1).bit_length())
        # Leaves: 8 x 8 squares, keyed by their row and column of squares; bit 8r + c for the cell at (r, c).
        rows, columns = ys >> 3, xs >> 3
        keys = rows << 32 | columns
        order = np.argsort(keys, kind="stable")
        keys = keys[order]
        starts = np.flatnonzero(np.r_[True, keys[1:] != keys[:-1]])
        bits = np.left_shift(np.uint64(1), (((ys & 7) << 3) | (xs & 7)).astype(np.uint64)[order])
        bits = np.bitwise_or.reduceat(bits, starts)
        keys = keys[starts]
        refs = np.zeros(len(keys), dtype=np.uint32)
        lib, ffi, universe = self._lib, self._ffi, self._universe
        if lib.lifetui_hashlife_leaves(universe, ffi.from_buffer("uint64_t[]", bits), len(bits),
                                       ffi.from_buffer("uint32_t[]", refs)) != 0:  # fmt: skip
            raise LifeError("hashlife engine: out of memory loading the pattern")
        for child_level in range(3, level):
            rows, columns = keys >> 32, keys & 0xFFFFFFFF
            parents, slot = np.unique((rows >> 1) << 32 | (columns >> 1), return_inverse=True)
            children = np.zeros((len(parents), 4), dtype=np.uint32)
            children[slot.ravel(), ((rows & 1) << 1 | (columns & 1)).astype(np.intp)] = refs
            refs = np.zeros(len(parents), dtype=np.uint32)
            if lib.lifetui_hashlife_joins(universe, ffi.from_buffer("uint32_t[]", children), len(parents), child_level,
                                          ffi.from_buffer("uint32_t[]", refs)) != 0:  # fmt: skip
                raise LifeError("hashlife engine: out of memory loading the pattern")
            keys = parents
        lib.lifetui_hashlife_plant(universe, int(refs[0]), top, left)

    def _plant_quadtree(self, tree, top: int, left: int) -> None:
        """A macrocell file's nodes, level by level (leaves first), its box's top-left cell at (top, left)."""
        lib, ffi, universe = self._lib, self._ffi, self._universe
        refs = np.zeros(len(tree.nodes), dtype=np.uint32)  # by node number; 0 (dead) for node 0
        numbers, bits = tree.leaves()
        made = np.zeros(len(numbers), dtype=np.uint32)
        if len(numbers) and lib.lifetui_hashlife_leaves(universe, ffi.from_buffer("uint64_t[]", bits), len(bits),
                                                        ffi.from_buffer("uint32_t[]", made)) != 0:  # fmt: skip
            raise LifeError("hashlife engine: out of memory loading the pattern")
        refs[numbers] = made
        for level, (numbers, children) in tree.levels().items():
            made = np.zeros(len(numbers), dtype=np.uint32)
            kids = np.ascontiguousarray(refs[children], dtype=np.uint32)
            if lib.lifetui_hashlife_joins(universe, ffi.from_buffer("uint32_t[]", kids), len(numbers), level - 1,
                                          ffi.from_buffer("uint32_t[]", made)) != 0:  # fmt: skip
                raise LifeError("hashlife engine: out of memory loading the pattern")
            refs[numbers] = made
        # Only a file too large to lay out comes here: its root is far above a leaf.
        lib.lifetui_hashlife_plant(universe, int(refs[len(tree.nodes) - 1]), top - tree.top, left - tree.left)

    def step(self, generations: int) -> None:
        self.engine.step(generations)

    def _root(self) -> tuple[int, int, int]:
        top, left, level = self._ffi.new("long long *"), self._ffi.new("long long *"), self._ffi.new("int *")
        self._lib.lifetui_hashlife_root(self._universe, top, left, level)
        return top[0], left[0], 1 << level[0]

    def extent(self) -> Region | None:
        box = self._ffi.new("long long[4]")
        if self._lib.lifetui_hashlife_bounds(self._universe, box) != 0:
            return None
        top, left, _ = self._root()
        return top + box[0], left + box[1], box[2] - box[0], box[3] - box[1]

    def window(self, top: int, left: int, height: int, width: int) -> np.ndarray:
        return self.blocks(top, left, height, width, 1)

    def blocks(self, top: int, left: int, height: int, width: int, block: int) -> np.ndarray:
        root_top, root_left, side = self._root()
        out = np.zeros((-(-height // block), -(-width // block)), dtype=np.uint8)
        # The part of the window inside the root; the rest of the plane is dead.
        y0, x0 = max(top, root_top), max(left, root_left)
        y1, x1 = min(top + height, root_top + side), min(left + width, root_left + side)
        if y0 < y1 and x0 < x1:
            self._lib.lifetui_hashlife_region(
                self._universe, y0 - root_top, x0 - root_left, y1 - y0, x1 - x0, y0 - top, x0 - left, block,
                self._ffi.from_buffer("uint8_t[]", out), out.shape[1],
            )  # fmt: skip
        return out

    def set_cells(self, places: np.ndarray, value: int) -> None:
        places = np.ascontiguousarray(places, dtype=np.int64).reshape(-1, 2)
        refuse_far_places(places)
        status = self._lib.lifetui_hashlife_set(self._universe, self._ffi.from_buffer("long long[]", places),
                                                len(places), value)  # fmt: skip
        if status != 0:
            raise LifeError("hashlife engine: out of memory drawing on the pattern; it is as it was")

    def population(self) -> int:
        return int(self._lib.lifetui_hashlife_population(self._universe))

    def native_text(self, rule: Rule, generation: int) -> str | None:
        """The plane as a macrocell file, straight from the quadtree: any size, in as many lines as it has
        distinct live squares, and where the live cells' box starts (`#CXRLE Pos`, as in RLE)."""
        from lifetui.patterns.macrocell import macrocell_of_nodes

        capacity = self.nodes() + 1
        words, levels = np.zeros((capacity, 4), dtype=np.uint64), np.zeros(capacity, dtype=np.uint8)
        count = self._lib.lifetui_hashlife_dump(self._universe, capacity, self._ffi.from_buffer("uint64_t[]", words),
                                                self._ffi.from_buffer("uint8_t[]", levels))  # fmt: skip
        if count < 0:
            raise LifeError("hashlife engine: out of memory writing the pattern")
        box = self.extent()
        position = None if box is None else (box[1], box[0])
        return macrocell_of_nodes(words[:count], levels[:count], rule, generation, position)  # no nodes: empty

    def nodes(self) -> int:
        return self.engine.nodes()
