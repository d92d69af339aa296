"""C code generation: a circuit as straight-line bitwise operations on 64-cell words.

Nothing read from a kernel file reaches the C text: gate ops index a fixed table of expressions and
operands become numbered variable names.
"""

from __future__ import annotations

import textwrap

from lifetui.compiler.circuit import Circuit
from lifetui.compiler.states import NEAR_GATES, SUMS, StatesStencil
from lifetui.compiler.stencil import COMBINE_INPUTS, ROW_GATES, ROW_INPUTS, ROW_OUTPUT_NAMES, ROW_OUTPUTS, Stencil
from lifetui.model.gates import NAMES
from lifetui.model.network import INPUTS
from lifetui.rules import NEIGHBOURHOOD, Rule

EXPRESSIONS = (
    "(lifetui_word){{0}}", "{a} & {b}", "{a} & ~{b}", "{a}", "~{a} & {b}", "{b}", "{a} ^ {b}", "{a} | {b}",
    "~({a} | {b})", "~({a} ^ {b})", "~{b}", "{a} | ~{b}", "~{a}", "~{a} | {b}", "~({a} & {b})", "~(lifetui_word){{0}}",
)  # fmt: skip
ARGUMENTS = tuple(name.lower() for name in NEIGHBOURHOOD)
#: Every step function works on lifetui_word: LIFETUI_LANES words of 64 cells side by side, one AVX-512
#: register (two AVX2 ones); the runtime walks the board a strip of that many words at a time.
LANES = 8
WORD_TYPE = (
    "#include <stdint.h>",
    f"#define LIFETUI_LANES {LANES}",
    "typedef uint64_t lifetui_word __attribute__((vector_size(8 * LIFETUI_LANES)));",
    "",
)


def _status(verified: bool) -> str:
    return "verified on all 512 neighbourhoods" if verified else "NOT exact on all 512 neighbourhoods"


def _gate_lines(gates, inputs: tuple[str, ...], prefix: str) -> list[str]:
    """One C statement per gate, named `prefix` + its number."""
    return [
        f"    lifetui_word {prefix}{index} = "
        f"{EXPRESSIONS[gate.op].format(a=_node(gate.a, inputs, prefix), b=_node(gate.b, inputs, prefix))};"
        f" /* {NAMES[gate.op]} */"
        for index, gate in enumerate(gates)
    ]


def _node(node: int, inputs: tuple[str, ...], prefix: str) -> str:
    """Node k < len(inputs) is an input; the rest are gates, `prefix` + number."""
    return inputs[node] if node < len(inputs) else f"{prefix}{node - len(inputs)}"


def circuit_source(circuit: Circuit, rule: Rule, how: str, verified: bool) -> str:
    """The C function lifetui_cell computing the circuit, one line per gate, for the runtime; `how` says
    what made it ("at -O2", say)."""
    lines = [
        f"/* {rule}: the learned circuit {how}, {circuit.size} operations, depth {circuit.depth()}, "
        f"{_status(verified)}. */",
        *WORD_TYPE,
        *_cell_function(circuit),
    ]
    return "\n".join(lines) + "\n"


def _cell_function(circuit: Circuit) -> list[str]:
    """lifetui_cell(nw, n, ne, w, c, e, sw, s, se): the circuit on the nine neighbourhood words."""
    parameters = ", ".join(f"lifetui_word {name}" for name in ARGUMENTS)
    return [
        f"static inline lifetui_word lifetui_cell({parameters}) {{",
        *_gate_lines(circuit.gates, ARGUMENTS, "g"),
        f"    return {_node(circuit.output, ARGUMENTS, 'g')};",
        "}",
    ]


def states_source(circuits: tuple[Circuit, ...], rule: Rule, how: str, verified: bool, shared: bool = False) -> str:
    """The C function lifetui_next for the planes runtime: bit p of a multi-state rule's next state from the
    9 x bits neighbourhood words in[9 * p + k] (bit p of the cell NEIGHBOURHOOD[k]), a circuit per bit; `shared`
    circuits, one list of gates with an output node per bit, have it written once."""
    planes = len(circuits)
    inputs = tuple(f"in[{index}]" for index in range(INPUTS * planes))
    size = circuits[0].size if shared else sum(circuit.size for circuit in circuits)
    status = "verified on every neighbourhood that can occur" if verified else "NOT exact on every neighbourhood"
    lines = [
        f"/* {rule}: the learned circuits {how}, one per bit of the state, {size} operations per word in all, "
        f"{status}. */",
        *WORD_TYPE,
        f"#define LIFETUI_PLANES {planes}",
        "",
        "static inline void lifetui_next(const lifetui_word *in, lifetui_word *out) {",
    ]
    if shared:
        lines += _gate_lines(circuits[0].gates, inputs, "g")
        lines += [f"    out[{bit}] = {_node(circuit.output, inputs, 'g')};" for bit, circuit in enumerate(circuits)]
        return "\n".join([*lines, "}"]) + "\n"
    for bit, circuit in enumerate(circuits):
        prefix = f"p{bit}_"
        lines += _gate_lines(circuit.gates, inputs, prefix)
        lines.append(f"    out[{bit}] = {_node(circuit.output, inputs, prefix)};")
    return "\n".join([*lines, "}"]) + "\n"


