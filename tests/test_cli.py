"""The command line as a user meets it: output, JSON, and one-line errors with the right exit status."""

import json
import os
import signal
import stat
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

from lifetui.patterns import load_pattern, read_rle
from lifetui.rules import CONWAY


def test_run_prints_the_final_board_as_rle(lifetui):
    result = lifetui("run", "glider", "--steps", "4", "--size", "8x8")
    assert result.code == 0
    lines = result.out.splitlines()
    assert lines[0] == "#CXRLE Pos=0,0 Gen=4"
    assert "x = 8, y = 8, rule = B3/S23:T8,8" in lines
    moved = read_rle(result.out)
    assert moved.population == 5


def test_run_output_file_loads_back_at_the_same_place(lifetui, tmp_path):
    out = tmp_path / "after.rle"
    assert lifetui("run", "r-pentomino", "--steps", "50", "--size", "64x48", "-o", str(out)).code == 0
    again = tmp_path / "again.rle"
    assert lifetui("run", str(out), "--steps", "0", "-o", str(again)).code == 0
    assert out.read_text().splitlines()[1:] == again.read_text().splitlines()[1:]
    first = load_pattern(str(out))
    assert first.generation == 50
    assert (first.width, first.height) == (64, 48)


def test_run_json_summary(lifetui, tmp_path):
    result = lifetui("run", "gosper-glider-gun", "--steps", "60", "--json", "--size", "256x256",
                     "-o", str(tmp_path / "g.rle"))  # fmt: skip
    summary = json.loads(result.out)
    assert summary["population"] == 46
    assert summary["generation"] == 60
    assert summary["rule"] == "B3/S23"
    assert (summary["width"], summary["height"]) == (256, 256)
    assert summary["engine"] == "c"  # the fastest exact engine for B3/S23 on a torus
    assert (tmp_path / "g.rle").exists()


def test_a_file_without_a_torus_suffix_runs_on_the_unbounded_plane(lifetui, tmp_path):
    # The gun's first glider, at generation 60, is past where a torus of the gun's own size would wrap it.
    result = lifetui("run", "gosper-glider-gun", "--steps", "60", "--json", "-o", str(tmp_path / "g.rle"))
    summary = json.loads(result.out)
    assert summary["topology"] == "plane" and summary["engine"] == "hashlife" and summary["population"] == 46
    saved = (tmp_path / "g.rle").read_text()
    assert "#CXRLE Pos=" in saved and ":T" not in saved
    torus = json.loads(lifetui("run", "gosper-glider-gun", "--steps", "60", "--json", "--rule", "B3/S23:T64,64").out)
    assert (torus["width"], torus["height"], torus["topology"], torus["top"], torus["left"]) == (64, 64, "T64,64", 0, 0)
    # Under B0 the plane would come alive everywhere at once: the default torus, said so.
    b0 = lifetui("run", "glider", "--steps", "2", "--json", "--rule", "B0/S8")
    assert (json.loads(b0.out)["width"], json.loads(b0.out)["height"]) == (256, 256) and "has B0" in b0.err


def test_run_rule_override(lifetui):
    result = lifetui("run", "glider", "--steps", "1", "--rule", "B36/S23", "--json")
    assert json.loads(result.out)["rule"] == "B36/S23"


def test_run_from_stdin(lifetui):
    result = lifetui("run", "-", "--steps", "1", "--json", stdin=b"x = 3, y = 1\n3o!")
    assert json.loads(result.out)["population"] == 3


def test_generation_continues_from_the_file(lifetui, tmp_path):
    path = tmp_path / "g.rle"
    path.write_text("#CXRLE Pos=0,0 Gen=100\nx = 3, y = 1\n3o!")
    assert json.loads(lifetui("run", str(path), "--steps", "5", "--json").out)["generation"] == 105


@pytest.mark.parametrize(
    ("args", "code", "words"),
    [
        (["run", "glider", "--steps", "-1"], 2, "--steps"),
        (["run", "glider"], 2, "--steps"),
        (["run", "glider", "--steps", "1", "--size", "2x2"], 2, "outside 3..65536"),
        (["run", "glider", "--steps", "1", "--size", "65536x65536", "--engine", "numpy"], 1, "GB on the numpy engine"),
        (["run", "glider", "--steps", "1", "--size", "banana"], 2, "WIDTHxHEIGHT"),
        (["run", "glider", "--steps", "1", "--rule", "B3/S23/C1"], 2, "Generations"),
        (["run", "glider", "--steps", "1", "--engine", "warp"], 2, "warp"),
        (["run", "nothing-here.rle", "--steps", "1"], 2, "nothing-here.rle: no such file"),
        (["run", "gosper-glider-gun", "--steps", "1", "--size", "10x10"], 2, "larger than the 10x10 torus"),
        (["frobnicate"], 2, "frobnicate"),
    ],
)
def test_bad_input_is_one_line_and_the_right_status(lifetui, args, code, words):
    result = lifetui(*args)
    assert result.code == code
    assert words in result.err
    assert len(result.err.strip().splitlines()) == 1
    assert "Traceback" not in result.err


