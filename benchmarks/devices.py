"""The jax engine with its board's rows split over simulated CPU devices, against numpy.

    python benchmarks/devices.py [SIDE] [GENERATIONS]        default 512 and 2000

Makes JAX see four CPU devices (XLA_FLAGS=--xla_force_host_platform_device_count=4, set before JAX
starts), then runs a random soup (35 % alive) of SIDE x SIDE on the jax engine with --devices 1, 2 and
4, checks each final board against numpy's, and prints generations per second. On a machine with fewer
cores than devices the simulated devices share them, so this measures the exchange's cost, not a speed-up.
"""

from __future__ import annotations

import os
import sys
import time

os.environ["XLA_FLAGS"] = os.environ.get("XLA_FLAGS", "") + " --xla_force_host_platform_device_count=4"

import numpy as np  # noqa: E402

from lifetui.engines import EngineOptions, create_engine  # noqa: E402
from lifetui.engines.numpy_engine import NumpyEngine  # noqa: E402
from lifetui.rules import CONWAY  # noqa: E402


def main(arguments: list[str]) -> None:
    side = int(arguments[0]) if arguments else 512
    generations = int(arguments[1]) if len(arguments) > 1 else 2000
    cells = (np.random.default_rng(1).random((side, side)) < 0.35).astype(np.uint8)
    reference = NumpyEngine(CONWAY)
    reference.load(cells)
    reference.step(generations + 1)
    print(f"B3/S23, {side} x {side} random soup, {generations:,} generations after one to compile")
    for devices in (1, 2, 4):
        engine = create_engine("jax", CONWAY, EngineOptions(devices=devices))
        engine.load(cells)
        engine.step(1)
        began = time.perf_counter()
        engine.step(generations)
        rate = generations / (time.perf_counter() - began)
        agrees = "agrees" if np.array_equal(engine.cells(), reference.cells()) else "DIFFERS from"
        print(f"  {devices} device(s): {rate:10,.0f} generations/s ({agrees} numpy)")


if __name__ == "__main__":
    main(sys.argv[1:])
