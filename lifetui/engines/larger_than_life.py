"""Larger than Life in numpy, the reference: each cell's count of on cells over its range, by summed-area tables.

A neighbourhood shape (`LargerThanLife.mask`) is cut into rectangles: the runs of each of its rows, consecutive
rows with the same runs merged (Moore is one rectangle, von Neumann one a row, the cross three). A band of rows
of the torus, with the range's rows above and below it and its columns wrapped the range each side, gets one
summed-area table, and each rectangle adds four of its entries a cell: the cost a cell is the shape's
rectangles, not its cells. The next state then follows Golly's ltl rules: an on cell (1) stays on on a count in
S (itself counted when M1), else starts to decay (2, or 0 with two states); states 2..C-1 advance, C-1 to 0;
a dead cell (0) is born on a count in B. Only state 1 counts. The triangular shape (NL) has a second set of
rectangles, upside down, for the cells that point down (their row and column, on the topology, add up to an odd
number): both counts are made and each cell takes its own (so do N@ and NW with Golly's `L` after them).

Weighted shapes (NW, NG) are cut by weight: the cells of each weight, the middle among them, are a shape of their
own, its count times the weight. What a cell adds is 1 for state 1 (others 0), or NW's weight of its state; a
count below 0 neither keeps nor gives birth, as in Golly.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from lifetui.engines.base import wrapped
from lifetui.rules import LargerThanLife, Rule

#: A rectangle of a shape: first and last row offset, first and last column offset (inclusive).
Rectangle = tuple[int, int, int, int]


def row_runs(mask: np.ndarray) -> list[tuple[int, int, int]]:
    """(row offset, first column offset, last column offset) of each run of 1s in each row of a shape's mask."""
    reach = mask.shape[0] // 2
    runs = []
    for row in range(mask.shape[0]):
        edges = np.flatnonzero(np.diff(np.concatenate([[0], mask[row], [0]])))
        runs += [(row - reach, int(first) - reach, int(last) - 1 - reach) for first, last in edges.reshape(-1, 2)]
    return runs


def rectangles(mask: np.ndarray) -> list[Rectangle]:
    """The shape as rectangles: each row's runs, consecutive rows with the same runs merged."""
    by_row: dict[int, list[tuple[int, int]]] = {}
    for row, first, last in row_runs(mask):
        by_row.setdefault(row, []).append((first, last))
    merged: list[Rectangle] = []
    open_runs: dict[tuple[int, int], int] = {}  # a run -> the first row of the rectangle it grows
    reach = mask.shape[0] // 2
    for row in range(-reach, reach + 2):
        runs = set(by_row.get(row, ()))
        for run in [run for run in open_runs if run not in runs]:
            merged.append((open_runs.pop(run), row - 1, *run))
        for run in runs - open_runs.keys():
            open_runs[run] = row
    return sorted(merged)


#: Cells of one weight in a shape: the weight, their rectangles, and those of the shape flipped (triangular
#: shapes, for cells that point down; else None).
Layer = tuple[int, list[Rectangle], list[Rectangle] | None]


@dataclass(frozen=True)
class RangeTables:
    """What `band_states` steps a Larger than Life rule with."""

    reach: int
    layers: list[Layer]  # one of weight 1 for a shape whose cells count once each (the middle not in it)
    middle: int  # what an on cell adds to its own count for survival beyond its layers: M (NW: 0)
    birth: np.ndarray  # birth[count], bool, for every count from 0 up to the most a cell can have
    survival: np.ndarray
    states: int
    values: np.ndarray  # values[state], int32: what a cell in that state counts as, times its weight

    @property
    def rectangles(self) -> int:
        """The rectangles a cell's count costs."""
        return sum(len(shape) for _, shape, _ in self.layers)


