"""Pictures (lifetui/world/pictures.py): the pixels are the cells."""

import io
import tracemalloc
import xml.etree.ElementTree as ElementTree

import numpy as np
import pytest

from lifetui.engines.base import any_in_squares
from lifetui.errors import UsageError
from lifetui.patterns import load_pattern
from lifetui.rules import CONWAY
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
