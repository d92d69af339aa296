"""-O3 for a multi-state rule: an on plane, the two-state stencil's neighbour count over it, a decode per bit.

A Generations rule's next state reads the centre's state and how many neighbours are in some set of states
(the firing ones). This pass finds such a set from the learned circuits' own truth tables over the 9 x P state
bits, with the neighbourhoods that cannot occur (codes no state has) free, as kernels record them:

1. For each projection g of one cell's P bits to one bit (the on plane; g(state 0) = 0, so the zero bits
   past a row's cells stay off, and codes no state has are free), it checks on every neighbourhood that can
   occur that each bit of the next state is a function of the centre's P bits and the count of g over the
   eight neighbours. The complement of a g that works works too (the count becomes 8 minus it), so g(0) = 0
   loses nothing; that leaves 2^(states - 1) projections to try.
2. For each g that factors it builds the stencil: g itself (synthesised over the P bits), the two-state
   stencil's row stage over g's plane (`stencil.ROW_GATES`), the compressors of the count and a decode of
   each bit from the compressed count, the centre's on plane and its bits, synthesised with the combinations
   of centre and count that never occur free (`stencil.decodes`). A second stencil decodes first the
   two-state rule the on plane follows (is the centre on next?) and lets each bit read that too: a
   Generations rule's bits are a gate or three from it.
3. It keeps the smallest, checks each bit of the composed stencil against the circuit it came from on every
   neighbourhood that can occur (StencilError otherwise), and the pipeline emits it when it beats -O2.

No g factors a rule whose neighbours count by their positions too (Hensel letters), nor, as a rule, a circuit
that departs from its rule here and there; -O3 then keeps the -O2 circuits and says why.

A History rule's next state also reads whether one of the nine cells is the boundary: its stencil (built from a
network in parts, `parts.py`) has a second plane, `near`, a circuit over one cell's bits as `on` is, whose OR
over each row's west, centre and east cells is shared between the three rows that read it, as the sums are;
the decode reads the OR of the three rows' as one more input, after the centre's bits.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from lifetui.compiler.circuit import Circuit, Gate, reads
from lifetui.compiler.passes import optimise, share_gates
from lifetui.compiler.stencil import COMPRESSED, ROW_GATES, ROW_OUTPUTS, StencilError, decodes
from lifetui.compiler.synthesis import OR, Search, emit
from lifetui.model.network import INPUTS, occurring_neighbourhoods, state_bits
from lifetui.rules import NEIGHBOURHOOD

CENTRE = NEIGHBOURHOOD.index("C")
NEIGHBOURS = [k for k in range(INPUTS) if k != CENTRE]
#: The combine's first inputs, as the two-state stencil's: the sums of the rows above and below and the pair of
#: the middle row, over the on plane.
SUMS = ("up0", "up1", "mid0", "mid1", "down0", "down1")
#: The combine's input after the sums: the on plane of the middle row's cells (the runtime has it from their row
#: stage); then the centre's state bits.
ON = len(SUMS)
#: Operations of the boundary's OR over the neighbourhood: a row's west | centre | east, then the three rows'.
NEAR_GATES = 4


@dataclass(frozen=True)
class StatesStencil:
    """A multi-state rule's -O3 form: the on plane `on` of each cell's bits, its row sums, and `gates` (over the
    six sums, the centre's on plane and its bits, and for History whether the boundary plane `near` is set in
    any of the nine cells) whose node `outputs[p]` is bit p of the next state."""

    on: Circuit  # over one cell's P state bits
    on_states: tuple[int, ...]  # the states g is 1 on
    gates: tuple[Gate, ...]  # the compressors and the decodes, shared
    outputs: tuple[int, ...]
    planes: int
    near: Circuit | None = None  # History's boundary plane, over one cell's P state bits

    @property
    def combine_inputs(self) -> int:
        return len(SUMS) + 1 + self.planes + (self.near is not None)

    @property
    def near_input(self) -> int:
        """The combine's input that is the boundary's OR over the neighbourhood (after the centre's bits)."""
        return len(SUMS) + 1 + self.planes

    @property
    def combine_size(self) -> int:
        return Circuit(self.gates, 0, self.combine_inputs).size

    @property
    def size(self) -> int:
        """Two-input operations per 64-cell word: the on plane, one row stage (shared by three rows), the boundary
        plane and its OR (a row's, shared, and the three rows'), and the compressors and decodes; each of the
        first four only where the decodes read it."""
        read = {node for node in self.outputs if node < self.combine_inputs}
        for gate in self.gates:
            uses_a, uses_b = reads(gate.op)
            read |= {gate.a} if uses_a else set()
            read |= {gate.b} if uses_b else set()
        counts = any(node in read for node in range(len(SUMS)))
        on = self.on.size if counts or ON in read else 0
        near = self.near.size + NEAR_GATES if self.near is not None and self.near_input in read else 0
        return on + (len(ROW_GATES) if counts else 0) + near + self.combine_size

    def depth(self) -> int:
        return max(circuit.depth() for circuit in compose(self))


def resynthesise_states(tables: tuple[int, ...], states: int) -> tuple[StatesStencil | None, str]:
    """The smallest stencil of the functions with these truth tables (bit p of the next state the p-th, over the
    9 x P state bits) on the neighbourhoods of `states` states that can occur, checked; or None, and why."""
    planes = state_bits(states)
    index = occurring_neighbourhoods(states)
    shifts = INPUTS * np.arange(planes)[:, None, None] + np.arange(INPUTS)[None, :, None]
    cells = (((index[None, None, :] >> shifts) & 1) << np.arange(planes)[:, None, None]).sum(axis=0)  # (9, n)
    values = [_bits_at(table, index, INPUTS * planes) for table in tables]
    best: StatesStencil | None = None
    for chosen in range(1 << (states - 1)):
        on_states = tuple(state for state in range(1, states) if (chosen >> (state - 1)) & 1)
        following = _following(cells, values, on_states, states)
        if following is None:
            continue
        for stencil in stencils(on_states, following, states):
            if best is None or stencil.size < best.size:
                best = stencil
    if best is None:
        return None, "no set of states whose count among the neighbours, with the centre's state, gives the next state"
    for circuit, wanted in zip(compose(best), values, strict=True):
        if not np.array_equal(_bits_at(circuit.truth_table(), index, circuit.inputs), wanted):
            raise StencilError("the -O3 stencil of a multi-state rule differs from the circuits it was made from")
    return best, ""


def _bits_at(table: int, index: np.ndarray, inputs: int) -> np.ndarray:
    """The truth table (over `inputs` inputs) at these input combinations, 0/1."""
    size = max(1, (1 << inputs) // 8)
    bits = np.unpackbits(np.frombuffer(table.to_bytes(size, "little"), dtype=np.uint8), bitorder="little")
    return bits[index]


def _following(
    cells: np.ndarray, values: list[np.ndarray], on_states: tuple[int, ...], states: int
) -> np.ndarray | None:
    """(states, 9): the next state of a centre in each state with each count of `on_states` among its
    neighbours (-1 where that never occurs), when every bit of the next state is a function of the two on every
    neighbourhood (`cells`: (9, n) states, `values`: each bit's value on them); else None."""
    on = np.zeros(states, dtype=np.int64)
    on[list(on_states)] = 1
    classes = cells[CENTRE] * 9 + on[cells[NEIGHBOURS]].sum(axis=0)  # (centre's state, count) of each
    held = np.bincount(classes, minlength=9 * states)
    following = np.where(held > 0, 0, -1)
    for bit, bits in enumerate(values):
        ones = np.bincount(classes, weights=bits, minlength=9 * states)
        if np.any((ones != 0) & (ones != held)):
            return None
        following[ones > 0] |= 1 << bit
    return following.reshape(states, 9)


def _classes(following: np.ndarray) -> list[tuple[int, int, int, int]]:
    """(minterm of the compressed count, count, centre's state, near) of every class that occurs (`following`:
    (states, 9, nears)), for each way of compressing its count: four variables, the ones' parity and "not all
    equal", then the twos'."""
    found = []
    states, _, nears = following.shape
    for count_ones, (parity_ones, unequal_ones) in enumerate(COMPRESSED):
        for count_twos, (parity_twos, unequal_twos) in enumerate(COMPRESSED):
            if count_ones == 3 and count_twos == 3:
                continue  # three ones need the middle pair to be 1, which leaves its twos bit 0
            compressed = parity_ones | unequal_ones << 1 | parity_twos << 2 | unequal_twos << 3
            count = count_ones + 2 * count_twos
            found += [
                (compressed, count, state, near)
                for state in range(states)
                for near in range(nears)
                if following[state, count, near] >= 0
            ]
    return found


def stencils(
    on_states: tuple[int, ...], following: np.ndarray, states: int, near: Circuit | None = None
) -> list[StatesStencil]:
    """Stencils of the on plane `on_states` and this table of next states ((states, 9), or with the boundary plane
    `near` (states, 9, 2): by whether it is set in any of the nine cells): each bit decoded from the count, the
    centre's on plane and its state (and the boundary's OR), and also from the two-state rule the on plane
    follows (whether the centre is on next), which a Generations rule's bits read."""
    planes = state_bits(states)
    if near is None:
        following = following[:, :, None]
    on_gates, add_on = _builder(planes)
    # g over the state's bits, minterm m the code m: free on the codes no state has.
    _, plan = Search(planes).best(sum(1 << state for state in on_states), (1 << states) - 1)
    on_output = emit(plan, tuple(range(planes)), add_on)
    on = optimise(Circuit(tuple(on_gates), on_output, planes), 2)
    is_on = [int(state in on_states) for state in range(states)]
    classes = _classes(following)
    # The two-state rule of the on plane: whether the next state is on, from the count and whether the centre
    # is, read from one state of each kind (one whose next state's plane depends on the count, if any), with no
    # boundary near.
    away = following[:, :, 0]
    turns_on = {}
    for kind in (0, 1):
        kin = [state for state in range(states) if is_on[state] == kind]
        varying = [state for state in kin if len({is_on[after] for after in away[state] if after >= 0}) > 1]
        source = (varying or kin or [0])[0]
        for count in range(9):
            if away[source, count] >= 0:
                turns_on[count, kind] = is_on[away[source, count]]
    rule_on = rule_care = 0
    for compressed, count, state, _ in classes:
        if (count, is_on[state]) in turns_on:
            minterm = compressed | is_on[state] << 4
            rule_care |= 1 << minterm
            rule_on |= turns_on[count, is_on[state]] << minterm
    inputs = ON + 1 + planes + (near is not None)
    centre = tuple(range(ON + 1, ON + 1 + planes))
    boundary = (ON + 1 + planes,) if near is not None else ()
    found = []
    for read_rule in (False, True):
        gates, add = _builder(inputs)
        extra: tuple[int, ...] = (ON, *centre, *boundary)
        if read_rule:
            (rule_node,) = decodes(((rule_on, rule_care),), 5, (ON,), add)
            extra = (ON, rule_node, *centre, *boundary)
        state_at = 5 + read_rule
        tables = []
        for bit in range(planes):
            table = care = 0
            for compressed, count, state, near_bit in classes:
                minterm = compressed | is_on[state] << 4
                if read_rule:
                    minterm |= turns_on.get((count, is_on[state]), 0) << 5
                minterm |= state << state_at | near_bit << (state_at + planes)
                care |= 1 << minterm
                table |= ((int(following[state, count, near_bit]) >> bit) & 1) << minterm
            tables.append((table, care))
        outputs = decodes(tables, 4 + len(extra), extra, add)
        shared, nodes = share_gates(tuple(optimise(Circuit(tuple(gates), node, inputs), 2) for node in outputs))
        found.append(StatesStencil(on, on_states, shared, nodes, planes, near))
    return found


def _builder(inputs: int) -> tuple[list[Gate], Callable[[int, int, int], int]]:
    """A list of gates after `inputs` inputs, and add(op, a, b) -> node, which appends to it."""
    gates: list[Gate] = []

    def add(op: int, a: int, b: int) -> int:
        gates.append(Gate(op, a, b))
        return inputs + len(gates) - 1

    return gates, add


def compose(stencil: StatesStencil) -> tuple[Circuit, ...]:
    """The stencil as one flat circuit per bit of the next state over the 9 x P state bits (g on each of the
    nine cells, three row stages, the boundary plane on each and its OR, the combine), to verify it."""
    planes = stencil.planes
    inputs = INPUTS * planes
    gates: list[Gate] = []

    def append(circuit_gates: tuple[Gate, ...], sources: list[int]) -> list[int]:
        """Gates reading `sources` (node k < len(sources) is sources[k]) appended; every node's new number."""
        nodes = list(sources)
        for gate in circuit_gates:
            gates.append(Gate(gate.op, nodes[gate.a], nodes[gate.b]))
            nodes.append(inputs + len(gates) - 1)
        return nodes

    on = [append(stencil.on.gates, [INPUTS * p + k for p in range(planes)])[stencil.on.output] for k in range(INPUTS)]
    sums = []
    for row in range(3):
        nodes = append(ROW_GATES, on[3 * row : 3 * row + 3])
        sums.append([nodes[output] for output in ROW_OUTPUTS])
    (_, _, up0, up1), (mid0, mid1, _, _), (_, _, down0, down1) = sums
    centre = [INPUTS * p + CENTRE for p in range(planes)]
    if stencil.near is not None:
        near = stencil.near
        cells = [append(near.gates, [INPUTS * p + k for p in range(planes)])[near.output] for k in range(INPUTS)]
        # Each row's west | centre | east, then the three rows', as the runtimes do.
        rows = [append((Gate(OR, 0, 1), Gate(OR, 3, 2)), cells[3 * row : 3 * row + 3])[4] for row in range(3)]
        centre.append(append((Gate(OR, 0, 1), Gate(OR, 3, 2)), rows)[4])
    nodes = append(stencil.gates, [up0, up1, mid0, mid1, down0, down1, on[CENTRE], *centre])
    return tuple(Circuit(tuple(gates), nodes[output], inputs) for output in stencil.outputs)
