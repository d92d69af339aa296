"""The editing keys (lifetui/tui/editing.py): select, copy, paste, clear, fill, undo and redo."""

import numpy as np
import pytest
from tui_helpers import app_on, holds_the_reference, make_big_app, settle

from lifetui.tui.board_view import BoardView


@pytest.mark.parametrize("topology", ["plane", "torus"])
async def test_u_undoes_a_stroke_and_a_reset_and_shift_u_redoes(topology):
    app = app_on(topology)  # the glider, in the middle of the view

    def population():
        return app.simulation.snapshot().population

    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("z")
        await pilot.mouse_down(BoardView, offset=(0, 0))  # far from the block, at the view's top left
        await pilot.hover(BoardView, offset=(6, 0))
        await pilot.mouse_up(BoardView, offset=(6, 0))
        await settle(pilot, lambda: population() == 5 + 4)
        await pilot.press("n", "n")
        await settle(pilot, lambda: app.simulation.generation == 2)
        after_two = app.simulation.snapshot()
        await pilot.press("r")
        await settle(pilot, lambda: app.simulation.generation == 0 and population() == 5)
        await pilot.press("u")  # the reset
        await settle(pilot, lambda: app.simulation.generation == 2)
        assert np.array_equal(app.simulation.snapshot().cells, after_two.cells)
        await pilot.press("u")  # the whole stroke at once
        await settle(pilot, lambda: population() == 5 and app.simulation.generation == 0)
        assert holds_the_reference(app, 0)
        await pilot.press("U")  # forward again: the board the first undo left, two generations after the stroke
        await settle(pilot, lambda: app.simulation.generation == 2 and population() > 5)
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


@pytest.mark.parametrize("topology", ["plane", "torus"])
async def test_a_tiny_file_with_a_huge_box_is_refused_by_paste_and_the_board_stays(tmp_path, topology):
    from textual.events import Paste
    from tui_helpers import notices

    huge = "x = 1000000000, y = 1000000000\no!\n"  # one live cell: laid out as an array, 10^18 bytes
    (tmp_path / "huge.rle").write_text(huge)
    app = app_on(topology)
    async with app.run_test() as pilot:
        await pilot.press("n")
        await settle(pilot, lambda: app.last_snapshot.generation == 1)
        before = app.simulation.snapshot()
        await pilot.press("P")
        app.screen.query_one("Input").value = str(tmp_path / "huge.rle")
        await pilot.press("enter")
        app.post_message(Paste(huge))
        refusal = "1,000,000,000 x 1,000,000,000 is too large to paste" if topology == "plane" else "does not fit"
        await settle(pilot, lambda: sum(refusal in notice for notice in notices(app)) == 2)
        await pilot.press("n")
        await settle(pilot, lambda: app.last_snapshot.generation == 2)
        assert app.is_running and app.simulation.snapshot().population == before.population == 5


async def test_a_board_no_engine_can_hold_is_a_notice_and_the_board_it_would_replace_runs_on(tmp_path, monkeypatch):
    from tui_helpers import notices

    import lifetui.tui.app as app_module
    from lifetui.errors import LifeError

    def no_engine_holds_it(board, engine=None, options=None):
        raise LifeError("no engine here can hold it")

    (tmp_path / "big.rle").write_text("x = 3, y = 1\n3o!\n")
    app = app_on("plane")
    async with app.run_test() as pilot:
        monkeypatch.setattr(app_module, "Life", no_engine_holds_it)
        await pilot.press("o")
        app.screen.query_one("Input").value = str(tmp_path / "big.rle")
        await pilot.press("enter")
        await settle(pilot, lambda: any("big.rle: no engine here can hold it" in notice for notice in notices(app)))
        await pilot.press("n")  # the glider's threads were left running
        await settle(pilot, lambda: app.last_snapshot.generation == 1)
        assert app.is_running and app.pattern_name == "Glider" and holds_the_reference(app, 1)


async def test_a_reference_that_cannot_hold_the_board_is_a_notice_and_the_app_runs_on(monkeypatch):
    from dataclasses import replace

    from tui_helpers import notices

    import lifetui.engines as engines

    # numpy, the reference, takes more memory a cell than any machine has: the checker cannot follow a torus.
    monkeypatch.setitem(engines.ENGINES, "numpy", replace(engines.ENGINES["numpy"], bytes_per_cell=1e15))
    app = app_on("torus", engine="c")
    async with app.run_test() as pilot:
        await settle(pilot, lambda: any("the reference checker stopped" in notice for notice in notices(app)))
        await pilot.press("n")
        await settle(pilot, lambda: app.last_snapshot.generation == 1)
        assert app.is_running


@pytest.mark.parametrize("topology", ["plane", "torus"])
async def test_a_multi_state_pattern_pasted_on_a_two_state_board_runs_as_its_live_cells(tmp_path, topology):
    """Once its states 2 and up went onto the board as they were: numpy's next step indexed its two-state table
    with them (IndexError) and the simulation and analysis threads stopped."""
    from textual.events import Paste
    from tui_helpers import notices

    (tmp_path / "brain.rle").write_text("x = 3, y = 1, rule = /2/3\nABA!\n")
    app = app_on(topology, engine="numpy")
    async with app.run_test() as pilot:
        await pilot.hover(BoardView, offset=(2, 2))  # away from the glider in the middle
        await pilot.press("P")
        app.screen.query_one("Input").value = str(tmp_path / "brain.rle")
        await pilot.press("enter")
        await settle(pilot, lambda: app.simulation.snapshot().population == 5 + 3)
        assert any("1 cells in states 2 and above" in notice and "read as state 1" in notice for notice in notices(app))
        app.post_message(Paste("x = 3, y = 1, rule = /2/3\nBBB!\n"))
        await settle(pilot, lambda: sum("read as state 1" in notice for notice in notices(app)) == 2)
        await pilot.press("n")
        await settle(pilot, lambda: app.simulation.generation == 1)
        assert app.is_running and app.simulation.snapshot().cells.max() == 1
        assert not any("error" in notice for notice in notices(app))