def test_a_board_beyond_the_machine_is_refused_with_what_it_needs(lifetui, monkeypatch):
    import lifetui.memory as board_module

    monkeypatch.setattr(board_module, "physical_memory", lambda: 1 << 30)  # a 1 GB machine
    result = lifetui("run", "glider", "--steps", "1", "--size", "32768x32768", "--engine", "c")
    assert result.code == 2
    assert "a 32768x32768 board needs about 3.2 GB to simulate; this machine has 1.1 GB" in result.err


def test_bad_file_names_line_and_column(lifetui, tmp_path):
    path = tmp_path / "broken.rle"
    path.write_text("x = 3, y = 3\nbob$2b?o$3o!\n")
    result = lifetui("run", str(path), "--steps", "1")
    assert result.code == 2
    assert result.err.strip() == f"lifetui: error: {path}:2:7: unexpected character '?' in the pattern body"


def test_unwritable_output_is_a_runtime_error(lifetui, tmp_path):
    result = lifetui("run", "glider", "--steps", "1", "-o", str(tmp_path / "missing" / "x.rle"))
    assert result.code == 1
    assert "cannot write" in result.err


def test_output_gets_the_permissions_the_umask_allows(lifetui, tmp_path):
    out = tmp_path / "x.rle"
    previous = os.umask(0o027)
    try:
        assert lifetui("run", "glider", "--steps", "1", "-o", str(out)).code == 0
    finally:
        os.umask(previous)
    assert out.stat().st_mode & 0o777 == 0o640
    assert not list(tmp_path.glob(".*.tmp"))


def test_engines_lists_all_seven(lifetui):
    result = lifetui("engines", "--json")
    listing = json.loads(result.out)
    names = ["numpy", "jax", "c", "bitsliced", "hashlife", "xla", "ltl"]
    assert [row["engine"] for row in listing["engines"]] == names
    available = {row["engine"]: row["available"] for row in listing["engines"]}
    assert {name for name, yes in available.items() if not yes} == {"ltl"}  # B3/S23 ships a kernel; ltl runs LtL
    ltl = json.loads(lifetui("engines", "--json", "--rule", "R5,C0,M1,S34..58,B34..45,NM").out)["engines"]
    assert {row["engine"] for row in ltl if row["available"]} == {"numpy", "ltl"}


def test_engine_unavailable_is_explained(lifetui):
    result = lifetui("engines", "--rule", "B36/S23")  # no kernel ships for HighLife
    assert result.code == 0
    lines = result.out.splitlines()
    assert lines[0].startswith("numpy      yes") and any(line.startswith("hashlife   yes") for line in lines)
    assert any(line.startswith("bitsliced  yes") for line in lines)
    for name in ("jax", "c", "xla"):
        at = next(i for i, line in enumerate(lines) if line.startswith(f"{name} "))
        assert " no " in lines[at] and "lifetui train --rule B36/S23" in lines[at + 1]


def test_installed_entry_points_never_show_a_traceback(tmp_path):
    broken = tmp_path / "junk.rle"
    broken.write_bytes(b"\xff\xfe\x00garbage")
    script = Path(sys.executable).parent / "lifetui"
    for command in ([str(script)], [sys.executable, "-m", "lifetui"]):
        completed = subprocess.run(
            [*command, "run", str(broken), "--steps", "1"], capture_output=True, text=True, cwd=tmp_path
        )
        assert completed.returncode == 2
        assert completed.stderr.strip() == f"lifetui: error: {broken}:1:3: binary file (NUL byte), not a pattern"


@pytest.mark.parametrize(
    "args",
    [
        ["run", "glider", "--steps", "2", "--json"],
        ["compile", "--json"],
        ["verify"],
        ["engines"],
        ["glider", "--bench", "--engine", "numpy", "--engine", "c", "--steps", "2", "--json"],
    ],
    ids=lambda args: args[0] if args[0] != "glider" else "bench",
)
def test_headless_commands_do_not_import_jax_or_textual(tmp_path, args):
    code = (
        f"import sys; from lifetui.cli import main; sys.argv=['lifetui', *{args!r}];\n"
        "try:\n    main()\nexcept SystemExit as exit:\n    assert not exit.code, exit.code\n"
        "assert 'jax' not in sys.modules and 'textual' not in sys.modules, sorted(sys.modules)"
    )
    completed = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path)
    assert completed.returncode == 0, completed.stderr


