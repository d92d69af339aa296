"""The modal screens (lifetui/tui/screens.py): help, save, open and go to."""

import os

import numpy as np
import pytest
from tui_helpers import app_on, holds_the_reference, make_app, save_through_the_screen, settle

from lifetui.tui.board_view import BoardView
from lifetui.tui.screens import GotoScreen, HelpScreen, SaveScreen, parse_generation


async def test_help_screen_opens_and_closes():
    app = make_app()
    async with app.run_test() as pilot:
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape")
        assert not isinstance(app.screen, HelpScreen)


@pytest.mark.parametrize("topology", ["plane", "torus"])
async def test_save_writes_the_contract_rle_and_asks_before_replacing(tmp_path, topology):
    app = app_on(topology)
    target = tmp_path / "saved.rle"
    async with app.run_test() as pilot:
        await pilot.press("n")
        await settle(pilot, lambda: app.last_snapshot.generation == 1)
        saved = await save_through_the_screen(pilot, app, target)
        assert saved.generation == 1
        assert np.array_equal(saved.to_array(), app.simulation.snapshot().cells)
        # The torus whole, with its size in the rule; the plane's live cells where they are, and no suffix.
        if topology == "torus":
            assert (saved.width, saved.height, saved.rule.torus) == (64, 64, (64, 64))
        else:
            assert saved.plane_origin() == app.simulation.box[:2] and saved.rule.torus is None
        target.write_text("precious")
        await pilot.press("s")
        app.screen.query_one("Input").value = str(target)
        await pilot.press("enter")
        assert isinstance(app.screen, SaveScreen)
        assert target.read_text() == "precious"
        await pilot.press("escape")
        assert target.read_text() == "precious"


@pytest.mark.parametrize("suffix", [".svg", ".png", ".gif"])
@pytest.mark.parametrize("topology", ["plane", "torus"])
async def test_save_draws_a_picture_for_a_picture_name(tmp_path, topology, suffix):
    from test_pictures import image_squares, svg_squares

    if suffix != ".svg":
        image_module = pytest.importorskip("PIL.Image")
    app = app_on(topology)
    target = tmp_path / f"saved{suffix}"
    async with app.run_test() as pilot:
        await pilot.press("n")
        await settle(pilot, lambda: app.last_snapshot.generation == 1)
        await pilot.press("s")
        app.screen.query_one("Input").value = str(target)
        await pilot.press("enter")
        await settle(pilot, lambda: target.exists())
        # The live cells fitted (the torus whole, 64 x 64 cells at 16 pixels), as at the moment s was pressed.
        cells = app.simulation.snapshot().cells
        if suffix == ".svg":
            assert np.array_equal(svg_squares(target.read_text())[0], cells)
        else:
            image = image_module.open(target)
            assert image.format == suffix[1:].upper() and image.size == (cells.shape[1] * 16, cells.shape[0] * 16)
            assert np.array_equal(image_squares(image, 16), cells)


@pytest.mark.parametrize("topology", ["plane", "torus"])
async def test_go_to_runs_flat_out_to_the_generation_and_pauses_there(topology):
    app = app_on(topology, "r-pentomino", "numpy")  # slow enough to be seen on its way to a million
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
        assert holds_the_reference(app, 1103)
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


def test_help_screen_snapshot(snap_compare):
    async def ready(pilot):
        await settle(pilot, lambda: pilot.app.verdict is not None and pilot.app.analysis is not None)
        await pilot.press("question_mark")

    assert snap_compare(make_app("pulsar", (40, 30)), terminal_size=(100, 30), run_before=ready)


async def test_o_opens_another_pattern_in_place_of_this_one_and_says_what_is_wrong_with_a_bad_one(tmp_path):
    from lifetui.tui.screens import OpenScreen

    (tmp_path / "broken.rle").write_text("x = 3, y = 3, rule = Bogus\n3o!\n")
    (tmp_path / "wide.rle").write_text("#N Wide\nx = 3, y = 1, rule = B36/S23\n3o!\n")
    app = make_app("glider", (32, 24))
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("4", "space")  # on bitsliced, running
        await settle(pilot, lambda: app.last_snapshot.engine == "bitsliced" and app.last_snapshot.generation > 0)
        await pilot.press("o")
        assert isinstance(app.screen, OpenScreen)
        field = app.screen.query_one("Input")
        field.value = str(tmp_path / "wi")
        # The completion is worked out by a worker: wait for it, not for a while.
        await settle(pilot, lambda: field._suggestion == str(tmp_path / "wide.rle"))
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
        assert not app.simulation.torus and app.simulation.box == (0, -1, 1, 3)
        assert str(app.simulation.rule) == "B36/S23"
        assert app.pattern_name == "Wide" and not app.driver.playing
        await settle(pilot, lambda: not app.last_snapshot.torus and app.last_snapshot.population == 3)
        await settle(pilot, lambda: app.simulation.engine_name == "bitsliced")
        await pilot.press("n")
        await settle(pilot, lambda: app.last_snapshot.generation == 1 and app.last_snapshot.population == 3)
        await settle(pilot, lambda: app.verdict is not None and app.verdict.agreed_through == 1)
        assert not app.query_one(BoardView).torus and app.simulation.box == (-1, 0, 3, 1)  # the blinker turned


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


