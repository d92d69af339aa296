"""The gate network's structure: layers of two-input gates over a neighbourhood's state bits, hardened.

A two-state rule's network reads the nine cells (NEIGHBOURHOOD order) and has one output. A multi-state rule's
reads `state_bits(states)` bits of each cell's state, bit planes first: input 9 * p + k is bit p of cell
NEIGHBOURHOOD[k]'s state (so plane 0 is a two-state network's nine inputs), and its last layer's gate p is
bit p of the cell's next state. Codes of `states` and above cannot occur on a board: they are don't-cares,
left out of the training loss and of every check (`occurring_neighbourhoods`).

Numpy only: the compiler, `verify` and the engines read networks without JAX (training is `training.py`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from lifetui.model.gates import TRUTH, apply_gates
from lifetui.rules import GENERATIONS, HISTORY, HISTORY_BOUNDARY, NEIGHBOURHOOD, Rule

INPUTS = len(NEIGHBOURHOOD)
DEFAULT_LAYERS = (128,) * 17 + (64, 32, 16, 8, 4, 2, 1)
#: The largest network lifetui trains or loads: layers, and gates in one layer.
MAX_LAYERS = 64
MAX_LAYER_WIDTH = 4096


#: The most inputs a whole learned network reads: two bits a cell, rules of up to four states. Every one of the
#: 2^18 inputs then has an exact truth table of 32 KB in the compiler; three bits a cell would make them 16 MB,
#: and 5^9 neighbourhoods (of 25^9 for Golly's largest Generations file) too many to fit. A rule of more states
#: is learned in parts instead (`factored`).
MAX_INPUTS = 2 * INPUTS


#: A multi-state kernel's kernel.json says how its inputs and outputs are laid out.
STATE_ENCODING = "input 9p+k is bit p of cell k's state (NW N NE W C E SW S SE); output p is bit p of the next state"


def default_layers(rule: Rule) -> tuple[int, ...]:
    """DEFAULT_LAYERS, ending in one gate for each bit of the rule's states (one, for the rule part of a rule
    learned in parts)."""
    return DEFAULT_LAYERS[:-1] + (1 if factored(rule) else state_bits(rule.states),)


def state_bits(states: int) -> int:
    """Bits of a cell's state: ceil(log2(states)), one for a two-state rule."""
    return max(1, (states - 1).bit_length())


def learnable_problem(rule: Rule) -> str | None:
    """Why no kernel can be trained, verified or compiled for `rule`, or None when one can."""
    if not rule.multi_state:
        return None
    if rule.family not in (GENERATIONS, HISTORY):
        return f"{rule} is a {rule.family} rule; kernels are learned for two-state, Generations and History rules"
    return None


def factored(rule: Rule) -> bool:
    """Whether `rule`'s kernel is a network in parts (`factored.py`): a rule of more than two bits a cell (5 or
    more states), whose neighbourhoods are too many to fit whole, and every History rule."""
    return rule.multi_state and (INPUTS * state_bits(rule.states) > MAX_INPUTS or rule.family == HISTORY)


def layer_sizes_problem(layers: object, outputs: int = 1) -> str | None:
    """Why `layers` cannot be the layer widths of a network of `outputs` outputs, or None when it can."""
    if (
        not isinstance(layers, list | tuple)
        or not 1 <= len(layers) <= MAX_LAYERS
        or not all(type(size) is int and 1 <= size <= MAX_LAYER_WIDTH for size in layers)
        or layers[-1] != outputs
    ):
        return f"must list 1 to {MAX_LAYERS} layer widths of 1..{MAX_LAYER_WIDTH}, ending in {outputs}"
    return None


@dataclass
class Network:
    """Layers of two-input gates: layer i's gate j reads wires a[j] and b[j] of layer i-1 (the inputs first);
    the last layer's gates are the outputs."""

    wires_a: list[np.ndarray]
    wires_b: list[np.ndarray]
    logits: list[np.ndarray]  # (gates, 16) float32 per layer
    inputs: int = INPUTS

    @property
    def outputs(self) -> int:
        return len(self.wires_a[-1])

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
        """The hardened network on 0/1 inputs of shape (inputs, ...); returns the outputs, shape (outputs, ...)."""
        values = inputs.astype(np.uint8)
        for gates, a, b in zip(self.gates(), self.wires_a, self.wires_b):
            values = apply_gates(gates, values[a], values[b])
        return values


def random_wiring(
    layer_sizes: tuple[int, ...], seed: int, inputs: int = INPUTS
) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """Fixed wiring: the first layer sees every pair of inputs (as many as it has gates); every later wire is
    read at least once."""
    rng = np.random.default_rng(seed)
    wires_a, wires_b = [], []
    width = inputs
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


