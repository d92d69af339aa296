"""The hashlife engine: Gosper's algorithm in C, checked against numpy on every rule kind and torus shape."""

import json
import subprocess
import sys

import numpy as np
import pytest
from conftest import assert_follows_numpy, random_isotropic_rule
from hypothesis import given, settings
from hypothesis import strategies as st

from lifetui.compiler.build import missing_compiler_reason
from lifetui.engines import availability, create_engine, power_of_two_sides
from lifetui.engines.hashlife_engine import HashlifeUnavailable
from lifetui.engines.numpy_engine import NumpyEngine
from lifetui.patterns import load_pattern
from lifetui.rules import CONWAY, Rule, parse_rule
from lifetui.world.topology import PLANE
from lifetui.world.universe import create_universe, live_box

pytestmark = pytest.mark.skipif(missing_compiler_reason() is not None, reason="no C compiler here")


def soup(shape, seed, density=0.35):
    return (np.random.default_rng(seed).random(shape) < density).astype(np.uint8)


GLIDER = load_pattern("glider").to_array()


@pytest.mark.parametrize("text", ["B3/S23", "B36/S23", "B2-a/S12", "B0/S8", "B012345678/S", "B1357/S1357"])
@pytest.mark.parametrize("shape", [(16, 16), (64, 32), (8, 128), (1, 2), (256, 256)])
def test_hashlife_follows_numpy(text, shape):
    rule = parse_rule(text).rule
    # steps of every size: one generation, odd counts, and more than half the torus at once
    assert_follows_numpy(create_engine("hashlife", rule), soup(shape, sum(shape)), rule, [1, 1, 2, 3, 7, 64, 200])


@pytest.mark.parametrize("seed", range(2))
def test_hashlife_runs_random_isotropic_and_map_rules(seed):
    rules = [
        random_isotropic_rule(seed),
        Rule.from_table(np.random.default_rng(seed).integers(0, 2, 512).astype(np.uint8)),
    ]
    for rule in rules:
        assert_follows_numpy(create_engine("hashlife", rule), soup((32, 64), seed), rule, [1, 5, 30])


@settings(max_examples=20, deadline=None)
@given(st.integers(0, 6), st.integers(0, 6), st.integers(0, 2**32 - 1), st.integers(0, 300))
def test_any_power_of_two_torus_and_any_jump(height_bits, width_bits, seed, generations):
    shape = (1 << height_bits, 1 << width_bits)
    cells = soup(shape, seed)
    engine, reference = create_engine("hashlife", CONWAY), NumpyEngine(CONWAY)
    engine.load(cells)
    reference.load(cells)
    engine.step(generations)
    reference.step(generations)
    assert np.array_equal(engine.cells(), reference.cells())
    assert engine.population() == int(reference.cells().sum())


def test_a_window_wraps_around_the_torus():
    cells = soup((32, 64), 3)
    engine = create_engine("hashlife", CONWAY)
    engine.load(cells)
    for top, left, height, width in [(0, 0, 32, 64), (30, 60, 5, 9), (-3, -70, 40, 130), (7, 7, 1, 1)]:
        expected = np.roll(np.roll(np.tile(cells, (3, 4)), -top, axis=0), -left, axis=1)[:height, :width]
        assert np.array_equal(engine.window(top, left, height, width), expected)


def test_a_long_jump_costs_little_on_a_big_torus():
    side = 4096
    cells = np.zeros((side, side), dtype=np.uint8)
    cells[100:103, 100:103] = [[0, 1, 0], [0, 0, 1], [1, 1, 1]]  # a glider: back home every 4 * side generations
    engine = create_engine("hashlife", CONWAY)
    engine.load(cells)
    engine.step(4 * side * 1000)  # 16 million generations: far beyond any grid engine in a test
    assert np.array_equal(engine.window(95, 95, 15, 15), cells[95:110, 95:110]) and engine.population() == 5
    assert engine.describe() == ("Method", "HashLife: a hashed quadtree whose squares remember their future")
    assert 0 < engine.nodes() < 100_000  # a glider's few squares, over and over


def test_another_shape_is_refused_with_a_size_that_fits():
    assert power_of_two_sides(256, 512) is None and power_of_two_sides(1, 1) is None
    assert "not 500x300; try --size 512x512" in power_of_two_sides(300, 500)
    with pytest.raises(HashlifeUnavailable, match="powers of two"):
        create_engine("hashlife", CONWAY).load(np.zeros((30, 40), dtype=np.uint8))


