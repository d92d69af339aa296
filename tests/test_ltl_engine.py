"""The ltl engine (lifetui/engines/ltl_engine.py and c/ltl.c) against the numpy reference: shapes, states, ranges
up to Golly's 500, every topology; and what it refuses."""

import numpy as np
import pytest

from lifetui.compiler.build import missing_compiler_reason
from lifetui.engines import EngineOptions, availability, create_engine, ltl_engine
from lifetui.rules import BoundedGrid, parse_rule
from lifetui.world.topology import Topology
from lifetui.world.universe import create_universe

pytestmark = pytest.mark.skipif(missing_compiler_reason() is not None, reason="no C compiler here")


def soup(shape, states, seed, density=0.45):
    rng = np.random.default_rng(seed)
    return ((rng.random(shape) < density) * rng.integers(1, states, shape)).astype(np.uint8)


def same_run(text, topology, cells, top, left, generations, window):
    """Run both engines on the topology; their cells of `window` after each generation."""
    rule = parse_rule(text).rule
    universes = [create_universe(name, rule, topology) for name in ("numpy", "ltl")]
    for universe in universes:
        universe.load(cells, top, left)
    for generation in range(generations):
        for universe in universes:
            universe.step(1)
        reference, fast = (universe.window(*window) for universe in universes)
        assert np.array_equal(reference, fast), (text, generation)
        assert universes[0].extent() == universes[1].extent()
    return universes[0].population()


@pytest.mark.parametrize(
    "text",
    [
        "R1,C0,S2-3,B3",
        "R2,C0,M1,S5..12,B5..9,NM",
        "R5,C0,M1,S34..58,B34..45,NM",
        "R4,C6,S20-40,B22-31",
        "R3,C3,S4-12,B5-9,NN",
        "R1,C0,S0,B1,NN",
        "R7,C2,M1,S20..60,B25..40,NN",
        "R3,C0,M1,S6..14,B6..11,NC",
        "R3,C0,S4-12,B5-9,N2",
        "R2,C3,S2-6,B3-5,NB",
        "R3,C5,M1,S2..5,B2..4,N+",
        "R3,C0,S2-5,B2-4,NX",
        "R2,C0,S3-8,B3-6,N*",
        "R3,C0,S5-10,B5-8,N#",
        "R4,C0,S14-30,B14-22,NH",
        "R3,C3,S2-5,B2-4,NA",
        "R2,C0,S1-3,B1-2,N@891891",
        "R2,C0,S0-3,B0-2",
        "R3,C3,M1,S2..6,B2..4,N3",
        "R1,C0,S1-4,B1,10-12,NL",
        "R2,C3,S8-20,B9-14,NL",
        "R2,C0,M1,S1..4,B1..2,N@891891L",
        "R2,C0,M0,S20..45,B18..30,NG",
        "R3,C4,M1,S60..150,B50..120,NG",
        "R1,C0,S5-12,B4-9,NW123401323",
        "R1,C0,S0-4,B1-3,NW9F8701234",
        "R1,C4,S8-60,B6-40,NW123401323,012A",
        "R1,C3,S26-34,B28-32,NW123401323,212",
        "R1,C0,S3-9,B3-5,NW123401323L",
    ],
)
def test_ltl_is_numpy_on_tori_of_any_size(text):
    rule = parse_rule(text).rule
    for shape, seed in (((40, 70), 1), ((5, 9), 2), ((1, 17), 3)):
        cells = soup(shape, rule.states, seed)
        same_run(text, Topology.torus(*shape), cells, 0, 0, 4, (0, 0, *shape))


@pytest.mark.parametrize(("text", "side"), [("R10,C0,M1,S123..212,B123..170,NM", 96),
                                            ("R50,C0,S3300000-3500000,B3350000-3450000,NG", 120),
                                            ("R25,C0,S849-1323,B777-1600", 128),
                                            ("R50,C2,S3333-5192,B3025-6154", 160),
                                            ("R100,C0,S5611-9775,B5612-7585,NN", 220),
                                            ("R500,C3,S180000-500000,B160000-400000", 64)])  # fmt: skip
def test_large_ranges_agree(text, side):
    rule = parse_rule(text).rule
    cells = soup((side, side + 8), rule.states, 7, density=0.5)
    same_run(text, Topology.torus(side, side + 8), cells, 0, 0, 2, (0, 0, side, side + 8))


