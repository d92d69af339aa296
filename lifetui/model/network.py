"""The gate network's structure: layers of two-input gates over the nine neighbourhood inputs, hardened.

Numpy only: the compiler, `verify` and the engines read networks without JAX (training is `training.py`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from lifetui.model.gates import TRUTH, apply_gates
from lifetui.rules import NEIGHBOURHOOD, Rule

INPUTS = len(NEIGHBOURHOOD)
DEFAULT_LAYERS = (128,) * 17 + (64, 32, 16, 8, 4, 2, 1)
#: The largest network lifetui trains or loads: layers, and gates in one layer.
MAX_LAYERS = 64
MAX_LAYER_WIDTH = 4096


def layer_sizes_problem(layers: object) -> str | None:
    """Why `layers` cannot be a network's layer widths, or None when it can."""
    if (
        not isinstance(layers, list | tuple)
        or not 1 <= len(layers) <= MAX_LAYERS
        or not all(type(size) is int and 1 <= size <= MAX_LAYER_WIDTH for size in layers)
        or layers[-1] != 1
    ):
        return f"must list 1 to {MAX_LAYERS} layer widths of 1..{MAX_LAYER_WIDTH}, ending in 1"
    return None


@dataclass
class Network:
    """Layers of two-input gates: layer i's gate j reads wires a[j] and b[j] of layer i-1 (the 9 inputs first)."""

    wires_a: list[np.ndarray]
    wires_b: list[np.ndarray]
    logits: list[np.ndarray]  # (gates, 16) float32 per layer

    @property
    def layer_sizes(self) -> tuple[int, ...]:
        return tuple(len(a) for a in self.wires_a)

    @property
    def gate_count(self) -> int:
        return sum(self.layer_sizes)

    def gates(self) -> list[np.ndarray]:
        """The hardened network: each gate's most likely type."""
        return [np.argmax(logits, axis=1).astype(np.uint8) for logits in self.logits]

    def evaluate(self, inputs: np.ndarray) -> np.ndarray:
        """The hardened network on 0/1 inputs of shape (9, ...); returns the output, shape (...)."""
        values = inputs.astype(np.uint8)
        for gates, a, b in zip(self.gates(), self.wires_a, self.wires_b):
            values = apply_gates(gates, values[a], values[b])
        return values[0]


def random_wiring(layer_sizes: tuple[int, ...], seed: int) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """Fixed wiring: the first layer sees every pair of inputs; every later wire is read at least once."""
    rng = np.random.default_rng(seed)
    wires_a, wires_b = [], []
    width = INPUTS
    for depth, size in enumerate(layer_sizes):
        if depth == 0:
            pairs = np.array([(i, j) for i in range(width) for j in range(i + 1, width)])
            order = np.concatenate([rng.permutation(len(pairs)) for _ in range(-(-size // len(pairs)))])[:size]
            chosen = pairs[order]
            flip = rng.random(size) < 0.5
            a, b = np.where(flip, chosen[:, 1], chosen[:, 0]), np.where(flip, chosen[:, 0], chosen[:, 1])
        else:
            slots = np.concatenate([rng.permutation(width) for _ in range(-(-2 * size // width))])[: 2 * size]
            a, b = slots[:size], slots[size:]
        wires_a.append(a.astype(np.int32))
        wires_b.append(b.astype(np.int32))
        width = size
    return wires_a, wires_b


def neighbourhoods() -> np.ndarray:
    """All 512 neighbourhoods as (9, 512) 0/1: column n holds bit k of n in row k (NEIGHBOURHOOD order)."""
    index = np.arange(512)
    return ((index[None, :] >> np.arange(INPUTS)[:, None]) & 1).astype(np.uint8)


def wrong_neighbourhoods(network: Network, rule: Rule) -> np.ndarray:
    """The neighbourhood indices where the hardened network disagrees with the rule."""
    return np.nonzero(network.evaluate(neighbourhoods()) != rule.truth_table())[0]


#: The most live gates a network may have to run on the jax engine (tracing costs tens of KB a gate; a trained
#: kernel has a few hundred): as the compiler caps what it hands gcc.
MAX_LIVE_GATES = 20_000


def live_gates(network: Network) -> list[list[tuple[int, int, int]]]:
    """Per layer, the gates the output depends on, as (type, a, b) with a and b indices into the previous
    layer's live gates (the nine inputs for the first layer), or -1 for a wire the gate's type does not
    read (the second input of a pass-through, both of a constant): such a wire keeps nothing alive."""
    gates = network.gates()
    needed = [np.zeros(len(layer), dtype=bool) for layer in gates]
    needed[-1][0] = True
    reads_a = [(row[0], row[1]) != (row[2], row[3]) for row in TRUTH]
    reads_b = [(row[0], row[2]) != (row[1], row[3]) for row in TRUTH]
    for depth in range(len(gates) - 1, 0, -1):  # the first layer reads the inputs, always there
        for j in np.flatnonzero(needed[depth]):
            if reads_a[gates[depth][j]]:
                needed[depth - 1][network.wires_a[depth][j]] = True
            if reads_b[gates[depth][j]]:
                needed[depth - 1][network.wires_b[depth][j]] = True
    layers = []
    previous = np.arange(INPUTS)  # where each of the previous layer's gates sits among its live ones
    for depth, layer in enumerate(gates):
        live = []
        for j in np.flatnonzero(needed[depth]):
            op = int(layer[j])
            a = int(previous[network.wires_a[depth][j]]) if reads_a[op] else -1
            b = int(previous[network.wires_b[depth][j]]) if reads_b[op] else -1
            live.append((op, a, b))
        layers.append(live)
        previous = np.full(len(layer), -1)
        previous[needed[depth]] = np.arange(len(live))
    return layers


def too_many_live_gates(network: Network) -> str | None:
    """Why the jax engine will not trace this network, or None."""
    live = sum(len(layer) for layer in live_gates(network))
    if live > MAX_LIVE_GATES:
        return f"the kernel has {live:,} live gates, more than the jax engine traces ({MAX_LIVE_GATES:,})"
    return None
