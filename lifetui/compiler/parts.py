"""Compiling a network in parts (`model/factored.py`): each part on its own, then composed, checked by class.

A part reads few inputs (a cell's P bits, nine on bits, the centre's bits and two more), so each is extracted
and optimised with exact truth tables as any two-state circuit is (-O0 to -O2). `compose` then wires them into
one list of gates over the 9 x P state bits: the cell part nine times, the rule part (and History's near part)
over their outputs, the next part over the centre's bits and theirs; each bit of the next state is a node of it.
A whole truth table over 9 x P inputs would not fit (P = 5 makes it 2^45 bits), so the composed circuit is
checked as the network is, by class (`factored.class_mistakes`): it reads a neighbour only through the cell
part's circuits.

-O3 (`stencil_of_parts`) resynthesises what the parts compute as the multi-state stencil of `states.py`, an on
plane, its row sums and a decode of the next state from the count and the centre's state, where the rule part
counts its neighbours (a totalistic table); for History, with the cell part's boundary feature as a second plane
whose OR over the neighbourhood the decode also reads, where the near part is that OR. It is checked the same way.
"""

from __future__ import annotations

import contextlib

import numpy as np

from lifetui.compiler.circuit import Circuit, Gate, extract, full_table, run_gates
from lifetui.compiler.passes import optimise, share_gates
from lifetui.compiler.states import StatesStencil, compose, stencils
from lifetui.compiler.stencil import StencilError, resynthesise
from lifetui.compiler.stencil import compose as compose_stencil
from lifetui.compiler.synthesis import OverBudget, synthesise
from lifetui.model.factored import CENTRE, FactoredNetwork, Mistakes, cells_to_inputs, class_mistakes
from lifetui.model.network import INPUTS, input_bits, state_bits
from lifetui.rules import ALIVE, MOORE, Rule, neighbour_counts

PartCircuits = dict[str, tuple[Circuit, ...]]


def part_circuits(network: FactoredNetwork, rule: Rule, level: int) -> PartCircuits:
    """Each part's outputs as circuits over its own inputs, optimised at -O(min(level, 2)); at -O3, each the
    smallest of that and its resyntheses (`resynthesise_part`)."""
    found = {}
    for name, part in network.parts.items():
        circuits = tuple(optimise(extract(part, output), min(level, 2)) for output in range(part.outputs))
        if level >= 3:
            care = part_care(rule, name, part.inputs)
            circuits = tuple(resynthesise_part(circuit, care) for circuit in circuits)
        found[name] = circuits
    return found


def part_care(rule: Rule, name: str, inputs: int) -> int:
    """The minterms of a part's inputs that can occur: the codes of the rule's states (and, for `next`, with
    either value of the bits after them); every one for the parts that read nine bits."""
    if name not in ("cell", "next"):
        return full_table(inputs)
    planes = state_bits(rule.states)
    states = sum(1 << state for state in range(rule.states))
    return sum(states << (code << planes) for code in range(1 << (inputs - planes)))


#: The most subfunctions the search of one part's resynthesis may meet before -O3 keeps the -O2 circuit.
RESYNTHESIS_BUDGET = 200_000


def resynthesise_part(circuit: Circuit, care: int) -> Circuit:
    """The smallest of a part's -O2 circuit, a function of the nine cells' stencil (flattened), and the circuit
    synthesised directly from its truth table on `care`; each checked on `care`."""
    table = circuit.truth_table()
    candidates = [circuit]
    if circuit.inputs == INPUTS:
        stencil = resynthesise(table)
        if stencil is not None:
            candidates.append(optimise(compose_stencil(stencil), 2))
    with contextlib.suppress(OverBudget):  # -O3 keeps what it has
        candidates.append(synthesise(table, care, RESYNTHESIS_BUDGET, circuit.inputs))
    for candidate in candidates[1:]:
        if (candidate.truth_table() ^ table) & care:
            raise StencilError("a part's resynthesis differs from the part it was made from")
    return min(candidates, key=lambda candidate: candidate.size)


