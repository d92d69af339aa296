import numpy as np
import pytest

from lifetui.errors import RuleError
from lifetui.rules import CONWAY, NEIGHBOURHOOD, BoundedGrid, Rule, parse_rule


@pytest.mark.parametrize("text", ["B3/S23", "b3s23", "B3S23", "S23/B3", "s23b3", "23/3", "Life", "life", " B3/S23 "])
def test_conway_spellings(text):
    assert parse_rule(text).rule == CONWAY


@pytest.mark.parametrize(
    ("text", "canonical"),
    [
        ("B36/S23", "B36/S23"),
        ("HighLife", "B36/S23"),
        ("Day & Night", "B3678/S34678"),
        ("B2/S", "B2/S"),
        ("/2", "B2/S"),
        ("Seeds", "B2/S"),
        ("B0/S8", "B0/S8"),
        ("B012345678/S012345678", "B012345678/S012345678"),
        ("B63/S32", "B36/S23"),
    ],
)
def test_canonical_names(text, canonical):
    assert str(parse_rule(text).rule) == canonical


def test_slug_names_the_kernel_folder():
    assert CONWAY.slug == "b3s23"
    assert parse_rule("B3678/S34678").rule.slug == "b3678s34678"


@pytest.mark.parametrize(
    ("text", "torus"),
    [
        ("B3/S23:T64,32", (64, 32)),
        ("b36s23:T100", (100, 100)),
        ("B3/S23", None),
        ("B3/S23:T64,1", (64, 1)),  # read as written; the board's own limits refuse it later
        ("B3/S23:T999999999,3", (999999999, 3)),
    ],
)
def test_torus_suffix(text, torus):
    assert parse_rule(text).torus == torus


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("B3/S23/C1", "a Generations rule has 2 to 256 states, not 1"),
        ("23/3/257", "a Generations rule has 2 to 256 states, not 257"),
        ("23/03/3", "a Generations rule with B0 (Golly refuses it too)"),
        ("B3/S23/X3", "not a Generations rule Golly reads"),
        ("23/3/3/3", "not a Generations rule Golly reads"),
        ("B0/S23History", "a History rule with B0"),
        ("LifeSuper", "one of Golly's Super rules"),
        ("B3/S23Investigator", "one of Golly's Super rules"),
        ("B1a/S", "'a' is not a Hensel letter of 1 neighbour (1 takes the letters c, e)"),
        ("B8c/S", "8 takes no letters"),
        ("B2-/S", "'2-' must be followed by the letters it leaves out"),
        ("B2a/S3V", "Golly reads von Neumann rules in totalistic B/S notation, such as B2/S34V"),
        ("B2-a/S12H", "Golly reads hexagonal rules in totalistic B/S notation, such as B2/S34H, or as a MAP"),
        ("B2-a/S12V", "von Neumann rules in totalistic B/S notation, such as B2/S34V, or as a MAP string of 6"),
        ("MAP" + "A" * 86 + "/3H", "a MAP rule is 86 base64 characters (512 bits; 22 for the hexagonal"),
        ("B2/S7H", "a hexagonal rule counts 0 to 6 neighbours, not 7"),
        ("B5/S3V", "a von Neumann rule counts 0 to 4 neighbours, not 5"),
        ("/5/3V", "a von Neumann rule counts 0 to 4 neighbours, not 5"),
        ("B3/S23HHistory", "History rules are of the Moore neighbourhood only"),
        ("R51,C0,M1,S2..3,B3..3,NG", "a Larger than Life range is 1 to 50, not 51"),
        ("W30", "Wolfram"),
        ("Langtons-Loops", "rule table"),
        ("Banks-IV", "rule table"),
        ("MAP" + "A" * 21, "6 for von Neumann's), not 21"),
        ("MAP" + "A" * 22 + "=", "not 23"),
        ("MAP" + "A" * 22 + "History", "History rules are of the Moore neighbourhood only"),
        ("MAP" + "A" * 80, "86 base64 characters"),
        ("MAP" + "A" * 85 + "!", "'!' is not a base64 character"),
        ("B9/S23", "0 to 8"),
        ("B3/S23x", "not B/S, Hensel, MAP or Generations notation"),
        ("Banana", "not B/S, Hensel, MAP or Generations notation"),
        ("", "empty"),
        ("B3/S23:X64,64", "torus or tube, :Pw,h plane, :Kw*,h or :Kw,h* Klein bottle, :Cw,h cross-surface, :Sw sphere"),
        ("B3/S23:T10+2,8+1", "a torus is shifted along one side, not both"),
        ("B3/S23:T1000000000,8", "a side that large cannot be run"),
    ],
)
def test_unsupported_rules_are_named(text, words):
    with pytest.raises(RuleError) as raised:
        parse_rule(text)
    assert words in str(raised.value)
    assert "\n" not in str(raised.value)


