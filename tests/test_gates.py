import itertools

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from lifetui.model.gates import (
    COEFFICIENTS,
    NAMES,
    PASS_A,
    PASS_B,
    TRUTH,
    apply_gate,
    apply_gates,
    gate_logits_of_truth_logits,
    gates_of_truth_logits,
    soft_gate,
)

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


def test_truth_logits_name_the_gate_whose_rows_are_positive():
    for gate in range(16):
        rows = EXPECTED[NAMES[gate]]
        logits = np.array([[3.0 if rows(a, b) else -2.0 for a in (0, 1) for b in (0, 1)]])
        assert gates_of_truth_logits(logits).tolist() == [gate]
    assert gates_of_truth_logits(np.zeros((1, 4))).tolist() == [0]  # a row at exactly 0 is not positive


def test_gate_logits_are_the_log_probabilities_of_independent_rows():
    rng = np.random.default_rng(0)
    truth_logits = rng.normal(0, 2, (50, 4))
    logits = gate_logits_of_truth_logits(truth_logits).astype(np.float64)
    p = 1 / (1 + np.exp(-truth_logits))  # each row is 1 with probability sigmoid(logit)
    direct = np.prod(np.where(TRUTH[None].astype(bool), p[:, None, :], 1 - p[:, None, :]), axis=2)
    softmax = np.exp(logits - logits.max(axis=1, keepdims=True))
    assert np.allclose(softmax / softmax.sum(axis=1, keepdims=True), direct, atol=1e-5)


@given(arrays(np.float32, (8, 4), elements=st.floats(-1e3, 1e3, width=32)))
def test_the_16_logits_harden_to_the_same_gate_as_the_four(truth_logits):
    # Near-ties that float32 rounding would settle for another gate are settled for the thresholded one.
    logits = gate_logits_of_truth_logits(truth_logits)
    assert np.isfinite(logits).all()
    assert np.argmax(logits, axis=1).tolist() == gates_of_truth_logits(truth_logits).tolist()


def test_a_tiny_row_logit_beside_large_ones_still_decides_its_row():
    truth_logits = np.array([[1e3, 1e3, 1e3, 1e-6], [1e3, 1e3, 1e3, -1e-6]], dtype=np.float32)
    assert np.argmax(gate_logits_of_truth_logits(truth_logits), axis=1).tolist() == [15, 14]
