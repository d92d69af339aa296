"""Ctrl-C during a JAX computation, taken between computations instead (it can crash a process that unwinds
through C++), from before JAX is imported until training ends."""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import threading
from collections.abc import Iterator

#: After a Ctrl-C, the current computation may finish for this long before the process just ends.
INTERRUPT_GRACE_SECONDS = 0.8

#: The event of the deferred_interrupts in force, if any (one process, one main thread).
_active: threading.Event | None = None


@contextlib.contextmanager
def deferred_interrupts() -> Iterator[threading.Event]:
    """Ctrl-C raised inside a JAX computation can crash the process (it unwinds through C++): while this
    is active, Ctrl-C only sets the event, which the caller checks between computations. A computation
    that runs on (the first compile takes seconds) is cut short after INTERRUPT_GRACE_SECONDS by ending
    the process with status 130; nothing is written during training, so nothing is left half done.
    A second Ctrl-C ends it at once. Nested (the command line's, then training's own), the inner one is the
    outer one: a Ctrl-C between the two is seen by the inner one's checks, not lost with the outer event."""
    global _active
    if _active is not None:
        yield _active
        return
    pressed = threading.Event()
    if threading.current_thread() is not threading.main_thread():
        yield pressed
        return

    def end_now() -> None:
        sys.stderr.write("\x1b[?25h\n")  # the progress display hid the cursor: give it back
        sys.stderr.flush()
        os._exit(130)

    deadline = threading.Timer(INTERRUPT_GRACE_SECONDS, end_now)
    deadline.daemon = True

    def handler(signum: int, frame: object) -> None:
        if pressed.is_set():
            end_now()
        pressed.set()
        deadline.start()

    previous = signal.signal(signal.SIGINT, handler)
    _active = pressed
    try:
        yield pressed
    finally:
        _active = None
        deadline.cancel()
        signal.signal(signal.SIGINT, previous)
