"""Pictures (lifetui/world/pictures.py and `run -o X.png/.svg/.gif/.webp/.apng`): the pixels are the cells."""

import io
import json
import subprocess
import sys
import tracemalloc
import xml.etree.ElementTree as ElementTree

import numpy as np
import pytest

from lifetui.engines.base import any_in_squares
from lifetui.errors import UsageError
from lifetui.patterns import load_pattern
from lifetui.rules import CONWAY, parse_rule
from lifetui.world import pictures
from lifetui.world.pictures import Colours, Scale, View, choose_view, frame_offsets, parse_window
from lifetui.world.topology import PLANE, Topology
from lifetui.world.universe import create_universe

SVG = "{http://www.w3.org/2000/svg}"


def reference(name: str, generations: int, topology: Topology = PLANE):
    """The pattern run on numpy: the reference universe the pictures are checked against."""
    pattern = load_pattern(name)
    universe = create_universe("numpy", CONWAY, topology)
    universe.load_pattern(pattern)
    universe.step(generations)
    return universe


def svg_squares(text: str) -> tuple[np.ndarray, dict]:
    """The live squares an SVG of lifetui's draws (its rectangles, on the dead background), and its root's
    attributes."""
    root = ElementTree.fromstring(text)
    columns, rows = (int(number) for number in root.get("viewBox").split()[2:])
    background, group = root.find(f"{SVG}rect"), root.find(f"{SVG}g")
    squares = np.zeros((rows, columns), dtype=np.uint8)
    for rect in group.findall(f"{SVG}rect"):
        x, y, width, height = (int(rect.get(key)) for key in ("x", "y", "width", "height"))
        assert squares[y : y + height, x : x + width].sum() == 0, "rectangles overlap"
        squares[y : y + height, x : x + width] = 1
    return squares, {**root.attrib, "dead": background.get("fill"), "live": group.get("fill")}


def image_squares(image, cell: int, live=(255, 255, 255), dead=(48, 48, 48)) -> np.ndarray:
    """The squares a decoded image draws, `cell` pixels each: every pixel of a square is the same colour, live or
    dead."""
    pixels = np.asarray(image.convert("RGB"))
    rows, columns = pixels.shape[0] // cell, pixels.shape[1] // cell
    assert pixels.shape[:2] == (rows * cell, columns * cell)
    blocks = pixels.reshape(rows, cell, columns, cell, 3)
    assert (blocks == blocks[:, :1, :, :1]).all(), "a square of mixed colours"
    colours = blocks[:, 0, :, 0]
    is_live, is_dead = (colours == live).all(axis=-1), (colours == dead).all(axis=-1)
    assert (is_live | is_dead).all(), "a colour that is neither live nor dead"
    return is_live.astype(np.uint8)


# The view, the scale and the options, without Pillow.


def test_options_parse_as_golly_writes_them_and_refuse_anything_else():
    assert Scale.parse("8") == Scale(8, 1) and Scale.parse("1:16") == Scale(1, 16)
    assert Colours.parse("ffffff,303030") == Colours() == Colours((255, 255, 255), (48, 48, 48))
    assert Colours.parse("#000000,#FF8000") == Colours((0, 0, 0), (255, 128, 0))
    assert parse_window("-10,20,30,40") == (20, -10, 40, 30)  # x, y, w, h: the region (top, left, height, width)
    for bad in ("0", "257", "2:4", "1:0", "x", ""):
        with pytest.raises(UsageError, match="cell size"):
            Scale.parse(bad)
    for bad in ("fff,000", "ffffff", "ffffff;303030", "gggggg,000000"):
        with pytest.raises(UsageError, match="LIVE,DEAD"):
            Colours.parse(bad)
    for bad in ("1,2,3", "1,2,0,4", "a,b,c,d", "1,2,3,4,5", f"0,0,{10**30},1"):
        with pytest.raises(UsageError, match="window"):
            parse_window(bad)


def test_the_automatic_scale_keeps_cells_large_and_the_picture_within_its_limits():
    assert choose_view((-1, -1, 3, 3)).scale == Scale(16)  # a glider: 16 pixels a cell
    assert choose_view((0, 0, 100, 200)).scale == Scale(5)  # 200 cells across 1,024 pixels
    huge = choose_view((0, 0, 3000, 268_435_474))  # the 2^30 gun's width: zoomed out by a power of two
    assert huge.scale.pixels == 1 and huge.scale.cells == 1 << 19 and max(huge.size) <= pictures.AUTO_SIDE
    assert choose_view(None).region == (0, 0, 1, 1)  # nothing alive: one dead cell
    # An animation's frames share MAX_PIXELS: many frames, smaller ones.
    animated = choose_view((0, 0, 1000, 1000), None, 1000)
    width, height = animated.size
    assert width * height * 1000 <= pictures.MAX_PIXELS and animated.scale.cells > 1


