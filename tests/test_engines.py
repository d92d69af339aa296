"""Every registered engine against the Engine contract, and a toy fifth engine added with one registry entry.

The suite is parametrised over the registry, so a new engine is tested by these the moment it is
registered; `toy` shows it: one class, one EngineInfo, and the CLI, --bench and the TUI all offer it.
"""

import json

import numpy as np
import pytest
from conftest import assert_follows_numpy

import lifetui.engines as engines
from lifetui.engines import ENGINES, Engine, EngineInfo, EngineOptions, availability, create_engine
from lifetui.engines.numpy_engine import NumpyEngine
from lifetui.rules import CONWAY, parse_rule
from lifetui.simulation import Simulation
from lifetui.world.board import Board
from lifetui.world.topology import Topology


class ToyEngine(Engine):
    """A fifth engine, as small as one can be: the eight neighbours rolled into place and counted."""

    name = "toy"

    def load(self, cells: np.ndarray) -> None:
        self._cells = np.array(cells, dtype=np.uint8)

    def step(self, generations: int = 1) -> None:
        lookup = self.rule.lookup()
        for _ in range(generations):
            neighbours = sum(
                np.roll(self._cells, (dy, dx), axis=(0, 1)) for dy in (-1, 0, 1) for dx in (-1, 0, 1) if dy or dx
            )
            self._cells = lookup[self._cells, neighbours]

    def cells(self) -> np.ndarray:
        return self._cells.copy()

    def describe(self) -> tuple[str, str]:
        return "Method", "np.roll and a lookup table"


TOY = EngineInfo("toy", "a toy engine: rolled neighbours, counted", ToyEngine)


@pytest.fixture
def toy(monkeypatch):
    """The toy engine in the registry for one test, as one entry in engines/__init__.py would put it."""
    monkeypatch.setitem(engines.ENGINES, "toy", TOY)


#: Life as a Larger than Life rule (Golly's ltl algorithm's default): the contract's rule for the ltl engine,
#: which runs no 3x3 rule; its generations are Life's, so the same numpy checks hold.
LIFE_AS_LARGER_THAN_LIFE = parse_rule("R1,C0,M0,S2..3,B3..3,NM").rule


def contract_rule(name):
    return LIFE_AS_LARGER_THAN_LIFE if name == "ltl" else CONWAY


@pytest.fixture(params=[*ENGINES, "toy"])
def engine_name(request, monkeypatch):
    if request.param == "toy":
        monkeypatch.setitem(engines.ENGINES, "toy", TOY)
    status = availability(request.param, contract_rule(request.param))
    if not status.available:
        pytest.skip(f"{request.param} cannot run here: {status.reason}")
    return request.param


def soup(shape, seed=0, density=0.4):
    return (np.random.default_rng(seed).random(shape) < density).astype(np.uint8)


def held(name, shape):
    """`shape`, or for an engine that cannot hold it (hashlife: sides powers of two) the next shape up it can."""
    if name in ENGINES and ENGINES[name].topologies(Topology.torus(*shape)):
        shape = tuple(1 << (side - 1).bit_length() for side in shape)
        assert ENGINES[name].topologies(Topology.torus(*shape)) is None
    return shape


@pytest.mark.parametrize("shape", [(64, 64), (37, 100), (3, 70)], ids=lambda s: f"{s[1]}x{s[0]}")
def test_every_engine_equals_numpy_generation_after_generation(engine_name, shape):
    engine = create_engine(engine_name, contract_rule(engine_name))
    shape = held(engine_name, shape)
    assert_follows_numpy(engine, soup(shape, seed=sum(shape)), CONWAY, (1, 2, 7, 30))
    engine.close()


def test_every_engine_hands_out_copies_and_steps_zero_generations_as_none(engine_name):
    cells = soup((16, 16), seed=5)
    engine = create_engine(engine_name, contract_rule(engine_name))
    engine.load(cells)
    engine.step(0)
    copy = engine.cells()
    assert copy.dtype == np.uint8 and copy.shape == (16, 16)
    assert np.array_equal(copy, cells)
    copy[0, 0] ^= 1
    assert np.array_equal(engine.cells(), cells)
    engine.load(np.zeros_like(cells))
    assert engine.population() == 0
    engine.close()


