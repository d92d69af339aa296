"""The TUI app driven headless by Textual's pilot: play, step, swap and the worker threads, on a torus and the plane."""

import asyncio
import time

import numpy as np
import pytest
from tui_helpers import (
    RaisesInStep,
    SlowEngine,
    app_on,
    holds_the_reference,
    make_app,
    make_plane_app,
    save_through_the_screen,
    settle,
)

from lifetui.patterns import load_pattern
from lifetui.rules import CONWAY
from lifetui.tui.app import LifeApp
from lifetui.tui.board_view import BoardView
from lifetui.world.board import torus_board
from lifetui.world.topology import PLANE
from lifetui.world.universe import create_universe


@pytest.mark.parametrize("topology", ["plane", "torus"])
async def test_n_steps_one_generation(topology):
    app = app_on(topology, "r-pentomino")
    async with app.run_test() as pilot:
        await pilot.press("n", "n", "n")
        await settle(pilot, lambda: app.last_snapshot.generation == 3)
        assert holds_the_reference(app, 3)


@pytest.mark.parametrize("topology", ["plane", "torus"])
async def test_space_plays_and_pauses_and_r_resets(topology):
    app = app_on(topology)
    async with app.run_test() as pilot:
        await pilot.press("plus", "plus", "space")
        await settle(pilot, lambda: app.last_snapshot.generation >= 5)
        await pilot.press("space")
        assert not app.driver.playing
        await pilot.press("r")
        await settle(pilot, lambda: app.last_snapshot.generation == 0)
        assert holds_the_reference(app, 0)


async def test_unavailable_engine_says_why():
    app = make_app("highlife-replicator")
    async with app.run_test() as pilot:
        await pilot.press("2")
        await settle(pilot, lambda: any("jax is unavailable" in n.message for n in app._notifications))
        messages = [notification.message for notification in app._notifications]
        assert any("jax is unavailable" in m and "lifetui train --rule B36/S23" in m for m in messages)
        assert app.simulation.engine_name == "numpy"


@pytest.mark.parametrize("topology", ["plane", "torus"])
async def test_swapping_engines_by_key_loses_and_repeats_nothing(topology):
    app = app_on(topology, "r-pentomino", "numpy")
    async with app.run_test() as pilot:
        steps = [(["n", "n"], 2), (["2", "n", "n", "n"], 5), (["e", "n"], 6), (["e", "n", "n"], 8), (["3", "n"], 9),
                 (["1", "n"], 10), (["4", "n", "n"], 12)]  # fmt: skip
        engines = []
        for keys, generation in steps:
            await pilot.press(*keys)
            await settle(pilot, lambda generation=generation: app.last_snapshot.generation == generation)
            engines.append(app.last_snapshot.engine)
            if app.last_snapshot.engine == "c":
                assert dict(app.sidebar_rows())["Circuit"].endswith("(-O3 stencil)")
        assert engines == ["numpy", "jax", "c", "bitsliced", "c", "numpy", "bitsliced"]
        assert holds_the_reference(app, 12)
        await settle(pilot, lambda: app.verdict is not None and app.verdict.agreed_through == 12)


async def test_quit():
    app = make_app()
    async with app.run_test() as pilot:
        await pilot.press("q")
        for _ in range(500):  # the quit action sets it (None while the app still runs): wait for that
            if app.return_code is not None:
                break
            await asyncio.sleep(0.01)
        assert app.return_code == 0


def test_start_screen_snapshot(snap_compare):
    async def ready(pilot):
        await settle(pilot, lambda: pilot.app.verdict is not None and pilot.app.analysis is not None)

    assert snap_compare(make_app("pulsar", (40, 30)), terminal_size=(100, 30), run_before=ready)


