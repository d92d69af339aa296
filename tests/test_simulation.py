"""Hot-swap and the reference checker, with test-double engines standing in for the compiled ones."""

from functools import partial

import numpy as np
import pytest
from boards import TOPOLOGIES, board_on
from hypothesis import given, settings
from hypothesis import strategies as st

import lifetui.engines as engines
import lifetui.simulation.checker as checker_module
import lifetui.simulation.simulation as simulation_module
from lifetui.engines import EngineInfo, availability
from lifetui.engines.numpy_engine import NumpyEngine
from lifetui.patterns import load_pattern
from lifetui.rules import CONWAY
from lifetui.simulation import Simulation, SwapMismatch
from lifetui.simulation.checker import ReferenceChecker, check_region, follow
from lifetui.world.board import torus_board
from lifetui.world.universe import ArrayUniverse, create_universe, live_box


class PackedEngine(NumpyEngine):
    """Keeps its board bit-packed, as the C engines will: a different internal format, same answers."""

    def load(self, cells):
        self.shape = cells.shape
        self.packed = np.packbits(cells, axis=1)
        super().load(cells)

    def step(self, generations=1):
        super().step(generations)
        self.packed = np.packbits(super().cells(), axis=1)

    def cells(self):
        return np.unpackbits(self.packed, axis=1, count=self.shape[1])


class WrongEngine(NumpyEngine):
    """Gets the rule wrong: a cell with four neighbours survives too."""

    def step(self, generations=1):
        for _ in range(generations):
            cells = self._cells
            sums = sum(np.roll(np.roll(cells, dy, 0), dx, 1) for dy in (-1, 0, 1) for dx in (-1, 0, 1)) - cells
            self._cells = ((sums == 3) | ((cells == 1) & ((sums == 2) | (sums == 4)))).astype(np.uint8)


class LosesTheBoard(NumpyEngine):
    def load(self, cells):
        super().load(np.zeros_like(cells))


@pytest.fixture
def doubles(monkeypatch):
    doubled = (("c", "PackedEngine"), ("bitsliced", "WrongEngine"), ("jax", "LosesTheBoard"), ("xla", "PackedEngine"))
    for name, factory in doubled:
        monkeypatch.setitem(engines.ENGINES, name, EngineInfo(name, "test double", f"{__name__}:{factory}"))


def soup(seed=0, shape=(40, 50)):
    from lifetui.world.board import Board

    return Board.of_cells(CONWAY, (np.random.default_rng(seed).random(shape) < 0.35).astype(np.uint8))


@settings(max_examples=25, deadline=None)
@given(plan=st.lists(st.tuples(st.sampled_from(["numpy", "c"]), st.integers(0, 30)), min_size=1, max_size=8))
def test_any_sequence_of_swaps_ends_where_numpy_alone_does(plan):
    with pytest.MonkeyPatch.context() as patch:
        patch.setitem(engines.ENGINES, "c", EngineInfo("c", "test double", f"{__name__}:PackedEngine"))
        board = soup(1)
        simulation = Simulation(board)
        for name, generations in plan:
            simulation.swap(name)
            simulation.step(generations)
        total = sum(generations for _, generations in plan)
        reference = NumpyEngine(CONWAY)
        reference.load(board.cells)
        reference.step(total)
        snapshot = simulation.snapshot()
        assert snapshot.generation == total
        assert np.array_equal(snapshot.cells, reference.cells())


def test_swap_that_loses_the_board_is_refused(doubles):
    simulation = Simulation(soup())
    simulation.step(3)
    before = simulation.snapshot()
    with pytest.raises(SwapMismatch, match="staying on numpy"):
        simulation.swap("jax")
    assert simulation.engine_name == "numpy"
    assert np.array_equal(simulation.snapshot().cells, before.cells)


