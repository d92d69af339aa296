"""The compiler driver: an extracted circuit, optimised at a level, as the C text the runtime builds.

-O0 keeps every gate, -O1 drops dead gates and copies, -O2 adds constant folding and exact merging of
equivalent nodes, -O3 (the default) resynthesises the -O2 circuit as a stencil that shares row sums
(lifetui.stencil), or keeps the -O2 circuit when its function does not allow that.
"""

from __future__ import annotations

from dataclasses import dataclass

from lifetui.circuit import Circuit, optimise
from lifetui.codegen import kernel_source, stencil_source
from lifetui.rules import Rule
from lifetui.stencil import Stencil, resynthesise

DEFAULT_LEVEL = 3


@dataclass(frozen=True)
class Compiled:
    level: int
    circuit: Circuit  # the circuit at -O(min(level, 2)); it defines the function the stencil keeps
    stencil: Stencil | None

    @property
    def form(self) -> str:
        return "stencil" if self.stencil else "circuit"

    @property
    def size(self) -> int:
        """Two-input operations per 64-cell word, not counting the shifts that gather neighbours."""
        return self.stencil.size if self.stencil else self.circuit.size

    def depth(self) -> int:
        return self.stencil.depth() if self.stencil else self.circuit.depth()

    def source(self, rule: Rule, verified: bool) -> str:
        if self.stencil:
            return stencil_source(self.stencil, rule, verified)
        return kernel_source(self.circuit, rule, min(self.level, 2), verified)

    def describe(self) -> str:
        if self.stencil:
            return f"{self.size} gates per word, depth {self.depth()} (-O{self.level} stencil)"
        kept = " (-O3 kept the -O2 circuit: not symmetric in the neighbours)" if self.level >= 3 else ""
        return f"{self.size} gates, depth {self.depth()} (-O{min(self.level, 2)}){kept}"


def compile_circuit(extracted: Circuit, level: int = DEFAULT_LEVEL) -> Compiled:
    circuit = optimise(extracted, min(level, 2))
    return Compiled(level, circuit, resynthesise(circuit) if level >= 3 else None)