def test_truth_table_matches_the_rule_for_every_neighbourhood():
    table = CONWAY.truth_table()
    assert table.shape == (512,)
    for index in range(512):
        bits = [(index >> k) & 1 for k in range(9)]
        alive = bits[NEIGHBOURHOOD.index("C")]
        neighbours = sum(bits) - alive
        assert table[index] == (neighbours in ((2, 3) if alive else (3,)))
    assert int(table.sum()) == 140  # C(8,3) births + C(8,2) + C(8,3) survivals


def test_lookup_table_is_next_state_by_alive_and_neighbours():
    table = Rule.from_counts({0}, {8}).lookup()
    assert table.tolist() == [[1, 0, 0, 0, 0, 0, 0, 0, 0], [0, 0, 0, 0, 0, 0, 0, 0, 1]]
    assert np.issubdtype(table.dtype, np.uint8)


# Hensel's letters as drawn on his diagrams ('#' a live neighbour, 'o' the cell), one picture per letter.
# The tables below are built from these pictures alone, by rotating and reflecting the 3x3 grid.
PICTURES = {
    "1c": "...|.o.|..#", "1e": "...|.o.|.#.",
    "2a": "...|.o.|.##", "2c": "...|.o.|#.#", "2e": "...|.o#|.#.", "2i": "...|#o#|...",
    "2k": "...|#o.|..#", "2n": "..#|.o.|#..",
    "3a": "...|.o#|.##", "3c": "..#|.o.|#.#", "3e": "...|#o#|.#.", "3i": "...|.o.|###",
    "3j": "...|.o#|##.", "3k": "..#|#o.|.#.", "3n": "...|.o#|#.#", "3q": "..#|.o.|##.",
    "3r": "...|#o#|..#", "3y": "..#|#o.|..#",
    "4a": "...|.o#|###", "4c": "#.#|.o.|#.#", "4e": ".#.|#o#|.#.", "4i": "...|#o#|#.#",
    "4j": "..#|#o#|.#.", "4k": "..#|#o.|.##", "4n": "..#|.o.|###", "4q": "..#|#o.|##.",
    "4r": "...|#o#|.##", "4t": "..#|#o#|..#", "4w": "..#|.o#|##.", "4y": "..#|#o.|#.#", "4z": "..#|#o#|#..",
}  # fmt: skip


def picture_index(picture: str, alive: int) -> int:
    rows = picture.split("|")
    index = alive << NEIGHBOURHOOD.index("C")
    for k, name in enumerate(NEIGHBOURHOOD):
        row, column = divmod(k, 3)
        if name != "C" and rows[row][column] == "#":
            index |= 1 << k
    return index


def grid_images(index: int) -> set[int]:
    """The neighbourhood under all eight rotations and reflections, turning the grid cell by cell."""
    cells = [[(index >> (3 * row + column)) & 1 for column in range(3)] for row in range(3)]
    images = set()
    for _ in range(2):
        for _ in range(4):
            cells = [list(row) for row in zip(*cells[::-1])]  # a quarter turn
            images.add(sum(cells[row][column] << (3 * row + column) for row in range(3) for column in range(3)))
        cells = [row[::-1] for row in cells]  # a mirror
    return images


def test_hensel_pictures_match_their_letters_and_cover_every_arrangement():
    # Each picture has the number of live neighbours its name says, and the pictures and their
    # complements (5 to 7 neighbours) split the 256 arrangements into one class per letter.
    for name, picture in PICTURES.items():
        assert picture.count("#") == int(name[0]), name
    classes = {}
    for name, picture in PICTURES.items():
        classes[name] = grid_images(picture_index(picture, 0))
        if name[0] != "4":
            complement = picture_index(picture, 0) ^ (0x1FF & ~(1 << NEIGHBOURHOOD.index("C")))
            classes[f"{8 - int(name[0])}{name[1]}"] = grid_images(complement)
    covered = sorted(index for members in classes.values() for index in members)
    everything = [index for index in range(512) if not index >> NEIGHBOURHOOD.index("C") & 1]
    assert covered == [index for index in everything if 0 < bin(index).count("1") < 8]


