"""The board widget (lifetui/tui/board_view.py) in the app: zoom, pan, fit, and drawing with the mouse."""

import time

import numpy as np
import pytest
from tui_helpers import make_app, make_big_app, settle

from lifetui.tui.app import LifeApp
from lifetui.tui.board_view import BRAILLE_INDEX, BoardView


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
        top, left = view.origin
        await settle(pilot, lambda: app.simulation.snapshot().cells[top, left] == 1)
        assert app.simulation.snapshot().cells.sum() == 6


@pytest.mark.parametrize("mode_keys", [["z"], ["x"]])
def test_zoom_snapshots(snap_compare, mode_keys):
    async def ready(pilot):
        await settle(pilot, lambda: pilot.app.verdict is not None and pilot.app.analysis is not None)
        await pilot.press(*mode_keys)

    assert snap_compare(make_app("gosper-glider-gun", (64, 48)), terminal_size=(100, 30), run_before=ready)


async def test_a_terminal_resize_reflows_the_board():
    app = make_app(size=(400, 300))
    async with app.run_test(size=(80, 24)) as pilot:
        view = app.query_one(BoardView)
        small = view._window()
        await pilot.resize_terminal(160, 50)
        await pilot.pause()
        assert view._window()[0] > small[0] and view._window()[1] > small[1]
        assert len(view._lines) == view.size.height


async def test_click_on_the_jax_engine_toggles_a_cell():
    app = make_app(size=(16, 16))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("2", "z")
        await settle(pilot, lambda: app.simulation.engine_name == "jax")
        view = app.query_one(BoardView)
        await pilot.click(BoardView, offset=(0, 0))
        top, left = view.origin
        await settle(pilot, lambda: app.simulation.snapshot().cells[top, left] == 1)
        assert app.last_snapshot.engine == "jax"


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
        # The board moved with the pointer: 4 rows are 4 cells, 10 characters of large cells 5 cells.
        assert view.origin == ((origin[0] + 4) % 512, (origin[1] + 5) % 512)
        assert app.simulation.snapshot().cells.sum() == 1  # panning drew nothing


async def test_a_left_drag_draws_a_line_and_a_drag_from_a_live_cell_erases():
    app = make_big_app([], (64, 64))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("z")
        view = app.query_one(BoardView)
        top, left = view.origin
        await pilot.mouse_down(BoardView, offset=(0, 0))
        await pilot.hover(BoardView, offset=(10, 0))
        await pilot.mouse_up(BoardView, offset=(10, 0))
        await settle(pilot, lambda: app.simulation.snapshot().cells.sum() == 6)
        cells = app.simulation.snapshot().cells
        assert cells[top, [(left + k) % 64 for k in range(6)]].all()  # 10 characters: cells 0 to 5, no gap
        await settle(pilot, lambda: app.last_snapshot.cells.sum() == 6)
        await pilot.mouse_down(BoardView, offset=(2, 0))  # on a live cell: this drag erases
        await pilot.hover(BoardView, offset=(6, 0))
        await pilot.mouse_up(BoardView, offset=(6, 0))
        await settle(pilot, lambda: app.simulation.snapshot().cells.sum() == 3)


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
        # A drag: the view moves every 20 ms, faster than a generation. Moving the view asks for a frame, not
        # for the generation under way to be dropped: generations go on while it moves.
        for _ in range(1000):
            if app.simulation.generation >= start + 2:
                break
            view._pan_cells(0, 1)
            await pilot.pause(0.02)
        assert app.simulation.generation >= start + 2
        await settle(pilot, lambda: app.last_snapshot.region == view.board_region())


@pytest.mark.parametrize("topology", ["torus", "plane"])
async def test_past_a_torus_edge_in_view_the_widget_is_shaded_and_the_plane_has_no_edge(topology):
    from tui_helpers import app_on

    app = app_on(topology)  # a 64 x 64 torus, or the plane
    async with app.run_test(size=(120, 40)) as pilot:
        view = app.query_one(BoardView)
        view.mode_index = BRAILLE_INDEX  # 64 cells are 32 characters wide and 16 lines tall
        view._centre_on((32, 32))
        view._moved()
        await pilot.pause()
        assert view.mode.name == "braille"

        def shaded(line: int) -> list[bool]:
            strip = view.render_line(line)
            return [segment.style is not None and segment.style.bgcolor is not None
                    for segment in strip for _ in segment.text]  # fmt: skip

        if topology == "torus":
            assert view._window() == (64, 64)
            assert not any(shaded(0)[:32]) and all(shaded(0)[32:])  # the torus, then beyond its right edge
            assert all(shaded(20))  # below its bottom edge
        else:
            assert not any(shaded(0)) and not any(shaded(20))
