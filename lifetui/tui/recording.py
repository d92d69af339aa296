"""Recording the board view as an animation: a frame for each new board shown, written by pictures.encode.

What is recorded is what the view showed, square for square (a cell, or zoomed out a square of cells, live when
any of its cells is): panning while recording pans the animation; a frame of another shape (a zoom, a resized
terminal) is cut or padded with dead squares to the first frame's. All the frames stay within pictures.MAX_PIXELS
squares (and MAX_FRAMES frames): past that the recording is full and stops.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
from textual.app import App

from lifetui.errors import LifeError
from lifetui.files import write_atomically
from lifetui.simulation import Simulation, Snapshot
from lifetui.tui.screens import SAVE_RECORDING, SaveScreen, save_folder, suggested_name
from lifetui.world import pictures


class Recording:
    """The frames recorded so far, from the first snapshot's region and scale."""

    def __init__(self, first: Snapshot) -> None:
        self.region, self.block = first.region, first.block
        self.shape: tuple[int, int] = first.cells.shape
        self.frames: list[np.ndarray] = []
        self.generations: list[int] = []
        self._last: tuple[int, int] | None = None  # (epoch, generation) of the last frame
        self.add(first)

    @property
    def full(self) -> bool:
        """Whether another frame would pass the limits on an animation's frames and pixels."""
        rows, columns = self.shape
        return len(self.frames) >= pictures.MAX_FRAMES or (len(self.frames) + 1) * rows * columns > pictures.MAX_PIXELS

    def add(self, snapshot: Snapshot) -> bool:
        """Record the snapshot as a frame if it shows a new board (another generation, or an edit); False when
        the recording is full and took nothing."""
        seen = (snapshot.epoch, snapshot.generation)
        if seen == self._last:
            return True
        if self.full:
            return False
        frame = np.zeros(self.shape, dtype=np.uint8)
        rows, columns = min(self.shape[0], snapshot.cells.shape[0]), min(self.shape[1], snapshot.cells.shape[1])
        frame[:rows, :columns] = snapshot.cells[:rows, :columns]
        self.frames.append(frame)
        self.generations.append(snapshot.generation)
        self._last = seen
        return True

    def view(self) -> pictures.View:
        """The animation's view: as many pixels a square as keep it within AUTO_CELL, AUTO_SIDE and MAX_PIXELS."""
        rows, columns = self.shape
        budget = pictures.MAX_PIXELS // (len(self.frames) * rows * columns)
        pixels = min(pictures.AUTO_CELL, pictures.AUTO_SIDE // max(rows, columns), math.isqrt(budget))
        return pictures.View(self.region, pictures.Scale(max(1, pixels), self.block))

    def encode(self, suffix: str, colours: pictures.Colours, frame_ms: int = pictures.FRAME_MS) -> bytes:
        """The recording as an animation of the format `suffix` names (".gif", ".webp", ".apng")."""
        return pictures.encode(suffix, self.view(), self.frames, colours, frame_ms)


class Recorder(App):
    """LifeApp's `a`: the app hands it each snapshot it shows (record), and it keeps those of a recording."""

    simulation: Simulation
    last_snapshot: Snapshot
    pattern_name: str
    recording: Recording | None = None

    def record(self, snapshot: Snapshot) -> None:
        if self.recording is not None and not self.recording.add(snapshot):
            self._stop_recording(f"the recording is full ({len(self.recording.frames):,} frames)")

    def action_record(self) -> None:
        if self.recording is None:
            self.recording = Recording(self.last_snapshot)
            self.notify("recording the view: each new board it shows is a frame; a stops and saves")
        else:
            self._stop_recording("recording stopped")

    async def action_quit(self) -> None:
        """Quit; while recording, first ask where to save the frames (and quit once saved, or dropped with Esc)."""
        if self.recording is not None:
            self._stop_recording("recording stopped to quit", then_quit=True)
            return
        await super().action_quit()

    def _stop_recording(self, why: str, then_quit: bool = False) -> None:
        """Stop recording and ask where to save the frames (Esc drops them); `then_quit` quits after, unless the
        frames could not be written."""
        recording, self.recording = self.recording, None
        assert recording is not None
        first, last = recording.generations[0], recording.generations[-1]
        self.notify(f"{why}: {len(recording.frames):,} frames, generations {first:,} to {last:,}")
        screen = SaveScreen(suggested_name(self.pattern_name, f"gen{first}-{last}.gif"), SAVE_RECORDING,
                            pictures.ANIMATIONS)  # fmt: skip
        self.push_screen(screen, lambda path: self._save_recording(path, recording, then_quit))

    def _save_recording(self, path: Path | None, recording: Recording, then_quit: bool = False) -> None:
        if path is not None and not self._write_recording(path, recording):
            return  # the error is shown; q quits
        if then_quit:
            self.exit()

    def _write_recording(self, path: Path, recording: Recording) -> bool:
        """Write the animation to `path`; False, with the reason shown, when it could not be."""
        suffix = pictures.picture_suffix(path)
        assert suffix in pictures.ANIMATIONS  # the screen takes no other name
        try:
            if path.parent == save_folder():
                path.parent.mkdir(parents=True, exist_ok=True)  # the folder offered: made on first use
            write_atomically(path, recording.encode(suffix, self.simulation.colours))
        except LifeError as err:
            self.notify(str(err), severity="error")
            return False
        except OSError as err:
            self.notify(f"cannot write {path}: {err.strerror or err}", severity="error")
            return False
        self.notify(f"saved {len(recording.frames):,} frames to {path}")
        return True
