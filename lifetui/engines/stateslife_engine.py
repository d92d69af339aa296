"""The hashlife engine for multi-state rules (Generations, LifeHistory, their hexagonal and von Neumann forms):
`lifetui/engines/c/stateslife.c`, HashLife with a byte a cell, on tori whose sides are powers of two and on the
unbounded plane.

The C takes the rule as numpy_engine.state_tables gives it (on states, the two-state table, the transitions
and History's boundary state), and offers hashlife.c's functions under the same names with "stateslife" for
"hashlife": hashlife_engine's classes drive it as they are, through `_Renamed`. What differs is said here:
the library and its tables, a larger node, a 32-cell smallest square, and a pattern placed from its cells.
"""

from __future__ import annotations

import numpy as np

from lifetui.compiler import build
from lifetui.engines.hashlife_engine import HashlifeEngine, HashlifeUniverse
from lifetui.engines.numpy_engine import state_tables
from lifetui.errors import LifeError
from lifetui.patterns import Pattern
from lifetui.rules import Rule

DECLARATIONS = """
typedef struct universe universe;
universe *lifetui_stateslife_new(const uint8_t *on, const uint8_t *table, const uint8_t *transitions, int states,
                                 int boundary, long max_nodes);
void lifetui_stateslife_free(universe *u);
void lifetui_stateslife_watch(universe *u, int fd);
int lifetui_stateslife_load(universe *u, const uint8_t *cells, long height, long width);
int lifetui_stateslife_step(universe *u, long long generations);
void lifetui_stateslife_region(const universe *u, long top, long left, long height, long width, long row,
                               long column, long block, uint8_t *out, long across);
unsigned long long lifetui_stateslife_population(const universe *u);
int lifetui_stateslife_population_exact(const universe *u, unsigned long long out[2]);
long lifetui_stateslife_nodes(const universe *u);
void lifetui_stateslife_plane(universe *u, long long top, long long left);
void lifetui_stateslife_root(const universe *u, long long *top, long long *left, int *level);
int lifetui_stateslife_bounds(universe *u, long long box[4]);
int lifetui_stateslife_leaves(universe *u, const uint8_t *cells, long count, uint32_t *refs);
int lifetui_stateslife_joins(universe *u, const uint32_t *children, long count, int level, uint32_t *refs);
int lifetui_stateslife_plant(universe *u, uint32_t root, long long top, long long left);
int lifetui_stateslife_set(universe *u, const long long *places, long count, int value);
long lifetui_stateslife_dump(const universe *u, long long top, long long left, int level, long capacity,
                             uint32_t *children, uint8_t *levels);
"""
#: Bytes a node takes (stateslife.c's node: a leaf's 64 bytes, or four children, a result and a population;
#: then the next in its bucket, a level and a mark: 72), and its share of the hash table.
NODE_BYTES = 88
#: The smallest square the C holds as a torus (a level 5 node, 32 x 32): twice it is the 64 x 64 base square.
SMALLEST_SIDE = 32
#: A leaf's side: 8 x 8 cells.
LEAF_SIDE = 8
LEAF_LEVEL = 3
#: The least level a planted root has: the base square's.
BASE_LEVEL = 6


class _Renamed:
    """stateslife.c's functions under hashlife.c's names: `lifetui_hashlife_step` is `lifetui_stateslife_step`."""

    def __init__(self, lib):
        self._lib = lib

    def __getattr__(self, name: str):
        function = getattr(self._lib, name.replace("lifetui_hashlife_", "lifetui_stateslife_", 1))
        setattr(self, name, function)  # looked up once: the next call finds it on the instance
        return function


class StatesHashlifeEngine(HashlifeEngine):
    """HashLife for a multi-state rule on a torus whose sides are powers of two."""

    node_bytes = NODE_BYTES
    smallest_side = SMALLEST_SIDE

    def _new_universe(self, rule: Rule):
        ffi, lib = build.load(build.c_source("stateslife.c", "lifetui.engines"), DECLARATIONS)
        tables = state_tables(rule)
        on = ffi.new("uint8_t[]", bytes(tables.on))
        table = ffi.new("uint8_t[512]", bytes(rule.two_state.truth_table()))
        transitions = ffi.new("uint8_t[]", bytes(tables.transitions))
        boundary = -1 if tables.boundary is None else tables.boundary
        universe = lib.lifetui_stateslife_new(on, table, transitions, rule.states, boundary, self._max_nodes)
        return ffi, _Renamed(lib), universe

    def describe(self) -> tuple[str, str]:
        return "Method", f"HashLife with a byte a cell: a hashed quadtree of {self.rule.states}-state squares"


