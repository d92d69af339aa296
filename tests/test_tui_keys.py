"""Every key once (lifetui/tui/keys.py): the footer, the speed keys, and the command palette."""

from tui_helpers import make_app

from lifetui.tui.board_view import BoardView


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
