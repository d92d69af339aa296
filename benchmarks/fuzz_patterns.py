"""Long fuzz of the pattern readers (not part of CI): structured patterns with random damage.

Usage: python benchmarks/fuzz_patterns.py [COUNT] [SEED]
Every input must end as a parsed pattern or a PatternError naming the source; anything else is a bug,
printed with the input that caused it.
"""

from __future__ import annotations

import random
import sys
import time
from collections import Counter

from lifetui.errors import PatternError
from lifetui.patterns import parse_pattern

PIECES = ["b", "o", "$", "!", "3", "12", "999999", "0", " ", "\n", "\r\n", ".", "A", "pA", "x", "#C hi\n", "[[ Z ]]"]
HEADERS = [
    "x = 3, y = 3",
    "x = 3, y = 3, rule = B3/S23",
    "x=5,y=5,rule=B36/S23:T9,9",
    "x = 70000, y = 1",
    "",
    "x = 3, y = 3, rule = B3/S23/C3",
    "x = -1, y = 2",
    "#Life 1.06",
    "!Name: p",
    "x = 3, y = 3, rule = 23/3",
]
SUFFIXES = [".rle", "", ".cells", ".lif"]


def make_input(rng: random.Random) -> tuple[bytes, str]:
    body = "".join(rng.choice(PIECES) for _ in range(rng.randint(0, 60)))
    text = rng.choice(HEADERS) + "\n" + body
    data = bytearray(text.encode())
    for _ in range(rng.randint(0, 3)):
        if data:
            data[rng.randrange(len(data))] = rng.randrange(256)
    if rng.random() < 0.1:
        data = bytearray(rng.randbytes(rng.randint(0, 80)))
    return bytes(data), rng.choice(SUFFIXES)


def main(count: int, seed: int) -> int:
    rng = random.Random(seed)
    outcomes: Counter[str] = Counter()
    failures: dict[str, bytes] = {}
    started = time.perf_counter()
    for _ in range(count):
        data, suffix = make_input(rng)
        try:
            parse_pattern(data, "fuzz", suffix)
            outcomes["parsed"] += 1
        except PatternError as err:
            outcomes["pattern error"] += 1
            if not str(err).startswith("fuzz") or "\n" in str(err):
                failures.setdefault(f"badly formed message: {err}", data)
        except Exception as err:  # noqa: BLE001 - anything else is exactly what this script hunts
            failures.setdefault(f"{type(err).__name__}: {err}", data)
    seconds = time.perf_counter() - started
    print(f"{count:,} inputs in {seconds:.1f} s: {dict(outcomes)}; distinct failures: {len(failures)}")
    for kind, data in failures.items():
        print(f"  {kind}\n    input: {data[:200]!r}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000, int(sys.argv[2]) if len(sys.argv) > 2 else 0))
