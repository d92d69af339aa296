"""The c and bitsliced engines: equal to numpy on awkward tori, the build cache, and a missing compiler."""

import os
import stat
import subprocess
import sys
import textwrap
import time

import numpy as np
import pytest
from conftest import assert_follows_numpy
from hypothesis import given, settings
from hypothesis import strategies as st

from lifetui.compiler import build
from lifetui.engines import EngineOptions, availability, create_engine
from lifetui.engines.c_engines import pack, stride, unpack
from lifetui.engines.numpy_engine import NumpyEngine
from lifetui.patterns import load_pattern
from lifetui.rules import CONWAY, parse_rule
from lifetui.world.board import torus_board

SHAPES = [(64, 64), (37, 100), (129, 127), (3, 200), (200, 3), (5, 65)]


@pytest.mark.parametrize("shape", SHAPES, ids=lambda s: f"{s[1]}x{s[0]}")
@pytest.mark.parametrize("name", ["c", "bitsliced"])
def test_equal_to_numpy_after_hundreds_of_generations(name, shape):
    cells = (np.random.default_rng(sum(shape)).random(shape) < 0.37).astype(np.uint8)
    assert_follows_numpy(create_engine(name, CONWAY), cells, CONWAY, (100, 100, 100))


@pytest.mark.parametrize("rule", ["B36/S23", "B3678/S34678", "B0/S8", "B2/S", "B1357/S1357", "B012345678/S"])
def test_bitsliced_runs_every_life_like_rule(rule):
    parsed = parse_rule(rule).rule
    cells = (np.random.default_rng(7).random((30, 70)) < 0.4).astype(np.uint8)
    engine = create_engine("bitsliced", parsed)
    reference = NumpyEngine(parsed)
    engine.load(cells)
    reference.load(cells)
    engine.step(60)
    reference.step(60)
    assert np.array_equal(engine.cells(), reference.cells())


@pytest.mark.parametrize("name", ["c", "bitsliced"])
@pytest.mark.parametrize("width", [64, 70, 100])
def test_glider_crosses_the_torus_and_comes_home(name, width):
    board = torus_board(load_pattern("glider"), (width, width))
    engine = create_engine(name, CONWAY)
    engine.load(board.cells)
    engine.step(2 * width)
    assert not np.array_equal(engine.cells(), board.cells)
    engine.step(2 * width)
    assert np.array_equal(engine.cells(), board.cells)


@pytest.mark.parametrize("width", [3, 63, 64, 65, 130])
def test_packing_round_trip_keeps_the_bits_past_the_width_zero(width):
    cells = (np.random.default_rng(width).random((4, width)) < 0.5).astype(np.uint8)
    packed = pack(cells)
    words = -(-width // 64)
    assert packed.shape == (4, stride(width)) and stride(width) >= words + 2 and (stride(width) - 2) % 8 == 0
    assert np.array_equal(unpack(packed, width), cells)
    assert not packed[:, 0].any() and not packed[:, 1 + words :].any()  # ghosts and padding: the runtime's
    if width % 64:
        assert not np.any(packed[:, words] >> np.uint64(width % 64))


def test_c_engine_needs_a_kernel_for_the_rule():
    status = availability("c", parse_rule("B36/S23").rule)
    assert not status.available
    assert "lifetui train --rule B36/S23" in status.reason
    assert availability("bitsliced", parse_rule("B36/S23").rule).available


def test_missing_compiler_makes_the_c_engines_unavailable(monkeypatch, lifetui):
    monkeypatch.setenv("LIFETUI_CC", "no-such-compiler-here")
    for name in ("c", "bitsliced"):
        status = availability(name, CONWAY)
        assert not status.available
        assert "no C compiler" in status.reason
    result = lifetui("run", "glider", "--steps", "4", "--engine", "bitsliced")
    assert result.code == 1
    assert "no C compiler" in result.err
    assert lifetui("run", "glider", "--steps", "4", "--engine", "numpy").code == 0


def test_a_failing_compiler_is_reported(monkeypatch):
    monkeypatch.setenv("LIFETUI_CFLAGS", "-O2 --no-such-flag-for-gcc")
    with pytest.raises(build.BuildError, match="the C compiler failed"):
        build.build("int lifetui_step(void) { return 0; }\n")


def test_builds_are_cached_by_source_and_flags(monkeypatch, fresh_cache):
    source = "int lifetui_step(void) { return 1; }\n"
    first = build.build(source)
    assert build.build(source) == first
    monkeypatch.setenv("LIFETUI_CFLAGS", "-O1")
    assert build.build(source) != first
    assert build.cache_dir().is_relative_to(fresh_cache)
    assert not [p for p in build.cache_dir().iterdir() if p.name.startswith(".")]


def test_concurrent_first_builds_all_succeed(tmp_path):
    script = textwrap.dedent(
        """
        import numpy as np
        from lifetui.engines import EngineOptions, create_engine
        from lifetui.rules import CONWAY
        engine = create_engine("bitsliced", CONWAY)
        engine.load(np.eye(8, dtype=np.uint8))
        engine.step(1)
        print(engine.population())
        """
    )
    # The cache must not be the working folder: its "lifetui" subfolder would shadow the package.
    (tmp_path / "work").mkdir()
    environment = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache")}
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", script],
            env=environment,
            cwd=tmp_path,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )  # fmt: skip
        for _ in range(4)
    ]
    results = [process.communicate(timeout=120) for process in processes]
    assert [process.returncode for process in processes] == [0, 0, 0, 0], results
    reference = NumpyEngine(CONWAY)
    reference.load(np.eye(8, dtype=np.uint8))
    reference.step(1)
    assert all(out.strip() == str(reference.population()) for out, _ in results)
    built = list((tmp_path / "cache" / "lifetui" / "build").glob("*.so"))
    assert len(built) == 1
    assert not list((tmp_path / "cache" / "lifetui" / "build").glob(".*"))