@pytest.mark.parametrize("survival", [False, True])
def test_every_hensel_letter_is_the_arrangement_in_its_picture(survival):
    classes = {name: grid_images(picture_index(picture, 0)) for name, picture in PICTURES.items()}
    for name in list(PICTURES):
        if name[0] != "4":
            outer = 0x1FF & ~(1 << NEIGHBOURHOOD.index("C"))
            classes[f"{8 - int(name[0])}{name[1]}"] = grid_images(picture_index(PICTURES[name], 0) ^ outer)
    alive = int(survival)
    for name, members in classes.items():
        text = f"B/S{name}" if survival else f"B{name}/S"
        table = parse_rule(text).rule.truth_table()
        expected = {index | alive << NEIGHBOURHOOD.index("C") for index in members}
        assert {int(i) for i in np.nonzero(table)[0]} == expected, name
        # "all but" a letter is every other arrangement of that count
        minus = parse_rule(f"B/S{name[0]}-{name[1]}" if survival else f"B{name[0]}-{name[1]}/S").rule.truth_table()
        same_count = {
            index for index in range(512)
            if (index >> NEIGHBOURHOOD.index("C")) & 1 == alive and bin(index).count("1") - alive == int(name[0])
        }  # fmt: skip
        assert {int(i) for i in np.nonzero(minus)[0]} == same_count - expected, name


@pytest.mark.parametrize(
    ("text", "canonical"),
    [
        # Golly's canonical spellings of the rules of its Non-Totalistic patterns
        ("B2-a/S12", "B2-a/S12"),
        ("B37/S2-i34q", "B37/S2-i34q"),
        ("B3aijr4ekz5er/S2-ci3-acy4einrtz5n6c7", "B3aijr4ekz5er/S2-ci3-acy4einrtz5n6c7"),
        ("B36ce7c/S23-y", "B36ce7c/S23-y"),
        # letters sorted, repeats merged, more than half written as "all but", all of them as the digit
        ("B2nkiec/S", "B2-a/S"),
        ("B2cekin/S", "B2-a/S"),
        ("B2cei/S", "B2cei/S"),
        ("B2ce2ce/S", "B2ce/S"),
        ("B4acejknqrtw/S", "B4-iyz/S"),
        ("B4aceijknqr/S", "B4-twyz/S"),
        ("B4aceijk/S", "B4aceijk/S"),
        ("B4-aceijk/S", "B4nqrtwyz/S"),
        ("B3aceijknqry/S23", "B3/S23"),
        ("B2-aceikn/S1", "B/S1"),
        ("b2-A/s12", "B2-a/S12"),
        ("S12/B2-a", "B2-a/S12"),
        ("12/2-a", "B2-a/S12"),
        ("Just Friends", "B2-a/S12"),
        ("B1c/S", "B1c/S"),
        ("B1ce/S", "B1/S"),
        ("B0/S8", "B0/S8"),
        # MAP: Life's table, and a MAP of an isotropic rule, are spelled in the simplest notation
        ("MAPARYXfhZofugWaH7oaIDogBZofuhogOiAaIDogIAAgAAWaH7oaIDogGiA6ICAAIAAaIDogIAAgACAAIAAAAAAAA", "B3/S23"),
        ("MAPARYXfhZofugWaH7oaIDogBZofuhogOiAaIDogIAAgAAWaH7oaIDogGiA6ICAAIAAaIDogIAAgACAAIAAAAAAAA==", "B3/S23"),
    ],
)
def test_hensel_canonical_spellings(text, canonical):
    rule = parse_rule(text).rule
    assert str(rule) == canonical
    assert parse_rule(canonical).rule == rule


def test_life_is_golly_s_map_string():
    assert CONWAY.map_string == (
        "MAPARYXfhZofugWaH7oaIDogBZofuhogOiAaIDogIAAgAAWaH7oaIDogGiA6ICAAIAAaIDogIAAgACAAIAAAAAAAA"
    )


def random_table(seed: int, isotropic: bool) -> np.ndarray:
    rng = np.random.default_rng(seed)
    table = rng.integers(0, 2, 512).astype(np.uint8)
    if isotropic:
        for index in range(512):  # each class takes the value of its smallest member
            table[index] = table[min(grid_images(index))]
    return table


