"""Can `lifetui train` learn rules that are not totalistic? The survey behind README's training table.

    python benchmarks/train_survey.py [SEEDS] [STEPS] [RANDOM]     default 4 seeds, 6000 steps, 10 random rules

Trains, as `lifetui train --rule R` does (seeds 0, 1, ... until one is exact, each at most STEPS steps),
every non-totalistic rule of lifetui's bundled patterns and RANDOM random isotropic rules (each class of
neighbourhoods under rotation and reflection on or off with probability 1/2, numpy seeds 0, 1, ...).
Prints a Markdown table: the rule, the seed that was exact and its steps, the seconds of all seeds
tried, or the best accuracy reached. Each stalled seed costs STEPS steps, about 50 s at 6000 on a 2-core
machine: the default run takes an hour or more.
"""

from __future__ import annotations

import sys
import time

import numpy as np

from lifetui.model.training import train_seed
from lifetui.patterns import bundled_patterns, load_pattern
from lifetui.rules import SYMMETRIES, Rule


def survey_rules(random_count: int) -> list[tuple[str, Rule]]:
    rules: dict[Rule, str] = {}
    for name in sorted(bundled_patterns()):
        spec = load_pattern(name).rule
        if spec is not None and not spec.rule.is_totalistic:
            rules.setdefault(spec.rule, f"`{name}`")
    for seed in range(random_count):
        table = np.random.default_rng(seed).integers(0, 2, 512).astype(np.uint8)
        rules.setdefault(Rule.from_table(table[SYMMETRIES.min(axis=0)]), f"random isotropic {seed}")
    return [(origin, rule) for rule, origin in rules.items()]


def main(arguments: list[str]) -> None:
    seeds = int(arguments[0]) if arguments else 4
    steps = int(arguments[1]) if len(arguments) > 1 else 6000
    random_count = int(arguments[2]) if len(arguments) > 2 else 10
    print(f"seeds 0..{seeds - 1}, at most {steps:,} steps each")
    print("| rule | from | exact with seed | steps | seconds (all seeds) | else best of 512 |")
    print("| --- | --- | --- | --- | --- | --- |")
    for origin, rule in survey_rules(random_count):
        started, best, exact = time.perf_counter(), 0, None
        for seed in range(seeds):
            result = train_seed(rule, seed, steps)
            best = max(best, result.exact)
            if result.exact == 512:
                exact = result
                break
        seconds = time.perf_counter() - started
        found = f"{exact.seed} | {exact.steps:,}" if exact else "- | -"
        print(f"| `{rule}` | {origin} | {found} | {seconds:.0f} | {'-' if exact else best} |", flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