@pytest.mark.parametrize("name", ["c", "bitsliced"])
@pytest.mark.parametrize(("shape", "threads"), [((64, 64), 2), ((37, 100), 3), ((3, 200), 4), ((129, 127), 2)])
def test_threads_over_row_bands_give_the_same_board(name, shape, threads):
    cells = (np.random.default_rng(threads).random(shape) < 0.37).astype(np.uint8)
    engine = create_engine(name, CONWAY, EngineOptions(threads=threads))
    reference = NumpyEngine(CONWAY)
    engine.load(cells)
    reference.load(cells)
    for generations in (1, 2, 97):
        engine.step(generations)
        reference.step(generations)
        assert np.array_equal(engine.cells(), reference.cells())


def test_an_unwritable_cache_falls_back_to_a_temporary_folder_and_says_so(monkeypatch, capsys, tmp_path):
    blocked = tmp_path / "blocked"
    blocked.write_text("a file where the cache folder should be")
    monkeypatch.setattr(build, "cache_dir", lambda: blocked / "build")
    path = build.build("int lifetui_step(void) { return 2; }\n")
    assert path.exists() and not str(path).startswith(str(blocked))
    assert "cannot write the build cache" in capsys.readouterr().err


def test_leftovers_of_a_killed_build_and_other_compilers_do_not_interfere(monkeypatch, fresh_cache):
    source = "int lifetui_step(void) { return 3; }\n"
    first = build.build(source)
    fresh, stale = first.parent / ".build-running", first.parent / ".build-killed"
    fresh.mkdir()  # another process's build, under way
    stale.mkdir()  # what a build killed midway leaves: its private folder
    old = time.time() - 2 * build.ABANDONED_SECONDS
    os.utime(stale, (old, old))
    first.unlink()
    assert build.build(source) == first and first.stat().st_size > 100
    assert fresh.exists() and not stale.exists()
    monkeypatch.setattr(build, "_compiler_identity", lambda command: "another compiler 1.0")
    assert build.build(source) != first  # an entry from another compiler is never reused


def test_pooled_threads_survive_engines_coming_and_going_and_a_fork(tmp_path):
    # The pool's threads sleep inside the library: it must never be unloaded, and a forked child
    # (which has none of the parent's threads) must start its own pool rather than wait forever.
    script = textwrap.dedent(
        """
        import gc, os
        import numpy as np
        from lifetui.engines import EngineOptions, create_engine
        from lifetui.engines.numpy_engine import NumpyEngine
        from lifetui.rules import CONWAY
        cells = (np.random.default_rng(3).random((90, 150)) < 0.4).astype(np.uint8)
        reference = NumpyEngine(CONWAY)
        reference.load(cells)
        reference.step(40)
        def run(threads):
            engine = create_engine("c", CONWAY, EngineOptions(threads=threads))
            engine.load(cells)
            for _ in range(4):
                engine.step(10)
            return np.array_equal(engine.cells(), reference.cells())
        for threads in (2, 3, 2, 4):
            assert run(threads)
            gc.collect()
        pid = os.fork()
        if pid == 0:
            os._exit(0 if run(2) and run(3) else 1)
        _, status = os.waitpid(pid, 0)
        assert os.waitstatus_to_exitcode(status) == 0
        print("ok")
        """
    )
    completed = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120,
                               cwd=tmp_path)  # fmt: skip
    assert completed.returncode == 0 and completed.stdout.strip() == "ok", completed.stderr


