"""The reference engine, the oracle for the others: any rule as a lookup of each cell's 3x3 neighbourhood.

Two paths, each simple enough to trust at a glance: `step_table` builds each cell's 9-bit neighbourhood
index and looks it up in the rule's 512-entry table (any rule); `step_cells` counts neighbours (totalistic
rules, about twice as fast). The tests hold each against the other. A multi-state rule (Generations,
History) takes one of them over its on cells, then looks each cell's next state up from its state, whether
it turns on and whether a History boundary cell touches it (`rows_by_states`, `Rule.transitions`). Larger
than Life, which has no table, goes to its own module (`larger_than_life.step_range`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from lifetui.engines.base import ArrayBoard, Engine, Interrupted, wrapped
from lifetui.engines.larger_than_life import RangeTables, range_tables, step_range
from lifetui.rules import HISTORY, HISTORY_BOUNDARY, NEIGHBOURHOOD, POSITIONS, Rule

#: Offset added to a live cell's 3x3 sum so one table serves dead (0..8) and live (10..19) cells.
ALIVE_OFFSET = 10


def next_state_table(rule: Rule) -> np.ndarray:
    """`table[block_sum + ALIVE_OFFSET * alive]`, where block_sum counts the cell itself too."""
    lookup = rule.lookup()
    table = np.zeros(2 * ALIVE_OFFSET, dtype=np.uint8)
    table[:9] = lookup[0]
    table[ALIVE_OFFSET + 1 : ALIVE_OFFSET + 10] = lookup[1]
    return table


def rows_by_counts(slab: np.ndarray, table: np.ndarray) -> np.ndarray:
    """The next state of a band of rows, from `slab`: the band with the row above it and the row below
    (the columns wrap around), under a `next_state_table`."""
    # Each row's horizontal three-sums, computed once and shared by the rows above and below.
    sums = slab.copy()
    sums[:, 1:] += slab[:, :-1]
    sums[:, 0] += slab[:, -1]
    sums[:, :-1] += slab[:, 1:]
    sums[:, -1] += slab[:, 0]
    block_sums = sums[:-2] + sums[1:-1]
    block_sums += sums[2:]
    block_sums += slab[1:-1] * np.uint8(ALIVE_OFFSET)
    return np.take(table, block_sums)


def rows_by_table(slab: np.ndarray, table: np.ndarray) -> np.ndarray:
    """The next state of a band of rows, from `slab` as for `rows_by_counts`, under a 512-entry table."""
    height, width = slab.shape[0] - 2, slab.shape[1]
    padded = np.pad(slab, ((0, 0), (1, 1)), mode="wrap")  # one wrapped column either side
    index = np.zeros((height, width), dtype=np.uint16)
    for bit, name in enumerate(NEIGHBOURHOOD):
        row, column = POSITIONS[name]  # the input at offset (row - 1, column - 1) from each cell
        index |= padded[row : row + height, column : column + width].astype(np.uint16) << bit
    return np.take(table, index)


@dataclass(frozen=True)
class StateTables:
    """What `rows_by_states` steps a multi-state rule with."""

    on: np.ndarray  # on[state]: 1 for the states that count as on
    rows: Callable[[np.ndarray, np.ndarray], np.ndarray]  # the two-state step of the on cells, and its table
    table: np.ndarray
    transitions: np.ndarray  # Rule.transitions(), flat: [state * 4 + turns_on * 2 + near_boundary]
    boundary: int | None  # History's boundary state, whose neighbours turn off; None for other families


def state_tables(rule: Rule) -> StateTables:
    two_state = rule.two_state
    rows, table = (
        (rows_by_counts, next_state_table(two_state))
        if two_state.is_totalistic
        else (rows_by_table, two_state.truth_table())
    )
    boundary = HISTORY_BOUNDARY if rule.family == HISTORY else None
    return StateTables(rule.on_states(), rows, table, rule.transitions().ravel(), boundary)


def rows_by_states(slab: np.ndarray, tables: StateTables) -> np.ndarray:
    """The next states of a band of rows, from `slab` as for `rows_by_counts`, under a multi-state rule."""
    turns_on = tables.rows(np.take(tables.on, slab), tables.table)
    index = slab[1:-1].astype(np.intp) * 4 + turns_on.astype(np.intp) * 2
    if tables.boundary is not None:
        boundary = slab == tables.boundary
        across = boundary | np.roll(boundary, 1, axis=1) | np.roll(boundary, -1, axis=1)  # the columns wrap
        index += across[:-2] | across[1:-1] | across[2:]
    return np.take(tables.transitions, index)


#: Cells of the board stepped at a time (a band of rows), so that the temporaries (and numpy's 8-byte
#: copy of the 9-bit indices in a lookup) take a band's memory, not the board's, and a generation on a
#: huge board can be interrupted between bands.
BAND_CELLS = 1 << 18


def slab(cells: np.ndarray, top: int, bottom: int) -> np.ndarray:
    """Rows top - 1 to bottom of the torus (bottom included): a band and its neighbours above and below."""
    if top >= 1 and bottom < cells.shape[0]:
        return cells[top - 1 : bottom + 1]
    return cells[wrapped(top - 1, bottom - top + 2, cells.shape[0])]


def step_bands(
    cells: np.ndarray,
    table: Any,
    rows: Callable[[np.ndarray, Any], np.ndarray],
    interrupted: Callable[[], bool] = lambda: False,
) -> np.ndarray | None:
    """One generation of a (height, width) uint8 board on the torus, a band of rows at a time by `rows`;
    None if `interrupted()` turned true between two bands."""  # fmt: skip
    height, width = cells.shape
    result = np.empty_like(cells)
    band = max(1, BAND_CELLS // width)
    for top in range(0, height, band):
        if top and interrupted():
            return None
        bottom = min(height, top + band)
        result[top:bottom] = rows(slab(cells, top, bottom), table)
    return result


def step_cells(cells: np.ndarray, table: np.ndarray) -> np.ndarray:
    """One generation of a (height, width) uint8 board on the torus, with a `next_state_table`."""
    return step_bands(cells, table, rows_by_counts)


def step_table(cells: np.ndarray, table: np.ndarray) -> np.ndarray:
    """One generation of a (height, width) uint8 board on the torus under any rule's 512-entry table."""
    return step_bands(cells, table, rows_by_table)