async def test_s_offers_lifetuis_folder_among_the_documents_not_where_lifetui_started(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_DOCUMENTS_DIR", str(tmp_path / "Documents"))
    app = make_app()
    async with app.run_test() as pilot:
        await pilot.press("s")
        offered = app.screen.query_one("Input").value
        assert offered == str(tmp_path / "Documents" / "lifetui" / "Glider-gen0.rle")
        await pilot.press("enter")
        await settle(pilot, lambda: (tmp_path / "Documents" / "lifetui" / "Glider-gen0.rle").exists())


async def test_the_open_dialog_shows_an_error_that_quotes_markup_as_written_and_the_board_stays():
    from lifetui.tui.screens import OpenScreen

    app = make_app("glider", (32, 24))
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("n")
        await settle(pilot, lambda: app.last_snapshot.generation == 1)
        await pilot.press("o")
        app.screen.query_one("Input").value = "no[/such].rle"  # once read as a closing tag: the app ended
        await pilot.press("enter")
        await pilot.pause()
        assert app.is_running and isinstance(app.screen, OpenScreen)
        assert "no[/such].rle: no such file" in str(app.screen.query_one("#warning").render())
        await pilot.press("escape")
        assert app.pattern_name == "Glider" and app.simulation.generation == 1


async def test_the_open_and_paste_dialogs_refuse_a_named_pipe_without_waiting_on_it(tmp_path):
    from tui_helpers import feed_a_reader_later

    from lifetui.tui.screens import OpenScreen, PasteFileScreen

    fifo = tmp_path / "p.rle"
    os.mkfifo(fifo)
    app = make_app("glider", (32, 24))
    async with app.run_test(size=(100, 30)) as pilot:
        for key, screen in (("o", OpenScreen), ("P", PasteFileScreen)):
            await pilot.press(key)
            app.screen.query_one("Input").value = str(fifo)
            # Opening a pipe no one writes to waits for ever (q and ctrl+c with it): should the dialog try, a
            # writer comes after a while, and this test fails rather than hangs.
            unblock = feed_a_reader_later(fifo, "x = 40, y = 1\n40o!\n")
            await pilot.press("enter")
            unblock.cancel()
            assert isinstance(app.screen, screen)
            assert "p.rle: not a regular file (a pipe or a device)" in str(app.screen.query_one("#warning").render())
            await pilot.press("escape")
        assert app.pattern_name == "Glider" and app.simulation.snapshot().population == 5


async def test_o_opens_a_huge_sparse_box_on_the_plane_where_hashlife_holds_it(tmp_path):
    from tui_helpers import notices

    # Two cells a billion apart each way: no array engine can lay that out, the quadtree holds it.
    (tmp_path / "far.rle").write_text("x = 1000000000, y = 1000000000\no$999999998$999999999bo!\n")
    app = app_on("plane", engine="numpy")
    async with app.run_test() as pilot:
        await pilot.press("o")
        app.screen.query_one("Input").value = str(tmp_path / "far.rle")
        await pilot.press("enter")
        far = str(tmp_path / "far.rle")  # no #N: named by its path
        await settle(pilot, lambda: app.pattern_name == far and app.simulation.engine_name == "hashlife")
        said = "too many to read out as cells here ("
        await settle(pilot, lambda: any(said in notice for notice in notices(app)))
        notice = next(notice for notice in notices(app) if said in notice)
        # Said in the TUI: no command-line option in it (it once said "-o X.mc" and "--json").
        assert notice.endswith("hashlife holds it, and saves it as macrocell (.mc)") and " -" not in notice
        await pilot.press("n")  # numpy, the engine it was on, cannot hold it: it stays on hashlife
        await settle(pilot, lambda: app.last_snapshot.generation == 1 and app.last_snapshot.population == 0)
        assert app.is_running and app.simulation.engine_name == "hashlife"


async def test_a_name_too_long_for_the_system_is_a_warning_in_the_dialogs(tmp_path):
    from lifetui.tui.screens import OpenScreen, PasteFileScreen

    too_long = str(tmp_path / ("a" * 300 + ".rle"))  # the system's OSError, once uncaught: the app ended
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        for key, screen in (("o", OpenScreen), ("P", PasteFileScreen), ("s", SaveScreen)):
            await pilot.press(key)
            app.screen.query_one("Input").value = too_long
            await pilot.press("enter")
            assert isinstance(app.screen, screen)
            assert "File name too long" in str(app.screen.query_one("#warning").render())
            await pilot.press("escape")
        assert app.is_running and app.pattern_name == "Glider"


async def test_a_file_opened_without_a_name_is_called_by_its_path_as_on_the_command_line(tmp_path, monkeypatch):
    """A file with no #N line (most of Golly's collection) is named by its path, as `lifetui FILE` names it: in the
    sidebar, the notice and the name s offers; once it was "-", "the pattern" and board-gen0.rle."""
    from tui_helpers import notices

    monkeypatch.setenv("XDG_DOCUMENTS_DIR", str(tmp_path / "Documents"))
    path = tmp_path / "two-blinkers.rle"
    path.write_text("#C no name here\nx = 7, y = 1, rule = B3/S23\n3o1b3o!\n")
    app = make_app("glider", (32, 24))
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("o")
        app.screen.query_one("Input").value = str(path)
        await pilot.press("enter")
        await settle(pilot, lambda: any(notice.startswith(f"opened {path}: 7 x 1") for notice in notices(app)))
        assert app.pattern_name == str(path)
        await pilot.press("s")
        assert app.screen.query_one("Input").value == str(tmp_path / "Documents" / "lifetui" / "two-blinkers-gen0.rle")