@pytest.mark.skipif(not availability("jax", CONWAY).available, reason="needs JAX and a C compiler")
def test_the_packed_engines_hand_their_words_over_without_unpacking_the_board(monkeypatch):
    from lifetui.engines.c_engines import _CEngine
    from lifetui.engines.jax_engine import PackedJaxEngine

    cells = soup(2, (40, 130)).cells  # 130: neither 32-cell nor 64-cell words fill the last one
    simulation = Simulation(soup(2, (40, 130)), "c")
    simulation.step(4)
    for engine in (_CEngine, PackedJaxEngine):
        monkeypatch.setattr(engine, "cells", lambda self: pytest.fail("the board went through cells()"))
    for name in ("bitsliced", "jax", "c", "xla", "jax", "xla", "bitsliced"):
        simulation.swap(name)
        simulation.step(3)
    monkeypatch.undo()
    reference = NumpyEngine(CONWAY)
    reference.load(cells)
    reference.step(25)
    assert np.array_equal(simulation.snapshot().cells, reference.cells())
    # A hand-over that came out different is refused like any other.
    monkeypatch.setattr(_CEngine, "take_over", lambda self, other: self.load(np.zeros((40, 130), np.uint8)) or True)
    with pytest.raises(SwapMismatch, match="staying on bitsliced"):
        simulation.swap("c")
    assert np.array_equal(simulation.snapshot().cells, reference.cells())


def test_next_engine_cycles_through_the_available_ones(doubles, monkeypatch):
    unavailable = EngineInfo("jax", "test double", f"{__name__}:LosesTheBoard", lambda rule, options: "not here")
    monkeypatch.setitem(engines.ENGINES, "jax", unavailable)
    simulation = Simulation(soup())
    assert simulation.next_engine_name() == "c"  # jax, next in registry order, cannot run
    simulation.swap("c")
    assert simulation.next_engine_name() == "bitsliced"
    assert simulation.availability()["jax"].reason == "not here"


def test_reset_and_drawing_change_the_epoch():
    board = torus_board(load_pattern("glider"), (16, 16))
    simulation = Simulation(board)
    first = simulation.epoch
    simulation.step(5)
    simulation.reset()
    snapshot = simulation.snapshot()
    assert snapshot.generation == 0 and snapshot.epoch not in (first,)
    assert np.array_equal(snapshot.cells, board.cells)
    simulation.draw([(0, 0)], 1)
    assert simulation.snapshot().cells[0, 0] == 1 and simulation.snapshot().epoch not in (first, snapshot.epoch)
    assert Simulation(board).epoch not in (first, snapshot.epoch, simulation.epoch)  # unique across simulations


def test_checker_agrees_with_a_correct_engine():
    board = soup(2)
    checker = ReferenceChecker(CONWAY, board.topology)
    checker.baseline(board.cells, 0)
    engine = NumpyEngine(CONWAY)
    engine.load(board.cells)
    engine.step(37)
    verdict = checker.check(engine.cells(), 37)
    assert verdict.agrees and verdict.agreed_through == 37


def test_checker_finds_a_wrong_engine_and_the_cells():
    board = soup(3)
    checker = ReferenceChecker(CONWAY, board.topology)
    checker.baseline(board.cells, 0)
    wrong = WrongEngine(CONWAY)
    wrong.load(board.cells)
    right = NumpyEngine(CONWAY)
    right.load(board.cells)
    for generation in (1, 2, 3):
        wrong.step(1)
        right.step(1)
        verdict = checker.check(wrong.cells(), generation)
        if not verdict.agrees:
            break
    assert not verdict.agrees
    assert np.array_equal(verdict.differing, np.argwhere(wrong.cells() != right.cells()))
    assert verdict.agreed_through == verdict.generation - 1
    assert checker.check(wrong.cells(), verdict.generation + 5) is verdict


def test_checker_can_be_cancelled():
    board = soup(4)
    checker = ReferenceChecker(CONWAY, board.topology)
    checker.baseline(board.cells, 0)
    assert checker.check(board.cells, 1000, cancelled=lambda: True) is None


