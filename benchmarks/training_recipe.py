"""Why lifetui's training departs from the published recipe: the figures behind README's training section.

    python benchmarks/training_recipe.py [SEEDS] [STEPS]      default 3 seeds, 6000 steps (train's default)

Trains seeds 0..SEEDS-1 of the default network under four settings and prints, for each, how many seeds
became exact on all 512 neighbourhoods, the steps and seconds of those that did, and the best accuracy
of those that did not:

- B3/S23 with lifetui's recipe (weight decay 0.1, reheating) and with the published weight decay 0.01;
- B36/S23 (HighLife) with lifetui's recipe and without reheating.

Each stalled seed runs all STEPS, about 50 s at 6000 steps on a 2-core machine, so the default run
takes several minutes. Prints a Markdown table.
"""

from __future__ import annotations

import sys

from lifetui.model.training import WEIGHT_DECAY, train_seed
from lifetui.rules import parse_rule

SETTINGS = [
    ("B3/S23", "lifetui: weight decay 0.1, reheating", {}),
    ("B3/S23", "published weight decay 0.01, reheating", {"weight_decay": 0.01}),
    ("B36/S23", "lifetui: weight decay 0.1, reheating", {}),
    ("B36/S23", "weight decay 0.1, no reheating", {"reheat": False}),
]


def main(arguments: list[str]) -> None:
    seeds = int(arguments[0]) if arguments else 3
    steps = int(arguments[1]) if len(arguments) > 1 else 6000
    print(f"seeds 0..{seeds - 1}, at most {steps:,} steps each (lifetui's weight decay: {WEIGHT_DECAY})")
    print("| rule | setting | exact seeds | steps to exact | seconds to exact | best of the others (of 512) |")
    print("| --- | --- | --- | --- | --- | --- |")
    for rule_text, setting, changes in SETTINGS:
        rule = parse_rule(rule_text).rule
        results = [train_seed(rule, seed, steps, **changes) for seed in range(seeds)]
        exact = [result for result in results if result.exact == 512]
        stalled = [result.exact for result in results if result.exact != 512]
        print(
            f"| {rule_text} | {setting} | {len(exact)} of {seeds} "
            f"| {', '.join(f'{result.steps:,}' for result in exact) or '-'} "
            f"| {', '.join(f'{result.seconds:.0f}' for result in exact) or '-'} "
            f"| {', '.join(map(str, stalled)) or '-'} |",
            flush=True,
        )


if __name__ == "__main__":
    main(sys.argv[1:])
