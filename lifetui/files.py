"""Writing files so that nobody ever sees half of one, and nothing but the file's contents changes."""

from __future__ import annotations

import os
import stat
import tempfile
from pathlib import Path

from lifetui.errors import LifeError, UsageError


def current_umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_atomically(path: Path, text: str) -> None:
    """Write `text` to `path`. A regular file (new, or reached through symlinks, which stay) is written
    under a temporary name beside it and renamed into place, keeping an existing file's permissions:
    nobody ever sees half a file. A device or a pipe (`/dev/null`, `/dev/stdout`) is written in place,
    never replaced. A folder is refused."""
    if not str(path) or str(path) == ".":
        raise UsageError("the output file name is empty")
    target = Path(os.path.realpath(path))  # through every symlink: the link stays, its file is written
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
            with open(target, "w", encoding="utf-8") as handle:
                handle.write(text)
        except OSError as err:
            raise LifeError(f"cannot write {path}: {err.strerror or err}") from None
        return
    mode = stat.S_IMODE(status.st_mode) if status is not None else 0o666 & ~current_umask()
    try:
        descriptor, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    except OSError as err:
        raise LifeError(f"cannot write {path}: {err.strerror or err}") from None
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            os.fchmod(handle.fileno(), mode)
            handle.write(text)
        os.replace(temporary, target)
    except OSError as err:
        Path(temporary).unlink(missing_ok=True)
        raise LifeError(f"cannot write {path}: {err.strerror or err}") from None
