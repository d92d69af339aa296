"""The hashlife engine: Gosper's HashLife (`lifetui/engines/c/hashlife.c`) for any rule of the 3x3
neighbourhood, on tori whose sides are powers of two and on the unbounded plane (HashlifeUniverse).

One C library serves every rule (the rule's 512-entry table is handed over at run time), built once and
cached like the other C engines. A torus of W x H cells with W and H powers of two is held as a square of
the larger side, the smaller one tiled: a tiled board stays tiled under any rule, and the hashing makes
the copies cost nothing. On the plane the root is placed in plane coordinates and grows as the pattern does.
"""

from __future__ import annotations

import contextlib
import os
import signal
import threading
import weakref

import numpy as np

from lifetui.compiler import build
from lifetui.engines import power_of_two_sides
from lifetui.engines.base import DEFAULT_OPTIONS, Engine, EngineOptions, Interrupted
from lifetui.errors import LifeError
from lifetui.memory import physical_memory
from lifetui.patterns import Pattern
from lifetui.rules import Rule
from lifetui.world.topology import PLANE
from lifetui.world.universe import Outgrown, Region, Universe, refuse_b0_on_free_axes, refuse_far_places

DECLARATIONS = """
typedef struct universe universe;
universe *lifetui_hashlife_new(const uint8_t *table, long max_nodes);
void lifetui_hashlife_free(universe *u);
void lifetui_hashlife_watch(universe *u, int fd);
int lifetui_hashlife_load(universe *u, const uint8_t *cells, long height, long width);
int lifetui_hashlife_step(universe *u, long long generations);
void lifetui_hashlife_region(const universe *u, long top, long left, long height, long width, long row, long column,
                             long block, uint8_t *out, long across);
unsigned long long lifetui_hashlife_population(const universe *u);
int lifetui_hashlife_population_exact(const universe *u, unsigned long long out[2]);
long lifetui_hashlife_nodes(const universe *u);
void lifetui_hashlife_plane(universe *u, long long top, long long left);
void lifetui_hashlife_root(const universe *u, long long *top, long long *left, int *level);
int lifetui_hashlife_bounds(universe *u, long long box[4]);
int lifetui_hashlife_leaves(universe *u, const uint64_t *bits, long count, uint32_t *refs);
int lifetui_hashlife_joins(universe *u, const uint32_t *children, long count, int level, uint32_t *refs);
int lifetui_hashlife_plant(universe *u, uint32_t root, long long top, long long left);
long lifetui_hashlife_dump(const universe *u, long capacity, uint64_t *words, uint8_t *levels);
int lifetui_hashlife_set(universe *u, const long long *places, long count, int value);
"""
#: Bytes a node takes (hashlife.c's node: a leaf's 256 cells, or four children, a result and a population;
#: then the next in its bucket, a level and a mark: 40), and its share
#: of the hash table (two to four 4-byte buckets a node: at most one node for two buckets).
NODE_BYTES = 56
#: The smallest square the C holds (a level 4 node, 16 x 16): smaller tori are tiled up to it.
SMALLEST_SIDE = 16


#: A node's population as stored when it saturated (2^64 - 1): the root's is then counted exactly.
SATURATED = (1 << 64) - 1


def root_population(ffi, lib, universe) -> int:
    """The root's population, exactly, however large (a plane of 2^120 cells)."""
    stored = int(lib.lifetui_hashlife_population(universe))
    if stored != SATURATED:
        return stored
    halves = ffi.new("unsigned long long[2]")
    if lib.lifetui_hashlife_population_exact(universe, halves) != 0:
        raise LifeError("hashlife engine: out of memory counting the population")
    return int(halves[0]) | int(halves[1]) << 64


def _close_all(*descriptors: int) -> None:
    for descriptor in descriptors:
        with contextlib.suppress(OSError):
            os.close(descriptor)


#: Runs turned into leaf pieces at a time: the pieces' arrays stay a few tens of megabytes at any pattern size.
RUNS_PER_CHUNK = 1 << 20
#: Rows and columns of squares packed into one sortable key: row << KEY_BITS | column.
KEY_BITS = 32
_COLUMN = (1 << KEY_BITS) - 1


