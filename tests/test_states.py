"""-O3 for multi-state rules: the on plane found from the truth tables, the stencil over it checked on every
neighbourhood that can occur, its C on the planes runtime and its JAX form against numpy, and the fallback to
-O2 when no on plane factors the rule."""

import json
from pathlib import Path

import numpy as np
import pytest

from lifetui.compiler import build
from lifetui.compiler.circuit import state_tables
from lifetui.compiler.codegen import states_stencil_source
from lifetui.compiler.pipeline import compile_network
from lifetui.compiler.states import compose, resynthesise_states
from lifetui.engines import EngineOptions, create_engine
from lifetui.engines.c_engines import pack, unpack
from lifetui.engines.numpy_engine import NumpyEngine
from lifetui.model.gates import NAMES
from lifetui.model.network import Network
from lifetui.rules import parse_rule

KERNELS = Path(__file__).resolve().parent.parent / "kernels"


def rule_stencil(text: str):
    """The stencil of a Generations rule made from the rule's own truth tables (no kernel needed)."""
    rule = parse_rule(text).rule
    _, tables = state_tables(rule)
    return rule, resynthesise_states(tables, rule.states)


@pytest.mark.parametrize(
    ("text", "gates"),
    [("/2/3", 19), ("345/2/4", 29), ("23/3/3", 22), ("/2/4", 21), ("2/13/4", 29), ("012345678//3", 0)],
)
def test_generations_rules_factor_through_the_count_of_their_firing_state(text, gates):
    rule, (stencil, why) = rule_stencil(text)
    assert stencil is not None and why == ""
    # Only state 1 (firing) counts; the last rule keeps its on cells and bears nothing: no count, no row sums.
    assert stencil.on_states == ((1,) if gates else ())
    assert stencil.size == gates
    care, tables = state_tables(rule)
    for circuit, table in zip(compose(stencil), tables, strict=True):
        assert (circuit.truth_table() ^ table) & care == 0


def test_the_on_plane_of_state_1_of_two_bits_is_one_gate_or_none():
    _, (brain, _) = rule_stencil("/2/3")  # state 3 never occurs: bit 0 alone says "state 1"
    _, (star_wars, _) = rule_stencil("345/2/4")  # state 3 does: bit 0 AND NOT bit 1
    assert (brain.on.size, star_wars.on.size) == (0, 1)


def test_a_rule_that_counts_by_position_has_no_on_plane():
    _, (stencil, why) = rule_stencil("1e2a/2ce/3")  # Hensel letters: which neighbours, not only how many
    assert stencil is None and "no set of states" in why


def network_reading(*inputs: int) -> Network:
    """A one-layer network whose output p copies input inputs[p] (of the 18 state bits)."""
    pass_a = np.eye(16, dtype=np.float32)[NAMES.index("a")]
    wires = np.array(inputs, dtype=np.int32)
    return Network([wires], [wires], [np.stack([pass_a] * len(inputs))], 18)


def test_without_an_on_plane_o3_keeps_the_o2_circuits_and_says_why():
    # Bit 0 of the next state is the north-west cell's bit 0: a position, not a count.
    compiled = compile_network(network_reading(0, 4), parse_rule("/2/3").rule)
    assert compiled.form == "circuit" and compiled.stencil is None
    assert "-O3 kept the -O2 circuits: no set of states" in compiled.describe()


def test_o2_keeps_the_learned_circuits():
    from lifetui.model.kernels import load_kernel

    kernel = load_kernel(KERNELS / "g3b2s")
    at_o2 = compile_network(kernel.network, kernel.rule, 2)
    assert at_o2.form == "circuit" and at_o2.stencil is None and "kept" not in at_o2.describe()


def random_states(rule, shape, seed) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return (rng.integers(0, rule.states, shape) * (rng.random(shape) < 0.5)).astype(np.uint8)


