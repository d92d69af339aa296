"""The C engines across board sizes and thread counts, through `lifetui --bench` itself.

    python benchmarks/scaling.py [RUNS] [SIZES]      e.g.  python benchmarks/scaling.py 3 1024,4096,16384

Each (size, threads) pair runs `lifetui SOUP --size NxN --bench --engine c --engine bitsliced --threads T
--json` RUNS times on a 1024 x 1024 random soup placed in the middle, and prints the median cell-updates/s
of each engine, c as a share of bitsliced, and two threads against one. Every run must agree with numpy.
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

from lifetui.patterns.rle import write_rle
from lifetui.rules import CONWAY


def soup(folder: Path) -> Path:
    cells = (np.random.default_rng(1024).random((1024, 1024)) < 0.5).astype(np.uint8)
    path = folder / "soup1024.rle"
    path.write_text(write_rle(cells, CONWAY, name="random 1024x1024 soup"), encoding="utf-8")
    return path


def bench(pattern: Path, size: int, threads: int) -> dict[str, float]:
    command = ["lifetui", str(pattern), "--size", f"{size}x{size}", "--bench", "--engine", "c", "--engine",
               "bitsliced", "--threads", str(threads), "--json"]  # fmt: skip
    document = json.loads(subprocess.run(command, capture_output=True, text=True, check=True).stdout)
    for entry in document["engines"]:
        if not entry["matches_reference"]:
            sys.exit(f"{entry['engine']} disagreed with numpy at {size}x{size}, {threads} threads")
    return {entry["engine"]: entry["cell_updates_per_s"] for entry in document["engines"]}


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 3
    sizes = [int(size) for size in sys.argv[2].split(",")] if len(sys.argv) > 2 else [1024, 4096, 16384]
    with tempfile.TemporaryDirectory() as folder:
        pattern = soup(Path(folder))
        print(f"{'size':>6} {'threads':>7} {'c':>9} {'bitsliced':>9} {'c/bits':>6} {'c x1':>5} {'bits x1':>7}")
        for size in sizes:
            one: dict[str, float] = {}
            for threads in (1, 2):
                samples = [bench(pattern, size, threads) for _ in range(runs)]
                median = {name: statistics.median(sample[name] for sample in samples) for name in ("c", "bitsliced")}
                one = one or median
                print(f"{size:>6} {threads:>7} {median['c']:>9.3g} {median['bitsliced']:>9.3g} "
                      f"{median['c'] / median['bitsliced']:>6.2f} {median['c'] / one['c']:>5.2f} "
                      f"{median['bitsliced'] / one['bitsliced']:>7.2f}", flush=True)  # fmt: skip


if __name__ == "__main__":
    main()
