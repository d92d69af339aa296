"""Recording the view as an animation (lifetui/tui/recording.py and the app's `a`): the frames are what it showed."""

import numpy as np
import pytest
from test_pictures import image_squares
from tui_helpers import make_app, notices, settle

from lifetui.simulation import Snapshot
from lifetui.tui.recording import Recording
from lifetui.tui.screens import SaveScreen
from lifetui.world import pictures


def shown(cells, generation: int, epoch: int = 0, region=(0, 0, 4, 4), block: int = 1) -> Snapshot:
    return Snapshot(np.array(cells, dtype=np.uint8), generation, "numpy", epoch, 1, region, (4, 4), block)


def test_a_frame_for_each_new_board_shown_fitted_to_the_first_frame_s_shape(monkeypatch):
    recording = Recording(shown(np.eye(4), 0))
    recording.add(shown(np.eye(4), 0))  # the same board shown again: no frame
    recording.add(shown(np.ones((2, 6)), 1))  # a zoom or a resize: cut and padded to 4 x 4
    recording.add(shown(np.zeros((4, 4)), 1, epoch=1))  # an edit at the same generation: a new board
    assert recording.generations == [0, 1, 1]
    assert np.array_equal(recording.frames[1], [[1, 1, 1, 1], [1, 1, 1, 1], [0, 0, 0, 0], [0, 0, 0, 0]])
    monkeypatch.setattr(pictures, "MAX_PIXELS", 4 * 16)
    assert recording.add(shown(np.eye(4), 2)) and recording.full  # 4 frames of 16 squares: all it may hold
    assert not recording.add(shown(np.eye(4), 3)) and len(recording.frames) == 4  # full: it takes no more


def test_its_scale_keeps_the_frames_cells_and_within_the_limits():
    recording = Recording(shown(np.eye(4), 0, region=(0, 0, 32, 32), block=8))
    assert recording.view().scale == pictures.Scale(16, 8)  # 4 x 4 squares of 8 x 8 cells, 16 pixels each


async def test_a_records_each_generation_of_the_view_and_saves_the_animation(tmp_path):
    image_module = pytest.importorskip("PIL.Image")
    app = make_app("glider", (16, 16))
    target = tmp_path / "glider.gif"
    async with app.run_test() as pilot:
        await pilot.press("a")
        region, views = app.recording.region, [app.last_snapshot.cells]
        for generation in (1, 2, 3):
            await pilot.press("n")
            await settle(pilot, lambda generation=generation: app.last_snapshot.generation == generation)
            views.append(app.last_snapshot.cells)
        await pilot.press("a")
        assert app.recording is None and isinstance(app.screen, SaveScreen)
        app.screen.query_one("Input").value = str(tmp_path / "glider.png")
        await pilot.press("enter")  # only an animation's name is taken
        assert isinstance(app.screen, SaveScreen) and not (tmp_path / "glider.png").exists()
        app.screen.query_one("Input").value = str(target)
        await pilot.press("enter")
        await settle(pilot, lambda: target.exists())
        assert any(f"saved 4 frames to {target}" in notice for notice in notices(app))
    image = image_module.open(target)
    assert region == (0, 0, 16, 16) and image.n_frames == 4 and image.size == (16 * 16, 16 * 16)
    for index, view in enumerate(views):
        image.seek(index)
        assert np.array_equal(image_squares(image, 16), view) and image.info["duration"] == pictures.FRAME_MS


async def test_q_while_recording_offers_to_save_the_frames_then_quits(tmp_path):
    pytest.importorskip("PIL.Image")
    target = tmp_path / "quit.gif"
    app = make_app("glider", (16, 16))
    async with app.run_test() as pilot:
        await pilot.press("a", "n")
        await settle(pilot, lambda: app.last_snapshot.generation == 1)
        await pilot.press("q")  # the frames are not dropped: the save screen asks first
        assert app.return_code is None and app.recording is None and isinstance(app.screen, SaveScreen)
        app.screen.query_one("Input").value = str(target)
        await pilot.press("enter")
        await settle(pilot, lambda: app.return_code is not None)
    assert app.return_code == 0 and target.exists()
    dropped = make_app("glider", (16, 16))
    async with dropped.run_test() as pilot:
        await pilot.press("a", "q", "escape")  # Esc at the save screen drops them and quits all the same
        await settle(pilot, lambda: dropped.return_code is not None)
    assert dropped.return_code == 0
