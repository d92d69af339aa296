"""-O3: the stencil resynthesis (with exceptions for rules that are not totalistic), exact on all 512
neighbourhoods, and its C on the runtime for many rules."""

from itertools import combinations

import numpy as np
import pytest
from conftest import table_network
from hypothesis import given, settings
from hypothesis import strategies as st

from lifetui.compiler import build
from lifetui.compiler.circuit import NOT_A, Circuit, Gate, extract, rule_table
from lifetui.compiler.codegen import stencil_source
from lifetui.compiler.passes import optimise
from lifetui.compiler.pipeline import compile_circuit, compile_network
from lifetui.compiler.stencil import (
    CLASSES,
    ROW_GATES,
    ROW_OUTPUTS,
    compose,
    nearest_counts,
    neighbour_counts,
    resynthesise,
)
from lifetui.engines.c_engines import pack, unpack
from lifetui.engines.numpy_engine import NumpyEngine
from lifetui.model.kernels import kernel_for
from lifetui.model.network import INPUTS
from lifetui.rules import CONWAY, Rule, parse_rule


def table_circuit(rule):
    """A circuit with the rule's function and none of its structure (a tree of multiplexers), at -O2."""
    return optimise(extract(table_network(rule.truth_table())), 2)


@pytest.fixture(scope="module")
def shipped():
    return optimise(extract(kernel_for(CONWAY).network), 2)


def test_the_shipped_circuit_becomes_a_small_exact_stencil(shipped):
    stencil = resynthesise(shipped.truth_table())
    assert stencil.born == (3,) and stencil.survival == (2, 3)
    assert compose(stencil).truth_table() == shipped.truth_table() == rule_table(CONWAY)
    assert stencil.size == len(ROW_GATES) + stencil.combine.size
    assert stencil.size <= 60 < shipped.size


counts = st.frozensets(st.integers(0, 8))


@settings(max_examples=60, deadline=None)
@given(counts, counts)
def test_every_life_like_function_resynthesises_exactly(born, survival):
    rule = Rule.from_counts(born, survival)
    table = rule_table(rule)
    assert neighbour_counts(table) == (tuple(sorted(born)), tuple(sorted(survival)))
    stencil = resynthesise(table)
    assert compose(stencil).truth_table() == table
    assert stencil.size <= 60


def test_a_function_smaller_as_its_own_circuit_keeps_it():
    north_west_only = Circuit((), 0)
    assert neighbour_counts(north_west_only.truth_table()) is None
    stencil = resynthesise(north_west_only.truth_table())  # exceptions in every class, the stencil a detour
    assert compose(stencil).truth_table() == north_west_only.truth_table() and stencil.size > 0
    compiled = compile_circuit(north_west_only, CONWAY, 3)
    assert compiled.form == "circuit" and compiled.size == 0 and "kept the -O2 circuit" in compiled.describe()
    # A function of the centre alone is totalistic (B/S012345678), but as a stencil it would still add rows.
    centre = Circuit((Gate(3, 4, 4),), 9)
    assert resynthesise(centre.truth_table()).size == len(ROW_GATES)
    assert compile_circuit(centre, CONWAY, 3).form == "circuit" and compile_circuit(centre, CONWAY, 3).size == 0


def test_a_rule_with_exceptions_everywhere_is_synthesised_directly():
    rule = parse_rule("B3aijr4ekz5er/S2-ci3-acy4einrtz5n6c7").rule
    learned = table_circuit(rule)
    compiled = compile_circuit(learned, rule, 3)
    assert compiled.verified and compiled.form == "circuit" and compiled.synthesised is not None
    assert compiled.size == compiled.synthesised.size < learned.size
    assert compiled.describe().endswith("(-O3, synthesised from the truth table)")
    assert "resynthesised at -O3 from its truth table" in compiled.function_source()
    assert compiled.summary()["form"] == "circuit" and compiled.summary()["gates"] == compiled.size


def test_symmetry_is_checked_on_every_pair_of_neighbours():
    # Life, except that one neighbourhood (NW and N alive, nothing else) answers differently from its mirror.
    table = rule_table(CONWAY)
    for a, b in combinations([0, 1, 2, 3, 5, 6, 7, 8], 2):
        neighbourhood = (1 << a) | (1 << b)
        assert neighbour_counts(table ^ (1 << neighbourhood)) is None


def step_with(source, cells, generations, threads=1):
    ffi, lib = build.load(source + build.runtime_source())
    board = np.ascontiguousarray(pack(cells))
    scratch = np.empty_like(board)
    status = lib.lifetui_step(ffi.cast("uint64_t *", board.ctypes.data), ffi.cast("uint64_t *", scratch.ctypes.data),
                              board.shape[0], cells.shape[1], generations, threads)  # fmt: skip
    assert status == 0
    return unpack(board, cells.shape[1])


@pytest.mark.parametrize(
    "rule",
    ["B3/S23", "B36/S23", "B3678/S34678", "B0/S8", "B2/S", "B1357/S1357", "B012345678/S",
     "B2-a/S12", "B37/S2-i34q", "B36ce7c/S23-y", "B3-cnqy/S23"],  # the last four with exceptions
)  # fmt: skip
@pytest.mark.parametrize(("shape", "threads"), [((30, 70), 1), ((41, 128), 2), ((5, 3), 1), ((300, 70), 3)])
def test_the_emitted_stencil_runs_like_numpy(rule, shape, threads):
    parsed = parse_rule(rule).rule
    stencil = resynthesise(rule_table(parsed))
    assert (stencil.exceptions is None) == parsed.is_totalistic
    source = stencil_source(stencil, parsed, verified=True)
    cells = (np.random.default_rng(len(rule)).random(shape) < 0.4).astype(np.uint8)
    reference = NumpyEngine(parsed)
    reference.load(cells)
    reference.step(25)
    assert np.array_equal(step_with(source, cells, 25, threads), reference.cells())