def test_hashlife_on_the_command_line(lifetui):
    assert availability("hashlife", CONWAY).available
    run = lifetui("run", "r-pentomino", "--steps", "1103", "--size", "128x128", "--engine", "hashlife", "--json")
    reference = lifetui("run", "r-pentomino", "--steps", "1103", "--size", "128x128", "--engine", "numpy", "--json")
    assert run.code == 0 and json.loads(run.out)["population"] == json.loads(reference.out)["population"]
    refused = lifetui("run", "r-pentomino", "--steps", "5", "--size", "100x80", "--engine", "hashlife")
    assert refused.code == 1 and refused.err.count("\n") == 1 and "try --size 128x128" in refused.err


def test_garbage_is_collected_under_the_limit_and_a_board_too_big_for_it_is_refused(monkeypatch):
    import lifetui.engines.hashlife_engine as hashlife_engine
    from lifetui.errors import LifeError

    unlimited = create_engine("hashlife", CONWAY)
    assert_follows_numpy(unlimited, soup((128, 128), 9), CONWAY, [1, 40, 3, 100, 1, 250])
    monkeypatch.setattr(hashlife_engine, "max_nodes", lambda: 1000)
    engine = create_engine("hashlife", CONWAY)
    assert_follows_numpy(engine, soup((128, 128), 9), CONWAY, [1, 40, 3, 100, 1, 250])  # collected on the way
    assert engine.nodes() < unlimited.nodes() / 3
    monkeypatch.setattr(hashlife_engine, "max_nodes", lambda: 10)
    with pytest.raises(LifeError, match="needs more than 10 nodes to load"):
        create_engine("hashlife", CONWAY).load(soup((128, 128), 2))
    monkeypatch.setattr(hashlife_engine, "max_nodes", lambda: 2000)
    crowded = create_engine("hashlife", CONWAY)
    cells = soup((256, 256), 2)
    crowded.load(cells)
    with pytest.raises(LifeError, match="nodes even after collecting garbage.*stopped after 0 of the 1,000") as stop:
        crowded.step(1000)  # a chaotic soup: far more distinct squares than 2,000
    assert stop.value.done == 0  # the first jump (512) failed whole: the board is the one it started from
    assert crowded.holds(cells) and crowded.population() == int(cells.sum())  # not partly advanced


@pytest.mark.parametrize("text", ["B3/S23", "B0/S8", "B36/S23"])
def test_jumps_far_longer_than_the_torus_is_wide(text):
    rule = parse_rule(text).rule
    # steps beyond half the side come from tilings of the torus many levels up
    assert_follows_numpy(create_engine("hashlife", rule), soup((16, 32), 7), rule, [300, 4097, 12345])


def test_a_trillion_generations_on_a_small_torus_is_a_few_steps():
    side = 256
    cells = np.zeros((side, side), dtype=np.uint8)
    cells[100:103, 100:103] = [[0, 1, 0], [0, 0, 1], [1, 1, 1]]  # a glider: home again every 4 * 256 generations
    engine = create_engine("hashlife", CONWAY)
    engine.load(cells)
    engine.step(10**12)  # a multiple of 1,024
    assert engine.holds(cells)
    engine.step(2**60)  # the longest single step, and a multiple of 1,024 too
    assert engine.holds(cells)


@pytest.mark.parametrize("shape", [(16, 4096), (4096, 16), (8, 512), (64, 32)])
def test_a_thin_torus_is_tiled_by_the_quadtree_and_runs_like_numpy(shape):
    cells = (np.random.default_rng(sum(shape)).random(shape) < 0.3).astype(np.uint8)
    assert_follows_numpy(create_engine("hashlife", CONWAY), cells, CONWAY, [1, 2, 13, 64])


def test_a_thin_torus_loads_without_a_square_copy_of_itself():
    import tracemalloc

    cells = np.zeros((8, 65536), dtype=np.uint8)
    cells[3, ::7] = 1
    engine = create_engine("hashlife", CONWAY)
    tracemalloc.start()
    try:
        engine.load(cells)  # held as a 65536-square: tiled in numpy, that was 4 GiB
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 16 * 2**20
    assert engine.population() == int(cells.sum()) and np.array_equal(engine.window(3, 0, 1, 700), cells[3:4, :700])


