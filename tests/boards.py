"""Boards the tests share: one pattern on each topology a universe runs (the contract is the same on all)."""

from lifetui.patterns import load_pattern
from lifetui.rules import parse_rule
from lifetui.world.board import Board, board_for

#: The unbounded plane, a square torus, a bounded grid (Golly's :P) and a tube (:T0, rows round).
TOPOLOGIES = ["plane", "T64,64", "P40,40", "T0,40"]


def board_on(topology: str, name: str = "r-pentomino") -> Board:
    """The bundled pattern `name` on `topology` (one of TOPOLOGIES, or any Golly suffix without its colon)."""
    pattern = load_pattern(name)
    if topology == "plane":
        return board_for(pattern, plane=True)
    return board_for(pattern, rule=parse_rule(f"B3/S23:{topology}"))
