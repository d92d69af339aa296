"""Multi-state rules learned and compiled: the network over a neighbourhood's state bits, training on the
neighbourhoods that can occur, verify, the circuits per bit and the c, jax and xla engines on bit planes,
against the numpy reference."""

import json
from pathlib import Path

import numpy as np
import pytest

from lifetui.compiler.circuit import Circuit, Gate, wrong_states
from lifetui.compiler.pipeline import compile_network
from lifetui.engines import ENGINES, EngineOptions, availability, create_engine
from lifetui.model.kernels import KernelError, load_kernel, save_kernel
from lifetui.model.network import (
    INPUTS,
    factored,
    input_bits,
    learnable_problem,
    next_state_bits,
    occurring_neighbourhoods,
    state_bits,
    wrong_neighbourhoods,
)
from lifetui.rules import CONWAY, BoundedGrid, parse_rule
from lifetui.world.topology import PLANE, Topology
from lifetui.world.universe import create_universe

KERNELS = Path(__file__).resolve().parent.parent / "kernels"
BRIANS_BRAIN, STAR_WARS = parse_rule("/2/3").rule, parse_rule("345/2/4").rule
SHIPPED = {BRIANS_BRAIN: KERNELS / "g3b2s", STAR_WARS: KERNELS / "g4b2s345"}
RULES = [pytest.param(BRIANS_BRAIN, id="brians-brain"), pytest.param(STAR_WARS, id="star-wars")]


def options(rule) -> EngineOptions:
    return EngineOptions(model=SHIPPED[rule])


def test_state_bits_and_the_neighbourhoods_that_can_occur():
    assert [state_bits(states) for states in (2, 3, 4, 5, 8, 9)] == [1, 2, 2, 3, 3, 4]
    assert np.array_equal(occurring_neighbourhoods(2), np.arange(512))
    occurring = occurring_neighbourhoods(3)
    assert len(occurring) == 3**9 and len(occurring_neighbourhoods(4)) == 4**9
    # Brian's Brain: no cell is in state 3, both bits set: input k and input 9 + k are never both 1.
    bits = input_bits(occurring, 18)
    assert not np.any(bits[:INPUTS] & bits[INPUTS:])


def test_next_state_bits_follow_the_rule():
    # The centre in state 2 (its second bit, input 9 + 4) decays to 0; a centre in 1 goes to 2; a dead centre
    # with two on neighbours (NW, N: inputs 0, 1) is born.
    index = np.array([1 << (INPUTS + 4), 1 << 4, 0b11, 0b111])
    assert next_state_bits(BRIANS_BRAIN, index).tolist() == [[0, 0, 1, 0], [0, 1, 0, 0]]


def test_learnable_rules():
    assert learnable_problem(STAR_WARS) is None and learnable_problem(parse_rule("B3/S23").rule) is None
    # Five or more states, and History, are learned in parts; Larger than Life's ranges are not 3x3.
    many, history = parse_rule("/2/5").rule, parse_rule("LifeHistory").rule
    assert learnable_problem(many) is None and learnable_problem(history) is None
    assert factored(many) and factored(history) and not factored(STAR_WARS) and not factored(CONWAY)
    assert "two-state, Generations and History" in learnable_problem(parse_rule("R2,C3,M1,S2..3,B3..3,NM").rule)


def test_a_small_generations_rule_is_learned_exactly_in_seconds():
    from lifetui.model.training import train_seed

    rule = parse_rule("012345678//3").rule  # on cells stay on, nothing is born, state 2 decays to 0
    result = train_seed(rule, 0, 1000, layer_sizes=(8, 4, 2))
    assert result.exact == 3**9 and result.network.inputs == 18 and result.network.outputs == 2
    assert len(wrong_neighbourhoods(result.network, rule)) == 0


@pytest.mark.parametrize("rule", RULES)
def test_the_shipped_kernels_load_by_their_rule_s_folder_and_are_exact(rule):
    kernel = load_kernel(KERNELS / rule.slug)
    assert kernel.rule == rule and kernel.metadata["states"] == rule.states
    assert kernel.metadata["exact"] == kernel.metadata["neighbourhoods"] == rule.states**9
    assert (kernel.network.inputs, kernel.network.outputs) == (18, 2)
    assert len(wrong_neighbourhoods(kernel.network, rule)) == 0
    compiled = compile_network(kernel.network, rule)
    assert compiled.verified and len(compiled.circuits) == 2 and compiled.form == "stencil"
    # docs/training.md's figures: -O3's stencil over the on plane (the hand counts), and the -O2 circuits.
    assert compiled.size == {BRIANS_BRAIN: 19, STAR_WARS: 29}[rule]
    assert compile_network(kernel.network, rule, 2).size == {BRIANS_BRAIN: 173, STAR_WARS: 1050}[rule]


def test_two_state_kernels_keep_their_format(tmp_path):
    shipped = json.loads((KERNELS / "b3s23" / "kernel.json").read_text())
    assert not {"states", "neighbourhoods", "encoding"} & set(shipped)
    kernel = load_kernel(KERNELS / "b3s23")
    assert (kernel.network.inputs, kernel.network.outputs) == (9, 1)
    save_kernel(tmp_path / "k", kernel.network, {"rule": "B3/S23"})
    assert set(json.loads((tmp_path / "k" / "kernel.json").read_text())) == {"format", "layers", "rule"}


def test_don_t_cares_are_neither_trained_nor_checked():
    """Brian's Brain has no state 3: whatever the kernel does with a cell in it is not wrong."""
    kernel = load_kernel(SHIPPED[BRIANS_BRAIN])
    occurring = set(occurring_neighbourhoods(3).tolist())
    impossible = np.array([n for n in range(1 << 12) if n not in occurring][:200], dtype=np.int64)
    outputs = kernel.network.evaluate(input_bits(impossible, 18))
    assert outputs.shape == (2, len(impossible))  # computed, and counted nowhere
    compiled = compile_network(kernel.network, BRIANS_BRAIN)
    assert all(index in occurring for index in compiled.wrong) and not compiled.wrong