def test_populations_past_two_to_the_64_are_counted_exactly():
    from lifetui.patterns.macrocell import read_macrocell
    from lifetui.rules import parse_rule
    from lifetui.world.topology import PLANE
    from lifetui.world.universe import create_universe

    # A fully live square 2^32 cells a side, from a few lines of macrocell: 2^64 cells, one more than a node holds.
    lines = ["[M2] (lifetui)", "#R B3/S23", "$".join(["********"] * 8) + "$"]
    lines += [f"{level} {level - 3} {level - 3} {level - 3} {level - 3}" for level in range(4, 33)]
    square = read_macrocell("\n".join(lines) + "\n")
    plane = create_universe("hashlife", CONWAY, PLANE)
    plane.load_pattern(square)
    assert plane.population() == 1 << 64
    # One cell under a rule that fills its neighbourhood: a square of side 2^32 + 1 after 2^31 generations.
    rule = parse_rule("B12345678/S012345678").rule
    growing = create_universe("hashlife", rule, PLANE)
    growing.load(np.ones((1, 1), dtype=np.uint8))
    growing.step(1 << 31)
    assert growing.population() == ((1 << 32) + 1) ** 2
    assert growing.extent() == (-(1 << 31), -(1 << 31), (1 << 32) + 1, (1 << 32) + 1)


def framed_square(level: int) -> str:
    """A macrocell square 2^level cells a side whose border cells are live: a few lines a level."""
    leaves = {"TL": ["********"] + ["*"] * 7, "T": ["********"] + [""] * 7, "TR": ["********"] + [".......*"] * 7,
              "L": ["*"] * 8, "R": [".......*"] * 8, "BL": ["*"] * 7 + ["********"], "B": [""] * 7 + ["********"],
              "BR": [".......*"] * 7 + ["********"]}  # fmt: skip
    shapes = {"TL": ("TL", "T", "L", 0), "T": ("T", "T", 0, 0), "TR": ("T", "TR", 0, "R"),
              "L": ("L", 0, "L", 0), "R": (0, "R", 0, "R"), "BL": ("L", 0, "BL", "B"), "B": (0, 0, "B", "B"),
              "BR": (0, "R", "B", "BR")}  # fmt: skip
    lines, number = ["[M2] (lifetui)", "#R B3/S23"], {}
    for name, rows in leaves.items():
        lines.append("$".join(rows) + "$")
        number[name] = len(lines) - 2
    for below in range(4, level):
        # Below the root only its four corners are read: an edge square made there would be part of no node.
        wanted = shapes if below < level - 1 else {name: shapes[name] for name in ("TL", "TR", "BL", "BR")}
        number = {name: lines.append(f"{below} " + " ".join(str(number[k]) if k else "0" for k in kids))
                  or len(lines) - 2 for name, kids in wanted.items()}  # fmt: skip
    lines.append(f"{level} {number['TL']} {number['TR']} {number['BL']} {number['BR']}")
    return "\n".join(lines) + "\n"


