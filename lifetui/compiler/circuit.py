"""The circuit IR: named inputs (the nine cells, or a multi-state rule's 9 x bits state bits), two-input gates,
one output; extraction from a network, gate-op algebra.

Every node of an n-input circuit has an exact 2^n-bit truth table (a Python int: bit m is the node's value
on input combination m; 512 bits for the nine cells), so equivalence checks here are exact, never heuristic.
A multi-state network becomes one circuit per output bit, checked on the combinations that can occur.
Numpy only, no JAX.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np

from lifetui.model.gates import PASS_A, PASS_B, TRUTH, apply_gate
from lifetui.model.network import INPUTS, Network, next_state_bits, occurring_neighbourhoods
from lifetui.rules import Rule

ALL = (1 << 512) - 1
FALSE, TRUE, NOT_A, NOT_B = 0, 15, 12, 10


def full_table(inputs: int) -> int:
    """The truth table that is 1 on every combination of `inputs` inputs."""
    return (1 << (1 << inputs)) - 1


def table_of_bits(bits: np.ndarray) -> int:
    """0/1 values, one per combination, as a truth table."""
    return int.from_bytes(np.packbits(bits.astype(np.uint8), bitorder="little").tobytes(), "little")


@functools.cache
def input_tables(inputs: int) -> tuple[int, ...]:
    """Truth table of each input: bit m set when input k is 1 in combination m."""
    combinations = np.arange(1 << inputs, dtype=np.int64)
    return tuple(table_of_bits((combinations >> k) & 1) for k in range(inputs))


#: Truth table of each of the nine cells: bit n set when input k is alive in neighbourhood n.
INPUT_TABLES = input_tables(INPUTS)


@dataclass(frozen=True)
class Gate:
    op: int  # one of the 16 gate ids (see lifetui.gates)
    a: int  # operand node ids: 0..8 are the inputs NW N NE W C E SW S SE (then any more), inputs + i is gate i
    b: int


@dataclass(frozen=True)
class Circuit:
    gates: tuple[Gate, ...]
    output: int
    inputs: int = INPUTS

    @property
    def full(self) -> int:
        """The truth table that is 1 everywhere, for this many inputs."""
        return full_table(self.inputs)

    @property
    def size(self) -> int:
        """Two-input operations: every gate that is not a plain copy or a constant."""
        return sum(1 for gate in self.gates if gate.op not in (PASS_A, PASS_B, FALSE, TRUE))

    def depth(self) -> int:
        """The longest chain of gates from an input to the output, through the operands gates read."""
        levels = [0] * self.inputs
        for gate in self.gates:
            uses_a, uses_b = reads(gate.op)
            if not (uses_a or uses_b):
                levels.append(0)  # a constant waits for nothing
                continue
            levels.append(1 + max(levels[gate.a] if uses_a else 0, levels[gate.b] if uses_b else 0))
        return levels[self.output]

    def tables(self) -> list[int]:
        """Every node's truth table, inputs first."""
        tables = list(input_tables(self.inputs))
        full = self.full
        for gate in self.gates:
            tables.append(apply_table(gate.op, tables[gate.a], tables[gate.b], full))
        return tables

    def truth_table(self) -> int:
        return self.tables()[self.output]


def apply_table(op: int, a: int, b: int, full: int = ALL) -> int:
    """A gate on truth tables (or any words of bits, `full` their width's ones): the OR of its true minterms."""
    row = TRUTH[op]
    result = 0
    if row[0]:
        result |= ~a & ~b
    if row[1]:
        result |= ~a & b
    if row[2]:
        result |= a & ~b
    if row[3]:
        result |= a & b
    return result & full


def rule_table(rule: Rule) -> int:
    return sum(1 << n for n, bit in enumerate(rule.truth_table()) if bit)


def wrong_neighbourhoods(circuit: Circuit, rule: Rule) -> list[int]:
    difference = circuit.truth_table() ^ rule_table(rule)
    return [n for n in range(512) if (difference >> n) & 1]


