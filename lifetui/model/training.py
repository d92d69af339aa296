"""Training in JAX: the gate network relaxed to soft gates, fitted to every neighbourhood that can occur (all 512
for a two-state rule, states^9 of a Generations rule's state bits), seed after seed.

Imported only by `lifetui train`: nothing else waits for JAX (the jax engine runs hardened networks).
"""

from __future__ import annotations

import datetime
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import jax
import jax.numpy as jnp
import numpy as np
import optax
from rich.console import Console
from rich.progress import BarColumn, TextColumn, TimeElapsedColumn
from rich.progress import Progress as ProgressDisplay

from lifetui import __version__
from lifetui.errors import LifeError
from lifetui.model.factored import FactoredNetwork, mistakes, part_cases, part_layers, part_names
from lifetui.model.gates import COEFFICIENTS, GATE_COUNT, PASS_A, TRUTH, gate_logits_of_truth_logits
from lifetui.model.interrupts import deferred_interrupts
from lifetui.model.kernels import save_kernel
from lifetui.model.network import (
    DEFAULT_LAYERS,
    INPUTS,
    STATE_ENCODING,
    Network,
    factored,
    input_bits,
    neighbourhood_count,
    next_state_bits,
    occurring_neighbourhoods,
    random_wiring,
    state_bits,
)
from lifetui.rules import Rule

GATE_COEFFICIENTS = jnp.asarray(COEFFICIENTS)
#: The softmax parametrisation's starting logit for pass-through A (the published recipe's 10).
PASS_THROUGH_LOGIT = 10.0
#: The truth-table parametrisation starts each gate as pass-through A with rows at sigmoid(±5): 0.7 % off
#: 0 or 1, so 24 layers still pass most of the signal (0.987^24 = 0.72) yet every row feels gradient.
TRUTH_PASS_LOGIT = 5.0
#: The published recipe's. With truth-table logits, over 16 rules and seeds 0-3 four at a time, 0.01 made 56 of the
#: 64 seeds exact within 2,000 steps, 0.1 made 49 within 3,000 (`benchmarks/training_recipe.py` compares on HighLife).
WEIGHT_DECAY = 0.01
#: A seed whose hardened accuracy has not improved for this many steps has saturated; its logits are
#: then scaled down so the gates pass gradient again.
REHEAT_AFTER = 500
REHEAT_SCALE = 0.5
CHECK_EVERY = 25


def initial_logits(layer_sizes: tuple[int, ...], pass_logit: float = PASS_THROUGH_LOGIT) -> list[jnp.ndarray]:
    """Softmax logits: every gate starts as a near-certain pass-through of its first input, so depth does
    not wash out signal."""
    return [jnp.zeros((size, GATE_COUNT), jnp.float32).at[:, PASS_A].set(pass_logit) for size in layer_sizes]


def initial_truth_logits(layer_sizes: tuple[int, ...], pass_logit: float = TRUTH_PASS_LOGIT) -> list[jnp.ndarray]:
    """Truth-table logits: every gate starts as pass-through A (rows f(0,0), f(0,1) at -pass_logit, f(1,0),
    f(1,1) at +pass_logit)."""
    row = jnp.asarray(TRUTH[PASS_A] * 2.0 - 1.0, jnp.float32) * pass_logit
    return [jnp.broadcast_to(row, (size, 4)) for size in layer_sizes]


def forward(coefficients: list[jnp.ndarray], wires_a, wires_b, inputs: jnp.ndarray) -> jnp.ndarray:
    """Evaluate layers of gates given each gate's (c0, c1, c2, c3); inputs (inputs, ...) -> outputs (outputs, ...)."""
    values = inputs
    for coefficient, a, b in zip(coefficients, wires_a, wires_b):
        shape = (-1,) + (1,) * (values.ndim - 1)
        c0, c1, c2, c3 = (coefficient[:, k].reshape(shape) for k in range(4))
        left, right = values[a], values[b]
        values = c0 + left * (c1 + c3 * right) + c2 * right
    return values


def soft_coefficients(logits: list[jnp.ndarray]) -> list[jnp.ndarray]:
    return [jax.nn.softmax(layer, axis=-1) @ GATE_COEFFICIENTS for layer in logits]