def test_population_matches_cells(lifetui):
    out = lifetui("run", "acorn", "--steps", "100", "--size", "128x128").out
    cells = read_rle(out).to_array()
    assert cells.shape == (128, 128)
    assert int(np.count_nonzero(cells)) == read_rle(out).population


def test_verify_the_shipped_kernel(lifetui):
    result = lifetui("verify")
    assert result.code == 0
    assert "network: 512/512 exact" in result.out.splitlines()


def test_verify_lists_what_a_wrong_kernel_gets_wrong(lifetui, tmp_path):
    from lifetui.model.gates import PASS_A
    from lifetui.model.kernels import save_kernel
    from lifetui.model.network import Network

    network = Network([np.array([4])], [np.array([0])], [np.eye(16, dtype=np.float32)[[PASS_A]]])
    save_kernel(tmp_path / "centre", network, {"rule": "B3/S23"})  # "the next state is the current one"
    result = lifetui("verify", "--model", str(tmp_path / "centre"))
    assert result.code == 1
    unchanged = (np.arange(512) >> 4) & 1
    exact = int(np.sum(CONWAY.truth_table() == unchanged))
    assert f"network: {exact}/512 exact" in result.out
    assert len([line for line in result.out.splitlines() if line.startswith("  #")]) == 512 - exact
    assert "#  7  OOO / ... / ...  rule 1, network 0" in result.out


def test_verify_without_a_kernel(lifetui):
    result = lifetui("verify", "--rule", "B36/S23")
    assert result.code == 2  # bad input: there is no such kernel
    assert "lifetui train --rule B36/S23" in result.err


def test_train_writes_an_exact_kernel_that_the_engines_use(lifetui, tmp_path):
    out = tmp_path / "lives"
    result = lifetui("train", "--rule", "B012345678/S012345678", "--layers", "4,2,1", "--out", str(out))
    assert result.code == 0, result.err
    assert "exact on 512/512" in result.err
    assert lifetui("verify", "--model", str(out)).out.splitlines()[1] == "network: 512/512 exact"
    assert json.loads((out / "kernel.json").read_text())["parametrisation"] == "truth-table"
    ran = lifetui("run", "glider", "--steps", "3", "--engine", "jax", "--model", str(out), "--json",
                  "--rule", "B012345678/S012345678", "--size", "10x10")  # fmt: skip
    assert json.loads(ran.out)["population"] == 100


def test_train_gives_up_after_its_seeds(lifetui, tmp_path):
    out = tmp_path / "never"
    result = lifetui("train", "--layers", "1", "--steps", "25", "--seeds", "2", "--out", str(out))
    assert result.code == 1
    assert "seeds 0-1 stalled at " in result.err and " of 512 after 25 steps; out of seeds" in result.err
    assert "no seed from 0 to 1 learned B3/S23 exactly" in result.err
    assert not out.exists()
    one_at_a_time = ("train", "--layers", "1", "--steps", "25", "--seeds", "2", "--parallel", "1", "--out", str(out))
    result = lifetui(*one_at_a_time)
    assert "seed 0 stalled at " in result.err and "trying seeds from 1" in result.err and result.code == 1


def test_interrupted_training_leaves_no_kernel(lifetui, tmp_path, monkeypatch):
    import lifetui.model.training as training

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(training, "fit_seeds", interrupted)
    result = lifetui("train", "--out", str(tmp_path / "k"))
    assert result.code == 130
    assert list(tmp_path.iterdir()) == []


def test_train_can_keep_its_best_inexact_kernel_which_runs_only_when_allowed(lifetui, tmp_path):
    out = str(tmp_path / "best")
    refused = lifetui("train", "--layers", "1", "--steps", "25", "--seeds", "1", "--out", out)
    assert refused.code == 1 and "--keep-inexact" in refused.err and not (tmp_path / "best").exists()
    kept = lifetui("train", "--layers", "1", "--steps", "25", "--seeds", "1", "--out", out, "--keep-inexact")
    assert kept.code == 0 and "INEXACT" in kept.err
    metadata = json.loads((tmp_path / "best" / "kernel.json").read_text())
    assert metadata["inexact"] is True and metadata["exact"] < 512
    assert metadata["accuracy"] == round(metadata["exact"] / 512, 6)
    run = ("run", "glider", "--steps", "4", "--size", "16x16", "--engine", "jax", "--model", out, "--json")
    refused_run = lifetui(*run)
    assert refused_run.code == 2 and f"wrong on {512 - metadata['exact']} of 512" in refused_run.err
    assert lifetui(*run, "--allow-inexact").code == 0