@pytest.mark.parametrize("seed", range(20))
def test_any_table_round_trips_through_its_spellings(seed):
    table = random_table(seed, isotropic=seed % 2 == 0)
    rule = Rule.from_table(table)
    assert rule.kind == ("isotropic" if seed % 2 == 0 else "map")
    text = str(rule)
    assert text.startswith("B") if rule.kind == "isotropic" else text.startswith("MAP") and len(text) == 89
    assert parse_rule(text).rule == rule
    assert parse_rule(rule.map_string).rule == rule
    assert np.array_equal(parse_rule(text).rule.truth_table(), table)
    assert parse_rule(f"{text}:T40,30").torus == (40, 30)


def test_map_bit_order_is_golly_s():
    # Golly's MAP bit i is the neighbourhood NW*256 + N*128 + NE*64 + W*32 + C*16 + E*8 + SW*4 + S*2 + SE.
    # A rule that is on only where NW alone lives has bit 256 = 6 * 42 + 4 set: the 43rd character is 000010.
    only_nw = np.zeros(512, dtype=np.uint8)
    only_nw[1 << NEIGHBOURHOOD.index("NW")] = 1
    text = Rule.from_table(only_nw).map_string
    assert text[3:] == "A" * 42 + "C" + "A" * 43
    assert Rule.from_table(only_nw).kind == "map"


def test_kinds_and_counts():
    assert CONWAY.kind == "totalistic" and CONWAY.birth == {3} and CONWAY.survival == {2, 3}
    friends = parse_rule("B2-a/S12").rule
    assert friends.kind == "isotropic" and not friends.is_totalistic
    with pytest.raises(ValueError, match="not totalistic"):
        _ = friends.birth
    assert friends.slug == "b2-as12"
    weird = Rule.from_table(random_table(1, isotropic=False))
    assert weird.slug.startswith("map") and "/" not in weird.slug and "+" not in weird.slug


@pytest.mark.parametrize(
    ("text", "bounded", "torus"),
    [
        ("B3/S23:P64,32", BoundedGrid("P", 64, 32), None),
        ("B3/S23:p40", BoundedGrid("P", 40, 40), None),
        ("B3/S23:T0,128", BoundedGrid("T", 0, 128), None),
        ("B3/S23:T8,0", BoundedGrid("T", 8, 0), None),
        ("B3/S23:P0,30", BoundedGrid("P", 0, 30), None),
        ("B3/S23:T0,0", None, None),  # unbounded both ways: the plane
        ("B3/S23:T8,6", None, (8, 6)),
    ],
)
def test_golly_bounded_grids(text, bounded, torus):
    spec = parse_rule(text)
    assert (spec.bounded, spec.torus) == (bounded, torus)
    if bounded:
        assert parse_rule("B3/S23" + bounded.suffix).bounded == bounded


@pytest.mark.parametrize(
    ("text", "canonical", "states"),
    [
        ("/2/3", "/2/3", 3),  # Brian's Brain
        ("345/2/4", "345/2/4", 4),  # Star Wars
        ("B2/S345/4", "345/2/4", 4),  # Golly reads B and S before the state count
        ("S345/B2/4", "345/2/4", 4),
        ("B2/S345/C4", "345/2/4", 4),  # LifeWiki's /C
        ("B2/S345/G4", "345/2/4", 4),
        ("B2_S345/4", "345/2/4", 4),
        ("12345/45678/8", "12345/45678/8", 8),
        ("2/13/21", "2/13/21", 21),
        ("1456/2356/256", "1456/2356/256", 256),
        ("1e2-a3-cij4aijkrtz5cnqr/2ce3aejnr4aj5y6a/3", "1e2-a3-cij4aijkrtz5cnqr/2ce3aejnr4aj5y6a/3", 3),
        ("B2cekin/S/5", "/2-a/5", 5),  # Hensel's letters spelt as Golly spells them
        ("LifeHistory", "LifeHistory", 7),
        ("B3/S23History", "LifeHistory", 7),
        ("B36/S23History", "B36/S23History", 7),
        ("HighLifeHistory", "B36/S23History", 7),
        ("B2-a/S12History", "B2-a/S12History", 7),
    ],
)
def test_multi_state_notations(text, canonical, states):
    rule = parse_rule(text).rule
    assert (str(rule), rule.states, rule.multi_state) == (canonical, states, True)
    assert parse_rule(str(rule)).rule == rule  # the canonical spelling reads back as the same rule


