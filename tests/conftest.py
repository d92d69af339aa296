"""Shared test helpers: run the CLI in-process and capture what a user would see."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest

from lifetui.cli import main


@dataclass
class Result:
    code: int
    out: str
    err: str


@pytest.fixture(scope="session")
def session_cache():
    """The tests' own cache folder, kept between runs (beside the user's, never it): C libraries are named by
    a hash of their source, flags, compiler and CPU, so a run builds only what changed since the last one."""
    import platformdirs

    return Path(platformdirs.user_cache_dir("lifetui-tests"))


@pytest.fixture(autouse=True)
def private_user_folders(tmp_path_factory, monkeypatch, session_cache):
    """Every test gets an empty user data folder (nothing a user trained leaks in or out) and the tests' cache
    folder (session_cache): sharing its libraries between tests and runs is what a user's machine does, and
    it spares each test the same builds. Tests of the cache itself give themselves an empty one
    (`fresh_cache`)."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path_factory.mktemp("data")))
    monkeypatch.setenv("XDG_CACHE_HOME", str(session_cache))


@pytest.fixture
def fresh_cache(tmp_path_factory, monkeypatch):
    """An empty cache folder for this test alone."""
    folder = tmp_path_factory.mktemp("cache")
    monkeypatch.setenv("XDG_CACHE_HOME", str(folder))
    return folder


@pytest.fixture
def lifetui(capsys, monkeypatch):
    """Call `lifetui(*args)` to run the command line as a user would; returns exit code, stdout, stderr."""

    def invoke(*args: str, stdin: bytes | None = None) -> Result:
        monkeypatch.setattr(sys, "argv", ["lifetui", *args])
        if stdin is not None:
            import io

            monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(stdin)))
        with pytest.raises(SystemExit) as exited:
            main()
        captured = capsys.readouterr()
        return Result(exited.value.code, captured.out, captured.err)

    return invoke


def naive_step(cells: np.ndarray, birth: set[int], survival: set[int]) -> np.ndarray:
    """One generation computed cell by cell, as plainly as possible: the oracle's oracle."""
    height, width = cells.shape
    result = np.zeros_like(cells)
    for y in range(height):
        for x in range(width):
            neighbours = sum(
                cells[(y + dy) % height, (x + dx) % width] for dy in (-1, 0, 1) for dx in (-1, 0, 1) if dy or dx
            )
            result[y, x] = neighbours in (survival if cells[y, x] else birth)
    return result


def assert_follows_numpy(engine, cells: np.ndarray, rule, generations) -> None:
    """Load `cells` into `engine` and the numpy reference; after each step in `generations`, both agree."""
    from lifetui.engines.numpy_engine import NumpyEngine

    reference = NumpyEngine(rule)
    engine.load(cells)
    reference.load(cells)
    for count in generations:
        engine.step(count)
        reference.step(count)
        assert np.array_equal(engine.cells(), reference.cells())
        assert engine.population() == reference.population()


def naive_table_step(cells: np.ndarray, table: np.ndarray) -> np.ndarray:
    """One generation under any 512-entry rule table, cell by cell: bit 3 * row + column of the index is
    the cell at (row - 1, column - 1) from the centre (NEIGHBOURHOOD's order, written out by hand)."""
    height, width = cells.shape
    result = np.zeros_like(cells)
    for y in range(height):
        for x in range(width):
            index = 0
            for row in range(3):
                for column in range(3):
                    index |= int(cells[(y + row - 1) % height, (x + column - 1) % width]) << (3 * row + column)
            result[y, x] = table[index]
    return result


def table_network(table: np.ndarray):
    """A gate network that computes `table` exactly, built rather than learned: a tree of multiplexers.

    The first layer makes the 512 leaves (constant gates) and passes the nine inputs on; then, for each
    input k in turn, one layer keeps `hi AND x_k` and `lo AND NOT x_k` of each pair of leaves that differ
    in input k, and the next ORs them, halving the leaves, while the inputs still to come pass through.
    It gives the jax and c engines a kernel for any rule, without training, for tests.
    """
    from lifetui.model.gates import GATE_COUNT, NAMES, PASS_A
    from lifetui.model.network import Network

    gate = {name: NAMES.index(name) for name in ("false", "true", "and", "a_and_not_b", "or")}
    wires_a, wires_b, kinds = [], [], []

    def layer(a: list[int], b: list[int], kind: list[int]) -> None:
        wires_a.append(np.array(a))
        wires_b.append(np.array(b))
        kinds.append(kind)

    leaves = [int(value) for value in table]
    layer([0] * 512 + list(range(9)), [0] * 521, [gate["true"] if v else gate["false"] for v in leaves] + [PASS_A] * 9)
    count, inputs = 512, list(range(9))  # leaves first, then the inputs still to come
    for _ in range(9):
        selector = count  # the next input to select on is the first passed through
        rest = [count + 1 + j for j in range(len(inputs) - 1)]
        a, b, kind = [], [], []
        for pair in range(count // 2):
            a += [2 * pair + 1, 2 * pair]
            b += [selector, selector]
            kind += [gate["and"], gate["a_and_not_b"]]
        layer(a + rest, b + rest, kind + [PASS_A] * len(rest))
        inputs = inputs[1:]
        width = count  # two gates per pair
        layer(
            [2 * pair for pair in range(count // 2)] + [width + j for j in range(len(inputs))],
            [2 * pair + 1 for pair in range(count // 2)] + [width + j for j in range(len(inputs))],
            [gate["or"]] * (count // 2) + [PASS_A] * len(inputs),
        )
        count //= 2
    logits = []
    for kind in kinds:
        values = np.zeros((len(kind), GATE_COUNT), dtype=np.float32)
        values[np.arange(len(kind)), kind] = 10.0
        logits.append(values)
    return Network(wires_a, wires_b, logits)


def random_isotropic_rule(seed: int):
    """A random isotropic rule: each class of neighbourhoods under rotation and reflection on or off."""
    from lifetui.rules import SYMMETRIES, Rule

    rng = np.random.default_rng(seed)
    table = rng.integers(0, 2, 512).astype(np.uint8)
    return Rule.from_table(table[SYMMETRIES.min(axis=0)])


def kernel_folder(folder, rule):
    """A kernel folder holding `table_network` for `rule`, as `lifetui train` would write it."""
    from lifetui.model.kernels import save_kernel

    save_kernel(folder, table_network(rule.truth_table()), {"rule": str(rule), "seed": 0, "exact": 512})
    return folder
