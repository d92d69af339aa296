"""The reference engine, the oracle for the others: any rule as a lookup of each cell's 3x3 neighbourhood.

Two paths, each simple enough to trust at a glance: `step_table` builds each cell's 9-bit neighbourhood
index and looks it up in the rule's 512-entry table (any rule); `step_cells` counts neighbours (totalistic
rules, about twice as fast). The tests hold each against the other.
"""

from __future__ import annotations

import numpy as np

from lifetui.engines.base import Engine, wrapped
from lifetui.rules import NEIGHBOURHOOD, POSITIONS, Rule

#: Offset added to a live cell's 3x3 sum so one table serves dead (0..8) and live (10..19) cells.
ALIVE_OFFSET = 10


def next_state_table(rule: Rule) -> np.ndarray:
    """`table[block_sum + ALIVE_OFFSET * alive]`, where block_sum counts the cell itself too."""
    lookup = rule.lookup()
    table = np.zeros(2 * ALIVE_OFFSET, dtype=np.uint8)
    table[:9] = lookup[0]
    table[ALIVE_OFFSET + 1 : ALIVE_OFFSET + 10] = lookup[1]
    return table


def step_cells(cells: np.ndarray, table: np.ndarray) -> np.ndarray:
    """One generation of a (height, width) uint8 board on the torus, with a `next_state_table`."""
    # Each row's horizontal three-sums, computed once and shared by the rows above and below,
    # with a copy of the last row above the first and of the first below the last for the wrap.
    rows = np.empty((cells.shape[0] + 2, cells.shape[1]), dtype=np.uint8)
    middle = rows[1:-1]
    np.copyto(middle, cells)
    middle[:, 1:] += cells[:, :-1]
    middle[:, 0] += cells[:, -1]
    middle[:, :-1] += cells[:, 1:]
    middle[:, -1] += cells[:, 0]
    rows[0] = rows[-2]
    rows[-1] = rows[1]
    block_sums = rows[:-2] + middle
    block_sums += rows[2:]
    block_sums += cells * np.uint8(ALIVE_OFFSET)
    return np.take(table, block_sums)


#: Rows of the board looked up at a time by `step_table`, so its 9-bit indices (and numpy's 8-byte copy
#: of them in the lookup) take a band's memory, not the board's.
TABLE_BAND_CELLS = 1 << 18


def step_table(cells: np.ndarray, table: np.ndarray) -> np.ndarray:
    """One generation of a (height, width) uint8 board on the torus under any rule's 512-entry table."""
    height, width = cells.shape
    padded = np.pad(cells, 1, mode="wrap")  # one wrapped row and column on every side
    result = np.empty_like(cells)
    band = max(1, TABLE_BAND_CELLS // width)
    for top in range(0, height, band):
        bottom = min(height, top + band)
        index = np.zeros((bottom - top, width), dtype=np.uint16)
        for bit, name in enumerate(NEIGHBOURHOOD):
            row, column = POSITIONS[name]  # the input at offset (row - 1, column - 1) from each cell
            index |= padded[top + row : bottom + row, column : column + width].astype(np.uint16) << bit
        result[top:bottom] = np.take(table, index)
    return result


class NumpyEngine(Engine):
    name = "numpy"

    def load(self, cells: np.ndarray) -> None:
        self._cells = np.array(cells, dtype=np.uint8)
        if self.rule.is_totalistic:
            self._step, self._table = step_cells, next_state_table(self.rule)
        else:
            self._step, self._table = step_table, self.rule.truth_table()

    def step(self, generations: int = 1) -> None:
        for _ in range(generations):
            self._cells = self._step(self._cells, self._table)

    def cells(self) -> np.ndarray:
        return self._cells.copy()

    def window(self, top: int, left: int, height: int, width: int) -> np.ndarray:
        rows, columns = self._cells.shape
        return self._cells[np.ix_(wrapped(top, height, rows), wrapped(left, width, columns))]

    def set_cells(self, places: np.ndarray, value: int) -> None:
        self._cells[places[:, 0], places[:, 1]] = value

    def population(self) -> int:
        return int(np.count_nonzero(self._cells))

    def describe(self) -> tuple[str, str]:
        if self.rule.is_totalistic:
            return "Method", "neighbour counts in numpy"
        return "Method", "512-entry table lookup in numpy"
