"""Logic synthesis from a truth table: exact on the minterms that matter, small where the answer is known."""

import functools
import operator
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lifetui.compiler.circuit import ALL, INPUT_TABLES, Circuit, Gate, apply_table
from lifetui.compiler.passes import optimise
from lifetui.compiler.synthesis import OverBudget, Search, emit, synthesise
from lifetui.model.network import INPUTS

tables = st.integers(0, ALL)


@settings(max_examples=10, deadline=None)
@given(tables)
def test_any_function_of_the_nine_cells_is_synthesised_exactly(table):
    assert synthesise(table).truth_table() == table


@pytest.mark.parametrize("seed", range(2))
def test_a_random_function_takes_fewer_gates_than_abc_needs(seed):
    table = random.Random(seed).getrandbits(512)  # half the neighbourhoods on, at random
    circuit = synthesise(table)
    assert circuit.truth_table() == table
    assert circuit.size < 260  # ABC's resynthesis needs 260 to 310 for random isotropic rules


@settings(max_examples=25, deadline=None)
@given(tables, tables)
def test_a_function_with_dont_cares_is_exact_where_it_matters(table, care):
    care |= 1  # at least one minterm matters
    circuit = synthesise(table, care & 0xFFFF_FFFF_FFFF_FFFF)  # neighbourhoods 0..63 at most: a fast search
    assert (circuit.truth_table() ^ table) & care & 0xFFFF_FFFF_FFFF_FFFF == 0


@pytest.mark.parametrize("variables", [3, 5, 6])
@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_every_plan_computes_its_function_on_its_care_set(variables, data):
    search = Search(variables)
    full = search.full
    on, care = data.draw(st.integers(0, full)), data.draw(st.integers(0, full))
    cost, plan = search.best(on, care)
    values, gates = list(search.literals), []

    def add(op, a, b):
        gates.append(Gate(op, a, b))
        values.append(apply_table(op, values[a], values[b]) & full)
        return len(values) - 1  # the variables are nodes 0..variables - 1, then the gates

    node = emit(plan, tuple(range(variables)), add)
    assert (values[node] ^ on) & care == 0
    # The tree the search counted, once the -O2 passes have merged what it repeats and folded negations
    # (an output that is a negated variable keeps its NOT).
    renumbered = [Gate(g.op, *(n if n < variables else n - variables + INPUTS for n in (g.a, g.b))) for g in gates]
    output = node if node < variables else node - variables + INPUTS
    assert optimise(Circuit(tuple(renumbered), output), 2).size <= cost + 1


def test_inputs_and_constants_need_no_gates():
    for k, table in enumerate(INPUT_TABLES):
        circuit = synthesise(table)
        assert circuit.size == 0 and circuit.output == k
    assert synthesise(0).size == 0 and synthesise(0).truth_table() == 0
    assert synthesise(ALL).size == 0 and synthesise(ALL).truth_table() == ALL


def test_parity_and_conjunction_of_the_nine_take_eight_gates():
    parity = functools.reduce(operator.xor, INPUT_TABLES)
    everything = functools.reduce(operator.and_, INPUT_TABLES)
    for table in (parity, everything, parity ^ ALL):
        circuit = synthesise(table)
        assert circuit.truth_table() == table and circuit.size == 8  # the fewest two-input gates possible


def test_dont_cares_make_a_smaller_circuit():
    # 1 on neighbourhoods with exactly two live cells side by side in the top row; only two-cell ones matter.
    two_cells = sum(1 << n for n in range(512) if n.bit_count() == 2)
    adjacent = (1 << 0b11) | (1 << 0b110)
    assert synthesise(adjacent).size > synthesise(adjacent, two_cells).size
    assert (synthesise(adjacent, two_cells).truth_table() ^ adjacent) & two_cells == 0


def test_a_search_past_its_budget_gives_up():
    with pytest.raises(OverBudget):
        synthesise(0x1234_5678_9ABC_DEF0 << 100 | 0xFEDC_BA98, budget=10)


def test_the_search_and_the_circuit_ir_number_neighbourhoods_alike():
    assert Search(9).literals == INPUT_TABLES
    assert Circuit((Gate(6, 0, 8),), 9).truth_table() == INPUT_TABLES[0] ^ INPUT_TABLES[8]
