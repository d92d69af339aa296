"""The circuit IR: nine named inputs, two-input gates, one output; extraction and optimisation passes.

Every node of a 9-input circuit has an exact 512-bit truth table (a Python int: bit n is the node's
value on neighbourhood n), so equivalence checks here are exact, never heuristic. Numpy only, no JAX.
"""

from __future__ import annotations

from dataclasses import dataclass

from lifetui.gates import PASS_A, PASS_B, TRUTH
from lifetui.kernel import INPUTS, Network
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


# A tiny builder that renumbers as gates are added; passes rebuild circuits with it.


class _Builder:
    def __init__(self) -> None:
        self.gates: list[Gate] = []

    def add(self, gate: Gate) -> int:
        self.gates.append(gate)
        return INPUTS + len(self.gates) - 1

    def build(self, output: int) -> Circuit:
        return Circuit(tuple(self.gates), output)


def _normalise(op: int, a: int, b: int) -> tuple[int, int, int]:
    """One spelling per gate: unread operands point at the other one, commutative operands in order."""
    uses_a, uses_b = reads(op)
    if not uses_a and not uses_b:
        return op, 0, 0
    if not uses_a:
        a = b
    if not uses_b:
        b = a
    if a > b:
        op, a, b = swap_operands(op), b, a
    if a == b:
        # Both wires carry the same value: only the diagonal of the truth row matters.
        row = TRUTH[op]
        op = op_from_row((row[0], row[0], row[3], row[3]))
    return op, a, b


def _read_through(gate: Gate, source: list[tuple[int, bool]]) -> tuple[int, int, int]:
    """The gate rewired to where its operands now live, any negation folded into its op, normalised."""
    op = gate.op
    a, negate_a = source[gate.a]
    b, negate_b = source[gate.b]
    if negate_a:
        op = negate_operand(op, "a")
    if negate_b:
        op = negate_operand(op, "b")
    return _normalise(op, a, b)


def _finish(builder: _Builder, output: tuple[int, bool]) -> Circuit:
    """The built circuit, with one NOT at the end if the output is only available negated."""
    node, negated = output
    if negated:
        node = builder.add(Gate(NOT_A, node, node))
    return builder.build(node)


# The passes: each takes a circuit and returns a smaller or equal equivalent one.


def eliminate_dead_gates(circuit: Circuit) -> Circuit:
    """Drop every gate the output does not depend on."""
    live = [False] * (INPUTS + len(circuit.gates))
    live[circuit.output] = True
    for index in range(len(circuit.gates) - 1, -1, -1):
        node = INPUTS + index
        if live[node]:
            gate = circuit.gates[index]
            uses_a, uses_b = reads(gate.op)
            live[gate.a] |= uses_a
            live[gate.b] |= uses_b
    builder = _Builder()
    renamed = list(range(INPUTS))
    for index, gate in enumerate(circuit.gates):
        renamed.append(-1)
        if live[INPUTS + index]:
            renamed[-1] = builder.add(Gate(gate.op, renamed[gate.a] if renamed[gate.a] >= 0 else 0,
                                           renamed[gate.b] if renamed[gate.b] >= 0 else 0))  # fmt: skip
    return builder.build(renamed[circuit.output])


def propagate_copies(circuit: Circuit) -> Circuit:
    """Pass-throughs disappear and negations fold into the ops of the gates that read them."""
    builder = _Builder()
    # Each node becomes (node, negated): where its value can be read from in the new circuit.
    source: list[tuple[int, bool]] = [(k, False) for k in range(INPUTS)]
    for gate in circuit.gates:
        op, a, b = _read_through(gate, source)
        if op == PASS_A:
            source.append((a, False))
        elif op == NOT_A:
            source.append((a, True))
        elif op == PASS_B:
            source.append((b, False))
        elif op == NOT_B:
            source.append((b, True))
        else:
            source.append((builder.add(Gate(op, a, b)), False))
    return eliminate_dead_gates(_finish(builder, source[circuit.output]))


def propagate_constants(circuit: Circuit) -> Circuit:
    """Gates fed by constants become constants or copies; then copies are folded away."""
    builder = _Builder()
    constant: dict[int, int] = {}
    renamed = list(range(INPUTS))
    for gate in circuit.gates:
        op, a, b = gate.op, renamed[gate.a], renamed[gate.b]
        if a in constant:
            op = fix_operand(op, "a", constant[a])
        if b in constant:
            op = fix_operand(op, "b", constant[b])
        op, a, b = _normalise(op, a, b)
        node = builder.add(Gate(op, a, b))
        if op in (FALSE, TRUE):
            constant[node] = int(op == TRUE)
        renamed.append(node)
    return propagate_copies(builder.build(renamed[circuit.output]))


def hash_structure(circuit: Circuit) -> Circuit:
    """Common subexpressions: two gates with the same op on the same operands (in either order) are one."""
    builder = _Builder()
    seen: dict[tuple[int, int, int], int] = {}
    renamed = list(range(INPUTS))
    for gate in circuit.gates:
        key = _normalise(gate.op, renamed[gate.a], renamed[gate.b])
        if key not in seen:
            seen[key] = builder.add(Gate(*key))
        renamed.append(seen[key])
    return eliminate_dead_gates(builder.build(renamed[circuit.output]))


def merge_equivalent_nodes(circuit: Circuit) -> Circuit:
    """Nodes computing the same function, or its complement, share one gate (exact: 512-bit tables)."""
    tables = circuit.tables()
    builder = _Builder()
    by_table: dict[int, int] = {table: k for k, table in enumerate(tables[:INPUTS])}
    source: list[tuple[int, bool]] = [(k, False) for k in range(INPUTS)]
    constants = {0: FALSE, ALL: TRUE}
    for index, gate in enumerate(circuit.gates):
        table = tables[INPUTS + index]
        if table in constants:
            source.append((builder.add(Gate(constants[table], 0, 0)), False))
            continue
        if table in by_table:
            source.append((by_table[table], False))
            continue
        if table ^ ALL in by_table:
            source.append((by_table[table ^ ALL], True))
            continue
        node = builder.add(Gate(*_read_through(gate, source)))
        by_table[table] = node
        source.append((node, False))
    return propagate_constants(_finish(builder, source[circuit.output]))


LEVELS = {
    0: (),
    1: (eliminate_dead_gates, propagate_copies),
    2: (eliminate_dead_gates, propagate_copies, propagate_constants, hash_structure, merge_equivalent_nodes),
}


def optimise(circuit: Circuit, level: int = 2) -> Circuit:
    """Run the level's passes until the circuit stops shrinking."""
    while True:
        before = (len(circuit.gates), circuit.size)
        for optimisation in LEVELS[level]:
            circuit = optimisation(circuit)
        if (len(circuit.gates), circuit.size) == before or not LEVELS[level]:
            return circuit
