"""-O3: resynthesise a learned circuit as a stencil that shares each row's work between three rows.

A 64-cell word's naive circuit recomputes, for every cell, everything it reads from its three rows.
Hand-written bitsliced code instead adds each row's cells once (west + east, and west + centre + east,
two bit planes each) and lets the three output rows that read that row share the sums. This pass does
the same for a learned circuit, from the circuit's own 512-bit truth table:

1. It checks that the function is symmetric in the eight neighbours, so it depends only on the
   centre and the neighbour count. Every exact Life-like kernel is; a circuit that is not (an
   inexact kernel run with --allow-inexact, say) keeps its -O2 form.
2. It reads the decode off the truth table: for each count, born or not, survives or not.
3. It builds the stencil: the shared row sums; two 3-to-2 compressors, one per bit plane, over the
   sums of the rows above and below and the west + east pair of the middle row, whose outputs (a
   parity and "not all equal" per plane) determine the neighbour count; and the decode from those four
   planes and the centre, synthesised from its truth table with don't-cares (combinations that cannot
   occur) by a search over Shannon splits that prefers one-gate splits.
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

#: The row stage, on inputs 0 west, 1 centre, 2 east: gate i is node 3 + i. Outputs: the two bit planes
#: of west + east (the pair) and of west + centre + east (the sum).
ROW_INPUTS = ("west", "centre", "east")
ROW_GATES = (Gate(XOR, 0, 2), Gate(AND, 0, 2), Gate(XOR, 3, 1), Gate(AND, 3, 1), Gate(OR, 4, 6))
ROW_OUTPUTS = (3, 4, 5, 7)
ROW_OUTPUT_NAMES = ("pair0", "pair1", "sum0", "sum1")
#: The combine stage's inputs, in the Circuit IR's first seven input slots (the last two are unused):
#: the sums of the rows above and below, the pair of the middle row, and its centre.
COMBINE_INPUTS = ("up0", "up1", "mid0", "mid1", "down0", "down1", "centre")
UP0, UP1, MID0, MID1, DOWN0, DOWN1, MIDDLE = range(7)
#: (parity, not all equal) of three bits, by how many of them are set.
COMPRESSED = ((0, 0), (1, 1), (0, 1), (1, 0))


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
    """The circuit as a verified stencil, or None when its function is not totalistic (symmetric in the neighbours)."""
    table = circuit.truth_table()
    counts = neighbour_counts(table)
    if counts is None:
        return None
    born, survival = counts
    gates: list[Gate] = []

    def add(op: int, a: int, b: int) -> int:
        gates.append(Gate(op, a, b))
        return INPUTS + len(gates) - 1

    # Each bit plane's three bits (above, middle pair, below) compressed to a parity and "not all equal",
    # which together say how many of the three are set: the neighbours are ones + 2 x twos.
    planes = []
    for up, mid, down in ((UP0, MID0, DOWN0), (UP1, MID1, DOWN1)):
        upper, lower = add(XOR, up, mid), add(XOR, mid, down)
        planes += [add(XOR, upper, down), add(OR, upper, lower)]
    # The decode: variables (parity, unequal) of the ones, of the twos, then the centre.
    on = care = 0
    for ones, compressed_ones in enumerate(COMPRESSED):
        for twos, compressed_twos in enumerate(COMPRESSED):
            if ones == 3 and twos == 3:
                continue  # three ones need the middle pair to be 1, which leaves its twos bit 0
            for centre in (0, 1):
                minterm = compressed_ones[0] | compressed_ones[1] << 1 | compressed_twos[0] << 2
                minterm |= compressed_twos[1] << 3 | centre << 4
                care |= 1 << minterm
                if ones + 2 * twos in (survival if centre else born):
                    on |= 1 << minterm
    # The search splits on one variable at a time; a plane's parity XOR "unequal" (its count is 2 or 3)
    # is often the better variable, so each plane is also tried recoded that way, at one gate each.
    recodings = [(ones, twos) for ones in (False, True) for twos in (False, True)]
    costs = {recoding: _best(*_recode(on, care, *recoding), 0b11111) for recoding in recodings}
    ones, twos = min(recodings, key=lambda recoding: costs[recoding][0] + sum(recoding))
    if ones:
        planes[1] = add(XOR, planes[0], planes[1])
    if twos:
        planes[3] = add(XOR, planes[2], planes[3])
    output = _emit(costs[ones, twos][1], (*planes, MIDDLE), add)
    stencil = Stencil(optimise(Circuit(tuple(gates), output), 2), born, survival)
    if compose(stencil).truth_table() != table:
        raise StencilError("the -O3 stencil differs from the learned circuit")
    return stencil


def _recode(on: int, care: int, ones: bool, twos: bool) -> tuple[int, int]:
    """The decode's tables with variable 1 replaced by variable 0 XOR 1 (`ones`), 3 by 2 XOR 3 (`twos`)."""
    recoded_on = recoded_care = 0
    for minterm in range(32):
        if (care >> minterm) & 1:
            target = minterm ^ ((minterm & 1) << 1 if ones else 0) ^ ((minterm >> 2 & 1) << 3 if twos else 0)
            recoded_care |= 1 << target
            recoded_on |= ((on >> minterm) & 1) << target
    return recoded_on, recoded_care


def compose(stencil: Stencil) -> Circuit:
    """The stencil as one flat 9-input circuit (three row stages, then the combine), to verify it."""
    gates: list[Gate] = []
    planes: list[list[int]] = []
    for row in range(3):
        inputs = [3 * row, 3 * row + 1, 3 * row + 2]
        nodes = inputs + [0] * len(ROW_GATES)
        for index, gate in enumerate(ROW_GATES):
            gates.append(Gate(gate.op, nodes[gate.a], nodes[gate.b]))
            nodes[3 + index] = INPUTS + len(gates) - 1
        planes.append([nodes[output] for output in ROW_OUTPUTS])
    (_, _, up0, up1), (mid0, mid1, _, _), (_, _, down0, down1) = planes
    renamed = [up0, up1, mid0, mid1, down0, down1, CENTRE, 0, 0]
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
