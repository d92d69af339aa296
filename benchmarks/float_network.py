"""The gate network run as floats, the way it trains, against the jax engine's packed bits: the docs'
"about 4 generations/s" and the reason the jax engine packs 32 cells a word.

    python benchmarks/float_network.py [SIDE] [SECONDS]      default 512 and 10

Both run the shipped B3/S23 kernel's hardened network on the same SIDE x SIDE random soup, in this one
process, jitted, many generations per call: `float32` evaluates every gate as c0 + c1*a + c2*b + c3*a*b
on the nine neighbour planes (training's `forward`, with each gate's most likely function); `packed` is
the jax engine. Both are checked against numpy over the generations run. Prints generations per second.
"""

from __future__ import annotations

import sys
import time

import jax
import jax.numpy as jnp
import numpy as np

from lifetui.engines import create_engine
from lifetui.engines.jax_engine import OFFSETS
from lifetui.engines.numpy_engine import next_state_table, step_cells
from lifetui.model.kernels import kernel_for
from lifetui.model.training import forward, hard_coefficients
from lifetui.rules import CONWAY, NEIGHBOURHOOD


def float_stepper():
    network = kernel_for(CONWAY).network
    coefficients = hard_coefficients([jnp.asarray(layer) for layer in network.logits])
    wires_a = [jnp.asarray(a) for a in network.wires_a]
    wires_b = [jnp.asarray(b) for b in network.wires_b]

    def generation(cells):
        planes = jnp.stack([jnp.roll(cells, (-dy, -dx), axis=(0, 1)) for dy, dx in map(OFFSETS.get, NEIGHBOURHOOD)])
        return forward(coefficients, wires_a, wires_b, planes)[0]

    run = jax.jit(lambda cells, steps: jax.lax.fori_loop(0, steps, lambda _, c: generation(c), cells))
    return lambda cells, steps: np.asarray(run(jnp.asarray(cells, jnp.float32), steps)).round().astype(np.uint8)


def timed(step, cells: np.ndarray, seconds: float) -> tuple[float, int, np.ndarray]:
    """Generations per second, doubling the calls' length until `seconds` have passed."""
    step(cells, 1)  # compile
    generations, elapsed, batch, current = 0, 0.0, 1, cells
    while elapsed < seconds:
        started = time.perf_counter()
        current = step(current, batch)
        elapsed += time.perf_counter() - started
        generations += batch
        batch *= 2
    return generations / elapsed, generations, current


def main(arguments: list[str]) -> None:
    side = int(arguments[0]) if arguments else 512
    seconds = float(arguments[1]) if len(arguments) > 1 else 10.0
    cells = (np.random.default_rng(2025).random((side, side)) < 0.25).astype(np.uint8)
    engine = create_engine("jax", CONWAY)

    def packed(board: np.ndarray, steps: int) -> np.ndarray:
        engine.load(board)
        engine.step(steps)
        return engine.cells()

    table = next_state_table(CONWAY)
    print(f"B3/S23 network, {side} x {side} random soup, about {seconds:g} s each")
    for name, step in (("float32", float_stepper()), ("packed (jax engine)", packed)):
        rate, generations, result = timed(step, cells, seconds)
        expected = cells
        for _ in range(generations):
            expected = step_cells(expected, table)
        agrees = "agrees with numpy" if np.array_equal(result, expected) else "DISAGREES with numpy"
        print(f"{name:>20}: {rate:10.1f} generations/s ({generations:,} generations, {agrees})")


if __name__ == "__main__":
    main(sys.argv[1:])