def hard_coefficients(logits: list[jnp.ndarray]) -> list[jnp.ndarray]:
    return [GATE_COEFFICIENTS[jnp.argmax(layer, axis=-1)] for layer in logits]


def _coefficients_of_rows(rows: jnp.ndarray) -> jnp.ndarray:
    """(..., 4) truth-table rows f(0,0), f(0,1), f(1,0), f(1,1) in [0, 1] -> (..., 4) coefficients c0..c3."""
    f00, f01, f10, f11 = (rows[..., k] for k in range(4))
    return jnp.stack([f00, f10 - f00, f01 - f00, f00 - f01 - f10 + f11], axis=-1)


def soft_truth_coefficients(logits: list[jnp.ndarray]) -> list[jnp.ndarray]:
    return [_coefficients_of_rows(jax.nn.sigmoid(layer)) for layer in logits]


def hard_truth_coefficients(logits: list[jnp.ndarray]) -> list[jnp.ndarray]:
    return [_coefficients_of_rows((layer > 0).astype(jnp.float32)) for layer in logits]


@dataclass(frozen=True)
class Parametrisation:
    """How a gate's type is learned: its parameters, the soft gate they make, and the hardened one."""

    name: str
    initial: Callable[..., list[jnp.ndarray]]  # (layer sizes, pass-through logit) -> parameters per layer
    pass_logit: float
    soft: Callable[[list[jnp.ndarray]], list[jnp.ndarray]]
    hard: Callable[[list[jnp.ndarray]], list[jnp.ndarray]]
    gate_logits: Callable[[np.ndarray], np.ndarray]  # one layer's parameters -> its 16 logits, as kernels keep them


#: Four logits per gate, one per row of its truth table, each row a sigmoid (the "input-wise
#: parametrisation" of Rüttgers et al., 2025, "Light differentiable logic gate networks"). lifetui's default:
#: in `benchmarks/train_survey.py` it learned every rule tried, where the softmax stalled on most.
TRUTH_TABLE = Parametrisation(
    "truth-table", initial_truth_logits, TRUTH_PASS_LOGIT, soft_truth_coefficients, hard_truth_coefficients,
    gate_logits_of_truth_logits,
)  # fmt: skip
#: A softmax over the 16 gates, as the published experiment (and lifetui before) trained them.
SOFTMAX = Parametrisation(
    "softmax", initial_logits, PASS_THROUGH_LOGIT, soft_coefficients, hard_coefficients, lambda layer: layer
)
PARAMETRISATIONS = {p.name: p for p in (TRUTH_TABLE, SOFTMAX)}


@dataclass
class Progress:
    seed: int
    step: int
    loss: float
    exact: int  # of the neighbourhoods that can occur, by the hardened network
    seconds: float


@dataclass
class TrainResult:
    network: Network
    seed: int
    steps: int
    seconds: float
    exact: int


def train_seed(rule: Rule, seed: int, max_steps: int, **options) -> TrainResult:
    """Train one seed until the hardened network is exact on every neighbourhood that can occur or steps run out
    (`options` as for train_seeds: layer_sizes, report, learning_rate, weight_decay, pass_logit, reheat,
    parametrisation)."""
    return train_seeds(rule, [seed], max_steps, **options)[0]


def train_seeds(rule: Rule, seeds: list[int], max_steps: int, layer_sizes: tuple[int, ...] = DEFAULT_LAYERS,
                **options) -> list[TrainResult]:  # fmt: skip
    """Train several seeds at once, vectorised over seeds (`jax.vmap`: one computation, a batch of
    networks, each with its own wiring), until one is exact on every neighbourhood of `rule` that can occur or
    steps run out; a result per seed, in order. `options` as for fit_seeds."""
    inputs_count = INPUTS * state_bits(rule.states)
    # Only the neighbourhoods that can occur: the codes of states the rule lacks are don't-cares, in no loss.
    occurring = occurring_neighbourhoods(rule.states)
    inputs = input_bits(occurring, inputs_count)
    return fit_seeds(inputs, next_state_bits(rule, occurring), seeds, max_steps, layer_sizes, **options)