def test_generations_table_is_the_two_state_rule_of_its_on_cells():
    assert parse_rule("345/2/4").rule.two_state == parse_rule("B2/S345").rule
    hensel = parse_rule("1e2-a3-cij4aijkrtz5cnqr/2ce3aejnr4aj5y6a/3").rule
    assert hensel.two_state == parse_rule("B2ce3aejnr4aj5y6a/S1e2-a3-cij4aijkrtz5cnqr").rule
    assert parse_rule("LifeHistory").rule.two_state == CONWAY


def test_two_generations_states_is_the_two_state_rule():
    assert parse_rule("23/3/2").rule == CONWAY


def test_generations_on_a_grid():
    spec = parse_rule("345/2/4:T64,32")
    assert (str(spec.rule), spec.torus) == ("345/2/4", (64, 32))
    assert parse_rule("LifeHistory:P30,20").bounded == BoundedGrid("P", 30, 20)


def test_multi_state_slugs():
    assert parse_rule("345/2/4").rule.slug == "g4b2s345"
    assert parse_rule("LifeHistory").rule.slug == "b3s23history"


def test_generations_transitions():
    """Brian's Brain: born on state 1 (`on` = 1), then 1 -> 2 -> 0 whatever the neighbours."""
    rule = parse_rule("/2/3").rule
    table = rule.transitions()
    assert table[:, :, 0].tolist() == [[0, 1], [2, 1], [0, 0]]
    assert rule.on_states().tolist() == [0, 1, 0]


def test_history_counts_odd_states_as_on():
    assert parse_rule("LifeHistory").rule.on_states().tolist() == [0, 1, 0, 1, 0, 1, 0]


def test_rule_objects_say_their_states_and_neighbourhood():
    assert (CONWAY.states, CONWAY.family, CONWAY.neighbourhood) == (2, "two-state", "Moore")
    with pytest.raises(ValueError, match="generations rule of 2 states"):
        Rule(CONWAY.table, "generations", 2)


@pytest.mark.parametrize(
    ("text", "canonical", "neighbourhood", "states"),
    [
        ("B2/S34H", "B2/S34H", "hexagonal", 2),
        ("b2/s34h", "B2/S34H", "hexagonal", 2),
        ("S34/B2H", "B2/S34H", "hexagonal", 2),
        ("34/2H", "B2/S34H", "hexagonal", 2),
        ("B13/S012V", "B13/S012V", "von Neumann", 2),
        ("B2/S013 V", "B2/S013V", "von Neumann", 2),
        ("B/SV", "B/SV", "von Neumann", 2),
        ("23/3/3H", "23/3/3H", "hexagonal", 3),
        ("B3/S23/3H", "23/3/3H", "hexagonal", 3),
        ("/2/3V", "/2/3V", "von Neumann", 3),
        ("23/3/2H", "B3/S23H", "hexagonal", 2),
    ],
)
def test_golly_neighbourhood_letters_are_read_and_written_back(text, canonical, neighbourhood, states):
    rule = parse_rule(text).rule
    assert (str(rule), rule.neighbourhood, rule.states, rule.kind) == (canonical, neighbourhood, states, neighbourhood)
    assert parse_rule(str(rule)).rule == rule
    assert rule.slug == canonical.replace("/", "").lower() if states == 2 else rule.slug.startswith(f"g{states}")


def test_a_neighbourhood_rule_ignores_the_inputs_outside_it_and_counts_the_others():
    hexagonal, von_neumann = parse_rule("B2/S34H").rule, parse_rule("B1/S012V").rule
    for index in range(512):
        bits = {name: (index >> k) & 1 for k, name in enumerate(NEIGHBOURHOOD)}
        six = sum(bits[name] for name in ("NW", "N", "W", "E", "S", "SE"))
        four = sum(bits[name] for name in ("N", "W", "E", "S"))
        assert hexagonal.truth_table()[index] == (six in ((3, 4) if bits["C"] else (2,)))
        assert von_neumann.truth_table()[index] == (four in ((0, 1, 2) if bits["C"] else (1,)))
    assert hexagonal.birth == {2} and hexagonal.survival == {3, 4} and not hexagonal.is_totalistic
    assert parse_rule(hexagonal.map_string).rule == hexagonal and len(hexagonal.map_string) == len("MAP") + 22


