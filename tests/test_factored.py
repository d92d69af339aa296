"""Networks in parts: rules of 5 or more states and LifeHistory, learned, checked, compiled and run."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from lifetui.compiler.circuit import Circuit, Gate
from lifetui.compiler.parts import check_composed, compose_parts, part_circuits
from lifetui.compiler.pipeline import CompiledStates, compile_network
from lifetui.compiler.synthesis import A_AND_NOT_B, XOR
from lifetui.engines import EngineOptions, create_engine
from lifetui.errors import UsageError
from lifetui.model.factored import (
    FactoredNetwork,
    cells_to_inputs,
    mistakes,
    part_cases,
    part_names,
)
from lifetui.model.kernels import KernelError, load_kernel, save_kernel
from lifetui.model.network import INPUTS, Network, next_states, occurring_neighbourhoods, state_bits
from lifetui.rules import HISTORY_BOUNDARY, parse_rule

KERNELS = Path(__file__).resolve().parent.parent / "kernels"
HISTORY, BLOOMERANG = parse_rule("LifeHistory").rule, parse_rule("234/34678/24").rule
SHIPPED = {HISTORY: KERNELS / "b3s23history", BLOOMERANG: KERNELS / "g24b34678s234"}
RULES = [pytest.param(HISTORY, id="life-history"), pytest.param(BLOOMERANG, id="bloomerang-24-states")]


def shipped(rule) -> FactoredNetwork:
    network = load_kernel(SHIPPED[rule]).network
    assert isinstance(network, FactoredNetwork)
    return network


def soup(rule, shape=(48, 80), seed=0) -> np.ndarray:
    """Every state, History's boundary sparse (it freezes its neighbours), the rest evenly."""
    rng = np.random.default_rng(seed)
    cells = rng.integers(0, rule.states, shape).astype(np.uint8)
    if rule == HISTORY:
        cells[(cells == HISTORY_BOUNDARY) & (rng.random(shape) < 0.9)] = 0
    return cells


def test_the_parts_cases_are_the_rule_s_own():
    inputs, target = part_cases(HISTORY, "cell")
    states = sum(inputs[p].astype(int) << p for p in range(3))
    assert states.tolist() == list(range(7))
    assert target.tolist() == [[0, 1, 0, 1, 0, 1, 0], [0, 0, 0, 0, 0, 0, 1]]  # on: odd states; the boundary: 6
    inputs, target = part_cases(BLOOMERANG, "next")
    planes = state_bits(24)
    for case in range(inputs.shape[1]):
        state = sum(int(inputs[p, case]) << p for p in range(planes))
        turns_on = int(inputs[planes, case])
        following = sum(int(target[p, case]) << p for p in range(planes))
        expected = (1 if turns_on else 0) if state == 0 else (1 if turns_on else 2) if state == 1 else (state + 1) % 24
        assert following == expected
    near_inputs, near_target = part_cases(HISTORY, "near")
    assert np.array_equal(near_target[0], near_inputs.max(axis=0))
    assert part_names(HISTORY) == ("cell", "rule", "near", "next") and "near" not in part_names(BLOOMERANG)


@pytest.mark.parametrize("rule", RULES)
def test_the_composed_network_is_the_rule_on_neighbourhoods_of_every_state(rule):
    network = shipped(rule)
    cells = np.random.default_rng(1).integers(0, rule.states, (INPUTS, 20_000))
    if rule == HISTORY:
        cells[:, :7] = np.arange(7)[None, :]  # every state in every place, the boundary among them
    assert np.array_equal(network.step_states(cells), next_states(rule, cells))
    # The layers the jax engine runs compute the same.
    inputs = cells_to_inputs(cells, network.planes)
    assert np.array_equal(network.flat.evaluate(inputs), network.evaluate(inputs))
    assert network.flat.inputs == INPUTS * network.planes and network.flat.outputs == network.planes


