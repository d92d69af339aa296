"""The TUI at full speed, per engine and board size: frames per second on a 200 x 60 terminal, generations
per second against `--bench` on the same board, and how long the pause and swap keys take to act.

    python benchmarks/tui_fps.py [SECONDS] [ENGINE:SIDE[:whole] | ENGINE:plane ...]
    e.g.  python benchmarks/tui_fps.py 4 c:512 c:16384:whole c:plane

Without ENGINE:SIDE pairs it measures c and bitsliced at 512, 4096 and 16384 (and 16384 zoomed out to the
whole board), and numpy and jax at 512 and 4096, on acorn in the middle of the torus. "Pause acted" is how
long the board kept moving after the key (the call into the engine already under way); "swap acted" how
long until a frame showed the other engine. Prints a Markdown table.

ENGINE:plane runs acorn on the unbounded plane from generation 5,000 (where its live area is about 2,300 cells
across), flat out, against the same engine stepping the same generations of the same plane headless ("--bench"
column).
"""

from __future__ import annotations

import asyncio
import sys
import time

from lifetui.bench.measure import bench_engine
from lifetui.engines import EngineOptions, create_engine
from lifetui.patterns import load_pattern
from lifetui.rules import CONWAY
from lifetui.simulation import Simulation
from lifetui.simulation.driver import SPEEDS
from lifetui.tui.app import LifeApp
from lifetui.tui.board_view import BoardView
from lifetui.tui.messages import Frame
from lifetui.world.board import board_for, torus_board
from lifetui.world.topology import PLANE
from lifetui.world.universe import create_universe

#: Acorn on the plane is measured from this generation on.
PLANE_FROM = 5000

DEFAULT_RUNS = [
    *((engine, 0, False) for engine in ("c", "bitsliced")),  # side 0: acorn on the plane
    *((engine, side, False) for engine in ("c", "bitsliced") for side in (512, 4096, 16384)),
    ("c", 16384, True),
    *((engine, side, False) for engine in ("numpy", "jax") for side in (512, 4096)),
]


class MeasuredApp(LifeApp):
    """Counts frames, and notes when a key's action ran (the pilot's press returns much later)."""

    frames = 0
    acted = 0.0
    swapped = 0.0  # when a frame first showed another engine

    def on_frame(self, message: Frame) -> None:
        MeasuredApp.frames += 1
        if message.snapshot.engine != self.last_snapshot.engine:
            MeasuredApp.swapped = time.perf_counter()
        super().on_frame(message)

    def action_toggle_play(self) -> None:
        MeasuredApp.acted = time.perf_counter()
        super().action_toggle_play()

    def action_engine_key(self, number: int) -> None:
        MeasuredApp.acted = time.perf_counter()
        super().action_engine_key(number)


def record_step_ends(simulation: Simulation) -> list[float]:
    """When each call into the engine returned: the board stops moving after the last one."""
    ends: list[float] = []
    step = simulation.step

    def timed(generations: int = 1, interruptible: bool = True) -> int:
        done = step(generations, interruptible)
        ends.append(time.perf_counter())
        return done

    simulation.step = timed
    return ends


async def flat_out(app: MeasuredApp, seconds: float, warm_up: float) -> tuple[int, int, int, float]:
    """Play (at the speed set), let `warm_up` seconds pass, then measure `seconds`: the generation measuring
    began at, the generations and frames in it, and its length."""
    app.action_toggle_play()
    await asyncio.sleep(warm_up)
    MeasuredApp.frames, first, started = 0, app.simulation.generation, time.perf_counter()
    await asyncio.sleep(seconds)
    elapsed = time.perf_counter() - started
    return first, app.simulation.generation - first, MeasuredApp.frames, elapsed


