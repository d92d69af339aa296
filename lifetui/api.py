"""lifetui from Python: open a pattern, advance it on any engine, read it, write it, check it.

A `Life` is a pattern on its board (the unbounded plane unless a size or the rule's suffix asks for a torus or
a bounded grid, as on the command line) advanced by one engine at a time. It is the TUI's core (a
`Simulation`) with a small surface for scripts and notebooks:

    >>> import lifetui
    >>> life = lifetui.open("glider")  # a bundled pattern's name, a file, or `lifetui.read(text)`
    >>> life
    Life('Glider': B3/S23 on the unbounded plane, generation 0, 5 live cells, engine hashlife)
    >>> life.box  # (top, left, height, width) of the live cells, rows down and columns across
    (-1, -1, 3, 3)
    >>> life.step(4).box  # a glider moves a cell down and a cell right every four generations
    (0, 0, 3, 3)
    >>> print(life.cells())
    [[0 1 0]
     [0 0 1]
     [1 1 1]]
    >>> life.check()  # the reference (numpy) from the board it opened on, to this generation: agrees
    True

Any engine the command line has, by name, swapped at any generation with nothing lost:

    >>> life.engine = "numpy"
    >>> life.step(1_000).generation, life.population
    (1004, 5)

and any rule, topology and format:

    >>> life = lifetui.read("x = 3, y = 1, rule = B3/S23\\n3o!", size=(8, 8))  # a blinker on an 8 x 8 torus
    >>> life.topology, life.box, life.population
    ('8 x 8 torus', (0, 0, 8, 8), 3)
    >>> life.step(1).cells((2, 3, 3, 1)).ravel()  # rows 2 to 4 of column 3: it stands up
    array([1, 1, 1], dtype=uint8)
    >>> print(life.text(), end="")
    #CXRLE Pos=0,0 Gen=1
    x = 8, y = 8, rule = B3/S23:T8,8
    2$3bo$3bo$3bo!

`save(path)` writes RLE, or macrocell for a `.mc` name, or a picture, as `lifetui run -o` does (atomically).
A run can say how far it got (`progress`), look for the board to repeat, or be drawn as an animation:

    >>> lifetui.open("blinker").until_stable()
    Stability(generations=2, behaviour=Behaviour(kind='oscillator', period=2, since=0, dx=0, dy=0), why_not='')
    >>> life, heard = lifetui.open("glider"), []
    >>> life.step(100, progress=heard.append).generation, heard[-1]
    (100, 100)
    >>> life.animation(8, "gif", every=4)[:6]  # three frames (generations 100, 104, 108); needs Pillow
    b'GIF89a'

`lifetui run` is built on these (lifetui/cli.py), and the TUI runs a `Life`'s `simulation`.
"""

from __future__ import annotations

from collections.abc import Callable
from os import PathLike
from pathlib import Path

import numpy as np

from lifetui.engines import DEFAULT_OPTIONS, REFERENCE, EngineOptions
from lifetui.errors import LifeError, UsageError
from lifetui.files import write_atomically
from lifetui.patterns import load_pattern, parse_pattern
from lifetui.rules import parse_rule
from lifetui.simulation import runner
from lifetui.simulation.runner import Progress, Stability
from lifetui.simulation.simulation import Simulation
from lifetui.world import pictures
from lifetui.world.board import Board, board_for
from lifetui.world.universe import Region, create_universe

#: check() replays at most this many cell updates of the reference (a few seconds of numpy).
CHECK_CELL_UPDATES = 2**31

__all__ = ["Life", "Stability", "open", "read"]

#: A picture's scale, as the command line's --cell-size writes it ("8", "1:4") or parsed; None: automatic.
CellSize = str | pictures.Scale | None
#: A picture's colours, as --colors writes them ("LIVE,DEAD" in hex) or parsed; None: Golly's for the rule.
Palette = str | pictures.Colours | None