def _row_function() -> list[str]:
    """lifetui_row: a row's pair (west + east) and sum (west + centre + east), two bit planes each."""
    return [
        "static inline void lifetui_row(lifetui_word west, lifetui_word centre, lifetui_word east, "
        + ", ".join(f"lifetui_word *{name}" for name in ROW_OUTPUT_NAMES)
        + ") {",
        *_gate_lines(ROW_GATES, ROW_INPUTS, "r"),
        *(f"    *{name} = {_node(node, ROW_INPUTS, 'r')};" for name, node in zip(ROW_OUTPUT_NAMES, ROW_OUTPUTS)),
        "}",
    ]


def states_stencil_source(stencil: StatesStencil, rule: Rule, verified: bool) -> str:
    """A multi-state rule's -O3 stencil for the planes runtime: lifetui_on (the on plane of a word's cells from
    their state bits), lifetui_row (its row sums) and lifetui_rows (each bit of the next state from the sums, the
    centre's on plane and its state bits); with a boundary plane, lifetui_near too (that plane from a word's
    state bits), whose OR over the neighbourhood lifetui_rows also reads."""
    planes = stencil.planes
    states = ", ".join(map(str, stencil.on_states)) or "none"
    status = "verified on every neighbourhood that can occur" if verified else "NOT exact on every neighbourhood"
    about = (
        "Every bit of the next state depends only on the centre's state and how many of its neighbours are in "
        f"the on states ({states}: the on plane, which lifetui_on computes from a word's state bits). "
        "lifetui_row adds a row's west and east cells of that plane (the pair) and its west, centre and east "
        "cells (the sum), two bit planes each; the runtime calls it once per row and shares them between the "
        "three rows that read them. lifetui_rows compresses the sums of the rows above and below and the pair of "
        "the middle row and decodes each bit of the next state from the count, the centre's on plane and its "
        "state bits. */"
    )
    state = tuple(f"state[{p}]" for p in range(planes))
    combine_inputs = (*SUMS, "on", *state)
    title = (
        f"{rule}: the learned circuits resynthesised at -O3 as a stencil over an on plane, {stencil.size} operations "
        f"per 64-cell word ({stencil.on.size} in lifetui_on, {len(ROW_GATES)} in lifetui_row, {stencil.combine_size} "
        f"in lifetui_rows), depth {stencil.depth()}, {status}."
    )
    near_lines: list[str] = []
    near_parameter = ""
    if stencil.near is not None:
        about = (
            "Every bit of the next state depends only on the centre's state, how many of its neighbours are in "
            f"the on states ({states}: the on plane, which lifetui_on computes from a word's state bits) and "
            "whether any of the nine cells is the boundary (the boundary plane, which lifetui_near computes). "
            "lifetui_row adds a row's west and east cells of the on plane (the pair) and its west, centre and east "
            "cells (the sum), two bit planes each; the runtime calls it once per row, ORs the row's west, centre "
            "and east cells of the boundary plane, and shares both between the three rows that read them. "
            "lifetui_rows compresses the sums of the rows above and below and the pair of the middle row and "
            "decodes each bit of the next state from the count, the centre's on plane, its state bits and the OR "
            "of the three rows' boundary (near). */"
        )
        combine_inputs = (*combine_inputs, "near")
        title = (
            f"{rule}: the learned parts resynthesised at -O3 as a stencil over an on plane and a boundary plane, "
            f"{stencil.size} operations per 64-cell word ({stencil.on.size} in lifetui_on, {len(ROW_GATES)} in "
            f"lifetui_row, {stencil.near.size} in lifetui_near, {NEAR_GATES} for its OR over the neighbourhood in "
            f"the runtime, {stencil.combine_size} in lifetui_rows), depth {stencil.depth()}, {status}."
        )
        near_lines = [
            "#define LIFETUI_NEAR 1",
            "",
            "static inline lifetui_word lifetui_near(const lifetui_word *state) {",
            *_gate_lines(stencil.near.gates, state, "b"),
            f"    return {_node(stencil.near.output, state, 'b')};",
            "}",
        ]
        near_parameter = ", lifetui_word near"
    lines = [
        *textwrap.wrap(title, 100, initial_indent="/* ", subsequent_indent=" * "),
        " *",
        *textwrap.wrap(about, 100, initial_indent=" * ", subsequent_indent=" * "),
        *WORD_TYPE,
        f"#define LIFETUI_PLANES {planes}",
        "#define LIFETUI_ROW_SUMS 1",
        *near_lines,
        "",
        "static inline lifetui_word lifetui_on(const lifetui_word *state) {",
        *_gate_lines(stencil.on.gates, state, "o"),
        f"    return {_node(stencil.on.output, state, 'o')};",
        "}",
        "",
        *_row_function(),
        "",
        "static inline void lifetui_rows("
        + ", ".join(f"lifetui_word {name}" for name in (*SUMS, "on"))
        + f", const lifetui_word *state{near_parameter}, lifetui_word *out) {{",
        *_gate_lines(stencil.gates, combine_inputs, "g"),
        *(f"    out[{bit}] = {_node(node, combine_inputs, 'g')};" for bit, node in enumerate(stencil.outputs)),
        "}",
    ]
    return "\n".join(lines) + "\n"


