"""The compile pipeline, the one way from a network to C: extract, optimise, resynthesise, verify, emit.

-O0 keeps every gate, -O1 drops dead gates and copies, -O2 adds constant folding and exact merging of
equivalent nodes, -O3 (the default) resynthesises the -O2 circuit as a stencil that shares row sums
(`stencil.py`), or keeps the -O2 circuit when its function does not allow that. `verify`, `compile`
and the c engine all compile through `compile_network`.
"""

from __future__ import annotations

from dataclasses import dataclass

from lifetui.compiler.build import runtime_source
from lifetui.compiler.circuit import Circuit, extract, wrong_neighbourhoods
from lifetui.compiler.codegen import circuit_source, stencil_source
from lifetui.compiler.passes import optimise
from lifetui.compiler.stencil import Stencil, resynthesise
from lifetui.errors import UsageError
from lifetui.model.network import Network
from lifetui.rules import Rule

DEFAULT_LEVEL = 3
#: The most operations a circuit handed to gcc may have (a trained kernel's has a few hundred).
MAX_GATES = 20_000


class CircuitTooLarge(UsageError):
    """A kernel whose circuit would keep gcc busy for minutes."""


@dataclass(frozen=True)
class Compiled:
    """A network compiled at a level for a rule, with the neighbourhoods where it departs from the rule."""

    rule: Rule
    level: int
    network_gates: int
    circuit: Circuit  # the circuit at -O(min(level, 2)); it defines the function the stencil keeps
    stencil: Stencil | None
    wrong: tuple[int, ...]  # neighbourhood indices where the circuit disagrees with the rule

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
        return self.stencil.size if self.stencil else self.circuit.size

    def depth(self) -> int:
        return self.stencil.depth() if self.stencil else self.circuit.depth()

    def function_source(self) -> str:
        """The C functions the runtime calls for this circuit (lifetui_cell, or lifetui_row and lifetui_rows)."""
        if self.stencil:
            return stencil_source(self.stencil, self.rule, self.verified)
        return circuit_source(self.circuit, self.rule, min(self.level, 2), self.verified)

    def source(self) -> str:
        """One buildable C file: the circuit's functions, then the runtime that steps a board with them.

        A circuit of more than MAX_GATES operations is refused: gcc would take many minutes over it."""
        if self.size > MAX_GATES:
            raise CircuitTooLarge(
                f"the -O{self.level} circuit has {self.size:,} operations, more than lifetui compiles "
                f"({MAX_GATES:,}); a trained kernel has a few hundred"
            )
        return self.function_source() + runtime_source()

    def describe(self) -> str:
        if self.stencil:
            return f"{self.size} gates per word, depth {self.depth()} (-O{self.level} stencil)"
        kept = " (-O3 kept the -O2 circuit: its function is not totalistic)" if self.level >= 3 else ""
        return f"{self.size} gates, depth {self.depth()} (-O{min(self.level, 2)}){kept}"

    def summary(self) -> dict:
        """The contract's `compile --json` object."""
        return {
            "rule": str(self.rule), "level": self.level, "network_gates": self.network_gates, "form": self.form,
            "gates": self.size, "depth": self.depth(), "verified": self.verified,
        }  # fmt: skip


def compile_network(network: Network, rule: Rule, level: int = DEFAULT_LEVEL) -> Compiled:
    """The hardened network as an optimised circuit (a stencil at -O3 where it can be), checked against `rule`."""
    return compile_circuit(extract(network), rule, level, network.gate_count)


def compile_circuit(extracted: Circuit, rule: Rule, level: int = DEFAULT_LEVEL, network_gates: int = 0) -> Compiled:
    """An extracted circuit optimised at `level` and checked against `rule` on all 512 neighbourhoods."""
    circuit = optimise(extracted, min(level, 2))
    stencil = resynthesise(circuit) if level >= 3 else None
    wrong = tuple(wrong_neighbourhoods(circuit, rule))
    return Compiled(rule, level, network_gates or len(extracted.gates), circuit, stencil, wrong)
