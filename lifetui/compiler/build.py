"""Build C at run time and load it with cffi: gcc, cached by a hash of everything that shapes the binary.

A build goes to a temporary name in the cache and is renamed into place, so two processes building
the same source at once both succeed and nobody ever loads half a shared object. The cache folder is
private (0700, ours, checked every time, refused otherwise), libraries are written 0700, and each has
the SHA-256 of its bytes beside it: a library whose bytes do not match is rebuilt, never loaded.
"""

from __future__ import annotations

import functools
import hashlib
import os
import shlex
import shutil
import stat
import subprocess
import sys
import tempfile
import time
from importlib import resources
from pathlib import Path

import cffi
import platformdirs

from lifetui.errors import LifeError

DECLARATIONS = (
    "int lifetui_step(uint64_t *board, uint64_t *scratch, long height, long width, long generations, int threads);"
    "long lifetui_population(const uint64_t *board, long height, long width);"
    "long lifetui_stride(long width);"
    "void lifetui_blocks(const uint64_t *board, long board_height, long board_width, long top, long left,"
    " long height, long width, long block, uint8_t *out, uint64_t *rows);"
)
#: What the planes runtime (planes.c) offers, for a multi-state rule's circuits.
PLANES_DECLARATIONS = (
    "int lifetui_step_planes(uint64_t *board, uint64_t *scratch, long height, long width, long generations,"
    " int threads);"
    "long lifetui_stride(long width);"
)
NATIVE_FLAGS = ("-O3", "-march=native")
PORTABLE_FLAGS = ("-O3",)


class BuildError(LifeError):
    """The C compiler is missing or failed."""


def compiler() -> list[str]:
    return _split("LIFETUI_CC", os.environ.get("LIFETUI_CC", "cc")) or ["cc"]


def requested_flags() -> tuple[str, ...]:
    override = os.environ.get("LIFETUI_CFLAGS")
    return tuple(_split("LIFETUI_CFLAGS", override)) if override is not None else NATIVE_FLAGS


def _split(variable: str, value: str) -> list[str]:
    try:
        return shlex.split(value)
    except ValueError as err:  # an unclosed quote
        raise BuildError(f"{variable}={value!r} cannot be read as a command line: {err}") from None


def missing_compiler_reason() -> str | None:
    command = compiler()[0]
    if shutil.which(command) is None:
        return f"no C compiler: {command!r} not found (install gcc, or set LIFETUI_CC)"
    return None


def compiler_identity() -> str:
    """The first line of the compiler's --version, as used in cache keys and benchmark reports."""
    return _compiler_identity(tuple(compiler()))


@functools.cache
def _compiler_identity(command: tuple[str, ...]) -> str:
    try:
        completed = subprocess.run([*command, "--version"], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired) as err:
        raise BuildError(f"cannot run the C compiler {command[0]!r}: {err}") from None
    return completed.stdout.splitlines()[0] if completed.stdout else command[0]


@functools.cache
def _cpu_info() -> list[str]:
    try:
        return Path("/proc/cpuinfo").read_text(errors="replace").splitlines()
    except OSError:
        return []


def _cpu_identity() -> str:
    wanted = [line for line in _cpu_info() if line.startswith(("model name", "flags", "Features"))]
    return os.uname().machine + "\n" + "\n".join(sorted(set(wanted)))


def cpu_model() -> str:
    for line in _cpu_info():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return os.uname().machine


def cache_dir() -> Path:
    return Path(platformdirs.user_cache_dir("lifetui")) / "build"


def runtime_source() -> str:
    return c_source("words.c") + c_source("runtime.c")


def planes_source() -> str:
    return c_source("words.c") + c_source("planes.c")


def bitsliced_source() -> str:
    return c_source("bitsliced.c", "lifetui.engines")


def c_source(name: str, package: str = "lifetui.compiler") -> str:
    """One of lifetui's hand-written C files, from the `c` folder of the package that owns it (the runtime the
    compiler emits against lives in lifetui.compiler; the hand-written engines' C beside the engines)."""
    return (resources.files(package) / "c" / name).read_text(encoding="utf-8")