@pytest.mark.parametrize("text", ["R5,C0,M1,S34..58,B34..45,NM", "R3,C4,S4-12,B5-9,NN", "R2,C0,S8-20,B9-14,NL",
                                  "R1,C3,S26-34,B28-32,NW123401323,212", "R3,C4,M1,S60..150,B50..120,NG"])  # fmt: skip
def test_ltl_is_numpy_on_the_plane_a_grid_and_a_tube(text):
    rule = parse_rule(text).rule
    pattern = soup((24, 20), rule.states, 8, density=0.55)
    assert same_run(text, Topology.plane(), pattern, -7, 3, 30, (-60, -60, 140, 140)) > 0
    grid = Topology.grid(BoundedGrid("P", 40, 30))
    same_run(text, grid, soup((30, 40), rule.states, 9), -15, -20, 12, (-15, -20, 30, 40))
    tube = Topology.grid(BoundedGrid("T", 0, 32))
    same_run(text, tube, soup((32, 20), rule.states, 10), -16, 0, 12, (-16, -50, 32, 120))


@pytest.mark.parametrize(
    ("text", "shape"),
    [("R5,C0,M1,S34..58,B34..45,NM", (61, 47)), ("R3,C4,S4-12,B5-9,NN", (40, 33)),
     ("R4,C0,S14-30,B14-22,NH", (37, 29)), ("R2,C0,M1,S5..12,B5..9,NM", (3, 40)),
     ("R2,C3,S8-20,B9-14,NL", (30, 26)), ("R3,C4,M1,S60..150,B50..120,NG", (33, 41))],
)  # fmt: skip
@pytest.mark.parametrize("threads", [1, 2, 3, 5])
def test_threads_split_the_rows_and_agree_with_numpy(monkeypatch, text, shape, threads):
    monkeypatch.setattr(ltl_engine, "usable_cpus", lambda: 8)  # bands for each thread asked, whatever this machine has
    rule = parse_rule(text).rule
    cells = soup(shape, rule.states, threads)
    fast = create_engine("ltl", rule, EngineOptions(threads=threads))
    reference = create_engine("numpy", rule)
    fast.load(cells)
    reference.load(cells)
    for generations in (1, 2, 5):
        fast.step(generations)
        reference.step(generations)
        assert np.array_equal(fast.cells(), reference.cells()), (text, threads)


def test_it_refuses_what_it_does_not_run_and_the_others_refuse_ltl():
    life = parse_rule("B3/S23").rule
    assert "runs Larger than Life rules (R5,C0,M1,S34..58,B34..45,NM, ...) only" in availability("ltl", life).reason
    checkerboard = parse_rule("R10,C0,S1,B1,NB").rule
    reason = availability("ltl", checkerboard).reason
    assert "the checkerboard neighbourhood of range 10 is 220 runs over its 21 rows" in reason
    assert availability("numpy", checkerboard).available
    weighted = availability("ltl", parse_rule("R2,C0,S1,B1,NW1212121212121212121212121").rule).reason
    assert "the weighted neighbourhood of range 2 is 25 runs over its 5 rows" in weighted
    assert availability("ltl", parse_rule("R2,C0,S1,B1,N@891891H").rule).available  # H: only how Golly draws it
    bosco = parse_rule("R5,C0,M1,S34..58,B34..45,NM").rule
    for name in ("jax", "c", "bitsliced", "hashlife", "xla"):
        reason = availability(name, bosco).reason
        assert reason == ("it runs rules of the 3x3 neighbourhood; R5,C0,M1,S34..58,B34..45,NM is a Larger than "
                          "Life rule of range 5 (numpy and ltl run it)")  # fmt: skip
    generations = parse_rule("/2/3").rule
    refused = availability("bitsliced", generations).reason  # ltl runs no Generations rule: not named
    assert (
        refused.endswith("(numpy and hashlife run it; jax, c and xla with a trained kernel)") and "ltl" not in refused
    )


def test_it_says_how_it_counts():
    engine = create_engine("ltl", parse_rule("R5,C0,M1,S34..58,B34..45,NM").rule)
    assert engine.describe() == ("Method", "range 5 square sums, running down columns then along rows, in C")
    engine = create_engine("ltl", parse_rule("R2,C0,S3-8,B3-6,NN").rule)
    assert engine.describe() == ("Method", "range 2 diamond sums from diagonal prefix sums, edges in and out, in C")
    engine = create_engine("ltl", parse_rule("R2,C0,S3-8,B3-6,NH").rule)
    assert engine.describe() == ("Method", "range 2 sums from row prefix sums, 6 runs a cell, in C")
