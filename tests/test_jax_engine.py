"""The jax engine runs the trained network (the shipped kernel is checked with every engine in test_engines.py)."""

import os
from pathlib import Path

import numpy as np
import pytest

from lifetui.engines import EngineOptions, EngineUnavailable, availability, create_engine
from lifetui.engines.numpy_engine import NumpyEngine
from lifetui.model.gates import PASS_A
from lifetui.model.kernels import save_kernel
from lifetui.model.network import Network, wrong_neighbourhoods
from lifetui.rules import CONWAY, NEIGHBOURHOOD, parse_rule

REPLICATOR = parse_rule("B1357/S1357").rule
XOR, PASS = 6, PASS_A


def parity_network() -> Network:
    """Replicator's rule is the parity of the eight neighbours: a hand-wired XOR tree, exact by construction."""
    outer = [NEIGHBOURHOOD.index(name) for name in ("NW", "N", "NE", "W", "E", "SW", "S", "SE")]
    wires_a = [np.array(outer[0::2]), np.array([0, 2]), np.array([0])]
    wires_b = [np.array(outer[1::2]), np.array([1, 3]), np.array([1])]
    logits = [np.eye(16, dtype=np.float32)[[XOR] * size] for size in (4, 2, 1)]
    return Network(wires_a, wires_b, logits)


