"""The jax engine: the trained gate network itself, every one of its gates, run layer by layer in JAX.

Like difflogic's packed-bit inference, the hardened network runs on 32 cells per uint32 word: each
gate is its truth table applied as masks to the words its two wires gather. Float evaluation of the
same network (c0 + c1*a + c2*b + c3*a*b per gate) managed about 6 generations/s at 512 x 512 here
(`python benchmarks/float_network.py`).
"""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np

from lifetui.board import memory_shortfall
from lifetui.engines.base import DEFAULT_OPTIONS, Engine, EngineOptions, wrapped
from lifetui.errors import LifeError
from lifetui.model.gates import TRUTH
from lifetui.rules import NEIGHBOURHOOD, Rule

WORD_BITS = 32
MAX_LOOP = 2**31 - 1
#: Peak resident memory per cell while this engine loads and steps, JIT compilation included: 67 bytes
#: at 2048 x 2048 and at 4096 x 4096 (`python benchmarks/memory.py 4096 jax`), rounded up. The nine
#: neighbour planes and their widening to uint32 before packing are most of it.
BYTES_PER_CELL = 70
OFFSETS = {"NW": (-1, -1), "N": (-1, 0), "NE": (-1, 1), "W": (0, -1), "C": (0, 0), "E": (0, 1),
           "SW": (1, -1), "S": (1, 0), "SE": (1, 1)}  # fmt: skip


def gate_masks(gates: np.ndarray) -> jnp.ndarray:
    """(4, n) uint32: all ones where gate j is true on the input pair (a, b) = row's (0,0) (0,1) (1,0) (1,1)."""
    return jnp.asarray(np.where(TRUTH[gates].T == 1, np.uint32(0xFFFFFFFF), np.uint32(0)))


def run_layers(masks: list[jnp.ndarray], wires_a, wires_b, words: jnp.ndarray) -> jnp.ndarray:
    """Every layer of the hardened network on packed words (9, m) -> (m,)."""
    values = words
    for mask, a, b in zip(masks, wires_a, wires_b):
        left, right = values[a], values[b]
        not_left, not_right = ~left, ~right
        values = (
            (mask[0][:, None] & not_left & not_right)
            | (mask[1][:, None] & not_left & right)
            | (mask[2][:, None] & left & not_right)
            | (mask[3][:, None] & left & right)
        )
    return values[0]


class JaxEngine(Engine):
    name = "jax"

    def __init__(self, rule: Rule, options: EngineOptions = DEFAULT_OPTIONS):
        super().__init__(rule, options)
        network = self._learned_kernel().network
        self.gate_count = network.gate_count
        masks = [gate_masks(gates) for gates in network.gates()]
        wires_a = [jnp.asarray(a) for a in network.wires_a]
        wires_b = [jnp.asarray(b) for b in network.wires_b]
        shifts = jnp.arange(WORD_BITS, dtype=jnp.uint32)

        def generation(cells: jnp.ndarray) -> jnp.ndarray:
            height, width = cells.shape
            count = height * width
            padded = -(-count // WORD_BITS) * WORD_BITS
            inputs = jnp.stack(
                [jnp.roll(cells, (-OFFSETS[name][0], -OFFSETS[name][1]), axis=(0, 1)) for name in NEIGHBOURHOOD]
            ).reshape(len(NEIGHBOURHOOD), -1)
            inputs = jnp.pad(inputs, ((0, 0), (0, padded - count))).reshape(len(NEIGHBOURHOOD), -1, WORD_BITS)
            words = jnp.sum(inputs.astype(jnp.uint32) << shifts, axis=-1, dtype=jnp.uint32)
            out = run_layers(masks, wires_a, wires_b, words)
            bits = (out[:, None] >> shifts) & 1
            return bits.reshape(-1)[:count].reshape(height, width).astype(jnp.uint8)

        self._run = jax.jit(lambda cells, steps: jax.lax.fori_loop(0, steps, lambda _, c: generation(c), cells))

    def describe(self) -> tuple[str, str]:
        return "Network", f"{self.gate_count} gates, every one run"

    def load(self, cells: np.ndarray) -> None:
        problem = memory_shortfall(cells.shape[1], cells.shape[0], BYTES_PER_CELL)
        if problem:
            # Refused before XLA allocates: running out of memory would end the process, board and all.
            raise LifeError(f"jax engine: {problem}")
        self._cells = jnp.asarray(cells, dtype=jnp.uint8)

    def step(self, generations: int = 1) -> None:
        while generations > 0:
            chunk = min(generations, MAX_LOOP)  # the loop count is a 32-bit integer inside XLA
            self._cells = self._run(self._cells, chunk)
            generations -= chunk
        self._cells.block_until_ready()

    def cells(self) -> np.ndarray:
        return np.array(self._cells)

    def window(self, top: int, left: int, height: int, width: int) -> np.ndarray:
        rows, columns = self._cells.shape
        return np.array(self._cells[wrapped(top, height, rows)][:, wrapped(left, width, columns)])

    def population(self) -> int:
        return int(jnp.count_nonzero(self._cells))
