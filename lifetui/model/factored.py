"""A network in parts, for rules of many states: what a neighbour's state means, learned once, not 9 x P times.

A Generations rule of 5 or more states has 5^9 (about 2 million) to 256^9 neighbourhoods, too many to fit a whole
network to; LifeHistory has 7^9. But the numpy reference steps every such rule the same way (`next_states`): a
cell's state says whether it is on (and, in History, whether it is the boundary), the rule's table over the nine
on cells says whether the centre is on next, and the centre's state with that (and whether the boundary is near)
gives the next state. A factored network learns each of those as its own gate network:

- `cell` reads one cell's P state bits and gives its features: whether it is on, and for History whether it is
  the boundary (the codes of states the rule lacks are don't-cares, as in a whole network);
- `rule` reads the nine cells' on features (NEIGHBOURHOOD order) and gives whether the centre is on next: a
  two-state rule's network;
- `near` (History only) reads the nine cells' boundary features and gives whether any is the boundary;
- `next` reads the centre's P state bits, then `rule`'s output (and `near`'s) and gives the next state's P bits.

Composed, it is a network like any other: 9 x P inputs (bit p of cell k is input 9p + k), P outputs; `flat`
lays it out in layers for the jax engine. Each part is trained on all its cases (N states, 512 neighbourhoods,
N x 2 or N x 4 combinations), so a composed network is exact when its parts are, whatever the number of
neighbourhoods. `mistakes` checks that on the whole: a neighbour is read only through `cell`, so the
neighbourhoods fall into classes (the centre's state, and for each neighbour what `cell` makes of it and what
the rule makes of it), and one neighbourhood of each class decides for all of them.

Numpy only, as `network.py`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property

import numpy as np

from lifetui.model.gates import GATE_COUNT, PASS_A
from lifetui.model.network import (
    INPUTS,
    Network,
    factored,
    input_bits,
    neighbourhoods,
    next_states,
    state_bits,
    wrong_neighbourhoods,
)
from lifetui.rules import HISTORY, HISTORY_BOUNDARY, NEIGHBOURHOOD, Rule

CENTRE = NEIGHBOURHOOD.index("C")
#: The parts of a factored network, in the order they run.
PARTS = ("cell", "rule", "near", "next")
#: Default layer widths of each part but `rule` (a two-state rule's, `network.DEFAULT_LAYERS`), before its last
#: layer of one gate per output.
PART_LAYERS = {"cell": (32, 32, 16, 8), "near": (32, 16, 8, 4, 2), "next": (64,) * 8 + (32, 16)}
#: Tuples of the eight neighbours' classes `class_mistakes` checks at a time (for each centre state).
CLASS_BAND = 1 << 15
#: Wrong neighbourhoods `mistakes` lists (there can be 10^12 of them).
LISTED = 100


def part_names(rule: Rule) -> tuple[str, ...]:
    """The parts of `rule`'s factored network: `near` only for History."""
    return PARTS if rule.family == HISTORY else tuple(name for name in PARTS if name != "near")


def features(rule: Rule) -> np.ndarray:
    """(F, states) 0/1: what the rule makes of a cell's state, as `cell` is to learn it: on; History's boundary."""
    on = rule.on_states()
    if rule.family != HISTORY:
        return on[None, :]
    return np.stack([on, (np.arange(rule.states) == HISTORY_BOUNDARY).astype(np.uint8)])


def part_cases(rule: Rule, name: str) -> tuple[np.ndarray, np.ndarray]:
    """A part's training cases: (inputs, cases) and (outputs, cases) 0/1, every case that can occur."""
    planes = state_bits(rule.states)
    states = np.arange(rule.states)
    if name == "cell":
        return input_bits(states, planes), features(rule)
    if name == "rule":
        return neighbourhoods(), rule.truth_table()[None, :]
    if name == "near":
        cells = neighbourhoods()
        return cells, cells.max(axis=0)[None, :]
    reads = 2 + (rule.family == HISTORY)  # the centre's state, the rule's bit, and near's
    combos = np.array([(state, on, near) for state in states for on in (0, 1) for near in range(reads - 1)])
    following = rule.transitions()[combos[:, 0], combos[:, 1], combos[:, 2]]
    inputs = np.concatenate([input_bits(combos[:, 0], planes), combos[:, 1:reads].T.astype(np.uint8)])
    return inputs, input_bits(following, planes)


def part_layers(rule: Rule, name: str, rule_layers: tuple[int, ...]) -> tuple[int, ...]:
    """The layer widths of a part: `rule_layers` for `rule`, else PART_LAYERS' and one gate per output."""
    if name == "rule":
        return rule_layers
    return PART_LAYERS[name] + (len(part_cases(rule, name)[1]),)