@settings(max_examples=40, deadline=None)
@given(
    st.integers(1, 300), st.integers(1, 150), st.integers(1, 4), st.lists(st.integers(0, 19), min_size=1, max_size=3),
    st.sampled_from(["c", "bitsliced"]), st.integers(0, 2**32 - 1),
)  # fmt: skip
def test_any_torus_any_threads_any_generations_equal_numpy(height, width, threads, runs, name, seed):
    # Passes cover up to 8 generations; their halos wrap around small tori more than once; taller boards
    # split into several chunks, which threads claim.
    cells = (np.random.default_rng(seed).random((height, width)) < 0.4).astype(np.uint8)
    assert_follows_numpy(create_engine(name, CONWAY, EngineOptions(threads=threads)), cells, CONWAY, runs)


def test_threads_are_capped_at_the_cpus_lifetui_may_use(monkeypatch):
    from lifetui.engines import c_engines

    engine = create_engine("bitsliced", CONWAY, EngineOptions(threads=64))
    engine.load(np.eye(40, dtype=np.uint8))
    asked = []
    library = engine._lib

    class Recording:
        def lifetui_step(self, *arguments):
            asked.append(arguments[-1])
            return library.lifetui_step(*arguments)

    engine._lib = Recording()
    monkeypatch.setattr(c_engines, "usable_cpus", lambda: 3)
    engine.step(2)
    assert asked == [3]
    reference = NumpyEngine(CONWAY)
    reference.load(np.eye(40, dtype=np.uint8))
    reference.step(2)
    assert np.array_equal(engine.cells(), reference.cells())


@pytest.mark.parametrize("name", ["c", "bitsliced"])
@pytest.mark.parametrize(("shape", "threads"), [((100, 70), 1), ((37, 130), 2), ((61, 513), 3), ((20, 64), 2)])
def test_bands_of_rows_advanced_eight_generations_at_a_time_equal_numpy(monkeypatch, name, shape, threads):
    # Large boards go by bands of rows through private buffers; built so that every board does (bands of
    # a few rows, many per board), small boards take that path too, with generations not a multiple of 8.
    monkeypatch.setenv("LIFETUI_CFLAGS", "-O3 -march=native -DLIFETUI_DIRECT_BYTES=0 -DLIFETUI_BAND_BYTES=8192")
    cells = (np.random.default_rng(sum(shape)).random(shape) < 0.37).astype(np.uint8)
    engine = create_engine(name, CONWAY, EngineOptions(threads=threads))
    assert_follows_numpy(engine, cells, CONWAY, (1, 8, 13, 29))


def test_the_fallback_build_folder_is_refused_unless_private_and_ours(monkeypatch, tmp_path):
    blocked = tmp_path / "blocked"
    blocked.write_text("a file where the cache folder should be")
    monkeypatch.setattr(build, "cache_dir", lambda: blocked / "build")
    monkeypatch.setattr(build.tempfile, "gettempdir", lambda: str(tmp_path))
    source = "int lifetui_step(void) { return 4; }\n"
    fallback = tmp_path / f"lifetui-build-{os.getuid()}"
    fallback.symlink_to(tmp_path / "elsewhere")  # someone else's link, made first
    (tmp_path / "elsewhere").mkdir()
    with pytest.raises(build.BuildError, match="not a plain folder"):
        build.build(source)
    fallback.unlink()
    fallback.mkdir(mode=0o777)
    real_uid = os.getuid()
    monkeypatch.setattr(build.os, "getuid", lambda: real_uid + 1)  # as another user sees this folder
    with pytest.raises(build.BuildError, match=f"belongs to user {real_uid}"):
        build.private_folder(fallback)
    monkeypatch.setattr(build.os, "getuid", lambda: real_uid)
    fallback.chmod(0o777)
    library = build.build(source)  # ours but open to all: closed, then used
    assert library.parent == fallback and fallback.stat().st_mode & 0o777 == 0o700