def test_after_a_swap_snapshot(snap_compare):
    async def ready(pilot):
        # A key at a time, each seen drawn: the population plot has a point for every frame.
        app = pilot.app
        await pilot.press("3")
        await settle(pilot, lambda: app.last_snapshot.engine == "c")
        # The analysis follows the new board from the generation it took it at: let that be 0.
        await settle(pilot, lambda: app.analysis is not None and app.analysis.epoch == app.simulation.epoch)
        for generation in (1, 2):
            await pilot.press("n")
            await settle(pilot, lambda generation=generation: pilot.app.last_snapshot.generation == generation)
        await settle(pilot, lambda: pilot.app.verdict is not None and pilot.app.verdict.agreed_through == 2)
        await pilot.pause(0.1)

    assert snap_compare(make_app("pulsar", (40, 30)), terminal_size=(100, 30), run_before=ready)


async def test_pattern_warnings_are_shown():
    pattern = load_pattern("glider")
    app = LifeApp(torus_board(pattern, (16, 16)), pattern.name, warnings=["g.rle: no '!' at the end"])
    async with app.run_test() as pilot:
        await pilot.pause()
        assert any("no '!' at the end" in n.message for n in app._notifications)


async def test_engine_availability_is_worked_out_once_and_never_on_the_ui_thread(monkeypatch):
    import threading

    import lifetui.simulation.simulation as simulation

    callers = []
    real = simulation.available_engines
    monkeypatch.setattr(simulation, "available_engines",
                        lambda *args: callers.append(threading.current_thread()) or real(*args))  # fmt: skip
    app = make_app("glider", (16, 16))
    async with app.run_test() as pilot:
        await pilot.press("e", "e", "3")
        await settle(pilot, lambda: app.last_snapshot.engine == "c")
        assert len(callers) == 1 and callers[0] is not threading.main_thread()


async def test_a_swap_to_a_slow_engine_hands_it_small_calls_and_pause_stops_it_at_once(monkeypatch):
    import lifetui.engines as engines
    from lifetui.engines import EngineInfo
    from lifetui.simulation.driver import BATCH_SECONDS

    monkeypatch.setitem(engines.ENGINES, "bitsliced", EngineInfo("bitsliced", "slow double", SlowEngine))
    SlowEngine.calls = []
    app = make_app("r-pentomino", (64, 64))
    async with app.run_test() as pilot:
        await pilot.press(*["plus"] * 12, "space")  # flat out on numpy: calls of many generations
        await settle(pilot, lambda: app.driver.engine_gens_per_second > 1000)
        await pilot.press("4")
        await settle(pilot, lambda: app.last_snapshot.engine == "bitsliced" and len(SlowEngine.calls) >= 5)
        # The slow engine's speed is measured afresh: its first call is one generation, none is much
        # longer than BATCH_SECONDS, and Gen/s counts only its own rate (at most 200 a second).
        assert SlowEngine.calls[0] == 1
        assert max(SlowEngine.calls) <= 4 * BATCH_SECONDS / 0.005
        await settle(pilot, lambda: 0 < app.driver.engine_gens_per_second <= 200)
        await pilot.press("space")
        paused_at = len(SlowEngine.calls)
        await pilot.pause(0.3)
        assert len(SlowEngine.calls) <= paused_at + 1  # at most the call already under way
        generation = app.simulation.generation
        await pilot.pause(0.2)
        assert app.simulation.generation == generation


async def test_pause_stops_a_numpy_generation_on_a_huge_board_half_way(monkeypatch):
    import lifetui.engines.numpy_engine as numpy_engine

    bands = []
    rows = numpy_engine.rows_by_counts

    def slow_rows(slab, table):  # a band takes as long as one of a board of a billion cells would
        bands.append(1)
        time.sleep(0.02)
        return rows(slab, table)

    monkeypatch.setattr(numpy_engine, "rows_by_counts", slow_rows)
    monkeypatch.setattr(numpy_engine, "BAND_CELLS", 64 * 2)  # 32 bands: a generation takes 0.64 s
    monkeypatch.setattr(LifeApp, "run_checker", lambda self: None)  # its reference would count bands too
    monkeypatch.setattr(LifeApp, "run_analysis", lambda self: None)  # and so would the analysis's
    app = make_app("r-pentomino", (64, 64))
    async with app.run_test() as pilot:
        await pilot.press("space")
        await settle(pilot, lambda: len(bands) > 40)  # into the second generation
        await pilot.press("space")
        paused_at = len(bands)
        await pilot.pause(0.3)
        assert len(bands) <= paused_at + 1  # at most the band under way: the generation was abandoned
        assert app.simulation.generation == app.last_snapshot.generation == 1
        await pilot.press("n")  # one generation, whole, even on a board this slow
        await settle(pilot, lambda: app.simulation.generation == 2)


