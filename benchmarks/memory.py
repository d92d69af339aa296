"""Memory per cell while stepping, per engine: the figures behind the Limits paragraph (docs/boards.md).

    python benchmarks/memory.py [--rule RULE] [SIDE] [ENGINE ...]    e.g.  python benchmarks/memory.py 2048 numpy c

Each engine runs in a fresh process on a SIDE x SIDE random soup (default 2048, all engines). numpy,
c and bitsliced keep their boards in numpy arrays, so `tracemalloc` sees them: the figure is its peak
during load and ten generations, over the cell count. jax keeps its buffers inside XLA, where tracemalloc
cannot look, so for every engine the growth of the process's peak resident memory (ru_maxrss) from just
before the engine is made is printed too; it includes what JIT compilation allocates.
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import tracemalloc

ENGINES = ("numpy", "jax", "c", "bitsliced")
GENERATIONS = 10


def measure(engine_name: str, side: int, rule_text: str) -> dict:
    """In this process: create, load, step; the peaks over the cell count."""
    import numpy as np

    from lifetui.engines import create_engine
    from lifetui.rules import parse_rule

    cells = (np.random.default_rng(2025).integers(0, 4, (side, side), dtype=np.uint8) == 0).view(np.uint8)
    rule = parse_rule(rule_text).rule
    engine = create_engine(engine_name, rule)  # builds or loads what it needs before the measurement
    engine.load(cells[:8, :8])
    engine.step(1)
    del engine
    resident_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    tracemalloc.start()
    engine = create_engine(engine_name, rule)
    engine.load(cells)
    engine.step(GENERATIONS)
    engine.population()
    _, traced_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    resident_growth = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 - resident_before
    count = side * side
    return {"engine": engine_name, "side": side, "traced": traced_peak / count, "resident": resident_growth / count}


def main(arguments: list[str]) -> None:
    if arguments[:1] == ["--child"]:
        print(json.dumps(measure(arguments[1], int(arguments[2]), arguments[3])))
        return
    rule = "B3/S23"
    if arguments[:1] == ["--rule"]:
        rule, arguments = arguments[1], arguments[2:]
    side = int(arguments[0]) if arguments else 2048
    engines = arguments[1:] or list(ENGINES)
    print(f"bytes per cell while stepping, {rule}, {side} x {side} random soup, {GENERATIONS} generations")
    print("| engine | tracemalloc peak | peak resident growth |")
    print("| --- | --- | --- |")
    for name in engines:
        child = subprocess.run(
            [sys.executable, __file__, "--child", name, str(side), rule], capture_output=True, text=True, check=False
        )
        if child.returncode != 0:
            print(f"| {name} | failed: {child.stderr.strip().splitlines()[-1:]} | |")
            continue
        row = json.loads(child.stdout.strip().splitlines()[-1])
        print(f"| {name} | {row['traced']:.2f} | {row['resident']:.2f} |")


if __name__ == "__main__":
    main(sys.argv[1:])