def test_verify_catches_a_wrong_kernel(lifetui):
    result = lifetui("verify", "--kernel", str(SHIPPED[BRIANS_BRAIN]))
    assert result.code == 0 and "network: 19683/19683 exact" in result.out
    wrong = lifetui("verify", "--kernel", str(SHIPPED[BRIANS_BRAIN]), "--rule", "345/2/3")
    assert wrong.code == 1
    assert "network: 16323/19683 exact" in wrong.out and "... and 3,260 more" in wrong.out
    assert "  #    23  AAA / .A. / ...  rule 1, network 2" in wrong.out
    other = lifetui("verify", "--kernel", str(SHIPPED[BRIANS_BRAIN]), "--rule", "B3/S23")
    assert other.code == 2 and "its cells have 2 bit(s); B3/S23's have 1" in other.err


def test_circuits_that_miss_the_rule_are_caught():
    # Bit 1 of the next state as input 4 (the centre's bit 0) is right; bit 0 constantly 0 is not.
    copy, zero = Circuit((), 4, 18), Circuit((Gate(0, 0, 0),), 18, 18)
    wrong = wrong_states((zero, copy), BRIANS_BRAIN)
    assert wrong and all(next_state_bits(BRIANS_BRAIN, np.array(wrong))[0] == 1)


def test_train_and_compile_take_generations_rules_and_refuse_the_others(lifetui, tmp_path):
    history = lifetui("train", "--rule", "LifeHistory", "--layers", "4,2", "--out", str(tmp_path / "k"))
    assert history.code == 2 and "ending in 1 (LifeHistory is learned in parts" in history.err
    layers = lifetui("train", "--rule", "/2/3", "--layers", "4,2,1", "--out", str(tmp_path / "k"))
    assert layers.code == 2 and "ending in 2" in layers.err
    compiled = lifetui("compile", "--kernel", str(SHIPPED[STAR_WARS]), "--json")
    summary = json.loads(compiled.out)
    assert (summary["verified"], summary["planes"], summary["neighbourhoods"]) == (True, 2, 4**9)


TOPOLOGIES = {
    "torus": Topology.torus(24, 70),
    "plane": PLANE,
    "bounded plane": Topology.grid(BoundedGrid("P", 14, 12)),
    "tube": Topology.grid(BoundedGrid("T", 0, 16)),
}


@pytest.mark.parametrize("engine", ["c", "jax", "xla"])
@pytest.mark.parametrize("rule", RULES)
@pytest.mark.parametrize("where", list(TOPOLOGIES))
def test_learned_engines_match_numpy_on_every_topology(engine, rule, where):
    topology = TOPOLOGIES[where]
    rng = np.random.default_rng(3)
    soup = (rng.integers(0, rule.states, (10, 10)) * (rng.random((10, 10)) < 0.6)).astype(np.uint8)
    universes = [create_universe(name, rule, topology, options(rule)) for name in ("numpy", engine)]
    top = topology.rows.start + 1 if topology.rows.size else 0  # inside a bounded axis
    left = topology.columns.start + 2 if topology.columns.size else 0
    for universe in universes:
        universe.load(soup, top, left)
    for _ in range(3):
        for universe in universes:
            universe.step(4)
        reference, learned = universes
        assert learned.extent() == reference.extent()
        assert learned.population() == reference.population()
        extent = reference.extent()
        if extent:
            assert np.array_equal(learned.window(*extent), reference.window(*extent))


@pytest.mark.parametrize("engine", ["c", "jax", "xla"])
def test_learned_engines_hold_every_state_of_an_odd_width_board(engine):
    rule = STAR_WARS
    cells = np.random.default_rng(5).integers(0, 4, (9, 131)).astype(np.uint8)
    reference, learned = create_engine("numpy", rule), create_engine(engine, rule, options(rule))
    for stepper in (reference, learned):
        stepper.load(cells)
        stepper.step(5)
    assert np.array_equal(learned.cells(), reference.cells())
    assert learned.population() == reference.population()
    places = np.array([[0, 0], [8, 130], [4, 64]])
    for stepper in (reference, learned):
        stepper.set_cells(places, 3)
    assert np.array_equal(learned.cells(), reference.cells())
    assert np.array_equal(learned.window(7, 129, 4, 5), reference.window(7, 129, 4, 5))


def test_availability_of_learned_engines_for_multi_state_rules(tmp_path):
    assert {name for name, info in ENGINES.items() if info.multi_state} == {
        "numpy",
        "jax",
        "c",
        "hashlife",
        "xla",
        "ltl",
    }
    assert {name for name, info in ENGINES.items() if info.learned} == {"jax", "c", "xla"}
    for name in ("c", "jax", "xla"):
        assert availability(name, BRIANS_BRAIN, options(BRIANS_BRAIN)).available
        missing = availability(name, BRIANS_BRAIN, EngineOptions(model=tmp_path / "none"))
        assert not missing.available and "no such kernel folder" in missing.reason
        assert availability(name, parse_rule("LifeHistory").rule).available  # its kernel ships
        fireworks = availability(name, parse_rule("2/13/21").rule)
        assert "no trained kernel for 2/13/21; train one with" in fireworks.reason
    wrong_rule = EngineOptions(model=SHIPPED[BRIANS_BRAIN])
    assert "is for /2/3, not 345/2/4" in availability("c", STAR_WARS, wrong_rule).reason
    with pytest.raises(KernelError):
        load_kernel(tmp_path)