def open(  # noqa: A001 - lifetui.open, as io.open and Image.open
    pattern: str | PathLike[str],
    *,
    rule: str | None = None,
    size: tuple[int, int] | None = None,
    plane: bool = False,
    engine: str | None = None,
    kernel: str | PathLike[str] | None = None,
    allow_inexact: bool = False,
) -> Life:
    """The pattern in a file (RLE, macrocell, Life 1.05/1.06, plaintext; gzipped too) or bundled with lifetui
    (by name), placed as `lifetui PATTERN` places it: on the torus of `size` (width, height), on the grid of the
    rule's `:T` or `:P` suffix, else on the unbounded plane (`plane` insists on it). `rule` overrides the
    file's. `engine` None runs the fastest exact engine here; `kernel` names a trained kernel folder for the
    learned engines (jax, c, xla), and `allow_inexact` lets them run one that is wrong somewhere."""
    return _life(load_pattern(str(pattern)), rule, size, plane, engine, kernel, allow_inexact)


def read(
    text: str,
    *,
    name: str = "pattern.rle",
    rule: str | None = None,
    size: tuple[int, int] | None = None,
    plane: bool = False,
    engine: str | None = None,
    kernel: str | PathLike[str] | None = None,
    allow_inexact: bool = False,
) -> Life:
    """A pattern from its text, as open() would read a file called `name` (whose suffix picks the format when
    the text does not say)."""
    pattern = parse_pattern(text.encode(), name, Path(name).suffix.lower())
    return _life(pattern, rule, size, plane, engine, kernel, allow_inexact)


def _life(pattern, rule, size, plane, engine, kernel, allow_inexact) -> Life:
    board = board_for(pattern, size, parse_rule(rule) if rule else None, plane)
    options = EngineOptions(Path(kernel) if kernel else None, allow_inexact)
    return Life(board, engine, options)


