"""The ltl engine: Larger than Life in C, its range sums running sums (see `c/ltl.c`), a byte a cell."""

from __future__ import annotations

import numpy as np

from lifetui.compiler import build
from lifetui.engines.base import DEFAULT_OPTIONS, ArrayBoard, Engine, EngineOptions, Interrupted
from lifetui.engines.c_engines import usable_cpus
from lifetui.engines.larger_than_life import range_tables, row_runs
from lifetui.errors import LifeError
from lifetui.rules import LTL_NEIGHBOURHOODS, Rule

DECLARATIONS = """
int ltl_step(int shape, const uint8_t *cells, uint8_t *out, long height, long width, long reach, const int32_t *runs,
             long run_count, const int32_t *flipped_runs, long flipped_count, int parity, const int32_t *values,
             int middle, const uint8_t *birth, const uint8_t *survival, int states, int threads);
"""
#: ltl_step's shape argument: the Moore square, the von Neumann diamond, any shape as runs of its rows, or the
#: Gaussian's weights as a tent each way.
MOORE, DIAMOND, RUNS, TENT = 0, 1, 2, 3
#: A shape of more runs a row than this costs a cell nearly its cells (the checkerboards): numpy's
#: rectangles are no better there, and the engine leaves it to numpy rather than be slow.
MOST_RUNS_A_ROW = 3


def shape_refusal(rule: Rule) -> str | None:
    """Why the ltl engine does not run this Larger than Life rule's shape, or None."""
    assert rule.ltl is not None
    shape = LTL_NEIGHBOURHOODS[rule.ltl.shape]
    if rule.ltl.shape == "G":
        return None
    runs = max(len(weighted_runs(rule.ltl.weights(flipped))) for flipped in (False, True))
    rows = 2 * rule.range + 1
    if runs <= MOST_RUNS_A_ROW * rows:
        return None
    return (f"the {shape} neighbourhood of range {rule.range} is {runs} runs over its {rows} rows, a cost a cell "
            f"near its cells; numpy runs it")  # fmt: skip


def weighted_runs(weights: np.ndarray) -> list[tuple[int, int, int, int]]:
    """(row offset, first column offset, last column offset, weight) of each run of one nonzero weight in each row
    of a shape's weights (a plain shape's are its mask: weight 1, the middle 0)."""
    return [(*run, int(weight)) for weight in np.unique(weights[weights != 0])
            for run in row_runs((weights == weight).astype(np.uint8))]  # fmt: skip


class LtlEngine(ArrayBoard, Engine):
    name = "ltl"

    def __init__(self, rule: Rule, options: EngineOptions = DEFAULT_OPTIONS):
        super().__init__(rule, options)
        self._ffi, self._lib = build.load(build.c_source("ltl.c", "lifetui.engines"), DECLARATIONS)
        tables = range_tables(rule)
        letter = rule.ltl.shape if rule.ltl is not None else ""
        self._shape = {"M": MOORE, "N": DIAMOND, "G": TENT}.get(letter, RUNS)
        self._runs, self._flipped = (
            np.array(weighted_runs(rule.ltl.weights(flipped)) if rule.ltl else [], dtype=np.int32).reshape(-1, 4)
            for flipped in (False, True)
        )
        if rule.ltl is None or not rule.ltl.triangular:
            self._flipped = self._flipped[:0]
        self._birth = tables.birth.astype(np.uint8)
        self._survival = tables.survival.astype(np.uint8)
        self._middle, self._states, self._values = tables.middle, tables.states, tables.values
        self._cells = np.zeros((0, 0), dtype=np.uint8)

    def load(self, cells: np.ndarray) -> None:
        self._cells = np.array(cells, dtype=np.uint8, order="C")
        self._next = np.empty_like(self._cells)

    def step(self, generations: int = 1) -> None:
        height, width = self._cells.shape
        pointer = self._ffi.from_buffer
        threads = min(self.options.threads, usable_cpus())
        for done in range(generations):
            if done and self.interrupted():
                raise Interrupted(done)
            cells, out = pointer("uint8_t[]", self._cells), pointer("uint8_t[]", self._next, require_writable=True)
            birth, survival = pointer("uint8_t[]", self._birth), pointer("uint8_t[]", self._survival)
            status = self._lib.ltl_step(self._shape, cells, out, height, width, self.rule.range,
                                        pointer("int32_t[]", self._runs), len(self._runs),
                                        pointer("int32_t[]", self._flipped), len(self._flipped), self.origin_parity,
                                        pointer("int32_t[]", self._values), self._middle, birth, survival,
                                        self._states, threads)  # fmt: skip
            if status:
                raise LifeError(f"the ltl engine ran out of memory on a {width} x {height} board ({threads} threads)")
            self._cells, self._next = self._next, self._cells

    def describe(self) -> tuple[str, str]:
        if self._shape == MOORE:
            return "Method", f"range {self.rule.range} square sums, running down columns then along rows, in C"
        if self._shape == TENT:
            return "Method", f"range {self.rule.range} Gaussian sums, a tent each way from running box sums, in C"
        if self._shape == DIAMOND:
            return "Method", f"range {self.rule.range} diamond sums from diagonal prefix sums, edges in and out, in C"
        return "Method", f"range {self.rule.range} sums from row prefix sums, {len(self._runs)} runs a cell, in C"
