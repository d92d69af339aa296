"""Headless runs: advancing a universe with a progress bar on a terminal, or until its board repeats."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Iterator
from typing import TypeVar

import numpy as np

from lifetui.simulation.analysis import Behaviour, Watcher
from lifetui.world.pictures import PictureOptions, choose_view, encode, frame, frame_offsets, union
from lifetui.world.universe import Outgrown, Universe

T = TypeVar("T")

#: --until-stable without --steps looks this many generations ahead at most.
UNTIL_STABLE_STEPS = 1_000_000


#: --until-stable compares whole boards: one whose live area grows past this many cells stops it.
UNTIL_STABLE_CELLS = 4096 * 4096


def step_until_stable(
    universe: Universe,
    look: Callable[[], tuple[np.ndarray, tuple[int, int]]],
    generation: int,
    limit: int,
    show: bool = False,
) -> tuple[int, Behaviour | None, str]:
    """Advance a universe a generation at a time until its board, as `look()` gives it (the cells and where their
    (0, 0) is), repeats, `limit` generations have passed, or its live area grows past UNTIL_STABLE_CELLS: how
    many it advanced, what the board does (None if it did not repeat) and, if not, why it stopped looking. With
    `show`, a run that takes a while shows a progress bar on stderr."""
    watcher = Watcher()
    with progress_bar(limit, show) as advanced:
        for done in range(limit + 1):
            if done:
                universe.step(1)
                advanced(done)
            extent = universe.extent()
            if extent is not None and extent[2] * extent[3] > UNTIL_STABLE_CELLS:
                return done, None, (f"no repeat by generation {generation + done:,}: the live area outgrew "
                                    f"{UNTIL_STABLE_CELLS:,} cells ({extent[3]:,} x {extent[2]:,}), past which "
                                    "--until-stable does not compare whole boards")  # fmt: skip
            cells, origin = look()
            behaviour = watcher.see(cells, generation + done, origin)
            if behaviour is not None:
                return done, behaviour, ""
    return limit, None, f"no repeat within {limit:,} generations"


#: A run expected to take longer than this shows a progress bar on a terminal.
PROGRESS_AFTER_SECONDS = 1.0


def step_with_progress(universe: Universe, steps: int, show: bool) -> None:
    """Advance a universe by `steps`; with `show`, a run that takes a while shows a progress bar on stderr."""
    done, batch = 0, 1
    with progress_bar(steps, show) as advanced:
        while done < steps:
            count = min(batch, steps - done)
            before = time.perf_counter()
            try:
                universe.step(count)
            except Outgrown as stop:
                raise stop.of(done, steps) from None
            done += count
            if time.perf_counter() - before < 0.1:
                batch *= 2  # calls of a tenth of a second: the bar moves, the overhead stays small
            advanced(done)


def animate(universe: Universe, scout: Callable[[], Universe], suffix: str, steps: int, options: PictureOptions,
            show: bool) -> bytes:  # fmt: skip
    """An animation (GIF, WebP, APNG: `suffix`) of `steps` generations of `universe`, which is left at the last, a
    frame every `options.every`. It shows the window asked for, else a torus whole, else the union of the live
    cells' boxes over the whole run, found first by running `scout()` (a fresh universe at the same generation)."""
    count = len(frame_offsets(steps, options.every))  # refused here, before any run, when too many
    region = options.window
    if region is None and universe.topology.is_torus:
        region = universe.extent()
    elif region is None:
        first = scout()
        try:
            region = union(frames_of_run(first, steps, options.every, show, first.extent))
        finally:
            first.close()
    view = choose_view(region, options.scale, count)
    frames = frames_of_run(universe, steps, options.every, show, lambda: frame(universe, view))
    return encode(suffix, view, frames, options.colours)


def frames_of_run(universe: Universe, steps: int, every: int, show: bool, look: Callable[[], T]) -> Iterator[T]:
    """`look()` at each generation an animation shows (the first, one every `every`, the last), advancing the
    universe between them; with `show`, a run that takes a while shows a progress bar on stderr."""
    done = 0
    with progress_bar(steps, show) as advanced:
        for offset in frame_offsets(steps, every):
            if offset > done:
                try:
                    universe.step(offset - done)
                except Outgrown as stop:
                    raise stop.of(done, steps) from None
                done = offset
                advanced(done)
            yield look()


@contextlib.contextmanager
def progress_bar(total: int, show: bool) -> Iterator[Callable[[int], None]]:
    """A callback taking the generations done so far: once PROGRESS_AFTER_SECONDS have passed (with `show`), it
    draws a progress bar of them out of `total` on stderr, gone when the run ends."""
    began, progress, task = time.perf_counter(), None, None

    def advanced(done: int) -> None:
        nonlocal progress, task
        if show and progress is None and time.perf_counter() - began > PROGRESS_AFTER_SECONDS and done < total:
            from rich.console import Console
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

            progress = Progress(BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                                console=Console(stderr=True), transient=True)  # fmt: skip
            task = progress.add_task("generations", total=total)
            progress.start()
        if progress is not None and task is not None:
            progress.update(task, completed=done)

    try:
        yield advanced
    finally:
        if progress is not None:
            progress.stop()
