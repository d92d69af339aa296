"""Where cells live: a topology is one rule per axis (free, wrap or bounded), as Golly's grids are.

The unbounded plane is two free axes, a torus two wrap axes, Golly's `:Pw,h` two bounded ones and its tubes
(`:T0,h`, `:Tw,0`) one wrap axis beside a free one. Coordinates are (row, column) everywhere inside lifetui.
"""

from __future__ import annotations

from dataclasses import dataclass

from lifetui.rules import BoundedGrid

FREE, WRAP, BOUNDED = "free", "wrap", "bounded"

#: A rectangle of cells: top row, left column, height, width (on a torus it may wrap round the edges).
Region = tuple[int, int, int, int]


@dataclass(frozen=True)
class Axis:
    """One axis: "free" (unbounded), "wrap" (periodic, `size` cells from `start`) or "bounded" (dead beyond
    `size` cells from `start`)."""

    kind: str = FREE
    size: int = 0
    start: int = 0

    def fits(self, low: int, count: int) -> bool:
        """Whether `count` cells from `low` lie on the axis."""
        return self.kind == FREE or (self.start <= low and low + count <= self.start + self.size)


@dataclass(frozen=True)
class Topology:
    rows: Axis = Axis()
    columns: Axis = Axis()

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
            return Axis(kind, size, -(size // 2))

        return cls(axis(True), axis(False))

    @property
    def axes(self) -> tuple[Axis, Axis]:
        return self.rows, self.columns

    @property
    def is_torus(self) -> bool:
        return self.rows.kind == WRAP and self.columns.kind == WRAP

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
        """The rule suffix Golly writes for it: `:TW,H`, `:PW,H`, `:T0,H`; "" for the plane."""
        if self.is_plane:
            return ""
        kind = "P" if BOUNDED in (self.rows.kind, self.columns.kind) else "T"
        return f":{kind}{self.columns.size},{self.rows.size}"

    def describe(self) -> str:
        """For people: "the unbounded plane", "a 512 x 512 torus", ..."""
        if self.is_plane:
            return "the unbounded plane"
        if self.is_torus:
            return f"a {self.columns.size} x {self.rows.size} torus"
        if BOUNDED in (self.rows.kind, self.columns.kind):
            return f"a bounded plane ({self.suffix()})"
        return f"a tube ({self.suffix()})"


PLANE = Topology.plane()