class StatesHashlifeUniverse(HashlifeUniverse):
    """The unbounded plane as a multi-state hashlife quadtree."""

    engine_class = StatesHashlifeEngine
    leaf_type = "uint8_t[]"

    def _tree_leaves(self, tree) -> tuple[np.ndarray, np.ndarray]:
        return tree.leaf_cells()

    def load_pattern(self, pattern: Pattern) -> None:
        """A macrocell file's quadtree planted node by node (its 8 x 8 squares made from Golly's 2 x 2 leaves),
        whatever its size. Else built from the pattern's live cells, never its box: a pattern of a few cells
        spread far apart costs a few nodes. The cells go into their 8 x 8 leaves, and each level's nodes are
        joined from the level below by their places, four children at a time."""
        top, left = pattern.plane_origin()
        if pattern.quadtree is not None:
            self._plant_quadtree(pattern.quadtree, top, left)
            return
        pattern.refuse_unlaid()
        size = max(pattern.width, pattern.height, 1 << BASE_LEVEL)
        level = max(BASE_LEVEL, (size - 1).bit_length())
        try:
            root = self._root_of_states(pattern.runs, pattern.run_states, level)
        except MemoryError:
            raise LifeError(
                f"hashlife engine: not enough memory to build the quadtree of the pattern's {len(pattern.runs):,} runs"
            ) from None
        self._plant(root, top, left)

    def _root_of_states(self, runs: np.ndarray, states: np.ndarray | None, level: int) -> int:
        """The node of side 2^level holding `runs` (each in its state of `states`, else 1) at its top-left
        corner; 0 when nothing lives."""
        keys, contents = self._leaves_of_runs(runs, states)
        if not len(keys):
            return 0
        lib, ffi, universe = self._lib, self._ffi, self._universe
        refs = np.zeros(len(keys), dtype=np.uint32)
        if lib.lifetui_hashlife_leaves(universe, ffi.from_buffer("uint8_t[]", contents), len(keys),
                                       ffi.from_buffer("uint32_t[]", refs)) != 0:  # fmt: skip
            raise LifeError("hashlife engine: out of memory loading the pattern")
        rows, columns = keys >> 32, keys & 0xFFFFFFFF
        for child_level in range(LEAF_LEVEL, level):
            parents, which = np.unique((rows >> 1) << 32 | columns >> 1, return_inverse=True)
            children = np.zeros((len(parents), 4), dtype=np.uint32)
            children[which.ravel(), (rows & 1) * 2 + (columns & 1)] = refs
            refs = np.zeros(len(parents), dtype=np.uint32)
            if lib.lifetui_hashlife_joins(universe, ffi.from_buffer("uint32_t[]", children), len(parents), child_level,
                                          ffi.from_buffer("uint32_t[]", refs)) != 0:  # fmt: skip
                raise LifeError("hashlife engine: out of memory loading the pattern")
            rows, columns = parents >> 32, parents & 0xFFFFFFFF
        return int(refs[0])

    @staticmethod
    def _leaves_of_runs(runs: np.ndarray, states: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
        """The live 8 x 8 squares of `runs`: their places (row << 32 | column, in squares, sorted) and their
        64 cells each, row by row. Memory follows the live cells, never the box."""
        if not len(runs):
            return np.zeros(0, dtype=np.int64), np.zeros((0, LEAF_SIDE * LEAF_SIDE), dtype=np.uint8)
        lengths = runs[:, 2]
        run = np.repeat(np.arange(len(runs)), lengths)  # each live cell's run
        ys, xs = runs[run, 0], runs[run, 1] + np.arange(len(run)) - np.repeat(np.cumsum(lengths) - lengths, lengths)
        keys, which = np.unique((ys >> 3) << 32 | xs >> 3, return_inverse=True)
        contents = np.zeros((len(keys), LEAF_SIDE * LEAF_SIDE), dtype=np.uint8)
        contents[which.ravel(), (ys & 7) * LEAF_SIDE + (xs & 7)] = 1 if states is None else states[run]
        return keys, contents

    def native_text(self, rule: Rule, generation: int) -> str | None:
        """The plane as Golly's multi-state macrocell, straight from the quadtree: any size, the root the
        smallest square from the live cells' top-left corner that holds them, where that corner is on the plane
        (`#CXRLE Pos`), and the same text as write_macrocell makes of the same cells."""
        from lifetui.patterns.macrocell import macrocell_of_states

        box = self.extent()
        if box is None:
            return macrocell_of_states(np.zeros((0, 4), np.uint32), np.zeros(0, np.uint8), rule, generation)
        top, left, height, width = box
        root_top, root_left, _ = self._root()
        level = max(2, (max(height, width) - 1).bit_length())
        lib, ffi, universe = self._lib, self._ffi, self._universe
        place = (top - root_top, left - root_left, level)
        capacity = lib.lifetui_stateslife_dump(universe, *place, 0, ffi.NULL, ffi.NULL)
        if capacity < 0:
            raise LifeError("hashlife engine: out of memory writing the pattern")
        children, levels = np.zeros((capacity, 4), dtype=np.uint32), np.zeros(capacity, dtype=np.uint8)
        count = lib.lifetui_stateslife_dump(universe, *place, capacity, ffi.from_buffer("uint32_t[]", children),
                                            ffi.from_buffer("uint8_t[]", levels))  # fmt: skip
        if count < 0:
            raise LifeError("hashlife engine: out of memory writing the pattern")
        return macrocell_of_states(children[:count], levels[:count], rule, generation, (left, top))
