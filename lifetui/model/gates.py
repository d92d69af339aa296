"""The 16 two-input logic gates: names, truth tables, and the coefficients of their soft relaxation.

Gate g's index is the 4-bit number f(0,0) f(0,1) f(1,0) f(1,1), most significant bit first: 1 is AND,
3 passes A, 5 passes B, 6 is XOR, 7 is OR, 14 is NAND. Pure numpy; no framework state.
"""

from __future__ import annotations

import numpy as np

GATE_COUNT = 16
PASS_A = 3
PASS_B = 5

NAMES = (
    "false", "and", "a_and_not_b", "a", "not_a_and_b", "b", "xor", "or",
    "nor", "xnor", "not_b", "a_or_not_b", "not_a", "not_a_or_b", "nand", "true",
)  # fmt: skip

#: TRUTH[g, 2 * a + b] = f_g(a, b).
TRUTH = np.array([[(g >> (3 - row)) & 1 for row in range(4)] for g in range(GATE_COUNT)], dtype=np.uint8)

#: Each gate as c0 + c1*a + c2*b + c3*a*b, exact on {0, 1} and its natural relaxation on [0, 1].
COEFFICIENTS = np.stack(
    [
        TRUTH[:, 0],
        TRUTH[:, 2].astype(np.int8) - TRUTH[:, 0],
        TRUTH[:, 1].astype(np.int8) - TRUTH[:, 0],
        TRUTH[:, 0].astype(np.int8) - TRUTH[:, 1] - TRUTH[:, 2] + TRUTH[:, 3],
    ],
    axis=1,
).astype(np.float32)


def apply_gate(gate: int, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """One hard gate on 0/1 arrays (any integer dtype)."""
    return TRUTH[gate][2 * a.astype(np.intp) + b]


def apply_gates(gates: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """A layer of hard gates: gates (n,), a and b (n, ...) of 0/1; returns uint8 (n, ...)."""
    index = 2 * a.astype(np.intp) + b
    return TRUTH[gates.reshape((-1,) + (1,) * (index.ndim - 1)), index]


def soft_gate(coefficients: np.ndarray, a, b):
    """The relaxed gate for coefficient rows (..., 4); works on numpy and JAX arrays alike."""
    c0, c1, c2, c3 = (coefficients[..., k] for k in range(4))
    return c0 + c1 * a + c2 * b + c3 * a * b


def gates_of_truth_logits(truth_logits: np.ndarray) -> np.ndarray:
    """Gates given as four logits each, one per row of the truth table (f(0,0), f(0,1), f(1,0), f(1,1)): a
    row is 1 where its logit is positive. (n, 4) -> (n,) uint8 gate indices."""
    bits = (np.asarray(truth_logits) > 0).astype(np.uint8)
    return (bits << np.arange(3, -1, -1, dtype=np.uint8)).sum(axis=1).astype(np.uint8)


def gate_logits_of_truth_logits(truth_logits: np.ndarray) -> np.ndarray:
    """The 16 gate logits that mean the same as four truth-table logits: when each row of the truth table is
    1 with probability sigmoid(logit), independently, gate g's log-probability is, up to a constant shared by
    all 16, the sum of the logits of the rows where g is 1. Its argmax is `gates_of_truth_logits` exactly
    (a rounding tie is settled for that gate). (n, 4) -> (n, 16) float32."""
    truth_logits = np.asarray(truth_logits, dtype=np.float64)
    logits = (truth_logits @ TRUTH.T.astype(np.float64)).astype(np.float32)
    chosen = gates_of_truth_logits(truth_logits)
    rows = np.arange(len(logits))
    rivals = logits.copy()
    rivals[rows, chosen] = -np.inf
    logits[rows, chosen] = np.maximum(logits[rows, chosen], np.nextafter(rivals.max(axis=1), np.float32(np.inf)))
    return logits