def range_tables(rule: Rule) -> RangeTables:
    ltl = rule.ltl
    assert isinstance(ltl, LargerThanLife)
    most = ltl.size + 1
    birth, survival = np.zeros(most + 1, dtype=bool), np.zeros(most + 1, dtype=bool)
    birth[sorted(ltl.birth)] = True
    survival[sorted(ltl.survival)] = True
    weights, upside_down = ltl.weights(), ltl.weights(flipped=True)
    layers = [
        (int(weight), rectangles(weights == weight), rectangles(upside_down == weight) if ltl.triangular else None)
        for weight in np.unique(weights[weights != 0])
    ]
    middle = 0 if ltl.shape == "W" else int(ltl.middle)
    return RangeTables(ltl.reach, layers, middle, birth, survival, rule.states, ltl.state_values(rule.states))


def band_counts(on: np.ndarray, tables: RangeTables, shape: list[Rectangle]) -> np.ndarray:
    """Each cell's sum of `on` over `shape` for the rows of `on`, a (rows + 2r, width) band of what each cell
    counts as (0 or 1, or a state's weight) with the range's rows above and below it; columns wrap. int32 (rows,
    width)."""
    reach = tables.reach
    rows, width = on.shape[0] - 2 * reach, on.shape[1]
    padded = on[:, wrapped(-reach, width + 2 * reach, width)].astype(np.int32)
    table = np.zeros((padded.shape[0] + 1, padded.shape[1] + 1), dtype=np.int32)  # int32 wraps: differences hold
    np.cumsum(padded, axis=0, out=table[1:, 1:])
    np.cumsum(table[1:, 1:], axis=1, out=table[1:, 1:])
    counts = np.zeros((rows, width), dtype=np.int32)
    for top, bottom, left, right in shape:
        y0, y1, x0, x1 = reach + top, reach + bottom + 1, reach + left, reach + right + 1
        counts += table[y1 : y1 + rows, x1 : x1 + width]
        counts -= table[y0 : y0 + rows, x1 : x1 + width]
        counts -= table[y1 : y1 + rows, x0 : x0 + width]
        counts += table[y0 : y0 + rows, x0 : x0 + width]
    return counts


def next_states(states: np.ndarray, counts: np.ndarray, tables: RangeTables) -> np.ndarray:
    """The next state of each cell from its state and its count (the middle not in it yet)."""
    on = states == 1
    ahead = np.where(states > 0, states.astype(np.int32) + 1, 0)
    ahead[ahead == tables.states] = 0  # the last decaying state dies; with two states an on cell that is not kept
    kept = counts + on * tables.middle
    ahead[on & (kept >= 0) & tables.survival[np.clip(kept, 0, None)]] = 1
    ahead[(states == 0) & (counts >= 0) & tables.birth[np.clip(counts, 0, None)]] = 1
    return ahead.astype(np.uint8)


#: Cells of the board stepped at a time, as numpy_engine.BAND_CELLS.
BAND_CELLS = 1 << 18


def step_range(
    cells: np.ndarray, tables: RangeTables, interrupted: Callable[[], bool] = lambda: False, parity: int = 0
) -> np.ndarray | None:
    """One generation of a (height, width) uint8 torus under a Larger than Life rule, a band of rows at a time
    (at least the range's width, so that the rows read twice stay few); None if interrupted between bands.
    `parity`: the board's cell (0, 0) points down (1) or up (0) under the triangular shape."""
    height, width = cells.shape
    reach = tables.reach
    band = max(2 * reach, BAND_CELLS // width, 1)
    result = np.empty_like(cells)
    for top in range(0, height, band):
        if top and interrupted():
            return None
        bottom = min(height, top + band)
        rows = cells[wrapped(top - reach, bottom - top + 2 * reach, height)]
        on = tables.values[rows]
        counts = np.zeros((bottom - top, width), dtype=np.int32)
        for weight, shape, flipped in tables.layers:
            layer = band_counts(on, tables, shape)
            if flipped is not None:
                down = (np.add.outer(np.arange(top, bottom), np.arange(width)) + parity) % 2 == 1
                layer = np.where(down, band_counts(on, tables, flipped), layer)
            counts += layer if weight == 1 else weight * layer
        result[top:bottom] = next_states(cells[top:bottom], counts, tables)
    return result
