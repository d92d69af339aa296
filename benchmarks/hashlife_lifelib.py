"""lifetui's HashLife on the unbounded plane against python-lifelib's, in one run on this machine.

    python benchmarks/hashlife_lifelib.py SWITCH_ENGINE_PING_PONG_RLE [--lifelib-python PYTHON] [--repeat N]

Two cases from issue 18: the Gosper glider gun (bundled) to generation 2^30, and Golly's
`Patterns/Life/Breeders/switch-engine-ping-pong.rle` (fetch the public Golly repository; lifetui ships
none of its files) to 2^20. Each is loaded afresh N times (default 5) and advanced in one call; the best
time of the N is kept, and the populations must agree. python-lifelib is not a dependency of lifetui:
install it in another environment (`python -m venv /tmp/lifelib && /tmp/lifelib/bin/pip install
python-lifelib`; its first use compiles C++ for the rule, about a minute) and name that Python with
--lifelib-python, or install it beside lifetui. Prints a Markdown table.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time

from lifetui.patterns import bundled_patterns, load_pattern
from lifetui.rules import CONWAY
from lifetui.world.topology import PLANE
from lifetui.world.universe import create_universe

LIFELIB_SCRIPT = """
import json, sys, time
import lifelib
rle, generations, repeat = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
session = lifelib.load_rules("b3s23")
best, population = None, None
for _ in range(repeat):
    tree = session.lifetree(memory=4000)
    pattern = tree.load(rle) if not rle.startswith("x") else tree.pattern(rle)
    started = time.perf_counter()
    later = pattern.advance(generations)
    population = later.population  # forces the computation
    seconds = time.perf_counter() - started
    best = seconds if best is None else min(best, seconds)
print(json.dumps({"seconds": best, "population": population}))
"""


def lifetui_time(spec: str, generations: int, repeat: int) -> tuple[float, int, int]:
    """Best seconds of `repeat` fresh runs, the population, and the nodes in use after the last."""
    pattern = load_pattern(spec)
    best = None
    for _ in range(repeat):
        plane = create_universe("hashlife", pattern.rule.rule if pattern.rule else CONWAY, PLANE)
        plane.load_pattern(pattern)
        started = time.perf_counter()
        plane.step(generations)
        seconds = time.perf_counter() - started
        best = seconds if best is None else min(best, seconds)
    return best, plane.population(), plane.nodes()


def lifelib_time(python: str, rle_path: str, generations: int, repeat: int) -> tuple[float, int] | None:
    done = subprocess.run([python, "-c", LIFELIB_SCRIPT, rle_path, str(generations), str(repeat)],
                          capture_output=True, text=True)  # fmt: skip
    if done.returncode != 0:
        print(f"python-lifelib failed: {done.stderr.strip().splitlines()[-1:]}", file=sys.stderr)
        return None
    result = json.loads(done.stdout.strip().splitlines()[-1])
    return result["seconds"], result["population"]


def main(arguments: list[str]) -> None:
    if not arguments or arguments[0].startswith("--"):
        sys.exit(__doc__)
    ping_pong = arguments[0]
    python = arguments[arguments.index("--lifelib-python") + 1] if "--lifelib-python" in arguments else sys.executable
    repeat = int(arguments[arguments.index("--repeat") + 1]) if "--repeat" in arguments else 5
    gun = bundled_patterns()["gosper-glider-gun"]
    cases = [("Gosper glider gun", str(gun), 1 << 30), ("switch-engine-ping-pong", ping_pong, 1 << 20)]
    print("| pattern | generations | lifetui hashlife | python-lifelib | lifetui / lifelib | population | nodes |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for name, path, generations in cases:
        seconds, population, nodes = lifetui_time(path, generations, repeat)
        theirs = lifelib_time(python, path, generations, repeat)
        if theirs is None:
            other, ratio = "not run", "-"
        else:
            other, ratio = f"{theirs[0] * 1e3:.2f} ms", f"{seconds / theirs[0]:.2f}"
            if theirs[1] != population:
                ratio += f" (POPULATIONS DIFFER: lifelib {theirs[1]:,})"
        print(f"| {name} | 2^{generations.bit_length() - 1} | {seconds * 1e3:.2f} ms | {other} | {ratio} "
              f"| {population:,} | {nodes:,} |", flush=True)  # fmt: skip


if __name__ == "__main__":
    main(sys.argv[1:])