def test_a_scale_asked_for_beyond_the_limits_is_refused_saying_what_fits():
    with pytest.raises(UsageError, match=r"20,000 x 20,000 pixels, over the limit .* give 1:N"):
        choose_view((0, 0, 20_000, 20_000), Scale(1))
    with pytest.raises(UsageError, match="100 frames of 1,000 x 1,000 pixels.* a larger --every"):
        choose_view((0, 0, 1000, 1000), Scale(1), 100)
    assert choose_view((0, 0, 20_000, 20_000), Scale(1, 4)).size == (5_000, 5_000)


def test_frames_are_the_first_generation_one_every_k_and_the_last():
    assert list(frame_offsets(10, 5)) == [0, 5, 10]
    assert list(frame_offsets(11, 5)) == [0, 5, 10, 11]
    assert list(frame_offsets(0, 3)) == [0]
    with pytest.raises(UsageError, match=r"100,001 frames .* give --every 11 or more"):
        frame_offsets(100_000, 1)


def test_zoomed_out_a_square_is_live_when_any_of_its_cells_is():
    universe = reference("acorn", 300, Topology.torus(128, 128))
    view = View((0, 0, 128, 128), Scale(1, 4))
    expected = any_in_squares(universe.window(0, 0, 128, 128), 4)
    assert np.array_equal(pictures.frame(universe, view), expected) and expected.any() and not expected.all()
    squares, _ = svg_squares(pictures.svg(pictures.frame(universe, view), view, Colours()))
    assert np.array_equal(squares, expected)


def test_golly_s_default_colours_for_each_state():
    assert pictures.state_colours(parse_rule("/2/3").rule) == [(48, 48, 48), (255, 0, 0), (255, 255, 0)]
    assert pictures.state_colours(parse_rule("345/2/4").rule)[1:] == [(255, 0, 0), (255, 127, 0), (255, 255, 0)]
    assert pictures.state_colours(parse_rule("LifeHistory").rule) == list(pictures.HISTORY_COLOURS)
    assert pictures.state_colours(parse_rule("R2,C3,S2-6,B3-5").rule) == [(48, 48, 48), (255, 0, 0), (255, 255, 0)]
    assert pictures.state_colours(parse_rule("B3/S23").rule) is None
    assert pictures.state_colours(parse_rule("R2,C0,S2-6,B3-5").rule) is None
    # --colors LIVE,DEAD sets states 1 and 0; the others keep Golly's.
    given = Colours((1, 2, 3), (4, 5, 6))
    assert Colours.golly(parse_rule("345/2/4").rule, given).palette() == [(4, 5, 6), (1, 2, 3), (255, 127, 0),
                                                                          (255, 255, 0)]  # fmt: skip
    assert Colours.golly(CONWAY) == Colours() and Colours.golly(CONWAY, given) == given


STATES = "#C a cell of each of Star Wars's states and a zero between\nx = 5, y = 2, rule = 345/2/4\nABC$A.A!\n"


def svg_states(text: str) -> dict[str, np.ndarray]:
    """Each colour an SVG of lifetui's draws, and the squares it fills (its rectangles in a group of that fill)."""
    root = ElementTree.fromstring(text)
    columns, rows = (int(number) for number in root.get("viewBox").split()[2:])
    drawn = {}
    for group in root.findall(f"{SVG}g"):
        squares = drawn.setdefault(group.get("fill"), np.zeros((rows, columns), dtype=np.uint8))
        for rect in group.findall(f"{SVG}rect"):
            x, y, width, height = (int(rect.get(key)) for key in ("x", "y", "width", "height"))
            squares[y : y + height, x : x + width] = 1
    return {"background": root.find(f"{SVG}rect").get("fill"), **drawn}