def test_a_neighbourhood_rule_ignores_the_cells_outside_its_neighbourhood():
    with pytest.raises(ValueError, match="ignores the cells outside its neighbourhood"):
        Rule(CONWAY.table, neighbourhood="hexagonal")


def golly_map(bits):
    """A MAP string of these bits, the first the most significant of the first character, as Golly's help
    describes it: six bits a base64 character, the last one's unused bits 0."""
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
    bits = list(bits)
    bits += [0] * (-len(bits) % 6)
    return "MAP" + "".join(alphabet[int("".join(map(str, bits[i : i + 6])), 2)] for i in range(0, len(bits), 6))


def counting_map(cells, centre, birth, survival):
    """The MAP string of a totalistic rule over `cells` inputs: bit k is the next state of the neighbourhood
    whose index is k, the centre at bit `centre` counted from the most significant (the middle input of
    Golly's hexagonal and von Neumann strings, whatever the order of the others)."""
    weight = 1 << (cells - 1 - centre)
    return golly_map(
        int(bin(k).count("1") - bool(k & weight) in (survival if k & weight else birth)) for k in range(1 << cells)
    )


@pytest.mark.parametrize(
    ("cells", "centre", "birth", "survival", "states", "canonical"),
    [
        (7, 3, {2}, {3, 4}, 2, "B2/S34H"),
        (7, 3, {2, 4, 5}, {3}, 2, "B245/S3H"),
        (5, 2, {1, 3}, {0, 1, 2}, 2, "B13/S012V"),
        (7, 3, {3}, {2, 3}, 4, "23/3/4H"),
        (5, 2, {1, 2}, {1}, 3, "1/12/3V"),
    ],
)
def test_hexagonal_and_von_neumann_map_strings_of_totalistic_rules_are_their_b_s_rules(
    cells, centre, birth, survival, states, canonical
):
    text = counting_map(cells, centre, birth, survival) + (f"/{states}" if states > 2 else "")
    rule = parse_rule(text).rule
    assert rule == parse_rule(canonical).rule and str(rule) == canonical
    assert len(text.removesuffix(f"/{states}")) == len("MAP") + (22 if cells == 7 else 6)


@pytest.mark.parametrize(
    ("text", "canonical", "neighbourhood", "slug"),
    [
        # as bgolly 4.3 writes them back (the last character's unused bits cleared, no "==")
        ("MAPUNDRAMNlr7LdB9ptxieMTB==", "MAPUNDRAMNlr7LdB9ptxieMTA", "hexagonal", "mapUNDRAMNlr7LdB9ptxieMTA"),
        ("mapV/lnXw", "MAPV/lnXw", "von Neumann", "mapV_lnXw"),
        ("MAPT/9x1xCCni9XvMVe++9KWg/3", "MAPT/9x1xCCni9XvMVe++9KWg/3", "hexagonal", "g3mapT_9x1xCCni9XvMVe--9KWg"),
        ("MAPbx7jHx==/4", "MAPbx7jHw/4", "von Neumann", "g4mapbx7jHw"),
    ],
)
def test_other_neighbourhoods_map_strings_are_spelled_as_golly_spells_them(text, canonical, neighbourhood, slug):
    rule = parse_rule(text).rule
    assert (str(rule), rule.neighbourhood, rule.kind, rule.slug) == (canonical, neighbourhood, neighbourhood, slug)
    table = canonical.removesuffix(f"/{rule.states}") if rule.states > 2 else canonical
    assert parse_rule(canonical).rule == rule and rule.map_string == table
    with pytest.raises(ValueError, match="not totalistic"):
        _ = rule.birth


def test_golly_reads_a_hexagonal_map_string_apart_in_generations():
    # Golly's two-state algorithms read a hexagonal MAP string's rows bottom up (S SE / W C E / NW N), its
    # Generations algorithm top down (NW N / W C E / S SE): a rule whose next state is the first input
    first = golly_map(k >> 6 for k in range(128))
    index = np.arange(512)
    two_state = parse_rule(first).rule
    assert np.array_equal(two_state.truth_table(), (index >> NEIGHBOURHOOD.index("S")) & 1)
    generations = parse_rule(first + "/3").rule
    assert np.array_equal(generations.truth_table(), (index >> NEIGHBOURHOOD.index("NW")) & 1)
    assert str(generations) == first + "/3"
