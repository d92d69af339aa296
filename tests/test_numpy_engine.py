"""The reference engine against known facts of Life and a cell-by-cell implementation of other rules."""

import numpy as np
import pytest
from conftest import naive_step
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from lifetui.engines import create_engine
from lifetui.engines.numpy_engine import NumpyEngine
from lifetui.patterns import load_pattern
from lifetui.rules import CONWAY, parse_rule
from lifetui.world.board import torus_board


def run(name: str, steps: int, size: tuple[int, int] | None = None, rule: str | None = None) -> NumpyEngine:
    board = torus_board(load_pattern(name), size, parse_rule(rule) if rule else None)
    engine = NumpyEngine(board.rule)
    engine.load(board.cells)
    engine.step(steps)
    return engine


@pytest.mark.parametrize("width", [8, 17, 32])
def test_glider_comes_home_after_4w_generations(width):
    board = torus_board(load_pattern("glider"), (width, width))
    engine = NumpyEngine(board.rule)
    engine.load(board.cells)
    engine.step(4 * width - 4)
    assert not np.array_equal(engine.cells(), board.cells)
    engine.step(4)
    assert np.array_equal(engine.cells(), board.cells)


def test_r_pentomino_settles_to_116_at_1103():
    assert run("r-pentomino", 1103, (512, 512)).population() == 116


def test_diehard_vanishes_at_130():
    engine = run("diehard", 129)
    assert engine.population() > 0
    engine.step(1)
    assert engine.population() == 0


@pytest.mark.parametrize("k", [1, 2, 5, 10])
def test_gosper_gun_adds_a_glider_every_30_generations(k):
    assert run("gosper-glider-gun", 30 * k, (256, 256)).population() == 36 + 5 * k


@pytest.mark.slow
def test_acorn_settles_to_633_at_5206():
    assert run("acorn", 5206, (2048, 2048)).population() == 633


def test_pulsar_cycles_through_48_56_72():
    engine = run("pulsar", 0)
    populations = []
    for _ in range(6):
        engine.step(1)
        populations.append(engine.population())
    assert populations == [56, 72, 48, 56, 72, 48]


def test_pentadecathlon_has_period_15():
    start = run("pentadecathlon", 0).cells()
    engine = run("pentadecathlon", 5)
    assert not np.array_equal(engine.cells(), start)
    engine.step(10)
    assert np.array_equal(engine.cells(), start)


def test_highlife_replicator_copies_itself():
    # After 12 generations of HighLife the replicator has become two copies of itself.
    start = run("highlife-replicator", 0)
    assert start.rule == parse_rule("B36/S23").rule
    assert run("highlife-replicator", 12).population() == 2 * start.population()


def test_daynight_oscillator_has_period_3():
    start = run("daynight-oscillator", 0).cells()
    assert not np.array_equal(run("daynight-oscillator", 1).cells(), start)
    assert np.array_equal(run("daynight-oscillator", 3).cells(), start)


@pytest.mark.parametrize("rule", ["B36/S23", "B3678/S34678", "B0/S8", "B2/S", "B1357/S1357", "B0123478/S01234678"])
@pytest.mark.parametrize("seed", [0, 1])
def test_soups_agree_with_a_naive_implementation(rule, seed):
    parsed = parse_rule(rule).rule
    cells = (np.random.default_rng(seed).random((23, 31)) < 0.4).astype(np.uint8)
    engine = NumpyEngine(parsed)
    engine.load(cells)
    for _ in range(8):
        engine.step(1)
        cells = naive_step(cells, set(parsed.birth), set(parsed.survival))
        assert np.array_equal(engine.cells(), cells)


@settings(max_examples=40, deadline=None)
@given(cells=arrays(np.uint8, st.tuples(st.integers(3, 12), st.integers(3, 12)), elements=st.integers(0, 1)))
def test_any_small_torus_matches_the_naive_step(cells):
    engine = NumpyEngine(CONWAY)
    engine.load(cells)
    engine.step(1)
    assert np.array_equal(engine.cells(), naive_step(cells, {3}, {2, 3}))


def test_registry_creates_the_numpy_engine_and_explains_the_others():
    engine = create_engine("numpy", CONWAY)
    engine.load(np.ones((3, 3), dtype=np.uint8))
    assert engine.population() == 9
    from lifetui.engines import EngineUnavailable, availability

    highlife = parse_rule("B36/S23").rule  # no kernel ships for it: the learned engines cannot run
    for name in ("jax", "c"):
        assert not availability(name, highlife).available
        with pytest.raises(EngineUnavailable, match=f"engine {name} is unavailable: no trained kernel"):
            create_engine(name, highlife)
    assert availability("bitsliced", highlife).available
    assert availability("warp", CONWAY).reason.startswith("unknown engine")


def test_numpy_engine_says_how_it_computes():
    from lifetui.engines.numpy_engine import NumpyEngine

    assert NumpyEngine(CONWAY).describe() == ("Method", "neighbour counts in numpy")
    assert NumpyEngine(parse_rule("B2-a/S12").rule).describe() == ("Method", "512-entry table lookup in numpy")


def test_a_generation_stops_between_bands_when_asked_and_keeps_the_generations_made(monkeypatch):
    import lifetui.engines.numpy_engine as numpy_engine
    from lifetui.engines.base import Interrupted

    monkeypatch.setattr(numpy_engine, "BAND_CELLS", 64 * 8)  # 8 bands of 8 rows: 7 polls a generation
    cells = (np.random.default_rng(4).random((64, 64)) < 0.4).astype(np.uint8)
    engine = NumpyEngine(CONWAY)
    engine.load(cells)
    polls = []
    engine.interrupted = lambda: len(polls) >= 10 or bool(polls.append(1))  # true at the second one's fourth
    with pytest.raises(Interrupted) as interrupted:
        engine.step(5)
    assert interrupted.value.done == 1
    assert np.array_equal(engine.cells(), naive_step(cells, {3}, {2, 3}))  # one whole generation, no part of two
