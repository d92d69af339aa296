"""Frames per second the TUI draws on a 200 x 60 terminal while the simulation runs flat out, and how
long a key takes to act meanwhile.

Usage: python benchmarks/tui_fps.py [PATTERN] [ENGINE] [SECONDS] [BOARD_SIDE]
"""

from __future__ import annotations

import asyncio
import sys
import time

from lifetui.board import board_from_pattern
from lifetui.patterns import load_pattern
from lifetui.tui.app import SPEEDS, Frame, LifeApp


class MeasuredApp(LifeApp):
    frames = 0
    paused_at = 0.0

    def on_frame(self, message: Frame) -> None:
        MeasuredApp.frames += 1
        super().on_frame(message)

    def action_toggle_play(self) -> None:
        super().action_toggle_play()
        MeasuredApp.paused_at = time.perf_counter()


async def measure(pattern_name: str, engine: str, seconds: float, side: int = 512) -> None:
    pattern = load_pattern(pattern_name)
    app = MeasuredApp(board_from_pattern(pattern, (side, side)), pattern.name, pattern.author, engine)
    async with app.run_test(size=(200, 60)) as pilot:
        app.speed_index = len(SPEEDS) - 1
        app.action_toggle_play()
        await asyncio.sleep(1.0)
        MeasuredApp.frames, first, started = 0, app.last_snapshot.generation, time.perf_counter()
        await asyncio.sleep(seconds)
        elapsed = time.perf_counter() - started
        frames, generations = MeasuredApp.frames, app.last_snapshot.generation - first
        pressed = time.perf_counter()
        press = asyncio.create_task(pilot.press("space"))
        while app.playing:
            await asyncio.sleep(0.001)
        latency = (MeasuredApp.paused_at - pressed) * 1000
        await press
    print(f"{pattern_name} on {engine}, {side}x{side} board, 200x60 terminal: {frames / elapsed:.1f} frames/s, "
          f"{generations / elapsed:,.0f} generations/s, the pause key acted after {latency:.0f} ms")  # fmt: skip


if __name__ == "__main__":
    arguments = sys.argv[1:]
    asyncio.run(measure(arguments[0] if arguments else "acorn", arguments[1] if len(arguments) > 1 else "c",
                        float(arguments[2]) if len(arguments) > 2 else 5.0,
                        int(arguments[3]) if len(arguments) > 3 else 512))  # fmt: skip