@functools.cache
def state_tables(rule: Rule) -> tuple[int, tuple[int, ...]]:
    """A multi-state rule as truth tables over its 9 x bits inputs: (the combinations that can occur, and
    for each bit of the next state its table, 0 where a combination cannot occur)."""
    index = occurring_neighbourhoods(rule.states)
    bits = next_state_bits(rule, index)
    size = 1 << (INPUTS * len(bits))
    care = np.zeros(size, dtype=np.uint8)
    care[index] = 1
    tables = []
    for row in bits:
        values = np.zeros(size, dtype=np.uint8)
        values[index] = row
        tables.append(table_of_bits(values))
    return table_of_bits(care), tuple(tables)


def wrong_states(circuits: tuple[Circuit, ...], rule: Rule) -> list[int]:
    """The combinations that can occur where one bit circuit (bit p of the next state the p-th) departs
    from the multi-state rule."""
    care, tables = state_tables(rule)
    difference = 0
    for circuit, table in zip(circuits, tables, strict=True):
        difference |= (circuit.truth_table() ^ table) & care
    wrong, offset = [], 0
    while difference:
        low = (difference & -difference).bit_length() - 1
        wrong.append(offset + low)
        difference >>= low + 1
        offset += low + 1
    return wrong


def run_gates(gates: tuple[Gate, ...], inputs: np.ndarray) -> list[np.ndarray]:
    """Every node's values on 0/1 inputs of shape (inputs, n): the inputs, then each gate's, in order."""
    nodes = list(np.asarray(inputs, dtype=np.uint8))
    for gate in gates:
        nodes.append(apply_gate(gate.op, nodes[gate.a], nodes[gate.b]))
    return nodes


def extract(network: Network, output: int = 0) -> Circuit:
    """One output of the hardened network as a circuit, gate for gate (-O0)."""
    gates: list[Gate] = []
    previous = list(range(network.inputs))
    for ops, wires_a, wires_b in zip(network.gates(), network.wires_a, network.wires_b):
        current = []
        for op, a, b in zip(ops, wires_a, wires_b):
            gates.append(Gate(int(op), previous[a], previous[b]))
            current.append(network.inputs + len(gates) - 1)
        previous = current
    return Circuit(tuple(gates), previous[output], network.inputs)


# Helpers on gate ops: a gate's truth row is f(0,0) f(0,1) f(1,0) f(1,1).


def op_from_row(row: tuple[int, int, int, int]) -> int:
    return int((row[0] << 3) | (row[1] << 2) | (row[2] << 1) | row[3])


def swap_operands(op: int) -> int:
    """The op g' with g'(b, a) = g(a, b)."""
    row = TRUTH[op]
    return op_from_row((row[0], row[2], row[1], row[3]))


def negate_operand(op: int, operand: str) -> int:
    """The op that reads NOT a (or NOT b) in place of a (or b)."""
    row = TRUTH[op]
    if operand == "a":
        return op_from_row((row[2], row[3], row[0], row[1]))
    return op_from_row((row[1], row[0], row[3], row[2]))


def fix_operand(op: int, operand: str, value: int) -> int:
    """The op once operand a (or b) is known to be the constant `value`: it then reads only the other."""
    row = TRUTH[op]
    if operand == "a":
        f0, f1 = (row[0], row[1]) if value == 0 else (row[2], row[3])
        return op_from_row((f0, f1, f0, f1))
    f0, f1 = (row[0], row[2]) if value == 0 else (row[1], row[3])
    return op_from_row((f0, f0, f1, f1))


def reads(op: int) -> tuple[bool, bool]:
    """Whether the op's value depends on a, on b."""
    row = TRUTH[op]
    return (row[0], row[1]) != (row[2], row[3]), (row[0], row[2]) != (row[1], row[3])
