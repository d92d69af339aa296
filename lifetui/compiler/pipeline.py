"""The compile pipeline, the one way from a network to C: extract, optimise, resynthesise, verify, emit.

-O0 keeps every gate, -O1 drops dead gates and copies, -O2 adds constant folding and exact merging of
equivalent nodes, -O3 (the default) resynthesises the -O2 circuit's function: as a stencil that shares
row sums (`stencil.py`; for a rule that is not totalistic, with a circuit of exceptions), or, when that
is smaller, as a circuit synthesised directly from the truth table (`synthesis.py`); it keeps the -O2
circuit if neither beats it. `verify`, `compile` and the c engine all compile through `compile_network`.

A multi-state rule's network (several outputs, 9 x bits inputs) compiles to one circuit per bit of the next
state (`CompiledStates`), optimised at up to -O2 and checked on every neighbourhood that can occur; -O3
resynthesises them as a stencil over an on plane (`states.py`) where the rule counts its neighbours in one set
of states, and keeps the -O2 circuits, saying why, where it does not. The planes runtime (c/planes.c) steps
either.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, replace

from lifetui.compiler.build import planes_source, runtime_source
from lifetui.compiler.circuit import Circuit, extract, wrong_neighbourhoods, wrong_states
from lifetui.compiler.codegen import circuit_source, states_source, states_stencil_source, stencil_source
from lifetui.compiler.parts import check_composed, compose_parts, part_circuits, stencil_of_parts
from lifetui.compiler.passes import optimise
from lifetui.compiler.states import NEAR_GATES, StatesStencil, resynthesise_states
from lifetui.compiler.stencil import ROW_GATES, Stencil, resynthesise
from lifetui.compiler.synthesis import synthesise
from lifetui.errors import UsageError
from lifetui.model.factored import FactoredNetwork, Mistakes, shape_problem
from lifetui.model.network import Network, neighbourhood_count
from lifetui.rules import Rule

DEFAULT_LEVEL = 3
#: The most operations a circuit handed to gcc may have (a trained kernel's has a few hundred).
MAX_GATES = 20_000


class CircuitTooLarge(UsageError):
    """A kernel whose circuit would keep gcc busy for minutes."""


def refuse_too_large(size: int, level: int) -> None:
    """CircuitTooLarge for a circuit of more than MAX_GATES operations: gcc (or XLA) would take many minutes
    over it."""
    if size > MAX_GATES:
        raise CircuitTooLarge(
            f"the -O{level} circuit has {size:,} operations, more than lifetui compiles "
            f"({MAX_GATES:,}); a trained kernel has a few hundred"
        )


@dataclass(frozen=True)
class Compiled:
    """A network compiled at a level for a rule, with the neighbourhoods where it departs from the rule."""

    rule: Rule
    level: int
    network_gates: int
    circuit: Circuit  # the circuit at -O(min(level, 2)); it defines the function -O3 keeps
    stencil: Stencil | None  # -O3 as a stencil
    wrong: tuple[int, ...]  # neighbourhood indices where the circuit disagrees with the rule
    synthesised: Circuit | None = None  # -O3 as a circuit synthesised from the truth table

    @property
    def emitted(self) -> Circuit:
        """The circuit emitted when there is no stencil."""
        return self.synthesised or self.circuit

    @property
    def wrong_count(self) -> int:
        return len(self.wrong)

    @property
    def verified(self) -> bool:
        """True when the circuit equals the rule on all 512 neighbourhoods."""
        return not self.wrong

    @property
    def form(self) -> str:
        return "stencil" if self.stencil else "circuit"

    @property
    def size(self) -> int:
        """Two-input operations per 64-cell word, not counting the shifts that gather neighbours."""
        return self.stencil.size if self.stencil else self.emitted.size

    def depth(self) -> int:
        return self.stencil.depth() if self.stencil else self.emitted.depth()

    def function_source(self) -> str:
        """The C functions the runtime calls for this circuit (lifetui_cell, or lifetui_row and lifetui_rows)."""
        if self.stencil:
            return stencil_source(self.stencil, self.rule, self.verified)
        if self.synthesised:
            how = "resynthesised at -O3 from its truth table"
            return circuit_source(self.synthesised, self.rule, how, self.verified)
        return circuit_source(self.circuit, self.rule, f"at -O{min(self.level, 2)}", self.verified)

    def source(self) -> str:
        """One buildable C file: the circuit's functions, then the runtime that steps a board with them."""
        self.refuse_too_large()
        return self.function_source() + runtime_source()

    def refuse_too_large(self) -> None:
        refuse_too_large(self.size, self.level)

    def describe(self) -> str:
        if self.stencil and self.stencil.exceptions:
            totalistic = Rule.from_counts(set(self.stencil.born), set(self.stencil.survival))
            return (f"{self.size} gates per word, depth {self.depth()} (-O{self.level} stencil: {totalistic} and "
                    f"{self.stencil.exceptions.size} gates for its {self.stencil.departures} exceptions)")  # fmt: skip
        if self.stencil:
            return f"{self.size} gates per word, depth {self.depth()} (-O{self.level} stencil)"
        if self.synthesised:
            return f"{self.size} gates, depth {self.depth()} (-O{self.level}, synthesised from the truth table)"
        kept = " (-O3 kept the -O2 circuit: smaller than any resynthesis)" if self.level >= 3 else ""
        return f"{self.size} gates, depth {self.depth()} (-O{min(self.level, 2)}){kept}"

    def summary(self) -> dict:
        """The contract's `compile --json` object."""
        return {
            "rule": str(self.rule), "level": self.level, "network_gates": self.network_gates, "form": self.form,
            "gates": self.size, "depth": self.depth(), "verified": self.verified,
        }  # fmt: skip


