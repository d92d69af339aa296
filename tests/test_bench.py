"""The benchmark: its JSON contract, a broken engine caught, the --seconds cap. No timing assertions."""

import json
import time
from dataclasses import replace

import numpy as np
import pytest

import lifetui.bench.measure as bench
import lifetui.engines as engines
from lifetui.engines import EngineInfo
from lifetui.engines.numpy_engine import NumpyEngine
from lifetui.rules import CONWAY
from lifetui.world.board import Board


class OffByOneEngine(NumpyEngine):
    """Steps one generation too many whenever asked for more than one."""

    def step(self, generations=1):
        super().step(generations + (generations > 1))


class SlowEngine(NumpyEngine):
    def step(self, generations=1):
        time.sleep(0.01 * generations)
        super().step(generations)


@pytest.fixture
def doubles(monkeypatch):
    for name, factory in (("c", "OffByOneEngine"), ("bitsliced", "SlowEngine")):
        monkeypatch.setitem(engines.ENGINES, name, EngineInfo(name, "test double", f"{__name__}:{factory}"))


def test_json_has_every_documented_field(lifetui):
    result = lifetui("r-pentomino", "--bench", "--size", "64x64", "--steps", "40", "--json")
    assert result.code == 0, result.err
    document = json.loads(result.out)
    assert {"pattern", "rule", "width", "height", "steps", "machine", "engines"} <= set(document)
    assert set(document["machine"]) == {"cpu", "cores", "compiler"}
    assert (document["width"], document["height"], document["steps"]) == (64, 64, 40)
    names = [entry["engine"] for entry in document["engines"]]
    assert names == ["numpy", "jax", "c", "bitsliced", "hashlife", "xla", "ltl"]
    ran = [entry for entry in document["engines"] if entry["engine"] != "ltl"]  # ltl runs Larger than Life only
    for entry in ran:
        assert {"engine", "available", "steps", "seconds", "gens_per_s", "cell_updates_per_s", "population",
                "matches_reference"} <= set(entry)  # fmt: skip
        assert entry["available"] and entry["steps"] == 40 and entry["matches_reference"] is True
    assert document["engines"][-1]["available"] is False and "Larger than Life" in document["engines"][-1]["reason"]
    populations = {entry["population"] for entry in ran}
    assert len(populations) == 1


def test_unavailable_engines_give_their_reason(lifetui):
    result = lifetui("highlife-replicator", "--bench", "--size", "32x32", "--steps", "8", "--json")
    entries = {entry["engine"]: entry for entry in json.loads(result.out)["engines"]}
    assert entries["jax"]["available"] is False
    assert "lifetui train --rule B36/S23" in entries["jax"]["reason"]
    assert entries["bitsliced"]["matches_reference"] is True


def test_a_broken_engine_is_reported_and_fails_the_run(lifetui, doubles):
    result = lifetui("acorn", "--bench", "--engine", "numpy", "--engine", "c", "--size", "48x48", "--steps", "30")
    assert result.code == 1
    assert "c does NOT match the numpy reference" in result.out
    as_json = lifetui("acorn", "--bench", "--engine", "c", "--size", "48x48", "--steps", "30", "--json")
    assert as_json.code == 1
    assert json.loads(as_json.out)["engines"][0]["matches_reference"] is False


def test_seconds_caps_a_slow_engine_and_its_board_is_still_checked(lifetui, doubles):
    result = lifetui("acorn", "--bench", "--engine", "bitsliced", "--steps", "100000", "--seconds", "0.3",
                     "--size", "32x32", "--json")  # fmt: skip
    entry = json.loads(result.out)["engines"][0]
    assert 0 < entry["steps"] < 100000
    assert entry["matches_reference"] is True and entry["trials"] == 1
    assert result.code == 0


def test_short_runs_are_repeated_and_the_median_reported(lifetui):
    result = lifetui("acorn", "--bench", "--engine", "bitsliced", "--steps", "50", "--size", "64x64", "--json")
    entry = json.loads(result.out)["engines"][0]
    # 50 generations of 64x64 take microseconds: the trials run until a second or the most allowed.
    assert entry["trials"] == bench.MAX_TRIALS
    assert entry["steps"] == 50 and entry["matches_reference"] is True