def test_checker_replays_to_the_first_differing_generation():
    class LateWrongEngine(NumpyEngine):
        """Right for five generations, then wrong: a cell appears in the corner."""

        def load(self, cells):
            super().load(cells)
            self.generation = 0

        def step(self, generations=1):
            for _ in range(generations):
                super().step(1)
                self.generation += 1
                if self.generation == 6:
                    self._cells[0, 0] ^= 1

    board = soup(5)
    checker = ReferenceChecker(CONWAY, board.topology)
    checker.baseline(board.cells, 0)
    engine = LateWrongEngine(CONWAY)
    engine.load(board.cells)
    engine.step(10)
    verdict = checker.check(engine.cells(), 10, replay=lambda: ArrayUniverse(LateWrongEngine(CONWAY), board.topology))
    assert (verdict.generation, verdict.agreed_through) == (6, 5)
    assert verdict.differing.tolist() == [[0, 0]]
    coarse = ReferenceChecker(CONWAY, board.topology)
    coarse.baseline(board.cells, 0)
    assert coarse.check(engine.cells(), 10).generation == 10


def test_a_window_promises_the_region_at_exactly_the_generation_asked_for():
    board = soup(6, (40, 70))
    simulation = Simulation(board)
    simulation.step(3)
    start, end = simulation.open_span(5, (30, 60, 20, 20))
    assert start.generation == 3 and start.region == (30, 60, 20, 20) and start.cells.shape == (20, 20)
    simulation.step(100)  # one call that passes generation 8 on its way to 103
    assert simulation.generation == 103
    reference = NumpyEngine(CONWAY)
    reference.load(board.cells)
    reference.step(8)
    assert np.array_equal(end.result(timeout=0), reference.window(30, 60, 20, 20))
    _, abandoned = simulation.open_span(5)
    simulation.reset()
    assert abandoned.result(timeout=0) is None


def test_a_sampled_window_agrees_with_a_correct_engine_and_catches_a_wrong_one_on_a_tile(monkeypatch):
    monkeypatch.setattr(checker_module, "TILE_SIDE", 24)
    board = soup(7, (90, 120))
    for engine, agrees in (("numpy", True), ("bitsliced", False)):
        monkeypatch.setitem(engines.ENGINES, "bitsliced", EngineInfo("bitsliced", "test double", WrongEngine))
        simulation = Simulation(board, engine)
        checker = ReferenceChecker(CONWAY, board.topology)
        checker.baseline(None, 0, simulation.shape)
        assert not checker.keeps_up(1)  # no whole board to catch up with: windows only
        region = check_region(simulation.box, True, 4, around=(45, 60))
        assert region[2:] == (32, 32)
        start, end = simulation.open_span(4, region)
        simulation.step(50)
        verdict = checker.check_span(start, partial(end.result, timeout=0), 4)
        assert verdict.agrees is agrees
        assert verdict.sampled.tile and verdict.sampled.length == 4 and verdict.sampled.latest == 4
        if not agrees:
            reference, wrong = NumpyEngine(CONWAY), WrongEngine(CONWAY)
            for each in (reference, wrong):
                each.load(board.cells)
                each.step(4)
            every = {tuple(place) for place in np.argwhere(reference.cells() != wrong.cells())}
            inside = {(row, column) for row, column in every if 33 <= row < 57 and 48 <= column < 72}
            assert {tuple(place) for place in verdict.differing} == inside


def test_the_checker_samples_windows_only_when_catching_up_would_take_too_long():
    board = soup(8)
    checker = ReferenceChecker(CONWAY, board.topology)
    checker.baseline(board.cells, 0)
    assert checker.keeps_up(10**9)  # speed unknown: it tries, and gives up after CATCH_UP_SECONDS
    engine = NumpyEngine(CONWAY)
    engine.load(board.cells)
    engine.step(20)
    assert checker.check(engine.cells(), 20).agreed_through == 20
    assert checker.cell_rate > 0
    assert checker.keeps_up(21) and not checker.keeps_up(10**12)
    assert checker.span_length(board.cells.size) >= 1