def compose_parts(parts: PartCircuits, planes: int) -> tuple[Circuit, ...]:
    """The parts wired into one list of gates over the 9 x planes state bits (gates two parts spell alike kept
    once); a circuit per bit of the next state, each that list with its own output node."""
    inputs = INPUTS * planes
    gates: list[Gate] = []

    def append(circuit: Circuit, sources: list[int]) -> int:
        """The circuit's gates appended, reading `sources` for its inputs; the node of its output."""
        nodes = list(sources)
        for gate in circuit.gates:
            gates.append(Gate(gate.op, nodes[gate.a], nodes[gate.b]))
            nodes.append(inputs + len(gates) - 1)
        return nodes[circuit.output]

    read = [[append(feature, [INPUTS * p + k for p in range(planes)]) for feature in parts["cell"]]
            for k in range(INPUTS)]  # fmt: skip
    wires = [INPUTS * p + CENTRE for p in range(planes)]
    wires.append(append(parts["rule"][0], [read[k][0] for k in range(INPUTS)]))
    if "near" in parts:
        wires.append(append(parts["near"][0], [read[k][1] for k in range(INPUTS)]))
    outputs = [append(bit, wires) for bit in parts["next"]]
    shared, nodes = share_gates(tuple(Circuit(tuple(gates), output, inputs) for output in outputs))
    return tuple(Circuit(shared, node, inputs) for node in nodes)


def check_composed(rule: Rule, cell: tuple[Circuit, ...], circuits: tuple[Circuit, ...]) -> Mistakes:
    """Where composed circuits (each bit of the next state, reading a neighbour only through the circuits `cell`
    over its state bits) depart from `rule`, by class."""
    planes = cell[0].inputs

    def read(states: np.ndarray) -> np.ndarray:
        bits = input_bits(np.asarray(states, dtype=np.int64), planes)
        return np.stack([run_gates(circuit.gates, bits)[circuit.output] for circuit in cell])

    def step(cells: np.ndarray) -> np.ndarray:
        nodes = run_gates(circuits[0].gates, cells_to_inputs(cells, planes))
        following = np.zeros(cells.shape[1], dtype=np.int64)
        for p, circuit in enumerate(circuits):
            following |= nodes[circuit.output].astype(np.int64) << p
        return following

    return class_mistakes(rule, read, step)


def stencil_of_parts(parts: PartCircuits, rule: Rule) -> tuple[StatesStencil | None, str]:
    """-O3 for a network in parts: the smallest multi-state stencil of what its parts compute, checked by class;
    or None, and why."""
    if rule.neighbourhood != MOORE:
        return None, f"the stencil's row sums count all eight neighbours, and a {rule.neighbourhood} rule fewer"
    near = parts["cell"][1] if "near" in parts else None
    if "near" in parts and parts["near"][0].truth_table() != full_table(INPUTS) ^ 1:
        return None, "the near part is not the OR of the nine cells' boundary feature"
    if near is not None and near.truth_table() & 1:
        return None, "the cell part counts state 0 as the boundary"
    on_table, rule_table = parts["cell"][0].truth_table(), parts["rule"][0].truth_table()
    on_states = tuple(state for state in range(1, rule.states) if (on_table >> state) & 1)
    if on_table & 1:
        return None, "the cell part counts state 0 as on"
    # Whether the centre is on next, by whether it is on and its count of on neighbours (all eight of them).
    counts = neighbour_counts(MOORE)
    turns_on = np.full((2, 9), -1)
    for index in range(512):
        alive, count, value = ALIVE[index], counts[index], (rule_table >> index) & 1
        if turns_on[alive, count] not in (-1, value):
            return None, "the rule part counts its neighbours by their positions too"
        turns_on[alive, count] = value
    planes = parts["cell"][0].inputs
    next_tables = [circuit.truth_table() for circuit in parts["next"]]
    following = np.zeros((rule.states, 9, 2), dtype=np.int64)
    for state in range(rule.states):
        on = int(state in on_states)
        for count in range(9):
            for boundary in (0, 1):
                minterm = state | int(turns_on[on, count]) << planes | boundary << (planes + 1)
                following[state, count, boundary] = sum(
                    ((table >> minterm) & 1) << p for p, table in enumerate(next_tables)
                )
    if near is not None:  # the centre is one of the nine cells: a boundary centre has the boundary near
        following[[state for state in range(rule.states) if (near.truth_table() >> state) & 1], :, 0] = -1
        found = stencils(on_states, following, rule.states, near)
    else:
        found = stencils(on_states, following[:, :, 0], rule.states)
    best = min(found, key=lambda stencil: stencil.size)
    read = (best.on,) if near is None else (best.on, near)
    if check_composed(rule, read, compose(best)).count:
        raise StencilError("the -O3 stencil of a network in parts differs from its rule")
    return best, ""
