"""lifetui's HashLife on the unbounded plane against python-lifelib's, side by side on this machine.

    python benchmarks/hashlife_lifelib.py GOLLY_PATTERNS [--lifelib-python PYTHON] [--repeat N]

GOLLY_PATTERNS is the `Patterns` folder of the public Golly repository (fetch it: lifetui ships none of its
files). The cases are issue 32's: the Gosper glider gun (bundled) to 2^30, spacefiller to 2^16,
metapixel-galaxy (macrocell) to 2^20, switch-engine-ping-pong, acorn and 20-cell-quadratic-growth to 2^20,
breeder (Life 1.05) to 2^16, and a random soup of 1024 x 1024 cells (35 % alive, seed 1) to 2^12 and 2^16.
Each tool loads each pattern afresh and advances it in one call, N times (default 3), the two tools
alternating; the min and median of the stepping times are kept, the populations must agree, and "load" is
how long reading the file and building the quadtree took (the median), each tool's library already loaded
(lifelib's tree, lifetui's hashlife universe). Peak memory is the process's (its maximum resident set), and
"of which the run" what reading and stepping added to it once the library was loaded (numpy alone holds
15 MB in lifetui's process; lifelib does not import it). python-lifelib is not a dependency of lifetui:
install it in another environment (`python -m venv /tmp/lifelib && /tmp/lifelib/bin/pip install
python-lifelib`; its first use compiles C++ for the rule, about a minute) and name that Python with
--lifelib-python, or install it beside lifetui. Prints a Markdown table; "ratio" is lifelib's median time over
lifetui's (above 1: lifetui is faster).
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

from lifetui.patterns import bundled_patterns, load_pattern
from lifetui.patterns.rle import write_rle
from lifetui.rules import CONWAY

# Both tools' processes: imports, and their peak resident memory (VmHWM; ru_maxrss would count the
# benchmark's own, which a child inherits across exec).
PEAK = """
import json, sys, time
def peak_kb():
    return int(next(line for line in open("/proc/self/status") if line.startswith("VmHWM")).split()[1])
"""

LIFELIB_SCRIPT = (
    PEAK
    + """
import lifelib
path, generations = sys.argv[1], int(sys.argv[2])
session = lifelib.load_rules("b3s23")
tree = session.lifetree(memory=4000)
ready = peak_kb()
started = time.perf_counter()
pattern = tree.load(path)
loaded = time.perf_counter()
population = pattern.advance(generations).population  # forces the computation
done = time.perf_counter()
peak = peak_kb()
print(json.dumps({"load": loaded - started, "seconds": done - loaded, "population": population, "ready": ready,
                  "peak": peak}))
"""
)

LIFETUI_SCRIPT = (
    PEAK
    + """
from lifetui.patterns import load_pattern
from lifetui.rules import CONWAY
from lifetui.world.topology import PLANE
from lifetui.world.universe import create_universe
path, generations = sys.argv[1], int(sys.argv[2])
plane = create_universe("hashlife", CONWAY, PLANE)  # as lifelib's tree: made before the clock starts
ready = peak_kb()
started = time.perf_counter()
pattern = load_pattern(path)
assert pattern.rule is None or pattern.rule.rule == CONWAY
plane.load_pattern(pattern)
loaded = time.perf_counter()
plane.step(generations)
population = plane.population()
done = time.perf_counter()
peak = peak_kb()
print(json.dumps({"load": loaded - started, "seconds": done - loaded, "population": population, "ready": ready,
                  "peak": peak}))
