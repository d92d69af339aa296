"""Issue 30's findings on the pattern readers: every member of a gzip file, every line ending, positions and
generations that read back, damaged macrocell files, refused formats named, and memory bounded by runs."""

from __future__ import annotations

import gzip

import pytest

from lifetui.errors import PatternError
from lifetui.patterns import parse_pattern


def one_line_error(result, words: str) -> None:
    """A refusal as the CLI gives one: a single `lifetui: error:` line with these words, exit status 2."""
    assert result.code == 2, result.err
    assert "Traceback" not in result.err
    assert len(result.err.strip().splitlines()) == 1, result.err
    assert result.err.startswith("lifetui: error: ")
    assert words in result.err


def test_every_member_of_a_multi_member_gzip_file_is_read():
    text = b"x = 3, y = 2\n3o$\nobo!\n"
    data = gzip.compress(text[:14]) + gzip.compress(text[14:])  # `cat a.gz b.gz`, as bgzip writes
    assert parse_pattern(data, "two.rle.gz", ".rle").cells() == {(0, 0), (1, 0), (2, 0), (0, 1), (2, 1)}


def test_trailing_garbage_after_a_gzip_member_is_refused(lifetui, tmp_path):
    path = tmp_path / "garbage.rle.gz"
    path.write_bytes(gzip.compress(b"x = 1, y = 1\no!\n") + b"not gzip\n")
    one_line_error(lifetui("run", str(path), "--steps", "1"), "trailing garbage")


def test_the_decompressed_size_cap_holds_across_members(monkeypatch):
    import lifetui.patterns as patterns

    monkeypatch.setattr(patterns, "MAX_FILE_BYTES", 100)
    data = gzip.compress(b"!" + b"." * 60 + b"\n") * 2
    with pytest.raises(PatternError, match="unzipped, file is larger"):
        parse_pattern(data, "big.cells.gz", ".cells")


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("cr.lif", "#Life 1.06\r0 0\r1 0\r2 0\r"),
        ("cr.life", "#Life 1.05\r#P 0 0\r***\r"),
        ("cr.cells", "!Name: blinker\rOOO\r"),
        ("crlf.cells", "!Name: blinker\r\nOOO\r\n"),
        ("cr.mc", "[M2]\r$$$$$$$***$\r4 0 0 0 1\r"),
    ],
)
def test_lone_cr_line_endings_are_read_in_every_format(name, text):
    pattern = parse_pattern(text.encode(), name, "." + name.split(".")[1])
    assert pattern.population == 3
    assert (pattern.width, pattern.height) == (3, 1)


def test_life_106_and_105_keep_their_place_on_the_plane():
    life106 = parse_pattern(b"#Life 1.06\n10 -20\n11 -20\n12 -19\n", "a.lif", ".lif")
    assert life106.position == (10, -20)
    assert life106.plane_origin() == (-20, 10)
    assert life106.cells() == {(0, 0), (1, 0), (2, 1)}
    life105 = parse_pattern(b"#Life 1.05\n#P -5 7\n.*\n**\n#P 100 7\n*\n", "a.life", ".life")
    assert life105.position == (-5, 7)
    assert life105.cells() == {(1, 0), (0, 1), (1, 1), (105, 0)}


def test_life_105_blocks_that_overlap_and_cells_listed_twice_are_one_cell_each():
    life105 = parse_pattern(b"#Life 1.05\n#P 0 0\n***\n#P 1 0\n***\n", "a.life", ".life")
    assert life105.runs.tolist() == [[0, 0, 4]]
    life106 = parse_pattern(b"#Life 1.06\n0 0\n0 0\n1 0\n", "a.lif", ".lif")
    assert life106.runs.tolist() == [[0, 0, 2]]


def test_a_life_105_pattern_in_an_rle_file_is_named_life_105():
    pattern = parse_pattern(b"#Life 1.05\n#P 0 0\n***\n", "odd.rle", ".rle")
    assert pattern.population == 3
    assert pattern.warnings == ["odd.rle: holds a Life 1.05 pattern despite its .rle name; read as Life 1.05"]


def test_a_life_105_corner_of_thousands_of_digits_is_one_line(lifetui, tmp_path):
    path = tmp_path / "digits.life"
    path.write_text(f"#Life 1.05\n#P {'1' * 5000} 0\n*\n")
    one_line_error(lifetui("run", str(path), "--steps", "1"), "coordinate out of range")