@dataclass(frozen=True)
class CompiledStates:
    """A multi-state rule's network compiled at a level: a circuit per bit of the next state, over the 9 x bits
    state bits of the neighbourhood, with the neighbourhoods that can occur where it departs from the rule."""

    rule: Rule
    level: int
    network_gates: int
    circuits: tuple[Circuit, ...]  # bit p of the next state the p-th, at -O(min(level, 2))
    #: Neighbourhood indices (bit 9p + k: bit p of cell k's state) that the circuits get wrong; with `checked`, the
    #: first few as the nine cells' states.
    wrong: tuple[int | tuple[int, ...], ...]
    stencil: StatesStencil | None = None  # -O3, where it is smaller than the circuits
    kept: str = ""  # at -O3 without a stencil, why
    #: A network in parts: its circuits share one list of gates, and were checked by class (`parts.py`); `wrong`
    #: then lists the first few neighbourhoods it departs from the rule on, as tuples of the nine states.
    checked: Mistakes | None = None

    @property
    def form(self) -> str:
        return "stencil" if self.stencil else "circuit"

    @property
    def wrong_count(self) -> int:
        """The neighbourhoods that can occur where the circuits depart from the rule."""
        return self.checked.count if self.checked else len(self.wrong)

    @property
    def verified(self) -> bool:
        """True when the circuits equal the rule on every neighbourhood that can occur."""
        return not self.wrong_count

    @property
    def size(self) -> int:
        """Two-input operations per 64-cell word, all bit planes together, not counting the neighbours' shifts."""
        if self.stencil:
            return self.stencil.size
        if self.checked:
            return self.circuits[0].size  # one list of gates, shared by every bit's circuit
        return sum(circuit.size for circuit in self.circuits)

    def depth(self) -> int:
        return self.stencil.depth() if self.stencil else max(circuit.depth() for circuit in self.circuits)

    def function_source(self) -> str:
        if self.stencil:
            return states_stencil_source(self.stencil, self.rule, self.verified)
        how = f"at -O{min(self.level, 2)}"
        if self.checked:
            how = f"at -O{self.level}, composed from the network's parts"
        return states_source(self.circuits, self.rule, how, self.verified, shared=self.checked is not None)

    def source(self) -> str:
        """One buildable C file: the step functions, then the planes runtime that steps a board of bit planes with
        them."""
        self.refuse_too_large()
        return self.function_source() + planes_source()

    def refuse_too_large(self) -> None:
        refuse_too_large(self.size, self.level)

    def describe(self) -> str:
        planes = len(self.circuits)
        if self.stencil:
            on_states = self.stencil.on_states
            on = (
                f"state{'s' if len(on_states) > 1 else ''} {', '.join(map(str, on_states))}"
                if on_states
                else "no state"
            )
            if self.stencil.near is not None:
                return (f"{self.size} gates per word over {planes} bit planes, depth {self.depth()} (-O{self.level} "
                        f"stencil over the on plane of {on} and the boundary's: {self.stencil.on.size} for the on "
                        f"plane, {len(ROW_GATES)} for its row sums, {self.stencil.near.size} for the boundary plane, "
                        f"{NEAR_GATES} for its OR over the nine cells, {self.stencil.combine_size} for the count and "
                        f"the next state)")  # fmt: skip
            return (f"{self.size} gates per word over {planes} bit planes, depth {self.depth()} (-O{self.level} "
                    f"stencil over the on plane of {on}: {self.stencil.on.size} for that plane, {len(ROW_GATES)} for "
                    f"its row sums, {self.stencil.combine_size} for the count and the next state)")  # fmt: skip
        if self.checked:
            how = f"-O{self.level}" + (f", each resynthesised; no stencil: {self.kept}" if self.level >= 3 else "")
            parts = f"{planes} bit planes from the network's parts"
            return f"{self.size} gates per word over {parts}, depth {self.depth()} ({how})"
        kept = f" (-O3 kept the -O2 circuits: {self.kept})" if self.level >= 3 else ""
        sizes = " + ".join(str(circuit.size) for circuit in self.circuits)
        return (f"{self.size} gates per word over {planes} bit planes ({sizes}), depth {self.depth()} "
                f"(-O{min(self.level, 2)}){kept}")  # fmt: skip

    def summary(self) -> dict:
        """The contract's `compile --json` object, and the neighbourhoods it was checked on."""
        return {
            "rule": str(self.rule), "level": self.level, "network_gates": self.network_gates, "form": self.form,
            "gates": self.size, "depth": self.depth(), "verified": self.verified,
            "planes": len(self.circuits), "neighbourhoods": neighbourhood_count(self.rule),
        }  # fmt: skip


