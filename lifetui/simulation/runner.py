"""Headless runs of a Simulation (what `lifetui.Life` and so `lifetui run` do): advancing it with a word of
progress now and then, until its board repeats, or drawing it into an animation; and a progress bar for them."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TypeVar

from lifetui.simulation.analysis import Behaviour, Watcher
from lifetui.simulation.simulation import Simulation
from lifetui.world.pictures import Colours, PictureOptions, choose_view, encode, frame_offsets, union
from lifetui.world.universe import Outgrown

T = TypeVar("T")
#: A callback taking the generations done so far in a run.
Progress = Callable[[int], None]

#: until_stable looks this many generations ahead at most unless told otherwise.
UNTIL_STABLE_STEPS = 1_000_000


#: until_stable compares whole boards: one whose live area grows past this many cells stops it.
UNTIL_STABLE_CELLS = 4096 * 4096

#: A batch of generations between two words of progress takes about this long, at least a generation.
PROGRESS_BATCH_SECONDS = 0.1


@dataclass(frozen=True)
class Stability:
    """What a run until the board repeats found: the generations it advanced, what the board does (None: it did
    not repeat) and, if it did not, why the run stopped looking."""

    generations: int
    behaviour: Behaviour | None
    why_not: str = ""

    def describe(self) -> str:
        return self.behaviour.describe() if self.behaviour else self.why_not


def advance(simulation: Simulation, generations: int, progress: Progress | None = None) -> None:
    """Advance `generations`, saying the generations done to `progress` after each batch (batches grow while
    they take under PROGRESS_BATCH_SECONDS). A board the engine cannot hold any further stops where it got to:
    Outgrown, counting the generations of this whole call."""
    done, batch = 0, generations if progress is None else 1
    while done < generations:
        count = min(batch, generations - done)
        before = time.perf_counter()
        try:
            simulation.step(count, interruptible=False)
        except Outgrown as stop:
            raise stop.of(done, generations) from None
        done += count
        if time.perf_counter() - before < PROGRESS_BATCH_SECONDS:
            batch *= 2  # the word comes often enough, the overhead stays small
        if progress is not None:
            progress(done)


def until_stable(simulation: Simulation, limit: int, progress: Progress | None = None) -> Stability:
    """Advance a generation at a time until the board repeats, `limit` generations have passed, or its live area
    grows past UNTIL_STABLE_CELLS (on a torus or the plane)."""
    watcher, generation = Watcher(), simulation.generation
    for done in range(limit + 1):
        if done:
            simulation.step(1, interruptible=False)
            if progress is not None:
                progress(done)
        height, width = simulation.shape
        if height * width > UNTIL_STABLE_CELLS:
            return Stability(done, None, f"no repeat by generation {generation + done:,}: the live area outgrew "
                                         f"{UNTIL_STABLE_CELLS:,} cells ({width:,} x {height:,}), past which "
                                         "--until-stable does not compare whole boards")  # fmt: skip
        cells, top, left = simulation.live_cells()
        behaviour = watcher.see(cells, generation + done, (top, left))
        if behaviour is not None:
            return Stability(done, behaviour)
    return Stability(limit, None, f"no repeat within {limit:,} generations")


def animate(simulation: Simulation, suffix: str, steps: int, options: PictureOptions,
            progress: Progress | None = None) -> bytes:  # fmt: skip
    """An animation (GIF, WebP, APNG: `suffix`) of the next `steps` generations, which the simulation is left at
    the last of, a frame every `options.every`. It shows the window asked for, else a torus whole, else the union
    of the live cells' boxes over the whole run, found first by running a copy (simulation.fork): then
    `progress` hears of both runs."""
    count = len(frame_offsets(steps, options.every))  # refused here, before any run, when too many
    region = options.window
    if region is None and simulation.torus:
        region = simulation.box
    elif region is None:
        scout = simulation.fork()
        try:
            region = union(frames_of_run(scout.step, steps, options.every, progress, scout.extent))
        finally:
            scout.close()
    view = choose_view(region, options.scale, count)

    def step(generations: int) -> None:
        simulation.step(generations, interruptible=False)

    frames = frames_of_run(step, steps, options.every, progress, lambda: simulation.frame(view))
    colours = Colours.golly(simulation.rule, options.colours)
    return encode(suffix, view, frames, colours, options.frame_ms)


def frames_of_run(step: Callable[[int], None], steps: int, every: int, progress: Progress | None,
                  look: Callable[[], T]) -> Iterator[T]:  # fmt: skip
    """`look()` at each generation an animation shows (the first, one every `every`, the last), advancing by
    `step` between them and saying how far to `progress`."""
    done = 0
    for offset in frame_offsets(steps, every):
        if offset > done:
            try:
                step(offset - done)
            except Outgrown as stop:
                raise stop.of(done, steps) from None
            done = offset
            if progress is not None:
                progress(done)
        yield look()


#: A run expected to take longer than this shows a progress bar on a terminal.
PROGRESS_AFTER_SECONDS = 1.0


@contextlib.contextmanager
def progress_bar(total: int, show: bool) -> Iterator[Progress]:
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