def test_a_huge_board_counts_its_population_for_frames_a_few_times_a_second(monkeypatch):
    monkeypatch.setattr(simulation_module, "COUNT_ALWAYS_CELLS", 100)  # this 40 x 50 board is "huge"
    simulation = Simulation(soup(9))
    first = simulation.snapshot((0, 0, 8, 8)).population
    simulation.step(5)
    recent = simulation.snapshot((0, 0, 8, 8))
    assert recent.population == first and not recent.population_current  # counted under COUNT_SECONDS ago
    exact = simulation.snapshot()  # the whole board: always counted
    assert exact.population == int(exact.cells.sum()) != first
    simulation.draw([(0, 0)], 1 - int(simulation.snapshot().cells[0, 0]))  # a new board: counted again at once
    assert simulation.snapshot((0, 0, 8, 8)).population == int(simulation.snapshot().cells.sum())
    monkeypatch.setattr(simulation_module, "COUNT_SECONDS", 0.0)
    simulation.step(1)
    assert simulation.snapshot((0, 0, 8, 8)).population == int(simulation.snapshot().cells.sum())


def test_an_interrupted_simulation_steps_nothing_until_resumed_unless_told_to():
    simulation = Simulation(soup())
    simulation.interrupt()
    assert simulation.step(5) == 0 and simulation.generation == 0
    assert simulation.step(2, interruptible=False) == 2  # a one-step key is not lost to another key
    simulation.resume()
    assert simulation.step(3) == 3 and simulation.generation == 5


def test_edits_and_resets_undo_and_redo_with_their_generations():
    board = torus_board(load_pattern("glider"), (16, 16))
    simulation = Simulation(board)
    simulation.step(3)
    at_three = simulation.snapshot().cells
    simulation.draw([(0, 0), (0, 1)], 1)  # a stroke: its first cells...
    simulation.draw([(0, 2)], 1, undoable=False)  # ...and the rest of it, one edit
    drawn = simulation.snapshot().cells
    simulation.step(2)
    simulation.reset()
    assert simulation.undo() and simulation.generation == 5  # back to before the reset
    epoch = simulation.epoch
    assert simulation.undo() and simulation.generation == 3 and np.array_equal(simulation.snapshot().cells, at_three)
    assert simulation.epoch != epoch  # a new board for the checker
    assert not simulation.undo()
    assert simulation.redo() and simulation.generation == 5
    assert simulation.undo() and simulation.redo() and simulation.redo() and simulation.generation == 0
    assert not simulation.redo()
    assert simulation.undo() and simulation.undo()
    simulation.draw([(5, 5)], 1)  # a new edit forgets what could be redone
    assert not simulation.redo()
    assert simulation.undo() and np.array_equal(simulation.snapshot().cells, at_three)
    assert drawn[0, :3].all()


class WrongFromGenerationFive(NumpyEngine):
    """Right, except on the step from `five` (r-pentomino's board at generation 5, wherever it lies on the
    engine's board): the corner cell of its live box comes out wrong. Wrong at one generation of the pattern,
    however many steps the engine has counted since it was loaded (a replay from a later board is wrong at
    the same generation as the run)."""

    five: np.ndarray

    def step(self, generations=1):
        for _ in range(generations):
            box = live_box(self._cells)
            before = None if box is None else self._cells[box[0] : box[0] + box[2], box[1] : box[1] + box[3]]
            is_five = before is not None and np.array_equal(before, WrongFromGenerationFive.five)
            super().step(1)
            if is_five:
                self._cells[box[0], box[1]] ^= 1


def live_cells_after(board, generations):
    """The pattern's live cells (their box only, on any topology) after `generations`, by numpy."""
    reference = create_universe("numpy", board.rule, board.topology)
    reference.load_pattern(board.pattern)
    reference.step(generations)
    cells = reference.live_cells()[0]
    top, left, height, width = live_box(cells)
    return cells[top : top + height, left : left + width]


@pytest.mark.parametrize("where", TOPOLOGIES)
def test_a_divergence_is_found_by_replaying_from_the_last_agreed_board_not_the_first(where, monkeypatch):
    monkeypatch.setitem(engines.ENGINES, "c", EngineInfo("c", "test double", WrongFromGenerationFive))
    board = board_on(where)
    monkeypatch.setattr(WrongFromGenerationFive, "five", live_cells_after(board, 5), raising=False)
    simulation = Simulation(board, "c")
    checker = ReferenceChecker(CONWAY, board.topology)
    start = simulation.snapshot()
    checker.baseline(start.cells, start.generation, start.shape, start.region[:2])

    def check():
        now = simulation.snapshot()
        replay = partial(create_universe, "c", CONWAY, board.topology)
        return checker.check(now.cells, now.generation, replay=replay, origin=now.region[:2])

    simulation.step(4)
    assert check().agreed_through == 4
    simulation.step(6)
    verdict = check()
    # The replay goes on from generation 4's board: the first generation that differs is 6, by one cell.
    assert (verdict.generation, verdict.agreed_through, len(verdict.differing)) == (6, 5, 1)


