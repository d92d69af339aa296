"""Optimisation passes: each a function from a circuit to a smaller or equal equivalent one, and the levels.

Every pass is exact: the tests check each one on all 512 neighbourhoods. A circuit of more inputs (a
multi-state rule's state bits) goes through the same passes, exact on every combination of them.
"""

from __future__ import annotations

from lifetui.compiler.circuit import (
    FALSE,
    NOT_A,
    NOT_B,
    TRUE,
    Circuit,
    Gate,
    fix_operand,
    negate_operand,
    op_from_row,
    reads,
    swap_operands,
)
from lifetui.model.gates import PASS_A, PASS_B, TRUTH

# A tiny builder that renumbers as gates are added; passes rebuild circuits with it.


class _Builder:
    def __init__(self, inputs: int) -> None:
        self.inputs = inputs
        self.gates: list[Gate] = []

    def add(self, gate: Gate) -> int:
        self.gates.append(gate)
        return self.inputs + len(self.gates) - 1

    def build(self, output: int) -> Circuit:
        return Circuit(tuple(self.gates), output, self.inputs)


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
    inputs = circuit.inputs
    live = [False] * (inputs + len(circuit.gates))
    live[circuit.output] = True
    for index in range(len(circuit.gates) - 1, -1, -1):
        node = inputs + index
        if live[node]:
            gate = circuit.gates[index]
            uses_a, uses_b = reads(gate.op)
            live[gate.a] |= uses_a
            live[gate.b] |= uses_b
    builder = _Builder(inputs)
    renamed = list(range(inputs))
    for index, gate in enumerate(circuit.gates):
        renamed.append(-1)
        if live[inputs + index]:
            renamed[-1] = builder.add(Gate(gate.op, renamed[gate.a] if renamed[gate.a] >= 0 else 0,
                                           renamed[gate.b] if renamed[gate.b] >= 0 else 0))  # fmt: skip
    return builder.build(renamed[circuit.output])


def propagate_copies(circuit: Circuit) -> Circuit:
    """Pass-throughs disappear and negations fold into the ops of the gates that read them."""
    builder = _Builder(circuit.inputs)
    # Each node becomes (node, negated): where its value can be read from in the new circuit.
    source: list[tuple[int, bool]] = [(k, False) for k in range(circuit.inputs)]
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
    builder = _Builder(circuit.inputs)
    constant: dict[int, int] = {}
    renamed = list(range(circuit.inputs))
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
    builder = _Builder(circuit.inputs)
    seen: dict[tuple[int, int, int], int] = {}
    renamed = list(range(circuit.inputs))
    for gate in circuit.gates:
        key = _normalise(gate.op, renamed[gate.a], renamed[gate.b])
        if key not in seen:
            seen[key] = builder.add(Gate(*key))
        renamed.append(seen[key])
    return eliminate_dead_gates(builder.build(renamed[circuit.output]))


def merge_equivalent_nodes(circuit: Circuit) -> Circuit:
    """Nodes computing the same function, or its complement, share one gate (exact: whole truth tables)."""
    tables = circuit.tables()
    inputs, full = circuit.inputs, circuit.full
    builder = _Builder(inputs)
    by_table: dict[int, int] = {table: k for k, table in enumerate(tables[:inputs])}
    source: list[tuple[int, bool]] = [(k, False) for k in range(inputs)]
    constants = {0: FALSE, full: TRUE}
    for index, gate in enumerate(circuit.gates):
        table = tables[inputs + index]
        if table in constants:
            source.append((builder.add(Gate(constants[table], 0, 0)), False))
            continue
        if table in by_table:
            source.append((by_table[table], False))
            continue
        if table ^ full in by_table:
            source.append((by_table[table ^ full], True))
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


def share_gates(circuits: tuple[Circuit, ...]) -> tuple[tuple[Gate, ...], tuple[int, ...]]:
    """Circuits over the same inputs as one list of gates, a gate two of them spell alike kept once, and each
    circuit's output node in it: several outputs computed together (a multi-state rule's bits of the state)."""
    inputs = circuits[0].inputs
    builder = _Builder(inputs)
    seen: dict[tuple[int, int, int], int] = {}
    outputs = []
    for circuit in circuits:
        renamed = list(range(inputs))
        for gate in circuit.gates:
            key = _normalise(gate.op, renamed[gate.a], renamed[gate.b])
            if key not in seen:
                seen[key] = builder.add(Gate(*key))
            renamed.append(seen[key])
        outputs.append(renamed[circuit.output])
    return tuple(builder.gates), tuple(outputs)