def test_seed_experiment_reports_our_figures_beside_the_published_ones(lifetui, monkeypatch):
    import lifetui.bench.report as report

    monkeypatch.setattr(report, "SEED_EXPERIMENT_SIZE", 64)
    result = lifetui("glider", "--bench", "--seed-experiment", "--steps", "20")
    assert result.code == 0, result.err
    assert "published (the 2025 blog post's laptop): jax network 14 gen/s, compiled C 24,400" in result.out
    assert "lifetui (this machine" in result.out
    as_json = json.loads(lifetui("glider", "--bench", "--seed-experiment", "--steps", "20", "--json").out)
    assert [entry["engine"] for entry in as_json["engines"]] == list(engines.ENGINES)  # all, as the docs say
    assert as_json["published"]["speedup"] == 1744.0


def test_the_table_keeps_every_number_whole_without_a_terminal(lifetui):
    result = lifetui("r-pentomino", "--bench", "--size", "4096x64", "--steps", "3", "--engine", "numpy")
    assert result.code == 0, result.err
    assert "…" not in result.out
    row = next(line for line in result.out.splitlines() if line.startswith("│ numpy"))
    cells = [cell.strip() for cell in row.split("│")[1:-1]]
    assert cells[0] == "numpy" and cells[5:7] == ["yes", "3"] and cells[7].endswith("s")
    assert float(cells[2]) > 0  # cell updates a second, in full: not cut to "1.…"


def test_reference_replay_compares_at_each_engines_own_generation():
    from lifetui.bench.measure import run_bench

    cells = (np.random.default_rng(0).random((20, 20)) < 0.4).astype(np.uint8)
    results = run_bench(Board.of_cells(CONWAY, cells), ["numpy", "bitsliced"], steps=17)
    assert [r.matches_reference for r in results] == [True, True]
    assert results[0].population == results[1].population


def test_an_inexact_kernel_is_refused_unless_allowed_and_then_marked(lifetui, tmp_path):
    from lifetui.model.gates import PASS_A
    from lifetui.model.kernels import save_kernel
    from lifetui.model.network import Network

    # "The next state is the centre": wrong for B3/S23 on 228 neighbourhoods.
    save_kernel(tmp_path / "still", Network([np.array([4])], [np.array([0])], [np.eye(16, dtype=np.float32)[[PASS_A]]]),
                {"rule": "B3/S23"})  # fmt: skip
    common = ("r-pentomino", "--bench", "--size", "32x32", "--steps", "5", "--model", str(tmp_path / "still"))
    refused = json.loads(lifetui(*common, "--engine", "jax", "--engine", "c", "--json").out)["engines"]
    for result in refused:
        assert not result["available"] and "wrong on 228 of 512" in result["reason"]
        assert "--allow-inexact" in result["reason"]
    allowed = lifetui(*common, "--engine", "c", "--allow-inexact", "--json")
    assert allowed.code == 1  # it runs, and disagrees with numpy
    [result] = json.loads(allowed.out)["engines"]
    assert result["inexact"] == 228 and result["matches_reference"] is False
    table = lifetui(*common, "--engine", "c", "--allow-inexact")
    assert "c ran an inexact kernel (--allow-inexact): wrong on 228 of 512 neighbourhoods" in table.out


class ThrottledEngine(NumpyEngine):
    """Each trial (a load starts one) is slower or faster than the last: 10, 50 then 30 ms a generation of
    the bench's clock (FAKE_CLOCK, the only one it reads in the test), none of the machine's."""

    delays = (0.01, 0.05, 0.03)

    def load(self, cells):
        super().load(cells)
        self.trial = getattr(self, "trial", -1) + 1

    def step(self, generations=1):
        FAKE_CLOCK[0] += self.delays[self.trial % 3] * generations
        super().step(generations)


FAKE_CLOCK = [0.0]


def test_the_median_trial_is_reported_not_the_fastest(monkeypatch):
    monkeypatch.setattr(bench, "MAX_TRIALS", 3)
    monkeypatch.setattr(bench.time, "perf_counter", lambda: FAKE_CLOCK[0])  # however busy the machine is
    monkeypatch.setitem(engines.ENGINES, "c", EngineInfo("c", "test double", ThrottledEngine))
    cells = (np.random.default_rng(1).random((16, 16)) < 0.4).astype(np.uint8)
    [result] = bench.run_bench(Board.of_cells(CONWAY, cells), ["c"], steps=2)
    assert result.trials == 3
    assert result.gens_per_s == round(1 / 0.03, 2)  # the 30 ms trial: not the 10 ms (fastest) nor the 50 ms