def fit_seeds(
    inputs_given: np.ndarray,
    target_given: np.ndarray,
    seeds: list[int],
    max_steps: int,
    layer_sizes: tuple[int, ...] = DEFAULT_LAYERS,
    report: Callable[[Progress], None] = lambda progress: None,
    learning_rate: float = 0.05,
    weight_decay: float = WEIGHT_DECAY,
    pass_logit: float | None = None,
    reheat: bool = True,
    parametrisation: Parametrisation = TRUTH_TABLE,
) -> list[TrainResult]:
    """Fit networks of `layer_sizes` to a function given by its cases (`inputs_given`: (inputs, cases) 0/1,
    `target_given`: (outputs, cases) 0/1), several seeds at once, until one is exact on every case or steps run
    out; a result per seed, in order. `report` hears, every CHECK_EVERY steps, of the seed closest to exact (the
    lowest such seed)."""
    started = time.perf_counter()
    inputs_count = len(inputs_given)
    wirings = [random_wiring(layer_sizes, seed, inputs_count) for seed in seeds]
    wires_a = [jnp.stack([jnp.asarray(wiring[0][depth]) for wiring in wirings]) for depth in range(len(layer_sizes))]
    wires_b = [jnp.stack([jnp.asarray(wiring[1][depth]) for wiring in wirings]) for depth in range(len(layer_sizes))]
    inputs = jnp.asarray(inputs_given, jnp.float32)
    target = jnp.asarray(target_given, jnp.float32)  # (outputs, cases)
    total = inputs.shape[1]
    optimiser = optax.chain(
        optax.clip_by_global_norm(100.0), optax.adamw(learning_rate, b1=0.9, b2=0.99, weight_decay=weight_decay)
    )
    count = len(seeds)
    start = parametrisation.initial(layer_sizes, parametrisation.pass_logit if pass_logit is None else pass_logit)
    logits = [jnp.broadcast_to(layer, (count, *layer.shape)) for layer in start]
    state = jax.vmap(optimiser.init)(logits)

    def loss_of(params, a, b, chosen):
        fitted = (inputs, target) if chosen is None else (inputs[:, chosen], target[:, chosen])
        return jnp.mean((forward(parametrisation.soft(params), a, b, fitted[0]) - fitted[1]) ** 2)

    def steps_of_one(params, opt_state, a, b, chosen):
        def one(carry, _):
            params, opt_state = carry
            loss, grads = jax.value_and_grad(loss_of)(params, a, b, chosen)
            updates, opt_state = optimiser.update(grads, opt_state, params)
            return (optax.apply_updates(params, updates), opt_state), loss

        (params, opt_state), losses = jax.lax.scan(one, (params, opt_state), None, length=CHECK_EVERY)
        right = jnp.all(forward(parametrisation.hard(params), a, b, inputs) == target, axis=0)
        return params, opt_state, losses[-1], right

    train_steps = jax.jit(jax.vmap(steps_of_one, in_axes=(0, 0, 0, 0, None if total <= BATCH else 0)))
    step = 0
    exact = np.zeros(count, dtype=np.int64)
    best, best_step = np.full(count, -1), np.zeros(count, dtype=np.int64)
    sampler = np.random.default_rng(seeds[0])
    wrong: list[np.ndarray] = [np.arange(total)] * count
    while step < max_steps:
        chosen = None if total <= BATCH else jnp.asarray(np.stack([_batch(sampler, total, w) for w in wrong]))
        logits, state, loss, right = train_steps(logits, state, wires_a, wires_b, chosen)
        step += CHECK_EVERY
        right = np.asarray(right)
        exact, losses = right.sum(axis=1).astype(np.int64), np.asarray(loss)
        wrong = [np.flatnonzero(~row) for row in right]
        leader = int(np.argmax(exact))  # the first of the most exact
        report(Progress(seeds[leader], step, float(losses[leader]), int(exact[leader]), time.perf_counter() - started))
        if exact.max() == total:
            break
        improved = exact > best
        best_step[improved], best[improved] = step, exact[improved]
        stalled = ~improved & (step - best_step >= REHEAT_AFTER)
        if reheat and stalled.any():
            # Saturated softmaxes pass no gradient: soften a stalled seed's logits so training can move again.
            scale = jnp.asarray(np.where(stalled, REHEAT_SCALE, 1.0), jnp.float32)
            logits = [layer * scale[:, None, None] for layer in logits]
            best_step[stalled] = step
    seconds = time.perf_counter() - started
    results = []
    for k, seed in enumerate(seeds):
        kept = [parametrisation.gate_logits(np.asarray(layer[k])) for layer in logits]
        network = Network(wirings[k][0], wirings[k][1], kept, inputs_count)
        results.append(TrainResult(network, seed, step, seconds, int(exact[k])))
    return results


