"""The Python API (lifetui.api): its docstring's examples run as they read, and what a script would do."""

import doctest
import subprocess
import sys

import numpy as np
import pytest

import lifetui
from lifetui import api
from lifetui.errors import LifeError
from lifetui.patterns import load_pattern


def test_the_examples_in_the_docstrings_run_as_written():
    results = doctest.testmod(api, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert results.attempted >= 10 and results.failed == 0


def test_importing_lifetui_leaves_the_api_until_it_is_asked_for(tmp_path):
    script = ("import sys, lifetui; before = 'lifetui.api' in sys.modules; lifetui.open; "
              "print(before, 'lifetui.api' in sys.modules)")  # fmt: skip
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=tmp_path, check=True)
    assert done.stdout.split() == ["False", "True"]
    with pytest.raises(AttributeError, match="no attribute 'nothing'"):
        lifetui.nothing  # noqa: B018


def test_a_file_a_bundled_name_and_text_open_the_same_board(tmp_path):
    path = tmp_path / "r.rle"
    path.write_text("#N R\nx = 3, y = 3, rule = B3/S23\nb2o$2o$bo!\n")
    opened, bundled = lifetui.open(path), lifetui.open("r-pentomino")
    typed = lifetui.read(path.read_text())
    for life in (opened, bundled, typed):
        life.step(1103)
    assert opened.population == bundled.population == typed.population == 116
    assert np.array_equal(opened.cells(), bundled.cells()) and opened.box == typed.box


@pytest.mark.parametrize("engine", ["numpy", "c", "bitsliced", "hashlife"])
def test_every_engine_advances_and_agrees_with_the_reference(engine):
    life = lifetui.open("acorn", size=(256, 256), engine=engine)
    assert life.engine == engine and life.topology == "256 x 256 torus"
    assert life.step(200).generation == 200 and life.check()


def test_an_engine_is_swapped_mid_run_and_a_bad_one_is_refused_in_words():
    life = lifetui.open("gosper-glider-gun", engine="numpy")
    life.step(30)
    life.engine = "hashlife"
    assert life.step(2**20).generation == 2**20 + 30 and life.population > 20_000
    with pytest.raises(LifeError, match="no engine 'warp'"):
        life.engine = "warp"
    hensel = lifetui.open("glider", rule="B2-a/S12", engine="numpy")
    assert hensel.engines()["bitsliced"] is not None  # why it cannot: a rule that is not totalistic
    with pytest.raises(LifeError, match="engine bitsliced cannot run this board"):
        hensel.engine = "bitsliced"
    assert hensel.engine == "numpy"


def test_grids_and_the_plane_are_named_and_read_with_their_edges():
    grid = lifetui.open("glider", rule="B3/S23:P12,10", engine="numpy")
    assert grid.topology == "bounded plane (:P12,10)"
    assert lifetui.open("glider", rule="B3/S23:T0,10", engine="numpy").topology == "tube (:T0,10)"
    grid.step(200)  # the glider ends as a block in the corner of the bounded grid
    assert grid.check() and grid.population == 4
    plane = lifetui.open("glider")
    assert plane.topology == "unbounded plane" and plane.cells((-50, -50, 10, 10)).sum() == 0


def test_saved_files_open_again_where_they_were(tmp_path):
    life = lifetui.open("acorn").step(500)
    for name in ("acorn.rle", "acorn.mc"):
        life.save(tmp_path / name)
        again = lifetui.open(tmp_path / name)
        assert again.box == life.box and again.population == life.population
        assert np.array_equal(again.cells(), life.cells())
        assert load_pattern(str(tmp_path / name)).generation == 500
    assert life.text("mc").startswith("[M2]") and "#CXRLE Pos=" in life.text()
    with pytest.raises(ValueError, match="'rle' or 'mc'"):
        life.text("png")


def test_a_picture_name_saves_a_picture_of_the_live_cells(tmp_path):
    from test_pictures import svg_squares

    life = lifetui.open("acorn").step(500)
    life.save(tmp_path / "acorn.svg")
    assert np.array_equal(svg_squares((tmp_path / "acorn.svg").read_text())[0], life.cells())


def test_a_check_larger_than_its_bound_is_refused_not_run(monkeypatch):
    life = lifetui.open("acorn", engine="hashlife").step(10**6)
    monkeypatch.setattr(api, "CHECK_CELL_UPDATES", 10**6)
    with pytest.raises(LifeError, match="more than 1,000,000 cell updates"):
        life.check()


def test_a_check_sees_a_board_that_differs_from_the_reference():
    life = lifetui.open("glider", engine="numpy").step(8)
    assert life.check()
    life.simulation.draw([(40, 40)], 1)  # a stray cell the reference never made
    assert not life.check()


def test_notes_say_what_lifetui_chose_and_close_frees_the_engine():
    with lifetui.open("glider") as life:
        assert any("hashlife" in note for note in life.notes)
        with pytest.raises(ValueError, match="negative"):
            life.step(-1)