@pytest.mark.parametrize("corner", [(0, 0), (0, -1), (-1, 0), (-1, -1)])
@pytest.mark.parametrize("where", TOPOLOGIES)
def test_a_span_where_one_cell_differs_is_caught_wherever_the_cell_is(where, corner):
    board = board_on(where, "glider")
    simulation = Simulation(board)
    checker = ReferenceChecker(CONWAY, board.topology)
    checker.baseline(None, 0, simulation.shape)  # spans only
    top, left, height, width = simulation.whole
    start, end = simulation.open_span(3, None, 3)
    simulation.step(3)
    finished = end.result(timeout=0).copy()
    # A corner of the live box the span began from: compared on every topology, whatever the span's margins.
    row, column = (top + (height - 1 if corner[0] else 0), left + (width - 1 if corner[1] else 0))
    finished[row - start.region[0], column - start.region[1]] ^= 1
    verdict = checker.check_span(start, lambda: finished, 3)
    assert not verdict.agrees
    expected = np.array([row, column]) % board.topology.shape if board.topology.is_torus else [row, column]
    assert verdict.differing.tolist() == [list(expected)]


@pytest.mark.parametrize("where", TOPOLOGIES)
def test_the_checker_never_compares_a_board_edited_on_its_way_with_the_board_before(where):
    simulation = Simulation(board_on(where))
    snapshot, reads = simulation.snapshot, []

    def edited_on_the_way(*args):
        reads.append(args)
        if len(reads) == 2:  # after the checker took its baseline, before it compares: a click lands
            simulation.draw([(-10, -10)], 1)
        return snapshot(*args)

    simulation.snapshot = edited_on_the_way
    reports, rests = [], []
    checker = ReferenceChecker(CONWAY, simulation.topology)
    follow(simulation, checker, lambda: len(rests) >= 2, lambda verdict, epoch: reports.append((verdict, epoch)),
           rests.append, lambda: (0, 0))  # fmt: skip
    assert reports and all(verdict.agrees for verdict, _ in reports)
    assert reports[-1][0].checked and reports[-1][1] == simulation.epoch


def test_a_new_board_is_reported_unchecked_for_its_own_epoch_then_checked():
    simulation = Simulation(board_on("plane"), engine="numpy")
    reports, rests = [], []

    def rest(seconds):
        rests.append(seconds)
        simulation.step(3)

    follow(simulation, ReferenceChecker(CONWAY, simulation.topology), lambda: len(rests) >= 3,
           lambda verdict, epoch: reports.append((verdict, epoch)), rest, lambda: (0, 0))  # fmt: skip
    first, epoch = reports[0]
    assert not first.checked and epoch == simulation.epoch and first.agreed_through == 0
    assert reports[-1][0].checked and reports[-1][0].agreed_through == 6 and reports[-1][1] == simulation.epoch


def test_a_board_that_outgrows_whole_comparison_is_followed_in_sampled_spans(monkeypatch):
    import threading

    # The board starts small enough to compare whole; once its live box passes CATCH_UP_CELLS (made tiny
    # here) the checker must stop comparing it whole and check spans of it instead, which the engine's
    # own stepping (a thread, as the TUI's) fulfils.
    monkeypatch.setattr(checker_module, "CATCH_UP_CELLS", 200)
    simulation = Simulation(board_on("plane", "acorn"), engine="numpy")
    reports, rests, done = [], [], threading.Event()

    def engine():
        while not done.is_set() and simulation.generation < 5000:
            simulation.step(1)

    stepping = threading.Thread(target=engine)
    stepping.start()
    try:
        sampled = lambda: any(verdict.sampled is not None for verdict, _ in reports)  # noqa: E731
        follow(simulation, ReferenceChecker(CONWAY, simulation.topology), lambda: sampled() or len(rests) > 2000,
               lambda verdict, epoch: reports.append((verdict, epoch)), rests.append, lambda: (0, 0))  # fmt: skip
    finally:
        done.set()
        stepping.join()
    box = simulation.box
    assert box is not None and box[2] * box[3] > 200
    assert sampled() and all(verdict.agrees for verdict, _ in reports)


