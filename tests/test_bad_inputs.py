"""A corpus of bad inputs through the real command line: one clear line each, the right exit status,
no traceback, bounded time and memory (an absurd size is refused before anything is allocated)."""

import json
import os

import pytest

from lifetui.errors import UsageError

BAD_FILES = [
    ("truncated.rle", b"x = 3, y = 3\nbo", 0, "no '!' at the end"),  # still reads, with a warning
    ("junk.rle", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", 2, "binary file"),
    ("absurd-header.rle", b"x = 4000000000, y = 3\no!", 2, "larger than the largest pattern side"),
    ("absurd-run.rle", b"x = 3, y = 3\n4000000000o!", 2, "largest pattern side"),
    ("overflow.rle", b"x = 3, y = 3\n" + b"9" * 5000 + b"o!", 2, "too large"),
    ("huge-rows.rle", b"x = 3, y = 3\n999999999$999999999$o!", 2, "largest pattern side"),
    ("generations.rle", b"x = 3, y = 3, rule = 23/3/1\no!", 2, "Generations"),
    ("ltl.rle", b"x = 3, y = 3, rule = R2,C0,M1,S2..3,B3..3,NW12\no!", 2, "NW) of range 2 is 25 hexadecimal digits"),
    ("trailing-junk.rle", b"x = 3, y = 3, rule = B3/S23junk\no!", 2, "not B/S, Hensel, MAP or Generations notation"),
    ("latin1.rle", b"#C Gr\xfc\xdfe\nx = 1, y = 1\no!", 2, "not UTF-8"),
    ("empty.rle", b"", 0, "no '!' at the end"),
    ("multistate.rle", b"x = 3, y = 1\nABC!", 0, "read as state 1"),
    ("only-comments.cells", b"!Name: nothing\n", 0, ""),  # an empty pattern, correctly
    ("bad.lif", b"#Life 1.06\n1 2 3\n", 2, "two whole numbers"),
]


@pytest.mark.parametrize(("name", "content", "code", "words"), BAD_FILES, ids=[case[0] for case in BAD_FILES])
def test_bad_files(lifetui, tmp_path, name, content, code, words):
    path = tmp_path / name
    path.write_bytes(content)
    result = lifetui("run", str(path), "--steps", "2", "--json")
    assert result.code == code, result.err
    assert "Traceback" not in result.err
    if code:
        assert len(result.err.strip().splitlines()) == 1
        assert result.err.startswith(f"lifetui: error: {path}")
    assert words in result.err


def test_empty_file_is_an_empty_board(lifetui, tmp_path):
    path = tmp_path / "empty.rle"
    path.write_bytes(b"")
    result = lifetui("run", str(path), "--steps", "3", "--size", "8x8")
    assert result.code == 0
    assert result.out.splitlines()[1:] == ["x = 8, y = 8, rule = B3/S23:T8,8", "!"]


@pytest.mark.parametrize(
    ("args", "code", "words"),
    [
        (["run", "{tmp}", "--steps", "1"], 2, "is a directory"),
        (["run", "{tmp}/missing.rle", "--steps", "1"], 2, "no such file"),
        (["run", "glider", "--steps", "1", "--size", "60000x60000", "--engine", "numpy"], 1, "43.2 GB on the numpy"),
        (["run", "glider", "--steps", "1", "--size", "99999999999x3"], 2, "outside 3..65536"),
        (["run", "glider", "--steps", "-5"], 2, "--steps"),
        (["run", "glider", "--steps", "1", "--rule", "B3/S23 trailing"], 2, "unsupported rule"),
        (["run", "glider", "--steps", "1", "--model", "{tmp}", "--engine", "jax"], 2, "kernel.json"),
        (["run", "glider", "--steps", "1", "--model", "{tmp}/nowhere", "--engine", "c"], 2, "no such kernel folder"),
        (["run", "glider", "--steps", "1", "--rule", "B36/S23", "--engine", "c"], 2, "no trained kernel for B36/S23"),
        (
            ["run", "glider", "--steps", "1", "--rule", "B2/S", "--model", "kernels/b3s23", "--engine", "jax"],
            2,
            "is for B3/S23, not B2/S",
        ),
        (["verify", "--model", "{tmp}/nowhere"], 2, "no such kernel folder"),
        (["compile", "--model", "{tmp}"], 2, "cannot read"),
    ],
)
def test_bad_arguments(lifetui, tmp_path, args, code, words):
    result = lifetui(*[arg.replace("{tmp}", str(tmp_path)) for arg in args])
    assert result.code == code, result.err
    assert words in result.err
    assert len(result.err.strip().splitlines()) == 1
    assert "Traceback" not in result.err


@pytest.mark.parametrize(
    ("name", "content", "words"),
    [
        ("superscript-count.rle", "x = 3, y = 3\n²o!", "unexpected character '²'"),
        ("superscript-header.rle", "x = ², y = 3\no!", "whole number"),
        ("arabic-count.rle", "x = 3, y = 3\n٣o!", "unexpected character"),
        ("superscript.lif", "#Life 1.06\n² 3\n", "two whole numbers"),
        ("double-sign.lif", "#Life 1.06\n--5 3\n", "two whole numbers"),
    ],
)
def test_only_ascii_digits_count(lifetui, tmp_path, name, content, words):
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    result = lifetui("run", str(path), "--steps", "1")
    assert result.code == 2
    assert words in result.err and "Traceback" not in result.err


def test_cxrle_generation_in_other_digits_is_refused_in_one_line(lifetui, tmp_path):
    path = tmp_path / "gen.rle"
    path.write_text("#CXRLE Pos=0,0 Gen=²\nx = 1, y = 1\no!", encoding="utf-8")
    result = lifetui("run", str(path), "--steps", "1", "--json")
    assert result.code == 2 and "Traceback" not in result.err
    assert result.err == f"lifetui: error: {path}:1:20: #CXRLE Gen must be a whole number, not '²'\n"


def test_a_header_full_of_spaces_is_read_in_linear_time(lifetui, tmp_path):
    path = tmp_path / "spaces.rle"
    path.write_text("x = 3," + " " * 200_000 + "y = 3\no!")
    result = lifetui("run", str(path), "--steps", "1", "--json")
    assert result.code == 0 and json.loads(result.out)["population"] == 0


def test_threads_beyond_reason_are_refused(lifetui):
    result = lifetui("glider", "--bench", "--engine", "c", "--threads", "99999999999999999999")
    assert result.code == 2 and "--threads" in result.err


@pytest.mark.parametrize(
    ("where", "words"),
    [
        ("size", "outside 3..65536"),
        ("torus", "a side that large"),
        ("life106", "coordinate out of range"),
        ("kernel", "not valid JSON"),
    ],
)
def test_numbers_of_thousands_of_digits_are_one_line_errors(lifetui, tmp_path, where, words):
    huge = "9" * 5000
    if where == "size":
        result = lifetui("run", "glider", "--steps", "1", "--size", f"{huge}x3")
    elif where == "torus":
        result = lifetui("run", "glider", "--steps", "1", "--rule", f"B3/S23:T{huge},3")
    elif where == "life106":
        (tmp_path / "p.lif").write_text(f"#Life 1.06\n{huge} 0\n")
        result = lifetui("run", str(tmp_path / "p.lif"), "--steps", "1")
    else:
        import shutil

        shutil.copytree("kernels/b3s23", tmp_path / "k")
        (tmp_path / "k" / "kernel.json").write_text('{"format": 1, "seed": ' + huge + "}")
        result = lifetui("verify", "--model", str(tmp_path / "k"))
    assert result.code == 2 and words in result.err and len(result.err.strip().splitlines()) == 1


@pytest.mark.parametrize("seconds", ["nan", "inf", "-inf", "-1", "0"])
def test_seconds_must_be_a_finite_positive_number(lifetui, seconds):
    result = lifetui("glider", "--bench", "--engine", "numpy", "--seconds", seconds, "--json")
    assert result.code == 2 and "--seconds" in result.err and result.out == ""


def test_a_kernel_file_that_is_a_device_or_a_pipe_is_refused_without_reading_it(lifetui, tmp_path):
    import shutil

    shutil.copytree("kernels/b3s23", tmp_path / "k")
    (tmp_path / "k" / "network.npz").unlink()
    (tmp_path / "k" / "network.npz").symlink_to("/dev/zero")  # would never end
    result = lifetui("verify", "--model", str(tmp_path / "k"))
    assert result.code == 2 and "not a regular file" in result.err
    (tmp_path / "k" / "network.npz").unlink()
    os.mkfifo(tmp_path / "k" / "network.npz")  # would wait for a writer for ever
    result = lifetui("verify", "--model", str(tmp_path / "k"))
    assert result.code == 2 and "not a regular file" in result.err


def test_the_board_size_check_heeds_an_address_space_limit(monkeypatch):
    import resource

    from lifetui.memory import physical_memory
    from lifetui.world.board import refuse_bad_size

    monkeypatch.setattr(resource, "getrlimit", lambda which: (2 * 10**9, resource.RLIM_INFINITY))
    assert physical_memory() == 2 * 10**9
    with pytest.raises(UsageError, match="needs about 2.7 GB.*has 2.0 GB"):
        refuse_bad_size(30000, 30000)


def test_compiler_settings_that_do_not_parse_are_one_line_errors(lifetui, monkeypatch):
    monkeypatch.setenv("LIFETUI_CFLAGS", "-O2 '-march=native")
    result = lifetui("run", "glider", "--steps", "1", "--engine", "c")
    assert result.code == 1 and "LIFETUI_CFLAGS" in result.err and len(result.err.strip().splitlines()) == 1


def test_a_circuit_too_large_for_gcc_is_refused_before_gcc_sees_it(lifetui, monkeypatch):
    import lifetui.compiler.pipeline as pipeline

    monkeypatch.setattr(pipeline, "MAX_GATES", 100)
    result = lifetui("compile", "-O2", "-o", "/dev/null")
    assert result.code == 2 and "203 operations, more than lifetui compiles (100)" in result.err


def test_the_gate_cap_is_twenty_thousand_operations():
    from lifetui.compiler.circuit import Circuit, Gate
    from lifetui.compiler.pipeline import MAX_GATES, CircuitTooLarge, Compiled
    from lifetui.rules import CONWAY

    def chain(operations: int) -> Compiled:  # a chain of XORs, one operation each
        gates = tuple(Gate(6, 0 if index == 0 else 8 + index, index % 9) for index in range(operations))
        return Compiled(CONWAY, 2, operations, Circuit(gates, 8 + operations), None, ())

    assert MAX_GATES == 20_000
    assert "lifetui_cell" in chain(MAX_GATES).function_source()
    with pytest.raises(CircuitTooLarge, match="has 20,001 operations, more than lifetui compiles \\(20,000\\)"):
        chain(MAX_GATES + 1).source()