def test_the_live_box_costs_the_nodes_along_its_edges_not_their_length():
    from lifetui.patterns.macrocell import read_macrocell
    from lifetui.world.topology import PLANE
    from lifetui.world.universe import create_universe

    # Live cells along every edge of a square 2^56 cells a side (a few KB of macrocell): following the edges
    # cell by cell would never end; the search takes each distinct node once.
    plane = create_universe("hashlife", CONWAY, PLANE)
    plane.load_pattern(read_macrocell(framed_square(56)))
    side = 1 << 56
    assert plane.extent() == (-(side // 2), -(side // 2), side, side)
    assert plane.population() == 4 * side - 4
    plane.step(1)
    top, left, height, width = plane.extent()
    assert (top, left) == (-(side // 2) - 1, -(side // 2) - 1) and height == width == side + 2


INSIDE_A_LONG_JUMP = """
import os, signal, sys, threading, time
import numpy as np
from lifetui.engines import create_engine
from lifetui.engines.base import Interrupted
from lifetui.rules import CONWAY

signal.signal(signal.SIGINT, signal.default_int_handler)  # a background job's shell ignores it
engine = create_engine("hashlife", CONWAY)
cells = (np.random.default_rng(1).random((1024, 1024)) < 0.4).astype(np.uint8)
engine.load(cells)
start = engine.nodes()

def stop_it():  # once the jump is well under way inside the C (its nodes multiply), not before
    while engine.nodes() < start + 300_000:
        time.sleep(0.001)
    {stop}

threading.Thread(target=stop_it, daemon=True).start()
try:
    engine.step(1 << 40)  # one jump: hours of work on a chaotic soup
except {caught} as stopped:
    print("stopped", getattr(stopped, "done", 0), engine.holds(cells))
"""


@pytest.mark.parametrize(
    ("stop", "caught"),
    [
        ("os.kill(os.getpid(), signal.SIGINT)", "KeyboardInterrupt"),
        ("engine.interrupted = lambda: True; engine.wake()", "Interrupted"),
    ],
)
def test_a_long_jump_gives_up_soon_on_ctrl_c_or_a_wake(stop, caught, tmp_path):
    # Inside one C call: Ctrl-C reaches it through the signal wake-up descriptor, a key (the TUI's pause)
    # through wake(); the board is the one the jump started from. Without that, this would run for hours.
    script = INSIDE_A_LONG_JUMP.replace("{stop}", stop).replace("{caught}", caught)
    completed = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120, cwd=tmp_path
    )  # lifetui as installed, not the checkout's
    assert completed.stdout.split() == ["stopped", "0", "True"], completed.stderr


def test_run_keeps_the_board_a_stopped_run_reached_and_says_which_generation(lifetui, tmp_path, monkeypatch):
    import lifetui.engines.hashlife_engine as hashlife_engine
    from lifetui.patterns import load_pattern
    from lifetui.patterns.rle import write_rle
    from lifetui.world.topology import PLANE
    from lifetui.world.universe import create_universe

    monkeypatch.setattr(hashlife_engine, "max_nodes", lambda: 3000)  # the soup outgrows it on the way
    source = tmp_path / "soup.rle"
    source.write_text(write_rle(soup((128, 128), 5), CONWAY, position=(0, 0)))
    out = tmp_path / "reached.rle"
    result = lifetui("run", str(source), "--engine", "hashlife", "--steps", "100000", "-o", str(out), "--plane")
    assert result.code == 1 and "nodes even after collecting garbage" in result.err
    reached = int(result.err.split("stopped after ")[1].split(" of the")[0].replace(",", ""))
    assert 0 < reached < 100_000 and f"generation {reached:,} is written to {out}" in result.err
    written = load_pattern(str(out))
    assert written.generation == reached
    reference = create_universe("numpy", CONWAY, PLANE)
    reference.load_pattern(load_pattern(str(source)))
    reference.step(reached)
    assert reference.holds(written.to_array(), *written.plane_origin())


def numpy_after(cells: np.ndarray, generations: int) -> np.ndarray:
    """numpy's board after any number of generations on a small torus: stepped one at a time until a board
    repeats, then the rest of the count taken modulo the cycle it found."""
    reference = NumpyEngine(CONWAY)
    reference.load(cells)
    seen: dict[bytes, int] = {}
    generation = 0
    while generation < generations and reference.cells().tobytes() not in seen:
        seen[reference.cells().tobytes()] = generation
        reference.step(1)
        generation += 1
    if generation < generations:
        period = generation - seen[reference.cells().tobytes()]
        reference.step((generations - generation) % period)
    return reference.cells()


@pytest.mark.parametrize("generations", [2**60, 10**12 + 7, 2**40 + 2**20 + 3])
@pytest.mark.parametrize("population", [16, 64, 21])
def test_a_huge_jump_on_a_small_torus_lands_where_numpy_cycles_to(generations, population):
    # A soup of a power-of-two population: tiled 30 levels up for a long jump, its copies hold 2^64 cells and
    # more, a count that must not wrap to "empty" (an empty square's future is taken as empty, unasked).
    # A soup is not on the cycle it settles into, so a jump that did nothing would fail here.
    rng = np.random.default_rng(population)
    cells = np.zeros(256, dtype=np.uint8)
    cells[rng.choice(256, population, replace=False)] = 1
    cells = cells.reshape(16, 16)
    expected = numpy_after(cells, generations)
    assert not np.array_equal(expected, cells)
    engine = create_engine("hashlife", CONWAY)
    engine.load(cells)
    engine.step(generations)
    assert np.array_equal(engine.cells(), expected) and engine.population() == int(expected.sum())


def test_a_cell_drawn_just_past_the_roots_edge_grows_the_root_to_hold_it():
    from lifetui.world.topology import PLANE
    from lifetui.world.universe import create_universe

    for corner in ((1, 0), (0, 1), (1, 1)):  # one past the bottom, the right, and both
        plane = create_universe("hashlife", CONWAY, PLANE)
        plane.load(np.ones((2, 2), dtype=np.uint8), 0, 0)
        top, left, side = plane._root()
        place = (top + corner[0] * side, left + corner[1] * side)
        plane.set_cells(np.array([place]), 1)
        assert plane.population() == 5 and plane.window(*place, 1, 1)[0, 0] == 1


@pytest.mark.parametrize("seed", range(6))
def test_the_live_box_of_a_scattered_pattern_is_its_cells_box(seed):
    # Many distinct squares along every edge: the search's memory of edges (one table per edge, by node)
    # must never answer for another node.
    from lifetui.world.topology import PLANE
    from lifetui.world.universe import create_universe, live_box

    rng = np.random.default_rng(seed)
    cells = (rng.random((1500 + 37 * seed, 2500 - 41 * seed)) < 0.02).astype(np.uint8)
    plane = create_universe("hashlife", CONWAY, PLANE)
    plane.load(cells, -7 * seed, 3 * seed)
    top, left, height, width = live_box(cells)
    assert plane.extent() == (top - 7 * seed, left + 3 * seed, height, width)
    plane.step(9)
    reference = create_universe("numpy", CONWAY, PLANE)
    reference.load(cells, -7 * seed, 3 * seed)
    reference.step(9)
    assert plane.extent() == reference.extent()


def test_a_written_plane_names_each_distinct_8_by_8_square_once():
    from lifetui.patterns.macrocell import read_macrocell
    from lifetui.world.topology import PLANE
    from lifetui.world.universe import create_universe

    # Leaves are 16 x 16 inside, macrocell's are 8 x 8: the four equal quarters of every leaf here are one line.
    cells = np.zeros((256, 256), dtype=np.uint8)
    cells[::8, ::8] = 1
    cells[3, 5] = 1  # and one quarter unlike the others
    plane = create_universe("hashlife", CONWAY, PLANE)
    plane.load(cells, top=-7, left=11)
    text = plane.native_text(CONWAY, 0)
    squares = [line for line in text.splitlines() if line[:1] in ".*$"]
    assert len(squares) == 2
    back = read_macrocell(text)
    assert back.population == int(cells.sum()) and back.plane_origin() == (-7, 11)
    assert np.array_equal(back.to_array(), cells[:249, :249])  # the live cells' box


def test_a_macrocell_file_of_one_8_by_8_square_runs_from_its_corner():
    from lifetui.patterns.macrocell import read_macrocell
    from lifetui.world.topology import PLANE
    from lifetui.world.universe import create_universe

    glider = "[M2] (test)\n.*$..*$***$\n"  # the whole file is one 8 x 8 square: the root is smaller than a leaf
    pattern = read_macrocell(glider)
    top, left = pattern.plane_origin()
    plane = create_universe("hashlife", CONWAY, PLANE)
    plane.load_pattern(pattern)
    assert plane.population() == 5 and plane.extent() == (top, left, 3, 3)
    plane.step(4)
    assert plane.population() == 5 and plane.extent() == (top + 1, left + 1, 3, 3)  # a glider: a cell down-right
    assert np.array_equal(plane.window(top + 1, left + 1, 3, 3), [[0, 1, 0], [0, 0, 1], [1, 1, 1]])


@pytest.mark.parametrize("turns", range(4))
def test_a_glider_flying_away_from_a_block_is_kept_by_every_jump(turns):
    # After a step the root is trimmed while its live cells lie in its centre half: a glider in any one of the
    # twelve outer squares (one at each corner here, in turn), with a block behind it, must keep the root wide.
    glider = np.rot90(GLIDER, turns).copy()
    reference = NumpyEngine(CONWAY)
    reference.load(np.pad(glider, 3))
    reference.step(4)
    dy, dx = np.subtract(live_box(reference.cells())[:2], (3, 3))  # a cell diagonally every four generations
    cells = np.zeros((44, 44), dtype=np.uint8)
    cells[20:23, 20:23] = glider
    cells[20 - 18 * dy : 22 - 18 * dy, 20 - 18 * dx : 22 - 18 * dx] = 1  # a block, 18 cells behind
    for jump in (64, 4096, 1 << 20):
        plane = create_universe("hashlife", CONWAY, PLANE)
        plane.load(cells)
        plane.step(jump)
        travelled = jump // 4
        assert plane.population() == 9, jump
        block = plane.window(20 - 18 * dy, 20 - 18 * dx, 2, 2)
        flown = plane.window(20 + travelled * dy, 20 + travelled * dx, 3, 3)
        assert block.all() and np.array_equal(flown, glider), jump