def compile_network(
    network: Network | FactoredNetwork, rule: Rule, level: int = DEFAULT_LEVEL
) -> Compiled | CompiledStates:
    """The hardened network as an optimised circuit (a stencil at -O3 where it can be), checked against `rule`;
    a multi-state rule's, as a circuit per bit of the state."""
    problem = shape_problem(network, rule)
    if problem:
        raise UsageError(f"cannot compile this kernel for {rule}: {problem}")
    if isinstance(network, FactoredNetwork):
        return compile_factored(network, rule, level)
    if rule.multi_state:
        return compile_states(network, rule, level)
    return compile_circuit(extract(network), rule, level, network.gate_count)


def compile_factored(network: FactoredNetwork, rule: Rule, level: int = DEFAULT_LEVEL) -> CompiledStates:
    """A network in parts: each part optimised at -O(min(level, 2)), composed into circuits over the 9 x bits
    state bits that share their gates, checked by class; at -O3, where the parts are exact, the stencil of what
    they compute where that is smaller (`parts.py`)."""
    parts = part_circuits(network, rule, level)
    circuits = compose_parts(parts, network.planes)
    checked = check_composed(rule, parts["cell"], circuits)
    wrong = tuple(tuple(int(state) for state in cells) for cells in checked.listed)
    compiled = CompiledStates(rule, level, network.gate_count, circuits, wrong, checked=checked)
    if level < 3:
        return compiled
    if checked.count:
        return replace(compiled, kept="the parts depart from the rule, and the stencil is built only of exact ones")
    stencil, why = stencil_of_parts(parts, rule)
    if stencil is None:
        return replace(compiled, kept=why)
    if stencil.size >= compiled.size:
        return replace(compiled, kept=f"smaller than the stencil over an on plane ({stencil.size} gates)")
    return replace(compiled, stencil=stencil)


def compile_states(network: Network, rule: Rule, level: int = DEFAULT_LEVEL) -> CompiledStates:
    """A multi-state network as a circuit per output bit at -O(min(level, 2)), checked on every neighbourhood
    of `rule` that can occur; at -O3, as a stencil over an on plane where that is smaller."""
    circuits = tuple(optimise(extract(network, bit), min(level, 2)) for bit in range(network.outputs))
    wrong = tuple(wrong_states(circuits, rule))
    compiled = CompiledStates(rule, level, network.gate_count, circuits, wrong)
    if level < 3:
        return compiled
    stencil, why = _states_stencil(tuple(circuit.truth_table() for circuit in circuits), rule.states)
    if stencil is None:
        return replace(compiled, kept=why)
    if stencil.size >= compiled.size:
        return replace(compiled, kept=f"smaller than the stencil over an on plane ({stencil.size} gates)")
    return replace(compiled, stencil=stencil)


@functools.lru_cache(maxsize=16)
def _states_stencil(tables: tuple[int, ...], states: int) -> tuple[StatesStencil | None, str]:
    """`states.resynthesise_states`, kept for the next engine swap."""
    return resynthesise_states(tables, states)


def compile_circuit(extracted: Circuit, rule: Rule, level: int = DEFAULT_LEVEL, network_gates: int = 0) -> Compiled:
    """An extracted circuit optimised at `level` and checked against `rule` on all 512 neighbourhoods."""
    circuit = optimise(extracted, min(level, 2))
    wrong = tuple(wrong_neighbourhoods(circuit, rule))
    compiled = Compiled(rule, level, network_gates or len(extracted.gates), circuit, None, wrong)
    if level < 3:
        return compiled
    # -O3: the smallest of the stencil, the function synthesised directly and the -O2 circuit.
    stencil, synthesised = _resyntheses(circuit.truth_table())
    candidates = [replace(compiled, stencil=stencil)] if stencil else []
    candidates.append(compiled)  # on a tie, the first
    if synthesised:
        candidates.append(replace(compiled, synthesised=synthesised))
    return min(candidates, key=lambda candidate: candidate.size)


#: A stencil of more gates than this per word is compared with the function synthesised directly (a
#: second's search). Exceptions confined to a few classes of centre and count give stencils of 30 to 60
#: gates, far below any direct synthesis.
DIRECT_ABOVE = 100


@functools.lru_cache(maxsize=16)
def _resyntheses(table: int) -> tuple[Stencil | None, Circuit | None]:
    """The -O3 forms of a function: its stencil, if it has one, and the function synthesised directly when
    there is no stencil or a large one. A second or two for a rule with many exceptions, so kept for the
    next engine swap."""
    stencil = resynthesise(table)
    return stencil, synthesise(table) if stencil is None or stencil.size > DIRECT_ABOVE else None
