"""-O3: resynthesise a learned circuit as a stencil that shares each row's work between three rows.

A 64-cell word's naive circuit recomputes, for every cell, everything it reads from its three rows.
Hand-written bitsliced code instead adds each row's three cells once (west + centre + east, two bit planes)
and lets the three output rows that read that row share the sums. This pass does the same for a
learned circuit, from the circuit's own 512-bit truth table:

1. It checks that the function is symmetric in the eight neighbours, so it depends only on the
   centre and the neighbour count. Every exact Life-like kernel is; a circuit that is not (an
   inexact kernel run with --allow-inexact, say) keeps its -O2 form.
2. It reads the decode off the truth table: for each count, born or not, survives or not.
3. It builds the stencil: the shared row sums, an adder of three 2-bit sums into the 4-bit block
   count (centre included), and the decode, synthesised from its truth table with don't-cares
   (counts that cannot occur) by a search over Shannon splits that prefers one-gate splits.
4. It optimises the result with the -O2 passes and checks the composed stencil against the learned
   circuit on all 512 neighbourhoods; anything else is a bug and raises.

None of the learned gate structure survives: what is kept is the function, verified exactly.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from lifetui.compiler.circuit import FALSE, NOT_A, TRUE, Circuit, Gate
from lifetui.compiler.passes import optimise
from lifetui.model.network import INPUTS
from lifetui.rules import NEIGHBOURHOOD

CENTRE = NEIGHBOURHOOD.index("C")
NEIGHBOURS = tuple(k for k in range(INPUTS) if k != CENTRE)
AND, A_AND_NOT_B, XOR, OR, A_OR_NOT_B = 1, 2, 6, 7, 11

#: The row stage, on inputs 0 west, 1 centre, 2 east: gate i is node 3 + i. Outputs: sum0, sum1.
ROW_INPUTS = ("west", "centre", "east")
ROW_GATES = (Gate(XOR, 0, 1), Gate(XOR, 3, 2), Gate(AND, 0, 1), Gate(AND, 3, 2), Gate(OR, 5, 6))
ROW_OUTPUTS = (4, 7)
#: The combine stage's inputs, in the Circuit IR's first seven input slots (the last two are unused).
COMBINE_INPUTS = ("up0", "up1", "mid0", "mid1", "down0", "down1", "centre")
UP0, UP1, MID0, MID1, DOWN0, DOWN1, MIDDLE = range(7)


class StencilError(AssertionError):
    """The resynthesised stencil differs from the circuit it came from: a compiler bug."""


@dataclass(frozen=True)
class Stencil:
    combine: Circuit  # over COMBINE_INPUTS
    born: tuple[int, ...]  # neighbour counts that give birth, read from the circuit
    survival: tuple[int, ...]

    @property
    def size(self) -> int:
        """Two-input operations per 64-cell word: one row stage (shared by three rows) and the combine."""
        return len(ROW_GATES) + self.combine.size

    def depth(self) -> int:
        return compose(self).depth()


def neighbour_counts(table: int) -> tuple[tuple[int, ...], tuple[int, ...]] | None:
    """(born, survival) counts when the 512-bit table depends only on the centre and the count, else None."""
    decode: dict[tuple[int, int], int] = {}
    for n in range(512):
        key = ((n >> CENTRE) & 1, sum((n >> k) & 1 for k in NEIGHBOURS))
        if decode.setdefault(key, (table >> n) & 1) != (table >> n) & 1:
            return None
    born = tuple(k for k in range(9) if decode[(0, k)])
    survival = tuple(k for k in range(9) if decode[(1, k)])
    return born, survival


def resynthesise(circuit: Circuit) -> Stencil | None:
    """The circuit as a verified stencil, or None when its function is not symmetric in the neighbours."""
    table = circuit.truth_table()
    counts = neighbour_counts(table)
    if counts is None:
        return None
    born, survival = counts
    gates: list[Gate] = []

    def add(op: int, a: int, b: int) -> int:
        gates.append(Gate(op, a, b))
        return INPUTS + len(gates) - 1

    # The block count up + mid + down (0..9, centre included), column by column.
    half0 = add(XOR, UP0, MID0)
    bit0 = add(XOR, half0, DOWN0)
    carry0 = add(OR, add(AND, UP0, MID0), add(AND, half0, DOWN0))
    half1 = add(XOR, UP1, MID1)
    parity1 = add(XOR, half1, DOWN1)
    majority1 = add(OR, add(AND, UP1, MID1), add(AND, half1, DOWN1))
    bit1 = add(XOR, parity1, carry0)
    carry1 = add(AND, parity1, carry0)
    bit2 = add(XOR, majority1, carry1)
    bit3 = add(AND, majority1, carry1)
    # The decode: variables bit0..bit3 of the block count, then the centre.
    on = care = 0
    for block in range(16):
        for centre in (0, 1):
            neighbours = block - centre
            if not 0 <= neighbours <= 8:
                continue  # cannot happen: a don't-care
            minterm = block | centre << 4
            care |= 1 << minterm
            if neighbours in (survival if centre else born):
                on |= 1 << minterm
    plan = _best(on, care, 0b11111)[1]
    output = _emit(plan, (bit0, bit1, bit2, bit3, MIDDLE), add)
    stencil = Stencil(optimise(Circuit(tuple(gates), output), 2), born, survival)
    if compose(stencil).truth_table() != table:
        raise StencilError("the -O3 stencil differs from the learned circuit")
    return stencil


def compose(stencil: Stencil) -> Circuit:
    """The stencil as one flat 9-input circuit (three row stages, then the combine), to verify it."""
    gates: list[Gate] = []
    planes: list[int] = []
    for row in range(3):
        inputs = [3 * row, 3 * row + 1, 3 * row + 2]
        nodes = inputs + [0] * len(ROW_GATES)
        for index, gate in enumerate(ROW_GATES):
            gates.append(Gate(gate.op, nodes[gate.a], nodes[gate.b]))
            nodes[3 + index] = INPUTS + len(gates) - 1
        planes += [nodes[output] for output in ROW_OUTPUTS]
    renamed = [*planes, CENTRE, 0, 0]
    for gate in stencil.combine.gates:
        gates.append(Gate(gate.op, renamed[gate.a], renamed[gate.b]))
        renamed.append(INPUTS + len(gates) - 1)
    return Circuit(tuple(gates), renamed[stencil.combine.output])


# Synthesis of a small function (5 variables, 32-bit truth tables with a care set) by Shannon splits.

_VARIABLES = 5
_FULL = (1 << (1 << _VARIABLES)) - 1
_LITERALS = tuple(sum(1 << m for m in range(1 << _VARIABLES) if (m >> v) & 1) for v in range(_VARIABLES))


def _cofactor(table: int, variable: int, value: int) -> int:
    """The table with `variable` fixed to `value`, as a table that no longer depends on it."""
    shift = 1 << variable
    if value:
        half = table & _LITERALS[variable]
        return half | (half >> shift)
    half = table & ~_LITERALS[variable] & _FULL
    return half | (half << shift)


# A plan is ("const", value), ("var", variable, negated) or ("gate", op, plan_a, plan_b).


@functools.cache
def _best(on: int, care: int, variables: int) -> tuple[int, tuple]:
    """(gates, plan) of the cheapest split found for the function `on` on the minterms `care`."""
    on &= care
    if on == 0:
        return 0, ("const", 0)
    if on == care:
        return 0, ("const", 1)
    for v in range(_VARIABLES):
        if (on ^ _LITERALS[v]) & care == 0:
            return 0, ("var", v, False)
        if (on ^ ~_LITERALS[v]) & care == 0:
            return 0, ("var", v, True)
    best: tuple[int, tuple] | None = None
    for v in range(_VARIABLES):
        if not (variables >> v) & 1:
            continue
        rest = variables & ~(1 << v)
        on0, care0, on1, care1 = (_cofactor(on, v, 0), _cofactor(care, v, 0),
                                  _cofactor(on, v, 1), _cofactor(care, v, 1))  # fmt: skip
        both = care0 & care1
        if (on0 ^ on1) & both == 0:  # v does not matter
            return _best(on0 | on1, care0 | care1, rest)
        literal = ("var", v, False)
        options = []
        if on0 & care0 == 0:  # v ? f1 : 0
            options.append((AND, _best(on1, care1, rest), literal))
        if on1 & care1 == 0:  # v ? 0 : f0
            options.append((A_AND_NOT_B, _best(on0, care0, rest), literal))
        if care0 & ~on0 == 0:  # v ? f1 : 1
            options.append((A_OR_NOT_B, _best(on1, care1, rest), literal))
        if care1 & ~on1 == 0:  # v ? 1 : f0
            options.append((OR, _best(on0, care0, rest), literal))
        if (on0 ^ ~on1) & both == 0:  # v ? not f0 : f0
            options.append((XOR, _best(on0 | (~on1 & care1), care0 | care1, rest), literal))
        for op, (cost, plan), operand in options:
            if best is None or cost + 1 < best[0]:
                best = cost + 1, ("gate", op, plan, operand)
        if not options:
            cost0, plan0 = _best(on0, care0, rest)
            cost1, plan1 = _best(on1, care1, rest)
            # v ? f1 : f0 as f0 ^ (v & (f0 ^ f1)): three gates.
            if best is None or cost0 + cost1 + 3 < best[0]:
                mixed = ("gate", AND, ("gate", XOR, plan0, plan1), literal)
                best = cost0 + cost1 + 3, ("gate", XOR, plan0, mixed)
    assert best is not None, "a non-constant function depends on some variable"
    return best


def _emit(plan: tuple, variables: tuple[int, ...], add) -> int:
    """Gates for a plan, through add(op, a, b) -> node; returns the plan's node."""
    kind = plan[0]
    if kind == "const":
        return add(TRUE if plan[1] else FALSE, 0, 0)
    if kind == "var":
        node = variables[plan[1]]
        return add(NOT_A, node, node) if plan[2] else node
    a = _emit(plan[2], variables, add)
    b = _emit(plan[3], variables, add)
    return add(plan[1], a, b)