def small_rule_in_parts() -> tuple:
    """`23/3/3` (Life with one decaying state, 19,683 neighbourhoods, few enough to check one by one) as a network
    in parts: the rule part LifeHistory's (B3/S23), the others one layer of gates each, by hand. A cell is on in
    state 1 (bit 0 AND NOT bit 1); the next state's bit 0 is "turned on" AND NOT bit 1 (state 2 decays to 0), its
    bit 1 is bit 0 AND NOT "turned on" (state 1 that does not survive becomes 2)."""

    def layer(wires: list[tuple[int, int]], inputs: int) -> Network:
        logits = np.zeros((len(wires), 16), dtype=np.float32)
        logits[:, A_AND_NOT_B] = 1
        a, b = (np.array([pair[k] for pair in wires], dtype=np.intp) for k in (0, 1))
        return Network([a], [b], [logits], inputs)

    parts = {"cell": layer([(0, 1)], 2), "rule": shipped(HISTORY).parts["rule"], "next": layer([(2, 1), (0, 2)], 3)}
    return parse_rule("23/3/3").rule, FactoredNetwork(parts, 2)


def every_mistake(network, rule) -> int:
    index = occurring_neighbourhoods(rule.states)
    planes = state_bits(rule.states)
    cells = sum(((index[None, :] >> (INPUTS * p + np.arange(INPUTS)[:, None])) & 1) << p for p in range(planes))
    return int((network.step_states(cells) != next_states(rule, cells)).sum())


def broken(network: Network, layer: int, gate: int, op: int) -> Network:
    logits = [array.copy() for array in network.logits]
    logits[layer][gate] = 0
    logits[layer][gate, op] = 1
    return Network(network.wires_a, network.wires_b, logits, network.inputs)


def test_checking_by_class_counts_what_checking_every_neighbourhood_counts():
    rule, network = small_rule_in_parts()
    assert mistakes(network, rule).count == every_mistake(network, rule) == 0
    for name, op in (("next", 0), ("cell", 15), ("rule", 0)):  # a part's output gate made constant
        part = network.parts[name]
        depth = len(part.layer_sizes) - 1
        wrong = FactoredNetwork({**network.parts, name: broken(part, depth, 0, op)}, network.planes)
        found = mistakes(wrong, rule)
        assert found.count == every_mistake(wrong, rule) > 0
        listed = found.listed.T
        assert 0 < listed.shape[1] <= 100
        assert np.all(wrong.step_states(listed) != next_states(rule, listed))
    assert not mistakes(wrong, rule).empty  # the rule part made constant 0 is right where nothing is on
    # A rule part that is always on gives birth from nothing: the all-off neighbourhood is wrong.
    part = network.parts["rule"]
    born = FactoredNetwork({**network.parts, "rule": broken(part, len(part.layer_sizes) - 1, 0, 15)}, 2)
    assert mistakes(born, rule).empty


@pytest.mark.parametrize("level", [0, 1, 2, 3])
@pytest.mark.parametrize("rule", RULES)
def test_every_level_compiles_a_network_in_parts_to_circuits_checked_by_class(rule, level):
    compiled = compile_network(shipped(rule), rule, level)
    assert isinstance(compiled, CompiledStates) and compiled.verified and compiled.checked is not None
    cells = np.random.default_rng(2).integers(0, rule.states, (INPUTS, 5000))
    circuits = compiled.circuits
    if compiled.stencil is not None:
        from lifetui.compiler.states import compose

        circuits = compose(compiled.stencil)
    from lifetui.compiler.circuit import run_gates

    nodes = run_gates(circuits[0].gates, cells_to_inputs(cells, state_bits(rule.states)))
    got = sum(nodes[circuit.output].astype(np.int64) << p for p, circuit in enumerate(circuits))
    assert np.array_equal(got, next_states(rule, cells))


def test_minus_o3_resynthesises_the_parts_and_a_generations_rule_as_a_stencil():
    history = compile_network(shipped(HISTORY), HISTORY)
    assert history.stencil is not None and history.stencil.near is not None
    # The composed parts at -O3 are 64 operations a word; the stencil shares the row sums and the boundary's OR.
    composed = compose_parts(part_circuits(shipped(HISTORY), HISTORY, 3), 3)
    assert composed[0].size == 64 and history.size == 45
    assert history.describe() == (
        "45 gates per word over 3 bit planes, depth 14 (-O3 stencil over the on plane of states 1, 3, 5 and the "
        "boundary's: 0 for the on plane, 5 for its row sums, 1 for the boundary plane, 4 for its OR over the nine "
        "cells, 35 for the count and the next state)"
    )
    bloomerang = compile_network(shipped(BLOOMERANG), BLOOMERANG)
    assert bloomerang.stencil is not None and bloomerang.stencil.on_states == (1,)
    assert bloomerang.size <= 60


