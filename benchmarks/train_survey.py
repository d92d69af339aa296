"""Does `lifetui train` learn every rule, and how fast? The survey behind the training table (docs/training.md).

    python benchmarks/train_survey.py [RANDOM] [--steps N] [--seeds N]    default 10 random rules

Runs `lifetui train --rule R` (as a user would: a fresh process, JAX's import and compile included, the
defaults unless given) for every rule of lifetui's bundled patterns and RANDOM random isotropic rules
(each class of neighbourhoods under rotation and reflection on or off with probability 1/2, numpy seeds
0, 1, ...), into a temporary folder, and prints a Markdown table from each kernel's `kernel.json`: the
seed that was exact, its steps, the seeds tried and the seconds in all, or that none was.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from lifetui.patterns import bundled_patterns, load_pattern
from lifetui.rules import CONWAY, SYMMETRIES, Rule


def survey_rules(random_count: int) -> list[tuple[str, Rule]]:
    rules: dict[Rule, str] = {}
    for name in sorted(bundled_patterns()):
        spec = load_pattern(name).rule
        rules.setdefault(CONWAY if spec is None else spec.rule, f"`{name}`")
    for seed in range(random_count):
        table = np.random.default_rng(seed).integers(0, 2, 512).astype(np.uint8)
        rules.setdefault(Rule.from_table(table[SYMMETRIES.min(axis=0)]), f"random isotropic {seed}")
    return [(origin, rule) for rule, origin in rules.items()]


def main(arguments: list[str]) -> None:
    options = [argument for argument in arguments if argument.startswith("--")]
    extra = [part for option in options for part in option.split("=", 1)]
    positional = [argument for argument in arguments if not argument.startswith("--")]
    random_count = int(positional[0]) if positional else 10
    print(f"lifetui train --rule R {' '.join(extra)}".rstrip())
    print("| rule | from | exact with seed | steps | seeds tried | seconds |")
    print("| --- | --- | --- | --- | --- | --- |")
    for origin, rule in survey_rules(random_count):
        with tempfile.TemporaryDirectory() as folder:
            out = Path(folder) / "kernel"
            started = time.perf_counter()
            command = [sys.executable, "-m", "lifetui", "train", "--rule", str(rule), "--out", str(out), *extra]
            done = subprocess.run(command, capture_output=True, text=True)
            seconds = time.perf_counter() - started
            if done.returncode != 0:
                why = done.stderr.strip().splitlines()[-1] if done.stderr.strip() else f"exit {done.returncode}"
                print(f"| `{rule}` | {origin} | none | - | - | {seconds:.0f} ({why}) |", flush=True)
                continue
            kernel = json.loads((out / "kernel.json").read_text())
        print(
            f"| `{rule}` | {origin} | {kernel['seed']} | {kernel['steps']:,} | {kernel['seeds_tried']} "
            f"| {seconds:.0f} |",
            flush=True,
        )


if __name__ == "__main__":
    main(sys.argv[1:])
