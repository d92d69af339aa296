"""How long a zoomed-out view of a whole board takes to read: Engine.blocks on the c engine.

    python benchmarks/blocks.py [SIDE] [BLOCK ...]      e.g.  python benchmarks/blocks.py 65536 256 512

The board (SIDE x SIDE, a sparse scatter of live cells) is handed to the engine packed, as another engine
would hand it over on a swap, so even 65536 x 65536 needs only its 512 MB of words. Prints milliseconds per
read (the best of five) for each block size.
"""

from __future__ import annotations

import sys
import time
from functools import partial

import numpy as np

from lifetui.engines import create_engine
from lifetui.rules import CONWAY


class Packed:
    """Just enough of an engine to hand a packed board over."""

    def __init__(self, side: int):
        self.rows = np.zeros((side, side // 8), dtype=np.uint8)
        self.rows[::97, ::13] = 0x81
        self.side = side

    def packed(self) -> tuple[np.ndarray, int]:
        return self.rows, self.side


def main(side: int, blocks: list[int]) -> None:
    engine = create_engine("c", CONWAY)
    engine.take_over(Packed(side))
    for block in blocks:
        best = min(_timed(partial(engine.blocks, 0, 0, side, side, block)) for _ in range(5))
        print(f"{side} x {side}, squares of {block}: {best * 1000:.1f} ms a read")


def _timed(read) -> float:
    began = time.perf_counter()
    read()
    return time.perf_counter() - began


if __name__ == "__main__":
    arguments = [int(word) for word in sys.argv[1:]]
    main(arguments[0] if arguments else 16384, arguments[1:] or [128])
