"""Why lifetui trains as it does: the figures behind the training recipe table (docs/training.md).

    python benchmarks/training_recipe.py [SEEDS] [STEPS]      default 3 seeds, 6000 steps (train's default)

Trains seeds 0..SEEDS-1 of the default network, one at a time, under each setting and prints, for each,
how many seeds became exact on all 512 neighbourhoods, the steps and seconds of those that did, and the
best accuracy of those that did not:

- lifetui's recipe (four logits a gate, one per row of its truth table) against the published one (a
  softmax over the 16 gates) on B3/S23, HighLife and the rule of the two-cell p410 oscillator;
- the weight decay (lifetui's against the other of 0.1 and 0.01) and reheating, on HighLife.

Each stalled seed runs all STEPS, about 50 s at 6000 steps on a 2-core machine, so the default run
takes several minutes. Prints a Markdown table.
"""

from __future__ import annotations

import sys

from lifetui.model.training import SOFTMAX, WEIGHT_DECAY, train_seed
from lifetui.rules import parse_rule

P410 = "B2aei3-aijy4-actyz5cjny6-en7c8/S01e3r4acejtw5einy6cn7e8"
OTHER_DECAY = 0.1 if WEIGHT_DECAY != 0.1 else 0.01
SETTINGS = [
    ("B3/S23", "lifetui: truth-table logits", {}),
    ("B3/S23", "published: softmax of 16", {"parametrisation": SOFTMAX}),
    ("B36/S23", "lifetui: truth-table logits", {}),
    ("B36/S23", "published: softmax of 16", {"parametrisation": SOFTMAX}),
    ("B36/S23", f"truth-table, weight decay {OTHER_DECAY}", {"weight_decay": OTHER_DECAY}),
    ("B36/S23", "truth-table, no reheating", {"reheat": False}),
    (P410, "lifetui: truth-table logits", {}),
    (P410, "published: softmax of 16", {"parametrisation": SOFTMAX}),
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
        label = "p410's rule" if rule_text == P410 else rule_text
        print(
            f"| {label} | {setting} | {len(exact)} of {seeds} "
            f"| {', '.join(f'{result.steps:,}' for result in exact) or '-'} "
            f"| {', '.join(f'{result.seconds:.0f}' for result in exact) or '-'} "
            f"| {', '.join(map(str, stalled)) or '-'} |",
            flush=True,
        )


if __name__ == "__main__":
    main(sys.argv[1:])