@pytest.mark.parametrize("layers", ["4,2", "a,b", "0,1", "5000,1"])
def test_train_rejects_bad_layers(lifetui, layers):
    result = lifetui("train", "--layers", layers)
    assert result.code == 2
    assert "--layers" in result.err


def test_compile_json_has_the_contract_fields(lifetui):
    result = lifetui("compile", "--json")
    summary = json.loads(result.out)
    assert set(summary) == {"rule", "level", "network_gates", "form", "gates", "depth", "verified"}
    assert summary["rule"] == "B3/S23" and summary["level"] == 3 and summary["network_gates"] == 2303
    assert summary["verified"] is True and summary["form"] == "stencil"
    # The target: at most 60 two-input operations per word at the default level.
    assert summary["gates"] <= 60
    by_level = [json.loads(lifetui("compile", "-O", str(level), "--json").out) for level in (0, 1, 2, 3)]
    assert [level["form"] for level in by_level] == ["circuit", "circuit", "circuit", "stencil"]
    levels = [level["gates"] for level in by_level]
    assert levels == sorted(levels, reverse=True) and levels[3] == summary["gates"] and levels[2] > levels[3]


def test_compile_writes_c_that_builds_and_matches_its_summary(lifetui, tmp_path):
    out = tmp_path / "life.c"
    assert lifetui("compile", "-o", str(out)).code == 0
    source = out.read_text()
    gates = json.loads(lifetui("compile", "--json").out)["gates"]
    assert f"{gates} operations" in source and "verified on all 512 neighbourhoods" in source
    from lifetui.compiler.build import build

    assert build(source).exists()


def test_compile_refuses_an_inexact_circuit_unless_asked(lifetui, tmp_path):
    from lifetui.model.gates import PASS_A
    from lifetui.model.kernels import save_kernel
    from lifetui.model.network import Network

    network = Network([np.array([4])], [np.array([0])], [np.eye(16, dtype=np.float32)[[PASS_A]]])
    save_kernel(tmp_path / "centre", network, {"rule": "B3/S23"})
    refused = lifetui("compile", "--model", str(tmp_path / "centre"))
    assert refused.code == 2 and "--allow-inexact" in refused.err  # a wrong kernel, unasked for: bad input
    allowed = lifetui("compile", "--model", str(tmp_path / "centre"), "--allow-inexact", "--json")
    assert json.loads(allowed.out)["verified"] is False
    # The centre alone needs no gate: -O3 keeps that rather than a stencil's row sums, even for this kernel.
    assert json.loads(allowed.out)["form"] == "circuit" and json.loads(allowed.out)["gates"] == 0


def test_run_with_every_engine_gives_the_same_board(lifetui):
    boards = {
        engine: lifetui("run", "r-pentomino", "--steps", "200", "--size", "100x80", "--engine", engine).out
        for engine in ("numpy", "jax", "c", "bitsliced")
    }
    assert len(set(boards.values())) == 1


def test_no_arguments_shows_the_help(lifetui):
    result = lifetui()
    assert result.code == 0
    assert "lifetui PATTERN opens PATTERN" in result.out


def test_train_writes_to_the_data_folder_where_the_engines_find_it(lifetui):
    rule = "B012345678/S012345678"
    # numpy, bitsliced and hashlife
    assert lifetui("engines", "--rule", rule, "--json").out.count('"available": true') == 3
    assert lifetui("train", "--rule", rule, "--layers", "4,2,1").code == 0
    listing = json.loads(lifetui("engines", "--rule", rule, "--json").out)
    assert all(row["available"] for row in listing["engines"] if row["engine"] != "ltl")  # ltl: Larger than Life
    assert lifetui("verify", "--rule", rule).code == 0


def test_the_help_shows_the_tui_options_and_every_command_and_no_hidden_one(lifetui):
    result = lifetui("--help")
    assert result.code == 0
    assert "Usage: lifetui [OPTIONS] PATTERN" in result.out
    for option in ("--engine", "--size", "--rule", "--model", "--allow-inexact", "--bench", "--threads", "--json"):
        assert option in result.out
    for command in ("run", "engines", "train", "verify", "compile"):
        assert f"\n  {command} " in result.out
    assert "view" not in result.out


@pytest.mark.parametrize(
    ("args", "points_at"),
    [
        (["glider", "--size", "2x2"], "(see lifetui --help)"),
        (["glider", "--no-such-option"], "(see lifetui --help)"),
        (["--bench"], "(see lifetui --help)"),
        (["run", "glider"], "(see lifetui run --help)"),
    ],
)
def test_usage_errors_point_at_the_help_of_what_was_typed(lifetui, args, points_at):
    result = lifetui(*args)
    assert result.code == 2
    assert result.err.startswith("lifetui: error: ") and result.err.rstrip().endswith(points_at)
    assert "view" not in result.err


