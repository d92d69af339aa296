"""Mutation testing of lifetui's core with mutmut, outside CI: how many small breakages the tests catch.

    pip install -e '.[test,mutation]'
    python scripts/mutation.py            # run, print the score and the surviving mutants
    python scripts/mutation.py --record   # the same, then keep the score as the new floor

mutmut (configured in pyproject.toml's [tool.mutmut]: which modules, which tests) copies the package to
`mutants/`, makes every small change it knows in the listed modules (a flipped comparison, a changed
constant, a dropped call) and runs the tests that cover each changed function; a mutant the tests
do not fail on *survived*. The score is killed / (killed + survived), timeouts counted as killed (the
change made the code hang). The floor in `scripts/mutation-floor.json` only goes up: a run that scores
below it exits 1, and `--record` refuses to lower it. The run takes tens of minutes on two cores; a
second run re-tests only the functions that changed.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FLOOR = ROOT / "scripts" / "mutation-floor.json"
MUTMUT = [sys.executable, "-m", "mutmut"]


def score() -> dict:
    subprocess.run([*MUTMUT, "export-cicd-stats"], cwd=ROOT, check=True, capture_output=True)
    stats = json.loads((ROOT / "mutants" / "mutmut-cicd-stats.json").read_text())
    caught = stats["killed"] + stats["timeout"]
    judged = caught + stats["survived"]
    return {"killed": caught, "survived": stats["survived"], "score": round(caught / judged, 4) if judged else 0.0}


def survivors() -> list[str]:
    listing = subprocess.run([*MUTMUT, "results"], cwd=ROOT, check=True, capture_output=True, text=True).stdout
    return [line.split(":")[0].strip() for line in listing.splitlines() if line.strip().endswith(": survived")]


def main(arguments: list[str]) -> int:
    record = "--record" in arguments
    run = subprocess.run([*MUTMUT, "run", "--max-children", "2"], cwd=ROOT, check=False)
    if run.returncode != 0:
        print(f"mutmut run failed with status {run.returncode}", file=sys.stderr)
        return run.returncode
    result = score()
    floor = json.loads(FLOOR.read_text()) if FLOOR.exists() else {"score": 0.0}
    names = survivors()
    print(f"\n{len(names)} surviving mutants (`python -m mutmut show NAME` shows one):")
    for name in names:
        print(f"  {name}")
    print(
        f"\nmutation score {result['score']:.1%}: {result['killed']} of {result['killed'] + result['survived']} "
        f"mutants caught (floor {floor['score']:.1%})"
    )
    if result["score"] < floor["score"]:
        print("the score fell below the floor: the tests catch less than they did", file=sys.stderr)
        return 1
    if record:
        FLOOR.write_text(json.dumps(result, indent=2) + "\n")
        print(f"floor raised to {result['score']:.1%} in {FLOOR.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