class ForgetsTheRule(NumpyEngine):
    """Steps Conway's Life whatever rule it was made for."""

    def __init__(self, rule, *args, **kwargs):
        super().__init__(CONWAY, *args, **kwargs)


@pytest.mark.parametrize("where", TOPOLOGIES)
def test_an_engine_that_forgets_the_rule_is_caught_at_the_first_generation_the_rule_matters(where, monkeypatch):
    from lifetui.patterns import parse_pattern
    from lifetui.rules import parse_rule
    from lifetui.world.board import board_for

    # HighLife first births a cell on six neighbours in this pattern's second generation: an engine stepping
    # Conway's Life instead agrees for one generation. The checker compares at generation 3 and replays, on
    # a fresh engine of the kind checked and the board's own rule, to the first generation that differs.
    double = EngineInfo("bitsliced", "test double", f"{__name__}:ForgetsTheRule")
    monkeypatch.setitem(engines.ENGINES, "bitsliced", double)
    pattern = parse_pattern(b"x = 4, y = 4, rule = B36/S23\nobbo$obbo$bobo$obob!\n", "highlife.rle", ".rle")
    suffix = "" if where == "plane" else f":{where}"
    board = board_for(pattern, plane=where == "plane", rule=parse_rule(f"B36/S23{suffix}"))
    simulation = Simulation(board, engine="bitsliced")
    reports, rests = [], []

    def rest(seconds):
        rests.append(seconds)
        simulation.step(3)

    follow(simulation, ReferenceChecker(board.rule, simulation.topology), lambda: len(rests) >= 2,
           lambda verdict, epoch: reports.append((verdict, epoch)), rest, lambda: (0, 0))  # fmt: skip
    verdict = reports[-1][0]
    assert not verdict.agrees
    assert (verdict.generation, verdict.agreed_through) == (2, 1) and len(verdict.differing) > 0


@pytest.mark.parametrize("torus", [False, True])
@pytest.mark.parametrize("rule", ["B3/S23", "R5,C0,M1,S34..58,B34..45,NM"])
def test_a_span_of_a_large_board_is_a_tile_with_a_margin_its_length_times_the_reach(torus, rule):
    from lifetui.rules import parse_rule
    from lifetui.world.topology import PLANE, Topology

    # Cells further than `length` x reach outside the compared tile cannot reach it in `length` generations:
    # the region the reference replays is the tile and that margin, centred where the user looks.
    parsed = parse_rule(rule).rule
    checker = ReferenceChecker(parsed, Topology.torus(4096, 4096) if torus else PLANE)
    region, length = checker.plan_span((0, 0, 3000, 3000), (1500, 1200))
    side = checker_module.TILE_SIDE + 2 * length * parsed.range
    assert length >= 1 and length * parsed.range <= checker_module.MAX_SPAN
    assert region == (1500 - side // 2, 1200 - side // 2, side, side)


@pytest.mark.parametrize("engine", ["numpy", "c"])
def test_put_lays_states_a_rule_lacks_as_live_cells(engine):
    """What p pastes can come from a board of more states (copied before o opened a two-state file): states 2
    and up went into numpy's board as they were, and its next step failed on them (IndexError)."""
    simulation = Simulation(torus_board(load_pattern("glider"), (32, 32)), engine)
    simulation.put(20, 20, np.array([[2, 3, 1]], dtype=np.uint8), replace=False)
    assert simulation.snapshot().cells[20, 20:23].tolist() == [1, 1, 1]
    simulation.step(1)
    assert simulation.generation == 1 and simulation.snapshot().cells.max() == 1
