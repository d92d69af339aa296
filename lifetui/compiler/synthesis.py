"""Logic synthesis from a truth table: the smallest circuit a search over Shannon and Davio splits finds.

A function of n variables is a 2^n-bit truth table (a Python int: bit m is its value on minterm m) with
a care set (the minterms whose value matters; the rest cannot occur). The search splits on one variable
at a time. A split costs one gate where a cofactor is constant or the two are each other's complement
(v AND f1, v OR f0, v XOR f0 and so on), two where the cofactors differ only by a function d
(f0 XOR (v AND d), a Davio split), three for a plain multiplexer; a variable the function does not read
costs nothing. Each subfunction is solved once (a memo per search), and the tree of plans becomes a DAG
when it is emitted: the -O2 passes merge every repeated subfunction, so the circuit is usually much
smaller than the tree the search counted.

The stencil uses it for its five-variable decode; `synthesise` for any function of the nine cells,
which is what -O3 does for a rule that is not totalistic.
"""

from __future__ import annotations

from collections.abc import Callable

from lifetui.compiler.circuit import ALL, FALSE, NOT_A, TRUE, Circuit, Gate
from lifetui.compiler.passes import optimise
from lifetui.model.network import INPUTS

AND, A_AND_NOT_B, XOR, OR, A_OR_NOT_B = 1, 2, 6, 7, 11


class OverBudget(Exception):
    """The search met more subfunctions than its budget allows (don't-cares can multiply them)."""


# A plan is ("const", value), ("var", variable, negated) or ("gate", op, plan_a, plan_b).
Plan = tuple


class Search:
    """The best split of functions of `variables` variables, with one memo for all of them."""

    def __init__(self, variables: int, budget: int | None = None) -> None:
        self.variables = variables
        self.budget = budget  # the most subfunctions to solve before giving up (OverBudget), if any
        self.full = (1 << (1 << variables)) - 1
        self.literals = tuple(
            sum(1 << m for m in range(1 << variables) if (m >> v) & 1) for v in range(variables)
        )  # fmt: skip
        self.memo: dict[tuple[int, int], tuple[int, Plan]] = {}

    def cofactor(self, table: int, variable: int, value: int) -> int:
        """The table with `variable` fixed to `value`, as a table that no longer depends on it."""
        shift = 1 << variable
        if value:
            half = table & self.literals[variable]
            return half | (half >> shift)
        half = table & ~self.literals[variable] & self.full
        return half | (half << shift)

    def best(self, on: int, care: int) -> tuple[int, Plan]:
        """(gates counted as a tree, plan) for the function `on` on the minterms `care`."""
        on &= care
        key = (on, care)
        found = self.memo.get(key)
        if found is None:
            if self.budget is not None and len(self.memo) >= self.budget:
                raise OverBudget(f"more than {self.budget:,} subfunctions")
            found = self.memo[key] = self._search(on, care)
        return found

    def _search(self, on: int, care: int) -> tuple[int, Plan]:
        if on == 0:
            return 0, ("const", 0)
        if on == care:
            return 0, ("const", 1)
        literals = self.literals
        for v in range(self.variables):
            if (on ^ literals[v]) & care == 0:
                return 0, ("var", v, False)
            if (on ^ ~literals[v]) & care == 0:
                return 0, ("var", v, True)
        splits = []
        for v in range(self.variables):
            on0, care0 = self.cofactor(on, v, 0), self.cofactor(care, v, 0)
            on1, care1 = self.cofactor(on, v, 1), self.cofactor(care, v, 1)
            if (on0 ^ on1) & care0 & care1 == 0:  # v does not matter
                if (on0 | on1, care0 | care1) != (on, care):
                    return self.best(on0 | on1, care0 | care1)  # and dropping it frees minterms
                continue
            splits.append((v, on0, care0, on1, care1))
        best: tuple[int, Plan] | None = None
        for v, on0, care0, on1, care1 in splits:
            literal = ("var", v, False)
            options = []
            if on0 & care0 == 0:  # v ? f1 : 0
                options.append((AND, self.best(on1, care1)))
            if on1 & care1 == 0:  # v ? 0 : f0
                options.append((A_AND_NOT_B, self.best(on0, care0)))
            if care0 & ~on0 == 0:  # v ? f1 : 1
                options.append((A_OR_NOT_B, self.best(on1, care1)))
            if care1 & ~on1 == 0:  # v ? 1 : f0
                options.append((OR, self.best(on0, care0)))
            if (on0 ^ ~on1) & care0 & care1 == 0:  # v ? not f0 : f0
                options.append((XOR, self.best(on0 | (~on1 & care1), care0 | care1)))
            for op, (cost, plan) in options:
                if best is None or cost + 1 < best[0]:
                    best = cost + 1, ("gate", op, plan, literal)
            if options:
                continue
            # f0 XOR (v AND d) with d = f0 XOR f1: two gates and d. Here f0 takes f1's values where only
            # f1 matters, so that d is known wherever f1 matters.
            cost_f, plan_f = self.best(on0 | (on1 & ~care0), care0 | care1)
            cost_d, plan_d = self.best((on0 | (on1 & ~care0)) ^ on1, care1)
            if best is None or cost_f + cost_d + 2 < best[0]:
                best = cost_f + cost_d + 2, ("gate", XOR, plan_f, ("gate", AND, plan_d, literal))
            cost0, plan0 = self.best(on0, care0)
            cost1, plan1 = self.best(on1, care1)
            # v ? f1 : f0 as f0 XOR (v AND (f0 XOR f1)): three gates.
            if cost0 + cost1 + 3 < best[0]:
                mixed = ("gate", AND, ("gate", XOR, plan0, plan1), literal)
                best = cost0 + cost1 + 3, ("gate", XOR, plan0, mixed)
        assert best is not None, "a non-constant function depends on some variable"
        return best


def emit(plan: Plan, variables: tuple[int, ...], add: Callable[[int, int, int], int]) -> int:
    """Gates for a plan, through add(op, a, b) -> node, with variable v read from node variables[v];
    returns the plan's node."""
    kind = plan[0]
    if kind == "const":
        return add(TRUE if plan[1] else FALSE, 0, 0)
    if kind == "var":
        node = variables[plan[1]]
        return add(NOT_A, node, node) if plan[2] else node
    a = emit(plan[2], variables, add)
    b = emit(plan[3], variables, add)
    return add(plan[1], a, b)


def synthesise(table: int, care: int = ALL, budget: int | None = None, inputs: int = INPUTS) -> Circuit:
    """A small circuit over the nine cells (or `inputs` inputs) with this truth table on the minterms `care`
    (default: all 512), optimised at -O2 and checked; OverBudget if the search needs more than `budget`
    subfunctions."""
    gates: list[Gate] = []

    def add(op: int, a: int, b: int) -> int:
        gates.append(Gate(op, a, b))
        return inputs + len(gates) - 1

    _, plan = Search(inputs, budget).best(table & care, care)
    output = emit(plan, tuple(range(inputs)), add)
    circuit = optimise(Circuit(tuple(gates), output, inputs), 2)
    if (circuit.truth_table() ^ table) & care:
        raise AssertionError("synthesis produced a circuit with another function: a compiler bug")
    return circuit