def build(source: str) -> Path:
    """The path of a shared object built from `source`, from the cache when it is there."""
    reason = missing_compiler_reason()
    if reason:
        raise BuildError(reason)
    command = tuple(compiler())
    flags = requested_flags()
    key = hashlib.sha256(
        "\0".join([source, " ".join(flags), _compiler_identity(command), _cpu_identity()]).encode()
    ).hexdigest()[:32]
    folder = writable_cache(cache_dir())
    target = folder / f"lifetui-{key}.so"
    if _verified(target):
        return target
    remove_abandoned_builds(folder)
    try:
        with tempfile.TemporaryDirectory(dir=folder, prefix=".build-") as work:
            source_file = Path(work) / "engine.c"
            source_file.write_text(source, encoding="utf-8")
            built = Path(work) / "engine.so"
            failure = _compile(command, flags, source_file, built)
            if failure and "LIFETUI_CFLAGS" not in os.environ and flags == NATIVE_FLAGS:
                failure = _compile(command, PORTABLE_FLAGS, source_file, built)
            if failure:
                raise BuildError(f"the C compiler failed: {failure}")
            if not built.is_file() or built.stat().st_size == 0:
                raise BuildError(f"the C compiler {command[0]!r} reported success but wrote no library")
            built.chmod(0o700)
            digest = Path(work) / "engine.sha256"
            digest.write_text(_digest(built) + "\n", encoding="ascii")
            digest.chmod(0o600)
            # The library first, then its digest: a reader that finds the library without the right
            # digest beside it builds again rather than load it.
            os.replace(built, target)
            os.replace(digest, _digest_path(target))
    except OSError as err:  # a full disk, a folder removed underneath us
        raise BuildError(f"cannot build in {folder}: {err.strerror or err}") from None
    if not _verified(target):
        raise BuildError(f"the library just built in {folder} changed before it could be loaded")
    return target


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _digest_path(library: Path) -> Path:
    return library.with_name(library.name + ".sha256")


def _verified(library: Path) -> bool:
    """Whether `library` is our own regular file whose bytes match the digest written beside it."""
    descriptor = _open_verified(library)
    if descriptor is None:
        return False
    os.close(descriptor)
    return True


def _open_verified(library: Path) -> int | None:
    """A descriptor of `library` (never through a link) when it is our own regular file whose bytes, read from
    that descriptor, match the digest written beside it; else None. Loading that descriptor loads exactly the
    bytes checked, whatever happens to the name meanwhile."""
    try:
        descriptor = os.open(library, os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC)
    except OSError:
        return None
    try:
        status = os.fstat(descriptor)
        if not stat.S_ISREG(status.st_mode) or status.st_uid != os.getuid():
            raise OSError("not our own regular file")
        expected = _digest_path(library).read_text(encoding="ascii").strip()
        digest = hashlib.sha256()
        while chunk := os.read(descriptor, 1 << 20):
            digest.update(chunk)
        if digest.hexdigest() != expected:
            raise OSError("the digest differs")
        return descriptor
    except (OSError, UnicodeDecodeError):
        os.close(descriptor)
        return None


#: A private build folder this old belongs to a build that was killed: no compile takes an hour.
ABANDONED_SECONDS = 3600


def remove_abandoned_builds(folder: Path) -> None:
    """Delete the private folders of builds killed midway; a running build's folder is never this old."""
    cutoff = time.time() - ABANDONED_SECONDS
    for leftover in folder.glob(".build-*"):
        try:
            if leftover.stat().st_mtime < cutoff:
                shutil.rmtree(leftover, ignore_errors=True)
        except OSError:
            pass  # another process removed it first


def writable_cache(folder: Path) -> Path:
    """The cache folder, or a private temporary one (said on stderr) when it cannot be written or another
    user could replace it; both checked to be private folders of ours, on a path no one else can change,
    before anything in them is used."""
    try:
        private_folder(folder, parents=True)
        with tempfile.NamedTemporaryFile(dir=folder, prefix=".probe-"):
            pass
        return folder
    except UnsafeFolder as err:
        fallback = Path(tempfile.gettempdir()) / f"lifetui-build-{os.getuid()}"
        private_folder(fallback)
        print(f"lifetui: {err}; building in {fallback}", file=sys.stderr)
        return fallback
    except OSError as err:
        fallback = Path(tempfile.gettempdir()) / f"lifetui-build-{os.getuid()}"
        try:
            private_folder(fallback)
        except OSError as fallback_error:
            raise BuildError(f"cannot write the build cache {folder} ({err.strerror or err}) nor "
                             f"{fallback} ({fallback_error.strerror or fallback_error})") from None  # fmt: skip
        print(f"lifetui: cannot write the build cache {folder} ({err.strerror or err}); building in {fallback}",
              file=sys.stderr)  # fmt: skip
        return fallback


