"""The xla engine runs the c engine's compiled circuit in JAX (the shipped kernel is checked with every engine in
test_engines.py, and on the plane, tubes and bounded grids in test_plane.py)."""

import numpy as np
import pytest
from conftest import assert_follows_numpy, kernel_folder

from lifetui.compiler.pipeline import compile_network
from lifetui.engines import EngineOptions, create_engine
from lifetui.engines.numpy_engine import NumpyEngine
from lifetui.model.kernels import kernel_for
from lifetui.rules import CONWAY, parse_rule


def soup(shape, seed):
    return (np.random.default_rng(seed).random(shape) < 0.4).astype(np.uint8)


def test_it_runs_the_circuit_the_c_engine_compiles_and_says_so():
    engine = create_engine("xla", CONWAY)
    compiled = compile_network(kernel_for(CONWAY).network, CONWAY)
    assert engine.compiled.summary() == compiled.summary() and compiled.verified
    label, text = engine.describe()
    assert label == "Circuit" and text.startswith(compiled.describe()) and "in XLA on the CPU" in text


@pytest.mark.parametrize("level", [1, 2])
def test_a_circuit_that_is_no_stencil_runs_on_the_nine_neighbour_words(monkeypatch, level):
    from lifetui.engines.xla_engine import XlaEngine

    monkeypatch.setattr(XlaEngine, "level", level)
    engine = create_engine("xla", CONWAY)
    assert engine.compiled.stencil is None
    assert_follows_numpy(engine, soup((21, 70), level), CONWAY, [1, 2, 9])


@pytest.mark.parametrize(("text", "form"), [("B36/S23", "stencil"), ("B2-a/S12", "stencil with exceptions"),
                                            ("B0/S8", "circuit")])  # fmt: skip
def test_every_form_of_the_compiled_circuit_follows_numpy(tmp_path, text, form):
    rule = parse_rule(text).rule
    engine = create_engine("xla", rule, EngineOptions(model=kernel_folder(tmp_path / "kernel", rule)))
    stencil = engine.compiled.stencil
    assert form == ("circuit" if stencil is None else "stencil with exceptions" if stencil.exceptions else "stencil")
    assert_follows_numpy(engine, soup((19, 33), 3), rule, [1, 4, 16])  # 33: one cell in the last word


@pytest.mark.parametrize("name", ["jax", "xla"])
def test_a_call_of_k_generations_is_k_single_steps_and_compiles_once(name):
    cells = soup((40, 70), 8)
    many, single = create_engine(name, CONWAY), create_engine(name, CONWAY)
    many.load(cells)
    single.load(cells)
    for count in (1, 2, 7, 64, 100):
        many.step(count)
        for _ in range(count):
            single.step(1)
        assert np.array_equal(many.cells(), single.cells()), count
    reference = NumpyEngine(CONWAY)
    reference.load(cells)
    reference.step(174)
    assert np.array_equal(many.cells(), reference.cells())
    assert many._run._cache_size() == 1  # every count ran the one compiled loop
