"""Training in JAX: a few steps on tiny networks (none trains to convergence), determinism, reheating."""

import jax.numpy as jnp
import numpy as np

from lifetui.model.gates import PASS_A, gates_of_truth_logits
from lifetui.model.network import neighbourhoods, wrong_neighbourhoods
from lifetui.model.training import (
    SOFTMAX,
    Progress,
    forward,
    hard_coefficients,
    initial_logits,
    initial_truth_logits,
    train_seed,
)
from lifetui.rules import CONWAY, parse_rule

TINY = (16, 8, 4, 2, 1)


def test_training_lowers_the_loss_and_reports_progress():
    seen: list[Progress] = []
    result = train_seed(CONWAY, seed=0, max_steps=100, layer_sizes=TINY, report=seen.append)
    assert [p.step for p in seen] == [25, 50, 75, 100]
    assert seen[-1].loss < seen[0].loss
    assert result.steps == 100
    assert result.network.layer_sizes == TINY
    # The count JAX reports is the hardened network's, as numpy evaluates it independently.
    assert result.exact == 512 - len(wrong_neighbourhoods(result.network, CONWAY)) == seen[-1].exact


def test_training_is_deterministic_for_a_seed():
    first = train_seed(CONWAY, seed=5, max_steps=50, layer_sizes=TINY)
    second = train_seed(CONWAY, seed=5, max_steps=50, layer_sizes=TINY)
    for a, b in zip(first.network.logits, second.network.logits):
        assert np.array_equal(a, b)


def test_training_stops_once_exact():
    everything_lives = parse_rule("B012345678/S012345678").rule
    result = train_seed(everything_lives, seed=0, max_steps=2000, layer_sizes=(4, 2, 1))
    assert result.exact == 512
    assert result.steps < 2000


def test_jax_hard_forward_equals_numpy_evaluation():
    result = train_seed(CONWAY, seed=1, max_steps=25, layer_sizes=TINY)
    network = result.network
    coefficients = hard_coefficients([jnp.asarray(layer) for layer in network.logits])
    inputs = neighbourhoods()
    jax_output = forward(coefficients, network.wires_a, network.wires_b, jnp.asarray(inputs, jnp.float32))
    assert np.array_equal(np.asarray(jax_output).astype(np.uint8), network.evaluate(inputs))


def test_initial_gates_pass_their_first_input():
    logits = initial_logits((3, 1))
    assert all(int(np.argmax(row)) == PASS_A for layer in logits for row in np.asarray(layer))
    truth = initial_truth_logits((3, 1))
    assert all((gates_of_truth_logits(np.asarray(layer)) == PASS_A).all() for layer in truth)


def test_the_published_softmax_parametrisation_still_trains():
    # Kept for comparison (benchmarks/training_recipe.py): 16 logits a gate, saved as they are.
    result = train_seed(CONWAY, seed=0, max_steps=50, layer_sizes=TINY, parametrisation=SOFTMAX)
    assert result.exact == 512 - len(wrong_neighbourhoods(result.network, CONWAY))
    assert all(layer.shape == (size, 16) for layer, size in zip(result.network.logits, TINY))


def test_the_default_parametrisation_learns_a_rule_no_counting_can_express():
    # Four seeds at once on a small network: B2-a/S12 (JustFriends) is not totalistic.
    from lifetui.model.training import train_seeds

    rule = parse_rule("B2-a/S12").rule
    results = train_seeds(rule, [0, 1, 2, 3], max_steps=3000, layer_sizes=(128,) * 6 + (32, 8, 2, 1))
    best = max(results, key=lambda result: result.exact)
    assert best.exact == 512 and len(wrong_neighbourhoods(best.network, rule)) == 0


def test_a_stalled_seed_is_reheated(monkeypatch):
    import lifetui.model.training as training

    monkeypatch.setattr(training, "REHEAT_AFTER", 25)
    plain = train_seed(CONWAY, seed=0, max_steps=150, layer_sizes=(1,), reheat=False)
    reheated = train_seed(CONWAY, seed=0, max_steps=150, layer_sizes=(1,))
    # A single gate can never learn Life, so accuracy stalls and the logits are softened again and again.
    assert np.abs(reheated.network.logits[0]).max() < np.abs(plain.network.logits[0]).max()


def test_progress_names_a_long_rule_short_enough_to_leave_room_for_the_numbers():
    from lifetui.model.training import LABEL_CHARACTERS, task_label

    assert task_label(CONWAY) == "B3/S23"
    long = parse_rule("B2-ck3-acij4-acqy5-aik6-ae7c8/S01e2n3cr4aceqt5einq6c7e8").rule
    assert len(task_label(long)) == LABEL_CHARACTERS and task_label(long).startswith("B2-ck3-acij4")


def test_seeds_train_together_each_on_its_own_wiring():
    from lifetui.model.training import train_seeds

    results = train_seeds(CONWAY, [3, 4, 5], max_steps=50, layer_sizes=TINY)
    assert [result.seed for result in results] == [3, 4, 5]
    assert all(result.steps == 50 for result in results)
    wirings = {tuple(np.concatenate(result.network.wires_a)) for result in results}
    assert len(wirings) == 3  # three networks, not one trained thrice
    for result in results:  # each count is its own network's, as numpy evaluates it
        assert result.exact == 512 - len(wrong_neighbourhoods(result.network, CONWAY))
    again = train_seeds(CONWAY, [3, 4, 5], max_steps=50, layer_sizes=TINY)  # deterministic on a machine
    assert all(np.array_equal(a, b) for r, s in zip(results, again) for a, b in zip(r.network.logits, s.network.logits))


def test_a_batch_stops_when_one_seed_is_exact():
    from lifetui.model.training import train_seeds

    everything_lives = parse_rule("B012345678/S012345678").rule
    results = train_seeds(everything_lives, [0, 1], max_steps=2000, layer_sizes=(4, 2, 1))
    assert max(result.exact for result in results) == 512 and results[0].steps < 2000


def test_a_ctrl_c_between_the_command_lines_deferral_and_trainings_own_is_not_lost(monkeypatch):
    import os
    import signal

    from lifetui.model import interrupts

    monkeypatch.setattr(interrupts, "INTERRUPT_GRACE_SECONDS", 600)  # never ends this process
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        with interrupts.deferred_interrupts() as outer:
            os.kill(os.getpid(), signal.SIGINT)  # after the command line's check, before training's own
            assert outer.is_set()
            with interrupts.deferred_interrupts() as inner:
                assert inner.is_set()  # training's checks see it
    finally:
        signal.signal(signal.SIGINT, previous)