@pytest.mark.parametrize(
    ("name", "text", "words"),
    [
        (
            "wire.mcl",
            "#MCell 4.00\n#GAME Rules table\n#GOLLY WireWorld\n#L 3A\n",
            "an MCell file (.mcl): multi-state rules such as WireWorld",
        ),
        (
            "wire.rle",
            "#MCell 4.00\n#GAME Rules table\n#GOLLY WireWorld\n#L 3A\n",
            "an MCell file (.mcl): multi-state rules such as WireWorld",
        ),
        (
            "tree.rle3",
            "3D version=1 size=50 pos=19,14,19\nx = 1, y = 1, z = 1\no!\n",
            "a three-dimensional pattern (Golly's .rle3)",
        ),
    ],
)
def test_mcell_and_3d_files_are_refused_naming_the_format(lifetui, tmp_path, name, text, words):
    path = tmp_path / name
    path.write_text(text)
    one_line_error(lifetui("run", str(path), "--steps", "1"), words)
    with pytest.raises(PatternError) as refused:  # the reader itself: the file and the format, in words
        parse_pattern(text.encode(), str(path), path.suffix)
    assert refused.value.source == str(path) and str(refused.value).startswith(f"{path}: ")
    assert words in str(refused.value)


NOT_ASCII_MAP = "MAP" + "é" * 86


@pytest.mark.parametrize(
    ("where", "content"),
    [
        ("--rule", None),
        ("header.rle", f"x = 1, y = 1, rule = {NOT_ASCII_MAP}\no!\n"),
        ("hash-r.rle", f"#r {NOT_ASCII_MAP}\nx = 1, y = 1\no!\n"),
        ("rule.lif", f"#Life 1.06\n#R {NOT_ASCII_MAP}\n0 0\n"),
        ("rule.life", f"#Life 1.05\n#R {NOT_ASCII_MAP}\n#P 0 0\n*\n"),
        ("rule.mc", f"[M2]\n#R {NOT_ASCII_MAP}\n$$$$$$$***$\n4 0 0 0 1\n"),
    ],
)
def test_a_non_ascii_character_in_a_map_rule_is_one_line(lifetui, tmp_path, where, content):
    if content is None:
        result = lifetui("run", "glider", "--steps", "1", "--rule", NOT_ASCII_MAP)
    else:
        path = tmp_path / where
        path.write_text(content)
        result = lifetui("run", str(path), "--steps", "1")
    one_line_error(result, "'é' is not a base64 character")


@pytest.mark.parametrize(
    ("text", "canonical"),
    [("B3_S23-a4ei6", "B3/S23-a4ei6"), ("B2cek3i_S12cei", "B2cek3i/S12cei"), ("b3_s23", "B3/S23")],
)
def test_golly_underscore_separates_birth_and_survival(text, canonical):
    from lifetui.rules import parse_rule

    assert str(parse_rule(text).rule) == canonical


MAX_PLACE = 1 << 58
GLIDER = "x = 3, y = 3\nbo$2bo$3o!\n"


@pytest.mark.parametrize(
    ("pos", "words"),
    [
        ("+1,2", "must be two whole numbers x,y, not '+1,2'"),
        ("1,2,3", "must be two whole numbers x,y"),
        ("1,", "must be two whole numbers x,y"),
        ("1000000000000000000,0", "further from (0, 0) than a pattern may start (288,230,376,151,711,744 each way)"),
        (f"0,{-MAX_PLACE - 1}", "further from (0, 0)"),
        ("9" * 5000 + ",0", "further from (0, 0)"),
    ],
)
def test_a_malformed_or_far_position_is_refused_not_dropped(lifetui, tmp_path, pos, words):
    path = tmp_path / "far.rle"
    path.write_text(f"#CXRLE Pos={pos}\n{GLIDER}")
    one_line_error(lifetui("run", str(path), "--steps", "1"), words)


def test_a_position_at_the_bound_reads():
    pattern = parse_pattern(f"#CXRLE Pos={-MAX_PLACE},{MAX_PLACE}\n{GLIDER}".encode(), "edge.rle", ".rle")
    assert pattern.position == (-MAX_PLACE, MAX_PLACE)


