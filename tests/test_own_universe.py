"""An engine that holds its own universe, as hashlife holds the plane, added with one class and one registry entry:
the command line, --bench and the TUI run it with no other change (lifetui.world.universe, engines/__init__.py)."""

import json

import numpy as np
import pytest
from test_engines import ToyEngine

import lifetui.engines as engines
from lifetui.engines import EngineInfo
from lifetui.engines.base import any_in_squares
from lifetui.patterns import load_pattern
from lifetui.rules import CONWAY
from lifetui.simulation import Simulation
from lifetui.world.board import board_for
from lifetui.world.topology import PLANE
from lifetui.world.universe import Universe, create_universe

#: A neighbourhood's index bit k is the cell at this (row, column) offset (lifetui.rules.NEIGHBOURHOOD).
OFFSETS = [(k // 3 - 1, k % 3 - 1) for k in range(9)]


class SparseUniverse(Universe):
    """The unbounded plane as a set of live cells: each generation looks at every cell next to a live one."""

    topology = PLANE

    def __init__(self, rule, options=engines.DEFAULT_OPTIONS):
        self.engine = ToyEngine(rule, options)  # for its description only: this universe steps itself
        self._table = rule.truth_table()
        self._live: set[tuple[int, int]] = set()

    def load(self, cells, top=0, left=0):
        self._live = {(int(row) + top, int(column) + left) for row, column in np.argwhere(cells)}

    def step(self, generations):
        for _ in range(generations):
            near = {(row + dy, column + dx) for row, column in self._live for dy, dx in OFFSETS}
            self._live = {place for place in near if self._table[self._index(place)]}

    def _index(self, place):
        row, column = place
        return sum(1 << k for k, (dy, dx) in enumerate(OFFSETS) if (row + dy, column + dx) in self._live)

    def extent(self):
        if not self._live:
            return None
        rows, columns = zip(*self._live)
        return min(rows), min(columns), max(rows) - min(rows) + 1, max(columns) - min(columns) + 1

    def window(self, top, left, height, width):
        cells = np.zeros((height, width), dtype=np.uint8)
        for row, column in self._live:
            if top <= row < top + height and left <= column < left + width:
                cells[row - top, column - left] = 1
        return cells

    def blocks(self, top, left, height, width, block):
        return any_in_squares(self.window(top, left, height, width), block)

    def set_cells(self, places, value):
        for row, column in np.asarray(places).reshape(-1, 2).tolist():
            (self._live.add if value else self._live.discard)((row, column))

    def population(self):
        return len(self._live)


#: One registry entry: on a torus the toy engine steps a board; on the plane it holds its own universe.
SPARSE = EngineInfo("sparse", "live cells in a set", ToyEngine, universe=f"{__name__}:SparseUniverse")


@pytest.fixture
def sparse(monkeypatch):
    monkeypatch.setitem(engines.ENGINES, "sparse", SPARSE)


def test_the_registry_makes_an_engine_its_own_universe_on_the_plane_and_a_board_elsewhere(sparse):
    assert isinstance(create_universe("sparse", CONWAY, PLANE), SparseUniverse)
    on_a_torus = board_for(load_pattern("glider"), (16, 16))
    assert not isinstance(create_universe("sparse", CONWAY, on_a_torus.topology), SparseUniverse)


def test_the_command_line_and_the_bench_run_it(sparse, lifetui):
    run = lifetui("run", "glider", "--steps", "8", "--engine", "sparse", "--json")
    assert run.code == 0, run.err
    summary = json.loads(run.out)
    assert (summary["topology"], summary["population"], summary["top"], summary["left"]) == ("plane", 5, 1, 1)
    reference = json.loads(lifetui("run", "glider", "--steps", "8", "--engine", "numpy", "--json").out)
    assert (reference["top"], reference["left"], reference["width"]) == (1, 1, summary["width"])
    engines = ("--engine", "numpy", "--engine", "sparse")
    bench = lifetui("glider", "--bench", "--plane", "--steps", "16", *engines, "--json")
    assert bench.code == 0, bench.err
    rows = {row["engine"]: row for row in json.loads(bench.out)["engines"]}
    assert rows["sparse"]["available"] and rows["sparse"]["matches_reference"]


def test_a_simulation_swaps_to_it_and_back_and_the_checker_follows(sparse):
    simulation = Simulation(board_for(load_pattern("r-pentomino"), plane=True))
    simulation.step(20)
    simulation.swap("sparse")
    simulation.step(30)
    simulation.swap("numpy")
    simulation.step(10)
    reference = create_universe("numpy", CONWAY, PLANE)
    reference.load_pattern(load_pattern("r-pentomino"))
    reference.step(60)
    assert simulation.box == reference.extent()
    assert np.array_equal(simulation.snapshot().cells, reference.live_cells()[0])


async def test_the_tui_runs_it_by_key(sparse):
    from lifetui.tui.app import LifeApp

    pattern = load_pattern("glider")
    app = LifeApp(board_for(pattern, plane=True), pattern.name)
    async with app.run_test() as pilot:
        await pilot.press(str(list(engines.ENGINES).index("sparse") + 1), "n", "n")
        for _ in range(200):
            if app.last_snapshot.engine == "sparse" and app.last_snapshot.generation == 2:
                break
            await pilot.pause(0.05)
        assert app.last_snapshot.engine == "sparse" and app.last_snapshot.generation == 2
        assert app.last_snapshot.population == 5
