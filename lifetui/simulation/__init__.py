"""A running simulation (lifetui.simulation.simulation), the reference checker that follows it, what the board
does (analysis), how fast to drive it (pacing) and headless runs (runner): the core every front end drives."""

from lifetui.simulation.simulation import (
    Simulation,
    Snapshot,
    SwapMismatch,
    board_text,
    fastest_engine,
)

__all__ = ["Simulation", "Snapshot", "SwapMismatch", "board_text", "fastest_engine"]