class Life:
    """A pattern on its board, advanced by one engine at a time (see the module's examples)."""

    def __init__(self, board: Board, engine: str | None = None, options: EngineOptions = DEFAULT_OPTIONS):
        #: The core it drives: a front end (the TUI) runs it from its threads; a script needs only the Life.
        self.simulation = Simulation(board, engine, options)
        self.name, self.author = board.pattern.name, board.pattern.author  # the file's own (#N, #O), or ""
        self._source = board.pattern.source
        #: What lifetui said about the pattern or the engine it chose (a file's oddities, the engine's why).
        self.notes = [*board.pattern.warnings, *self.simulation.notes]

    def __repr__(self) -> str:
        return (
            f"Life({self.name or self._source!r}: {self.rule} on {self.simulation.topology.describe()}, generation "
            f"{self.generation:,}, {self.population:,} live cells, engine {self.engine})"
        )

    @property
    def rule(self) -> str:
        return str(self.simulation.rule)

    @property
    def topology(self) -> str:
        """The board: 'unbounded plane', 'WxH torus', or a bounded grid as Golly's suffix names it."""
        return self.simulation.topology.describe().removeprefix("the ").removeprefix("a ")

    @property
    def generation(self) -> int:
        return self.simulation.generation

    @property
    def population(self) -> int:
        """Live cells, exactly (however many: a plane 2^60 cells a side counts past 2^64)."""
        return self.simulation.population()

    @property
    def box(self) -> Region | None:
        """Where the live cells are, (top, left, height, width); a torus is its whole board; None: none live."""
        return self.simulation.box

    @property
    def engine(self) -> str:
        """The engine stepping the board; setting it moves the board there at this generation."""
        return self.simulation.engine_name

    @engine.setter
    def engine(self, name: str) -> None:
        status = self.simulation.availability().get(name)
        if status is None:
            raise LifeError(f"no engine {name!r}; engines: {', '.join(self.simulation.availability())}")
        if not status.available:
            raise LifeError(f"engine {name} cannot run this board: {status.reason}")
        self.simulation.swap(name)

    @property
    def inexact(self) -> int:
        """Neighbourhoods the engine's trained kernel gets wrong (allow_inexact): 0 for an exact engine."""
        return self.simulation.describe_engine()[2]

    def engines(self) -> dict[str, str | None]:
        """Every engine by name: None when it can run this board here, else why not."""
        return {name: None if status.available else status.reason
                for name, status in self.simulation.availability().items()}  # fmt: skip

    def step(self, generations: int = 1, *, progress: Progress | None = None) -> Life:
        """Advance `generations` (any number: the jumping engines take 2^60 at once); returns the Life itself.
        `progress`, if given, hears the generations done so far, about ten times a second (a progress bar's
        feed; `lifetui run` draws one). An engine that cannot hold the board any further stops where it got to
        and raises LifeError saying so (an Outgrown whose `done` says how many generations were made)."""
        if generations < 0:
            raise ValueError("generations cannot be negative")
        runner.advance(self.simulation, generations, progress)
        return self

    def until_stable(self, max_generations: int = runner.UNTIL_STABLE_STEPS, *,
                     progress: Progress | None = None) -> Stability:  # fmt: skip
        """Advance a generation at a time until the board repeats (on a torus or the plane), at most
        `max_generations`: what it found, a Stability of the generations advanced and the Behaviour (kind
        "extinct", "still life", "oscillator" or "spaceship", period, since, dx and dy), or None and why it
        stopped looking (a live area past runner.UNTIL_STABLE_CELLS is not compared).

            >>> import lifetui
            >>> lifetui.open("glider").until_stable().describe()
            'spaceship, period 4, moving +1,+1 each period (from generation 0)'
            >>> lifetui.open("r-pentomino").until_stable(100).why_not
            'no repeat within 100 generations'
        """
        topology = self.simulation.topology
        if not (topology.is_torus or topology.is_plane):
            raise UsageError(f"until_stable runs on a torus or the plane, not {topology.suffix()}")
        return runner.until_stable(self.simulation, max_generations, progress)

    def animation(self, generations: int, format: str = "gif", *, every: int = 1,  # noqa: A002
                  window: Region | None = None, cell_size: CellSize = None,
                  colours: Palette = None, frame_ms: int = pictures.FRAME_MS,
                  progress: Progress | None = None) -> bytes:  # fmt: skip
        """The next `generations` as an animation, "gif", "webp" or "apng" (Pillow), a frame every `every`
        generations and the last, each shown `frame_ms` milliseconds; the Life is left at the last. The view is
        `window`, else a torus whole, else fitted to every place the live cells go on the way (found by running
        a copy first: `progress` hears of both runs). `cell_size` and `colours` as picture() takes them.

            >>> import lifetui
            >>> from PIL import Image
            >>> import io
            >>> gif = Image.open(io.BytesIO(lifetui.open("glider").animation(4, frame_ms=250)))
            >>> gif.n_frames, gif.size, gif.info["duration"]  # 5 frames of a 4 x 4 box of 16-pixel cells
            (5, (64, 64), 250)
        """
        suffix = f".{format}"
        if suffix not in pictures.ANIMATIONS:
            raise ValueError(f"format is 'gif', 'webp' or 'apng', not {format!r}")
        if generations < 0:
            raise ValueError("generations cannot be negative")
        if not 1 <= frame_ms <= pictures.MAX_FRAME_MS:
            raise ValueError(f"frame_ms is from 1 to {pictures.MAX_FRAME_MS:,}, not {frame_ms}")
        options = _picture_options(window, cell_size, colours, every, frame_ms)
        if window is not None:
            pictures.refuse_window(window, self.simulation.topology)
        pictures.refuse_unwritable(suffix)
        return runner.animate(self.simulation, suffix, generations, options, progress)

    def cells(self, window: Region | None = None) -> np.ndarray:
        """The cells (uint8, 1 live) of `window` = (top, left, height, width), or of the live box (a torus:
        the whole board). Cells beyond a bounded board read dead; a torus's wrap round."""
        region = window or self.box or (0, 0, 0, 0)
        return self.simulation.snapshot(region).cells

    def text(self, format: str = "rle") -> str:  # noqa: A002 - the word a user would write
        """The board as a file's text: "rle" (with its place and generation, docs/boards.md, "Output RLE"), or "mc"
        (macrocell)."""
        if format not in ("rle", "mc"):
            raise ValueError(f"format is 'rle' or 'mc', not {format!r}")
        return self.simulation.file_text(Path(f"board.{format}"), self.name, self.author)

    def save(self, path: str | PathLike[str], *, window: Region | None = None,
             cell_size: CellSize = None, colours: Palette = None) -> None:  # fmt: skip
        """Write the board to `path` as its name says, whole or not at all: macrocell for .mc (from hashlife's
        own tree, any size), a picture for .png or .svg (as picture() draws it; .gif, .webp and .apng: of this
        generation alone, animation() draws a run), else RLE (of a tree too wide for its cells too)."""
        target = Path(path)
        write_atomically(target, self.contents(target, window=window, cell_size=cell_size, colours=colours))

    def capture(self) -> tuple[int, Callable[[str | PathLike[str]], None]]:
        """The board now, to write later (the TUI's `s` asks where first, while the board runs on): its
        generation, and what writes it to a path as save() would (a picture fitted to the live cells).

            >>> import lifetui
            >>> life = lifetui.open("glider")
            >>> generation, write = life.capture()
            >>> life.step(8).generation, generation  # write(path) would write generation 0
            (8, 0)
        """
        generation, contents = self.simulation.capture()

        def write(path: str | PathLike[str]) -> None:
            target = Path(path)
            write_atomically(target, contents(target, self.name, self.author))

        return generation, write

    def contents(self, path: str | PathLike[str] | None, *, window: Region | None = None,
                 cell_size: CellSize = None,
                 colours: Palette = None) -> str | bytes:  # fmt: skip
        """What save(path) writes: text for a pattern format (None: RLE), bytes for a picture."""
        target = Path(path) if path is not None else None
        suffix = pictures.picture_suffix(target)
        if suffix is None:
            if (window, cell_size, colours) != (None, None, None):
                raise ValueError("window, cell_size and colours are for a picture's name")
            return self.simulation.file_text(target, self.name, self.author)
        return self.simulation.picture(suffix, _picture_options(window, cell_size, colours))

    def picture(self, format: str = "png", window: Region | None = None, *,  # noqa: A002
                cell_size: CellSize = None, colours: Palette = None) -> bytes:  # fmt: skip
        """The board as a picture: "png" (needs Pillow: `pip install 'lifetui[pictures]'`) or "svg", of `window`
        = (top, left, height, width) or fitted to the live cells, in Golly's colours for the rule's states (or
        `colours`, "LIVE,DEAD" in hex); `cell_size` "8" pixels a cell, or "1:4" a pixel for 4 x 4 cells, else
        automatic: a board too large for the picture's pixels is drawn zoomed out (a pixel is live when any of
        its cells is).

            >>> import lifetui
            >>> svg = lifetui.open("glider").picture("svg", cell_size="2", colours="000000,ffffff")
            >>> print(svg.decode().splitlines()[1])  # the dead colour behind, then a group per live state
            <rect width="3" height="3" fill="#ffffff"/>
        """
        if format not in ("png", "svg"):
            raise ValueError(f"format is 'png' or 'svg', not {format!r}")
        return self.simulation.picture(f".{format}", _picture_options(window, cell_size, colours))

    def _repr_png_(self) -> bytes | None:
        """Jupyter shows a Life as its picture (None without Pillow: then as its repr)."""
        try:
            return self.picture("png")
        except LifeError:
            return None

    def check(self) -> bool:
        """Whether the reference (numpy) agrees: it replays the board this Life opened on to the current
        generation on the same topology and compares every cell. Refuses (LifeError) a replay of more than
        CHECK_CELL_UPDATES cell updates."""
        board, simulation = self.simulation.board, self.simulation
        generations = simulation.generation - board.generation
        height, width = simulation.shape
        if generations * max(1, height) * max(1, width) > CHECK_CELL_UPDATES:
            raise LifeError(
                f"checking {generations:,} generations of {height:,} x {width:,} cells is more than "
                f"{CHECK_CELL_UPDATES:,} cell updates of the reference"
            )
        reference = create_universe(REFERENCE, simulation.rule, simulation.topology)
        try:
            reference.load_pattern(board.pattern)
            reference.step(generations)
            cells, top, left = reference.live_cells()
            return reference.extent() == simulation.box and (cells.size == 0 or bool(
                np.array_equal(self.cells((top, left, *cells.shape)), cells)))  # fmt: skip
        finally:
            reference.close()

    def close(self) -> None:
        """Free the engine's memory now (it is freed anyway when the Life is)."""
        self.simulation.close()

    def __enter__(self) -> Life:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _picture_options(window: Region | None, cell_size: CellSize,
                     colours: Palette, every: int = 1,
                     frame_ms: int = pictures.FRAME_MS) -> pictures.PictureOptions:  # fmt: skip
    """What a picture shows, from the API's arguments (a scale and colours as the command line writes them)."""
    if every < 1:
        raise ValueError(f"every is 1 or more, not {every}")
    scale = pictures.Scale.parse(cell_size) if isinstance(cell_size, str) else cell_size
    palette = pictures.Colours.parse(colours) if isinstance(colours, str) else colours
    return pictures.PictureOptions(window, scale, palette, every, frame_ms)