@pytest.mark.parametrize(
    ("top", "left", "height", "width"),
    [(0, 0, 37, 100), (5, 60, 10, 30), (30, 90, 20, 25), (36, 99, 1, 1), (10, 63, 37, 100), (0, 64, 3, 2)],
)
def test_every_engine_reads_a_window_as_the_whole_board_would_show_it(engine_name, top, left, height, width):
    cells = soup(held(engine_name, (37, 100)), seed=11)
    engine = create_engine(engine_name, contract_rule(engine_name))
    engine.load(cells)
    engine.step(3)
    whole = engine.cells()
    rows, columns = (top + np.arange(height)) % cells.shape[0], (left + np.arange(width)) % cells.shape[1]
    window = engine.window(top, left, height, width)
    assert window.dtype == np.uint8 and np.array_equal(window, whole[np.ix_(rows, columns)])
    assert engine.population() == int(whole.sum())


@pytest.mark.parametrize("shape", [(64, 64), (100, 37)], ids=["square", "tall"])
def test_every_engine_reads_windows_across_the_bottom_edge_of_a_square_or_tall_torus(engine_name, shape):
    from lifetui.engines.base import any_in_squares

    engine = create_engine(engine_name, contract_rule(engine_name))
    engine.load(soup(held(engine_name, shape), seed=13))
    engine.step(3)
    whole = engine.cells()
    height, width = whole.shape
    # Across the bottom edge, the bottom-right corner, the bottom edge whole rows wide, and taller than the board.
    for top, left, tall, wide in ((height - 5, 3, 12, 10), (height - 1, width - 2, 4, 5),
                                  (height - 10, 0, 20, width), (2, width - 3, height + 3, 9)):  # fmt: skip
        rows, columns = (top + np.arange(tall)) % height, (left + np.arange(wide)) % width
        expected = whole[np.ix_(rows, columns)]
        assert np.array_equal(engine.window(top, left, tall, wide), expected), (top, left, tall, wide)
        for block in (2, 8):
            assert np.array_equal(engine.blocks(top, left, tall, wide, block), any_in_squares(expected, block))
    engine.close()


