"""Driving a simulation live: commands from a front end, play and pause, pacing, and frames out.

A Driver runs on one thread (the only one that steps or changes the board) and talks to the front end through
callbacks, so the TUI's worker is a few lines and everything here runs headless in tests. Each call into the
engine is sized from that engine's own measured speed to take about BATCH_SECONDS, so that keys act quickly
on every engine at every speed; flat out it advances at most STEPS_PER_CALL steps of 2^k generations a call,
and an engine whose cost barely grows with the jump (hashlife: `jumps` in the registry) one step a call
(Golly's step exponent), so it cannot run away; "go to" runs there in calls that grow.
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable

from lifetui.engines import ENGINES
from lifetui.errors import LifeError
from lifetui.patterns.pattern import MAX_GENERATION
from lifetui.simulation.simulation import Simulation, Snapshot
from lifetui.world.universe import Region

#: Target speeds in generations per second; None runs as fast as the engine goes.
SPEEDS: tuple[int | None, ...] = (1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, None)
FRAME_SECONDS = 1 / 32
#: A call into the engine aims to take this long: about a frame. (A sixtieth of a second, two calls a frame, cost
#: a fast engine on the plane a fifth of its speed: each call's own costs, and its wait for the UI's thread.)
BATCH_SECONDS = 1 / 30
#: No call into an engine that has been measured may take longer than this, so keys act within it.
LATENCY_SECONDS = 0.05
#: Flat out, a call advances at most this many steps (of 2^k generations each).
STEPS_PER_CALL = 1 << 16
#: The largest step exponent: 2^59 generations a step.
MAX_STEP_EXPONENT = 59
#: Gen/s is the generations the board advanced over this much wall time, frames and checks included.
RATE_SECONDS = 0.5


def describe_error(err: Exception) -> str:
    """One line for a notice: a LifeError's own words, else the exception's type and words."""
    return str(err) if isinstance(err, LifeError) else f"error: {err!r}"


def chunk(step_rate: float, target: int | None, until_frame: float = BATCH_SECONDS, per_pass: int = 1) -> int:
    """Generations for the next call into the engine.

    BATCH_SECONDS of its measured speed (one generation until it has been measured), ending near the next
    frame when that comes sooner; at a target speed no more than a frame's worth. Flat out, a whole number
    of the engine's passes when a pass fits in LATENCY_SECONDS: an engine that advances 8 generations per
    pass over memory does 5 for the price of 8.
    """
    count = max(1, int(step_rate * BATCH_SECONDS))
    if target is not None:
        return min(count, max(1, round(target * FRAME_SECONDS)))
    if step_rate:
        count = min(count, max(count // 4, int(step_rate * until_frame), 1))
        if per_pass > 1 and per_pass <= step_rate * LATENCY_SECONDS:
            count = max(per_pass, count // per_pass * per_pass)
    return count


class Driver:
    """Plays, pauses and paces one simulation, runs the commands a front end submits between calls into the
    engine, and hands out frames of the region the front end shows."""

    def __init__(self, simulation: Simulation) -> None:
        self.simulation = simulation
        self.commands: queue.Queue[Callable[[], object]] = queue.Queue()
        self.wake = threading.Event()  # set: a setting changed or a command waits
        self.frame_pending = threading.Event()  # set while a frame is on its way to the front end
        self.playing = False
        self.goal: int | None = None  # a generation to run to flat out, then pause ("go to")
        self.speed_index = SPEEDS.index(20)
        self.step_exponent = 0  # a step, and each frame shown, is 2^step_exponent generations
        self.gens_per_second = 0.0  # generations the board advanced per second of wall time
        self.engine_gens_per_second = 0.0  # generations per second of stepping: what the engine can do
        self.view: tuple[Region, int] = ((0, 0, 1, 1), 1)  # the region the front end shows, and its block

    @property
    def stride(self) -> int:
        return 1 << self.step_exponent

    def submit(self, command: Callable[[], object], interrupt: bool = True) -> None:
        """Run `command` on the driving thread, next; with `interrupt`, cutting short a step under way (on a
        huge board a numpy generation is dropped and done again), which a mere redraw is not worth."""
        self.commands.put(command)
        if interrupt:
            self.simulation.interrupt()
        self.wake.set()

    def toggle_play(self) -> None:
        self.playing, self.goal = not self.playing, None  # a key that plays or pauses also stops a "go to"
        if not self.playing:
            self.simulation.interrupt()
        self.wake.set()

    def stop(self) -> None:
        self.playing, self.goal = False, None

    def go_to(self, generation: int) -> None:
        self.goal, self.playing = min(generation, MAX_GENERATION), True
        self.wake.set()

    def step_once(self) -> None:
        """One step: a generation, or 2^k of them run flat out in short calls (a key stops them)."""
        if self.step_exponent:
            self.go_to(self.simulation.generation + self.stride)
            return
        self.stop()
        self.submit(lambda: self.simulation.step(1, interruptible=False))

    def change_speed(self, step: int) -> None:
        self.speed_index = max(0, min(len(SPEEDS) - 1, self.speed_index + step))
        self.wake.set()

    def change_step_exponent(self, change: int) -> None:
        self.step_exponent = max(0, min(MAX_STEP_EXPONENT, self.step_exponent + change))
        self.wake.set()

    def run(
        self,
        cancelled: Callable[[], bool],
        frame: Callable[[Snapshot, float], None],
        notice: Callable[[str, str], None],
    ) -> None:
        """Until `cancelled()`: run commands, step while playing, and call `frame(snapshot, gens_per_second)`
        with the shown region at most every FRAME_SECONDS (and `notice(text, severity)` for what the user
        should read). Nothing that goes wrong here ends the loop: it becomes a notice."""
        simulation = self.simulation
        step_rate = 0.0  # the running engine's generations per second in its last call; 0 until measured
        call_seconds = 0.0  # how long the last call into the engine took
        engine = simulation.engine_name
        last_frame = 0.0
        rate_from = (time.perf_counter(), simulation.generation, simulation.epoch)
        dirty = True
        while not cancelled():
            # A key interrupts a step under way so that its command runs next: from here on, a new one
            # interrupts the next step, and commands already queued run now.
            simulation.resume()
            while not self.commands.empty():
                command = self.commands.get()
                try:
                    command()
                except Exception as err:  # noqa: BLE001 - any failure becomes a notice; the app keeps running
                    notice(describe_error(err), "error")
                dirty = True
            if simulation.engine_name != engine:
                # Another engine: its speed is unknown, and the old one's rates say nothing about it.
                engine, step_rate = simulation.engine_name, 0.0
                self.engine_gens_per_second = 0.0
            if self.playing:
                try:
                    step_rate, call_seconds, changed = self._play(step_rate, last_frame, notice)
                except Exception as err:  # noqa: BLE001 - stop playing and say why, rather than die
                    self.stop()
                    notice(f"stopped: {describe_error(err)}", "error")
                    changed = True
                # A frame owed for a whole step is void once a call cut short leaves the board between steps.
                whole_step = self.goal is not None or simulation.generation % self.stride == 0
                dirty = changed or (dirty and whole_step)
            else:
                self.wake.wait(0.05)
            self.wake.clear()
            now = time.perf_counter()
            if now - rate_from[0] >= RATE_SECONDS or not self.playing or simulation.epoch != rate_from[2]:
                advanced = simulation.generation - rate_from[1] if simulation.epoch == rate_from[2] else 0
                self.gens_per_second = max(0, advanced) / max(now - rate_from[0], 1e-9) if self.playing else 0.0
                rate_from = (now, simulation.generation, simulation.epoch)
            # One frame in flight at a time: a front end slower than the frame rate gets the newest board, not
            # a queue. A frame goes out when waiting for one more call would make it later than wanted.
            due = now - last_frame >= FRAME_SECONDS - call_seconds / 2
            if dirty and due and not self.frame_pending.is_set():
                self.frame_pending.set()
                region, block = self.view
                try:
                    snapshot = simulation.snapshot(region, block)
                except Exception as err:  # noqa: BLE001 - a region that cannot be read is said, not fatal
                    self.frame_pending.clear()
                    notice(describe_error(err), "error")
                    last_frame, dirty = now, False
                    continue
                frame(snapshot, self.gens_per_second)
                # A population counted for an earlier generation (a huge board, counted a few times a second)
                # is counted again for the next frame, even while paused.
                last_frame, dirty = now, not snapshot.population_current

    def _play(
        self, step_rate: float, last_frame: float, notice: Callable[[str, str], None]
    ) -> tuple[float, float, bool]:
        """One call into the engine while playing: (the engine's new measured rate, the call's seconds, whether
        a frame should show the result)."""
        simulation, goal, stride = self.simulation, self.goal, self.stride
        target = None if goal is not None else SPEEDS[self.speed_index]
        if target is not None:
            target *= stride  # a target counts steps a second
        started = time.perf_counter()
        count = chunk(step_rate, target, last_frame + FRAME_SECONDS - started, simulation.generations_per_pass)
        count = min(count, STEPS_PER_CALL * stride, MAX_GENERATION - simulation.generation)
        info = ENGINES.get(simulation.engine_name)
        if goal is None and info is not None and info.jumps:
            count = min(count, stride)  # one step a call: the user follows a jumping engine by its step exponent
        if goal is not None:
            count = min(count, goal - simulation.generation)
        elif stride > 1:
            count = min(count, stride - simulation.generation % stride)  # up to the next whole step
        call_seconds = 0.0
        if count <= 0:  # the last generation lifetui runs to
            self.stop()
            notice(f"stopped at generation {simulation.generation:,}, the last lifetui runs to", "warning")
            return step_rate, call_seconds, True
        done = simulation.step(count)
        whole_step = goal is not None or simulation.generation % stride == 0
        if done < count:
            # A key cut the call short: its command runs next; a part call says nothing of speed.
            changed = done > 0 and whole_step
        else:
            spent = call_seconds = time.perf_counter() - started
            # Grow at most fourfold a call, so one quick call cannot size the next far too long.
            step_rate = min(count / max(spent, 1e-9), 4 * max(step_rate, count / BATCH_SECONDS))
            if target is not None:
                self.wake.wait(max(0.0, count / target - spent))
            self.engine_gens_per_second = smooth(self.engine_gens_per_second, count / max(spent, 1e-9))
            changed = whole_step
        if goal is not None and simulation.generation >= goal:
            self.stop()
            notice(f"reached generation {goal:,}", "information")
        return step_rate, call_seconds, changed


def smooth(previous: float, rate: float) -> float:
    return rate if not previous else 0.8 * previous + 0.2 * rate
