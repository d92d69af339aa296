"""Soak: a million generations of the c and bitsliced engines on a 512 x 512 soup, compared at every
checkpoint, and with the numpy reference over the first stretch. Not part of CI.

Usage: python benchmarks/soak.py [GENERATIONS] [CHECKPOINT]
"""

from __future__ import annotations

import sys
import time

import numpy as np

from lifetui.engines import create_engine
from lifetui.rules import CONWAY


def main(generations: int, checkpoint: int) -> int:
    cells = (np.random.default_rng(1).random((512, 512)) < 0.5).astype(np.uint8)
    engines = {name: create_engine(name, CONWAY) for name in ("c", "bitsliced", "numpy")}
    for engine in engines.values():
        engine.load(cells)
    started = time.perf_counter()
    done = 0
    while done < generations:
        step = min(checkpoint, generations - done)
        engines["c"].step(step)
        engines["bitsliced"].step(step)
        if done < 20 * checkpoint:  # numpy is slow: it follows the first twenty checkpoints
            engines["numpy"].step(step)
        done += step
        boards = {name: engine.cells() for name, engine in engines.items()}
        if not np.array_equal(boards["c"], boards["bitsliced"]):
            print(f"c and bitsliced DIFFER at generation {done:,}")
            return 1
        if done <= 20 * checkpoint and not np.array_equal(boards["c"], boards["numpy"]):
            print(f"c and numpy DIFFER at generation {done:,}")
            return 1
    population = int(boards["c"].sum())
    print(f"{generations:,} generations in {time.perf_counter() - started:.0f} s: c and bitsliced agree at every "
          f"one of {generations // checkpoint:,} checkpoints (numpy too for the first {min(done, 20 * checkpoint):,}); "
          f"final population {population:,}")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main(int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000,
                  int(sys.argv[2]) if len(sys.argv) > 2 else 1_000))  # fmt: skip
