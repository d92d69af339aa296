"""Where cells live: a topology is one rule per axis (free, wrap or bounded), as Golly's grids are.

The unbounded plane is two free axes, a torus two wrap axes, Golly's `:Pw,h` two bounded ones and its tubes
(`:T0,h`, `:Tw,0`) one wrap axis beside a free one. Its other surfaces (Klein bottle, cross-surface, sphere,
shifted torus) are two glued axes: each edge joined to another with a twist or a shift, as `glued_ring` says.
Coordinates are (row, column) everywhere inside lifetui.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from lifetui.rules import BoundedGrid

FREE, WRAP, BOUNDED, GLUED = "free", "wrap", "bounded", "glued"

#: A rectangle of cells: top row, left column, height, width (on a torus it may wrap round the edges).
Region = tuple[int, int, int, int]


@dataclass(frozen=True)
class Axis:
    """One axis: "free" (unbounded), "wrap" (periodic, `size` cells from `start`) or "bounded" (dead beyond
    `size` cells from `start`)."""

    kind: str = FREE
    size: int = 0
    start: int = 0
    #: Along a glued axis, what crossing one of its edges does to the other coordinate: reverses it (`twist`),
    #: then moves it `shift` cells on (crossing the far edge; back, crossing the near one).
    twist: bool = False
    shift: int = 0

    def fits(self, low: int, count: int) -> bool:
        """Whether `count` cells from `low` lie on the axis."""
        return self.kind == FREE or (self.start <= low and low + count <= self.start + self.size)


@dataclass(frozen=True)
class Topology:
    rows: Axis = Axis()
    columns: Axis = Axis()
    #: Golly's `:Sw`: two glued axes whose top edge is joined to the left one, the right edge to the bottom.
    sphere: bool = False

    @classmethod
    def plane(cls) -> Topology:
        return cls()

    @classmethod
    def torus(cls, height: int, width: int) -> Topology:
        """A torus whose top-left cell is (0, 0)."""
        return cls(Axis(WRAP, height), Axis(WRAP, width))

    @classmethod
    def grid(cls, grid: BoundedGrid) -> Topology:
        """One of Golly's bounded grids, centred on (0, 0) as Golly places it."""

        def axis(rows: bool) -> Axis:
            kind, size = grid.axis(rows)
            twist, shift = (
                (grid.horizontal_twist, grid.horizontal_shift) if rows else (grid.vertical_twist, grid.vertical_shift)
            )
            return Axis(kind, size, -(size // 2), twist, shift)

        return cls(axis(True), axis(False), grid.kind == "S")

    @property
    def axes(self) -> tuple[Axis, Axis]:
        return self.rows, self.columns

    @property
    def is_torus(self) -> bool:
        """Whether it is a torus of straight-joined edges (a shifted torus is glued)."""
        return self.rows.kind == WRAP and self.columns.kind == WRAP

    @property
    def is_glued(self) -> bool:
        return self.rows.kind == GLUED

    @property
    def is_plane(self) -> bool:
        return self.rows.kind == FREE and self.columns.kind == FREE

    @property
    def has_free_axis(self) -> bool:
        return FREE in (self.rows.kind, self.columns.kind)

    @property
    def shape(self) -> tuple[int, int]:
        """(height, width) of a torus or a bounded grid; 0 along a free axis."""
        return self.rows.size, self.columns.size

    def suffix(self) -> str:
        """The rule suffix Golly writes for it: `:TW,H`, `:PW,H`, `:T0,H`, `:KW*,H`, `:SW`, ...; "" for the plane."""
        if self.is_plane:
            return ""
        if self.is_glued:
            return self.glued_grid().suffix
        kind = "P" if BOUNDED in (self.rows.kind, self.columns.kind) else "T"
        return f":{kind}{self.columns.size},{self.rows.size}"

    def describe(self) -> str:
        """For people: "the unbounded plane", "a 512 x 512 torus", ..."""
        if self.is_plane:
            return "the unbounded plane"
        if self.is_torus:
            return f"a {self.columns.size} x {self.rows.size} torus"
        if self.is_glued:
            kind = self.glued_grid().kind
            name = {"K": "Klein bottle", "C": "cross-surface", "S": "sphere", "T": "shifted torus"}[kind]
            return f"a {name} ({self.suffix()})"
        if BOUNDED in (self.rows.kind, self.columns.kind):
            return f"a bounded plane ({self.suffix()})"
        return f"a tube ({self.suffix()})"

    def glued_grid(self) -> BoundedGrid:
        """The Golly grid of a glued topology (what its suffix names)."""
        rows, columns = self.axes
        kind = (
            "S" if self.sphere else "C" if rows.twist and columns.twist else "K" if rows.twist or columns.twist else "T"
        )
        return BoundedGrid(kind, columns.size, rows.size, rows.twist, columns.twist, rows.shift, columns.shift)

    def glued_ring(self) -> tuple[np.ndarray, np.ndarray]:
        """Where a glued grid's edges join: the ring of cells one beyond its edges (corners included), as (n, 2)
        rows and columns from its top-left cell (-1 to h), and the grid cell whose state each takes before a
        generation, as Golly copies them (Help/bounded.html).

        Crossing the top or bottom edge wraps the row round and, where the rows axis says, reverses the column
        (`w - 1 - c`) or moves it by the shift (on, going down; back, going up); then crossing the left or right
        edge does the same with the column and the row. A corner crosses both, so a cross-surface's corner
        cell is its own neighbour. On a sphere a cell above the top edge at column c is the left edge's cell
        in row c, one left of the left edge at row r is the top edge's in column r, and so for the right and
        bottom edges; each corner beyond takes the grid's corner cell beside it.
        """
        height, width = self.shape
        rows = np.concatenate(
            [np.full(width + 2, -1), np.full(width + 2, height), np.arange(height), np.arange(height)]
        )
        columns = np.concatenate([np.arange(-1, width + 1), np.arange(-1, width + 1), np.full(height, -1),
                                  np.full(height, width)])  # fmt: skip
        if self.sphere:
            across = (rows < 0) | (rows >= height)  # above the top or below the bottom: to the left or right edge
            inside_rows = np.where(across, columns, np.where(columns < 0, 0, height - 1))
            inside_columns = np.where(across, np.where(rows < 0, 0, width - 1), rows)
            corner = ((rows < 0) | (rows >= height)) & ((columns < 0) | (columns >= width))
            inside_rows = np.where(corner, np.clip(rows, 0, height - 1), inside_rows)
            inside_columns = np.where(corner, np.clip(columns, 0, width - 1), inside_columns)
            return np.stack([rows, columns], axis=1), np.stack([inside_rows, inside_columns], axis=1)
        row, column = rows.copy(), columns.copy()
        column = _cross(self.rows, row, column, width)
        row %= height
        row = _cross(self.columns, column, row, height)
        column %= width
        return np.stack([rows, columns], axis=1), np.stack([row % height, column], axis=1)


PLANE = Topology.plane()


def _cross(axis: Axis, along: np.ndarray, other: np.ndarray, other_size: int) -> np.ndarray:
    """`other` (the other coordinate) after the cells at `along` cross this axis's edges, as its glue says."""
    crossing = (along < 0) | (along >= axis.size)
    if axis.twist:
        return np.where(crossing, other_size - 1 - other + axis.shift, other)
    return np.where(crossing, other + np.sign(along) * axis.shift, other)
