"""Pattern formats lifetui recognises but cannot run, refused in one line that says why: MCell (`.mcl`,
multi-state rules such as WireWorld) and Golly's three-dimensional RLE (`.rle3`)."""

from __future__ import annotations

from lifetui.errors import PatternError
from lifetui.patterns.pattern import Pattern

MCELL_HEADER = "#MCell"
RLE3_HEADER = "3D version="


def read_mcell(text: str, source: str = "<mcl>") -> Pattern:
    raise PatternError(source, "an MCell file (.mcl): multi-state rules such as WireWorld are not supported yet; "
                               "of multi-state rules lifetui runs Generations and LifeHistory, from RLE")  # fmt: skip


def read_rle3(text: str, source: str = "<rle3>") -> Pattern:
    raise PatternError(source, "a three-dimensional pattern (Golly's .rle3): lifetui runs two-dimensional patterns")