def test_options_may_come_before_or_after_the_pattern(lifetui):
    before = lifetui("--size", "16x16", "--bench", "--engine", "numpy", "--steps", "3", "--json", "glider")
    after = lifetui("glider", "--size", "16x16", "--bench", "--engine", "numpy", "--steps", "3", "--json")
    assert before.code == after.code == 0
    assert json.loads(before.out)["width"] == json.loads(after.out)["width"] == 16


def test_output_to_a_device_is_written_in_place_never_replaced(lifetui, tmp_path):
    null = Path("/dev/null")
    before = null.stat()
    result = lifetui("run", "glider", "--steps", "1", "-o", str(null))
    assert result.code == 0, result.err
    after = null.stat()
    assert stat.S_ISCHR(after.st_mode) and (after.st_ino, after.st_rdev) == (before.st_ino, before.st_rdev)
    full = lifetui("run", "glider", "--steps", "1", "-o", "/dev/full")
    assert full.code == 1 and "cannot write /dev/full" in full.err and stat.S_ISCHR(Path("/dev/full").stat().st_mode)


def test_output_through_a_symlink_writes_its_file_and_keeps_the_link_and_the_permissions(lifetui, tmp_path):
    real = tmp_path / "real.rle"
    real.write_text("old")
    real.chmod(0o600)
    link = tmp_path / "link.rle"
    link.symlink_to(real)
    assert lifetui("run", "glider", "--steps", "4", "-o", str(link)).code == 0
    assert link.is_symlink() and os.readlink(link) == str(real)
    assert read_rle(real.read_text()).generation == 4
    assert stat.S_IMODE(real.stat().st_mode) == 0o600


@pytest.mark.parametrize("name", ["board.cells", "board.lif", "board.life", "board.rle.gz", "", "."])
def test_output_names_that_promise_another_format_or_nothing_are_bad_input(lifetui, tmp_path, name):
    result = lifetui("run", "glider", "--steps", "1", "-o", str(tmp_path / name) if name else "")
    assert result.code == 2 and len(result.err.strip().splitlines()) == 1
    assert not (tmp_path / name).is_file() if name else True


@pytest.mark.parametrize("stdout", ["closed", "full"])
def test_output_that_cannot_be_written_is_an_error_not_a_silent_success(tmp_path, stdout):
    command = [sys.executable, "-m", "lifetui", "run", "glider", "--steps", "1"]
    if stdout == "closed":  # the shell closes it: no fork from this (threaded) process
        closed = ["sh", "-c", 'exec "$@" >&-', "sh", *command]
        completed = subprocess.run(closed, stderr=subprocess.PIPE, text=True, cwd=tmp_path)
    else:
        with open("/dev/full", "w") as full:
            completed = subprocess.run(command, stdout=full, stderr=subprocess.PIPE, text=True, cwd=tmp_path)
    assert completed.returncode == 1
    assert completed.stderr.startswith("lifetui: error: cannot write the output: ")
    assert "Traceback" not in completed.stderr and len(completed.stderr.strip().splitlines()) == 1


@pytest.fixture
def interruptible():
    """Children that take Ctrl-C as from a terminal, even when the tests run as a background job: its shell
    ignores SIGINT, and an ignored signal stays ignored in every child. A handled one is reset on exec."""
    import signal

    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    yield
    signal.signal(signal.SIGINT, previous)


#: Runs lifetui (argv[3:]) and creates the file argv[1] when it reaches argv[2]: "import:jax" as JAX's import
#: begins, or "call:module:Class.method" (or "call:module:function") at its first call, which then goes on.
AT_A_POINT = """
import importlib, sys
from pathlib import Path
marker, point = Path(sys.argv[1]), sys.argv[2]
if point.startswith("import:"):
    class Reached:
        def find_spec(self, name, path=None, target=None):
            if name == point.split(":")[1]:
                marker.touch()
            return None
    sys.meta_path.insert(0, Reached())
else:
    _, module, name = point.split(":")
    owner = importlib.import_module(module)
    *classes, attribute = name.split(".")
    for part in classes:
        owner = getattr(owner, part)
    real = getattr(owner, attribute)
    def reached(*args, **kwargs):
        marker.touch()
        return real(*args, **kwargs)
    setattr(owner, attribute, reached)
sys.argv = ["lifetui", *sys.argv[3:]]
from lifetui.cli import main
main()
"""


def interrupted_at(point: str, args: list[str], cwd: Path) -> subprocess.Popen:
    """lifetui run with `args`, sent Ctrl-C once it has reached `point` (see AT_A_POINT): not after a time."""
    import signal
    import time

    marker = cwd.parent / f"{cwd.name}.reached"
    process = subprocess.Popen([sys.executable, "-c", AT_A_POINT, str(marker), point, *args], cwd=cwd,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)  # fmt: skip
    while not marker.exists() and process.poll() is None:
        time.sleep(0.01)
    process.send_signal(signal.SIGINT)
    return process


