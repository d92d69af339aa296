"""`lifetui train`: try seeds until a network is exact on all 512 neighbourhoods, show progress, save it."""

from __future__ import annotations

import datetime
import time
from pathlib import Path

import jax
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from lifetui import __version__
from lifetui.errors import LifeError
from lifetui.kernel import DEFAULT_LAYERS, save_kernel, wrong_neighbourhoods
from lifetui.network import Progress as TrainingProgress
from lifetui.network import train_seed
from lifetui.rules import Rule


def train_kernel(
    rule: Rule, first_seed: int, out: Path, max_steps: int, max_seeds: int, layers: tuple[int, ...] = DEFAULT_LAYERS
) -> None:
    """Train and save; the kernel folder appears complete or not at all (Ctrl-C included)."""
    console = Console(stderr=True)
    started = time.perf_counter()
    columns = (
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        TextColumn("step {task.completed:>5.0f}/{task.total:.0f}"),
        TextColumn("loss {task.fields[loss]:.5f}"),
        TextColumn("exact {task.fields[exact]:>3}/512"),
        TimeElapsedColumn(),
    )
    result = None
    with Progress(*columns, console=console, transient=False) as progress:
        for seed in range(first_seed, first_seed + max_seeds):
            task = progress.add_task(f"{rule} seed {seed}", total=max_steps, loss=1.0, exact=0)

            def report(update: TrainingProgress, task=task) -> None:
                progress.update(task, completed=update.step, loss=update.loss, exact=update.exact)

            result = train_seed(rule, seed, max_steps, layers, report)
            if result.exact == 512:
                break
            next_step = f"trying seed {seed + 1}" if seed + 1 < first_seed + max_seeds else "out of seeds"
            progress.console.print(f"seed {seed} stalled at {result.exact}/512 after {result.steps} steps; {next_step}")
    if result is None or result.exact != 512:
        raise LifeError(
            f"no seed from {first_seed} to {first_seed + max_seeds - 1} learned {rule} exactly; "
            f"try more --seeds or --steps"
        )
    wrong = wrong_neighbourhoods(result.network, rule)
    if len(wrong):
        raise LifeError(f"trained network disagrees with {rule} on {len(wrong)} neighbourhoods when hardened in numpy")
    total = time.perf_counter() - started
    metadata = {
        "rule": str(rule),
        "seed": result.seed,
        "steps": result.steps,
        "seconds": round(result.seconds, 2),
        "seeds_tried": result.seed - first_seed + 1,
        "total_seconds": round(total, 2),
        "accuracy": 1.0,
        "exact": 512,
        "network_gates": result.network.gate_count,
        "trained_by": f"lifetui {__version__}, jax {jax.__version__}",
        "created": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
    }
    save_kernel(out, result.network, metadata)
    console.print(
        f"{rule}: exact on 512/512 with seed {result.seed} after {result.steps} steps "
        f"({total:.1f} s, {metadata['seeds_tried']} seed(s) tried); kernel written to {out}"
    )