def test_a_run_too_quick_for_the_clock_to_see_reports_no_speed_not_a_crash(monkeypatch):
    monkeypatch.setattr(bench.time, "perf_counter", lambda: 42.0)  # a clock that never moves
    cells = (np.random.default_rng(1).random((16, 16)) < 0.4).astype(np.uint8)
    [result] = bench.run_bench(Board.of_cells(CONWAY, cells), ["numpy"], steps=3)
    assert result.steps == 3 and result.gens_per_s == 0 and result.matches_reference is True


def test_engines_cut_short_are_compared_at_their_own_generation_whatever_their_order(monkeypatch):
    cells = (np.random.default_rng(2).random((20, 20)) < 0.4).astype(np.uint8)
    # numpy runs all 60; bitsliced after it (a second of the bench's clock a generation) is cut short by the
    # seconds cap, so the reference must be replayed in order of generations, not of the engines.
    real = time.perf_counter
    monkeypatch.setattr(bench.time, "perf_counter", lambda: real() + CLOCK[0])
    monkeypatch.setitem(engines.ENGINES, "bitsliced", EngineInfo("bitsliced", "test double", SlowByTheClockEngine))
    results = bench.run_bench(Board.of_cells(CONWAY, cells), ["numpy", "bitsliced"], steps=60, seconds_cap=5.0)
    full, slow = results
    assert slow.steps < full.steps == 60
    assert slow.matches_reference is True and full.matches_reference is True


class OneTooManyEngine(NumpyEngine):
    """Steps one generation too many on every call (a bounded grid steps one generation a call)."""

    def step(self, generations=1):
        super().step(generations + 1)


def test_one_bench_for_every_topology_catches_a_broken_engine_on_each(doubles, monkeypatch):
    # The same trials and the same check on a torus, a bounded grid, a tube and the plane: the broken engine
    # (registered as c) disagrees on each, and numpy and the slow double (bitsliced) agree.
    monkeypatch.setitem(engines.ENGINES, "c", EngineInfo("c", "test double", OneTooManyEngine))
    from lifetui.patterns import load_pattern
    from lifetui.rules import parse_rule
    from lifetui.world.board import board_for, torus_board

    pattern = load_pattern("r-pentomino")
    boards = [
        torus_board(pattern, (32, 32)),
        torus_board(pattern, rule=parse_rule("B3/S23:P30,20")),
        board_for(pattern, rule=parse_rule("B3/S23:T0,24")),
        board_for(pattern, plane=True),
    ]
    for board in boards:
        numpy, wrong, slow = bench.run_bench(board, ["numpy", "c", "bitsliced"], steps=6)
        assert numpy.available and wrong.available and slow.available, board.topology
        assert (numpy.matches_reference, wrong.matches_reference, slow.matches_reference) == (True, False, True)
        fixed = not board.topology.has_free_axis
        assert (numpy.cell_updates_per_s is not None) == fixed
        assert numpy.checked == ("board" if fixed else "the reference")


class SlowByTheClockEngine(NumpyEngine):
    """Each generation takes a second of the bench's clock (CLOCK, added to the real one), none of the machine's:
    a cut short by --seconds that no load on the machine can move."""

    def step(self, generations=1):
        super().step(generations)
        CLOCK[0] += generations


CLOCK = [0.0]


def test_off_a_torus_engines_cut_short_are_unchecked_and_the_rest_compared_with_the_furthest(monkeypatch):
    from lifetui.patterns import load_pattern
    from lifetui.world.board import board_for

    real = time.perf_counter
    monkeypatch.setattr(bench.time, "perf_counter", lambda: real() + CLOCK[0])
    monkeypatch.setitem(engines.ENGINES, "bitsliced", EngineInfo("bitsliced", "test double", SlowByTheClockEngine))
    board = board_for(load_pattern("r-pentomino"), plane=True)
    fast, slow = bench.run_bench(board, ["numpy", "bitsliced"], steps=200, seconds_cap=5.0)
    assert slow.steps < fast.steps == 200
    assert fast.matches_reference is True and fast.checked == "the reference"
    assert slow.matches_reference is None and slow.checked == "against numpy"
    assert bench.default_engines(board) == ["hashlife"]
    assert bench.default_steps(board, ["hashlife"]) == bench.DEFAULT_FREE_STEPS
    assert bench.default_steps(board, ["numpy", "hashlife"]) == 2**30 // (256 * 256)


class WrongAtTheCorner(NumpyEngine):
    """Right, except that the torus's corner cell, where a tile across the wrap sees it, comes out wrong."""

    def step(self, generations=1):
        super().step(generations)
        self._cells[0, 0] ^= 1


