"""Multi-state rules in the TUI: each state in Golly's colours, braille merging them, swaps refused, saving."""

import numpy as np
from tui_helpers import save_through_the_screen, settle

from lifetui.rules import parse_rule
from lifetui.tui.app import LifeApp
from lifetui.tui.board_view import BoardView
from lifetui.world.board import Board

STAR_WARS = parse_rule("345/2/4").rule


def star_wars_app() -> LifeApp:
    cells = np.zeros((16, 16), dtype=np.uint8)
    cells[0, 0], cells[0, 1], cells[0, 2], cells[1, 0], cells[1, 1] = 1, 2, 3, 3, 1
    return LifeApp(Board.of_cells(STAR_WARS, cells), "states", "", "numpy")


def colours_of(view: BoardView, y: int) -> list[tuple[str, tuple | None, tuple | None]]:
    def rgb(color):
        return None if color is None else tuple(color.get_truecolor())

    return [(segment.text, rgb(segment.style.color), rgb(segment.style.bgcolor)) for segment in view.render_line(y)]


async def test_large_cells_draw_each_state_in_its_colour_and_half_blocks_two_states_a_character():
    app = star_wars_app()
    async with app.run_test(size=(80, 24)) as pilot:
        view = app.query_one(BoardView)
        view.origin = (0, 0)
        await pilot.press("z")  # large cells
        view.origin = (0, 0)
        view._redraw(full=True)
        first = colours_of(view, 0)[:3]
        assert first == [("██", (255, 0, 0), None), ("██", (255, 127, 0), None), ("██", (255, 255, 0), None)]
        await pilot.press("x")  # half blocks: the upper cell over the lower one
        view.origin = (0, 0)
        view._redraw(full=True)
        half = colours_of(view, 0)[:3]
        assert half[:2] == [("▀", (255, 0, 0), (255, 255, 0)), ("▀", (255, 127, 0), (255, 0, 0))]
        assert half[2] == ("▀", (255, 255, 0), None)


async def test_braille_merges_states_and_the_sidebar_says_so():
    app = star_wars_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("x")  # braille (the app starts paused)
        view = app.query_one(BoardView)
        view.origin = (0, 0)
        view._redraw(full=True)
        assert view._lines[0][0] == chr(0x2800 + 0x01 + 0x02 + 0x08 + 0x10)  # four cells in four states, all lit
        assert view._lines[0][1] == chr(0x2800 + 0x01)
        rows = dict(app.sidebar_rows())
        assert rows["States"] == "4 (generations); braille and zoomed out: any state but 0 lit as live"


async def test_a_swap_to_an_engine_of_one_bit_a_cell_says_why():
    app = star_wars_app()
    async with app.run_test() as pilot:
        await pilot.press("4")  # bitsliced: c, jax and xla run Star Wars's shipped kernel
        for _ in range(100):  # the simulation thread checks every engine's availability, kernels included
            await pilot.pause(0.1)
            messages = [notification.message for notification in app._notifications]
            if messages:
                break
        assert any("bitsliced is unavailable: it runs two-state rules; 345/2/4 is a generations rule" in m
                   for m in messages)  # fmt: skip
        assert app.simulation.engine_name == "numpy"


async def test_clicking_a_cell_in_any_live_state_erases_it():
    app = star_wars_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("z")
        view = app.query_one(BoardView)
        view.origin = (0, 0)
        view._redraw(full=True)
        await pilot.click(BoardView, offset=(2, 0))  # the state-2 cell
        await settle(pilot, lambda: app.simulation.snapshot().cells[0, 1] == 0)


async def test_saving_writes_extended_rle(tmp_path):
    app = star_wars_app()
    async with app.run_test() as pilot:
        saved = await save_through_the_screen(pilot, app, tmp_path / "states.rle")
        assert saved.rule.rule == STAR_WARS
        assert np.array_equal(saved.to_array(), app.simulation.snapshot().cells)
        assert "A" in (tmp_path / "states.rle").read_text()


def bosco_app(engine: str) -> LifeApp:
    pattern = (np.random.default_rng(3).random((24, 24)) < 0.5).astype(np.uint8)
    return LifeApp(Board.of_cells(parse_rule("R5,C3,M1,S34..58,B34..45,NM").rule, pattern), "bosco", "", engine)


async def test_larger_than_life_swaps_between_numpy_and_ltl_and_the_others_say_why():
    app = bosco_app("numpy")
    async with app.run_test() as pilot:
        await pilot.press("7", "n")
        await settle(pilot, lambda: app.last_snapshot.engine == "ltl" and app.last_snapshot.generation == 1)
        assert dict(app.sidebar_rows())["Method"].startswith("range 5 square sums")
        await pilot.press("3", "1", "n")
        await settle(pilot, lambda: app.last_snapshot.engine == "numpy" and app.last_snapshot.generation == 2)
        messages = [notification.message for notification in app._notifications]
        assert any("c is unavailable: it runs rules of the 3x3 neighbourhood; R5,C3,M1,S34..58,B34..45,NM is a "
                   "Larger than Life rule of range 5" in message for message in messages)  # fmt: skip
        assert app.simulation.engine_name == "numpy"
