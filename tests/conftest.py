"""Shared test helpers: run the CLI in-process and capture what a user would see."""

from __future__ import annotations

import sys
from dataclasses import dataclass

import numpy as np
import pytest

from lifetui.cli import main


@dataclass
class Result:
    code: int
    out: str
    err: str


@pytest.fixture(autouse=True)
def private_user_folders(tmp_path_factory, monkeypatch):
    """Every test gets empty user data and cache folders: nothing a user trained or built leaks in or out."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path_factory.mktemp("data")))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.mktemp("cache")))


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