def test_a_life_draws_itself_for_a_notebook_and_as_svg():
    import io
    import xml.etree.ElementTree as ElementTree

    image = pytest.importorskip("PIL.Image")
    life = lifetui.open("glider")
    png = life._repr_png_()
    assert png is not None and png.startswith(b"\x89PNG")
    pixels = np.asarray(image.open(io.BytesIO(png)).convert("L"))
    scale = pixels.shape[0] // 3  # fitted to the 3 x 3 live box, a square of pixels a cell
    drawn = pixels[scale // 2 :: scale, scale // 2 :: scale] > 128
    assert pixels.shape == (3 * scale, 3 * scale) and np.array_equal(drawn, life.cells().astype(bool))
    root = ElementTree.fromstring(life.picture("svg", window=(-5, -5, 10, 10)))
    assert root.tag.endswith("svg")
    with pytest.raises(ValueError, match="'png' or 'svg'"):
        life.picture("bmp")


def test_without_pillow_a_notebook_shows_the_repr(monkeypatch):
    import builtins

    real_import = builtins.__import__

    def no_pillow(name, *args, **kwargs):
        if name.startswith("PIL"):
            raise ImportError(name)
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_pillow)
    life = lifetui.open("glider")
    assert life._repr_png_() is None
    assert b"<svg" in life.picture("svg")[:300]  # SVG is lifetui's own: no Pillow needed


def test_a_long_step_says_its_progress_and_an_outgrown_board_how_far_it_got(monkeypatch):
    heard = []
    life = lifetui.open("r-pentomino", engine="numpy").step(1000, progress=heard.append)
    assert life.generation == 1000 and heard[-1] == 1000 and heard == sorted(set(heard))
    from lifetui.world.universe import Outgrown

    def outgrow(self, generations):
        raise Outgrown("too big here", done=3)

    monkeypatch.setattr(type(life.simulation._universe), "step", outgrow)
    with pytest.raises(Outgrown, match=r"too big here \(stopped after 3 of the 10 generations") as stop:
        life.step(10)
    assert stop.value.done == 3 and life.generation == 1003


def test_until_stable_says_what_the_board_does_or_why_it_stopped_looking():
    found = lifetui.open("pulsar", size=(32, 32)).until_stable()
    assert (found.behaviour.kind, found.behaviour.period, found.generations) == ("oscillator", 3, 3)
    heard = []
    assert lifetui.open("diehard").until_stable(progress=heard.append).behaviour.kind == "extinct"
    assert heard[-1] == 130 and len(heard) == 130
    with pytest.raises(LifeError, match="until_stable runs on a torus or the plane, not :P12,10"):
        lifetui.open("glider", rule="B3/S23:P12,10").until_stable()


def test_an_animation_is_the_run_and_leaves_the_life_at_its_end(tmp_path):
    image = pytest.importorskip("PIL.Image")
    import io

    life = lifetui.open("glider", size=(8, 8), engine="numpy")
    gif = image.open(io.BytesIO(life.animation(8, every=4, cell_size="2", colours="ff0000,000000", frame_ms=70)))
    assert life.generation == 8 and (gif.n_frames, gif.size, gif.info["duration"]) == (3, (16, 16), 70)
    gif.seek(2)
    red = (np.asarray(gif.convert("RGB")) == (255, 0, 0)).all(axis=-1)[::2, ::2]
    assert np.array_equal(red, life.cells().astype(bool))  # the last frame is the board it ended on
    for bad, message in (({"format": "png"}, "'gif', 'webp' or 'apng'"), ({"frame_ms": 0}, "frame_ms is from 1"),
                         ({"every": 0}, "every is 1 or more")):  # fmt: skip
        with pytest.raises(ValueError, match=message):
            life.animation(4, **bad)


def test_capture_writes_the_generation_it_was_taken_at(tmp_path):
    life = lifetui.open("glider", engine="numpy")
    generation, write = life.capture()
    life.step(5)
    write(tmp_path / "then.rle")
    life.save(tmp_path / "now.rle")
    then, now = load_pattern(str(tmp_path / "then.rle")), load_pattern(str(tmp_path / "now.rle"))
    assert (generation, then.generation, now.generation) == (0, 0, 5) and then.name == now.name == "Glider"
    assert "#N Glider\n#O Richard K. Guy" in life.contents(None) and isinstance(life.contents("x.png"), bytes)
    with pytest.raises(ValueError, match="for a picture's name"):
        life.contents("x.rle", cell_size="2")


def test_an_animation_of_a_plane_too_wide_to_read_out_as_cells_runs_its_copy_from_the_tree():
    image = pytest.importorskip("PIL.Image")
    import io

    life = lifetui.open("gosper-glider-gun", engine="hashlife").step(1 << 30)  # 268 million cells across
    gif = image.open(io.BytesIO(life.animation(1 << 28, every=1 << 27)))
    assert gif.n_frames == 3 and max(gif.size) <= 1024 and life.generation == 5 << 28
    assert life.box[3] > 335_000_000  # fitted to the run: the view's width is the last frame's box