class NumpyEngine(ArrayBoard, Engine):
    name = "numpy"

    def load(self, cells: np.ndarray) -> None:
        self._cells = np.array(cells, dtype=np.uint8)
        self._rows: Callable[[np.ndarray, Any], np.ndarray]
        self._table: np.ndarray | StateTables
        self._range: RangeTables | None = range_tables(self.rule) if self.rule.ltl is not None else None
        if self._range is not None:
            return
        if self.rule.multi_state:
            self._rows, self._table = rows_by_states, state_tables(self.rule)
        elif self.rule.is_totalistic:
            self._rows, self._table = rows_by_counts, next_state_table(self.rule)
        else:
            self._rows, self._table = rows_by_table, self.rule.truth_table()

    def step(self, generations: int = 1) -> None:
        for done in range(generations):
            if self._range is not None:
                cells = step_range(self._cells, self._range, self.interrupted, self.origin_parity)
            else:
                cells = step_bands(self._cells, self._table, self._rows, self.interrupted)
            if cells is None:
                raise Interrupted(done)
            self._cells = cells

    def describe(self) -> tuple[str, str]:
        if self.rule.ltl is not None:
            tables = range_tables(self.rule)
            weights = f"{len(tables.layers)} weights, " if self.rule.ltl.weighted else ""
            return "Method", (f"range {self.rule.range} sums from summed-area tables ({weights}{tables.rectangles} "
                              f"rectangles) in numpy")  # fmt: skip
        if self.rule.multi_state:
            counted = "neighbour counts" if self.rule.is_totalistic else "a 512-entry table"
            return "Method", f"{counted} of on cells, then a table of {self.rule.states} states, in numpy"
        if self.rule.is_totalistic:
            return "Method", "neighbour counts in numpy"
        return "Method", "512-entry table lookup in numpy"
