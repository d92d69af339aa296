"""The sidebar (lifetui/tui/sidebar.py): its rows, the divergence and behaviour text, the plots."""

import numpy as np
import pytest
from tui_helpers import app_on, make_app, make_big_app, settle

import lifetui.tui.app as app_module
from lifetui.engines import EngineOptions
from lifetui.patterns import load_pattern
from lifetui.simulation.analysis import Behaviour
from lifetui.simulation.checker import Verdict
from lifetui.tui.app import LifeApp
from lifetui.tui.board_view import BoardView
from lifetui.tui.messages import Analysed, Checked
from lifetui.world.board import torus_board


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


@pytest.mark.parametrize("topology", ["plane", "torus"])
async def test_an_inexact_circuit_lights_up_the_divergence_panel(tmp_path, topology):
    from lifetui.model.gates import PASS_A
    from lifetui.model.kernels import save_kernel
    from lifetui.model.network import Network

    # "The next state is the current one": wrong for B3/S23 wherever something is born or dies.
    network = Network([np.array([4])], [np.array([0])], [np.eye(16, dtype=np.float32)[[PASS_A]]])
    save_kernel(tmp_path / "still", network, {"rule": "B3/S23"})
    app = app_on(topology, "r-pentomino", "c", options=EngineOptions(tmp_path / "still", allow_inexact=True))
    async with app.run_test() as pilot:
        await pilot.press("n", "n", "n")
        await settle(pilot, lambda: app.verdict is not None and not app.verdict.agrees)
        assert app.verdict.generation == 1
        assert str(dict(app.sidebar_rows())["Divergence"]).startswith("first differs at generation 1:")
        assert str(dict(app.sidebar_rows())["Engine"]) == "c (inexact kernel: wrong on 228 of 512)"


@pytest.mark.parametrize("topology", ["plane", "torus"])
async def test_the_divergence_panel_starts_again_after_a_reset_and_after_a_click(topology):
    app = app_on(topology, "r-pentomino")
    async with app.run_test() as pilot:
        await pilot.press("n", "n", "n", "n", "n")
        await settle(pilot, lambda: app.verdict is not None and app.verdict.agreed_through == 5)
        await pilot.press("r")
        await settle(pilot, lambda: app.last_snapshot.generation == 0)
        # The new board's first word may be "not checked yet", then its check: wait for the check, not a word.
        await settle(pilot, lambda: app.verdict is not None and app.verdict_epoch == app.simulation.epoch
                     and str(dict(app.sidebar_rows())["Divergence"]) == "agrees through generation 0")  # fmt: skip
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
        await settle(pilot, lambda: any(app.speed_history))
        speed = app.query_one("#speed", Sparkline)
        await settle(pilot, lambda: "█" in "".join(speed.render_line(y).text for y in range(3)))


async def test_the_sidebar_hides_and_the_footer_keeps_help_and_quit_when_narrow():
    app = make_app()
    async with app.run_test(size=(60, 20)) as pilot:
        await settle(pilot, lambda: "Quit" in app.export_screenshot())
        assert "Help" in app.export_screenshot()
        view = app.query_one(BoardView)
        await settle(pilot, lambda: 0 < view.size.width < 60)  # laid out beside the sidebar
        narrow = view.size.width
        assert narrow >= 33  # the sidebar takes at most 45 % of a narrow terminal
        await pilot.press("i")
        await settle(pilot, lambda: view.size.width == 60)
        await pilot.press("i")
        await settle(pilot, lambda: view.size.width == narrow)


async def test_the_sidebar_says_what_the_board_does_and_plots_its_population():
    app = make_app("pulsar", (40, 30))
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot, lambda: app.analysis is not None and app.analysis.behaviour is not None)
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
        await settle(pilot, lambda: app.analysis is not None and app.analysis.epoch == app.simulation.epoch)


