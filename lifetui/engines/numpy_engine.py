"""The reference engine: plain neighbour counting with numpy, obviously correct, the oracle for the others."""

from __future__ import annotations

import numpy as np

from lifetui.engines.base import Engine


def step_cells(cells: np.ndarray, next_state: np.ndarray) -> np.ndarray:
    """One generation on the torus; `next_state[alive, neighbours]` is the rule's table (Rule.lookup)."""
    # Sum each row's three horizontal neighbours once, then add the rows above and below: the 3x3 sum.
    row_sums = cells + np.roll(cells, 1, axis=1) + np.roll(cells, -1, axis=1)
    block_sums = row_sums + np.roll(row_sums, 1, axis=0) + np.roll(row_sums, -1, axis=0)
    block_sums -= cells
    return next_state[cells, block_sums]


class NumpyEngine(Engine):
    name = "numpy"

    def load(self, cells: np.ndarray) -> None:
        self._cells = np.array(cells, dtype=np.uint8)
        self._table = self.rule.lookup()

    def step(self, generations: int = 1) -> None:
        for _ in range(generations):
            self._cells = step_cells(self._cells, self._table)

    def cells(self) -> np.ndarray:
        return self._cells.copy()

    def population(self) -> int:
        return int(np.count_nonzero(self._cells))
