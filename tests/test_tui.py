"""The TUI driven headless by Textual's pilot: each key, the sidebar, saving, and snapshots."""

import asyncio
import time

import numpy as np
import pytest

from lifetui.engines import EngineOptions
from lifetui.engines.numpy_engine import NumpyEngine
from lifetui.patterns import load_pattern
from lifetui.rules import CONWAY
from lifetui.tui.app import LifeApp
from lifetui.tui.board_view import BoardView
from lifetui.tui.screens import GotoScreen, HelpScreen, SaveScreen, parse_generation
from lifetui.world.board import board_for, torus_board
from lifetui.world.topology import PLANE
from lifetui.world.universe import create_universe


def make_app(name="glider", size=(32, 24)) -> LifeApp:
    pattern = load_pattern(name)
    return LifeApp(torus_board(pattern, size), pattern.name, pattern.author)


async def settle(pilot, condition, timeout=5.0):
    """Let the app's threads work until `condition()` holds; fail loudly if it never does."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "the app never reached the expected state"
        await pilot.pause(0.02)


async def test_start_screen_shows_the_sidebar_rows():
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot, lambda: app.verdict is not None)
        labels = [label for label, _ in app.sidebar_rows()]
        assert labels[:5] == ["Engine", "Generation", "Population", "Gen/s", "Divergence"]
        values = dict(app.sidebar_rows())
        assert values["Engine"] == "numpy"
        assert values["Population"] == "5"
        assert values["Pattern"] == "Glider"
        assert str(values["Divergence"]) == "agrees through generation 0"


async def test_n_steps_one_generation():
    app = make_app()
    async with app.run_test() as pilot:
        await pilot.press("n", "n", "n")
        await settle(pilot, lambda: app.last_snapshot.generation == 3)
        reference = NumpyEngine(app.simulation.rule)
        reference.load(app.board.cells)
        reference.step(3)
        assert np.array_equal(app.simulation.snapshot().cells, reference.cells())


async def test_space_plays_and_pauses_and_r_resets():
    app = make_app()
    async with app.run_test() as pilot:
        await pilot.press("plus", "plus", "space")
        await settle(pilot, lambda: app.last_snapshot.generation >= 5)
        await pilot.press("space")
        assert not app.driver.playing
        await pilot.press("r")
        await settle(pilot, lambda: app.last_snapshot.generation == 0)
        assert np.array_equal(app.simulation.snapshot().cells, app.board.cells)


async def test_speed_keys_move_through_the_targets():
    app = make_app()
    async with app.run_test() as pilot:
        start = app.driver.speed_index
        await pilot.press("plus")
        assert app.driver.speed_index == start + 1
        await pilot.press("minus", "minus")
        assert app.driver.speed_index == start - 1
        for _ in range(20):
            await pilot.press("plus")
        assert dict(app.sidebar_rows())["Gen/s"].endswith("(target max)")


async def test_gen_s_is_the_paced_rate_and_names_what_the_engine_could_do():
    app = make_app()
    async with app.run_test() as pilot:
        await pilot.press("4", "space")
        await settle(pilot, lambda: app.last_snapshot.generation >= 10)
        await settle(pilot, lambda: "engine" in dict(app.sidebar_rows())["Gen/s"])
        await pilot.press("space")
        # Paced at 20 generations a second, the board cannot advance faster than that, whatever the engine does.
        assert app.driver.gens_per_second <= 25 < app.driver.engine_gens_per_second
        await pilot.press("space")
        row = dict(app.sidebar_rows())["Gen/s"]
        assert row.startswith(f"{app.driver.gens_per_second:,.0f} (target 20; engine ")


async def test_unavailable_engine_says_why():
    app = make_app("highlife-replicator")
    async with app.run_test() as pilot:
        await pilot.press("2")
        await pilot.pause()
        messages = [notification.message for notification in app._notifications]
        assert any("jax is unavailable" in m and "lifetui train --rule B36/S23" in m for m in messages)
        assert app.simulation.engine_name == "numpy"


async def test_swapping_engines_by_key_loses_and_repeats_nothing():
    app = make_app("r-pentomino", (48, 40))
    async with app.run_test() as pilot:
        steps = [(["n", "n"], 2), (["2", "n", "n", "n"], 5), (["e", "n"], 6), (["e", "n", "n"], 8), (["3", "n"], 9),
                 (["1", "n"], 10), (["4", "n", "n"], 12)]  # fmt: skip
        engines = []
        for keys, generation in steps:
            await pilot.press(*keys)
            await settle(pilot, lambda generation=generation: app.last_snapshot.generation == generation, 30)
            engines.append(app.last_snapshot.engine)
            if app.last_snapshot.engine == "c":
                assert dict(app.sidebar_rows())["Circuit"].endswith("(-O3 stencil)")
        assert engines == ["numpy", "jax", "c", "bitsliced", "c", "numpy", "bitsliced"]
        reference = NumpyEngine(app.simulation.rule)
        reference.load(app.board.cells)
        reference.step(12)
        assert np.array_equal(app.simulation.snapshot().cells, reference.cells())
        await settle(pilot, lambda: app.verdict is not None and app.verdict.agreed_through == 12, 10)


async def test_help_screen_opens_and_closes():
    app = make_app()
    async with app.run_test() as pilot:
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape")
        assert not isinstance(app.screen, HelpScreen)


async def test_zoom_and_pan():
    app = make_app(size=(300, 200))
    async with app.run_test(size=(80, 24)) as pilot:
        view = app.query_one(BoardView)
        assert view.mode.name == "half"
        await pilot.press("z")
        assert view.mode.name == "large"
        await pilot.press("x", "x")
        assert view.mode.name == "braille"
        origin = view.origin
        await pilot.press("right", "down")
        assert view.origin != origin
        await pilot.press("left", "up")
        assert view.origin == origin


async def test_click_toggles_a_cell():
    app = make_app(size=(16, 16))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("z")
        view = app.query_one(BoardView)
        await pilot.click(BoardView, offset=(0, 0))
        x, y = view.origin
        await settle(pilot, lambda: app.simulation.snapshot().cells[y, x] == 1)
        assert app.simulation.snapshot().cells.sum() == 6


async def save_through_the_screen(pilot, app, target):
    """Press s, name `target`, press enter: the pattern the file holds once written."""
    await pilot.press("s")
    assert isinstance(app.screen, SaveScreen)
    app.screen.query_one("Input").value = str(target)
    await pilot.press("enter")
    await settle(pilot, lambda: target.exists())
    return load_pattern(str(target))


async def test_save_writes_the_contract_rle_and_asks_before_replacing(tmp_path):
    app = make_app()
    target = tmp_path / "saved.rle"
    async with app.run_test() as pilot:
        await pilot.press("n")
        await settle(pilot, lambda: app.last_snapshot.generation == 1)
        saved = await save_through_the_screen(pilot, app, target)
        assert saved.generation == 1
        assert np.array_equal(saved.to_array(), app.simulation.snapshot().cells)
        target.write_text("precious")
        await pilot.press("s")
        app.screen.query_one("Input").value = str(target)
        await pilot.press("enter")
        assert isinstance(app.screen, SaveScreen)
        assert target.read_text() == "precious"
        await pilot.press("escape")
        assert target.read_text() == "precious"


async def test_go_to_runs_flat_out_to_the_generation_and_pauses_there():
    app = make_app("r-pentomino", (64, 64))
    async with app.run_test() as pilot:
        await pilot.press("g")
        assert isinstance(app.screen, GotoScreen)
        app.screen.query_one("Input").value = "twelve"
        await pilot.press("enter")
        assert isinstance(app.screen, GotoScreen)  # not a generation: it says so and stays
        assert "not a generation" in str(app.screen.query_one("#warning").render())
        app.screen.query_one("Input").value = "1,103"
        await pilot.press("enter")
        await settle(pilot, lambda: not app.driver.playing and app.last_snapshot.generation == 1103, timeout=30)
        reference = NumpyEngine(app.simulation.rule)
        reference.load(app.board.cells)
        reference.step(1103)
        assert np.array_equal(app.simulation.snapshot().cells, reference.cells())
        await pilot.press("g")
        app.screen.query_one("Input").value = "+1000000"
        await pilot.press("enter")
        await settle(pilot, lambda: app.driver.playing and app.driver.goal == 1_001_103)
        assert "to generation 1,001,103" in dict(app.sidebar_rows())["Gen/s"]
        await pilot.press("space")  # stops the run on its way
        assert not app.driver.playing and app.driver.goal is None
        assert app.simulation.generation < 1_001_103


def test_go_to_reads_generations_as_people_write_them():
    assert parse_generation("5206", 0) == 5206 and parse_generation(" 1,000,000 ", 5) == 1_000_000
    assert parse_generation("1e9", 0) == 10**9 and parse_generation("2^30", 0) == 2**30
    assert parse_generation("+100", 50) == 150 and parse_generation("1_000", 0) == 1000
    assert "behind generation 50" in parse_generation("10", 50)
    assert "not a generation" in parse_generation("soon", 0) and "not a generation" in parse_generation("", 0)
    assert "0 to" in parse_generation("1e30", 0) and "0 to" in parse_generation("-5", 0)
    assert "0 to" in parse_generation("2^99999", 0)  # refused before the power is worked out


async def test_quit():
    app = make_app()
    async with app.run_test() as pilot:
        await pilot.press("q")
        await asyncio.sleep(0.05)
        assert app.return_code == 0  # set by the quit action only; None while the app still runs


def test_start_screen_snapshot(snap_compare):
    async def ready(pilot):
        await settle(pilot, lambda: pilot.app.verdict is not None and pilot.app.analysis is not None)

    assert snap_compare(make_app("pulsar", (40, 30)), terminal_size=(100, 30), run_before=ready)


def test_help_screen_snapshot(snap_compare):
    async def ready(pilot):
        await settle(pilot, lambda: pilot.app.verdict is not None and pilot.app.analysis is not None)
        await pilot.press("question_mark")

    assert snap_compare(make_app("pulsar", (40, 30)), terminal_size=(100, 30), run_before=ready)


@pytest.mark.parametrize("mode_keys", [["z"], ["x"]])
def test_zoom_snapshots(snap_compare, mode_keys):
    async def ready(pilot):
        await settle(pilot, lambda: pilot.app.verdict is not None and pilot.app.analysis is not None)
        await pilot.press(*mode_keys)

    assert snap_compare(make_app("gosper-glider-gun", (64, 48)), terminal_size=(100, 30), run_before=ready)


async def test_an_inexact_circuit_lights_up_the_divergence_panel(tmp_path):
    from lifetui.model.gates import PASS_A
    from lifetui.model.kernels import save_kernel
    from lifetui.model.network import Network

    # "The next state is the current one": wrong for B3/S23 wherever something is born or dies.
    network = Network([np.array([4])], [np.array([0])], [np.eye(16, dtype=np.float32)[[PASS_A]]])
    save_kernel(tmp_path / "still", network, {"rule": "B3/S23"})
    pattern = load_pattern("r-pentomino")
    options = EngineOptions(tmp_path / "still", allow_inexact=True)
    app = LifeApp(torus_board(pattern, (32, 32)), pattern.name, engine="c", options=options)
    async with app.run_test() as pilot:
        await pilot.press("n", "n", "n")
        await settle(pilot, lambda: app.verdict is not None and not app.verdict.agrees, 10)
        assert app.verdict.generation == 1
        assert str(dict(app.sidebar_rows())["Divergence"]).startswith("first differs at generation 1:")
        assert str(dict(app.sidebar_rows())["Engine"]) == "c (inexact kernel: wrong on 228 of 512)"


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


async def test_command_palette_offers_every_engine_and_every_key_s_action():
    app = make_app()
    async with app.run_test() as pilot:
        commands = {command.title: command for command in app.get_system_commands(app.screen)}
        assert {"Engine: numpy", "Engine: jax", "Engine: c", "Engine: bitsliced"} <= set(commands)
        actions = {binding.action for binding in app.BINDINGS if not binding.action.startswith("engine_key")}
        offered = {command.callback.args[0] for command in commands.values() if hasattr(command.callback, "args")}
        assert actions <= offered
        assert {"Fit", "Open", "Undo", "Redo", "Sidebar", "Pan left", "Zoom out"} <= set(commands)
        assert commands["Zoom out"].help == "key: x"
        await commands["Zoom out"].callback()
        assert app.query_one(BoardView).mode.name == "braille"
        await pilot.pause()


async def test_a_terminal_resize_reflows_the_board():
    app = make_app(size=(400, 300))
    async with app.run_test(size=(80, 24)) as pilot:
        view = app.query_one(BoardView)
        small = view._window()
        await pilot.resize_terminal(160, 50)
        await pilot.pause()
        assert view._window()[0] > small[0] and view._window()[1] > small[1]
        assert len(view._lines) == view.size.height


async def test_pattern_warnings_are_shown():
    pattern = load_pattern("glider")
    app = LifeApp(torus_board(pattern, (16, 16)), pattern.name, warnings=["g.rle: no '!' at the end"])
    async with app.run_test() as pilot:
        await pilot.pause()
        assert any("no '!' at the end" in n.message for n in app._notifications)


async def test_click_on_the_jax_engine_toggles_a_cell():
    app = make_app(size=(16, 16))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("2", "z")
        await settle(pilot, lambda: app.simulation.engine_name == "jax", 30)
        view = app.query_one(BoardView)
        await pilot.click(BoardView, offset=(0, 0))
        x, y = view.origin
        await settle(pilot, lambda: app.simulation.snapshot().cells[y, x] == 1, 10)
        assert app.last_snapshot.engine == "jax"


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


class SlowEngine(NumpyEngine):
    """Takes at least 5 ms a generation, and records how many generations each call asked for."""

    calls: list[int] = []

    def step(self, generations=1):
        SlowEngine.calls.append(generations)
        time.sleep(0.005 * generations)
        super().step(generations)


async def test_a_swap_to_a_slow_engine_hands_it_small_calls_and_pause_stops_it_at_once(monkeypatch):
    import lifetui.engines as engines
    from lifetui.engines import EngineInfo
    from lifetui.simulation.driver import BATCH_SECONDS

    monkeypatch.setitem(engines.ENGINES, "bitsliced", EngineInfo("bitsliced", "slow double", SlowEngine))
    SlowEngine.calls = []
    app = make_app("r-pentomino", (64, 64))
    async with app.run_test() as pilot:
        await pilot.press(*["plus"] * 12, "space")  # flat out on numpy: calls of many generations
        await settle(pilot, lambda: app.driver.engine_gens_per_second > 1000, 10)
        await pilot.press("4")
        await settle(pilot, lambda: app.last_snapshot.engine == "bitsliced" and len(SlowEngine.calls) >= 5, 10)
        # The slow engine's speed is measured afresh: its first call is one generation, none is much
        # longer than BATCH_SECONDS, and Gen/s counts only its own rate (at most 200 a second).
        assert SlowEngine.calls[0] == 1
        assert max(SlowEngine.calls) <= 4 * BATCH_SECONDS / 0.005
        await settle(pilot, lambda: 0 < app.driver.engine_gens_per_second <= 200, 10)
        await pilot.press("space")
        paused_at = len(SlowEngine.calls)
        await pilot.pause(0.3)
        assert len(SlowEngine.calls) <= paused_at + 1  # at most the call already under way
        generation = app.simulation.generation
        await pilot.pause(0.2)
        assert app.simulation.generation == generation


async def test_sampled_windows_catch_an_inexact_kernel_at_full_speed(tmp_path, monkeypatch):
    import lifetui.simulation.checker as checker_module
    from lifetui.model.gates import PASS_A
    from lifetui.model.kernels import save_kernel
    from lifetui.model.network import Network

    monkeypatch.setattr(checker_module, "CATCH_UP_CELLS", 0)  # never catch up: windows only, as on a huge board
    network = Network([np.array([4])], [np.array([0])], [np.eye(16, dtype=np.float32)[[PASS_A]]])
    save_kernel(tmp_path / "still", network, {"rule": "B3/S23"})
    pattern = load_pattern("acorn")
    board = torus_board(pattern, (128, 128))
    right = LifeApp(board, pattern.name)
    async with right.run_test() as pilot:
        await pilot.press(*["plus"] * 12, "space")
        await settle(pilot, lambda: right.verdict is not None and right.verdict.sampled is not None, 10)
        await settle(pilot, lambda: right.verdict.sampled.windows >= 3, 10)
        assert right.verdict.agrees and str(dict(right.sidebar_rows())["Divergence"]).startswith("sampled: ")
    options = EngineOptions(tmp_path / "still", allow_inexact=True)
    wrong = LifeApp(board, pattern.name, engine="c", options=options)
    async with wrong.run_test() as pilot:
        await pilot.press(*["plus"] * 12, "space")
        await settle(pilot, lambda: wrong.verdict is not None and not wrong.verdict.agrees, 10)
        assert wrong.verdict.sampled is not None and len(wrong.verdict.differing) > 0
        assert str(dict(wrong.sidebar_rows())["Divergence"]).startswith("differs at generation")
        await pilot.press("space", "1")  # away from the wrong engine: the panel starts afresh
        await settle(pilot, lambda: wrong.last_snapshot.engine == "numpy", 10)
        await settle(pilot, lambda: wrong.verdict is not None and wrong.verdict.agrees, 10)


def test_calls_into_the_engine_are_sized_from_its_own_speed():
    from lifetui.simulation.driver import BATCH_SECONDS, FRAME_SECONDS, LATENCY_SECONDS, chunk

    assert chunk(0.0, None) == 1  # not measured yet: one generation
    assert chunk(60_000, None) == int(60_000 * BATCH_SECONDS)
    assert chunk(60_000, 50) == round(50 * FRAME_SECONDS)  # paced: a frame's worth
    assert chunk(100, 50) == 1  # paced, but the engine is slow: what it does in BATCH_SECONDS
    # An engine of 8-generation passes gets whole passes, when one fits in LATENCY_SECONDS...
    assert chunk(350, None, per_pass=8) == 8 and LATENCY_SECONDS >= 8 / 350
    assert chunk(60_000, None, per_pass=8) % 8 == 0
    # ...and not when a pass would take longer than that.
    assert chunk(100, None, per_pass=8) == 1
    # Near the next frame, the call is cut short, to no less than a quarter.
    assert chunk(60_000, None, until_frame=0.0) == int(60_000 * BATCH_SECONDS) // 4


async def test_the_divergence_panel_starts_again_after_a_reset_and_after_a_click():
    app = make_app("r-pentomino", (32, 24))
    async with app.run_test() as pilot:
        await pilot.press("n", "n", "n", "n", "n")
        await settle(pilot, lambda: app.verdict is not None and app.verdict.agreed_through == 5)
        await pilot.press("r")
        await settle(pilot, lambda: app.last_snapshot.generation == 0)
        await settle(pilot, lambda: app.verdict is not None and app.verdict_epoch == app.simulation.epoch)
        assert str(dict(app.sidebar_rows())["Divergence"]) == "agrees through generation 0"
        await pilot.press("n", "n")
        await settle(pilot, lambda: app.verdict is not None and app.verdict.agreed_through == 2)
        epoch = app.simulation.epoch
        await pilot.click(BoardView, offset=(3, 2))
        await settle(pilot, lambda: app.simulation.epoch != epoch)  # the click replaced the board
        await pilot.press("n")
        await settle(pilot, lambda: app.verdict is not None and app.verdict.agreed_through == 3
                     and app.verdict_epoch == app.simulation.epoch)  # fmt: skip


async def test_the_speed_sparkline_is_flat_until_something_runs():
    from textual.widgets import Sparkline

    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause(1.2)  # a speed sample or two, all zero: paused
        lines = [app.query_one("#speed", Sparkline).render_line(y).text for y in range(3)]
        assert "█" not in "".join(lines)
        await pilot.press(*["plus"] * 12, "space")
        await settle(pilot, lambda: any(app.speed_history), 5)
        speed = app.query_one("#speed", Sparkline)
        await settle(pilot, lambda: "█" in "".join(speed.render_line(y).text for y in range(3)))


def make_big_app(cells_at, size, engine="numpy") -> LifeApp:
    """An app on an empty `size` (height, width) board with live cells at `cells_at` [(row, column)]."""
    from lifetui.rules import parse_rule
    from lifetui.world.board import Board

    cells = np.zeros(size, dtype=np.uint8)
    for row, column in cells_at:
        cells[row, column] = 1
    return LifeApp(Board.of_cells(parse_rule("B3/S23").rule, cells), "test", engine=engine)


@pytest.mark.parametrize("engine", ["numpy", "c"])
async def test_zooming_out_past_braille_shows_the_whole_board_in_squares_of_cells(engine):
    from lifetui.engines.base import any_in_squares

    app = make_big_app([(5, 7), (1000, 2000), (2047, 0)], (2048, 2048), engine)
    async with app.run_test(size=(80, 24)) as pilot:
        view = app.query_one(BoardView)
        for _ in range(20):
            await pilot.press("x")
        # 61 x 23 characters of braille: 122 x 92 dots; 2048 / 32 = 64 <= 92, and 2048 / 16 = 128 > 92.
        assert view.mode.block == 32 and view.mode.name == "1:32"
        assert view._window() == (2048, 2048)
        await settle(pilot, lambda: app.last_snapshot.block == 32 and app.last_snapshot.region == view.board_region())
        expected = any_in_squares(app.simulation.snapshot().cells, 1)
        top, left, height, width = view.board_region()
        whole = np.roll(expected, (-top, -left), axis=(0, 1))
        assert np.array_equal(app.last_snapshot.cells, any_in_squares(whole, 32))
        assert view._visible().sum() == 3  # the three cells, each its own dot
        assert "64x128 cells/char" in str(dict(app.sidebar_rows())["View"])
        await pilot.press("z")
        assert view.mode.block == 16


async def test_fit_shows_every_live_cell_as_large_as_fits_even_across_the_edge():
    # A glider split by the torus's corner: the cells are in all four corners of the board.
    app = make_big_app([(1023, 1), (0, 1022), (0, 1), (1, 0), (1, 1)], (1024, 1024))
    async with app.run_test(size=(80, 24)) as pilot:
        view = app.query_one(BoardView)
        assert view._visible().sum() == 0  # centred on the middle of the board: nothing there
        await pilot.press("f")
        assert view.mode.name == "large"
        await settle(pilot, lambda: app.last_snapshot.region == view.board_region())
        assert view._visible().sum() == 5
        app2 = make_big_app([], (64, 64))
    async with app2.run_test(size=(80, 24)) as pilot:
        await pilot.press("f")
        assert any("no live cells" in n.message for n in app2._notifications)


async def test_the_mouse_wheel_zooms_at_the_pointer_and_a_right_drag_pans():
    from textual.events import MouseScrollDown, MouseScrollUp

    app = make_big_app([(100, 100)], (512, 512))
    async with app.run_test(size=(80, 24)) as pilot:
        view = app.query_one(BoardView)
        pointer = (20, 7)
        under = view._cell_at(*pointer)
        await pilot._post_mouse_events([MouseScrollDown], BoardView, offset=pointer)
        assert view.mode.name == "braille" and view._cell_at(*pointer) == under
        await pilot._post_mouse_events([MouseScrollUp], BoardView, offset=pointer)
        await pilot._post_mouse_events([MouseScrollUp], BoardView, offset=pointer)
        assert view.mode.name == "large"
        # Large cells are two characters wide: the pointer's even character shows the cell it showed.
        assert view._cell_at(*pointer) == under
        origin = view.origin
        await pilot.mouse_down(BoardView, offset=(30, 10), button=3)
        await pilot.hover(BoardView, offset=(20, 6))
        await pilot.mouse_up(BoardView, offset=(20, 6))
        # The board moved with the pointer: 10 characters of large cells is 5 cells, 4 rows 4 cells.
        assert view.origin == ((origin[0] + 5) % 512, (origin[1] + 4) % 512)
        assert app.simulation.snapshot().cells.sum() == 1  # panning drew nothing


async def test_a_left_drag_draws_a_line_and_a_drag_from_a_live_cell_erases():
    app = make_big_app([], (64, 64))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("z")
        view = app.query_one(BoardView)
        x, y = view.origin
        await pilot.mouse_down(BoardView, offset=(0, 0))
        await pilot.hover(BoardView, offset=(10, 0))
        await pilot.mouse_up(BoardView, offset=(10, 0))
        await settle(pilot, lambda: app.simulation.snapshot().cells.sum() == 6)
        cells = app.simulation.snapshot().cells
        assert cells[y, [(x + k) % 64 for k in range(6)]].all()  # 10 characters: cells 0 to 5, no gap
        await settle(pilot, lambda: app.last_snapshot.cells.sum() == 6)
        await pilot.mouse_down(BoardView, offset=(2, 0))  # on a live cell: this drag erases
        await pilot.hover(BoardView, offset=(6, 0))
        await pilot.mouse_up(BoardView, offset=(6, 0))
        await settle(pilot, lambda: app.simulation.snapshot().cells.sum() == 3)


async def test_the_sidebar_hides_and_the_footer_keeps_help_and_quit_when_narrow():
    app = make_app()
    async with app.run_test(size=(60, 20)) as pilot:
        await pilot.pause()
        footer = app.export_screenshot()
        assert "Help" in footer and "Quit" in footer
        view = app.query_one(BoardView)
        narrow = view.size.width
        await pilot.press("i")
        await pilot.pause()
        assert view.size.width == 60 and narrow >= 33  # the sidebar takes at most 45 % of a narrow terminal
        await pilot.press("i")
        await pilot.pause()
        assert view.size.width == narrow


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


async def test_the_sidebar_says_what_the_board_does_and_plots_its_population():
    app = make_app("pulsar", (40, 30))
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot, lambda: app.analysis is not None and app.analysis.behaviour is not None, 10)
        assert str(dict(app.sidebar_rows())["Behaviour"]) == "oscillator, period 3 (by generation 0)"
        await settle(pilot, lambda: app.populations == [48])
        for generation in (1, 2, 3):  # a key at a time, each drawn
            await pilot.press("n")
            await settle(pilot, lambda generation=generation: app.last_snapshot.generation == generation)
        # One point a generation shown: pulsar's populations go 48, 56, 72, 48.
        assert app.populations == [48, 56, 72, 48]
        await pilot.press("r")
        await settle(pilot, lambda: app.last_snapshot.generation == 0 and app.populations == [48])
        view = app.query_one(BoardView)
        await pilot.click(BoardView, offset=(view.size.width // 2, view.size.height // 2))  # an edit: a new board
        await settle(pilot, lambda: app.analysis is not None and app.analysis.epoch == app.simulation.epoch, 10)


async def test_a_board_too_big_to_follow_says_so():
    app = make_big_app([(0, 0)], (2048, 1024))
    async with app.run_test() as pilot:
        await pilot.pause(0.3)
        assert "not watched" in str(dict(app.sidebar_rows())["Behaviour"])


async def test_o_opens_another_pattern_in_place_of_this_one_and_says_what_is_wrong_with_a_bad_one(tmp_path):
    from lifetui.tui.screens import OpenScreen

    (tmp_path / "broken.rle").write_text("x = 3, y = 3, rule = Bogus\n3o!\n")
    (tmp_path / "wide.rle").write_text("#N Wide\nx = 3, y = 1, rule = B36/S23\n3o!\n")
    app = make_app("glider", (32, 24))
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("4", "space")  # on bitsliced, running
        await settle(pilot, lambda: app.last_snapshot.engine == "bitsliced" and app.last_snapshot.generation > 0, 10)
        await pilot.press("o")
        assert isinstance(app.screen, OpenScreen)
        field = app.screen.query_one("Input")
        field.value = str(tmp_path / "wi")
        await pilot.pause(0.2)  # the completion is worked out in the background
        await pilot.press("right")  # takes it
        assert field.value == str(tmp_path / "wide.rle")
        field.value = str(tmp_path / "nothing.rle")
        await pilot.press("enter")
        warning = str(app.screen.query_one("#warning").render())
        assert "no such file" in warning and isinstance(app.screen, OpenScreen)  # the command line's error, here
        field.value = str(tmp_path / "broken.rle")
        await pilot.press("enter")
        # As the command line says it: "broken.rle:1:22: unsupported rule 'Bogus': ..."
        assert "broken.rle:1:22: unsupported rule 'Bogus'" in str(app.screen.query_one("#warning").render())
        field.value = str(tmp_path / "wide.rle")
        await pilot.press("enter")
        await settle(pilot, lambda: not isinstance(app.screen, OpenScreen))
        # The new board: on the unbounded plane (its rule has no suffix), its own rule, paused at its generation
        # 0, back on the engine it was on.
        assert app.simulation.plane and app.simulation.box == (0, -1, 1, 3) and str(app.simulation.rule) == "B36/S23"
        assert app.pattern_name == "Wide" and not app.driver.playing
        await settle(pilot, lambda: app.last_snapshot.plane and app.last_snapshot.population == 3)
        await settle(pilot, lambda: app.simulation.engine_name == "bitsliced", 30)
        await pilot.press("n")
        await settle(pilot, lambda: app.last_snapshot.generation == 1 and app.last_snapshot.population == 3)
        await settle(pilot, lambda: app.verdict is not None and app.verdict.agreed_through == 1, 10)
        assert app.query_one(BoardView).plane and app.simulation.box == (-1, 0, 3, 1)  # the blinker turned


async def test_panning_while_a_slow_generation_runs_does_not_hold_the_board_back(monkeypatch):
    import lifetui.engines.numpy_engine as numpy_engine

    rows = numpy_engine.rows_by_counts

    def slow_rows(slab, table):  # 32 bands of 5 ms: a generation takes 0.16 s, like a huge board's
        time.sleep(0.005)
        return rows(slab, table)

    monkeypatch.setattr(numpy_engine, "rows_by_counts", slow_rows)
    monkeypatch.setattr(numpy_engine, "BAND_CELLS", 64 * 2)
    monkeypatch.setattr(LifeApp, "run_checker", lambda self: None)
    monkeypatch.setattr(LifeApp, "run_analysis", lambda self: None)
    app = make_app("r-pentomino", (64, 64))
    async with app.run_test() as pilot:
        await pilot.press("space")
        await settle(pilot, lambda: app.simulation.generation >= 1)
        view, start = app.query_one(BoardView), app.simulation.generation
        for _ in range(40):  # a drag: the view moves every 20 ms, faster than a generation
            view._pan_cells(1, 0)
            await pilot.pause(0.02)
        # Moving the view asks for a frame, not for the generation under way to be dropped.
        assert app.simulation.generation >= start + 2
        await settle(pilot, lambda: app.last_snapshot.region == view.board_region())


async def test_u_undoes_a_stroke_and_a_reset_and_shift_u_redoes():
    app = make_big_app([], (64, 64))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("z")
        await pilot.mouse_down(BoardView, offset=(0, 0))
        await pilot.hover(BoardView, offset=(6, 0))
        await pilot.mouse_up(BoardView, offset=(6, 0))
        await settle(pilot, lambda: app.simulation.snapshot().cells.sum() == 4)
        await pilot.press("n", "n")
        await settle(pilot, lambda: app.simulation.generation == 2)
        await pilot.press("r")
        await settle(pilot, lambda: app.simulation.generation == 0 and app.simulation.snapshot().cells.sum() == 0)
        await pilot.press("u")  # the reset
        await settle(pilot, lambda: app.simulation.generation == 2)
        await pilot.press("u")  # the whole stroke at once
        await settle(pilot, lambda: app.simulation.snapshot().cells.sum() == 0 and app.simulation.generation == 0)
        await pilot.press("U")  # forward again: the board the first undo left, two generations after the stroke
        await settle(pilot, lambda: app.simulation.generation == 2 and app.simulation.snapshot().cells.sum() > 0)
        await pilot.press("u", "u")
        await settle(pilot, lambda: any("nothing to undo" in n.message for n in app._notifications))


async def test_select_copy_paste_clear_and_fill_a_rectangle():
    from textual.events import Paste

    from lifetui.tui.screens import DensityScreen

    app = make_big_app([(10, 10), (10, 11), (11, 10)], (64, 64))
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.press("z", "v")
        view = app.query_one(BoardView)
        view.origin = (8, 8)
        view._moved()
        # In large cells, character column 2c shows board column 8 + c; row r shows board row 8 + r.
        await pilot.mouse_down(BoardView, offset=(4, 2))
        await pilot.hover(BoardView, offset=(6, 3))
        await pilot.mouse_up(BoardView, offset=(6, 3))
        assert view.selection == (10, 10, 2, 2)
        assert app.simulation.snapshot().cells.sum() == 3  # selecting drew nothing
        await pilot.press("c")
        assert app.copied.tolist() == [[1, 1], [1, 0]]
        await pilot.hover(BoardView, offset=(20, 10))  # board cell (18, 18)
        await pilot.press("p")
        await settle(pilot, lambda: app.simulation.snapshot().cells.sum() == 6)
        assert app.simulation.snapshot().cells[18:20, 18:20].tolist() == [[1, 1], [1, 0]]
        await pilot.press("delete")  # the selection, not the pasted copy
        await settle(pilot, lambda: app.simulation.snapshot().cells.sum() == 3)
        await pilot.press("u")
        await settle(pilot, lambda: app.simulation.snapshot().cells.sum() == 6)
        await pilot.press("percent_sign")
        assert isinstance(app.screen, DensityScreen)
        app.screen.query_one("Input").value = "100%"
        await pilot.press("enter")
        await settle(pilot, lambda: app.simulation.snapshot().cells[10:12, 10:12].sum() == 4)
        # RLE pasted into the terminal lands at the mouse too; text that is not a pattern gets its error.
        await pilot.hover(BoardView, offset=(40, 20))  # board cell (28, 28)
        app.post_message(Paste("x = 3, y = 1\n3o!\n"))
        await settle(pilot, lambda: app.simulation.snapshot().cells[28, 28:31].tolist() == [1, 1, 1])
        app.post_message(Paste("x = 3, y = 1, rule = Bogus\n3o!\n"))
        await settle(pilot, lambda: any("unsupported rule" in n.message for n in app._notifications))
        await pilot.press("escape")
        assert view.selection is None
        await pilot.press("c")
        assert any("nothing selected" in n.message for n in app._notifications)
        # A file pasted at the mouse: the bundled blinker, three in a row.
        await pilot.hover(BoardView, offset=(60, 30))  # board cell (38, 38)
        await pilot.press("P")
        app.screen.query_one("Input").value = "blinker"
        await pilot.press("enter")
        await settle(pilot, lambda: app.simulation.snapshot().cells[38:41, 38:41].sum() == 3)


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


def make_plane_app(name="glider", engine="numpy") -> LifeApp:
    pattern = load_pattern(name)
    return LifeApp(board_for(pattern, plane=True), pattern.name, pattern.author, engine)


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
            await settle(pilot, lambda generation=generation: app.last_snapshot.generation == generation, 30)
        assert app.last_snapshot.engine == "numpy"
        plane = create_universe("numpy", CONWAY, PLANE)
        plane.load_pattern(load_pattern("r-pentomino"))
        plane.step(4)
        cells, _, _ = plane.live_cells()
        assert np.array_equal(app.simulation.snapshot().cells, cells)
        await settle(pilot, lambda: app.verdict is not None and app.verdict.agreed_through == 4, 10)
        # A click draws at the plane cell under it.
        await pilot.press("z")
        view = app.query_one(BoardView)
        await pilot.click(BoardView, offset=(0, 0))
        x, y = view.origin
        await settle(pilot, lambda: app.simulation.snapshot((y, x, 1, 1)).cells[0, 0] == 1)
        saved = await save_through_the_screen(pilot, app, target)
        assert saved.plane_origin() == app.simulation.box[:2]
        assert np.array_equal(saved.to_array(), app.simulation.snapshot().cells)


def app_on(topology: str, name: str = "glider", engine: str | None = None) -> LifeApp:
    """The pattern in the TUI on the unbounded plane, or on a torus."""
    pattern = load_pattern(name)
    board = board_for(pattern, plane=True) if topology == "plane" else torus_board(pattern, (64, 64))
    return LifeApp(board, pattern.name, pattern.author, engine)


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
        await settle(pilot, lambda: app.verdict is not None and app.verdict.agreed_through == 3, 10)
        assert app.verdict.agrees and "agrees through generation 3" in str(dict(app.sidebar_rows())["Divergence"])
        assert not any("Error" in n.message for n in app._notifications)


class RaisesInStep(NumpyEngine):
    """Steps ten generations, then fails as no engine should."""

    def step(self, generations=1):
        if getattr(self, "done", 0) >= 10:
            raise ValueError("a bug in the engine")
        self.done = getattr(self, "done", 0) + generations
        super().step(generations)


@pytest.mark.parametrize("topology", ["plane", "torus"])
async def test_an_engine_that_raises_is_a_notice_and_the_app_runs_on(topology, monkeypatch):
    import lifetui.engines as engines
    from lifetui.engines import EngineInfo

    monkeypatch.setitem(engines.ENGINES, "jax", EngineInfo("jax", "raises", RaisesInStep))
    app = app_on(topology)
    async with app.run_test() as pilot:
        await pilot.press("2", "space")
        await settle(pilot, lambda: any("a bug in the engine" in n.message for n in app._notifications), 10)
        assert not app.driver.playing and app.is_running and app.simulation.generation == 10
        await pilot.press("1", "n")
        await settle(pilot, lambda: app.last_snapshot.engine == "numpy" and app.last_snapshot.generation == 11)


async def test_hashlife_flat_out_advances_steps_the_user_can_follow_and_a_jump_is_checked_in_windows():
    app = app_on("plane", "gosper-glider-gun", "hashlife")
    async with app.run_test() as pilot:
        await pilot.press(*["plus"] * 12, "space")
        await settle(pilot, lambda: app.simulation.generation > 1000, 10)
        await pilot.press("space")
        # A step of 2^0 generations a call: it once doubled every call, to 7.9e21 in 0.6 s.
        assert app.simulation.generation < 10**7
        await pilot.press("g")
        app.screen.query_one("Input").value = "+1000000"
        await pilot.press("enter")
        await settle(pilot, lambda: not app.driver.playing and app.driver.goal is None, 30)
        assert app.is_running and not any("Error" in n.message for n in app._notifications)
        # The live area is far too large to compare whole: the checker samples windows of it, never all of it.
        await settle(pilot, lambda: app.verdict is not None and app.verdict.sampled is not None, 20)
        assert app.verdict.agrees and app.verdict.sampled.tile


async def test_on_a_small_terminal_the_help_scrolls_by_key_and_dialogs_wrap_their_text():
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        box = app.screen.query_one("VerticalScroll")
        assert box.max_scroll_y > 0 and box.scroll_y == 0  # taller than the terminal
        await pilot.press("pagedown", "pagedown")
        await settle(pilot, lambda: box.scroll_y == box.max_scroll_y)
        await pilot.press("escape", "o")
        app.screen.query_one("Input").value = "no-such-file-with-a-long-name-to-show-the-whole-message.rle"
        await pilot.press("enter")
        warning = app.screen.query_one("#warning")
        await pilot.pause()
        assert "bundled: acorn" in str(warning.render()) and warning.size.height > 1  # wrapped, not cut