async def test_the_step_exponent_makes_n_and_each_frame_a_jump_of_2_to_the_k(monkeypatch):
    import lifetui.tui.app as app_module

    frames = []
    on_frame = app_module.LifeApp.on_frame

    def recording(self, message):
        frames.append(message.snapshot.generation)
        on_frame(self, message)

    monkeypatch.setattr(app_module.LifeApp, "on_frame", recording)
    app = make_app("r-pentomino", (64, 64))
    async with app.run_test() as pilot:
        await pilot.press("right_square_bracket", "right_square_bracket", "right_square_bracket")
        assert app.driver.step_exponent == 3 and "step 2^3" in str(dict(app.sidebar_rows())["Gen/s"])
        await pilot.press("n")
        await settle(pilot, lambda: app.simulation.generation == 8 and not app.driver.playing)
        await pilot.press(*["plus"] * 12, "space")  # flat out: every frame a whole step
        await settle(pilot, lambda: app.simulation.generation >= 200)
        shown = frames[frames.index(8) :]  # while playing: the pause may cut a step short, and show where it did
        await pilot.press("space")
        assert len(shown) > 3 and all(generation % 8 == 0 for generation in shown)
        await pilot.press("left_square_bracket", "left_square_bracket", "left_square_bracket", "left_square_bracket")
        assert app.driver.step_exponent == 0
        generation = app.simulation.generation
        await settle(pilot, lambda: app.last_snapshot.generation == generation)
        await pilot.press("n")
        await settle(pilot, lambda: app.simulation.generation == generation + 1)


async def test_the_tui_on_the_plane_shows_the_live_area_and_follows_it():
    app = make_plane_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot, lambda: app.verdict is not None and app.analysis is not None)
        rows = dict(app.sidebar_rows())
        assert rows["Board"] == "unbounded plane" and rows["Live area"] == "3 x 3 from (-1, -1)"
        assert "spaceship, period 4, moving +1,+1" in str(rows["Behaviour"])
        await pilot.press(*"nnnn")
        await settle(pilot, lambda: app.last_snapshot.generation == 4)
        assert dict(app.sidebar_rows())["Live area"] == "3 x 3 from (0, 0)"
        await settle(pilot, lambda: app.verdict.agreed_through == 4)
        view = app.query_one(BoardView)
        for _ in range(6):  # far to the left and up: nothing wraps, the plane goes on
            await pilot.press("left", "up")
        assert view.origin[0] < -10 and view.origin[1] < -10
        await pilot.press("f")
        top, left, height, width = app.view_region
        assert top <= 0 and left <= 0 and top + height >= 3 and left + width >= 3


async def test_the_tui_on_the_plane_swaps_engines_draws_and_saves(tmp_path):
    app = make_plane_app("r-pentomino")
    target = tmp_path / "saved.rle"
    async with app.run_test(size=(100, 30)) as pilot:
        for keys, generation in ((["3", "n", "n"], 2), (["5", "n"], 3), (["1", "n"], 4)):
            await pilot.press(*keys)
            await settle(pilot, lambda generation=generation: app.last_snapshot.generation == generation)
        assert app.last_snapshot.engine == "numpy"
        plane = create_universe("numpy", CONWAY, PLANE)
        plane.load_pattern(load_pattern("r-pentomino"))
        plane.step(4)
        cells, _, _ = plane.live_cells()
        assert np.array_equal(app.simulation.snapshot().cells, cells)
        await settle(pilot, lambda: app.verdict is not None and app.verdict.agreed_through == 4)
        # A click draws at the plane cell under it.
        await pilot.press("z")
        view = app.query_one(BoardView)
        await pilot.click(BoardView, offset=(0, 0))
        top, left = view.origin
        await settle(pilot, lambda: app.simulation.snapshot((top, left, 1, 1)).cells[0, 0] == 1)
        saved = await save_through_the_screen(pilot, app, target)
        assert saved.plane_origin() == app.simulation.box[:2]
        assert np.array_equal(saved.to_array(), app.simulation.snapshot().cells)