@dataclass
class FactoredNetwork:
    """The parts (`PARTS`, `near` only for History) of a network over `planes` bits a cell."""

    parts: dict[str, Network]
    planes: int

    @property
    def inputs(self) -> int:
        return INPUTS * self.planes

    @property
    def outputs(self) -> int:
        return self.planes

    @property
    def gate_count(self) -> int:
        """Gates of the parts, each once (the composed network runs `cell` nine times)."""
        return sum(part.gate_count for part in self.parts.values())

    @property
    def part_sizes(self) -> dict[str, list[int]]:
        return {name: list(part.layer_sizes) for name, part in self.parts.items()}

    def read(self, states: np.ndarray) -> np.ndarray:
        """What `cell` makes of each state: (F, n) 0/1."""
        return self.parts["cell"].evaluate(input_bits(np.asarray(states, dtype=np.int64), self.planes))

    def evaluate(self, inputs: np.ndarray) -> np.ndarray:
        """The composed network on 0/1 inputs (9 x planes, ...), as Network.evaluate."""
        inputs = np.asarray(inputs, dtype=np.uint8)
        shape = inputs.shape[1:]
        flat = inputs.reshape(self.planes, INPUTS, -1)
        read = np.stack([self.parts["cell"].evaluate(flat[:, k]) for k in range(INPUTS)], axis=1)  # (F, 9, n)
        wires = [flat[:, CENTRE], self.parts["rule"].evaluate(read[0])]
        if "near" in self.parts:
            wires.append(self.parts["near"].evaluate(read[1]))
        return self.parts["next"].evaluate(np.concatenate(wires)).reshape(self.planes, *shape)

    def step_states(self, cells: np.ndarray) -> np.ndarray:
        """The next state of the centre of each neighbourhood given as (9, n) states."""
        return _states_of_bits(self.evaluate(cells_to_inputs(cells, self.planes)))

    @cached_property
    def flat(self) -> Network:
        """The composed network in layers, as a whole network of 9 x planes inputs (`_flatten`)."""
        return _flatten(self)


def flat(network: Network | FactoredNetwork) -> Network:
    """A network as layers of gates: a whole one as it is, one in parts laid out (`FactoredNetwork.flat`)."""
    return network.flat if isinstance(network, FactoredNetwork) else network


def shape_problem(network: Network | FactoredNetwork, rule: Rule) -> str | None:
    """Why `network` cannot be checked or compiled as `rule`'s (its cells have other bits, or the rule is learned
    only in parts), or None."""
    planes, in_parts, needs_parts = state_bits(rule.states), isinstance(network, FactoredNetwork), factored(rule)
    if (network.inputs, network.outputs) == (INPUTS * planes, planes) and (in_parts or not needs_parts):
        return None
    return (
        f"its cells have {network.outputs} bit(s){' (a network in parts)' if in_parts else ''}; {rule}'s have "
        f"{planes}{' (a network in parts)' if needs_parts else ''}"
    )


def cells_to_inputs(cells: np.ndarray, planes: int) -> np.ndarray:
    """(9, n) states as a network's (9 x planes, n) 0/1 inputs: row 9p + k is bit p of cell k."""
    cells = np.asarray(cells, dtype=np.int64)
    return np.concatenate([(cells >> p) & 1 for p in range(planes)]).astype(np.uint8)


def _states_of_bits(bits: np.ndarray) -> np.ndarray:
    return sum(bits[p].astype(np.int64) << p for p in range(len(bits)))


# Checking a network (whole or in parts), or a circuit composed the same way, against its rule.


@dataclass(frozen=True)
class Mistakes:
    """Where a network departs from its rule: on how many neighbourhoods that can occur, the first LISTED (every one
    of a two-state rule's) as (m, 9) states, NEIGHBOURHOOD order, and whether the neighbourhood of nine cells in
    state 0 is among them."""

    count: int
    listed: np.ndarray
    empty: bool


def mistakes(network: Network | FactoredNetwork, rule: Rule) -> Mistakes:
    """The neighbourhoods where the network departs from `rule`: every one of a whole network (the codes of
    states the rule lacks are not checked), by class for one in parts (`class_mistakes`)."""
    if isinstance(network, FactoredNetwork):
        return class_mistakes(rule, network.read, network.step_states)
    wrong = wrong_neighbourhoods(network, rule)
    planes = state_bits(rule.states)
    listed = np.asarray(wrong[:LISTED] if rule.multi_state else wrong, dtype=np.int64)  # two states: 512 at most
    cells = sum(((listed[:, None] >> (INPUTS * p + np.arange(INPUTS))) & 1) << p for p in range(planes))
    return Mistakes(len(wrong), np.asarray(cells, dtype=np.int64).reshape(-1, INPUTS), bool(0 in wrong))