@pytest.mark.parametrize("text", ["/2/3", "345/2/4", "23/3/3"])
@pytest.mark.parametrize(
    ("shape", "threads"), [((1, 70), 1), ((2, 64), 2), ((5, 600), 3), ((7, 1029), 1), ((7, 1029), 4)]
)
def test_the_stencil_s_c_matches_numpy(text, shape, threads):
    """Boards of one and two rows, of several strips of words, and a last word of 5 cells; bands of rows on
    threads, more threads than rows too."""
    rule, (stencil, _) = rule_stencil(text)
    source = states_stencil_source(stencil, rule, True) + build.planes_source()
    ffi, lib = build.load(source, build.PLANES_DECLARATIONS)
    cells = random_states(rule, shape, 7)
    board = np.ascontiguousarray(np.stack([pack((cells >> bit) & 1) for bit in range(2)]))
    scratch = np.empty_like(board)
    reference = NumpyEngine(rule)
    reference.load(cells)
    for generations in (1, 2, 5):  # an odd count ends in the scratch buffer, copied back
        lib.lifetui_step_planes(ffi.cast("uint64_t *", board.ctypes.data), ffi.cast("uint64_t *", scratch.ctypes.data),
                                shape[0], shape[1], generations, threads)  # fmt: skip
        reference.step(generations)
        stepped = unpack(board[0], shape[1]) | unpack(board[1], shape[1]) << 1
        assert np.array_equal(stepped, reference.cells())


@pytest.mark.parametrize(("engine", "threads"), [("c", 1), ("c", 2), ("xla", 1)])
def test_the_engines_run_the_shipped_kernels_stencil(engine, threads):
    rule = parse_rule("345/2/4").rule
    stepper = create_engine(engine, rule, EngineOptions(threads=threads))
    assert "stencil" in stepper.describe()[1]
    cells = random_states(rule, (33, 200), 11)
    reference = NumpyEngine(rule)
    for each in (stepper, reference):
        each.load(cells)
        each.step(9)
    assert np.array_equal(stepper.cells(), reference.cells())


def test_compile_reports_the_stencil(lifetui, tmp_path):
    result = lifetui("compile", "--rule", "/2/3", "--json", "-o", str(tmp_path / "brain.c"))
    summary = json.loads(result.out)
    assert (summary["form"], summary["gates"], summary["verified"]) == ("stencil", 19, True)
    source = (tmp_path / "brain.c").read_text()
    assert "#define LIFETUI_ROW_SUMS 1" in source and "lifetui_on(" in source
    text = lifetui("compile", "--rule", "345/2/4")
    assert "29 gates per word over 2 bit planes" in text.out
    assert "over the on plane of state 1: 1 for that plane, 5 for its row sums, 23 for" in text.out


@pytest.mark.parametrize("threads", [1, 2])
@pytest.mark.parametrize("text", ["/2/3", "345/2/4"])
def test_the_c_engine_at_o2_runs_the_learned_circuits_cell_by_cell_as_numpy(text, threads):
    # -O2 keeps the network's own circuits, which the planes runtime feeds each cell's nine neighbours' bits
    # (the path a rule with no on plane takes): every neighbour must be the right one, across word edges too.
    from lifetui.engines.c_engines import StatesCircuitEngine

    class AtO2(StatesCircuitEngine):
        level = 2

    rule = parse_rule(text).rule
    stepper = AtO2(rule, EngineOptions(threads=threads))
    assert "stencil" not in stepper.describe()[1]
    cells = random_states(rule, (21, 131), 5)
    reference = NumpyEngine(rule)
    for each in (stepper, reference):
        each.load(cells)
    for generations in (1, 2, 5):
        stepper.step(generations)
        reference.step(generations)
        assert np.array_equal(stepper.cells(), reference.cells())


@pytest.mark.parametrize(
    ("text", "folder"),
    [("/2/3", "g3b2s"), ("345/2/4", "g4b2s345"), ("LifeHistory", "b3s23history"), ("234/34678/24", "g24b34678s234")],
)
def test_the_shipped_c_of_a_multi_state_kernel_is_what_the_compiler_emits_today(text, folder):
    from lifetui.model.kernels import kernel_for

    rule = parse_rule(text).rule
    # The source tree's kernels/ (the package's bundled_kernels), so that a change to the compiler and the file it
    # emits are checked together wherever the package is installed from.
    shipped_c = (Path(__file__).resolve().parent.parent / "kernels" / folder / "kernel.c").read_text(encoding="utf-8")
    assert shipped_c == compile_network(kernel_for(rule).network, rule).function_source()