async def measure(engine: str, side: int, seconds: float, whole: bool = False) -> dict:
    pattern = load_pattern("acorn")
    board = torus_board(pattern, (side, side))
    bench, _ = bench_engine(engine, board, 10**9, seconds, EngineOptions(), lambda name, done: None)
    other = "c" if engine != "c" else "bitsliced"
    create_engine(other, board.rule).close()  # built and cached before the clock runs
    app = MeasuredApp(board, pattern.name, pattern.author, engine)
    ends = record_step_ends(app.simulation)
    async with app.run_test(size=(200, 60)) as pilot:
        app.driver.speed_index = len(SPEEDS) - 1
        view = app.query_one(BoardView)
        if whole:
            view.zoom(10**6)  # as far out as it goes: the whole board in view
        scale = view.mode.describe()
        _, generations, frames, elapsed = await flat_out(app, seconds, 1.5)
        await pilot.press("space")
        await asyncio.sleep(max(0.5, 3 / max(bench.gens_per_s, 1e-9)))
        pause_ms = max(0.0, (ends[-1] - MeasuredApp.acted) * 1000) if ends else float("nan")
        await pilot.press("space")
        await asyncio.sleep(0.5)
        await pilot.press(str(list(app.engine_keys.values()).index(other) + 1))
        while app.last_snapshot.engine != other and time.perf_counter() - MeasuredApp.acted < 60:
            await asyncio.sleep(0.001)
        swap_ms = (MeasuredApp.swapped - MeasuredApp.acted) * 1000
    tui = generations / elapsed
    return {
        "engine": engine, "side": side, "bench": bench.gens_per_s, "tui": tui, "share": tui / bench.gens_per_s,
        "fps": frames / elapsed, "pause_ms": pause_ms, "swap_ms": swap_ms, "to": other,
        "view": scale,
    }  # fmt: skip


def headless_plane_rate(engine: str, first: int, generations: int) -> float:
    """Generations per second of `engine` stepping acorn's plane over the same generations, in calls of growing
    size (the board grows as the gliders leave: a later stretch is slower)."""
    universe = create_universe(engine, CONWAY, PLANE)
    universe.load_pattern(load_pattern("acorn"))
    universe.step(first)
    done, batch, started = 0, 1, time.perf_counter()
    while done < generations:
        count = min(batch, generations - done)
        universe.step(count)
        done += count
        batch = min(batch * 2, 1024)
    return done / (time.perf_counter() - started)


async def measure_plane(engine: str, seconds: float) -> dict:
    pattern = load_pattern("acorn")
    app = MeasuredApp(board_for(pattern, plane=True), pattern.name, pattern.author, engine)
    async with app.run_test(size=(200, 60)) as pilot:
        app.driver.go_to(PLANE_FROM)
        while app.simulation.generation < PLANE_FROM or app.driver.playing:
            await asyncio.sleep(0.05)
        app.driver.speed_index = len(SPEEDS) - 1
        first, generations, frames, elapsed = await flat_out(app, seconds, 1.0)
        view = app.query_one(BoardView).mode.describe()
        await pilot.press("space")
    bench = headless_plane_rate(engine, first, generations)
    tui = generations / elapsed
    return {"engine": engine, "side": "plane", "bench": bench, "tui": tui, "share": tui / bench,
            "fps": frames / elapsed, "pause_ms": float("nan"), "swap_ms": float("nan"), "to": "-",
            "view": view}  # fmt: skip


async def main(seconds: float, runs: list[tuple[str, int, bool]]) -> None:
    print("| engine | board | view | --bench gen/s | TUI gen/s | TUI / bench | frames/s | pause acted | swap acted |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    for engine, side, whole in runs:
        row = await (measure_plane(engine, seconds) if not side else measure(engine, side, seconds, whole))
        board = "acorn on the plane" if not side else f"{side} x {side}"
        print(f"| {engine} | {board} | {row['view']} | {row['bench']:,.0f} | {row['tui']:,.0f} | "
              f"{row['share']:.0%} | "
              f"{row['fps']:.1f} | {row['pause_ms']:.0f} ms | {row['swap_ms']:.0f} ms (to {row['to']}) |",
              flush=True)  # fmt: skip


if __name__ == "__main__":
    arguments = sys.argv[1:]
    chosen = [
        (run.split(":")[0], 0 if run.split(":")[1] == "plane" else int(run.split(":")[1]),
         run.split(":")[2:] == ["whole"])
        for run in arguments[1:]
    ] or DEFAULT_RUNS  # fmt: skip
    asyncio.run(main(float(arguments[0]) if arguments else 4.0, chosen))