@pytest.mark.parametrize("args", [["run", "acorn", "--json"], ["acorn", "--bench", "--seconds", "100", "--json"]])
def test_ctrl_c_stops_a_long_c_run_with_status_130(tmp_path, args, interruptible):
    command = [*args, "--engine", "c", "--size", "2048x2048", "--steps", "10000000"]
    process = interrupted_at("call:lifetui.world.universe:ArrayUniverse.step", command, tmp_path)  # stepping
    try:
        out, err = process.communicate(timeout=60)  # calls into C are short: it stops at the next one
    except subprocess.TimeoutExpired:
        process.kill()
        pytest.fail("the run ignored Ctrl-C")
    assert process.returncode == 130 and b"Traceback" not in err and out == b""
    assert not list(tmp_path.iterdir())


@pytest.mark.parametrize("point", ["import:jax", "call:lifetui.model.training:fit_seeds"])
def test_ctrl_c_during_training_stops_it_cleanly_with_status_130(tmp_path, point, interruptible):
    # While JAX is imported (a Ctrl-C there once crashed the process, or was lost between the command line's
    # deferral and training's own), and once training has begun; the full network, one seed.
    process = interrupted_at(point, ["train", "--seeds", "1", "--out", str(tmp_path / "kernel")], tmp_path)
    try:
        _, err = process.communicate(timeout=120)
    except subprocess.TimeoutExpired:
        process.kill()
        pytest.fail("training ignored Ctrl-C")
    assert process.returncode == 130, err.decode(errors="replace")[-500:]  # once a crash: -11
    assert b"Traceback" not in err and not list(tmp_path.iterdir())


def test_a_trained_folder_is_a_kernel_everywhere_and_train_counts_optimiser_steps(lifetui):
    kernel = str(Path(__file__).resolve().parents[1] / "kernels" / "b3s23")
    for name in ("--kernel", "--model"):  # --model: the old name, still taken
        result = lifetui("run", "glider", "--steps", "4", "--engine", "c", name, kernel, "--json")
        assert result.code == 0 and json.loads(result.out)["population"] == 5
    assert "--train-steps" in lifetui("train", "--help").out
    assert lifetui("verify", "--kernel", kernel).code == 0


def test_run_takes_the_fastest_exact_engine_for_the_rule_and_board_and_says_so():
    from lifetui.engines import EngineOptions
    from lifetui.rules import parse_rule
    from lifetui.simulation import fastest_engine
    from lifetui.world.board import open_board

    for spec, size, rule, expected in (
        ("acorn", None, None, "hashlife"),  # the plane: an engine that holds it and jumps
        ("acorn", (64, 64), None, "c"),  # a torus: the highest cell rate, with an exact kernel
        ("acorn", (64, 64), "B36/S23", "bitsliced"),  # no kernel shipped for HighLife: hand-written C
        ("acorn", (64, 64), "B2-a/S12", "numpy"),  # neither: the reference
    ):
        notes: list[str] = []
        board = open_board(spec, size, parse_rule(rule) if rule else None)
        assert fastest_engine(board, EngineOptions(), notes) == expected
        assert (f"running on {expected}, the fastest exact engine" in " ".join(notes)) == (expected != "numpy")


def test_output_to_standard_output_goes_where_it_points_appended_or_piped(tmp_path):
    log = tmp_path / "log.txt"
    log.write_text("earlier line\n")
    command = f'"{sys.executable}" -m lifetui run glider --steps 1 -o /dev/stdout'
    appended = subprocess.run(["sh", "-c", f"{command} >> log.txt"], capture_output=True, text=True, cwd=tmp_path)
    assert appended.returncode == 0, appended.stderr
    assert log.read_text().startswith("earlier line\n") and read_rle(log.read_text().split("\n", 1)[1])
    piped = subprocess.run(["sh", "-c", f"{command} | cat"], capture_output=True, text=True, cwd=tmp_path)
    assert piped.returncode == 0, piped.stderr
    assert read_rle(piped.stdout).generation == 1