@pytest.mark.parametrize("block", [2, 3, 8, 64, 128])
def test_every_engine_reads_squares_of_cells_as_the_whole_board_would_show_them(engine_name, block):
    from lifetui.engines.base import any_in_squares

    cells = soup(held(engine_name, (37, 100)), seed=12, density=0.01)
    engine = create_engine(engine_name, contract_rule(engine_name))
    engine.load(cells)
    whole = engine.cells()
    rng = np.random.default_rng(block)
    for _ in range(40):
        top, left = (int(n) for n in rng.integers(-300, 300, 2))
        height, width = int(rng.integers(1, whole.shape[0] + 1)), int(rng.integers(1, whole.shape[1] + 1))
        rows, columns = (top + np.arange(height)) % whole.shape[0], (left + np.arange(width)) % whole.shape[1]
        squares = engine.blocks(top, left, height, width, block)
        expected = any_in_squares(whole[np.ix_(rows, columns)], block)
        assert squares.dtype == np.uint8 and np.array_equal(squares, expected), (top, left, height, width)
    # A window larger than the board wraps around it again, as window() would.
    rows, columns = (
        (3 + np.arange(2 * whole.shape[0])) % whole.shape[0],
        (5 + np.arange(3 * whole.shape[1])) % whole.shape[1],
    )
    expected = any_in_squares(whole[np.ix_(rows, columns)], block)
    assert np.array_equal(engine.blocks(3, 5, 2 * whole.shape[0], 3 * whole.shape[1], block), expected)
    # The last square of a row or column is cut off at the window's edge, never wrapped around to its start.
    assert engine.blocks(0, 0, *whole.shape, whole.shape[1]).shape == (-(-whole.shape[0] // whole.shape[1]), 1)
    engine.close()


def test_every_engine_draws_and_erases_cells_in_place(engine_name):
    cells = soup(held(engine_name, (37, 100)), seed=13)
    engine = create_engine(engine_name, contract_rule(engine_name))
    engine.load(cells)
    places = np.array([(0, 0), (36, 99), (5, 64), (5, 63), (5, 65), (20, 1)])
    engine.set_cells(places, 1)
    cells[places[:, 0], places[:, 1]] = 1
    assert np.array_equal(engine.cells(), cells)
    engine.set_cells(places[:4], 0)
    cells[places[:4, 0], places[:4, 1]] = 0
    assert np.array_equal(engine.cells(), cells) and engine.population() == int(cells.sum())
    engine.step(2)
    reference = NumpyEngine(CONWAY)
    reference.load(cells)
    reference.step(2)
    assert np.array_equal(engine.cells(), reference.cells())
    engine.close()


def test_every_engine_describes_itself_and_is_exact(engine_name):
    engine = create_engine(engine_name, contract_rule(engine_name))
    label, text = engine.describe()
    assert label and text
    assert engine.inexact == 0
    assert engine.options == EngineOptions()


def test_every_engine_takes_a_hot_swap_both_ways(engine_name):
    shape = held(engine_name, (24, 40))
    simulation = Simulation(Board.of_cells(contract_rule(engine_name), soup(shape, seed=3)))
    simulation.step(5)
    simulation.swap(engine_name)
    simulation.step(6)
    simulation.swap("numpy")
    reference = NumpyEngine(CONWAY)
    reference.load(soup(shape, seed=3))
    reference.step(11)
    assert simulation.generation == 11
    assert np.array_equal(simulation.snapshot().cells, reference.cells())


def test_a_registered_engine_is_offered_by_every_command(toy, lifetui):
    listed = json.loads(lifetui("engines", "--json").out)["engines"]
    assert {"engine": "toy", "available": True, "summary": TOY.summary} in listed
    run = lifetui("run", "glider", "--steps", "8", "--size", "16x16", "--engine", "toy", "--json")
    assert run.code == 0 and json.loads(run.out)["population"] == 5
    bench = lifetui("glider", "--bench", "--size", "32x32", "--steps", "20", "--engine", "toy", "--json")
    assert bench.code == 0, bench.err
    [result] = json.loads(bench.out)["engines"]
    assert result["engine"] == "toy" and result["matches_reference"] is True
    every = lifetui("glider", "--bench", "--size", "16x16", "--steps", "4", "--json")
    assert "toy" in [entry["engine"] for entry in json.loads(every.out)["engines"]]


async def test_a_registered_engine_gets_a_key_help_and_a_palette_entry_in_the_tui(toy):
    from lifetui.tui.app import LifeApp

    app = LifeApp(Board.of_cells(CONWAY, soup((16, 16), seed=1)), engine="numpy")
    async with app.run_test() as pilot:
        assert ("1 2 3 4 5 6 7 8", "engine numpy, jax, c, bitsliced, hashlife, xla, ltl, toy") in app.help_rows
        assert "Engine: toy" in [command.title for command in app.get_system_commands(app.screen)]
        assert app.get_key_display(app.active_bindings["1"].binding) == "1-8"
        assert app.active_bindings["8"].enabled and "9" not in app.active_bindings
        await pilot.press("8", "n")
        for _ in range(100):
            if app.last_snapshot.engine == "toy" and app.last_snapshot.generation == 1:
                break
            await pilot.pause(0.05)
        assert app.last_snapshot.engine == "toy" and app.last_snapshot.generation == 1
        assert dict(app.sidebar_rows())["Method"] == "np.roll and a lookup table"


def test_an_unavailable_engine_says_why_everywhere(monkeypatch, lifetui):
    monkeypatch.setitem(engines.ENGINES, "toy", EngineInfo("toy", "needs a part", ToyEngine, lambda rule, o: "no part"))
    assert availability("toy", parse_rule("B36/S23").rule).reason == "no part"
    result = lifetui("run", "glider", "--steps", "1", "--engine", "toy")
    assert result.code == 1 and "engine toy is unavailable: no part" in result.err


def test_every_engine_knows_whether_it_holds_a_board_down_to_the_last_cell(engine_name):
    cells = soup(held(engine_name, (300, 70)), seed=4)  # more rows than one band of the comparison
    engine = create_engine(engine_name, contract_rule(engine_name))
    engine.load(cells)
    assert engine.holds(cells)
    for y, x in ((0, 0), (255, 69), (256, 0), (cells.shape[0] - 1, cells.shape[1] - 1)):
        other = cells.copy()
        other[y, x] ^= 1
        assert not engine.holds(other)


def test_an_engine_that_cannot_hold_the_board_says_so_everywhere(lifetui):
    simulation = Simulation(Board.of_cells(CONWAY, soup((24, 40), seed=3)))
    status = simulation.availability()["hashlife"]
    assert not status.available and "not 40x24; try --size 64x64" in status.reason
    assert "hashlife" not in [simulation.next_engine_name() for _ in range(3)]
    assert availability("hashlife", CONWAY, topology=Topology.torus(32, 64)).available
    bench = json.loads(lifetui("glider", "--bench", "--size", "40x24", "--steps", "4", "--json").out)
    [entry] = [entry for entry in bench["engines"] if entry["engine"] == "hashlife"]
    assert entry["available"] is False and "powers of two" in entry["reason"]


def test_every_engine_finds_the_live_box_of_a_window_as_the_cells_show_it(engine_name):
    from lifetui.world.universe import live_box

    shape = held(engine_name, (70, 200))
    cells = np.zeros(shape, dtype=np.uint8)
    cells[20:40, 60:140] = soup((20, 80), seed=6, density=0.05)
    engine = create_engine(engine_name, contract_rule(engine_name))
    engine.load(cells)
    rng = np.random.default_rng(2)
    for _ in range(40):
        top, left = int(rng.integers(0, shape[0] - 1)), int(rng.integers(0, shape[1] - 1))
        height, width = int(rng.integers(1, shape[0] - top + 1)), int(rng.integers(1, shape[1] - left + 1))
        expected = live_box(cells[top : top + height, left : left + width])
        if expected is not None:
            expected = (expected[0] + top, expected[1] + left, expected[2], expected[3])
        assert engine.live_box(top, left, height, width) == expected, (top, left, height, width)


@pytest.mark.parametrize("name", ["c", "bitsliced"])
@pytest.mark.parametrize("band", [1, 3, 1 << 14])
def test_the_packed_engines_find_the_live_box_band_by_band_from_each_side(name, band, monkeypatch):
    # live_box reads inward from each side a band at a time; bands of 1 and 3 words make every window cross
    # several of them, with live cells on band edges, word edges and the window's own edges.
    import lifetui.engines.c_engines as c_engines
    from lifetui.world.universe import live_box

    monkeypatch.setattr(c_engines, "LIVE_BOX_BAND_WORDS", band)
    cells = np.zeros((96, 320), dtype=np.uint8)
    rng = np.random.default_rng(band)
    for row, column in [(5, 63), (5, 64), (90, 0), (47, 255), (48, 256), (30, 319), (0, 128)]:
        cells[row, column] = 1
    cells[40:60, 100:200] |= (rng.random((20, 100)) < 0.02).astype(np.uint8)
    engine = create_engine(name, CONWAY)
    engine.load(cells)
    for _ in range(60):
        top, left = int(rng.integers(0, 95)), int(rng.integers(0, 319))
        height, width = int(rng.integers(1, 97 - top)), int(rng.integers(1, 321 - left))
        expected = live_box(cells[top : top + height, left : left + width])
        if expected is not None:
            expected = (expected[0] + top, expected[1] + left, expected[2], expected[3])
        assert engine.live_box(top, left, height, width) == expected, (top, left, height, width)


@pytest.mark.parametrize("name", ["c", "bitsliced"])
def test_zoomed_out_squares_wider_than_a_word_see_a_cell_in_their_first_words_part(name):
    # A square of 100 columns from column 100 starts inside the second word: a cell there, and nowhere else
    # in the square, must light it (squares read word by word, the first and last ones in part).
    from lifetui.engines.base import any_in_squares

    rng = np.random.default_rng(5)
    for block in (65, 100, 130):
        for _ in range(6):
            cells = np.zeros((8, 320), dtype=np.uint8)
            for column in rng.choice(320, size=3, replace=False):
                cells[int(rng.integers(0, 8)), int(column)] = 1
            engine = create_engine(name, CONWAY)
            engine.load(cells)
            assert np.array_equal(engine.blocks(0, 0, 8, 320, block), any_in_squares(cells, block)), block
            assert np.array_equal(engine.blocks(0, 37, 8, 283, block), any_in_squares(cells[:, 37:], block)), block