def agree_for(rule, model, shape, generations, seed):
    cells = (np.random.default_rng(seed).random(shape) < 0.4).astype(np.uint8)
    engine = create_engine("jax", rule, EngineOptions(model))
    reference = NumpyEngine(rule)
    engine.load(cells)
    reference.load(cells)
    for _ in range(generations // 10):
        engine.step(10)
        reference.step(10)
        assert np.array_equal(engine.cells(), reference.cells())
    assert engine.population() == reference.population()


def test_small_test_kernel_equals_numpy(tmp_path):
    save_kernel(tmp_path / "parity", parity_network(), {"rule": str(REPLICATOR)})
    assert len(wrong_neighbourhoods(parity_network(), REPLICATOR)) == 0
    agree_for(REPLICATOR, tmp_path / "parity", (23, 41), 50, 2)


def test_shipped_kernel_is_exact():
    from lifetui.model.kernels import kernel_for

    kernel = kernel_for(CONWAY)
    assert len(wrong_neighbourhoods(kernel.network, CONWAY)) == 0
    assert kernel.metadata["exact"] == 512
    assert kernel.network.gate_count == 2303


def test_rule_without_kernel_is_unavailable_with_the_training_command():
    highlife = parse_rule("B36/S23").rule
    status = availability("jax", highlife)
    assert not status.available
    assert "lifetui train --rule B36/S23" in status.reason
    with pytest.raises(EngineUnavailable, match="lifetui train --rule B36/S23"):
        create_engine("jax", highlife)


def test_kernel_for_another_rule_is_refused(tmp_path):
    save_kernel(tmp_path / "parity", parity_network(), {"rule": str(REPLICATOR)})
    status = availability("jax", CONWAY, EngineOptions(tmp_path / "parity"))
    assert "is for B1357/S1357, not B3/S23" in status.reason


def test_a_wrong_kernel_is_refused_unless_allowed_and_then_disagrees(tmp_path):
    """A kernel that is not exact runs only with --allow-inexact (users study imperfect ones), and says so."""
    network = parity_network()
    network.logits[2] = np.eye(16, dtype=np.float32)[[PASS]]
    save_kernel(tmp_path / "half", network, {"rule": str(REPLICATOR)})
    with pytest.raises(EngineUnavailable, match="wrong on 256 of 512 neighbourhoods.*--allow-inexact"):
        create_engine("jax", REPLICATOR, EngineOptions(tmp_path / "half"))
    cells = (np.random.default_rng(3).random((20, 20)) < 0.4).astype(np.uint8)
    engine = create_engine("jax", REPLICATOR, EngineOptions(tmp_path / "half", allow_inexact=True))
    assert engine.inexact == 256
    reference = NumpyEngine(REPLICATOR)
    engine.load(cells)
    reference.load(cells)
    engine.step(1)
    reference.step(1)
    assert not np.array_equal(engine.cells(), reference.cells())


def test_long_runs_are_split_into_loops_xla_can_count(monkeypatch):
    import lifetui.engines.jax_engine as jax_engine

    monkeypatch.setattr(jax_engine, "MAX_LOOP", 3)
    cells = (np.random.default_rng(9).random((16, 16)) < 0.4).astype(np.uint8)
    engine = create_engine("jax", CONWAY)
    reference = NumpyEngine(CONWAY)
    engine.load(cells)
    reference.load(cells)
    engine.step(10)
    reference.step(10)
    assert np.array_equal(engine.cells(), reference.cells())
    engine.cells()[0, 0] ^= 1  # a fresh, writable copy: the engine's board is untouched
    assert np.array_equal(engine.cells(), reference.cells())


def test_a_board_too_big_for_memory_is_refused_before_jax_allocates_it(monkeypatch):
    import lifetui.memory as board
    from lifetui.engines.jax_engine import BYTES_PER_CELL
    from lifetui.errors import LifeError

    engine = create_engine("jax", CONWAY)
    cells = np.zeros((100, 100), dtype=np.uint8)
    monkeypatch.setattr(board, "physical_memory", lambda: 100 * 100 * BYTES_PER_CELL - 1)
    with pytest.raises(LifeError, match="^jax engine: a 100x100 board needs about .* GB; this machine has"):
        engine.load(cells)
    monkeypatch.setattr(board, "physical_memory", lambda: 100 * 100 * BYTES_PER_CELL)
    engine.load(cells)  # just enough
    assert engine.population() == 0


def test_only_the_gates_the_output_depends_on_run_and_they_compute_the_same_function():
    import jax.numpy as jnp

    from lifetui.engines.jax_engine import live_gates, operations_run, pack, run_live, unpack
    from lifetui.model.kernels import kernel_for
    from lifetui.model.network import neighbourhoods

    network = kernel_for(CONWAY).network
    layers = live_gates(network)
    live = sum(len(layer) for layer in layers)
    assert len(layers[-1]) == 1 and live < network.gate_count / 2 and operations_run(layers) < live
    # all 512 neighbourhoods, 32 to a word: the live gates give the hardened network's answer on each
    inputs = [jnp.asarray(pack(row[None, :]))[0] for row in neighbourhoods()]
    answers = unpack(np.asarray(run_live(layers, inputs)[0])[None, :], 512)[0]
    assert np.array_equal(answers, network.evaluate(neighbourhoods())[0])
    # a gate whose type ignores a wire keeps nothing alive through it
    assert sum(len(layer) for layer in live_gates(parity_network())) == 7


@pytest.mark.parametrize("width", [3, 31, 32, 33, 63, 64, 65, 100])
def test_packed_rows_of_any_width_wrap_like_numpy(tmp_path, width):
    from conftest import kernel_folder

    for text in ("B3/S23", "B0/S8"):  # B0: the bits past the width must stay dead
        rule = parse_rule(text).rule
        model = kernel_folder(tmp_path / text.replace("/", ""), rule)
        agree_for(rule, model, (5, width), 20, seed=width)


def test_the_packed_board_is_unpacked_only_where_it_is_read():
    engine = create_engine("jax", CONWAY)
    cells = (np.random.default_rng(4).random((40, 70)) < 0.4).astype(np.uint8)
    engine.load(cells)
    assert engine._words.shape == (40, 3) and str(engine._words.dtype) == "uint32"
    assert np.array_equal(engine.window(38, 60, 5, 20), np.roll(np.roll(cells, -38, 0), -60, 1)[:5, :20])
    label, text = engine.describe()
    assert label == "Network" and "of its 2,303 gates run" in text


def lifetui_on_devices(devices, *args):
    """lifetui in a process whose JAX sees `devices` CPU devices (the count is fixed when JAX starts), run
    away from the checkout, so that it is the installed lifetui that runs (as CI installs it)."""
    import os
    import subprocess
    import sys
    import tempfile

    environment = {**os.environ, "XLA_FLAGS": f"--xla_force_host_platform_device_count={devices}"}
    command = [sys.executable, "-m", "lifetui", *args]
    return subprocess.run(
        command, capture_output=True, text=True, env=environment, timeout=120, cwd=tempfile.gettempdir()
    )


@pytest.mark.parametrize("size", ["64x64", "37x40"])
def test_a_board_split_over_four_devices_runs_exactly_like_numpy(size):
    arguments = ("run", "r-pentomino", "--steps", "300", "--size", size)
    split = lifetui_on_devices(4, *arguments, "--engine", "jax", "--devices", "4")
    whole = lifetui_on_devices(1, *arguments, "--engine", "numpy")
    assert split.returncode == 0, split.stderr
    assert split.stdout == whole.stdout and "x = " in split.stdout


def test_devices_are_refused_when_jax_has_too_few_or_the_rows_do_not_split():
    from lifetui.errors import LifeError

    with pytest.raises(LifeError, match="4 devices asked for and JAX sees 1 .*device_count=4"):
        create_engine("jax", CONWAY, EngineOptions(devices=4))
    arguments = ("run", "glider", "--steps", "1", "--size", "30x30", "--engine", "jax", "--devices", "4")
    uneven = lifetui_on_devices(4, *arguments)
    assert uneven.returncode == 1 and "30 rows do not split over 4 devices; try --size 30x32" in uneven.stderr


def test_bench_reports_the_devices():
    import json

    result = lifetui_on_devices(2, "glider", "--bench", "--size", "32x32", "--steps", "20", "--engine", "jax",
                                "--devices", "2", "--json")  # fmt: skip
    document = json.loads(result.stdout)
    assert document["devices"] == 2 and document["engines"][0]["matches_reference"] is True


def test_a_kernel_with_more_live_gates_than_the_jax_engine_traces_is_unavailable_there(tmp_path):
    # Four layers of 4,096 AND gates, then halving to one: each gate reads two of the layer before, so all
    # 20,479 are live, more than the jax engine traces (its memory grows tens of KB a gate).
    from lifetui.engines import EngineOptions, availability
    from lifetui.model.kernels import save_kernel
    from lifetui.model.network import MAX_LIVE_GATES, Network

    widths = [4096] * 4 + [2048, 1024, 512, 256, 128, 64, 32, 16, 8, 4, 2, 1]
    before = [9, *widths[:-1]]
    wires_a = [2 * np.arange(w) % b for w, b in zip(widths, before)]
    wires_b = [(2 * np.arange(w) + 1) % b for w, b in zip(widths, before)]
    logits = [np.eye(16, dtype=np.float32)[[1] * w] for w in widths]  # gate 1: AND
    assert sum(widths) > MAX_LIVE_GATES
    save_kernel(tmp_path / "wide", Network(wires_a, wires_b, logits), {"rule": "B3/S23"})
    status = availability("jax", CONWAY, EngineOptions(tmp_path / "wide", allow_inexact=True))
    assert not status.available and "20,479 live gates, more than the jax engine traces" in status.reason


@pytest.mark.parametrize(("where", "devices"), [(("--plane",), 2), (("--rule", "B3/S23:P31,32"), 2),
                                                (("--rule", "B3/S23:T31,0"), 4)])  # fmt: skip
def test_a_board_split_over_devices_runs_the_plane_and_grids_exactly_like_numpy(where, devices):
    # On the plane the board follows the pattern, its rows rounded up to whole blocks (once: a
    # ShardingTypeError, or odd rows refused with advice to take a torus).
    arguments = ("run", "r-pentomino", "--steps", "300", *where)
    split = lifetui_on_devices(devices, *arguments, "--engine", "jax", "--devices", str(devices))
    whole = lifetui_on_devices(1, *arguments, "--engine", "numpy")
    assert split.returncode == 0, split.stderr
    assert split.stdout == whole.stdout and "x = " in split.stdout


@pytest.mark.parametrize(("where", "advice"), [
    (("--size", "31x31"), "31 rows do not split over 2 devices; try --size 31x32"),
    (("--rule", "B3/S23:P31,31"), "33 rows (the grid's 31 and a dead line each side) do not split over 2 devices; "
                                  "try the rule's suffix :P31,32"),
    (("--rule", "B3/S23:T0,31"), "31 rows do not split over 2 devices; try the rule's suffix :T0,32"),
])  # fmt: skip
def test_rows_that_do_not_split_are_refused_with_advice_for_the_same_topology(where, advice):
    result = lifetui_on_devices(2, "run", "glider", "--steps", "1", *where, "--engine", "jax", "--devices", "2")
    assert result.returncode == 1 and result.stderr == f"lifetui: error: jax engine: {advice}\n"


def test_the_tui_reads_windows_of_a_board_split_over_devices(tmp_path):
    import subprocess
    import sys
    import textwrap

    # The view reads a window of rows (panned, round the torus's edge): an explicit mesh refused any indexing
    # of the split board with a ShardingTypeError, which ended the simulation thread.
    script = textwrap.dedent("""
        import asyncio, sys
        sys.path.insert(0, sys.argv[1])  # the tests' helpers; lifetui itself as installed, not the checkout's
        from tui_helpers import holds_the_reference, notices, settle
        from lifetui.engines import EngineOptions
        from lifetui.patterns import load_pattern
        from lifetui.tui.app import LifeApp
        from lifetui.world.board import board_for, torus_board

        async def main():
            for board in (torus_board(load_pattern("r-pentomino"), (40, 32)),
                          board_for(load_pattern("r-pentomino"), plane=True)):
                app = LifeApp(board, "r", "", "jax", EngineOptions(devices=2))
                async with app.run_test() as pilot:
                    await pilot.press("n", "up", "up", "left", "n")
                    await settle(pilot, lambda: app.last_snapshot.generation == 2, 60)
                    await pilot.press("n")
                    await settle(pilot, lambda: app.last_snapshot.generation == 3, 60)
                    assert app.simulation.engine_name == "jax" and holds_the_reference(app, 3), notices(app)
                    assert not any("stopped" in notice for notice in notices(app)), notices(app)
            print("ok")

        asyncio.run(main())
    """)
    environment = {**os.environ, "XLA_FLAGS": "--xla_force_host_platform_device_count=2"}
    tests = str(Path(__file__).parent)
    result = subprocess.run([sys.executable, "-c", script, tests], capture_output=True, text=True, env=environment,
                            timeout=300, cwd=tmp_path)  # fmt: skip
    assert result.returncode == 0 and result.stdout.strip() == "ok", result.stderr[-2000:]


#: Makes the jax or xla engine (argv[1]), steps it, and prints how many compilations JAX found in its persistent
#: cache and how many it had to make and write there.
CACHE_PROBE = """
import collections, json, sys
import jax
import numpy as np
counts = collections.Counter()
jax.monitoring.register_event_listener(lambda event, **_: counts.update([event]))
from lifetui.engines import create_engine
from lifetui.rules import CONWAY
engine = create_engine(sys.argv[1], CONWAY)
engine.load(np.eye(40, 70, dtype=np.uint8))
engine.step(5)
print(json.dumps([counts["/jax/compilation_cache/cache_hits"], counts["/jax/compilation_cache/cache_misses"]]))
"""


@pytest.mark.parametrize("name", ["jax", "xla"])
def test_a_second_process_loads_the_compiled_loop_from_a_private_cache(fresh_cache, name):
    import json
    import subprocess
    import sys

    def probe() -> list[int]:
        # In a folder of its own: from the checkout, `python -c` would import its lifetui, which an install
        # that is not editable keeps the bundled kernels out of.
        completed = subprocess.run([sys.executable, "-c", CACHE_PROBE, name], capture_output=True, text=True,
                                   cwd=fresh_cache, env={**os.environ, "XDG_CACHE_HOME": str(fresh_cache)},
                                   timeout=120)  # fmt: skip
        assert completed.returncode == 0, completed.stderr
        return json.loads(completed.stdout)

    hits, misses = probe()
    folder = fresh_cache / "lifetui" / "jax"
    assert hits == 0 and misses > 0 and any(folder.iterdir())
    assert folder.stat().st_mode & 0o777 == 0o700
    assert probe() == [misses, 0]  # every compilation the first process made, found