def _leaf_segments(runs: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The live 8 x 8 squares of `runs` (non-overlapping, relative to the box) as segments: rows, first and
    end columns of squares, and each segment's 64 cells (row r of the square in bits 8r..8r+7, column c in
    bit c), in (row, column) order. Memory follows the runs, never the cells."""
    piece_keys, piece_bits, bodies = [], [], []
    for first in range(0, len(runs), RUNS_PER_CHUNK):
        ys, xs, lengths = (runs[first : first + RUNS_PER_CHUNK, i] for i in range(3))
        band, shift = ys >> 3, ((ys & 7) << 3).astype(np.uint64)
        ends = xs + lengths
        head, tail = xs >> 3, (ends - 1) >> 3
        one = head == tail
        # A run's cells in its first square (all of them when it ends there too), and in its last.
        head_mask = np.where(one, (1 << lengths.clip(max=8)) - 1, 0xFF) << (xs & 7) & 0xFF
        tail_mask = (1 << ((ends - 1) & 7) + 1) - 1
        keys = np.concatenate([band << KEY_BITS | head, band[~one] << KEY_BITS | tail[~one]])
        masks = np.concatenate([head_mask, tail_mask[~one]]).astype(np.uint64)
        shifts = np.concatenate([shift, shift[~one]])
        keys, masks = _or_by_key(keys, masks << shifts)
        piece_keys.append(keys)
        piece_bits.append(masks)
        whole = tail - head > 1  # full squares between the first and the last
        bodies.append(np.stack([band[whole], head[whole] + 1, tail[whole], shift[whole].astype(np.int64)], axis=1))
    keys, bits = _or_by_key(np.concatenate(piece_keys), np.concatenate(piece_bits))
    body = np.concatenate(bodies)
    if not len(body):
        return keys >> KEY_BITS, keys & _COLUMN, (keys & _COLUMN) + 1, bits
    # Where any run starts or ends a body or a piece, the squares' content may change; between two such
    # places it is the bodies' rows covering them (their sum: runs of one row never overlap), plus a piece.
    row_bits = np.uint64(0xFF) << body[:, 3].astype(np.uint64)
    places = np.concatenate([body[:, 0] << KEY_BITS | body[:, 1], body[:, 0] << KEY_BITS | body[:, 2], keys, keys + 1])
    changes = np.concatenate([row_bits, np.zeros_like(row_bits) - row_bits, np.zeros(2 * len(keys), np.uint64)])
    places, changes = _sum_by_key(places, changes)
    covered = np.cumsum(changes, dtype=np.uint64)  # wraps round 2^64, and comes back to 0 at each band's end
    covered[np.searchsorted(places, keys)] |= bits
    live = np.flatnonzero(covered[:-1])  # the last place ends every band: nothing is covered after it
    return places[live] >> KEY_BITS, places[live] & _COLUMN, places[live + 1] & _COLUMN, covered[live]


def _or_by_key(keys: np.ndarray, bits: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each distinct key once, in order, with the OR of its bits."""
    order = np.argsort(keys, kind="stable")
    keys = keys[order]
    starts = np.flatnonzero(np.r_[True, keys[1:] != keys[:-1]])
    return keys[starts], np.bitwise_or.reduceat(bits[order], starts)