def test_the_history_stencil_reads_the_boundary_in_each_of_the_nine_cells():
    from lifetui.compiler.circuit import run_gates
    from lifetui.compiler.states import compose

    stencil = compile_network(shipped(HISTORY), HISTORY).stencil
    assert stencil is not None
    circuits = compose(stencil)
    rng = np.random.default_rng(5)
    others = [state for state in range(HISTORY.states) if state != HISTORY_BOUNDARY]
    for k in range(INPUTS):  # the boundary in one place only, and none: what a missing OR would get wrong
        cells = rng.choice(others, (INPUTS, 4000))
        cells[k, :3000] = HISTORY_BOUNDARY
        nodes = run_gates(circuits[0].gates, cells_to_inputs(cells, 3))
        got = sum(nodes[circuit.output].astype(np.int64) << p for p, circuit in enumerate(circuits))
        assert np.array_equal(got, next_states(HISTORY, cells))


def test_minus_o3_keeps_history_s_composed_parts_where_the_stencil_cannot_be_built():
    from lifetui.compiler.parts import stencil_of_parts

    parts = part_circuits(shipped(HISTORY), HISTORY, 3)
    stencil, why = stencil_of_parts({**parts, "near": parts["rule"]}, HISTORY)
    assert stencil is None and why == "the near part is not the OR of the nine cells' boundary feature"
    # A rule part that reads a neighbour by its position: B3/S23's, turned over wherever the north-west cell is on.
    rule = parts["rule"][0]
    flipped = Circuit((*rule.gates, Gate(XOR, rule.output, 0)), rule.inputs + len(rule.gates), rule.inputs)
    stencil, why = stencil_of_parts({**parts, "rule": (flipped,)}, HISTORY)
    assert stencil is None and why == "the rule part counts its neighbours by their positions too"


def test_a_composed_circuit_that_misses_the_rule_is_caught_by_class():
    network = shipped(HISTORY)
    parts = part_circuits(network, HISTORY, 2)
    good = compose_parts(parts, network.planes)
    assert check_composed(HISTORY, parts["cell"], good).count == 0
    # near's circuit swapped for rule's: the boundary no longer freezes anything.
    swapped = {**parts, "near": parts["rule"]}
    wrong = check_composed(HISTORY, parts["cell"], compose_parts(swapped, network.planes))
    assert wrong.count > 0
    cells = wrong.listed.T
    assert np.any(cells == HISTORY_BOUNDARY) or np.any(cells % 2 == 1)


@pytest.mark.parametrize("engine", ["c", "xla", "jax"])
@pytest.mark.parametrize("rule", RULES)
def test_the_learned_engines_run_a_rule_in_parts_as_numpy_does(rule, engine):
    options = EngineOptions(model=SHIPPED[rule])
    cells = soup(rule)
    stepper, reference = create_engine(engine, rule, options), create_engine("numpy", rule)
    stepper.load(cells)
    reference.load(cells)
    for generations in (1, 3, 8):
        stepper.step(generations)
        reference.step(generations)
        assert np.array_equal(stepper.cells(), reference.cells())


@pytest.mark.parametrize(
    ("engine", "shape", "threads"),
    [("c", (1, 70), 1), ("c", (2, 64), 2), ("c", (7, 1029), 4), ("c", (40, 600), 3), ("xla", (7, 1029), 1)],
)
def test_the_c_and_xla_engines_run_history_s_boundary_stencil_as_numpy_does(engine, shape, threads):
    """Boards of one and two rows, of several strips of words and a last word of 5 cells, on bands of threads:
    the boundary's OR read across the edges of words, strips, rows and bands."""
    stepper = create_engine(engine, HISTORY, EngineOptions(model=SHIPPED[HISTORY], threads=threads))
    assert "stencil over the on plane of states 1, 3, 5 and the boundary's" in stepper.describe()[1]
    reference = create_engine("numpy", HISTORY)
    for seed in (1, 2):
        cells = soup(HISTORY, shape, seed)
        cells[:, [0, -1]] = HISTORY_BOUNDARY  # the boundary on the torus' seam too
        for each in (stepper, reference):
            each.load(cells)
        for generations in (1, 2, 5):  # an odd count ends in the scratch buffer
            stepper.step(generations)
            reference.step(generations)
            assert np.array_equal(stepper.cells(), reference.cells())