class UnsafeFolder(BuildError):
    """A folder above the build folder that another user may write: they could put their own library there."""


def private_folder(folder: Path, parents: bool = False) -> None:
    """Make `folder` (0700) unless it exists, and with `parents` each missing folder above it (0700 too,
    whatever the umask); then insist it is a real folder, ours, that no one else may write or enter, below
    folders that only we or root may change (refuse_unsafe_path). A folder another user made first, or a
    link, is refused: BuildError."""
    missing = []
    if parents:
        above = folder.parent
        while not above.exists() and above != above.parent:
            missing.append(above)
            above = above.parent
    for made in [*reversed(missing), folder]:
        try:
            made.mkdir(mode=0o700)
        except FileExistsError:
            pass
        else:
            os.chmod(made, 0o700)  # mkdir's mode is cut by the umask; 0700 is what we asked for
    refuse_unsafe_path(folder.parent)
    status = folder.lstat()
    if not stat.S_ISDIR(status.st_mode):
        raise BuildError(f"refusing the build folder {folder}: it is not a plain folder (a link, or a file)")
    if status.st_uid != os.getuid():
        raise BuildError(f"refusing the build folder {folder}: it belongs to user {status.st_uid}, not to you")
    if status.st_mode & 0o077:
        folder.chmod(0o700)  # ours, but open to others (made under a loose umask): close it


def refuse_unsafe_path(folder: Path) -> None:
    """Refuse (UnsafeFolder) when another user could rename or replace anything at or below `folder`: every
    folder from it up to the root must belong to us or root, and be writable by no one else unless sticky (as
    /tmp is: there only an entry's owner may rename it)."""
    real = Path(os.path.realpath(folder))
    for above in [real, *real.parents]:
        status = above.stat()
        if status.st_uid not in (os.getuid(), 0):
            raise UnsafeFolder(f"refusing the build cache under {above}: it belongs to user {status.st_uid}")
        if status.st_mode & (stat.S_IWGRP | stat.S_IWOTH) and not status.st_mode & stat.S_ISVTX:
            raise UnsafeFolder(f"refusing the build cache under {above}: other users may write there")


def _compile(command: tuple[str, ...], flags: tuple[str, ...], source: Path, output: Path) -> str | None:
    try:
        completed = subprocess.run(
            [*command, *flags, "-shared", "-fPIC", "-pthread", "-o", str(output), str(source)],
            capture_output=True, text=True, timeout=300,
        )  # fmt: skip
    except (OSError, subprocess.TimeoutExpired) as err:
        return str(err)
    if completed.returncode != 0:
        lines = (completed.stderr or completed.stdout).strip().splitlines()
        return lines[0] if lines else f"exit status {completed.returncode}"
    return None


def load(source: str, declarations: str = DECLARATIONS):
    """Build (or find) and open `source`; returns (ffi, lib) with the functions `declarations` declares
    (by default the runtime's lifetui_step and lifetui_population). cffi calls release the GIL."""
    return _open(build(source), declarations)


@functools.cache
def _open(path: Path, declarations: str):
    """Each library is opened once and never closed: its thread pool outlives any one engine, and
    unloading code that pool threads sleep in would crash the process. What is loaded is the file just
    checked, by its descriptor (/proc/self/fd/N): swapping the name afterwards changes nothing. The descriptor
    stays open as long as the library: the loader knows a library by that name, and a name reused for
    another library would give back the first."""
    descriptor = _open_verified(path)
    if descriptor is None:
        raise BuildError(f"cannot load {path}: it changed after it was built or checked")
    ffi = cffi.FFI()
    ffi.cdef(declarations)
    try:
        return ffi, ffi.dlopen(loadable_path(descriptor), getattr(ffi, "RTLD_NODELETE", 0) | ffi.RTLD_NOW)
    except OSError as err:
        os.close(descriptor)
        raise BuildError(f"cannot load {path}: {err}") from None


def loadable_path(descriptor: int) -> str:
    """A name the dynamic loader opens as exactly this descriptor's file."""
    return f"/proc/self/fd/{descriptor}"