def stencil_source(stencil: Stencil, rule: Rule, verified: bool) -> str:
    """The -O3 stencil as lifetui_row (shared row sums) and lifetui_rows (adder and decode), and, for a rule
    that is not totalistic, lifetui_cell (its exceptions), for the runtime."""
    combine_inputs = (*COMBINE_INPUTS, "unused8")
    parameters = COMBINE_INPUTS if stencil.exceptions else COMBINE_INPUTS[:-1]
    counts = ", ".join(map(str, stencil.born)) or "none"
    survives = ", ".join(map(str, stencil.survival)) or "none"
    exceptions = stencil.exceptions
    parts = f"{len(ROW_GATES)} in lifetui_row, {stencil.combine.size} in lifetui_rows"
    if exceptions:
        parts += f", {exceptions.size} in lifetui_cell"
        about = (
            f"Nearest totalistic rule (the value most neighbourhoods of each centre and count take): born with "
            f"{counts}; survives with {survives}. The rule departs from it on {stencil.departures} neighbourhoods; "
            "in the classes of centre and count that hold them, lifetui_rows reads what lifetui_cell computes "
            "from the nine cells (the runtime passes it as `exceptions`)."
        )
    else:
        about = (
            "The circuit's truth table depends only on the centre and the number of live neighbours: born with "
            f"{counts}; survives with {survives}."
        )
    about += (
        " lifetui_row adds a row's west and east cells (the pair) and its west, centre and east cells (the sum), "
        "two bit planes each; the runtime calls it once per row and shares them between the three rows that "
        "read them. lifetui_rows compresses the sums of the rows above and below and the pair of the middle "
        "row, plane by plane, and decodes the count. */"
    )
    lines = [
        f"/* {rule}: the learned circuit resynthesised at -O3 as a stencil, {stencil.size} operations per",
        f" * 64-cell word ({parts}), depth {stencil.depth()}, {_status(verified)}.",
        " *",
        *textwrap.wrap(about, 100, initial_indent=" * ", subsequent_indent=" * "),
        *WORD_TYPE,
        "#define LIFETUI_ROW_SUMS 1",
        *(["#define LIFETUI_ROW_CELLS 1"] if exceptions else []),
        "",
        *_row_function(),
        "",
        "static inline lifetui_word lifetui_rows(" + ", ".join(f"lifetui_word {name}" for name in parameters) + ") {",
        *_gate_lines(stencil.combine.gates, combine_inputs, "g"),
        f"    return {_node(stencil.combine.output, combine_inputs, 'g')};",
        "}",
    ]
    if exceptions:
        lines += ["", *_cell_function(exceptions)]
    return "\n".join(lines) + "\n"


def bitsliced_prefix(rule: Rule) -> str:
    """The word type, and the two integer constants the bitsliced engine's hand-written C decodes the rule from."""
    birth = sum(1 << count for count in rule.birth)
    survival = sum(1 << count for count in rule.survival)
    return "\n".join([*WORD_TYPE, f"#define LIFETUI_BIRTH {birth}u", f"#define LIFETUI_SURVIVAL {survival}u", ""])