@pytest.mark.parametrize("shape", [(64, 64), (96, 64), (64, 96)], ids=["square", "tall", "wide"])
def test_tiles_are_compared_at_the_engines_generation_and_one_crosses_the_wrap(shape, monkeypatch):
    monkeypatch.setattr(bench, "TILE", 16)  # four tiles of 16 x 16 on a board of 64 or 96 a side
    monkeypatch.setitem(engines.ENGINES, "jax", EngineInfo("jax", "test double", WrongAtTheCorner))
    board = Board.of_cells(CONWAY, (np.random.default_rng(4).random(shape) < 0.35).astype(np.uint8))
    tiles = bench.CheckPlan("tiles")

    def keep(universe):
        return bench.final_cells(universe, board, tiles)

    for name, agrees in (("numpy", True), ("c", True), ("bitsliced", True), ("jax", False)):
        result, final = bench.bench_engine(name, board, 7, None, bench.DEFAULT_OPTIONS, lambda name, done: None, keep)
        bench.check(board, [result], {name: final}, tiles)
        assert result.checked == "tiles" and result.matches_reference is agrees, name


def test_the_check_plan_replays_everything_it_can_and_else_the_last_generations_it_can(monkeypatch):
    board = Board.of_cells(CONWAY, np.zeros((512, 512), dtype=np.uint8))
    assert bench.plan_check(board, 4096, whole=True) == bench.CheckPlan("board")  # the default steps: all of them
    assert bench.plan_check(board, 20, whole=False) == bench.CheckPlan("tiles")  # numpy cannot hold it: tiles
    # A million generations: the whole board's last 8,000 or so, more than tiles could (their margin would wrap).
    plan = bench.plan_check(board, 1_000_000, whole=True)
    assert plan is not None and plan.compared == "board" and 990_000 < plan.start < 995_000
    generations = 1_000_000 - plan.start
    assert generations * (512 * 512 + bench.GENERATION_CELLS) <= bench.CHECK_CELL_UPDATES
    assert (generations + 1) * (512 * 512 + bench.GENERATION_CELLS) > bench.CHECK_CELL_UPDATES
    huge = Board.of_cells(CONWAY, np.zeros((4096, 4096), dtype=np.uint8))
    plan = bench.plan_check(huge, 1000, whole=True)  # issue 33's board took minutes: tiles' last generations now
    assert plan is not None and plan.compared == "tiles" and 0 < plan.start < 1000
    monkeypatch.setattr(bench, "CHECK_CELL_UPDATES", 100)
    assert bench.plan_check(board, 10, whole=True) is None  # not one generation fits: unchecked, said so


@pytest.mark.parametrize("spare", [0, 1])
def test_tiles_are_checked_while_their_margin_fits_round_the_torus_and_not_a_cell_more(spare):
    # A tile's surroundings reach `steps` + 1 cells out on every side: on a torus exactly that wide the window
    # is the whole axis once round, still a true picture of what can reach the tile; a cell more steps and
    # it would reach round to itself, and the plan falls back to the last generations that fit.
    steps = 30
    side = bench.TILE + 2 * (steps + 1)
    board = Board.of_cells(CONWAY, np.zeros((side - spare, side + 7), dtype=np.uint8))
    plan = bench.plan_check(board, steps, whole=False)
    assert plan == (bench.CheckPlan("tiles") if spare == 0 else bench.CheckPlan("tiles", 1))


def test_a_long_bench_checks_its_last_generations_and_catches_an_engine_wrong_in_them(monkeypatch):
    monkeypatch.setattr(bench, "CHECK_CELL_UPDATES", 40 * (64 * 64 + bench.GENERATION_CELLS))  # 40 generations
    monkeypatch.setitem(engines.ENGINES, "jax", EngineInfo("jax", "test double", WrongAtTheCorner))
    board = Board.of_cells(CONWAY, (np.random.default_rng(5).random((64, 64)) < 0.35).astype(np.uint8))
    steps = 300
    start = bench.plan_check(board, steps, whole=True).start
    assert start == 260
    results = {result.engine: result for result in bench.run_bench(board, ["numpy", "c", "xla", "jax"], steps=steps)}
    for name, agrees in (("numpy", True), ("c", True), ("xla", True), ("jax", False)):
        result = results[name]
        assert result.steps == steps and result.checked_from == start, name
        assert result.checked == f"board from generation {start:,}" and result.matches_reference is agrees, name
    reference = NumpyEngine(CONWAY)
    reference.load(board.cells)
    reference.step(steps)
    assert results["c"].population == reference.population()  # the timed run itself went the whole way


