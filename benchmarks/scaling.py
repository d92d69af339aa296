"""The C engines across board sizes and thread counts, beside the yardstick, measured in one run.

    python benchmarks/scaling.py [RUNS] [SIZES]      e.g.  python benchmarks/scaling.py 3 512,1024,4096,16384

For each size and thread count it runs `--bench` on a random soup (25 % alive) for c (-O3), bitsliced
and c at -O2 (the learned circuit's own structure, one thread), and, when ../shared/yardstick/ is
beside the checkout, the yardstick built from it with gcc -O3 -march=native (-fopenmp for threads),
alternating them RUNS times, and prints the median cell updates per second of each as a Markdown table
with c's share of the yardstick and two threads against one. Every lifetui run must agree with numpy.
"""

from __future__ import annotations

import os
import re
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

from lifetui.bench.measure import bench_engine, run_bench
from lifetui.engines import EngineOptions
from lifetui.engines.c_engines import CircuitEngine
from lifetui.rules import CONWAY
from lifetui.world.board import Board

YARDSTICK = Path(__file__).resolve().parents[1].parent / "shared" / "yardstick" / "bitsliced.c"
#: Each measurement runs about this long.
SECONDS = 0.5


def build_yardstick(folder: Path) -> dict[int, Path] | None:
    """The yardstick for one thread and for several, or None when it is not beside the checkout."""
    if not YARDSTICK.exists():
        return None
    built = {}
    for threads, flags in ((1, []), (2, ["-fopenmp"])):
        binary = folder / f"yardstick{threads}"
        subprocess.run(["gcc", "-O3", "-march=native", *flags, "-o", str(binary), str(YARDSTICK)], check=True)
        built[threads] = binary
    return built


def yardstick(binaries: dict[int, Path], size: int, threads: int) -> float:
    generations = max(4, int(SECONDS * 2.5e11 / size**2))
    environment = {**os.environ, "OMP_NUM_THREADS": str(threads)}
    output = subprocess.run([str(binaries[min(threads, 2)]), str(size), str(generations), "0"], env=environment,
                            capture_output=True, text=True, check=True).stdout  # fmt: skip
    return float(re.search(r"cell_updates_per_s=(\S+)", output)[1])


def lifetui(board: Board, engine: str, threads: int) -> float:
    result, _ = bench_engine(engine, board, 10**9, SECONDS, EngineOptions(threads=threads), lambda name, done: None)
    if not result.available:
        sys.exit(f"{engine} cannot run: {result.reason}")
    return result.cell_updates_per_s


def agrees(board: Board, engine: str, threads: int) -> bool:
    """The engine against numpy over 40 generations (on a corner of the soup: numpy is slow on big boards)."""
    return all(
        result.matches_reference for result in run_bench(board, [engine], 40, None, EngineOptions(threads=threads))
    )


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 3
    sizes = [int(size) for size in sys.argv[2].split(",")] if len(sys.argv) > 2 else [512, 1024, 4096, 16384]
    with tempfile.TemporaryDirectory() as folder:
        binaries = build_yardstick(Path(folder))
        print("| size | threads | c | bitsliced | c -O2 | yardstick | c / yardstick | c, 2 threads / 1 |")
        print("| --- | --- | --- | --- | --- | --- | --- | --- |")
        for size in sizes:
            board = Board.of_cells(CONWAY, (np.random.default_rng(size).random((size, size)) < 0.25).astype(np.uint8))
            one_thread = None
            for threads in (1, 2):
                for engine in ("c", "bitsliced"):
                    if not agrees(Board.of_cells(CONWAY, board.cells[:600, :600].copy()), engine, threads):
                        sys.exit(f"{engine} disagreed with numpy")
                samples: dict[str, list[float]] = {"c": [], "bitsliced": [], "c -O2": [], "yardstick": []}
                for _ in range(runs):
                    samples["c"].append(lifetui(board, "c", threads))
                    samples["bitsliced"].append(lifetui(board, "bitsliced", threads))
                    if threads == 1:
                        CircuitEngine.level = 2
                        try:
                            samples["c -O2"].append(lifetui(board, "c", threads))
                        finally:
                            CircuitEngine.level = 3
                    if binaries:
                        samples["yardstick"].append(yardstick(binaries, size, threads))
                median = {name: statistics.median(values) if values else None for name, values in samples.items()}
                one_thread = one_thread or median["c"]

                def shown(value: float | None) -> str:
                    return f"{value:.3g}" if value else "-"

                share = f"{median['c'] / median['yardstick']:.2f}" if median["yardstick"] else "-"
                scaling = f"{median['c'] / one_thread:.2f}" if threads > 1 else ""
                print(f"| {size} | {threads} | {shown(median['c'])} | {shown(median['bitsliced'])} | "
                      f"{shown(median['c -O2'])} | {shown(median['yardstick'])} | {share} | {scaling} |",
                      flush=True)  # fmt: skip


if __name__ == "__main__":
    main()
