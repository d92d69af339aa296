"""What a whole board does: found by the Watcher, and reported by `run --until-stable`."""

import json

import numpy as np
import pytest

from lifetui.engines.numpy_engine import NumpyEngine
from lifetui.patterns import load_pattern
from lifetui.rules import CONWAY, parse_rule
from lifetui.simulation.analysis import Behaviour, Watcher
from lifetui.world.board import torus_board


def watch(cells, rule=CONWAY, limit=5000):
    engine = NumpyEngine(rule)
    engine.load(cells)
    watcher = Watcher()
    for generation in range(limit):
        if generation:
            engine.step(1)
        found = watcher.see(engine.cells(), generation)
        if found:
            return found
    return None


def bundled(name, size):
    return torus_board(load_pattern(name), size).cells


@pytest.mark.parametrize(
    ("name", "size", "expected"),
    [
        ("blinker", (16, 16), Behaviour("oscillator", 2, 0)),
        ("pulsar", (32, 32), Behaviour("oscillator", 3, 0)),
        ("pentadecathlon", (32, 32), Behaviour("oscillator", 15, 0)),
        ("glider", (32, 32), Behaviour("spaceship", 4, 0, 1, 1)),
        ("lwss", (32, 64), Behaviour("spaceship", 4, 0, 2, 0)),
        ("diehard", (64, 64), Behaviour("extinct", 1, 130)),  # it famously vanishes at generation 130
    ],
)
def test_the_watcher_names_what_known_patterns_do(name, size, expected):
    found = watch(bundled(name, size))
    if expected.kind == "spaceship":  # which way it goes depends on how the file draws it
        assert (found.kind, found.period, abs(found.dx), abs(found.dy)) == ("spaceship", 4, expected.dx, expected.dy)
    else:
        assert found == expected


def test_a_still_life_is_period_one_and_a_board_that_has_not_repeated_yet_is_unknown():
    block = np.zeros((8, 8), dtype=np.uint8)
    block[3:5, 3:5] = 1
    assert watch(block) == Behaviour("still life", 1, 0)
    assert watch(bundled("r-pentomino", (256, 256)), limit=300) is None  # it runs for over a thousand generations


def test_a_spaceship_split_by_the_edge_is_recognised_once_whole_again():
    cells = bundled("glider", (16, 16))
    split = np.roll(cells, (8, 8), axis=(0, 1))  # the glider's box now spans the corner of the torus
    rows, columns = np.nonzero(split)
    assert rows.max() - rows.min() > 8 and columns.max() - columns.min() > 8
    found = watch(split)
    assert found.kind == "spaceship" and found.period == 4 and found.since > 0


def test_the_watcher_forgets_generations_beyond_its_longest_period():
    watcher = Watcher(max_period=3)
    board = torus_board(load_pattern("glider"), (64, 64))
    engine = NumpyEngine(board.rule)
    engine.load(board.cells)
    # The glider comes back moved after 4 generations: too long for a watcher that remembers 3.
    for generation in range(12):
        if generation:
            engine.step(1)
        assert watcher.see(engine.cells(), generation) is None


def test_run_until_stable_stops_at_the_first_repeat_and_says_what_it_found(lifetui):
    result = lifetui("run", "r-pentomino", "--until-stable", "--size", "512x512", "--json")
    summary = json.loads(result.out)
    assert result.code == 0
    # The R-pentomino settles at generation 1103 on the plane, sending out six gliders; on a 512 x 512 torus
    # they come back after 2,048 generations, which is the period the whole board repeats with.
    assert summary["behaviour"]["kind"] == "oscillator" and summary["behaviour"]["period"] == 2048
    assert summary["behaviour"]["since"] >= 1103
    assert summary["generation"] == summary["behaviour"]["since"] + summary["behaviour"]["period"]
    text = lifetui("run", "blinker", "--until-stable", "--size", "16x16")
    assert text.code == 0 and "blinker: oscillator, period 2 (from generation 0)" in text.err
    assert "Gen=2" in text.out  # the board where it repeated, as RLE


def test_run_until_stable_gives_up_after_steps_and_needs_one_or_the_other(lifetui):
    result = lifetui("run", "r-pentomino", "--until-stable", "--steps", "50", "--size", "256x256", "--json")
    summary = json.loads(result.out)
    assert summary["behaviour"] is None and summary["generation"] == 50
    missing = lifetui("run", "glider")
    assert missing.code == 2 and "--until-stable" in missing.err and "Traceback" not in missing.err


def test_states_tell_boards_apart():
    """Brian's Brain: the same cells in other states are another board; its spaceship moves 1 cell a step."""
    watcher = Watcher()
    on = np.array([[1, 1], [2, 2]], dtype=np.uint8)
    assert watcher.see(on, 0) is None
    assert watcher.see(np.array([[2, 2], [1, 1]], dtype=np.uint8), 1) is None
    cells = np.zeros((40, 40), dtype=np.uint8)
    cells[20:22, 20:22] = on
    assert watch(cells, parse_rule("/2/3").rule) == Behaviour("spaceship", 1, 0, 0, -1)
