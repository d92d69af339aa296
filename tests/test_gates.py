import itertools

import numpy as np
import pytest

from lifetui.model.gates import COEFFICIENTS, NAMES, PASS_A, PASS_B, TRUTH, apply_gate, apply_gates, soft_gate

EXPECTED = {
    "false": lambda a, b: 0,
    "and": lambda a, b: a & b,
    "a_and_not_b": lambda a, b: a & (1 - b),
    "a": lambda a, b: a,
    "not_a_and_b": lambda a, b: (1 - a) & b,
    "b": lambda a, b: b,
    "xor": lambda a, b: a ^ b,
    "or": lambda a, b: a | b,
    "nor": lambda a, b: 1 - (a | b),
    "xnor": lambda a, b: 1 - (a ^ b),
    "not_b": lambda a, b: 1 - b,
    "a_or_not_b": lambda a, b: a | (1 - b),
    "not_a": lambda a, b: 1 - a,
    "not_a_or_b": lambda a, b: (1 - a) | b,
    "nand": lambda a, b: 1 - (a & b),
    "true": lambda a, b: 1,
}


@pytest.mark.parametrize("gate", range(16))
def test_each_gate_matches_its_name_hard_and_soft(gate):
    function = EXPECTED[NAMES[gate]]
    for a, b in itertools.product((0, 1), repeat=2):
        assert TRUTH[gate, 2 * a + b] == function(a, b)
        assert apply_gate(gate, np.array([a]), np.array([b]))[0] == function(a, b)
        assert soft_gate(COEFFICIENTS[gate], float(a), float(b)) == function(a, b)


def test_index_convention():
    assert NAMES[1] == "and" and NAMES[6] == "xor" and NAMES[7] == "or" and NAMES[14] == "nand"
    assert (NAMES[PASS_A], NAMES[PASS_B]) == ("a", "b")


def test_soft_gates_stay_in_the_unit_interval():
    a, b = np.meshgrid(np.linspace(0, 1, 11), np.linspace(0, 1, 11))
    for gate in range(16):
        values = soft_gate(COEFFICIENTS[gate], a, b)
        assert values.min() >= -1e-6 and values.max() <= 1 + 1e-6


def test_a_layer_of_gates():
    gates = np.array([1, 6, 7])
    a = np.array([[0, 1, 1, 0], [0, 1, 1, 0], [0, 1, 1, 0]])
    b = np.array([[0, 0, 1, 1], [0, 0, 1, 1], [0, 0, 1, 1]])
    assert apply_gates(gates, a, b).tolist() == [[0, 0, 1, 0], [0, 1, 0, 1], [0, 1, 1, 1]]
