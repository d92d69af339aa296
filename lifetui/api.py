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

`save(path)` writes RLE, or macrocell for a `.mc` name, as `lifetui run -o` does (atomically).
"""

from __future__ import annotations

from os import PathLike
from pathlib import Path

import numpy as np

from lifetui.engines import DEFAULT_OPTIONS, REFERENCE, EngineOptions
from lifetui.errors import LifeError
from lifetui.files import write_atomically
from lifetui.patterns import load_pattern, parse_pattern
from lifetui.rules import parse_rule
from lifetui.simulation.simulation import Simulation
from lifetui.world import pictures
from lifetui.world.board import Board, board_for
from lifetui.world.universe import Region, create_universe

#: check() replays at most this many cell updates of the reference (a few seconds of numpy).
CHECK_CELL_UPDATES = 2**31

__all__ = ["Life", "open", "read"]


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
        self._simulation = Simulation(board, engine, options)
        self.name = board.pattern.name  # the file's own (#N), or ""
        self._source = board.pattern.source
        #: What lifetui said about the pattern or the engine it chose (a file's oddities, the engine's why).
        self.notes = [*board.pattern.warnings, *self._simulation.notes]

    def __repr__(self) -> str:
        return (
            f"Life({self.name or self._source!r}: {self.rule} on {self._simulation.topology.describe()}, generation "
            f"{self.generation:,}, {self.population:,} live cells, engine {self.engine})"
        )

    @property
    def rule(self) -> str:
        return str(self._simulation.rule)

    @property
    def topology(self) -> str:
        """The board: 'unbounded plane', 'WxH torus', or a bounded grid as Golly's suffix names it."""
        return self._simulation.topology.describe().removeprefix("the ").removeprefix("a ")

    @property
    def generation(self) -> int:
        return self._simulation.generation

    @property
    def population(self) -> int:
        """Live cells, exactly (however many: a plane 2^60 cells a side counts past 2^64)."""
        return self._simulation.population()

    @property
    def box(self) -> Region | None:
        """Where the live cells are, (top, left, height, width); a torus is its whole board; None: none live."""
        return self._simulation.box

    @property
    def engine(self) -> str:
        """The engine stepping the board; setting it moves the board there at this generation."""
        return self._simulation.engine_name

    @engine.setter
    def engine(self, name: str) -> None:
        status = self._simulation.availability().get(name)
        if status is None:
            raise LifeError(f"no engine {name!r}; engines: {', '.join(self._simulation.availability())}")
        if not status.available:
            raise LifeError(f"engine {name} cannot run this board: {status.reason}")
        self._simulation.swap(name)

    def engines(self) -> dict[str, str | None]:
        """Every engine by name: None when it can run this board here, else why not."""
        return {name: None if status.available else status.reason
                for name, status in self._simulation.availability().items()}  # fmt: skip

    def step(self, generations: int = 1) -> Life:
        """Advance `generations` (any number: the jumping engines take 2^60 at once); returns the Life itself.
        An engine that cannot hold the board any further stops where it got to and raises LifeError saying so."""
        if generations < 0:
            raise ValueError("generations cannot be negative")
        self._simulation.step(generations, interruptible=False)
        return self

    def cells(self, window: Region | None = None) -> np.ndarray:
        """The cells (uint8, 1 live) of `window` = (top, left, height, width), or of the live box (a torus:
        the whole board). Cells beyond a bounded board read dead; a torus's wrap round."""
        region = window or self.box or (0, 0, 0, 0)
        return self._simulation.snapshot(region).cells

    def text(self, format: str = "rle") -> str:  # noqa: A002 - the word a user would write
        """The board as a file's text: "rle" (with its place and generation, docs/boards.md, "Output RLE"), or "mc"
        (macrocell)."""
        if format not in ("rle", "mc"):
            raise ValueError(f"format is 'rle' or 'mc', not {format!r}")
        generation, text_for = self._simulation.capture()
        text = text_for(Path(f"board.{format}"), self.name, "")
        assert isinstance(text, str)  # RLE and macrocell are text; only a picture's name makes bytes
        return text

    def save(self, path: str | PathLike[str]) -> None:
        """Write the board to `path` as its name says (macrocell for .mc; a picture of the live cells for .png,
        .svg, .gif, .webp or .apng, as the TUI's `s` draws it; else RLE), whole or not at all."""
        target = Path(path)
        generation, text_for = self._simulation.capture()
        write_atomically(target, text_for(target, self.name, ""))

    def picture(self, format: str = "png", window: Region | None = None) -> bytes:  # noqa: A002
        """The board as a picture: "png" (needs Pillow: `pip install 'lifetui[pictures]'`) or "svg", of `window`
        = (top, left, height, width) or fitted to the live cells, in Golly's colours; a board too large for
        the picture's pixels is drawn zoomed out (a pixel is live when any of its cells is)."""
        if format not in ("png", "svg"):
            raise ValueError(f"format is 'png' or 'svg', not {format!r}")
        return self._simulation.picture(f".{format}", pictures.PictureOptions(window=window))

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
        board, simulation = self._simulation.board, self._simulation
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
        self._simulation.close()

    def __enter__(self) -> Life:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
