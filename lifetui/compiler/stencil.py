"""-O3: resynthesise a learned circuit as a stencil that shares each row's work between three rows.

A 64-cell word's naive circuit recomputes, for every cell, everything it reads from its three rows.
Hand-written bitsliced code instead adds each row's cells once (west + east, and west + centre + east,
two bit planes each) and lets the three output rows that read that row share the sums. This pass does
the same for a learned circuit, from the circuit's own 512-bit truth table:

1. It splits the function into its nearest totalistic rule (for each centre and neighbour count, the
   value most of those neighbourhoods take) and the exceptions: the neighbourhoods where the function
   departs from that rule. Every exact Life-like kernel has none; an isotropic rule such as B2-a/S12
   a few; a random function many.
2. It builds the stencil: the shared row sums; two 3-to-2 compressors, one per bit plane, over the
   sums of the rows above and below and the west + east pair of the middle row, whose outputs (a
   parity and "not all equal" per plane) determine the neighbour count; and the decode from those four
   planes and the centre, synthesised from its truth table with don't-cares (combinations that cannot
   occur) by `synthesis.Search`.
3. With exceptions, the decode reads one more variable: a circuit of the nine cells, synthesised by
   `synthesis.synthesise` with every class of centre and count that has no exceptions left free, that
   says where the function departs from the totalistic rule (or gives its value) in the others.
4. It optimises the result with the -O2 passes and checks the composed stencil against the learned
   circuit on all 512 neighbourhoods; anything else is a bug and raises.

None of the learned gate structure survives: what is kept is the function, verified exactly. For a
large stencil, or none (the exceptions spread too widely), the pipeline also synthesises the function
directly, without the split, and emits the smaller.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from lifetui.compiler.circuit import Circuit, Gate
from lifetui.compiler.passes import optimise
from lifetui.compiler.synthesis import AND, OR, XOR, OverBudget, Search, emit, synthesise
from lifetui.model.network import INPUTS
from lifetui.rules import NEIGHBOURHOOD

CENTRE = NEIGHBOURHOOD.index("C")
NEIGHBOURS = tuple(k for k in range(INPUTS) if k != CENTRE)

#: The row stage, on inputs 0 west, 1 centre, 2 east: gate i is node 3 + i. Outputs: the two bit planes
#: of west + east (the pair) and of west + centre + east (the sum).
ROW_INPUTS = ("west", "centre", "east")
ROW_GATES = (Gate(XOR, 0, 2), Gate(AND, 0, 2), Gate(XOR, 3, 1), Gate(AND, 3, 1), Gate(OR, 4, 6))
ROW_OUTPUTS = (3, 4, 5, 7)
ROW_OUTPUT_NAMES = ("pair0", "pair1", "sum0", "sum1")
#: The combine stage's inputs, in the Circuit IR's first eight input slots (the last is unused): the sums
#: of the rows above and below, the pair of the middle row, its centre, and the exceptions circuit's
#: output (read only for a rule that is not totalistic).
COMBINE_INPUTS = ("up0", "up1", "mid0", "mid1", "down0", "down1", "centre", "exceptions")
UP0, UP1, MID0, MID1, DOWN0, DOWN1, MIDDLE, EXCEPTIONS = range(8)
#: (parity, not all equal) of three bits, by how many of them are set.
COMPRESSED = ((0, 0), (1, 1), (0, 1), (1, 0))


class StencilError(AssertionError):
    """The resynthesised stencil differs from the circuit it came from: a compiler bug."""


@dataclass(frozen=True)
class Stencil:
    combine: Circuit  # over COMBINE_INPUTS
    born: tuple[int, ...]  # neighbour counts that give birth in the totalistic part, read from the circuit
    survival: tuple[int, ...]
    exceptions: Circuit | None = None  # over the nine cells, for the classes where the rule departs from the counts
    departures: int = 0  # neighbourhoods where it does

    @property
    def size(self) -> int:
        """Two-input operations per 64-cell word: one row stage (shared by three rows), the combine (the
        decode), and the exceptions circuit whose output the decode reads."""
        return len(ROW_GATES) + self.combine.size + (self.exceptions.size if self.exceptions else 0)

    def depth(self) -> int:
        return compose(self).depth()


#: Each (centre, neighbour count) class of neighbourhoods, as a 512-bit mask.
CLASSES = {
    (centre, count): sum(
        1 << n for n in range(512)
        if (n >> CENTRE) & 1 == centre and sum((n >> k) & 1 for k in NEIGHBOURS) == count
    )
    for centre in (0, 1) for count in range(9)
}  # fmt: skip


def nearest_counts(table: int) -> tuple[tuple[int, ...], tuple[int, ...], int]:
    """(born, survival, exceptions) of the totalistic rule nearest the 512-bit table: a class of
    neighbourhoods is on when more than half of it is, and `exceptions` is where the table differs."""
    totalistic = 0
    for mask in CLASSES.values():
        if 2 * (table & mask).bit_count() > mask.bit_count():
            totalistic |= mask
    born = tuple(k for k in range(9) if totalistic & CLASSES[0, k])
    survival = tuple(k for k in range(9) if totalistic & CLASSES[1, k])
    return born, survival, table ^ totalistic


def neighbour_counts(table: int) -> tuple[tuple[int, ...], tuple[int, ...]] | None:
    """(born, survival) counts when the 512-bit table depends only on the centre and the count, else None."""
    born, survival, exceptions = nearest_counts(table)
    return None if exceptions else (born, survival)


def resynthesise(table: int) -> Stencil | None:
    """The function with this 512-bit truth table as a verified stencil: its nearest totalistic rule, and
    the exceptions if it has any; None when they are spread too widely for that to pay."""
    born, survival, departures = nearest_counts(table)
    # The decode's minterms: variables (parity, unequal) of the ones, of the twos, the centre, and the
    # exceptions circuit's output. on_totalistic: the nearest totalistic rule; mixed: the classes with exceptions.
    on_totalistic = care = mixed = 0
    for ones, compressed_ones in enumerate(COMPRESSED):
        for twos, compressed_twos in enumerate(COMPRESSED):
            if ones == 3 and twos == 3:
                continue  # three ones need the middle pair to be 1, which leaves its twos bit 0
            for centre in (0, 1):
                minterm = compressed_ones[0] | compressed_ones[1] << 1 | compressed_twos[0] << 2
                minterm |= compressed_twos[1] << 3 | centre << 4
                for letter in (0, 1):
                    care |= 1 << (minterm | letter << 5)
                    if ones + 2 * twos in (survival if centre else born):
                        on_totalistic |= 1 << (minterm | letter << 5)
                    if departures & CLASSES[centre, ones + 2 * twos]:
                        mixed |= 1 << (minterm | letter << 5)
    if not departures:
        return _stencil(table, born, survival, on_totalistic, care, None, 0)
    # In the classes with exceptions, the exceptions circuit either says where the rule departs from
    # its nearest totalistic rule (the decode XORs it in) or gives the rule's value (the decode passes
    # it on); elsewhere it may compute anything, which the decode ignores. Both are tried. Those free
    # neighbourhoods can multiply the synthesis search many times over: past a budget, the exceptions
    # are too spread for a stencil to pay.
    held = sum(mask for mask in CLASSES.values() if departures & mask)  # the classes holding exceptions
    candidates = []
    for exceptions, on in (
        (departures, on_totalistic ^ (_LITERAL_6 & mixed)),
        (table, (on_totalistic & ~mixed) | (_LITERAL_6 & mixed)),
    ):
        try:
            circuit = synthesise(exceptions, held, SEARCH_BUDGET)
        except OverBudget:
            break
        candidates.append(_stencil(table, born, survival, on, care, circuit, departures.bit_count()))
    return min(candidates, key=lambda stencil: stencil.size) if candidates else None


#: Subfunctions a synthesis search with free neighbourhoods may meet (about half a second's work).
SEARCH_BUDGET = 30_000


_LITERAL_6 = sum(1 << m for m in range(64) if m >> 5)  # the sixth decode variable, the exceptions' output


def _stencil(
    table: int, born: tuple[int, ...], survival: tuple[int, ...], on: int, care: int,
    exceptions: Circuit | None, departures: int,
) -> Stencil:  # fmt: skip
    """The stencil with this decode (a truth table over the compressed planes, the centre and the
    exceptions' output) and exceptions circuit, checked against `table`."""
    gates: list[Gate] = []

    def add(op: int, a: int, b: int) -> int:
        gates.append(Gate(op, a, b))
        return INPUTS + len(gates) - 1

    (output,) = decodes(((on, care),), 6, (MIDDLE, EXCEPTIONS), add)
    stencil = Stencil(optimise(Circuit(tuple(gates), output), 2), born, survival, exceptions, departures)
    if compose(stencil).truth_table() != table:
        raise StencilError("the -O3 stencil differs from the function it was made from")
    return stencil


def decodes(
    tables: Sequence[tuple[int, int]], variables: int, extra: tuple[int, ...], add: Callable[[int, int, int], int],
) -> list[int]:  # fmt: skip
    """The count's compressors over the combine's first six inputs (UP0 .. DOWN1), then a decode of each
    (on, care) table of `variables` variables: the compressed ones (parity, not all equal), the compressed
    twos, then the nodes `extra`. Gates go through add(op, a, b) -> node; returns each decode's node."""
    # Each bit plane's three bits (above, middle pair, below) compressed to a parity and "not all equal",
    # which together say how many of the three are set: the neighbours are ones + 2 x twos.
    planes = []
    for up, mid, down in ((UP0, MID0, DOWN0), (UP1, MID1, DOWN1)):
        upper, lower = add(XOR, up, mid), add(XOR, mid, down)
        planes += [add(XOR, upper, down), add(OR, upper, lower)]
    # The search splits on one variable at a time; a plane's parity XOR "unequal" (its count is 2 or 3)
    # is often the better variable, so each plane is also tried recoded that way, at one gate each.
    recodings = [(ones, twos) for ones in (False, True) for twos in (False, True)]
    search = Search(variables)
    found = {
        recoding: [search.best(*_recode(on, care, variables, *recoding)) for on, care in tables]
        for recoding in recodings
    }  # fmt: skip
    ones, twos = min(recodings, key=lambda recoding: sum(cost for cost, _ in found[recoding]) + sum(recoding))
    if ones:
        planes[1] = add(XOR, planes[0], planes[1])
    if twos:
        planes[3] = add(XOR, planes[2], planes[3])
    return [emit(plan, (*planes, *extra), add) for _, plan in found[ones, twos]]


def _recode(on: int, care: int, variables: int, ones: bool, twos: bool) -> tuple[int, int]:
    """The decode's tables with variable 1 replaced by variable 0 XOR 1 (`ones`), 3 by 2 XOR 3 (`twos`)."""
    recoded_on = recoded_care = 0
    for minterm in range(1 << variables):
        if (care >> minterm) & 1:
            target = minterm ^ ((minterm & 1) << 1 if ones else 0) ^ ((minterm >> 2 & 1) << 3 if twos else 0)
            recoded_care |= 1 << target
            recoded_on |= ((on >> minterm) & 1) << target
    return recoded_on, recoded_care


def compose(stencil: Stencil) -> Circuit:
    """The stencil as one flat 9-input circuit (three row stages, the combine, any exceptions), to verify it."""
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
    if stencil.exceptions:
        offset = len(gates)  # the exceptions read the cells, nodes 0..8, and their own gates after ours
        for gate in stencil.exceptions.gates:
            a, b = (node if node < INPUTS else node + offset for node in (gate.a, gate.b))
            gates.append(Gate(gate.op, a, b))
        output = stencil.exceptions.output
        renamed[EXCEPTIONS] = output if output < INPUTS else output + offset
    for gate in stencil.combine.gates:
        gates.append(Gate(gate.op, renamed[gate.a], renamed[gate.b]))
        renamed.append(INPUTS + len(gates) - 1)
    output = renamed[stencil.combine.output]
    return Circuit(tuple(gates), output)