def test_a_kernel_in_parts_saves_and_loads_and_a_damaged_one_is_refused(tmp_path):
    network = shipped(BLOOMERANG)
    metadata = {"rule": str(BLOOMERANG), "states": 24}
    save_kernel(tmp_path / "k", network, metadata)
    loaded = load_kernel(tmp_path / "k").network
    assert isinstance(loaded, FactoredNetwork) and loaded.part_sizes == network.part_sizes
    assert json.loads((tmp_path / "k" / "kernel.json").read_text())["parts"] == network.part_sizes
    for damage, message in (
        (lambda d: d["parts"].pop("next"), "'parts' must give the layers of cell, rule, next"),
        (lambda d: d["parts"].update(near=[1]), "'parts' must give the layers of cell, rule, next"),
        (lambda d: d["parts"].update(cell=[4, 2]), "the layers of part 'cell' must list"),
        (lambda d: d.pop("parts"), "is in parts"),
    ):
        save_kernel(tmp_path / "d", network, metadata)
        document = json.loads((tmp_path / "d" / "kernel.json").read_text())
        damage(document)
        (tmp_path / "d" / "kernel.json").write_text(json.dumps(document))
        with pytest.raises(KernelError, match=message):
            load_kernel(tmp_path / "d")
    # A part's wire that reads past its inputs (the cell part reads 5 bits).
    bad = FactoredNetwork(dict(network.parts), network.planes)
    cell = bad.parts["cell"]
    wires = [a.copy() for a in cell.wires_a]
    wires[0][0] = 5
    bad.parts["cell"] = Network(wires, cell.wires_b, cell.logits, cell.inputs)
    save_kernel(tmp_path / "w", bad, metadata)
    with pytest.raises(KernelError, match="part 'cell' layer 0 wire a reads outside 0..4"):
        load_kernel(tmp_path / "w")


def test_verify_and_compile_a_kernel_in_parts(lifetui, tmp_path):
    verified = lifetui("verify", "--kernel", str(SHIPPED[HISTORY]))
    assert verified.code == 0
    assert "network: 40353607/40353607 exact" in verified.out and "circuit: 40353607/40353607 exact" in verified.out
    summary = json.loads(lifetui("compile", "--kernel", str(SHIPPED[BLOOMERANG]), "--json").out)
    assert (summary["verified"], summary["planes"], summary["form"]) == (True, 5, "stencil")
    assert summary["neighbourhoods"] == 24**9
    other = lifetui("verify", "--kernel", str(SHIPPED[HISTORY]), "--rule", "B3/S23")
    assert other.code == 2 and "its cells have 3 bit(s) (a network in parts); B3/S23's have 1" in other.err
    seven = lifetui("verify", "--kernel", str(SHIPPED[HISTORY]), "--rule", "345/2/7")  # parts alike, not the rule
    assert seven.code == 1 and "network: 13514571/40353607 exact" in seven.out
    # A next part whose first output is 0 whatever it reads: wrong, listed, exit status 1.
    network = shipped(HISTORY)
    last = network.parts["next"]
    wrong = FactoredNetwork({**network.parts, "next": broken(last, len(last.layer_sizes) - 1, 0, 0)}, 3)
    save_kernel(tmp_path / "w", wrong, {"rule": "LifeHistory", "states": 7})
    result = lifetui("verify", "--kernel", str(tmp_path / "w"))
    assert result.code == 1 and "wrong on " in result.out and "... and " in result.out
    first = next(line for line in result.out.splitlines() if line.startswith("  #"))
    assert "rule " in first and "network " in first


def test_train_learns_a_rule_of_five_states_in_parts(lifetui, tmp_path):
    out = tmp_path / "k"
    result = lifetui("train", "--rule", "/2/5", "--out", str(out))
    assert result.code == 0, result.err
    assert "/2/5: exact on 1953125/1953125" in result.err
    metadata = json.loads((out / "kernel.json").read_text())
    assert sorted(metadata["parts"]) == ["cell", "next", "rule"] and metadata["exact"] == 5**9
    assert sorted(metadata["part_seeds"]) == ["cell", "next", "rule"]
    run = lifetui("run", "glider", "--rule", "/2/5", "--engine", "c", "--kernel", str(out), "--steps", "8",
                  "--size", "32x32", "--json")  # fmt: skip
    assert run.code == 0 and json.loads(run.out)["inexact"] == 0