def test_a_multi_state_board_is_drawn_in_golly_s_colour_for_each_state(lifetui, tmp_path):
    (tmp_path / "states.rle").write_text(STATES)
    out = tmp_path / "states.svg"
    assert lifetui("run", str(tmp_path / "states.rle"), "--steps", "0", "-o", str(out)).code == 0
    drawn = svg_states(out.read_text())
    assert drawn.pop("background") == "#303030"
    assert {colour: squares.tolist() for colour, squares in drawn.items()} == {
        "#ff0000": [[1, 0, 0], [1, 0, 1]], "#ff7f00": [[0, 1, 0], [0, 0, 0]], "#ffff00": [[0, 0, 1], [0, 0, 0]],
    }  # fmt: skip
    image_module = pytest.importorskip("PIL.Image")
    png = tmp_path / "states.png"
    assert lifetui("run", str(tmp_path / "states.rle"), "--steps", "0", "-o", str(png), "--cell-size", "1",
                   "--colors", "ffffff,000000").code == 0  # fmt: skip
    pixels = np.asarray(image_module.open(png).convert("RGB")).tolist()
    white, black, orange, yellow = [255, 255, 255], [0, 0, 0], [255, 127, 0], [255, 255, 0]
    assert pixels == [[white, orange, yellow], [white, black, white]]  # --colors: states 1 and 0


# The command line: SVG (no Pillow needed).