async def test_a_board_too_big_to_follow_says_so():
    app = make_big_app([(0, 0)], (2048, 1024))
    async with app.run_test() as pilot:
        await settle(pilot, lambda: "not watched" in str(dict(app.sidebar_rows())["Behaviour"]))


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
        await settle(pilot, lambda: right.verdict is not None and right.verdict.sampled is not None)
        await settle(pilot, lambda: right.verdict.sampled.spans >= 3)
        assert right.verdict.agrees and str(dict(right.sidebar_rows())["Divergence"]).startswith("sampled: ")
    options = EngineOptions(tmp_path / "still", allow_inexact=True)
    wrong = LifeApp(board, pattern.name, engine="c", options=options)
    async with wrong.run_test() as pilot:
        await pilot.press(*["plus"] * 12, "space")
        await settle(pilot, lambda: wrong.verdict is not None and not wrong.verdict.agrees)
        assert wrong.verdict.sampled is not None and len(wrong.verdict.differing) > 0
        assert str(dict(wrong.sidebar_rows())["Divergence"]).startswith("differs at generation")
        await pilot.press("space", "1")  # away from the wrong engine: the panel starts afresh
        await settle(pilot, lambda: wrong.last_snapshot.engine == "numpy")
        await settle(pilot, lambda: wrong.verdict is not None and wrong.verdict.agrees)


async def test_a_patterns_name_and_author_are_shown_as_written_in_the_sidebar_and_notices(tmp_path):
    from tui_helpers import notices

    # Once read as markup: a stray closing tag ended the app, a valid tag restyled the sidebar or made a link.
    (tmp_path / "marked.rle").write_text("#N [/bogus]\n#O [b]Bold[/b] [link=https://example.com]me[/link]\n"
                                         "x = 3, y = 1\n3o!\n")  # fmt: skip
    pattern = load_pattern(str(tmp_path / "marked.rle"))
    app = LifeApp(torus_board(pattern, (32, 24)), pattern.name, pattern.author, "numpy")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("n")
        await settle(pilot, lambda: app.last_snapshot.generation == 1)
        stats = app.query_one("#stats")
        shown = "".join("".join(stats.render_line(y).text.split()) for y in range(stats.size.height))  # unfolded
        assert "Pattern[/bogus]" in shown and "Author[b]Bold[/b][link=https://example.com]me[/link]" in shown
        await pilot.press("o")
        app.screen.query_one("Input").value = str(tmp_path / "marked.rle")
        await pilot.press("enter")
        await settle(pilot, lambda: any(notice.startswith("opened [/bogus]: 3 x 1") for notice in notices(app)))
        await pilot.pause()
        assert app.is_running and app.pattern_name == "[/bogus]"


def silent_checker(simulation, checker, cancelled, report, rest, around):
    """A checker that reports nothing: the test says what it found."""
    while not cancelled():
        rest(0.05)


@pytest.mark.parametrize("topology", ["plane", "torus"])
async def test_a_verdict_on_the_board_before_a_reset_an_edit_or_a_swap_is_neither_shown_nor_taken(
    topology, monkeypatch
):
    monkeypatch.setattr(app_module, "follow", silent_checker)
    app = app_on(topology, "r-pentomino", "numpy")
    async with app.run_test() as pilot:
        for change in ("reset", "edit", "swap"):
            epoch = app.simulation.epoch
            differs = Verdict(3, 2, np.array([[0, 0]]))
            app.post_message(Checked(differs, epoch))
            await settle(pilot, lambda differs=differs: app.verdict is differs)
            assert str(dict(app.sidebar_rows())["Divergence"]).startswith("first differs at generation 3")
            if change == "reset":
                await pilot.press("r")
            elif change == "edit":
                await pilot.click(BoardView, offset=(3, 2))
            else:
                await pilot.press("3")  # to c
            await settle(pilot, lambda epoch=epoch: app.last_snapshot.epoch == app.simulation.epoch != epoch)
            assert str(dict(app.sidebar_rows())["Divergence"]) == "checking..."
            app.post_message(Checked(differs, epoch))  # late: the checker's word on the board before
            await pilot.pause()
            assert app.verdict is None and str(dict(app.sidebar_rows())["Divergence"]) == "checking..."
        assert app.last_snapshot.engine == "c"


