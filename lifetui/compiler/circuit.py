"""The circuit IR: nine named inputs, two-input gates, one output; extraction from a network, gate-op algebra.

Every node of a 9-input circuit has an exact 512-bit truth table (a Python int: bit n is the node's
value on neighbourhood n), so equivalence checks here are exact, never heuristic. Numpy only, no JAX.
"""

from __future__ import annotations

from dataclasses import dataclass

from lifetui.model.gates import PASS_A, PASS_B, TRUTH
from lifetui.model.network import INPUTS, Network
from lifetui.rules import Rule

ALL = (1 << 512) - 1
FALSE, TRUE, NOT_A, NOT_B = 0, 15, 12, 10
#: Truth table of each input: bit n set when input k is alive in neighbourhood n.
INPUT_TABLES = tuple(sum(1 << n for n in range(512) if (n >> k) & 1) for k in range(INPUTS))


@dataclass(frozen=True)
class Gate:
    op: int  # one of the 16 gate ids (see lifetui.gates)
    a: int  # operand node ids: 0..8 are the inputs NW N NE W C E SW S SE, 9 + i is gate i
    b: int


@dataclass(frozen=True)
class Circuit:
    gates: tuple[Gate, ...]
    output: int

    @property
    def size(self) -> int:
        """Two-input operations: every gate that is not a plain copy or a constant."""
        return sum(1 for gate in self.gates if gate.op not in (PASS_A, PASS_B, FALSE, TRUE))

    def depth(self) -> int:
        """The longest chain of gates from an input to the output, through the operands gates read."""
        levels = [0] * INPUTS
        for gate in self.gates:
            uses_a, uses_b = reads(gate.op)
            if not (uses_a or uses_b):
                levels.append(0)  # a constant waits for nothing
                continue
            levels.append(1 + max(levels[gate.a] if uses_a else 0, levels[gate.b] if uses_b else 0))
        return levels[self.output]

    def tables(self) -> list[int]:
        """Every node's 512-bit truth table, inputs first."""
        tables = list(INPUT_TABLES)
        for gate in self.gates:
            tables.append(apply_table(gate.op, tables[gate.a], tables[gate.b]))
        return tables

    def truth_table(self) -> int:
        return self.tables()[self.output]


def apply_table(op: int, a: int, b: int) -> int:
    """A gate on truth tables (or any words of bits): the OR of its true minterms."""
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
    return result & ALL


def rule_table(rule: Rule) -> int:
    return sum(1 << n for n, bit in enumerate(rule.truth_table()) if bit)


def wrong_neighbourhoods(circuit: Circuit, rule: Rule) -> list[int]:
    difference = circuit.truth_table() ^ rule_table(rule)
    return [n for n in range(512) if (difference >> n) & 1]


def extract(network: Network) -> Circuit:
    """The hardened network as a circuit, gate for gate (-O0)."""
    gates: list[Gate] = []
    previous = list(range(INPUTS))
    for ops, wires_a, wires_b in zip(network.gates(), network.wires_a, network.wires_b):
        current = []
        for op, a, b in zip(ops, wires_a, wires_b):
            gates.append(Gate(int(op), previous[a], previous[b]))
            current.append(INPUTS + len(gates) - 1)
        previous = current
    return Circuit(tuple(gates), previous[0])


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
