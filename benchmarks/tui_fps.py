"""The TUI at full speed, per engine and board size: frames per second on a 200 x 60 terminal, generations
per second against `--bench` on the same board, and how long the pause and swap keys take to act.

    python benchmarks/tui_fps.py [SECONDS] [ENGINE:SIDE[:whole] ...]
    e.g.  python benchmarks/tui_fps.py 4 c:512 c:16384:whole

Without ENGINE:SIDE pairs it measures c and bitsliced at 512, 4096 and 16384 (and 16384 zoomed out to the
whole board), and numpy and jax at 512 and 4096, on acorn in the middle of the torus. "Pause acted" is how
long the board kept moving after the key (the call into the engine already under way); "swap acted" how
long until a frame showed the other engine. Prints a Markdown table.
"""

from __future__ import annotations

import asyncio
import sys
import time

from lifetui.bench.measure import bench_engine
from lifetui.engines import EngineOptions, create_engine
from lifetui.patterns import load_pattern
from lifetui.simulation import Simulation
from lifetui.simulation.driver import SPEEDS
from lifetui.tui.app import LifeApp
from lifetui.tui.board_view import BoardView
from lifetui.tui.messages import Frame
from lifetui.world.board import torus_board

DEFAULT_RUNS = [
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
        app.action_toggle_play()
        await asyncio.sleep(1.5)
        MeasuredApp.frames, first, started = 0, app.simulation.generation, time.perf_counter()
        await asyncio.sleep(seconds)
        elapsed = time.perf_counter() - started
        frames, generations = MeasuredApp.frames, app.simulation.generation - first
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


async def main(seconds: float, runs: list[tuple[str, int, bool]]) -> None:
    print("| engine | board | view | --bench gen/s | TUI gen/s | TUI / bench | frames/s | pause acted | swap acted |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    for engine, side, whole in runs:
        row = await measure(engine, side, seconds, whole)
        print(f"| {engine} | {side} x {side} | {row['view']} | {row['bench']:,.0f} | {row['tui']:,.0f} | "
              f"{row['share']:.0%} | "
              f"{row['fps']:.1f} | {row['pause_ms']:.0f} ms | {row['swap_ms']:.0f} ms (to {row['to']}) |",
              flush=True)  # fmt: skip


if __name__ == "__main__":
    arguments = sys.argv[1:]
    chosen = [
        (run.split(":")[0], int(run.split(":")[1]), run.split(":")[2:] == ["whole"]) for run in arguments[1:]
    ] or DEFAULT_RUNS
    asyncio.run(main(float(arguments[0]) if arguments else 4.0, chosen))