def class_mistakes(
    rule: Rule, read: Callable[[np.ndarray], np.ndarray], step: Callable[[np.ndarray], np.ndarray]
) -> Mistakes:
    """The neighbourhoods where `step` ((9, n) states -> n next states) departs from `rule`, for a `step` that
    reads each neighbour's state only through `read` ((n,) states -> (F, n) 0/1), as a network in parts does.

    Two states that `read` takes to the same bits and that the rule counts alike (on, History's boundary) are
    interchangeable in any neighbour's place, for `step` and for the rule: so each class of neighbourhood, the
    centre's state and a class of state for each of the eight neighbours, is checked at one neighbourhood and
    counted as many times as it has members. A right cell part makes 2 classes (History 3): 256 x 2^8
    neighbourhoods stand for a 256-state rule's 256^9. A wrong one makes at most 4 (History 7, every state its
    own), 256 x 4^8 or 7^9 neighbourhoods, a minute or two."""
    states = np.arange(rule.states)
    keys = np.concatenate([read(states), features(rule)]).astype(np.int64)
    key = sum(row << bit for bit, row in enumerate(keys))
    classes, first, sizes = np.unique(key, return_index=True, return_counts=True)
    count_classes = len(classes)
    tuples = count_classes ** (INPUTS - 1)
    # Every tuple of classes for the eight neighbours (a band of them at a time), then every centre state.
    listed: list[np.ndarray] = []
    total = 0
    for start in range(0, tuples, CLASS_BAND):
        choice = np.array(
            np.unravel_index(np.arange(start, min(start + CLASS_BAND, tuples)), (count_classes,) * (INPUTS - 1))
        )
        neighbours = first[choice]
        for centre in states:
            cells = np.insert(neighbours, CENTRE, centre, axis=0)
            wrong = np.flatnonzero(step(cells) != next_states(rule, cells))
            if len(wrong):
                total += int(np.prod(sizes[choice[:, wrong]].astype(object), axis=0).sum())  # 256^8 > int64
                listed += [cells[:, n] for n in wrong[: LISTED - len(listed)]]
    zero = np.zeros((INPUTS, 1), dtype=np.int64)
    empty = bool(step(zero)[0] != next_states(rule, zero)[0])
    return Mistakes(total, np.array(listed, dtype=np.int64).reshape(-1, INPUTS), empty)


# Laying the parts out as one network of layers (for the jax engine, which runs layers of gates).


def _pass_logits(size: int) -> np.ndarray:
    logits = np.zeros((size, GATE_COUNT), dtype=np.float32)
    logits[:, PASS_A] = 1.0
    return logits


def _flatten(network: FactoredNetwork) -> Network:
    """One network of layers that computes the composed parts: `cell` nine times side by side, then `rule` and
    `near` side by side (the shorter one carried on by pass-through gates), then `next`; the centre's state bits
    carried by pass-through gates until `next` reads them."""
    planes, parts = network.planes, network.parts
    wires_a: list[np.ndarray] = []
    wires_b: list[np.ndarray] = []
    logits: list[np.ndarray] = []

    def add(blocks: list[tuple[np.ndarray, np.ndarray, np.ndarray]]) -> None:
        wires_a.append(np.concatenate([a for a, _, _ in blocks]).astype(np.intp))
        wires_b.append(np.concatenate([b for _, b, _ in blocks]).astype(np.intp))
        logits.append(np.concatenate([layer for _, _, layer in blocks]))

    def carry(sources: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        return sources, sources, _pass_logits(len(sources))

    cell = parts["cell"]
    centre = np.array([INPUTS * p + CENTRE for p in range(planes)])
    width = cell.inputs  # of one copy's previous layer
    for depth in range(len(cell.layer_sizes)):
        copies = []
        for k in range(INPUTS):
            # A copy reads its own cell's bits (input 9p + k), or its own block of the layer before.
            source = INPUTS * np.arange(planes) + k if depth == 0 else k * width + np.arange(width)
            copies.append((source[cell.wires_a[depth]], source[cell.wires_b[depth]], cell.logits[depth]))
        add([*copies, carry(centre)])
        centre = INPUTS * cell.layer_sizes[depth] + np.arange(planes)
        width = cell.layer_sizes[depth]
    readers = [parts[name] for name in ("rule", "near") if name in parts]
    depth_b = max(len(part.layer_sizes) for part in readers)
    # Where each reader's inputs are: feature f of cell k at k * F + f.
    sources = [np.arange(INPUTS) * cell.outputs + feature for feature in range(len(readers))]
    for depth in range(depth_b):
        blocks, offset, next_sources = [], 0, []
        for part, source in zip(readers, sources):
            if depth < len(part.layer_sizes):
                blocks.append((source[part.wires_a[depth]], source[part.wires_b[depth]], part.logits[depth]))
                size = part.layer_sizes[depth]
            else:  # this part is done: carry its output on
                blocks.append(carry(source))
                size = len(source)
            next_sources.append(offset + np.arange(size))
            offset += size
        add([*blocks, carry(centre)])
        sources, centre = next_sources, offset + np.arange(planes)
    last = parts["next"]
    source = np.concatenate([centre, *sources])  # next reads the centre's bits, then rule's and near's outputs
    for depth in range(len(last.layer_sizes)):
        add([(source[last.wires_a[depth]], source[last.wires_b[depth]], last.logits[depth])])
        source = np.arange(last.layer_sizes[depth])
    return Network(wires_a, wires_b, logits, network.inputs)
