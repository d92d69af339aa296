"""Writing files so that nobody ever sees half of one, and nothing but the file's contents changes."""

from __future__ import annotations

import contextlib
import os
import re
import signal
import stat
import sys
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path

from lifetui.errors import LifeError, UsageError

#: Names of a descriptor this process already holds, and which one: written there in place, at its own offset
#: (so `-o /dev/stdout >> log` appends and `-o /dev/stdout | cat` reads on), never opened afresh or replaced.
_HELD = re.compile(r"/dev/(?:std(?P<std>out|err)|fd/(?P<fd>\d+))|/proc/self/fd/(?P<proc>\d+)")
#: Symbolic links followed at most (as the kernel's MAXSYMLINKS).
MAX_LINKS = 40
#: The longest file name most file systems take (NAME_MAX); a temporary name never needs more.
NAME_MAX = 255


def current_umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_atomically(path: Path, text: str | bytes) -> None:
    """Write `text` (a string as UTF-8, or bytes: a picture) to `path`. A regular file (new, or reached through
    symlinks, which stay) is written under a temporary name beside it and renamed into place, keeping an existing
    file's permissions: nobody ever sees half a file, and an interrupted write (Ctrl-C, SIGTERM) leaves nothing
    behind. A descriptor this process holds (`/dev/stdout`, `/dev/fd/N`), a device or a pipe is written in place,
    never replaced. A folder is refused, and so is a link that another user planted in a shared sticky folder (as
    the kernel's protected_symlinks refuses it)."""
    if not str(path) or str(path) == ".":
        raise UsageError("the output file name is empty")
    held = _HELD.fullmatch(str(path))
    data = text.encode("utf-8") if isinstance(text, str) else text
    if held:
        number = 1 if held["std"] == "out" else 2 if held["std"] == "err" else int(held["fd"] or held["proc"])
        _write_descriptor(path, number, data)
        return
    target = resolve_protected(path)
    try:
        status = target.stat()
    except FileNotFoundError:
        status = None
    except OSError as err:
        raise LifeError(f"cannot write {path}: {err.strerror or err}") from None
    if status is not None and stat.S_ISDIR(status.st_mode):
        raise UsageError(f"cannot write {path}: it is a folder")
    if status is not None and not stat.S_ISREG(status.st_mode):
        try:
            with open(target, "wb") as handle:
                handle.write(data)
        except OSError as err:
            raise LifeError(f"cannot write {path}: {err.strerror or err}") from None
        return
    mode = stat.S_IMODE(status.st_mode) if status is not None else 0o666 & ~current_umask()
    # `.NAME.XXXXXXXX.tmp`, the name cut so that the whole fits NAME_MAX whatever the name's length.
    prefix = "." + target.name.encode()[: NAME_MAX - 32].decode(errors="ignore") + "."
    with _termination_raises():
        try:
            descriptor, temporary = tempfile.mkstemp(dir=target.parent, prefix=prefix, suffix=".tmp")
        except OSError as err:
            raise LifeError(f"cannot write {path}: {err.strerror or err}") from None
        try:
            with os.fdopen(descriptor, "wb") as handle:
                os.fchmod(handle.fileno(), mode)
                handle.write(data)
            os.replace(temporary, target)
        except BaseException as err:  # a full disk, Ctrl-C, SIGTERM: the half-written file goes
            Path(temporary).unlink(missing_ok=True)
            if isinstance(err, OSError):
                raise LifeError(f"cannot write {path}: {err.strerror or err}") from None
            raise


def _write_descriptor(path: Path, descriptor: int, data: bytes) -> None:
    """All of `data` to an open descriptor, at its offset, as the process's own output is written."""
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):
            stream.flush()  # what the process printed before comes first
    try:
        while data:
            data = data[os.write(descriptor, data) :]
    except OSError as err:
        raise LifeError(f"cannot write {path}: {err.strerror or err}") from None


def resolve_protected(path: Path) -> Path:
    """`path` with every symbolic link followed (as os.path.realpath), refusing, as the kernel's
    protected_symlinks does, a link in a sticky folder that others may write (/tmp) when the link belongs to
    neither you nor the folder's owner: another user's link there could point at any file of yours."""
    pending = list(Path(os.path.join(os.getcwd(), path)).parts[1:])
    resolved = Path("/")
    links = 0
    while pending:
        part = pending.pop(0)
        if part in ("", "."):
            continue
        if part == "..":
            resolved = resolved.parent
            continue
        candidate = resolved / part
        try:
            status = os.lstat(candidate)
        except OSError:  # not there (yet): the rest is taken as written
            return candidate.joinpath(*pending)
        if not stat.S_ISLNK(status.st_mode):
            resolved = candidate
            continue
        links += 1
        if links > MAX_LINKS:
            raise LifeError(f"cannot write {path}: too many levels of symbolic links")
        folder = resolved.stat()
        shared = folder.st_mode & stat.S_ISVTX and folder.st_mode & stat.S_IWOTH
        if shared and status.st_uid not in (os.getuid(), folder.st_uid):
            raise LifeError(f"refusing to write {path}: the link {candidate} in the shared folder {resolved} "
                            f"belongs to another user (user {status.st_uid})")  # fmt: skip
        link = os.readlink(candidate)
        if link.startswith("/"):
            resolved = Path("/")
        pending = list(Path(link).parts[1:] if link.startswith("/") else Path(link).parts) + pending
    return resolved


@contextlib.contextmanager
def _termination_raises() -> Iterator[None]:
    """While a file is half written, SIGTERM ends the process by an exception (exit status 143), so that the
    half-written file is removed on the way out, instead of at once."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def terminate(signum: int, frame: object) -> None:
        raise SystemExit(128 + signum)

    try:
        previous = signal.signal(signal.SIGTERM, terminate)
    except (ValueError, OSError):  # not settable here (an embedding host)
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, signal.SIG_DFL if previous is None else previous)