@pytest.mark.parametrize("topology", ["plane", "torus"])
async def test_r_goes_back_to_the_start_and_the_checker_starts_afresh(topology):
    app = app_on(topology, "r-pentomino")
    async with app.run_test() as pilot:
        start = app.simulation.snapshot()
        await pilot.press(*"n" * 10)
        await settle(pilot, lambda: app.last_snapshot.generation == 10)
        await pilot.press("r")
        await settle(pilot, lambda: app.last_snapshot.generation == 0 and app.simulation.generation == 0)
        again = app.simulation.snapshot()
        assert again.region == start.region and np.array_equal(again.cells, start.cells)
        await pilot.press(*"n" * 3)
        await settle(pilot, lambda: app.verdict is not None and app.verdict.agreed_through == 3)
        assert app.verdict.agrees and "agrees through generation 3" in str(dict(app.sidebar_rows())["Divergence"])
        assert not any("Error" in n.message for n in app._notifications)


@pytest.mark.parametrize("topology", ["plane", "torus"])
async def test_an_engine_that_raises_is_a_notice_and_the_app_runs_on(topology, monkeypatch):
    import lifetui.engines as engines
    from lifetui.engines import EngineInfo

    monkeypatch.setitem(engines.ENGINES, "jax", EngineInfo("jax", "raises", RaisesInStep))
    app = app_on(topology)
    async with app.run_test() as pilot:
        await pilot.press("2", "space")
        await settle(pilot, lambda: any("a bug in the engine" in n.message for n in app._notifications))
        assert not app.driver.playing and app.is_running and app.simulation.generation == 10
        await pilot.press("1", "n")
        await settle(pilot, lambda: app.last_snapshot.engine == "numpy" and app.last_snapshot.generation == 11)


async def test_hashlife_flat_out_advances_steps_the_user_can_follow_and_a_jump_is_checked_in_windows():
    app = app_on("plane", "gosper-glider-gun", "hashlife")
    async with app.run_test() as pilot:
        await pilot.press(*["plus"] * 12, "space")
        await settle(pilot, lambda: app.simulation.generation > 1000)
        await pilot.press("space")
        # A step of 2^0 generations a call: it once doubled every call, to 7.9e21 in 0.6 s.
        assert app.simulation.generation < 10**7
        await pilot.press("g")
        app.screen.query_one("Input").value = "+1000000"
        await pilot.press("enter")
        await settle(pilot, lambda: not app.driver.playing and app.driver.goal is None)
        assert app.is_running and not any("Error" in n.message for n in app._notifications)
        divergence = str(dict(app.sidebar_rows())["Divergence"])
        assert not divergence.startswith("agrees"), divergence  # a jump is not checked generation by generation
        # The live area is far too large to compare whole: the checker samples windows of it, never all of it.
        await settle(pilot, lambda: app.verdict is not None and app.verdict.sampled is not None)
        assert app.verdict.agrees and app.verdict.sampled.tile


@pytest.mark.parametrize(("topology", "expected"), [("plane", "hashlife"), ("torus", "c")])
async def test_without_an_engine_the_tui_starts_on_the_fastest_exact_one_and_says_so(topology, expected):
    app = app_on(topology, "acorn")
    async with app.run_test() as pilot:
        await pilot.press("n")
        await settle(pilot, lambda: app.last_snapshot.generation == 1)
        assert app.last_snapshot.engine == expected
        assert any(f"running on {expected}, the fastest exact engine" in n.message for n in app._notifications)
        # A notice in the TUI names no command-line option (it once said "--engine numpy for the reference").
        assert not any("--" in n.message for n in app._notifications)
        await settle(pilot, lambda: app.verdict is not None and app.verdict.agreed_through == 1)
