"""-O3: the stencil resynthesis, exact on all 512 neighbourhoods, and its C on the runtime for many rules."""

from itertools import combinations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lifetui.compiler import build
from lifetui.compiler.circuit import Circuit, Gate, extract, rule_table
from lifetui.compiler.codegen import stencil_source
from lifetui.compiler.passes import optimise
from lifetui.compiler.pipeline import compile_circuit, compile_network
from lifetui.compiler.stencil import ROW_GATES, ROW_OUTPUTS, compose, neighbour_counts, resynthesise
from lifetui.engines.c_engines import pack, unpack
from lifetui.engines.numpy_engine import NumpyEngine
from lifetui.model.kernels import kernel_for
from lifetui.rules import CONWAY, Rule, parse_rule


class TableOnly:
    """Stands in for a circuit with a given function: resynthesis reads nothing but the truth table."""

    def __init__(self, table):
        self.table = table

    def truth_table(self):
        return self.table


@pytest.fixture(scope="module")
def shipped():
    return optimise(extract(kernel_for(CONWAY).network), 2)


def test_the_shipped_circuit_becomes_a_small_exact_stencil(shipped):
    stencil = resynthesise(shipped)
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
    stencil = resynthesise(TableOnly(table))
    assert compose(stencil).truth_table() == table
    assert stencil.size <= 60


def test_a_function_that_tells_neighbours_apart_keeps_its_circuit():
    north_west_only = Circuit((), 0)
    assert neighbour_counts(north_west_only.truth_table()) is None
    assert resynthesise(north_west_only) is None
    compiled = compile_circuit(north_west_only, CONWAY, 3)
    assert compiled.form == "circuit" and "kept the -O2 circuit" in compiled.describe()
    # A function of the centre alone is symmetric in the neighbours (all zero of them matter).
    centre = Circuit((Gate(3, 4, 4),), 9)
    assert compile_circuit(centre, CONWAY, 3).form == "stencil"


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


@pytest.mark.parametrize("rule", ["B3/S23", "B36/S23", "B3678/S34678", "B0/S8", "B2/S", "B1357/S1357", "B012345678/S"])
@pytest.mark.parametrize(("shape", "threads"), [((30, 70), 1), ((41, 128), 2), ((5, 3), 1), ((300, 70), 3)])
def test_the_emitted_stencil_runs_like_numpy(rule, shape, threads):
    parsed = parse_rule(rule).rule
    stencil = resynthesise(TableOnly(rule_table(parsed)))
    source = stencil_source(stencil, parsed, verified=True)
    cells = (np.random.default_rng(len(rule)).random(shape) < 0.4).astype(np.uint8)
    reference = NumpyEngine(parsed)
    reference.load(cells)
    reference.step(25)
    assert np.array_equal(step_with(source, cells, 25, threads), reference.cells())


def test_the_emitted_stencil_reads_as_the_circuit(shipped):
    stencil = resynthesise(shipped)
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
    stencil = resynthesise(TableOnly(rule_table(CONWAY)))
    cells = (np.random.default_rng(5).random((64, 64)) < 0.4).astype(np.uint8)
    for generations in (0, -1, -9):
        assert np.array_equal(step_with(stencil_source(stencil, CONWAY, True), cells, generations, 2), cells)


def test_a_constant_function_has_depth_zero_and_only_the_row_stage():
    for rule in ("B/S", "B012345678/S012345678"):
        stencil = resynthesise(TableOnly(rule_table(parse_rule(rule).rule)))
        assert stencil.combine.size == 0 and stencil.depth() == 0
        assert stencil.size == len(ROW_GATES)  # the runtime still computes the row sums