def test_a_link_another_user_planted_in_a_shared_folder_is_not_followed(lifetui, tmp_path, monkeypatch):
    mine = tmp_path / "mine.rle"
    mine.write_text("precious")
    shared = tmp_path / "tmp"
    shared.mkdir()
    shared.chmod(0o1777)  # as /tmp
    planted = shared / "out.rle"
    planted.symlink_to(mine)
    real_lstat = os.lstat

    def as_another_users(path, *args, **kwargs):  # the link, as if another user (65534) had made it
        status = real_lstat(path, *args, **kwargs)
        if os.fspath(path) == str(planted):
            fields = list(status)
            fields[stat.ST_UID] = 65534
            return os.stat_result(fields)
        return status

    monkeypatch.setattr(os, "lstat", as_another_users)
    result = lifetui("run", "glider", "--steps", "1", "-o", str(planted))
    assert result.code == 1 and "belongs to another user" in result.err and len(result.err.splitlines()) == 1
    assert mine.read_text() == "precious"
    monkeypatch.setattr(os, "lstat", real_lstat)  # a link of your own there is followed, as before
    assert lifetui("run", "glider", "--steps", "1", "-o", str(planted)).code == 0
    assert read_rle(mine.read_text()).generation == 1


def test_a_name_as_long_as_the_file_system_takes_is_written(lifetui, tmp_path):
    name = "g" * 251 + ".rle"  # 255 characters: the temporary name beside it must not be longer
    result = lifetui("run", "glider", "--steps", "1", "-o", str(tmp_path / name))
    assert result.code == 0, result.err
    assert read_rle((tmp_path / name).read_text()).generation == 1


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_an_interrupted_write_leaves_no_temporary_file(tmp_path, signum):
    # The write is held half done (a write that blocks on a slow disk), then the signal comes.
    script = textwrap.dedent(
        f"""
        import os, signal, sys
        from pathlib import Path
        import lifetui.files as files
        signal.signal(signal.SIGINT, signal.default_int_handler)  # a background job's shell ignores it
        real_fchmod = os.fchmod
        def slow(descriptor, mode):
            real_fchmod(descriptor, mode)
            os.kill(os.getpid(), {int(signum)})
        files.os.fchmod = slow
        try:
            files.write_atomically(Path("out.rle"), "x = 1, y = 1\\no!\\n")
        except KeyboardInterrupt:
            sys.exit(130)
        """
    )
    completed = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=tmp_path)
    assert completed.returncode == 128 + int(signum), completed.stderr
    assert list(tmp_path.iterdir()) == []


def test_train_refuses_before_training_an_out_folder_it_would_empty_or_cannot_write(lifetui, tmp_path, monkeypatch):
    import lifetui.model.training as training

    monkeypatch.setattr(training, "train_kernel", lambda *args: pytest.fail("trained before the folder was checked"))
    holding = tmp_path / "work"
    holding.mkdir()
    (holding / "notes.txt").write_text("mine")
    refused = lifetui("train", "--out", str(holding))
    assert refused.code == 2 and "it holds other files (notes.txt)" in refused.err
    assert (holding / "notes.txt").read_text() == "mine"
    monkeypatch.chdir(holding)
    here = lifetui("train", "--out", ".")
    assert here.code == 2 and "the current folder" in here.err and len(here.err.splitlines()) == 1
    (tmp_path / "file").write_text("not a folder")
    unwritable = lifetui("train", "--out", str(tmp_path / "file" / "kernel"))
    assert unwritable.code == 1 and "cannot write a kernel to" in unwritable.err


def test_a_kernel_that_cannot_be_written_after_training_is_kept_and_said_where(lifetui, tmp_path, monkeypatch):
    import lifetui.model.training as training
    from lifetui.errors import LifeError

    real_save = training.save_kernel
    out = tmp_path / "lives"

    def disk_full_there(folder, network, metadata):
        if folder == out:
            raise LifeError(f"cannot write the kernel to {folder}: No space left on device")
        real_save(folder, network, metadata)

    monkeypatch.setattr(training, "save_kernel", disk_full_there)
    monkeypatch.setattr(training.tempfile, "tempdir", str(tmp_path))  # where the kept kernel goes
    result = lifetui("train", "--rule", "B012345678/S012345678", "--layers", "4,2,1", "--out", str(out))
    assert result.code == 1 and "No space left on device; the trained kernel is kept in " in result.err
    kept = Path(result.err.split("is kept in ")[1].split(" (move it")[0])
    assert kept.parent == tmp_path
    assert lifetui("verify", "--model", str(kept)).out.splitlines()[1] == "network: 512/512 exact"


def test_reading_a_closed_standard_input_is_one_line_of_error(tmp_path):
    command = [sys.executable, "-m", "lifetui", "run", "-", "--steps", "1"]
    completed = subprocess.run(["sh", "-c", 'exec "$@" <&-', "sh", *command], capture_output=True, text=True)
    assert completed.returncode == 2
    assert completed.stderr == "lifetui: error: - reads the pattern from standard input, which is closed\n"