def test_a_board_the_reference_cannot_hold_checks_its_tiles_last_generations_from_the_engines_board(monkeypatch):
    # The reference cannot hold the board (as on a huge torus), so tiles are compared; not all 100 generations
    # of their light cones fit the budget, so the replay starts from each engine's own tiles at generation 70.
    monkeypatch.setattr(bench, "TILE", 16)

    def cost(generations):
        return bench.TILES * ((16 + 2 * (generations + 1)) ** 2 + bench.GENERATION_CELLS) * generations

    monkeypatch.setattr(bench, "CHECK_CELL_UPDATES", cost(30))
    real = bench.availability

    def reference_cannot_hold_it(name, *args, **kwargs):
        status = real(name, *args, **kwargs)
        return replace(status, available=False) if name == "numpy" else status

    monkeypatch.setattr(bench, "availability", reference_cannot_hold_it)
    monkeypatch.setitem(engines.ENGINES, "jax", EngineInfo("jax", "test double", WrongAtTheCorner))
    board = Board.of_cells(CONWAY, (np.random.default_rng(6).random((128, 128)) < 0.35).astype(np.uint8))
    assert bench.plan_check(board, 100, whole=False) == bench.CheckPlan("tiles", 70)
    results = {result.engine: result for result in bench.run_bench(board, ["c", "jax"], steps=100)}
    for name, agrees in (("c", True), ("jax", False)):
        result = results[name]
        assert result.checked == "tiles from generation 70" and result.checked_from == 70, name
        assert result.matches_reference is agrees, name


def test_an_engine_stopped_by_seconds_before_the_check_starts_is_checked_from_the_start_or_unchecked(monkeypatch):
    monkeypatch.setattr(bench, "CHECK_CELL_UPDATES", 30 * (20 * 20 + bench.GENERATION_CELLS))  # 30 generations
    monkeypatch.setitem(engines.ENGINES, "bitsliced", EngineInfo("bitsliced", "test double", SlowEngine))
    board = Board.of_cells(CONWAY, (np.random.default_rng(2).random((20, 20)) < 0.4).astype(np.uint8))
    [slow] = bench.run_bench(board, ["bitsliced"], steps=500, seconds_cap=0.05)  # 10 ms a generation
    assert slow.steps < 30 and slow.checked == "board" and slow.matches_reference is True
    [slow] = bench.run_bench(board, ["bitsliced"], steps=500, seconds_cap=0.5)
    assert 30 < slow.steps < 400 and slow.matches_reference is None
    assert slow.checked.startswith("unchecked: stopped by --seconds before generation ")


def test_the_published_experiment_needs_no_pattern(lifetui, monkeypatch):
    import lifetui.bench.report as report

    monkeypatch.setattr(report, "SEED_EXPERIMENT_SIZE", 64)
    result = lifetui("--bench", "--seed-experiment", "--engine", "c", "--steps", "20", "--json")
    assert result.code == 0, result.err
    document = json.loads(result.out)
    assert document["pattern"] == "random 64x64 soup (seed 2025)" and document["engines"][0]["matches_reference"]
    missing = lifetui("--bench", "--engine", "c")
    assert missing.code == 2 and "Missing argument 'PATTERN'" in missing.err


class Terminal:
    """Standard error as a terminal: what rich draws there, kept."""

    def __init__(self):
        self.text = []

    def isatty(self):
        return True

    def write(self, text):
        self.text.append(text)
        return len(text)

    def flush(self):
        pass


@pytest.mark.parametrize("terminal", [True, False], ids=["terminal", "pipe"])
def test_progress_shows_on_a_terminal_only(lifetui, monkeypatch, terminal):
    import sys

    import lifetui.bench.report as report

    monkeypatch.setattr(report, "SEED_EXPERIMENT_SIZE", 64)
    monkeypatch.setattr(bench, "CHECK_CELL_UPDATES", 40 * (64 * 64 + bench.GENERATION_CELLS))  # checks the last 40
    stderr = Terminal()
    if terminal:
        monkeypatch.setattr(sys, "stderr", stderr)
    result = lifetui("--bench", "--seed-experiment", "--engine", "c", "--steps", "300")
    assert result.code == 0
    drawn = "".join(stderr.text) + result.err
    if terminal:
        assert "generations" in drawn and "checking c: " in drawn and "of numpy from its board at" in drawn
    else:
        assert drawn == ""