def test_libraries_are_private_and_a_tampered_one_is_rebuilt_not_loaded(tmp_path, monkeypatch):
    monkeypatch.setattr(build, "cache_dir", lambda: tmp_path / "cache")
    old_umask = os.umask(0)
    try:
        library = build.build("int lifetui_step(void) { return 5; }\n")
    finally:
        os.umask(old_umask)
    assert library.stat().st_mode & 0o077 == 0 and library.parent.stat().st_mode & 0o077 == 0
    honest = library.read_bytes()
    library.write_bytes(honest[:-16] + b"\x90" * 16)  # another process's code under the expected name
    assert build.build("int lifetui_step(void) { return 5; }\n") == library
    assert library.read_bytes() == honest
    build._digest_path(library).unlink()  # a library with no digest beside it is not trusted either
    assert build.build("int lifetui_step(void) { return 5; }\n") == library and build._verified(library)


def test_a_compiler_that_writes_nothing_is_named(monkeypatch, tmp_path):
    monkeypatch.setattr(build, "cache_dir", lambda: tmp_path / "cache")
    monkeypatch.setenv("LIFETUI_CC", "true")
    with pytest.raises(build.BuildError, match="reported success but wrote no library"):
        build.build("int lifetui_step(void) { return 6; }\n")


@pytest.mark.parametrize("banded", [False, True])
@pytest.mark.parametrize(("shape", "threads"), [((37, 100), 1), ((64, 64), 2), ((5, 3), 1), ((70, 513), 2)])
def test_the_per_cell_circuit_at_O2_runs_through_the_same_runtime_and_equals_numpy(monkeypatch, shape, threads,
                                                                                  banded):  # fmt: skip
    # The -O0 to -O2 circuits (and inexact kernels that are not symmetric) take lifetui_cell, not the
    # stencil's row sums: a separate path through the runtime, compiled and run here.
    from lifetui.engines import c_engines

    monkeypatch.setattr(c_engines.CircuitEngine, "level", 2)
    if banded:
        monkeypatch.setenv("LIFETUI_CFLAGS", "-O3 -march=native -DLIFETUI_DIRECT_BYTES=0 -DLIFETUI_BAND_BYTES=8192")
    engine = create_engine("c", CONWAY, EngineOptions(threads=threads))
    assert engine.compiled.form == "circuit" and "lifetui_cell" in engine.compiled.function_source()
    cells = (np.random.default_rng(sum(shape)).random(shape) < 0.37).astype(np.uint8)
    assert_follows_numpy(engine, cells, CONWAY, (1, 8, 21))


@pytest.mark.parametrize("neighbour", ["NW", "N", "NE", "W", "E", "SW", "S", "SE"])
@pytest.mark.parametrize("shape", [(37, 100), (3, 65), (9, 64), (20, 130)])
def test_a_kernel_that_copies_one_neighbour_moves_the_board_exactly_that_way(tmp_path, neighbour, shape):
    # Wrong for any Life-like rule, so it runs only with --allow-inexact, on the per-cell path: each
    # cell takes its `neighbour`'s state, so the whole torus shifts one cell the other way, edges wrapping.
    from lifetui.model.gates import PASS_A
    from lifetui.model.kernels import save_kernel
    from lifetui.model.network import Network
    from lifetui.rules import NEIGHBOURHOOD

    source = NEIGHBOURHOOD.index(neighbour)
    network = Network([np.array([source])], [np.array([0])], [np.eye(16, dtype=np.float32)[[PASS_A]]])
    save_kernel(tmp_path / "copy", network, {"rule": "B3/S23"})
    engine = create_engine("c", CONWAY, EngineOptions(tmp_path / "copy", allow_inexact=True))
    assert engine.inexact > 0 and engine.compiled.form == "circuit"
    cells = (np.random.default_rng(sum(shape)).random(shape) < 0.4).astype(np.uint8)
    engine.load(cells)
    engine.step(3)
    dy, dx = {"N": -1, "S": 1}.get(neighbour[0], 0), {"W": -1, "E": 1}.get(neighbour[-1], 0)
    assert np.array_equal(engine.cells(), np.roll(cells, (-3 * dy, -3 * dx), axis=(0, 1)))


@pytest.mark.parametrize("name", ["c", "bitsliced"])
@pytest.mark.parametrize("width", [128, 448, 512, 576, 1024])
@pytest.mark.parametrize(("banded", "threads"), [(False, 1), (False, 2), (True, 1), (True, 2)])
def test_rows_of_whole_words_read_across_the_edge_from_ghost_words(monkeypatch, name, width, banded, threads):
    # A width that is a multiple of 64 keeps copies of each row's edge words beside it (set on every call,
    # then written with each row): whole vectors (512, 1024 with AVX-512), a part of one (448, 576, 128),
    # direct passes and bands, one thread and two; and cells drawn on the edges between calls.
    if banded:
        monkeypatch.setenv("LIFETUI_CFLAGS", "-O3 -march=native -DLIFETUI_DIRECT_BYTES=0 -DLIFETUI_BAND_BYTES=32768")
    cells = (np.random.default_rng(width).random((40, width)) < 0.37).astype(np.uint8)
    engine = create_engine(name, CONWAY, EngineOptions(threads=threads))
    assert_follows_numpy(engine, cells, CONWAY, (1, 8, 13))
    edges = np.array([(row, column) for row in range(0, 40, 3) for column in (0, width - 1)])
    engine.set_cells(edges, 1)  # in the engine's own words, not by a load
    reference = NumpyEngine(CONWAY)
    reference.load(engine.cells())
    assert reference.cells()[edges[:, 0], edges[:, 1]].all()
    for count in (1, 2, 9):
        engine.step(count)
        reference.step(count)
        assert np.array_equal(engine.cells(), reference.cells())


