"""What a whole board does: dies out, settles into a still life, oscillates or travels, found by watching it.

A Watcher is shown the board generation after generation. It keeps a digest of each generation's live
cells within their bounding box, with the box's place; when a digest comes back, the board at that
generation is the earlier one moved by the difference of the places (everything outside the boxes being
dead), and from the earlier generation on it repeats: with no move a still life (period 1) or an
oscillator, with one a spaceship (on a torus, the board as a whole travels). Boxes never wrap around the
torus: a pattern split by an edge is recognised once it is whole again, or when the torus brings the
whole board back.
"""

from __future__ import annotations

import hashlib
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

#: Generations a Watcher remembers: longer periods are not found.
MAX_PERIOD = 100_000


@dataclass(frozen=True)
class Behaviour:
    kind: str  # "extinct", "still life", "oscillator" or "spaceship"
    period: int  # generations until the board comes back (1 for extinct and still lifes)
    since: int  # the first generation of the cycle (that the watcher saw)
    dx: int = 0  # how far a spaceship moves each period: columns (east positive) and rows (south positive)
    dy: int = 0

    def describe(self, start: str = "from") -> str:
        """In words; `start` "by" where the cycle may have begun before the first generation watched."""
        start = f"{start} generation {self.since:,}"
        if self.kind in ("extinct", "still life"):
            return f"{self.kind} ({start})"
        if self.kind == "oscillator":
            return f"oscillator, period {self.period:,} ({start})"
        return f"spaceship, period {self.period:,}, moving {self.dx:+d},{self.dy:+d} each period ({start})"

    def as_json(self) -> dict:
        return {"kind": self.kind, "period": self.period, "since": self.since, "dx": self.dx, "dy": self.dy}


class Watcher:
    """Follows one board, shown every generation in order from `see`'s first call."""

    def __init__(self, max_period: int = MAX_PERIOD):
        self.max_period = max_period
        self._seen: dict[bytes, tuple[int, int, int]] = {}  # digest -> (generation, top, left)
        self._order: deque[tuple[int, bytes]] = deque()

    def see(self, cells: np.ndarray, generation: int, origin: tuple[int, int] = (0, 0)) -> Behaviour | None:
        """Take the board at `generation` (one after the last seen), its cell (0, 0) at `origin` (row, column;
        on the plane, where the live cells are); what it does, once that is known."""
        rows = np.flatnonzero(cells.any(axis=1))
        if not len(rows):
            return Behaviour("extinct", 1, generation)
        columns = np.flatnonzero(cells.any(axis=0))
        top, left = int(rows[0]), int(columns[0])
        box = np.ascontiguousarray(cells[top : rows[-1] + 1, left : columns[-1] + 1], dtype=np.uint8)
        top, left = top + origin[0], left + origin[1]
        # Two-state boards pack to a bit a cell; a multi-state one is compared state by state.
        content = np.packbits(box) if int(box.max()) <= 1 else box
        digest = hashlib.blake2b(content.tobytes() + repr(box.shape).encode(), digest_size=16).digest()
        earlier = self._seen.get(digest)
        if earlier is not None:
            since, was_top, was_left = earlier
            period, dx, dy = generation - since, left - was_left, top - was_top
            if dx or dy:
                return Behaviour("spaceship", period, since, dx, dy)
            return Behaviour("still life" if period == 1 else "oscillator", period, since)
        self._seen[digest] = (generation, top, left)
        self._order.append((generation, digest))
        while self._order and self._order[0][0] <= generation - self.max_period:
            del self._seen[self._order.popleft()[1]]
        return None


def follow_until_repeat(universe, cells: np.ndarray, generation: int, origin: tuple[int, int], seconds: float,
                        cancelled: Callable[[], bool]) -> Behaviour | None:  # fmt: skip
    """Follow a board (`cells` at `origin`, loaded into `universe`, an empty reference) generation by generation
    for at most `seconds` or until `cancelled()`: what it does, or None if it did not repeat by then."""
    universe.load(cells, *origin)
    watcher = Watcher()
    behaviour = watcher.see(cells, generation, origin)
    began = time.perf_counter()
    while behaviour is None and time.perf_counter() - began < seconds and not cancelled():
        universe.step(1)
        generation += 1
        now, top, left = universe.live_cells()
        behaviour = watcher.see(now, generation, (top, left))
    return behaviour


#: The analysis follows the board this long at a time, from a recent generation, until it repeats; then rests
#: this long. Areas of more cells than WATCHED_CELLS are not analysed.
FOLLOW_SECONDS = 0.5
REST_SECONDS = 1.5
WATCHED_CELLS = 1024 * 1024


def watch(simulation, cancelled: Callable[[], bool], report: Callable[[Behaviour | None, int, int], None],
          rest: Callable[[float], object]) -> None:  # fmt: skip
    """Until `cancelled()`: follow `simulation`'s board with a reference of its own and `report(behaviour,
    epoch, followed_from)` what it does (None: not repeating yet), for every board of at most WATCHED_CELLS."""
    from lifetui.engines import REFERENCE
    from lifetui.world.universe import create_universe

    known, reported = -1, False  # the epoch whose board's behaviour is known
    while not cancelled():
        rest(REST_SECONDS if known == simulation.epoch or reported else 0.2)
        box = simulation.box
        if known == simulation.epoch or (box is not None and box[2] * box[3] > WATCHED_CELLS):
            continue
        start = simulation.snapshot()
        epoch = start.epoch

        def stale(epoch: int = epoch) -> bool:
            return cancelled() or simulation.epoch != epoch

        universe = create_universe(REFERENCE, simulation.rule, simulation.topology)
        behaviour = follow_until_repeat(universe, start.cells, start.generation, start.region[:2], FOLLOW_SECONDS,
                                        stale)  # fmt: skip
        universe.close()
        if simulation.epoch != epoch:
            continue
        if behaviour is not None:
            known = epoch
        report(behaviour, epoch, start.generation)
        reported = True