@pytest.mark.parametrize("output", ["out.rle", "out.mc"])
def test_lifetui_refuses_to_write_a_place_it_would_not_read_back(lifetui, tmp_path, output):
    path = tmp_path / "edge.rle"
    path.write_text(f"#CXRLE Pos={MAX_PLACE},0\n{GLIDER}")  # a glider moving +1,+1 every 4 generations
    result = lifetui("run", str(path), "--steps", "4", "--plane", "--engine", "hashlife", "-o", str(tmp_path / output))
    assert result.code == 1 and "Traceback" not in result.err
    assert len(result.err.strip().splitlines()) == 1
    assert "further from (0, 0) than a pattern file may say" in result.err
    assert not (tmp_path / output).exists()


@pytest.mark.parametrize("output", ["out.rle", "out.mc"])
def test_the_last_generation_lifetui_writes_reads_back(lifetui, tmp_path, output):
    path = tmp_path / "late.rle"
    path.write_text(f"#CXRLE Pos=0,0 Gen={10**18 - 5}\n{GLIDER}")
    written = tmp_path / output
    assert lifetui("run", str(path), "--steps", "4", "--plane", "-o", str(written)).code == 0
    assert parse_pattern(written.read_bytes(), output, written.suffix).generation == 10**18 - 1
    one_line_error(lifetui("run", str(written), "--steps", "1"), "would pass the last generation")


@pytest.mark.parametrize(
    ("name", "text"),
    [("late.rle", f"#CXRLE Gen={10**18}\n{GLIDER}"), ("late.mc", f"[M2]\n#G {10**18}\n$$$$$$$***$\n4 0 0 0 1\n")],
)
def test_a_generation_past_the_last_is_refused(lifetui, tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text)
    one_line_error(lifetui("run", str(path), "--steps", "1"), "past the last")


def test_macrocell_output_on_a_bounded_grid_keeps_the_place(lifetui, tmp_path):
    path = tmp_path / "bounded.rle"
    path.write_text("#CXRLE Pos=3,-4\nx = 3, y = 3, rule = B3/S23:P40,30\nbo$2bo$3o!\n")
    halfway = tmp_path / "halfway.mc"
    assert lifetui("run", str(path), "--steps", "8", "-o", str(halfway)).code == 0
    assert "#CXRLE Pos=5,-2" in halfway.read_text()
    resumed = lifetui("run", str(halfway), "--steps", "8")
    assert resumed.code == 0
    assert resumed.out == lifetui("run", str(path), "--steps", "16").out


def test_macrocell_output_on_the_plane_keeps_the_place(lifetui, tmp_path):
    path = tmp_path / "far.rle"
    path.write_text(f"#CXRLE Pos=-1000,2000\n{GLIDER}")
    written = tmp_path / "far.mc"
    assert lifetui("run", str(path), "--steps", "8", "--plane", "--engine", "hashlife", "-o", str(written)).code == 0
    reread = lifetui("run", str(written), "--steps", "8", "--plane")
    assert reread.out.splitlines()[0] == "#CXRLE Pos=-996,2004 Gen=16"


def test_a_truncated_macrocell_file_is_refused_not_read_as_another_pattern(lifetui, tmp_path):
    import numpy as np

    from lifetui.patterns.macrocell import write_macrocell
    from lifetui.rules import CONWAY

    cells = np.zeros((40, 70), dtype=np.uint8)
    cells[0, 0] = cells[39, 69] = cells[20, 33] = 1
    whole = write_macrocell(cells, CONWAY, torus=False, position=(0, 0)).splitlines()
    assert parse_pattern("\n".join(whole).encode(), "whole.mc", ".mc").population == 3
    for cut in (1, 2, 4):  # the root; the root and the level below; into the leaves' parents
        path = tmp_path / f"cut{cut}.mc"
        path.write_text("\n".join(whole[:-cut]) + "\n")
        one_line_error(lifetui("run", str(path), "--steps", "1", "--plane"), "is part of no other node")


def test_a_macrocell_file_cut_inside_a_depth_first_tree_is_refused():
    # Golly writes children first, depth first: cut after the first child's subtree and part of the second.
    text = "[M2]\n*$\n4 1 0 0 0\n5 2 0 0 0\n.*$\n4 4 0 0 0\n"
    with pytest.raises(PatternError, match=r"cut.mc:4: node 3 \(level 5\) is part of no other node"):
        parse_pattern(text.encode(), "cut.mc", ".mc")