def test_train_learns_a_rule_of_three_states_in_parts_when_asked_and_a_two_state_rule_whole(lifetui, tmp_path):
    out = tmp_path / "brain"
    result = lifetui("train", "--rule", "/2/3", "--parts", "--out", str(out))
    assert result.code == 0, result.err
    assert "/2/3: exact on 19683/19683" in result.err
    assert sorted(json.loads((out / "kernel.json").read_text())["parts"]) == ["cell", "next", "rule"]
    assert isinstance(load_kernel(out).network, FactoredNetwork)
    verified = lifetui("verify", "--kernel", str(out))
    assert verified.code == 0 and "circuit: 19683/19683 exact (19 gates per word" in verified.out
    refused = lifetui("train", "--rule", "B3/S23", "--parts", "--out", str(tmp_path / "life"))
    assert refused.code == 2 and "B3/S23 is a two-state rule, learned as one network" in refused.err
    # A two-state kernel.json that claims parts is damaged.
    save_kernel(tmp_path / "k", shipped(HISTORY).parts["rule"], {"rule": "B3/S23"})
    document = json.loads((tmp_path / "k" / "kernel.json").read_text())
    document["parts"] = {"rule": document.pop("layers")}
    (tmp_path / "k" / "kernel.json").write_text(json.dumps(document))
    with pytest.raises(KernelError, match="a two-state rule, is one network"):
        load_kernel(tmp_path / "k")


def test_compile_refuses_a_kernel_of_other_cells_in_one_line(lifetui):
    # A whole 4-state kernel for LifeHistory (learned only in parts), a two-state one for a 3-state rule: once
    # a traceback from deep in the compiler.
    for kernel, rule in ((KERNELS / "g4b2s345", "LifeHistory"), (KERNELS / "b3s23", "23/3/3")):
        result = lifetui("compile", "--kernel", str(kernel), "--rule", rule)
        assert result.code == 2 and "Traceback" not in result.err and "its cells have" in result.err
    with pytest.raises(UsageError, match="its cells have 3 bit"):
        compile_network(shipped(HISTORY), parse_rule("345/2/4").rule)


def test_minus_o3_says_why_a_hexagonal_rule_in_parts_has_no_stencil():
    rule, network = small_rule_in_parts()
    hexagonal = parse_rule("2/3/3H").rule
    assert compile_network(network, rule).stencil is not None  # Moore: 23/3/3 has its stencil
    # The same parts checked against a hexagonal rule are wrong, but -O3 says why it has no stencil first.
    from lifetui.compiler.parts import part_circuits, stencil_of_parts

    stencil, why = stencil_of_parts(part_circuits(network, hexagonal, 3), hexagonal)
    assert stencil is None and why == "the stencil's row sums count all eight neighbours, and a hexagonal rule fewer"


async def test_the_tui_counts_an_inexact_kernel_in_parts_out_of_its_own_neighbourhoods(tmp_path):
    from tui_helpers import settle

    from lifetui.patterns import load_pattern
    from lifetui.tui.app import LifeApp
    from lifetui.world.board import torus_board

    network = shipped(HISTORY)
    last = network.parts["next"]
    wrong = FactoredNetwork({**network.parts, "next": broken(last, len(last.layer_sizes) - 1, 0, 0)}, 3)
    save_kernel(tmp_path / "w", wrong, {"rule": "LifeHistory", "states": 7})
    count = mistakes(wrong, HISTORY).count
    pattern = load_pattern(str(write_history_glider(tmp_path)))
    options = EngineOptions(tmp_path / "w", allow_inexact=True)
    app = LifeApp(torus_board(pattern, (32, 32)), pattern.name, pattern.author, "c", options=options)
    async with app.run_test() as pilot:
        await pilot.press("n")
        await settle(pilot, lambda: app.last_snapshot.generation == 1)
        assert str(dict(app.sidebar_rows())["Engine"]) == f"c (inexact kernel: wrong on {count:,} of 40,353,607)"


def write_history_glider(folder: Path) -> Path:
    path = folder / "glider.rle"
    path.write_text("x = 3, y = 3, rule = LifeHistory\n.A$2.A$3A!\n")
    return path