"""
)

CASES = [
    ("Gosper glider gun", "bundled:gosper-glider-gun", 30),
    ("spacefiller", "Life/Breeders/spacefiller.rle", 16),
    ("metapixel-galaxy", "HashLife/Metacell/metapixel-galaxy.mc.gz", 20),
    ("switch-engine-ping-pong", "Life/Breeders/switch-engine-ping-pong.rle", 20),
    ("acorn", "Life/Methuselahs/acorn.lif", 20),
    ("20-cell-quadratic-growth", "Life/Breeders/20-cell-quadratic-growth.rle", 20),
    ("breeder (Life 1.05)", "Life/Breeders/breeder.lif", 16),
    ("random soup 1024 x 1024", "soup", 12),
    ("random soup 1024 x 1024", "soup", 16),
]


def one_run(python: str, script: str, path: str, generations: int) -> dict | None:
    """A fresh process (its own memory, its own caches): load, then step; None if it failed."""
    done = subprocess.run([python, "-c", script, path, str(generations)], capture_output=True, text=True)
    if done.returncode != 0:
        print(f"{python} failed on {path}: {done.stderr.strip().splitlines()[-1:]}", file=sys.stderr)
        return None
    return json.loads(done.stdout.strip().splitlines()[-1])


def soup_file(folder: Path) -> str:
    cells = (np.random.default_rng(1).random((1024, 1024)) < 0.35).astype(np.uint8)
    path = folder / "soup.rle"
    path.write_text(write_rle(cells, CONWAY, position=(0, 0)))
    return str(path)


def for_lifelib(path: str, folder: Path) -> str:
    """The file python-lifelib reads: RLE or macrocell as they are; Life 1.06 and 1.05, which it does not
    read, written as RLE by lifetui at the same place."""
    if path.endswith((".rle", ".mc", ".mc.gz", ".rle.gz")):
        return path
    pattern = load_pattern(path)
    top, left = pattern.plane_origin()
    converted = folder / (Path(path).stem + ".rle")
    converted.write_text(write_rle(pattern.to_array(), CONWAY, position=(left, top)))
    return str(converted)


def main(arguments: list[str]) -> None:
    if not arguments or arguments[0].startswith("--"):
        sys.exit(__doc__)
    golly = Path(arguments[0])
    python = arguments[arguments.index("--lifelib-python") + 1] if "--lifelib-python" in arguments else sys.executable
    repeat = int(arguments[arguments.index("--repeat") + 1]) if "--repeat" in arguments else 3
    folder = Path(tempfile.mkdtemp(prefix="hashlife-lifelib-"))
    soup = soup_file(folder)
    print(
        "| case | generations | lifetui min / median | lifelib min / median | ratio | lifetui load | lifelib load "
        "| peak memory, lifetui / lifelib | of which the run | population |"
    )
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    for name, where, exponent in CASES:
        path = str(bundled_patterns()[where.split(":")[1]]) if where.startswith("bundled:") else (
            soup if where == "soup" else str(golly / where))  # fmt: skip
        theirs_path = for_lifelib(path, folder)
        ours, theirs = [], []
        for _ in range(repeat):  # alternated, so that a busy moment falls on both
            ours.append(one_run(sys.executable, LIFETUI_SCRIPT, path, 1 << exponent))
            theirs.append(one_run(python, LIFELIB_SCRIPT, theirs_path, 1 << exponent))
        ours_ok, theirs_ok = [r for r in ours if r], [r for r in theirs if r]
        if not ours_ok:
            print(f"| {name} | 2^{exponent} | failed | | | | | | | |", flush=True)
            continue
        mine = sorted(r["seconds"] for r in ours_ok)
        line = f"| {name} | 2^{exponent} | {mine[0] * 1e3:,.1f} / {statistics.median(mine) * 1e3:,.1f} ms | "
        if theirs_ok:
            other = sorted(r["seconds"] for r in theirs_ok)
            ratio = statistics.median(other) / statistics.median(mine) if statistics.median(mine) else float("inf")
            agree = "" if theirs_ok[0]["population"] == ours_ok[0]["population"] else " (POPULATIONS DIFFER)"
            line += (f"{other[0] * 1e3:,.1f} / {statistics.median(other) * 1e3:,.1f} ms | {ratio:.2f}{agree} | "
                     f"{statistics.median(r['load'] for r in ours_ok) * 1e3:,.0f} ms | "
                     f"{statistics.median(r['load'] for r in theirs_ok) * 1e3:,.0f} ms | "
                     f"{megabytes(ours_ok, 'peak')} / {megabytes(theirs_ok, 'peak')} MB | "
                     f"{megabytes(ours_ok, 'run')} / {megabytes(theirs_ok, 'run')} MB | ")  # fmt: skip
        else:
            line += (f"not run | - | {statistics.median(r['load'] for r in ours_ok) * 1e3:,.0f} ms | - | "
                     f"{megabytes(ours_ok, 'peak')} MB | {megabytes(ours_ok, 'run')} MB | ")  # fmt: skip
        print(line + f"{ours_ok[0]['population']:,} |", flush=True)


def megabytes(runs: list[dict], what: str) -> str:
    """The median peak memory of the runs in MB (the process's whole, or what loading and stepping added to
    it: `run`, the peak less what the process held before reading the file)."""
    kilobytes = [r["peak"] - (r["ready"] if what == "run" else 0) for r in runs]
    return f"{statistics.median(kilobytes) / 1024:,.0f}"


if __name__ == "__main__":
    main(sys.argv[1:])