def test_hashlife_builds_a_run_of_two_to_the_30_cells_without_its_cells():
    import tracemalloc

    from lifetui.rules import CONWAY
    from lifetui.world.topology import PLANE
    from lifetui.world.universe import create_universe

    side = 1 << 30
    pattern = parse_pattern(f"x = {side}, y = 2\n{side}o$3o{side - 6}b3o!".encode(), "long.rle", ".rle")
    plane = create_universe("hashlife", CONWAY, PLANE)
    tracemalloc.start()
    plane.load_pattern(pattern)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert peak < 1 << 20  # a cell a bit would be 128 MB
    top, left = pattern.plane_origin()
    assert plane.population() == side + 6
    assert plane.extent() == (top, left, 2, side)
    assert plane.window(top, left + side - 5, 2, 5).tolist() == [[1, 1, 1, 1, 1], [0, 0, 1, 1, 1]]
    assert plane.window(top, left + side // 2 - 2, 2, 4).tolist() == [[1, 1, 1, 1], [0, 0, 0, 0]]


def test_hashlife_lays_runs_of_every_length_where_they_are():
    import numpy as np

    from lifetui.patterns.pattern import Pattern, runs_from_array
    from lifetui.rules import CONWAY
    from lifetui.world.topology import PLANE
    from lifetui.world.universe import create_universe

    rng = np.random.default_rng(30)
    for _ in range(40):
        height, width = (int(side) for side in rng.integers(1, 300, size=2))
        cells = np.zeros((height, width), dtype=np.uint8)
        for _ in range(int(rng.integers(1, 60))):  # long runs in rows that share their 8 x 8 squares
            y, (a, b) = int(rng.integers(0, height)), sorted(int(x) for x in rng.integers(0, width + 1, size=2))
            cells[y, a:b] = 1
        cells |= rng.random((height, width)) < 0.02
        pattern = Pattern(width, height, runs_from_array(cells))
        plane = create_universe("hashlife", CONWAY, PLANE)
        plane.load_pattern(pattern)
        top, left = pattern.plane_origin()
        assert np.array_equal(plane.window(top, left, height, width), cells)
        assert plane.population() == int(cells.sum())


def test_reading_a_plaintext_file_takes_memory_by_its_runs():
    import tracemalloc

    text = "!Name: stripes\n" + "\n".join([".O" * 1000] * 1000) + "\n"  # a million runs of one cell
    tracemalloc.start()
    pattern = parse_pattern(text.encode(), "stripes.cells", ".cells")
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert len(pattern.runs) == 1_000_000
    assert peak < 40 * len(pattern.runs) + 3 * len(text)  # the runs' 24 bytes, 8 while reading; the text


def test_running_out_of_memory_while_reading_is_one_line(lifetui, tmp_path, monkeypatch):
    import lifetui.patterns as patterns

    def exhausted(text, source):
        raise MemoryError

    monkeypatch.setitem(patterns.READERS, ".cells", exhausted)
    path = tmp_path / "huge.cells"
    path.write_text("OOO\n")
    one_line_error(lifetui("run", str(path), "--steps", "1"), "not enough memory to read this pattern (4 bytes")


def test_running_out_of_memory_while_building_hashlife_is_one_line(lifetui, tmp_path, monkeypatch):
    import lifetui.engines.hashlife_engine as hashlife

    def exhausted(runs):
        raise MemoryError

    monkeypatch.setattr(hashlife, "_leaf_segments", exhausted)
    path = tmp_path / "blinker.rle"
    path.write_text("x = 3, y = 1\n3o!\n")
    result = lifetui("run", str(path), "--steps", "1", "--plane", "--engine", "hashlife")
    assert result.code == 1 and "Traceback" not in result.err
    assert result.err.startswith("lifetui: error: hashlife engine: not enough memory to build the quadtree")


def test_a_gzip_s_inner_name_picks_the_reader(tmp_path):
    from lifetui.patterns import load_pattern

    # RLE's glider is not plaintext: named .cells inside the gzip, it is read as plaintext and refused.
    (tmp_path / "glider.rle.gz").write_bytes(gzip.compress(b"bo$2bo$3o!\n"))
    assert load_pattern(str(tmp_path / "glider.rle.gz")).population == 5
    (tmp_path / "glider.cells.gz").write_bytes(gzip.compress(b"bo$2bo$3o!\n"))
    with pytest.raises(PatternError, match="glider.cells.gz:1:1: unexpected character 'b'.*'.' and 'O'"):
        load_pattern(str(tmp_path / "glider.cells.gz"))