def occurring_neighbourhoods(states: int) -> np.ndarray:
    """The neighbourhoods of cells in states 0..states-1, as indices into the network's inputs: bit 9 * p + k
    of an index is bit p of cell k's state. Ascending; all 512 for a two-state rule."""
    bits = state_bits(states)
    codes = np.arange(states, dtype=np.int64)
    spread = np.zeros_like(codes)  # a state's bits, as cell 0's
    for p in range(bits):
        spread |= ((codes >> p) & 1) << (INPUTS * p)
    index = np.zeros(1, dtype=np.int64)
    for k in range(INPUTS):
        index = (index[:, None] | (spread[None, :] << k)).ravel()
    return np.sort(index)


def input_bits(index: np.ndarray, inputs: int) -> np.ndarray:
    """Neighbourhood indices as (inputs, n) 0/1: row i holds bit i of each index."""
    return ((index[None, :] >> np.arange(inputs, dtype=np.int64)[:, None]) & 1).astype(np.uint8)


def next_state_bits(rule: Rule, index: np.ndarray) -> np.ndarray:
    """The rule's next state of the centre cell of each neighbourhood index, as (state_bits, n) 0/1."""
    bits = state_bits(rule.states)
    cells = input_bits(index, INPUTS * bits).reshape(bits, INPUTS, -1)
    following = next_states(rule, sum(cells[p].astype(np.intp) << p for p in range(bits)))
    return ((following[None, :] >> np.arange(bits)[:, None]) & 1).astype(np.uint8)


def next_states(rule: Rule, cells: np.ndarray) -> np.ndarray:
    """The rule's next state of the centre of each neighbourhood, given as (9, n) states (NEIGHBOURHOOD order), as
    the numpy reference steps it: which cells are on, the table over them, and for History whether one of the
    nine is the boundary state."""
    cells = np.asarray(cells, dtype=np.intp)
    on = rule.on_states()[cells]
    turns_on = rule.truth_table()[sum(on[k].astype(np.intp) << k for k in range(INPUTS))]
    if not rule.multi_state:
        return turns_on
    near = (cells == HISTORY_BOUNDARY).any(axis=0) if rule.family == HISTORY else np.zeros_like(turns_on)
    return rule.transitions()[cells[NEIGHBOURHOOD.index("C")], turns_on, near.astype(np.intp)]


def neighbourhood_count(rule: Rule) -> int:
    """Neighbourhoods that can occur under the rule: 512 for a two-state one, states^9 for another."""
    return rule.states**INPUTS


def wrong_neighbourhoods(network: Network, rule: Rule) -> np.ndarray:
    """The neighbourhood indices (as `occurring_neighbourhoods`) where the hardened network disagrees with the
    rule; codes that cannot occur are not checked."""
    if not rule.multi_state:
        return np.nonzero(network.evaluate(neighbourhoods())[0] != rule.truth_table())[0]
    index = occurring_neighbourhoods(rule.states)
    wrong = np.zeros(len(index), dtype=bool)
    for start in range(0, len(index), CHECK_BATCH):  # a band at a time: a gate's outputs are a byte an input
        part = index[start : start + CHECK_BATCH]
        got = network.evaluate(input_bits(part, network.inputs))
        wrong[start : start + CHECK_BATCH] = (got != next_state_bits(rule, part)).any(axis=0)
    return index[wrong]


#: Neighbourhoods checked at a time by `wrong_neighbourhoods`.
CHECK_BATCH = 1 << 15


#: The most live gates a network may have to run on the jax engine (tracing costs tens of KB a gate; a trained
#: kernel has a few hundred): as the compiler caps what it hands gcc.
MAX_LIVE_GATES = 20_000


def live_gates(network: Network) -> list[list[tuple[int, int, int]]]:
    """Per layer, the gates the outputs depend on (every output among them, in order), as (type, a, b) with a
    and b indices into the previous layer's live gates (the inputs for the first layer), or -1 for a wire the
    gate's type does not read (the second input of a pass-through, both of a constant): such a wire keeps
    nothing alive."""
    gates = network.gates()
    needed = [np.zeros(len(layer), dtype=bool) for layer in gates]
    needed[-1][:] = True  # every output
    reads_a = [(row[0], row[1]) != (row[2], row[3]) for row in TRUTH]
    reads_b = [(row[0], row[2]) != (row[1], row[3]) for row in TRUTH]
    for depth in range(len(gates) - 1, 0, -1):  # the first layer reads the inputs, always there
        for j in np.flatnonzero(needed[depth]):
            if reads_a[gates[depth][j]]:
                needed[depth - 1][network.wires_a[depth][j]] = True
            if reads_b[gates[depth][j]]:
                needed[depth - 1][network.wires_b[depth][j]] = True
    layers = []
    previous = np.arange(network.inputs)  # where each of the previous layer's gates sits among its live ones
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
