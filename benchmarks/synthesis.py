"""How small does -O3 make a rule that is not totalistic? The table behind the compiler's figures (docs/compiler.md).

    python benchmarks/synthesis.py [RANDOM]       default 10 random isotropic rules

For the rules issue 17 gives ABC's figures for, every non-totalistic rule of lifetui's bundled patterns,
and RANDOM random isotropic rules (numpy seeds 0, 1, ..., as `train_survey.py` draws them), compiles the
rule's function at -O3 from a circuit that has none of its structure (a tree of multiplexers, as a
trained kernel would have none either) and prints a Markdown table: the rule, ABC's two-input gates per
cell where known, -O3's per 64-cell word (shared row sums included), the form -O3 chose, what the
function synthesised directly (without the stencil) needs, and the seconds the compile took. Each
result is verified on all 512 neighbourhoods.
"""

from __future__ import annotations

import sys
import time

from train_survey import survey_rules

from lifetui.compiler.circuit import Circuit, Gate, rule_table
from lifetui.compiler.pipeline import compile_circuit
from lifetui.compiler.synthesis import synthesise
from lifetui.model.network import INPUTS
from lifetui.rules import Rule, parse_rule

#: ABC's resynthesis of the whole truth table (rewriting, refactoring, mapping to two-input gates, best of
#: two scripts), per cell, as issue 17 gives it; random isotropic rules took 260 to 310.
ABC = {"B3/S23": 61, "B36/S23": 91, "B2-a/S12": 68, "B37/S2-i34q": 88, "B36ce7c/S23-y": 154,
       "B3aijr4ekz5er/S2-ci3-acy4einrtz5n6c7": 218}  # fmt: skip


def multiplexer_tree(table: int) -> Circuit:
    """The function as a tree of multiplexers over the nine cells: correct, large, and structureless."""
    gates: list[Gate] = []

    def add(op: int, a: int, b: int) -> int:
        gates.append(Gate(op, a, b))
        return INPUTS + len(gates) - 1

    leaves = [add(15 if (table >> n) & 1 else 0, 0, 0) for n in range(512)]
    for k in range(INPUTS):  # neighbourhood n's bit k chooses between leaves 2m and 2m + 1
        leaves = [add(7, add(2, leaves[2 * m], k), add(1, leaves[2 * m + 1], k)) for m in range(len(leaves) // 2)]
    return Circuit(tuple(gates), leaves[0])


def main(arguments: list[str]) -> None:
    random_count = int(arguments[0]) if arguments else 10
    rules = [(f"issue 17 (ABC {gates})", parse_rule(text).rule) for text, gates in ABC.items()]
    known = {rule for _, rule in rules}
    rules += [(origin, rule) for origin, rule in survey_rules(random_count) if rule not in known]
    print("| rule | from | ABC per cell | -O3 per word | -O3 form | synthesised directly | seconds |")
    print("|---|---|---:|---:|---|---:|---:|")
    for origin, rule in rules:
        print(row(origin, rule), flush=True)


def row(origin: str, rule: Rule) -> str:
    table = rule_table(rule)
    began = time.perf_counter()
    compiled = compile_circuit(multiplexer_tree(table), rule, 3)
    seconds = time.perf_counter() - began
    assert compiled.verified
    direct = compiled.synthesised.size if compiled.synthesised else synthesise(table).size
    form = compiled.form
    if compiled.stencil and compiled.stencil.exceptions:
        form = f"stencil, {compiled.stencil.departures} exceptions"
    abc = ABC.get(str(rule), "")
    return f"| `{rule}` | {origin} | {abc} | {compiled.size} | {form} | {direct} | {seconds:.1f} |"


if __name__ == "__main__":
    sys.path.insert(0, str(__import__("pathlib").Path(__file__).parent))
    main(sys.argv[1:])