def test_the_emitted_stencil_reads_as_the_circuit(shipped):
    stencil = resynthesise(shipped.truth_table())
    source = stencil_source(stencil, CONWAY, verified=True)
    words = " ".join(source.replace("*", " ").split())
    assert f"{stencil.size} operations per 64-cell word" in words and "born with 3; survives with 2, 3." in words
    assert source.count(" = ") == len(ROW_GATES) + len(stencil.combine.gates) + len(ROW_OUTPUTS)  # gates, stores
    assert "verified on all 512 neighbourhoods" in source


@pytest.mark.parametrize(("file", "level"), [("kernel.c", 3), ("kernel-O2.c", 2)])
def test_the_shipped_c_is_what_the_compiler_emits_today(file, level):
    from importlib import resources

    shipped_c = (resources.files("lifetui.bundled_kernels") / "b3s23" / file).read_text(encoding="utf-8")
    assert shipped_c == compile_network(kernel_for(CONWAY).network, CONWAY, level).function_source()


def test_no_generations_or_a_negative_count_leave_the_board_alone():
    stencil = resynthesise(rule_table(CONWAY))
    cells = (np.random.default_rng(5).random((64, 64)) < 0.4).astype(np.uint8)
    for generations in (0, -1, -9):
        assert np.array_equal(step_with(stencil_source(stencil, CONWAY, True), cells, generations, 2), cells)


def test_a_constant_function_has_depth_zero_and_only_the_row_stage():
    for rule in ("B/S", "B012345678/S012345678"):
        stencil = resynthesise(rule_table(parse_rule(rule).rule))
        assert stencil.combine.size == 0 and stencil.depth() == 0
        assert stencil.size == len(ROW_GATES)  # the runtime still computes the row sums


#: Two-input gates per cell that ABC's resynthesis of the whole truth table needs (issue 17's figures);
#: the -O3 stencil, shared row sums included, must need no more per 64-cell word.
ABC_GATES = {"B2-a/S12": 68, "B37/S2-i34q": 88, "B36ce7c/S23-y": 154, "B3aijr4ekz5er/S2-ci3-acy4einrtz5n6c7": 218}


@pytest.mark.parametrize("text", sorted(ABC_GATES))
def test_a_non_totalistic_rule_is_its_nearest_totalistic_rule_and_exceptions(text):
    rule = parse_rule(text).rule
    table = rule_table(rule)
    born, survival, departures = nearest_counts(table)
    nearest = rule_table(Rule.from_counts(set(born), set(survival)))
    assert departures == table ^ nearest and departures  # the exceptions are where the two differ
    for mask in CLASSES.values():  # and within each class of centre and count, the fewer
        assert 2 * (departures & mask).bit_count() <= mask.bit_count()
    stencil = resynthesise(table)
    if stencil:  # exceptions in a few classes of centre and count
        assert compose(stencil).truth_table() == table and stencil.departures == departures.bit_count()
        assert stencil.size == len(ROW_GATES) + stencil.combine.size + stencil.exceptions.size
    compiled = compile_circuit(table_circuit(rule), rule, 3)
    assert compiled.verified and compiled.size <= ABC_GATES[text]


def test_exceptions_make_the_stencil_of_a_near_totalistic_rule():
    rule = parse_rule("B2-a/S12").rule
    compiled = compile_circuit(table_circuit(rule), rule, 3)
    assert compiled.form == "stencil" and compiled.stencil.born == (2,) and compiled.stencil.survival == (1, 2)
    assert compiled.describe().endswith(f"(-O3 stencil: B2/S12 and {compiled.stencil.exceptions.size} gates for its "
                                        "8 exceptions)")  # fmt: skip
    source = compiled.function_source()
    assert "#define LIFETUI_ROW_CELLS 1" in source and "lifetui_cell(" in source
    assert "lifetui_word exceptions)" in source
    words = " ".join(source.replace("*", " ").split())
    assert "born with 2; survives with 1, 2. The rule departs from it on 8 neighbourhoods" in words
    assert f"{compiled.size} operations per 64-cell word" in words


def test_a_stencil_that_differs_from_its_table_is_refused_not_emitted(monkeypatch):
    import lifetui.compiler.stencil as stencil_module

    # A decode one gate wrong (its output negated), as a slip in the synthesis would make it: the composed
    # stencil is checked against the truth table on all 512 neighbourhoods and never reaches the C.
    def negated(circuit, level):
        done = optimise(circuit, level)
        return Circuit((*done.gates, Gate(NOT_A, done.output, done.output)), INPUTS + len(done.gates))

    monkeypatch.setattr(stencil_module, "optimise", negated)
    with pytest.raises(stencil_module.StencilError, match="differs from the function it was made from"):
        resynthesise(rule_table(CONWAY))


def test_the_compile_summary_is_the_json_contract_of_the_shipped_kernel():
    network = kernel_for(CONWAY).network
    compiled = compile_network(network, CONWAY)
    summary = compiled.summary()
    assert set(summary) == {"rule", "level", "network_gates", "form", "gates", "depth", "verified"}
    assert summary["rule"] == "B3/S23" and summary["level"] == 3 and summary["form"] == "stencil"
    assert summary["network_gates"] == network.gate_count and summary["gates"] == compiled.size
    assert summary["verified"] is True and summary["depth"] == compiled.depth() > 0
