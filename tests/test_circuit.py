"""The circuit IR (compiler/circuit.py) and each pass (compiler/passes.py) alone, checked on all 512 neighbourhoods."""

import pytest

from lifetui.compiler.circuit import (
    ALL,
    INPUT_TABLES,
    Circuit,
    Gate,
    apply_table,
    extract,
    fix_operand,
    negate_operand,
    rule_table,
    swap_operands,
    wrong_neighbourhoods,
)
from lifetui.compiler.passes import (
    LEVELS,
    eliminate_dead_gates,
    hash_structure,
    merge_equivalent_nodes,
    optimise,
    propagate_constants,
    propagate_copies,
    share_gates,
)
from lifetui.model.gates import TRUTH
from lifetui.model.kernels import kernel_for
from lifetui.model.network import neighbourhoods
from lifetui.rules import CONWAY

PASSES = LEVELS[2]
NW, N, NE, W, C, E, SW, S, SE = range(9)


def g(index):
    return 9 + index


@pytest.fixture(scope="module")
def shipped():
    return extract(kernel_for(CONWAY).network)


# A small circuit full of what the passes remove: copies, negations, constants, duplicates, dead gates.
MESSY = Circuit(
    (
        Gate(3, NW, N),  # g0 = NW (copy)
        Gate(12, N, N),  # g1 = NOT N
        Gate(1, g(0), g(1)),  # g2 = NW & NOT N
        Gate(0, C, C),  # g3 = false
        Gate(7, g(2), g(3)),  # g4 = g2 | false = g2
        Gate(1, g(1), g(0)),  # g5 = NOT N & NW (the same as g2, operands swapped)
        Gate(6, g(4), g(5)),  # g6 = g2 ^ g2 = false
        Gate(14, NW, g(1)),  # g7 = NAND(NW, NOT N) = NOT g2
        Gate(7, g(7), g(6)),  # g8 = g7 | false = NOT g2
        Gate(1, SE, SW),  # g9: dead
        Gate(6, g(8), E),  # g10 = NOT g2 ^ E: the output
    ),
    g(10),
)


def test_gate_helpers_against_truth_tables():
    for op in range(16):
        for a in (0, 1):
            for b in (0, 1):
                assert TRUTH[swap_operands(op), 2 * b + a] == TRUTH[op, 2 * a + b]
                assert TRUTH[negate_operand(op, "a"), 2 * (1 - a) + b] == TRUTH[op, 2 * a + b]
                assert TRUTH[negate_operand(op, "b"), 2 * a + (1 - b)] == TRUTH[op, 2 * a + b]
                assert TRUTH[fix_operand(op, "a", a), 2 * (1 - a) + b] == TRUTH[op, 2 * a + b]
                assert TRUTH[fix_operand(op, "b", b), 2 * a + (1 - b)] == TRUTH[op, 2 * a + b]


def test_input_tables_match_the_neighbourhood_encoding():
    inputs = neighbourhoods()
    for k, table in enumerate(INPUT_TABLES):
        assert [(table >> n) & 1 for n in range(512)] == inputs[k].tolist()
    assert apply_table(6, INPUT_TABLES[0], INPUT_TABLES[0]) == 0
    assert apply_table(15, 0, 0) == ALL


def test_extraction_computes_what_the_network_computes(shipped):
    network = kernel_for(CONWAY).network
    expected = network.evaluate(neighbourhoods())[0]
    table = shipped.truth_table()
    assert [(table >> n) & 1 for n in range(512)] == expected.tolist()
    assert len(shipped.gates) == network.gate_count


@pytest.mark.parametrize("optimisation", PASSES, ids=lambda p: p.__name__)
def test_each_pass_preserves_the_function_and_never_grows(optimisation, shipped):
    for circuit in (MESSY, shipped):
        result = optimisation(circuit)
        assert result.truth_table() == circuit.truth_table()
        assert len(result.gates) <= len(circuit.gates)
        assert result.size <= circuit.size


