"""`lifetui PATTERN --bench --plane`: engines on the unbounded plane, and python-lifelib's HashLife when it is
installed (it is not a dependency: `pip install python-lifelib` beside lifetui to compare with it)."""

from __future__ import annotations

import json
import time
from pathlib import Path

import click

from lifetui.engines import EngineOptions
from lifetui.errors import LifeError
from lifetui.patterns import Pattern, bundled_patterns
from lifetui.rules import Rule
from lifetui.world.topology import PLANE
from lifetui.world.universe import create_universe

#: Generations when --steps is not given: HashLife's territory.
DEFAULT_PLANE_STEPS = 1 << 20


def lifelib_row(pattern_path: str, pattern: Pattern, rule: Rule, steps: int) -> dict:
    """python-lifelib's time for the same pattern and steps, or why it did not run."""
    try:
        import lifelib
    except ImportError:
        return {"engine": "python-lifelib", "available": False, "reason": "not installed (pip install python-lifelib)"}
    if not rule.is_totalistic:
        return {"engine": "python-lifelib", "available": False, "reason": "compared on totalistic rules only"}
    path = Path(pattern_path) if Path(pattern_path).is_file() else bundled_patterns().get(pattern_path)
    if path is None:
        return {"engine": "python-lifelib", "available": False, "reason": "it reads pattern files only"}
    try:
        session = lifelib.load_rules(str(rule).lower().replace("/", ""))  # its first use compiles C++ (a minute)
        tree = session.lifetree(memory=4000)
        loaded = tree.load(str(path))
        started = time.perf_counter()
        later = loaded.advance(steps)
        population = int(later.population)
        seconds = time.perf_counter() - started
    except Exception as err:  # noqa: BLE001 - a third party's failure is reported, never fatal
        return {"engine": "python-lifelib", "available": False, "reason": f"failed: {str(err)[:80]}"}
    return {"engine": "python-lifelib", "available": True, "seconds": seconds, "population": population}


def plane_bench(pattern_path: str, pattern: Pattern, rule: Rule, engines: list[str], steps: int | None,
                options: EngineOptions, as_json: bool) -> int:  # fmt: skip
    """Each engine from the pattern to `steps` on the plane, timed; every population and live box must agree
    with the first engine's (hashlife by default). Exit status 1 when one disagrees."""
    steps = steps or DEFAULT_PLANE_STEPS
    rows = []
    for name in engines or ["hashlife"]:
        try:
            plane = create_universe(name, rule, PLANE, options)
            plane.load_pattern(pattern)
            started = time.perf_counter()
            plane.step(steps)
            seconds = time.perf_counter() - started
        except LifeError as err:
            rows.append({"engine": name, "available": False, "reason": str(err)})
            continue
        rows.append({"engine": name, "available": True, "seconds": seconds, "population": plane.population(),
                     "bounds": plane.extent()})  # fmt: skip
    rows.append(lifelib_row(pattern_path, pattern, rule, steps))
    first = next((row for row in rows if row["available"]), None)
    for row in rows:
        if row["available"]:
            row["gens_per_s"] = steps / row["seconds"] if row["seconds"] else None  # too quick to time: no figure
            same_box = row.get("bounds", first.get("bounds")) == first.get("bounds")  # lifelib gives no box here
            row["agrees"] = row["population"] == first["population"] and same_box
    disagree = any(row["available"] and not row["agrees"] for row in rows)
    if as_json:
        click.echo(json.dumps({"pattern": pattern_path, "rule": str(rule), "topology": "plane", "steps": steps,
                               "engines": rows}))  # fmt: skip
        return 1 if disagree else 0
    click.echo(f"{pattern_path} on the unbounded plane, {steps:,} generations, rule {rule}")
    for row in rows:
        if not row["available"]:
            click.echo(f"  {row['engine']:<15} unavailable: {row['reason']}")
            continue
        mark = "agrees" if row["agrees"] else f"DIFFERS from {first['engine']}"
        click.echo(f"  {row['engine']:<15} {row['seconds'] * 1e3:>10.2f} ms  population {row['population']:,}  {mark}")
    return 1 if disagree else 0
