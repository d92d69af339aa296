"""Pictures of a universe: a still (PNG, SVG) or a run (GIF, WebP, APNG), every frame read with `Universe.blocks`.

A frame is never an array of the board: it is one byte per square of the view (a cell, or a square of N x N cells
zoomed out, live when any of its cells is, as the TUI's zoomed-out view and Golly draw), so a hashlife plane 268
million cells across draws as fast and as small as a glider. The view is a region of cells and a scale (pixels a
square, cells a square); left to itself the scale keeps the picture within AUTO_SIDE pixels a side, and no picture
(all of an animation's frames together) passes MAX_PIXELS. SVG is written here; the others are encoded by Pillow,
the optional `pictures` extra, imported only when one is written.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from lifetui.errors import LifeError, UsageError
from lifetui.patterns.pattern import MAX_PLACE
from lifetui.rules import GENERATIONS, HISTORY, LARGER_THAN_LIFE, Rule
from lifetui.world.topology import Region, Topology
from lifetui.world.universe import Universe

STILLS = (".png", ".svg")
ANIMATIONS = (".gif", ".webp", ".apng")
SUFFIXES = STILLS + ANIMATIONS
RGB = tuple[int, int, int]
#: Golly's colours for two-state rules (QuickLife's and HashLife's defaults, gollybase/qlifealgo.cpp and
#: hlifealgo.cpp): live cells white, dead ones dark grey.
GOLLY_LIVE, GOLLY_DEAD = (255, 255, 255), (48, 48, 48)
#: Golly's default colours of multi-state rules: Generations' gradient from red (state 1) to yellow (the last
#: state), and the seven LifeHistory states' as its Super algorithm sets them (off, green, blue, white, red,
#: yellow, grey). State 0 is GOLLY_DEAD in both.
GENERATIONS_FIRST, GENERATIONS_LAST = (255, 0, 0), (255, 255, 0)
HISTORY_COLOURS = (GOLLY_DEAD, (0, 255, 0), (0, 0, 128), (216, 255, 216), (255, 0, 0), (255, 255, 0), (96, 96, 96))
#: The automatic scale: a cell at most AUTO_CELL pixels a side, the picture at most AUTO_SIDE pixels a side
#: (zoomed out past AUTO_SIDE cells: squares of 2, 4, 8, ... cells a pixel).
AUTO_CELL, AUTO_SIDE = 16, 1024
#: No picture is wider or taller than this, in pixels.
MAX_SIDE = 16384
#: A still's pixels, or all of an animation's frames' together, at most (Pillow holds an animation's frames).
MAX_PIXELS = 1 << 26
#: Frames an animation holds at most.
MAX_FRAMES = 10_000
#: An SVG's live runs at most (each a <rect>, about 50 bytes).
MAX_SVG_RECTS = 1 << 20
#: How long each frame of an animation shows, by default and at most (GIF keeps hundredths of a second).
FRAME_MS, MAX_FRAME_MS = 100, 60_000
_PILLOW_FORMATS = {".png": "PNG", ".gif": "GIF", ".webp": "WEBP", ".apng": "PNG"}


def picture_suffix(path: Path | None) -> str | None:
    """The picture format an output name asks for (".png", ".svg", ".gif", ".webp", ".apng"), or None."""
    suffix = path.suffix.lower() if path is not None else ""
    return suffix if suffix in SUFFIXES else None


@dataclass(frozen=True)
class Scale:
    """`pixels` a side for each square of `cells` x `cells` cells: "8" is eight pixels a cell, "1:4" a pixel for
    each 4 x 4 cells (as Golly's scale is written)."""

    pixels: int
    cells: int = 1

    @classmethod
    def parse(cls, text: str) -> Scale:
        zoomed_out = re.fullmatch(r"1:(\d{1,19})", text.strip())
        number = re.fullmatch(r"\d{1,4}", text.strip())
        scale = cls(1, int(zoomed_out[1])) if zoomed_out else cls(int(number[0])) if number else None
        if scale is None or not (1 <= scale.pixels <= 256 and 1 <= scale.cells <= MAX_PLACE):
            raise UsageError(f"cell size {text!r} is neither pixels a cell (1 to 256) nor 1:N, a pixel for N x N cells")
        return scale


def state_colours(rule: Rule) -> list[RGB] | None:
    """Each state's colour as Golly draws it by default, state 0 first, or None for a two-state rule (GOLLY_LIVE
    on GOLLY_DEAD). A Larger than Life rule of C states decays as Generations does, and is drawn in its colours."""
    if rule.family == HISTORY:
        return list(HISTORY_COLOURS)
    if not rule.multi_state or rule.family not in (GENERATIONS, LARGER_THAN_LIFE):
        return None
    steps = rule.states - 2
    (red, green, blue), (red2, green2, blue2) = GENERATIONS_FIRST, GENERATIONS_LAST
    return [GOLLY_DEAD] + [
        (red + (red2 - red) * k // steps, green + (green2 - green) * k // steps, blue + (blue2 - blue) * k // steps)
        for k in range(rule.states - 1)
    ]


@dataclass(frozen=True)
class Colours:
    """A picture's colours: state 0 (`dead`), state 1 (`live`) and, under a multi-state rule, states 2, 3, ...
    (`more`). A zoomed-out square, live when any of its cells is in any state but 0, is drawn `live`."""

    live: RGB = GOLLY_LIVE
    dead: RGB = GOLLY_DEAD
    more: tuple[RGB, ...] = ()

    @classmethod
    def parse(cls, text: str) -> Colours:
        """LIVE,DEAD as hex: `ffffff,303030` (Golly's), `#000000,#ffffff`."""
        found = re.fullmatch(r"#?([0-9a-fA-F]{6}),#?([0-9a-fA-F]{6})", text.strip())
        if not found:
            raise UsageError(f"colours {text!r} are not LIVE,DEAD in hex, such as ffffff,303030")
        (red, green, blue), (red_dead, green_dead, blue_dead) = bytes.fromhex(found[1]), bytes.fromhex(found[2])
        return cls((red, green, blue), (red_dead, green_dead, blue_dead))

    @classmethod
    def golly(cls, rule: Rule, given: Colours | None = None) -> Colours:
        """Golly's default colours for `rule`'s states, with the dead and live colours of `given` if any."""
        states = state_colours(rule)
        default = cls() if states is None else cls(states[1], states[0], tuple(states[2:]))
        return default if given is None else replace(default, live=given.live, dead=given.dead)

    def palette(self) -> list[RGB]:
        """The colour of each state, 0 first."""
        return [self.dead, self.live, *self.more]


def parse_window(text: str) -> Region:
    """X,Y,W,H as Golly gives a rectangle (its top-left cell's x and y, y down, then width and height): the region
    (top, left, height, width)."""
    parts = text.split(",")
    if len(parts) != 4 or not all(re.fullmatch(r"\s*-?\d{1,19}\s*", part) for part in parts):
        raise UsageError(f"window {text!r} is not X,Y,W,H (whole numbers: the top-left cell, width and height)")
    x, y, width, height = map(int, parts)
    if width < 1 or height < 1 or max(width, height) > MAX_PLACE or max(abs(x), abs(y)) > MAX_PLACE:
        raise UsageError(f"window {text!r}: width and height from 1, everything at most {MAX_PLACE:,} from 0")
    return y, x, height, width


def refuse_window(window: Region, topology: Topology) -> None:
    """A window may start anywhere (round a torus it wraps), but no wider or taller than a torus it shows."""
    height, width = topology.shape
    if topology.is_torus and (window[2] > height or window[3] > width):
        raise UsageError(f"window {window[3]:,} x {window[2]:,} is larger than the {width} x {height} torus")


@dataclass(frozen=True)
class View:
    """The region of cells a picture shows, and its scale."""

    region: Region
    scale: Scale

    @property
    def squares(self) -> tuple[int, int]:
        """The frame's shape: (rows, columns) of squares."""
        cells = self.scale.cells
        return -(-self.region[2] // cells), -(-self.region[3] // cells)

    @property
    def size(self) -> tuple[int, int]:
        """The picture's (width, height) in pixels."""
        rows, columns = self.squares
        return columns * self.scale.pixels, rows * self.scale.pixels


def choose_view(region: Region | None, scale: Scale | None = None, frames: int = 1) -> View:
    """The view of `region` (None: nothing lives; one dead cell at (0, 0)) at `scale`, or automatically as large
    as AUTO_CELL and AUTO_SIDE allow within MAX_PIXELS for `frames` frames; a scale asked for that passes the
    limits is refused, saying what would fit."""
    region = region or (0, 0, 1, 1)
    view = View(region, scale or _automatic(region[2], region[3], MAX_PIXELS // frames))
    width, height = view.size
    if max(width, height) > MAX_SIDE or width * height * frames > MAX_PIXELS:
        what = f"{frames:,} frames of {width:,} x {height:,} pixels" if frames > 1 else f"{width:,} x {height:,} pixels"
        raise UsageError(
            f"the picture would be {what}, over the limit ({MAX_SIDE:,} pixels a side, {MAX_PIXELS:,} in all); "
            "leave out --cell-size for a size that fits, or give 1:N (a pixel for N x N cells)"
            + (" or a larger --every" if frames > 1 else "")
        )
    return view


def _automatic(height: int, width: int, budget: int) -> Scale:
    """The largest scale up to AUTO_CELL pixels a cell that keeps the picture within AUTO_SIDE pixels a side and
    `budget` pixels, zoomed out by powers of two where one pixel a cell is too many."""
    cells = 1
    while True:
        rows, columns = -(-height // cells), -(-width // cells)
        pixels = min(AUTO_CELL, AUTO_SIDE // max(rows, columns), int((budget / (rows * columns)) ** 0.5))
        if pixels >= 1:
            return Scale(pixels, cells)
        cells *= 2


def union(regions: Iterable[Region | None]) -> Region | None:
    """The smallest region holding every region given (None: none given but None)."""
    boxes = [region for region in regions if region is not None]
    if not boxes:
        return None
    top, left = min(box[0] for box in boxes), min(box[1] for box in boxes)
    bottom, right = max(box[0] + box[2] for box in boxes), max(box[1] + box[3] for box in boxes)
    return top, left, bottom - top, right - left


def frame_offsets(steps: int, every: int) -> range | list[int]:
    """The generations (from the first) an animation of `steps` shows: 0, every, 2 x every, ... and the last,
    at most MAX_FRAMES of them."""
    count = steps // every + 1 + (steps % every > 0)
    if count > MAX_FRAMES:
        raise UsageError(
            f"{count:,} frames (--steps {steps:,} with a frame every {every:,}) are more than the {MAX_FRAMES:,} an "
            f"animation holds; give --every {-(-steps // (MAX_FRAMES - 1)):,} or more"
        )
    offsets = range(0, steps + 1, every)
    return offsets if steps % every == 0 else [*offsets, steps]


def frame(universe: Universe, view: View) -> np.ndarray:
    """The view's squares of `universe`, 1 where any cell of a square lives."""
    top, left, height, width = view.region
    return universe.blocks(top, left, height, width, view.scale.cells)


@dataclass(frozen=True)
class PictureOptions:
    """What a picture shows and how: a window (None: fitted to the live cells), a scale (None: automatic), the
    colours (None: Golly's for the rule), and for an animation a frame every `every` generations, each shown
    `frame_ms` milliseconds."""

    window: Region | None = None
    scale: Scale | None = None
    colours: Colours | None = None
    every: int = 1
    frame_ms: int = FRAME_MS


def still(universe: Universe, suffix: str, options: PictureOptions = PictureOptions()) -> bytes:
    """The universe now as a picture: the window asked for, else every live cell (a torus whole), in the colours
    asked for (None: two states, Golly's; the caller knows the rule: Colours.golly)."""
    view = choose_view(options.window or universe.extent(), options.scale)
    return encode(suffix, view, [frame(universe, view)], options.colours or Colours())


def refuse_unwritable(suffix: str) -> None:
    """Before a long run: a format Pillow is needed for, and is absent (or built without), is one line."""
    if suffix == ".svg":
        return
    _pillow(suffix)


def encode(suffix: str, view: View, frames: Iterable[np.ndarray], colours: Colours = Colours(),
           frame_ms: int = FRAME_MS) -> bytes:  # fmt: skip
    """The frames (one for a still; an animation's drawn as they come, each shown `frame_ms`) as a file of the
    format `suffix` names."""
    if suffix == ".svg":
        (only,) = frames
        return svg(only, view, colours).encode()
    image_module = _pillow(suffix)
    images = (_image(image_module, squares, view, colours) for squares in frames)
    buffer = io.BytesIO()
    first = next(images)
    if suffix in ANIMATIONS:
        rest: Iterable = list(images) if suffix == ".apng" else images  # Pillow's APNG writer reads them twice
        options = {"lossless": True} if suffix == ".webp" else {}
        first.save(buffer, _PILLOW_FORMATS[suffix], save_all=True, append_images=rest, duration=frame_ms, loop=0,
                   **options)  # fmt: skip
    else:
        first.save(buffer, _PILLOW_FORMATS[suffix], optimize=True)
    return buffer.getvalue()


def _image(image_module, squares: np.ndarray, view: View, colours: Colours):
    """A palette image of the squares (each a state: 0 dead, 1 live, ...), each `pixels` a side."""
    rows, columns = squares.shape
    image = image_module.frombytes("P", (columns, rows), np.ascontiguousarray(squares, dtype=np.uint8).tobytes())
    image.putpalette([channel for colour in colours.palette() for channel in colour])
    width, height = view.size
    return image.resize((width, height), image_module.Resampling.NEAREST) if view.scale.pixels > 1 else image


def _pillow(suffix: str):
    try:
        from PIL import Image, features
    except ImportError:
        raise LifeError(
            f"writing {suffix[1:].upper()} needs Pillow: pip install 'lifetui[pictures]' (SVG needs nothing)"
        ) from None
    if suffix == ".webp" and not features.check("webp"):
        raise LifeError("this Pillow was built without WebP; write .gif or .apng, or install a Pillow with WebP")
    return Image


def svg(squares: np.ndarray, view: View, colours: Colours) -> str:
    """The squares as SVG: the dead colour behind, and for state 1 and each other state drawn a group of its
    colour holding one rectangle per run of its squares in a row, in squares' units (the picture `pixels` a
    square); at most MAX_SVG_RECTS of them."""
    rows, columns = squares.shape
    width, height = view.size
    palette = ["#" + bytes(colour).hex() for colour in colours.palette()]
    runs = {}  # each state's runs: where they start (rows, columns) and end (columns)
    for state in sorted({1, *np.unique(squares[squares != 0]).tolist()}):
        padded = np.zeros((rows, columns + 2), dtype=np.int8)
        padded[:, 1:-1] = squares == state
        edges = np.diff(padded, axis=1)  # 1 where a run starts, -1 just after it ends
        starts, ends = np.nonzero(edges == 1), np.nonzero(edges == -1)  # row by row: the n-th start and end pair
        runs[state] = (starts[0], starts[1], ends[1])
    count = sum(len(rows_of) for rows_of, _, _ in runs.values())
    if count > MAX_SVG_RECTS:
        raise UsageError(
            f"the SVG would hold {count:,} rectangles, over {MAX_SVG_RECTS:,}; give a coarser --cell-size "
            "(1:N draws N x N cells a square) or write PNG"
        )
    groups = []
    for state, (run_rows, firsts, lasts) in runs.items():
        groups += [
            f'<g fill="{palette[min(state, len(palette) - 1)]}">',
            *(
                f'<rect x="{first}" y="{row}" width="{last - first}" height="1"/>'
                for row, first, last in zip(run_rows.tolist(), firsts.tolist(), lasts.tolist())
            ),
            "</g>",
        ]
    lines = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {columns} {rows}" '
        'shape-rendering="crispEdges">',
        f'<rect width="{columns}" height="{rows}" fill="{palette[0]}"/>',
        *groups,
        "</svg>",
    ]
    return "\n".join(lines) + "\n"