def test_dead_gates_go():
    result = eliminate_dead_gates(MESSY)
    assert Gate(1, SE, SW) not in result.gates
    assert len(result.gates) == len(MESSY.gates) - 1


def test_copies_and_negations_fold_into_consumers():
    result = propagate_copies(MESSY)
    assert all(gate.op not in (3, 5, 10, 12) for gate in result.gates)


def test_constants_fold():
    result = propagate_constants(MESSY)
    assert all(gate.op not in (0, 15) for gate in result.gates)
    assert result.truth_table() == MESSY.truth_table()


def test_structural_hashing_merges_swapped_duplicates():
    circuit = Circuit((Gate(1, NW, N), Gate(1, N, NW), Gate(6, g(0), g(1))), g(2))
    result = hash_structure(circuit)
    # The two ANDs are one, so the XOR reads the same node twice: it is the constant false.
    assert result.gates == (Gate(0, 0, 0),)
    assert result.truth_table() == 0


def test_shared_gates_keep_each_output_and_one_copy_of_what_two_spell_alike():
    # Both read NW AND N (spelt N AND NW in the second); the first XORs it with W, the second ORs it with E.
    first = Circuit((Gate(1, NW, N), Gate(6, g(0), W)), g(1))
    second = Circuit((Gate(1, N, NW), Gate(7, g(0), E)), g(1))
    gates, outputs = share_gates((first, second))
    assert len(gates) == 3
    for circuit, output in zip((first, second), outputs, strict=True):
        assert Circuit(gates, output).truth_table() == circuit.truth_table()


def test_merging_finds_complements():
    # g1 = NOT(NW & N) computed as NOR of the negations' complement: same function as NAND, found by table.
    circuit = Circuit((Gate(1, NW, N), Gate(11, NW, N), Gate(14, NW, N), Gate(1, g(0), g(2))), g(3))
    result = merge_equivalent_nodes(circuit)
    assert result.truth_table() == circuit.truth_table() == 0
    assert result.size == 0


def test_the_messy_circuit_optimises_to_two_gates():
    result = optimise(MESSY)
    assert result.truth_table() == MESSY.truth_table()
    assert result.size == 2  # NW & NOT N, then XNOR with E
    assert result.depth() == 2


@pytest.mark.parametrize("level", [0, 1, 2])
def test_levels_shrink_the_shipped_circuit_and_stay_exact(level, shipped):
    result = optimise(shipped, level)
    assert wrong_neighbourhoods(result, CONWAY) == []
    assert result.truth_table() == rule_table(CONWAY)
    sizes = [optimise(shipped, lower).size for lower in range(level + 1)]
    assert sizes == sorted(sizes, reverse=True)


def test_wrong_neighbourhoods_of_an_inexact_circuit():
    centre = Circuit((), C)  # "the next state is the current one"
    wrong = wrong_neighbourhoods(centre, CONWAY)
    table = CONWAY.truth_table()
    assert wrong == [n for n in range(512) if table[n] != (n >> 4) & 1]


@pytest.mark.parametrize("gate", range(16))
def test_every_gate_alone_compiles_to_c_that_computes_it(gate, tmp_path):
    # A network of one gate on the centre and the north-west cell: constant gates (false, true) too, which
    # the optimiser cannot fold away when they are the output.
    import numpy as np

    from lifetui.engines import EngineOptions, create_engine
    from lifetui.model.kernels import save_kernel
    from lifetui.model.network import Network

    network = Network([np.array([4])], [np.array([0])], [np.eye(16, dtype=np.float32)[[gate]]])
    save_kernel(tmp_path / "one", network, {"rule": "B3/S23"})
    cells = (np.random.default_rng(gate).random((16, 64)) < 0.5).astype(np.uint8)
    engine = create_engine("c", CONWAY, EngineOptions(tmp_path / "one", allow_inexact=True))
    engine.load(cells)
    engine.step(1)
    north_west = np.roll(np.roll(cells, 1, axis=0), 1, axis=1)
    assert np.array_equal(engine.cells(), TRUTH[gate][2 * cells.astype(int) + north_west])