def test_every_folder_the_cache_makes_is_private_whatever_the_umask(monkeypatch, tmp_path):
    home = tmp_path / "home"
    monkeypatch.setattr(build, "cache_dir", lambda: home / ".cache" / "lifetui" / "build")
    old_umask = os.umask(0)
    try:
        build.build("int lifetui_step(void) { return 7; }\n")
    finally:
        os.umask(old_umask)
    for made in (home, home / ".cache", home / ".cache" / "lifetui", home / ".cache" / "lifetui" / "build"):
        assert made.stat().st_mode & 0o777 == 0o700, made


def test_a_cache_below_a_folder_others_may_write_is_not_used(monkeypatch, tmp_path, capsys):
    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o777)  # another user could rename the cache folder away and put their own in its place
    monkeypatch.setattr(build, "cache_dir", lambda: shared / "lifetui" / "build")
    monkeypatch.setattr(build.tempfile, "gettempdir", lambda: str(tmp_path))
    library = build.build("int lifetui_step(void) { return 8; }\n")
    assert library.parent == tmp_path / f"lifetui-build-{os.getuid()}"
    assert f"refusing the build cache under {shared}: other users may write there" in capsys.readouterr().err
    shared.chmod(0o1777)  # sticky, as /tmp: only an entry's owner may rename it
    assert build.build("int lifetui_step(void) { return 8; }\n").parent == shared / "lifetui" / "build"


def test_the_library_loaded_is_the_one_checked_even_if_its_name_is_swapped_between(monkeypatch, tmp_path):
    monkeypatch.setattr(build, "cache_dir", lambda: tmp_path / "cache")
    honest = build.build("int lifetui_step(void) { return 9; }\n")
    other = build.build("int lifetui_step(void) { return 666; }\n")
    checked = build._open_verified

    def check_then_swap(path):
        descriptor = checked(path)
        os.replace(other, path)  # another process swaps the name after the check, before the load
        return descriptor

    monkeypatch.setattr(build, "_open_verified", check_then_swap)
    loaded = []
    real_dlopen = build.cffi.FFI.dlopen
    monkeypatch.setattr(build.cffi.FFI, "dlopen", lambda ffi, name, flags=0: loaded.append(name) or real_dlopen(
        ffi, name, flags))  # fmt: skip
    _, library = build._open.__wrapped__(honest, "int lifetui_step(void);")
    assert loaded[0].startswith("/proc/self/fd/")
    assert library.lifetui_step() == 9  # the bytes checked, not the ones now under the name


def test_a_cached_library_another_user_owns_is_rebuilt_not_loaded(monkeypatch, tmp_path):
    monkeypatch.setattr(build, "cache_dir", lambda: tmp_path / "cache")
    source = "int lifetui_step(void) { return 6; }\n"
    library = build.build(source)
    real_fstat = os.fstat

    def as_another_users(descriptor, *args, **kwargs):  # the cached library, as if user 65534 had put it there
        status = real_fstat(descriptor, *args, **kwargs)
        if os.path.realpath(f"/proc/self/fd/{descriptor}") == str(library):
            fields = list(status)
            fields[stat.ST_UID] = 65534
            return os.stat_result(fields)
        return status

    monkeypatch.setattr(build.os, "fstat", as_another_users)
    compiles = []
    real_compile = build._compile
    monkeypatch.setattr(build, "_compile", lambda *args: compiles.append(args) or real_compile(*args))
    # Rebuilt (its bytes may be anyone's), and still not trusted: the name stays another user's here.
    with pytest.raises(build.BuildError, match="changed before it could be loaded"):
        build.build(source)
    assert len(compiles) == 1
    monkeypatch.setattr(build.os, "fstat", real_fstat)
    assert build.build(source) == library and len(compiles) == 1  # ours again: found in the cache
