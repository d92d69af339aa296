"""C code generation: a circuit as straight-line bitwise operations on 64-cell words.

Nothing read from a kernel file reaches the C text: gate ops index a fixed table of expressions and
operands become numbered variable names.
"""

from __future__ import annotations

from lifetui.circuit import Circuit
from lifetui.gates import NAMES
from lifetui.kernel import INPUTS
from lifetui.rules import NEIGHBOURHOOD, Rule

EXPRESSIONS = (
    "0", "{a} & {b}", "{a} & ~{b}", "{a}", "~{a} & {b}", "{b}", "{a} ^ {b}", "{a} | {b}",
    "~({a} | {b})", "~({a} ^ {b})", "~{b}", "{a} | ~{b}", "~{a}", "~{a} | {b}", "~({a} & {b})", "~(uint64_t)0",
)  # fmt: skip
ARGUMENTS = tuple(name.lower() for name in NEIGHBOURHOOD)


def _name(node: int) -> str:
    return ARGUMENTS[node] if node < INPUTS else f"g{node - INPUTS}"


def kernel_source(circuit: Circuit, rule: Rule, level: int, verified: bool) -> str:
    """The C function lifetui_kernel computing the circuit, one line per gate, for the runtime."""
    parameters = ", ".join(f"uint64_t {name}" for name in ARGUMENTS)
    lines = [
        f"/* {rule}: the learned circuit at -O{level}, {circuit.size} operations, depth {circuit.depth()}, "
        f"{'verified on all 512 neighbourhoods' if verified else 'NOT exact on all 512 neighbourhoods'}. */",
        "#include <stdint.h>",
        "",
        f"static inline uint64_t lifetui_kernel({parameters}) {{",
    ]
    for index, gate in enumerate(circuit.gates):
        expression = EXPRESSIONS[gate.op].format(a=_name(gate.a), b=_name(gate.b))
        lines.append(f"    uint64_t g{index} = {expression}; /* {NAMES[gate.op]} */")
    lines.append(f"    return {_name(circuit.output)};")
    lines.append("}")
    return "\n".join(lines) + "\n"


def bitsliced_prefix(rule: Rule) -> str:
    """The two integer constants the hand-written bitsliced kernel decodes the rule from."""
    birth = sum(1 << count for count in rule.birth)
    survival = sum(1 << count for count in rule.survival)
    return f"#include <stdint.h>\n#define LIFETUI_BIRTH {birth}u\n#define LIFETUI_SURVIVAL {survival}u\n"