def _sum_by_key(keys: np.ndarray, values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each distinct key once, in order, with the sum of its values (uint64, wrapping)."""
    order = np.argsort(keys, kind="stable")
    keys = keys[order]
    starts = np.flatnonzero(np.r_[True, keys[1:] != keys[:-1]])
    return keys[starts], np.add.reduceat(values[order], starts, dtype=np.uint64)


def _joined_segments(
    rows: np.ndarray, starts: np.ndarray, ends: np.ndarray, refs: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """One level up: the segments of the parents of these (rows, first and end columns, nodes), each parent
    with its four children (nw, ne, sw, se; 0 for a dead one). A parent segment starts wherever a child
    segment's edge falls (both parents round an edge that splits a pair), so its children are equal along it."""
    parent = rows >> 1
    edges = (starts >> 1, (starts + 1) >> 1, ends >> 1, (ends + 1) >> 1)
    places = np.unique(np.concatenate([parent << KEY_BITS | edge for edge in edges]))
    firsts = places & _COLUMN
    found = np.flatnonzero(places[1:] >> KEY_BITS == places[:-1] >> KEY_BITS)  # the last of a row ends it
    places, firsts, lasts = places[found], firsts[found], firsts[found + 1]
    keys = rows << KEY_BITS | starts
    children = np.zeros((len(places), 4), dtype=np.uint32)
    for quadrant, (down, across) in enumerate(((0, 0), (0, 1), (1, 0), (1, 1))):
        row, column = ((places >> KEY_BITS) << 1) + down, (firsts << 1) + across
        index = np.searchsorted(keys, row << KEY_BITS | column, side="right") - 1
        inside = (index >= 0) & (rows[index] == row) & (column < ends[index])
        children[:, quadrant] = np.where(inside, refs[index], 0)
    live = children.any(axis=1)
    return places[live] >> KEY_BITS, firsts[live], lasts[live], children[live]


class HashlifeUnavailable(LifeError):
    """The board is of a shape the engine cannot hold."""


def max_nodes() -> int:
    """Nodes kept before unreachable ones are collected: a quarter of the machine's memory."""
    return max(1 << 16, min(physical_memory() // 4 // NODE_BYTES, (1 << 31) - 1))


class HashlifeEngine(Engine):
    name = "hashlife"
    #: What a node costs (max_nodes) and the smallest square the C holds: a subclass's C may differ.
    node_bytes = NODE_BYTES
    smallest_side = SMALLEST_SIDE

    def __init__(self, rule: Rule, options: EngineOptions = DEFAULT_OPTIONS):
        super().__init__(rule, options)
        self._max_nodes = max_nodes() * NODE_BYTES // self.node_bytes  # the same memory, whatever a node costs
        self._ffi, self._lib, universe = self._new_universe(rule)
        if universe == self._ffi.NULL:
            raise LifeError("hashlife engine: out of memory")
        self._universe = self._ffi.gc(universe, self._lib.lifetui_hashlife_free)
        self._shape = (0, 0)
        self._side = 0
        # A step's recursion gives up once this pipe has something to read: a byte from wake() (a key in the
        # TUI), or from Python's signal handler (Ctrl-C, through signal.set_wakeup_fd) while the call runs.
        self._stop_read, self._stop_write = os.pipe()
        for descriptor in (self._stop_read, self._stop_write):
            os.set_blocking(descriptor, False)
        weakref.finalize(self, _close_all, self._stop_read, self._stop_write)
        self._lib.lifetui_hashlife_watch(self._universe, self._stop_read)

    def _new_universe(self, rule: Rule):
        """The C library's ffi and functions, and a new universe of it for the rule (NULL without memory)."""
        ffi, lib = build.load(build.c_source("hashlife.c", "lifetui.engines"), DECLARATIONS)
        return ffi, lib, lib.lifetui_hashlife_new(ffi.new("uint8_t[512]", bytes(rule.truth_table())), self._max_nodes)

    def load(self, cells: np.ndarray) -> None:
        height, width = cells.shape
        problem = power_of_two_sides(height, width)
        if problem:
            raise HashlifeUnavailable(f"hashlife engine: {problem}")
        smallest = self.smallest_side
        side = max(height, width, smallest)
        # Sides under the smallest are tiled up to it here (a small copy); the C tiles the rest to a square.
        tiles = (max(1, smallest // height), max(1, smallest // width))
        tiled = np.ascontiguousarray(np.tile(cells, tiles) if tiles != (1, 1) else cells, dtype=np.uint8)
        status = self._lib.lifetui_hashlife_load(
            self._universe, self._ffi.from_buffer("uint8_t[]", tiled), tiled.shape[0], tiled.shape[1]
        )
        if status != 0:
            raise LifeError(f"hashlife engine: the board needs more than {self._max_nodes:,} nodes to load")
        self._shape, self._side = (height, width), side

    def wake(self) -> None:
        """From any thread: a step under way gives up soon (Interrupted, the board at its last whole jump)."""
        with contextlib.suppress(BlockingIOError):
            os.write(self._stop_write, b"!")

    def step(self, generations: int = 1) -> None:
        """Advance in jumps of 2^k generations, the largest first, each one call into the C. A jump the nodes
        or the plane cannot hold stops the step at the last whole jump (Outgrown says how far it got); so does
        wake() or Ctrl-C (Interrupted, KeyboardInterrupt), within milliseconds even inside a long jump."""
        self._drain()
        done = 0
        with self._signals_wake():
            while done < generations:
                if self.interrupted():  # after the drain: a later wake() is seen by the C
                    raise Interrupted(done)
                jump = 1 << min((generations - done).bit_length() - 1, 60)
                status = self._lib.lifetui_hashlife_step(self._universe, jump)
                if status == -3:
                    self._drain()
                    raise Interrupted(done)
                if status == -2:
                    raise Outgrown("hashlife engine: the pattern would span more than the plane's 2^60 cells a side",
                                   done, generations)  # fmt: skip
                if status != 0:
                    raise Outgrown(f"hashlife engine: more than {self._max_nodes:,} nodes even after collecting "
                                   "garbage (a quarter of this machine's memory)", done, generations)  # fmt: skip
                done += jump

    def _drain(self) -> None:
        with contextlib.suppress(BlockingIOError):
            while os.read(self._stop_read, 4096):
                pass

    @contextlib.contextmanager
    def _signals_wake(self):
        """In the main thread, a signal's byte goes to the stop pipe while the C runs (set_wakeup_fd)."""
        if threading.current_thread() is not threading.main_thread():
            yield
            return
        try:
            previous = signal.set_wakeup_fd(self._stop_write, warn_on_full_buffer=False)
        except ValueError:  # not settable here
            yield
            return
        try:
            yield
        finally:
            signal.set_wakeup_fd(previous)

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
        return root_population(self._ffi, self._lib, self._universe) // copies

    def describe(self) -> tuple[str, str]:
        return "Method", "HashLife: a hashed quadtree whose squares remember their future"

    def nodes(self) -> int:
        """Quadtree nodes in use."""
        return int(self._lib.lifetui_hashlife_nodes(self._universe))


class HashlifeUniverse(Universe):
    """The unbounded plane as hashlife's quadtree: the root grows dead borders as the pattern grows."""

    topology = PLANE
    engine: HashlifeEngine
    engine_class: type[HashlifeEngine] = HashlifeEngine

    def __init__(self, rule: Rule, options: EngineOptions = DEFAULT_OPTIONS):
        refuse_b0_on_free_axes(rule, PLANE)
        self.engine = self.engine_class(rule, options)
        self._ffi, self._lib, self._universe = self.engine._ffi, self.engine._lib, self.engine._universe

    def load(self, cells: np.ndarray, top: int = 0, left: int = 0) -> None:
        height, width = cells.shape
        side = max(self.engine.smallest_side, 1 << (max(height, width, 1) - 1).bit_length())
        square = np.zeros((side, side), dtype=np.uint8)
        square[:height, :width] = cells
        if self._lib.lifetui_hashlife_load(self._universe, self._ffi.from_buffer("uint8_t[]", square), side, side) != 0:
            raise LifeError("hashlife engine: out of memory loading the pattern")
        self._lib.lifetui_hashlife_plane(self._universe, top, left)

    def load_pattern(self, pattern: Pattern) -> None:
        """Built from the pattern's runs, never cell by cell: a pattern of a few cells spread over 210,515 x
        183,739 (Golly's switch-engine-ping-pong) costs a few nodes, and a run of 2^30 cells a few dozen.

        Each level is a list of segments, (row, first column, end column, node): a row of equal nodes is one
        segment. The leaves come from the runs' ends (the partial 8 x 8 squares each run starts and ends in)
        and from the whole squares between them (a run longer than a leaf covers each of those squares with
        one full row: their content only changes where some run of their band starts or ends). A level's
        segments are joined in pairs of rows and columns into the next, whose segments break only where a
        child's do."""
        top, left = pattern.plane_origin()
        if pattern.quadtree is not None:
            self._plant_quadtree(pattern.quadtree, top, left)
            return
        if not len(pattern.runs) or not pattern.population:
            self.load(np.zeros((16, 16), dtype=np.uint8), top, left)
            return
        level = max(4, (max(pattern.width, pattern.height, 16) - 1).bit_length())
        try:
            root = self._root_of_runs(pattern.runs, level)
        except MemoryError:
            raise LifeError(
                f"hashlife engine: not enough memory to build the quadtree of the pattern's {len(pattern.runs):,} runs"
            ) from None
        self._plant(root, top, left)

    def _root_of_runs(self, runs: np.ndarray, level: int) -> int:
        """The node of side 2^level holding `runs` at its top-left corner."""
        rows, starts, ends, bits = _leaf_segments(runs)
        distinct, which = np.unique(bits, return_inverse=True)
        made = np.zeros(len(distinct), dtype=np.uint32)
        lib, ffi, universe = self._lib, self._ffi, self._universe
        if lib.lifetui_hashlife_leaves(universe, ffi.from_buffer("uint64_t[]", distinct), len(distinct),
                                       ffi.from_buffer("uint32_t[]", made)) != 0:  # fmt: skip
            raise LifeError("hashlife engine: out of memory loading the pattern")
        refs = made[which.ravel()]
        for child_level in range(3, level):
            rows, starts, ends, children = _joined_segments(rows, starts, ends, refs)
            distinct, which = np.unique(children, axis=0, return_inverse=True)
            distinct = np.ascontiguousarray(distinct, dtype=np.uint32)
            made = np.zeros(len(distinct), dtype=np.uint32)
            if lib.lifetui_hashlife_joins(universe, ffi.from_buffer("uint32_t[]", distinct), len(distinct),
                                          child_level, ffi.from_buffer("uint32_t[]", made)) != 0:  # fmt: skip
                raise LifeError("hashlife engine: out of memory loading the pattern")
            refs = made[which.ravel()]
        return int(refs[(rows == 0) & (starts == 0)][0])

    #: How the C takes a leaf's cells: 64 bits (two-state); a multi-state universe's C takes 64 bytes.
    leaf_type = "uint64_t[]"

    def _tree_leaves(self, tree) -> tuple[np.ndarray, np.ndarray]:
        """A macrocell file's 8 x 8 squares: their node numbers, and their cells as the C takes them."""
        return tree.leaves()

    def _plant_quadtree(self, tree, top: int, left: int) -> None:
        """A macrocell file's nodes, level by level (leaves first), its box's top-left cell at (top, left)."""
        lib, ffi, universe = self._lib, self._ffi, self._universe
        refs = np.zeros(len(tree.nodes), dtype=np.uint32)  # by node number; 0 (dead) for node 0
        numbers, leaves = self._tree_leaves(tree)
        made = np.zeros(len(numbers), dtype=np.uint32)
        if len(numbers) and lib.lifetui_hashlife_leaves(universe, ffi.from_buffer(self.leaf_type, leaves), len(numbers),
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
        # The root may be an 8 x 8 square itself: the C puts it in a leaf, and a step grows that first.
        self._plant(int(refs[len(tree.nodes) - 1]), top - tree.top, left - tree.left)

    def _plant(self, root: int, top: int, left: int) -> None:
        if self._lib.lifetui_hashlife_plant(self._universe, root, top, left) != 0:
            raise LifeError("hashlife engine: out of memory loading the pattern")

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
        return root_population(self._ffi, self._lib, self._universe)

    def native_text(self, rule: Rule, generation: int) -> str | None:
        """The plane as a macrocell file, straight from the quadtree: any size, in as many lines as it has
        distinct live squares, and where the live cells' box starts (`#CXRLE Pos`, as in RLE)."""
        from lifetui.patterns.macrocell import macrocell_of_nodes

        capacity = self._lib.lifetui_hashlife_dump(self._universe, 0, self._ffi.NULL, self._ffi.NULL)
        if capacity < 0:
            raise LifeError("hashlife engine: out of memory writing the pattern")
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