def inexact_kernel(folder: Path, births_on_empty: bool = False) -> Path:
    """A one-gate kernel for B3/S23: "the centre stays as it is" (wrong on 228 neighbourhoods), or "always
    alive" (wrong on every neighbourhood that dies, the empty one among them)."""
    from lifetui.model.gates import NAMES, PASS_A
    from lifetui.model.kernels import save_kernel
    from lifetui.model.network import Network

    gate = NAMES.index("true") if births_on_empty else PASS_A
    save_kernel(folder, Network([np.array([4])], [np.array([0])], [np.eye(16, dtype=np.float32)[[gate]]]),
                {"rule": "B3/S23"})  # fmt: skip
    return folder


def test_run_with_an_inexact_kernel_says_so_and_its_json_counts_it(lifetui, tmp_path):
    kernel = inexact_kernel(tmp_path / "still")
    result = lifetui("run", "r-pentomino", "--steps", "3", "--engine", "c", "--kernel", str(kernel),
                     "--allow-inexact", "--json")  # fmt: skip
    assert result.code == 0, result.err
    assert "c runs an inexact kernel (--allow-inexact), wrong on 228 of 512 neighbourhoods" in result.err
    assert json.loads(result.out)["inexact"] == 228
    exact = json.loads(lifetui("run", "r-pentomino", "--steps", "3", "--engine", "c", "--json").out)
    assert exact["inexact"] == 0


def test_an_inexact_kernel_that_births_on_empty_is_refused_off_a_torus(lifetui, tmp_path):
    kernel = inexact_kernel(tmp_path / "alive", births_on_empty=True)
    common = ("run", "glider", "--steps", "2", "--engine", "c", "--kernel", str(kernel), "--allow-inexact")
    refused = lifetui(*common, "--json")
    assert refused.code == 2 and "gives life to an empty neighbourhood" in refused.err
    on_a_torus = lifetui(*common, "--size", "16x16", "--json")
    assert on_a_torus.code == 0 and json.loads(on_a_torus.out)["population"] == 256


def test_under_an_address_space_limit_jax_is_unavailable_not_a_crash(tmp_path):
    # JAX's CPU client aborts the process (std::bad_alloc) under ulimit -v 1 GB: lifetui says why instead.
    def under_a_limit(*args: str) -> subprocess.CompletedProcess:
        command = ["sh", "-c", 'ulimit -v 1000000; exec "$@"', "sh", sys.executable, "-m", "lifetui", *args]
        return subprocess.run(command, capture_output=True, text=True, cwd=tmp_path, timeout=120)

    listed = under_a_limit("engines", "--json")
    assert listed.returncode == 0, listed.stderr
    [entry] = [entry for entry in json.loads(listed.stdout)["engines"] if entry["engine"] == "jax"]
    assert entry["available"] is False and "address space" in entry["reason"]
    ran = under_a_limit("run", "glider", "--steps", "1", "--engine", "jax")
    assert ran.returncode == 1 and ran.stderr.count("\n") == 1 and "JAX needs 2 GiB" in ran.stderr
    trained = under_a_limit("train", "--out", str(tmp_path / "k"))
    assert trained.returncode == 1 and "ulimit -v" in trained.stderr and not (tmp_path / "k").exists()


def test_memory_running_out_where_no_check_foresaw_it_is_one_line(lifetui, monkeypatch):
    import lifetui.simulation.simulation as simulation

    def exhausted(*args, **kwargs):
        raise MemoryError

    monkeypatch.setattr(simulation, "board_text", exhausted)
    result = lifetui("run", "glider", "--steps", "1")
    assert result.code == 1
    assert result.err == "lifetui: error: out of memory (this machine's, or a limit such as ulimit -v)\n"


@pytest.mark.parametrize("where", [[], ["--size", "64x64"]], ids=["plane", "torus"])
def test_until_stable_writes_the_board_of_the_generation_it_names_counted_from_the_files(lifetui, tmp_path, where):
    path = tmp_path / "glider.rle"
    path.write_text("#CXRLE Pos=-1,-1 Gen=100\nx = 3, y = 3, rule = B3/S23\nbo$2bo$3o!\n")
    # The glider repeats, moved, 4 generations after the file's 100; given 3, it stops at 103 without a repeat.
    for limit, generation in (["--steps", "8"], 104), (["--steps", "3"], 103):
        stable, steps = tmp_path / "stable.rle", tmp_path / "steps.rle"
        summary = json.loads(
            lifetui("run", str(path), "--until-stable", *limit, *where, "-o", str(stable), "--json").out
        )
        lifetui("run", str(path), "--steps", str(generation - 100), *where, "-o", str(steps))
        assert summary["generation"] == generation and f"Gen={generation}" in stable.read_text()
        assert stable.read_text() == steps.read_text()
        if generation == 104:
            assert (summary["behaviour"]["since"], summary["behaviour"]["period"]) == (100, 4)
        else:
            assert summary["behaviour"] is None