def test_run_draws_the_final_board_as_svg(lifetui, tmp_path):
    out = tmp_path / "acorn.svg"
    summary = json.loads(lifetui("run", "acorn", "--steps", "200", "-o", str(out), "--json").out)
    squares, attributes = svg_squares(out.read_text())
    top, left, height, width = summary["top"], summary["left"], summary["height"], summary["width"]
    assert np.array_equal(squares, reference("acorn", 200).window(top, left, height, width))  # fitted, cell by cell
    assert (attributes["dead"], attributes["live"]) == ("#303030", "#ffffff")  # Golly's colours
    cell = min(16, 1024 // max(height, width))
    assert (int(attributes["width"]), int(attributes["height"])) == (width * cell, height * cell)


def test_a_window_colours_and_a_cell_size_are_what_the_svg_draws(lifetui, tmp_path):
    out = tmp_path / "glider.svg"
    result = lifetui("run", "glider", "--steps", "4", "-o", str(out), "--window", "-2,-3,7,6", "--cell-size", "3",
                     "--colors", "#000000,#ffffff")  # fmt: skip
    assert result.code == 0, result.err
    squares, attributes = svg_squares(out.read_text())
    assert np.array_equal(squares, reference("glider", 4).window(-3, -2, 6, 7))  # Golly's x,y: column, row
    assert (attributes["live"], attributes["dead"], attributes["width"], attributes["height"]) == (
        "#000000", "#ffffff", "21", "18",
    )  # fmt: skip


def test_a_window_on_a_torus_is_in_its_file_coordinates_and_wraps(lifetui, tmp_path):
    out = tmp_path / "wrapped.svg"
    assert (
        lifetui("run", "glider", "--steps", "8", "--size", "16x16", "-o", str(out), "--window", "10,12,16,16").code == 0
    )
    cells = reference("glider", 8, Topology.torus(16, 16)).window(0, 0, 16, 16)
    assert np.array_equal(svg_squares(out.read_text())[0], np.roll(cells, (-12, -10), axis=(0, 1)))
    refused = lifetui("run", "glider", "--steps", "1", "--size", "16x16", "-o", str(out), "--window", "0,0,17,4")
    assert refused.code == 2 and refused.err == "lifetui: error: window 17 x 4 is larger than the 16 x 16 torus\n"


def test_svg_goes_to_standard_output_in_place(tmp_path):
    command = [sys.executable, "-m", "lifetui", "run", "glider", "--steps", "1", "-o", "/dev/stdout"]
    completed = subprocess.run([*command, "--format", "svg"], capture_output=True, text=True, cwd=tmp_path)
    assert completed.returncode == 0, completed.stderr
    assert svg_squares(completed.stdout)[0].sum() == 5 and list(tmp_path.iterdir()) == []


def test_a_huge_hashlife_plane_draws_a_bounded_picture_from_its_quadtree(lifetui, tmp_path):
    # The Gosper gun at generation 2^30 is 268 million cells across: drawn from blocks of 2^19 cells, never as cells.
    out = tmp_path / "gun.svg"
    result = lifetui("run", "gosper-glider-gun", "--engine", "hashlife", "--steps", str(1 << 30), "-o", str(out),
                     "--json")  # fmt: skip
    assert result.code == 0, result.err
    assert json.loads(result.out)["width"] == 268_435_474
    squares, attributes = svg_squares(out.read_text())
    assert squares.shape == (513, 513) and int(attributes["width"]) == 513
    # The glider stream is a diagonal line of live squares from the gun, top left, to the far corner.
    assert squares[0, 0] and squares[-1, -1] and 500 < squares.sum() < 1100


def test_a_still_of_a_universe_is_its_live_cells_fitted():
    universe = reference("r-pentomino", 60)
    top, left, height, width = universe.extent()
    cells = universe.window(top, left, height, width)
    assert np.array_equal(svg_squares(pictures.still(universe, ".svg").decode())[0], cells)
    image_module = pytest.importorskip("PIL.Image")
    image = image_module.open(io.BytesIO(pictures.still(universe, ".png")))
    cell = min(pictures.AUTO_CELL, pictures.AUTO_SIDE // max(height, width))
    assert image.format == "PNG" and np.array_equal(image_squares(image, cell), cells)


def test_drawing_a_huge_plane_takes_memory_for_the_picture_not_the_board():
    universe = create_universe("hashlife", CONWAY, PLANE)
    universe.load_pattern(load_pattern("gosper-glider-gun"))
    universe.step(1 << 30)
    tracemalloc.start()
    try:
        picture = pictures.still(universe, ".svg")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 8 * 2**20 and len(picture) < 200_000


def test_picture_options_need_a_picture_and_every_an_animation(lifetui, tmp_path):
    cases = {
        ("--window", "0,0,4,4"): "--window is for a picture: name the output (-o) .png or .svg",
        ("--every", "2", "-o", str(tmp_path / "x.svg")): "--every K draws a frame every K generations into an "
        "animation (-o X.gif, .webp or .apng)",
        # --every and --frame-ms name only the animations: once "is for a picture: ... .png or .svg" too.
        ("--every", "2", "-o", str(tmp_path / "x.rle")): "--every is for an animation: name the output (-o) .gif, "
        ".webp or .apng",
        ("--format", "svg", "-o", str(tmp_path / "x.rle")): "names another format than --format svg",
        ("--format", "svg", "--json"): "--format without -o draws on standard output, where --json writes",
        ("--cell-size", "1", "--window", "0,0,20000,20000", "-o", str(tmp_path / "x.svg")): "over the limit",
        ("--steps", "20000", "-o", str(tmp_path / "x.gif")): "20,001 frames",
        ("--frame-ms", "50"): "--frame-ms is for an animation: name the output (-o) .gif, .webp or .apng",
        ("--frame-ms", "50", "-o", str(tmp_path / "x.png")): "--frame-ms is how long each frame of an animation",
        ("--frame-ms", "0", "-o", str(tmp_path / "x.gif")): "0 is not in the range 1<=x<=60000",
    }
    for args, message in cases.items():
        steps = () if "--steps" in args else ("--steps", "3")
        result = lifetui("run", "glider", *steps, *args)
        assert result.code == 2 and message in result.err and result.err.count("\n") == 1, (args, result.err)
    assert list(tmp_path.iterdir()) == []
    assert "--until-stable" in lifetui("run", "glider", "--until-stable", "-o", str(tmp_path / "x.gif")).err


def test_without_pillow_a_png_is_one_line_naming_the_extra_and_svg_still_works(lifetui, tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "PIL", None)  # import PIL fails, as where Pillow is not installed
    result = lifetui("run", "glider", "--steps", "3", "-o", str(tmp_path / "x.png"))
    assert (result.code, result.err) == (
        1, "lifetui: error: writing PNG needs Pillow: pip install 'lifetui[pictures]' (SVG needs nothing)\n",
    )  # fmt: skip
    assert not (tmp_path / "x.png").exists()
    assert lifetui("run", "glider", "--steps", "3", "-o", str(tmp_path / "x.svg")).code == 0


def test_an_svg_of_more_runs_than_it_may_hold_is_refused_and_the_old_file_stays(lifetui, tmp_path, monkeypatch):
    checkerboard = np.indices((1500, 1500)).sum(axis=0) % 2  # 750 runs a row: 1,125,000 in all
    view = View((0, 0, 1500, 1500), Scale(1))
    with pytest.raises(UsageError, match="the SVG would hold 1,125,000 rectangles, over 1,048,576"):
        pictures.svg(checkerboard, view, Colours())
    out = tmp_path / "kept.png"
    out.write_text("precious")
    monkeypatch.setitem(sys.modules, "PIL", None)
    assert lifetui("run", "glider", "--steps", "3", "-o", str(out)).code == 1
    assert out.read_text() == "precious" and [path.name for path in tmp_path.iterdir()] == ["kept.png"]


# Pillow's formats: decoded, pixel by pixel.


def test_png_pixels_are_the_cells(lifetui, tmp_path):
    image_module = pytest.importorskip("PIL.Image")
    out = tmp_path / "acorn.png"
    summary = json.loads(lifetui("run", "acorn", "--steps", "100", "-o", str(out), "--json", "--cell-size", "4").out)
    image = image_module.open(out)
    assert image.format == "PNG"
    top, left, height, width = summary["top"], summary["left"], summary["height"], summary["width"]
    assert np.array_equal(image_squares(image, 4), reference("acorn", 100).window(top, left, height, width))
    zoomed = tmp_path / "zoomed.png"
    assert lifetui("run", "acorn", "--steps", "100", "-o", str(zoomed), "--cell-size", "1:2",
                   "--colors", "ff0000,0000ff").code == 0  # fmt: skip
    expected = any_in_squares(reference("acorn", 100).window(top, left, height, width), 2)
    assert np.array_equal(image_squares(image_module.open(zoomed), 1, (255, 0, 0), (0, 0, 255)), expected)


def test_a_huge_hashlife_plane_draws_a_bounded_png(lifetui, tmp_path):
    image_module = pytest.importorskip("PIL.Image")
    out = tmp_path / "gun.png"
    result = lifetui("run", "gosper-glider-gun", "--engine", "hashlife", "--steps", str(1 << 30), "-o", str(out))
    assert result.code == 0, result.err
    image = image_module.open(out)
    assert image.size == (513, 513) and out.stat().st_size < 10_000


@pytest.mark.parametrize("suffix", [".gif", ".webp", ".apng"])
def test_an_animation_has_a_frame_every_k_generations_and_the_last(lifetui, tmp_path, suffix):
    image_module = pytest.importorskip("PIL.Image")
    if suffix == ".webp":
        from PIL import features

        if not features.check("webp"):
            pytest.skip("this Pillow has no WebP")
    out = tmp_path / f"glider{suffix}"
    result = lifetui("run", "glider", "--steps", "10", "--every", "3", "-o", str(out), "--cell-size", "2", "--json")
    assert result.code == 0, result.err
    assert json.loads(result.out)["generation"] == 10  # the universe ends at the last generation
    image = image_module.open(out)
    assert image.n_frames == 5 and image.info.get("loop") == 0  # generations 0, 3, 6, 9 and 10, looping forever
    # The view is the union of the glider's live boxes at the frames' generations.
    universe, boxes = reference("glider", 0), []
    for generation in (0, 3, 3, 3, 1):
        universe.step(generation)
        boxes.append(universe.extent())
    top, left, height, width = pictures.union(boxes)
    assert image.size == (width * 2, height * 2)
    universe = reference("glider", 0)
    for index, generation in enumerate((0, 3, 6, 9, 10)):
        universe.step(generation - (0, 0, 3, 6, 9)[index])
        image.seek(index)
        assert np.array_equal(image_squares(image, 2), universe.window(top, left, height, width)), generation
        assert image.info["duration"] == pictures.FRAME_MS


def test_frame_ms_sets_how_long_each_frame_of_an_animation_shows(lifetui, tmp_path):
    image_module = pytest.importorskip("PIL.Image")
    for suffix, frame_ms in ((".gif", 40), (".apng", 1000)):
        out = tmp_path / f"slow{suffix}"
        assert lifetui("run", "blinker", "--steps", "2", "--frame-ms", str(frame_ms), "-o", str(out)).code == 0
        image = image_module.open(out)
        for index in range(image.n_frames):
            image.seek(index)
            assert image.info["duration"] == frame_ms, (suffix, index)


def test_an_animation_on_a_torus_shows_the_whole_torus(lifetui, tmp_path):
    image_module = pytest.importorskip("PIL.Image")
    out = tmp_path / "torus.gif"
    assert lifetui("run", "glider", "--size", "16x12", "--steps", "4", "--every", "2", "-o", str(out)).code == 0
    image = image_module.open(out)
    assert (image.n_frames, image.size) == (3, (16 * 16, 12 * 16))