def live_corner(app):
    """The top-left corner of the live cells' box, in board coordinates."""
    snapshot = app.simulation.snapshot()
    rows, columns = np.nonzero(snapshot.cells)
    return snapshot.region[0] + int(rows.min()), snapshot.region[1] + int(columns.min())


@pytest.mark.parametrize("topology", ["plane", "torus"])
async def test_a_paste_a_clear_and_a_fill_each_start_the_check_afresh_from_the_board_they_make(topology):
    from lifetui.tui.screens import DensityScreen

    app = app_on(topology, "glider", "numpy")
    async with app.run_test() as pilot:

        async def next_generation_agrees():
            generation = app.simulation.generation + 1
            await pilot.press("n")
            await settle(pilot, lambda: app.verdict is not None and app.verdict_epoch == app.simulation.epoch
                         and (app.verdict.generation == generation or not app.verdict.agrees))  # fmt: skip
            assert app.verdict.agrees and app.verdict.generation == generation

        await next_generation_agrees()
        view = app.query_one(BoardView)
        app.copied = np.ones((2, 2), dtype=np.uint8)
        await pilot.hover(BoardView, offset=(2, 1))
        population = app.simulation.snapshot().population
        await pilot.press("p")
        await settle(pilot, lambda: app.simulation.snapshot().population != population)
        await next_generation_agrees()
        top, left = live_corner(app)
        view.select((top, left), (top + 2, left + 1))
        population = app.simulation.snapshot().population
        await pilot.press("delete")
        await settle(pilot, lambda: app.simulation.snapshot().population != population)
        await next_generation_agrees()
        population = app.simulation.snapshot().population
        await pilot.press("percent_sign")
        assert isinstance(app.screen, DensityScreen)
        app.screen.query_one("Input").value = "100%"
        await pilot.press("enter")
        await settle(pilot, lambda: app.simulation.snapshot().population != population)
        await next_generation_agrees()


def silent_analysis(simulation, cancelled, report, rest):
    """An analysis that says nothing: the test says what it found."""
    while not cancelled():
        rest(0.05)


@pytest.mark.parametrize("topology", ["plane", "torus"])
async def test_the_behaviour_row_never_keeps_the_answer_for_the_board_before_an_edit(topology, monkeypatch):
    monkeypatch.setattr(app_module, "watch", silent_analysis)
    app = app_on(topology, "glider", "numpy")

    def row():
        return str(dict(app.sidebar_rows())["Behaviour"])

    async with app.run_test() as pilot:
        epoch = app.simulation.epoch
        app.post_message(Analysed(Behaviour("still life", 1, 0), epoch, 0))
        await settle(pilot, lambda: row() == "still life (by generation 0)")
        await pilot.click(BoardView, offset=(3, 2))
        await settle(pilot, lambda: app.last_snapshot.epoch == app.simulation.epoch != epoch)
        assert row() == "watching..."
        app.post_message(Analysed(Behaviour("extinct", 1, 0), app.simulation.epoch, 0))
        await settle(pilot, lambda: row() == "extinct (by generation 0)")
        app.post_message(Analysed(Behaviour("still life", 1, 0), epoch, 0))  # late: about the board before
        await pilot.pause()
        assert row() == "extinct (by generation 0)"


@pytest.mark.parametrize("topology", ["plane", "torus"])
async def test_the_behaviour_row_names_what_the_board_does_after_an_edit(topology):
    app = app_on(topology, "glider", "numpy")
    async with app.run_test() as pilot:
        await settle(pilot, lambda: str(dict(app.sidebar_rows())["Behaviour"]).startswith("spaceship, period 4"))
        top, left = live_corner(app)
        app.query_one(BoardView).select((top, left), (top + 2, left + 2))
        await pilot.press("delete")  # the whole glider
        await settle(pilot, lambda: str(dict(app.sidebar_rows())["Behaviour"]) == "extinct (by generation 0)")
