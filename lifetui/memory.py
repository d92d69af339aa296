"""How much memory lifetui may use, and whether a board of so many bytes a cell fits in it."""

from __future__ import annotations

import os
import resource

#: Bytes per cell any simulation needs at the least: the board, the copy it restarts from, and a packed
#: engine. This sets the largest torus lifetui accepts; each engine's own figure is in its registry entry.
BOARD_BYTES_PER_CELL = 3


def physical_memory() -> int:
    """The memory lifetui may use: the machine's, or less under an address-space limit (`ulimit -v`)."""
    physical = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    limit, _ = resource.getrlimit(resource.RLIMIT_AS)
    return physical if limit == resource.RLIM_INFINITY else min(physical, limit)


def memory_shortfall(width: int, height: int, bytes_per_cell: float, purpose: str = "") -> str | None:
    """Why a board of `bytes_per_cell` cannot fit in this machine's memory, or None when it can."""
    needed, available = width * height * bytes_per_cell, physical_memory()
    if needed <= available:
        return None
    return (
        f"a {width}x{height} board needs about {needed / 1e9:.1f} GB{purpose}; "
        f"this machine has {available / 1e9:.1f} GB"
    )