#: Neighbourhoods fitted at a time: all of them for a two-state rule, a batch of a Generations rule's thousands
#: (`_batch`); the hardened network is checked on all of them after every CHECK_EVERY steps.
BATCH = 4096


def _batch(sampler: np.random.Generator, total: int, wrong: np.ndarray) -> np.ndarray:
    """The neighbourhoods the next CHECK_EVERY steps fit: up to half a batch of those the hardened network last
    got wrong, the rest drawn from all of them, so that rare neighbourhoods are not left to chance."""
    focus = sampler.permutation(wrong)[: BATCH // 2]
    return np.concatenate([focus, sampler.integers(0, total, BATCH - len(focus))])


#: The longest rule a progress line names in full; a longer one (Hensel, MAP) would squeeze out the
#: step, loss and accuracy columns on an 80-column terminal.
LABEL_CHARACTERS = 24


def task_label(rule: Rule) -> str:
    text = str(rule)
    return text if len(text) <= LABEL_CHARACTERS else text[: LABEL_CHARACTERS - 1] + "…"


def train_kernel(
    rule: Rule,
    first_seed: int,
    out: Path,
    max_steps: int,
    max_seeds: int,
    layers: tuple[int, ...] = DEFAULT_LAYERS,
    keep_inexact: bool = False,
    parallel: int = 1,
    in_parts: bool = False,
) -> None:
    """Train and save; the kernel folder appears complete or not at all (Ctrl-C included).

    A rule of 5 or more states, or a History rule, is learned in parts (`factored.py`), each part exact on all its
    cases before the next starts, and so is a rule of 3 or 4 states `in_parts`; `layers` are then the layers of
    its `rule` part, a two-state network.

    With `keep_inexact`, when no seed is exact the best one is saved all the same, marked inexact (its
    metadata says how many neighbourhoods it gets right), for study with --allow-inexact.
    """
    console = Console(stderr=True)
    started = time.perf_counter()
    count = neighbourhood_count(rule)
    columns = (
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        TextColumn("step {task.completed:>5.0f}/{task.total:.0f}"),
        TextColumn("loss {task.fields[loss]:.5f}"),
        TextColumn("exact {task.fields[exact]}/{task.fields[cases]}"),
        TimeElapsedColumn(),
    )
    with deferred_interrupts() as interrupted, ProgressDisplay(*columns, console=console) as progress:
        search = _SeedSearch(progress, interrupted, first_seed, max_seeds, max_steps, parallel, keep_inexact)
        if in_parts or factored(rule):
            planes = state_bits(rule.states)
            found = {
                name: search.best(
                    f"{task_label(rule)} {name}",
                    f"{rule}'s {name} part",
                    *part_cases(rule, name),
                    part_layers(rule, name, layers),
                )
                for name in part_names(rule)
            }
            network: Network | FactoredNetwork = FactoredNetwork({name: r.network for name, r in found.items()}, planes)
            steps = sum(r.steps for r in found.values())
            seconds = sum(r.seconds for r in found.values())
            seed = found["rule"].seed
        else:
            occurring = occurring_neighbourhoods(rule.states)
            inputs = input_bits(occurring, INPUTS * state_bits(rule.states))
            whole = search.best(task_label(rule), str(rule), inputs, next_state_bits(rule, occurring), layers)
            network, steps, seconds, seed = whole.network, whole.steps, whole.seconds, whole.seed
    exact = count - mistakes(network, rule).count
    if not search.inexact and exact != count:
        raise LifeError(
            f"trained network disagrees with {rule} on {count - exact} neighbourhoods when hardened in numpy"
        )
    total = time.perf_counter() - started
    metadata = {
        "rule": str(rule),
        "seed": seed,
        "steps": steps,
        "seconds": round(seconds, 2),
        "seeds_tried": search.tried,
        "total_seconds": round(total, 2),
        "accuracy": round(exact / count, 6),
        "exact": exact,
        "network_gates": network.gate_count,
        "parametrisation": TRUTH_TABLE.name,  # how the gates were learned; network.npz keeps 16 logits either way
        "trained_by": f"lifetui {__version__}, jax {jax.__version__}",
        "created": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
    }
    if rule.multi_state:  # two-state kernels keep the fields they always had
        metadata |= {"states": rule.states, "neighbourhoods": count, "encoding": STATE_ENCODING}
    if isinstance(network, FactoredNetwork):
        metadata["part_seeds"] = {name: r.seed for name, r in found.items()}
    if exact != count:
        metadata["inexact"] = True
    try:
        save_kernel(out, network, metadata)
    except LifeError as err:  # the folder went away or filled up during training: keep the kernel elsewhere
        kept = Path(tempfile.mkdtemp(prefix=f"lifetui-kernel-{rule.slug}-"))
        save_kernel(kept, network, metadata)
        raise LifeError(f"{err}; the trained kernel is kept in {kept} (move it where you want it)") from None
    if exact != count:
        console.print(
            f"{rule}: no seed was exact; kept the best, seed {seed}, right on {exact}/{count} neighbourhoods "
            f"(INEXACT: the engines run it only with --allow-inexact); kernel written to {out}"
        )
        return
    console.print(
        f"{rule}: exact on {count}/{count} with seed {seed} after {steps} steps "
        f"({total:.1f} s, {metadata['seeds_tried']} seed(s) tried); kernel written to {out}"
    )


class _SeedSearch:
    """Seeds tried a batch at a time, each batch's progress a line, until one fits its cases exactly: for a
    whole network, or for each part of a factored one in turn."""

    def __init__(self, progress: ProgressDisplay, interrupted, first_seed: int, max_seeds: int, max_steps: int,
                 parallel: int, keep_inexact: bool) -> None:  # fmt: skip
        self.progress, self.interrupted = progress, interrupted
        self.first_seed, self.last_seed = first_seed, first_seed + max_seeds - 1
        self.max_steps, self.parallel, self.keep_inexact = max_steps, parallel, keep_inexact
        self.tried = 0
        self.inexact = False  # whether a search kept a seed that is not exact

    def best(self, label: str, what: str, inputs: np.ndarray, target: np.ndarray, layers: tuple[int, ...]
             ) -> TrainResult:  # fmt: skip
        """The lowest seed exact on `what` (the rule, or a part of its network), else the best one, kept (and
        `inexact` set) only with keep_inexact."""
        cases = inputs.shape[1]
        best = None
        for first in range(self.first_seed, self.last_seed + 1, self.parallel):
            batch = list(range(first, min(first + self.parallel, self.last_seed + 1)))
            named = f"seed {first}" if len(batch) == 1 else f"seeds {first}-{batch[-1]}"
            task = self.progress.add_task(f"{label} {named}", total=self.max_steps, loss=1.0, exact=0, cases=cases)

            def report(update: Progress, task=task) -> None:
                self.progress.update(task, completed=update.step, loss=update.loss, exact=update.exact)
                if self.interrupted.is_set():
                    raise KeyboardInterrupt  # here, between computations, not inside one

            results = fit_seeds(inputs, target, batch, self.max_steps, layers, report)
            self.tried += len(batch)
            for candidate in results:  # the lowest exact seed, else the best so far
                if best is None or candidate.exact > best.exact:
                    best = candidate
            assert best is not None
            if best.exact == cases:
                return best
            reached = ", ".join(str(candidate.exact) for candidate in results)
            next_step = f"trying seeds from {batch[-1] + 1}" if batch[-1] < self.last_seed else "out of seeds"
            self.progress.console.print(
                f"{label} {named} stalled at {reached} of {cases} after {results[0].steps} steps; {next_step}"
            )
        assert best is not None
        if not self.keep_inexact:
            raise LifeError(
                f"no seed from {self.first_seed} to {self.last_seed} learned {what} exactly; "
                f"try more --seeds or --steps, or --keep-inexact to keep the best one"
            )
        self.inexact = True
        return best
