"""Rules of the 3x3 neighbourhood: a 512-entry table, read from and written as B/S, Hensel or MAP notation,
and the families that give a cell more than two states on top of such a table (Generations, LifeHistory).

A two-state rule is the next state of a cell for each of the 512 neighbourhoods (bit k of a neighbourhood's
index is the cell `NEIGHBOURHOOD[k]`). Three notations spell them, the ones Golly reads:

- totalistic B/S (`B3/S23`): the next state depends on the cell and how many of its eight neighbours live;
- isotropic non-totalistic, in Alan Hensel's notation (`B2-a/S12`): a letter after a count picks one
  arrangement of that many neighbours up to rotation and reflection, `-` means all but the letters listed;
- `MAP` and the base64 of the 512 bits, any rule at all (of 128 or 32 bits, any rule of Golly's hexagonal or
  von Neumann neighbourhood).

A multi-state rule keeps such a table for whether a cell is *on* next, and says what its other states do
(`Rule.transitions`): Generations (`345/2/4`: on is state 1, a cell that turns off decays through states
2..C-1 to 0, counting as off) and History (`LifeHistory`: Golly's seven states, on being the odd ones).

Larger than Life (`R5,C0,M1,S34..58,B34..45,NM`) is no table: a cell counts its on neighbours within a range of
up to 500 cells in one of Golly's neighbourhood shapes (`LargerThanLife`, in its own section at the end).

Every rule has one canonical spelling, in the simplest notation that describes it: `str(rule)`.
"""

from __future__ import annotations

import base64
import re
from dataclasses import dataclass
from functools import cached_property

import numpy as np

from lifetui.errors import RuleError

#: The nine inputs of a neighbourhood, in truth-table bit order: bit k of a neighbourhood index is input k.
NEIGHBOURHOOD = ("NW", "N", "NE", "W", "C", "E", "SW", "S", "SE")
CENTRE_BIT = NEIGHBOURHOOD.index("C")
#: Each input's (row, column) in the 3x3 block.
POSITIONS = {name: divmod(k, 3) for k, name in enumerate(NEIGHBOURHOOD)}

NAMED_RULES = {
    "life": "B3/S23",
    "conway": "B3/S23",
    "highlife": "B36/S23",
    "seeds": "B2/S",
    "daynight": "B3678/S34678",
    "dayandnight": "B3678/S34678",
    "replicator": "B1357/S1357",
    "lifewithoutdeath": "B3/S012345678",
    "morley": "B368/S245",
    "2x2": "B36/S125",
    "diamoeba": "B35678/S5678",
    "maze": "B3/S12345",
    "justfriends": "B2-a/S12",
    "tlife": "B3/S2-i34q",
}

# Hensel's letters: one arrangement of the live neighbours for each letter, as on his diagrams (any
# rotation or reflection of it means the same); five, six and seven neighbours are the complements of
# three, two and one. Each count's letters are listed in canonical (alphabetical) order.
HENSEL = {
    1: {"c": "SE", "e": "S"},
    2: {"a": "S SE", "c": "SW SE", "e": "E S", "i": "W E", "k": "W SE", "n": "NE SW"},
    3: {"a": "E S SE", "c": "NE SW SE", "e": "W E S", "i": "SW S SE", "j": "E SW S", "k": "NE W S",
        "n": "E SW SE", "q": "NE SW S", "r": "W E SE", "y": "NE W SE"},
    4: {"a": "E SW S SE", "c": "NW NE SW SE", "e": "N W E S", "i": "W E SW SE", "j": "NE W E S",
        "k": "NE W S SE", "n": "NE SW S SE", "q": "NE W SW S", "r": "W E S SE", "t": "NE W E SE",
        "w": "NE E SW S", "y": "NE W SW SE", "z": "NE W E SW"},
}  # fmt: skip
OUTER = tuple(name for name in NEIGHBOURHOOD if name != "C")
for _count in (5, 6, 7):
    HENSEL[_count] = {
        letter: " ".join(name for name in OUTER if name not in cells.split())
        for letter, cells in HENSEL[8 - _count].items()
    }
#: The letters each neighbour count takes, in canonical order ("" for 0 and 8, which take none).
LETTERS = {count: "".join(HENSEL.get(count, {})) for count in range(9)}

MAP_PREFIX = "MAP"
BASE64_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"


def _symmetries() -> np.ndarray:
    """(8, 512): each neighbourhood's index after each rotation and reflection of the 3x3 block."""
    maps = []
    for flip in (False, True):
        for turns in range(4):
            image = np.zeros(512, dtype=np.int64)
            for k, name in enumerate(NEIGHBOURHOOD):
                row, column = POSITIONS[name]
                if flip:
                    column = 2 - column
                for _ in range(turns):
                    row, column = column, 2 - row
                image |= ((np.arange(512) >> k) & 1) << (row * 3 + column)
            maps.append(image)
    return np.array(maps)


SYMMETRIES = _symmetries()
INDEX = np.arange(512)
ALIVE = (INDEX >> CENTRE_BIT) & 1
COUNTS = np.array([bin(index).count("1") for index in INDEX]) - ALIVE


def _mask(names: str) -> int:
    return sum(1 << NEIGHBOURHOOD.index(name) for name in names.split())


def _letter_of_each_neighbourhood() -> np.ndarray:
    """The Hensel letter (or "" for 0 and 8 neighbours) of each of the 512 neighbourhoods."""
    letters = np.full(512, "", dtype="<U1")
    for arrangements in HENSEL.values():
        for letter, names in arrangements.items():
            for alive in (0, 1):
                letters[SYMMETRIES[:, _mask(names) | alive << CENTRE_BIT]] = letter
    return letters


LETTER = _letter_of_each_neighbourhood()
#: Each neighbourhood's column in a parsed side's (9, 14) table: 1 + its letter's index, 0 for no letter.
LETTER_COLUMN = np.array([LETTERS[count].index(letter) + 1 if letter else 0 for count, letter in zip(COUNTS, LETTER)])


#: The rule families: what the states beyond on and off do (see Rule.transitions).
TWO_STATE, GENERATIONS, HISTORY = "two-state", "generations", "history"
LARGER_THAN_LIFE = "larger than life"
#: Golly's limits on a Generations rule's state count (2 is the two-state rule itself).
MOST_STATES = 256
#: LifeHistory's seven states, as Golly's Super algorithm documents them (Help/Algorithms/Super.html).
HISTORY_STATES = ("off", "on", "history", "marked on", "marked off", "start on", "boundary")
HISTORY_BOUNDARY = HISTORY_STATES.index("boundary")
MOORE = "Moore"
#: Golly's other neighbourhoods, each the 3x3 block with some inputs ignored (QuickLife.html): hexagonal on its
#: skewed square grid ignores NE and SW (six neighbours), von Neumann keeps the four orthogonal ones.
HEXAGONAL, VON_NEUMANN = "hexagonal", "von Neumann"
IGNORED = {MOORE: (), HEXAGONAL: ("NE", "SW"), VON_NEUMANN: ("NW", "NE", "SW", "SE")}
#: The letter Golly appends to a rule of each neighbourhood (`B2/S34H`, `B2/S3V`, `23/3/3H`).
NEIGHBOURHOOD_LETTER = {HEXAGONAL: "H", VON_NEUMANN: "V"}
#: The cells a MAP string of each neighbourhood reads, the most significant bit of a neighbourhood's index first,
#: as Golly reads them. Its help gives Moore's (NW first, in reading order); the others were found by running
#: bgolly 4.3 on rules whose next state is one input. Von Neumann's string is in reading order everywhere, but
#: the hexagonal one is not read alike by Golly's algorithms: its two-state ones (liferules.cpp) read the rows
#: bottom up, its Generations one (generationsalgo.cpp) in reading order. lifetui reads each as Golly does, so
#: that Golly's files run here as there (`_map_inputs`).
MAP_INPUTS = {
    MOORE: NEIGHBOURHOOD,
    HEXAGONAL: ("S", "SE", "W", "C", "E", "NW", "N"),
    VON_NEUMANN: ("N", "W", "C", "E", "S"),
}
GENERATIONS_HEXAGONAL_MAP_INPUTS = ("NW", "N", "W", "C", "E", "S", "SE")
#: Base64 characters of each neighbourhood's MAP string: its 512, 128 or 32 bits, six a character.
MAP_CHARACTERS = {name: -(-(1 << len(cells)) // 6) for name, cells in MAP_INPUTS.items()}


def _map_inputs(neighbourhood: str, generations: bool) -> tuple[str, ...]:
    return GENERATIONS_HEXAGONAL_MAP_INPUTS if generations and neighbourhood == HEXAGONAL else MAP_INPUTS[neighbourhood]


def _map_index(inputs: tuple[str, ...]) -> np.ndarray:
    """Each of the 512 neighbourhoods' bit in a MAP string of these inputs."""
    bits = [((INDEX >> NEIGHBOURHOOD.index(name)) & 1) << (len(inputs) - 1 - j) for j, name in enumerate(inputs)]
    return np.sum(bits, axis=0)


# Golly's hexagonal and von Neumann neighbourhoods: a Moore table that ignores some inputs.


def neighbour_counts(neighbourhood: str) -> np.ndarray:
    """Each of the 512 neighbourhoods' count of live neighbours among those `neighbourhood` reads."""
    ignored = sum(1 << NEIGHBOURHOOD.index(name) for name in IGNORED[neighbourhood])
    return np.array([bin(index & ~ignored).count("1") for index in INDEX]) - ALIVE


def _ignores_the_others(table: np.ndarray, neighbourhood: str) -> bool:
    """Whether `table` is the same whatever the cells outside `neighbourhood`."""
    ignored = sum(1 << NEIGHBOURHOOD.index(name) for name in IGNORED[neighbourhood])
    return bool(np.array_equal(table, table[INDEX & ~ignored]))


def _totalistic_over(table: np.ndarray, neighbourhood: str) -> bool:
    """Whether `table` depends only on the cell and its count of live neighbours in `neighbourhood`."""
    counts = neighbour_counts(neighbourhood)
    return all(len(set(table[(alive == ALIVE) & (counts == count)])) <= 1 for alive in (0, 1) for count in range(9))


def _spell_in_neighbourhood(rule: Rule) -> str:
    """Golly's spelling of a hexagonal or von Neumann rule: `B2/S34H`, Generations `34/2/3H`; one that is not
    totalistic over its neighbours as Golly writes a MAP string, of 22 or 6 characters (Generations `MAP.../3`)."""
    if not rule.counts_neighbours:
        return rule.map_string + (f"/{rule.states}" if rule.family == GENERATIONS else "")
    letter = NEIGHBOURHOOD_LETTER[rule.neighbourhood]
    birth, survival = ("".join(map(str, sorted(counts))) for counts in (rule.birth, rule.survival))
    if rule.family == GENERATIONS:
        return f"{survival}/{birth}/{rule.states}{letter}"
    return f"B{birth}/S{survival}{letter}"


@dataclass(frozen=True)
class Rule:
    """A rule of the 3x3 (Moore) neighbourhood: whether a cell is on next for each of the 512 neighbourhoods
    of on cells (`table`), and, for a multi-state `family`, what its `states` do beyond that."""

    table: bytes  # 512 bytes, each 0 or 1
    family: str = TWO_STATE
    states: int = 2
    #: Which cells count as neighbours: MOORE, or HEXAGONAL or VON_NEUMANN, whose tables ignore the other inputs
    #: (totalistic over the rest in B/S notation, any table of them in MAP notation).
    neighbourhood: str = MOORE
    #: A Larger than Life rule's range, shape and counts (its `table` is then unused, all 0).
    ltl: LargerThanLife | None = None

    def __post_init__(self) -> None:
        if len(self.table) != 512 or set(self.table) - {0, 1}:
            raise ValueError("a rule table is 512 entries of 0 or 1")
        if self.ltl is not None or self.family == LARGER_THAN_LIFE:
            _check_larger_than_life(self)
            return
        allowed = {TWO_STATE: range(2, 3), GENERATIONS: range(3, MOST_STATES + 1),
                   HISTORY: range(len(HISTORY_STATES), len(HISTORY_STATES) + 1)}  # fmt: skip
        if (
            self.states not in allowed.get(self.family, ())
            or self.neighbourhood not in IGNORED
            or (self.neighbourhood != MOORE and self.family == HISTORY)
        ):
            raise ValueError(f"no {self.family} rule of {self.states} states in the {self.neighbourhood} neighbourhood")
        if self.neighbourhood != MOORE and not _ignores_the_others(self.truth_table(), self.neighbourhood):
            raise ValueError(f"a {self.neighbourhood} rule's table ignores the cells outside its neighbourhood")

    @property
    def two_state(self) -> Rule:
        """The two-state rule of the same table: what the on cells do."""
        return Rule(self.table, neighbourhood=self.neighbourhood) if self.family != TWO_STATE else self

    @property
    def multi_state(self) -> bool:
        return self.states > 2

    @property
    def range(self) -> int:
        """How far a cell's state reaches in one generation: 1, or a Larger than Life rule's range (twice it for the
        triangular shape, whose rows reach 2r columns)."""
        return self.ltl.reach if self.ltl is not None else 1

    def on_states(self) -> np.ndarray:
        """`on[state]`: 1 for the states that count as on (live) in a neighbourhood, else 0 (uint8)."""
        states = np.arange(self.states)
        if self.family == HISTORY:
            return (states % 2).astype(np.uint8)  # Golly: odd states are on, even ones off
        return (states == 1).astype(np.uint8)

    def transitions(self) -> np.ndarray:
        """`next[state, on, near_boundary]` (uint8, shape (states, 2, 2)): a cell's next state from its state,
        whether the table turns it on, and whether a neighbour is History's boundary state.

        Generations: an on cell (1) the table keeps on stays 1, else it starts to decay (2); states 2..C-1
        step to the next, C-1 to 0, whatever the table says; an off cell (0) the table turns on is born (1).
        History (Golly's Super.html): on cells 1, 3 and 5 turning off leave 2, 4 and 4 (a marked cell stays
        marked); off cells 0, 2 and 4 turning on become 1, 1 and 3; the boundary (6) never changes and turns
        off every on cell beside it.
        """
        states = np.arange(self.states)
        on = self.on_states()
        table = np.zeros((self.states, 2, 2), dtype=np.uint8)
        if self.family == HISTORY:
            born = np.array([1, 1, 1, 3, 3, 5, HISTORY_BOUNDARY])  # an on cell kept on stays as it is
            died = np.array([0, 2, 2, 4, 4, 4, HISTORY_BOUNDARY])  # an off cell kept off too
            for near in (0, 1):
                table[:, 0, near] = died
                table[:, 1, near] = np.where(on == 1, died, born) if near else born
            return table
        decay = np.where(states == 0, 0, (states + 1) % self.states)
        table[:, 0, :] = decay[:, None]
        table[:, 1, :] = np.where(states <= 1, 1, decay)[:, None]
        return table

    @classmethod
    def from_table(cls, table: np.ndarray) -> Rule:
        return cls(np.asarray(table, dtype=np.uint8).tobytes())

    @classmethod
    def from_counts(
        cls, birth: frozenset[int] | set[int], survival: frozenset[int] | set[int], neighbourhood: str = MOORE
    ) -> Rule:
        """The totalistic rule B(birth)/S(survival), counting the neighbours of `neighbourhood`."""
        counts = neighbour_counts(neighbourhood)
        table = np.where(ALIVE == 1, np.isin(counts, list(survival)), np.isin(counts, list(birth)))
        return cls(np.asarray(table, dtype=np.uint8).tobytes(), neighbourhood=neighbourhood)

    def truth_table(self) -> np.ndarray:
        """The next state for each of the 512 neighbourhoods; bit k of the index is input NEIGHBOURHOOD[k]."""
        return np.frombuffer(self.table, dtype=np.uint8).copy()

    @property
    def born_on_empty(self) -> bool:
        """Whether a dead cell with no live neighbour is born (B0): on an unbounded axis every dead cell would be."""
        if self.ltl is not None:
            return self.ltl.empty_count in self.ltl.birth
        return bool(self.table[0])

    @cached_property
    def kind(self) -> str:
        """ "totalistic", "isotropic" (non-totalistic) or "map" (neither): the simplest notation that fits; for
        another neighbourhood its name ("hexagonal", "von Neumann": B/S with Golly's letter after it); "larger than
        life" for a rule that is no table."""
        if self.ltl is not None:
            return LARGER_THAN_LIFE
        if self.neighbourhood != MOORE:
            return self.neighbourhood
        table = self.truth_table()
        by_count = np.zeros((2, 9), dtype=np.int64)
        np.add.at(by_count, (ALIVE, COUNTS), table)
        sizes = np.zeros((2, 9), dtype=np.int64)
        np.add.at(sizes, (ALIVE, COUNTS), 1)
        if np.all((by_count == 0) | (by_count == sizes)):
            return "totalistic"
        if np.all(table[SYMMETRIES] == table):
            return "isotropic"
        return "map"

    @property
    def is_totalistic(self) -> bool:
        """Whether the rule goes by the count of the eight Moore neighbours (what counting engines step)."""
        return self.kind == "totalistic"

    @cached_property
    def counts_neighbours(self) -> bool:
        """Whether the rule goes by the cell and its count of live neighbours in its own neighbourhood: B/S
        notation, with Golly's H or V for another neighbourhood."""
        if self.neighbourhood == MOORE:
            return self.is_totalistic
        return self.ltl is None and _totalistic_over(self.truth_table(), self.neighbourhood)

    @property
    def birth(self) -> frozenset[int]:
        """Neighbour counts at which a dead cell is born (totalistic rules, and those of another neighbourhood
        counted over it)."""
        return self._counts(0)

    @property
    def survival(self) -> frozenset[int]:
        """Neighbour counts at which a live cell survives (as `birth`)."""
        return self._counts(1)

    def _counts(self, alive: int) -> frozenset[int]:
        if not self.counts_neighbours:
            raise ValueError(f"{self} is not totalistic: no birth and survival counts")
        table = self.truth_table()
        counts = neighbour_counts(self.neighbourhood)
        return frozenset(int(count) for count in counts[(alive == ALIVE) & (table == 1)])

    def lookup(self) -> np.ndarray:
        """`table[alive, neighbours]`: the next state of a cell, as uint8 of shape (2, 9) (totalistic rules)."""
        table = np.zeros((2, 9), dtype=np.uint8)
        table[0, sorted(self.birth)] = 1
        table[1, sorted(self.survival)] = 1
        return table

    @cached_property
    def map_string(self) -> str:
        """The rule in MAP notation, whatever its kind, of its neighbourhood's cells in Golly's order (`MAP_INPUTS`):
        86 characters, or 22 (hexagonal) or 6 (von Neumann); the last character's unused bits 0, as Golly writes it."""
        inputs = _map_inputs(self.neighbourhood, self.family == GENERATIONS)
        golly = np.zeros(1 << len(inputs), dtype=np.uint8)
        golly[_map_index(inputs)] = self.truth_table()  # the ignored cells' copies agree
        # Bit 0 first, six a character: standard base64 of the bytes, without its "=" padding.
        return MAP_PREFIX + base64.b64encode(np.packbits(golly).tobytes()).decode("ascii").rstrip("=")

    def __str__(self) -> str:
        if self.ltl is not None:
            return self.ltl.text(self.states)
        if self.neighbourhood != MOORE:
            return _spell_in_neighbourhood(self)
        if self.family == GENERATIONS:  # Golly's spelling: survival/birth/states
            table = self.map_string if self.kind == "map" else self._hensel(1) + "/" + self._hensel(0)
            return f"{table}/{self.states}"
        if self.family == HISTORY:
            return "LifeHistory" if self.table == CONWAY.table else f"{self.two_state}History"
        if self.kind == "map":
            return self.map_string
        return "B" + self._hensel(0) + "/S" + self._hensel(1)

    def _hensel(self, alive: int) -> str:
        table = self.truth_table()
        text = ""
        for count in range(9):
            chosen = (alive == ALIVE) & (count == COUNTS)
            letters = LETTERS[count]
            if not letters:  # 0 and 8 neighbours: one arrangement each
                text += str(count) if table[chosen].any() else ""
                continue
            on = "".join(letter for letter in letters if np.any(table[chosen & (letter == LETTER)]))
            if not on:
                continue
            if on == letters:
                text += str(count)
            elif len(on) > len(letters) // 2 + (len(letters) == 13):
                # Golly's choice: more than half the letters are written as "all but" the others.
                text += f"{count}-" + "".join(letter for letter in letters if letter not in on)
            else:
                text += f"{count}{on}"
        return text

    @property
    def slug(self) -> str:
        """The rule as a folder name: `b3s23` for B3/S23, `b2-as12` for B2-a/S12, `map...` (base64url);
        Catagolue's `g4b2s345` for Generations' 345/2/4, `b3s23history` for LifeHistory; a Larger than Life
        rule's text in lower case, `.` for `..`, `_` for `,` and the shapes' signs spelt out (`r5_c0_m1_s34.58_...`)."""
        if self.ltl is not None:
            text = str(self).lower().replace("..", ".").replace(",", "_")
            return text.replace("+", "plus").replace("*", "star").replace("#", "hash").replace("@", "at")
        spelt_as_map = self.kind == "map" or not (self.neighbourhood == MOORE or self.counts_neighbours)
        map_slug = "map" + self.map_string[len(MAP_PREFIX) :].replace("+", "-").replace("/", "_")
        if self.family == GENERATIONS:
            return f"g{self.states}{map_slug if spelt_as_map else self.two_state.slug}"
        if self.family == HISTORY:
            return f"{self.two_state.slug}history"
        return map_slug if spelt_as_map else str(self).replace("/", "").lower()


CONWAY = Rule.from_counts({3}, {2, 3})


@dataclass(frozen=True)
class BoundedGrid:
    """Golly's bounded grids other than a plain torus (Help/bounded.html): `:Pw,h`, a plane dead beyond w x h
    cells; `:T0,h` or `:Tw,0`, a torus infinite one way (a tube); and the surfaces whose edges are glued with a
    twist or a shift: `:Kw*,h` or `:Kw,h*` a Klein bottle (the starred side's edges joined reversed),
    `:Cw,h` a cross-surface (both pairs reversed), `:Sw` a sphere (top edge joined to the left, right to the
    bottom), `:Tw+s,h` or `:Tw,h+s` a shifted torus. A side of 0 is unbounded that way (`:P0,h` a strip)."""

    kind: str  # "P", "T", "K", "C" or "S"
    width: int
    height: int
    #: Whether the horizontal edges (top and bottom) are joined reversed: `:K30*,20`, and a cross-surface.
    horizontal_twist: bool = False
    #: Whether the vertical edges (left and right) are: `:K30,20*`, and a cross-surface.
    vertical_twist: bool = False
    #: Columns a cell moves on as it crosses the bottom edge down (back, crossing the top up): `:T30+5,20`; on a
    #: Klein bottle 0 or 1 (Golly's `:K30*+1,20`, the reversed edges joined one cell further round).
    horizontal_shift: int = 0
    #: Rows a cell moves down as it crosses the right edge: `:T30,20-2`, `:K20,30*+1`.
    vertical_shift: int = 0

    @property
    def glued(self) -> bool:
        """Whether edges are joined other than straight across (a Klein bottle, cross-surface, sphere or
        shifted torus)."""
        return self.kind in "KCS" or bool(self.horizontal_shift or self.vertical_shift)

    @property
    def suffix(self) -> str:
        """Golly's canonical suffix (its `canonicalsuffix()`): `:K30*+1,20`, `:S30`, `:T30-2,20`, ..."""
        width, height = self.width, self.height
        if self.kind == "S":
            return f":S{width}"
        if self.kind == "K":
            across = f"{width}*{'+1' if self.horizontal_shift else ''},{height}"
            return ":K" + (
                across if self.horizontal_twist else f"{width},{height}*{'+1' if self.vertical_shift else ''}"
            )
        if self.horizontal_shift:
            return f":T{width}{self.horizontal_shift:+d},{height}"
        if self.vertical_shift:
            return f":T{width},{height}{self.vertical_shift:+d}"
        return f":{self.kind}{width},{height}"

    def axis(self, rows: bool) -> tuple[str, int]:
        """How the grid treats one axis: ("free", 0) unbounded, ("wrap", n) periodic, ("bounded", n) dead beyond,
        ("glued", n) joined to an edge with a twist or a shift."""
        size = self.height if rows else self.width
        if size == 0:
            return "free", 0
        if self.glued:
            return "glued", size
        return ("wrap" if self.kind == "T" else "bounded"), size


@dataclass(frozen=True)
class RuleSpec:
    """A rule as written in a file or option: the rule and, from Golly's `:Tw,h` suffix, a torus size, or
    from `:Pw,h` or `:T0,h` another bounded grid."""

    rule: Rule
    torus: tuple[int, int] | None = None
    bounded: BoundedGrid | None = None


_SIDE = r"[0-9a-zA-Z-]*"
_BS = re.compile(rf"B(?P<b>{_SIDE})/?S(?P<s>{_SIDE})", re.IGNORECASE)
_SB = re.compile(rf"S(?P<s>{_SIDE})/?B(?P<b>{_SIDE})", re.IGNORECASE)
_CONWAY = re.compile(rf"(?P<s>{_SIDE})/(?P<b>{_SIDE})")
_TORUS = re.compile(r"(?P<kind>[TP])(?P<w>[0-9]+)(?:,(?P<h>[0-9]+))?", re.IGNORECASE)
_COUNT = re.compile(r"(?P<count>[0-8])(?P<minus>-?)(?P<letters>[a-z]*)")


def parse_rule(text: str) -> RuleSpec:
    """Parse B/S (also S/B and Conway's S/B), Hensel or MAP notation or a rule's name, a Generations rule
    (`345/2/4`) or a History rule (`LifeHistory`), and a `:Tw,h` torus suffix."""
    original = text
    text = text.strip()
    if not text:
        raise RuleError("empty rule")
    body, _, topology = text.partition(":")
    grid = _parse_topology(topology, original) if topology else None
    rule = _parse_body(body.strip(), original)
    if grid is not None and rule.ltl is not None:
        grid = _grown_to_twice_the_reach(grid, rule.ltl.reach)
    if grid is None or (grid.kind == "T" and grid.width and grid.height and not grid.glued):
        return RuleSpec(rule, (grid.width, grid.height) if grid else None)
    if grid.width == grid.height == 0:  # unbounded both ways: the plane, as with no suffix
        return RuleSpec(rule)
    return RuleSpec(rule, None, grid)


def _grown_to_twice_the_reach(grid: BoundedGrid, reach: int) -> BoundedGrid:
    """Golly's ltl makes a bounded grid's sides at least twice the range (the triangular shape's doubled range,
    its reach), growing those below that (its help, "Grid topology and size limits"); a side of 0 stays
    unbounded here, a tube, which Golly's ltl does not have (it grows 0 too)."""
    width, height = (side and max(side, 2 * reach) for side in (grid.width, grid.height))
    return BoundedGrid(grid.kind, width, height, grid.horizontal_twist, grid.vertical_twist, grid.horizontal_shift,
                       grid.vertical_shift)  # fmt: skip


def _unsupported(original: str, why: str) -> RuleError:
    return RuleError(f"unsupported rule {original[:100]!r}: {why}")


_STATE_COUNT = re.compile(r"\s*[CG]?\s*(?P<states>[0-9]{1,9})\s*", re.IGNORECASE)
_HISTORY = re.compile(r"(?P<base>.+?)\s*history", re.IGNORECASE)


def _parse_body(body: str, original: str) -> Rule:
    if _LOOKS_LARGER_THAN_LIFE.match(body):
        return parse_larger_than_life(body, original)
    history = _HISTORY.fullmatch(body)
    if history:
        base, neighbourhood = _split_neighbourhood(history["base"].strip())
        rule = _parse_two_state(base, original)
        if neighbourhood != MOORE or rule.neighbourhood != MOORE:
            raise _unsupported(original, "History rules are of the Moore neighbourhood only, as Golly's Super ones")
        return _history(rule, original)
    body, neighbourhood = _split_neighbourhood(body)
    table, states = _generations_parts(body)
    two_state = _in_neighbourhood(_parse_two_state(table, original, states is not None), neighbourhood, table, original)
    return two_state if states is None else _generations(two_state, states, original)


def _generations_parts(body: str) -> tuple[str, int | None]:
    """A Generations rule's table and state count, as Golly reads it after the second slash (`345/2/4`,
    `B2/S345/4`, `MAP.../4`; also `/C4` or `/G4` as LifeWiki writes it); (body, None) for any other rule."""
    if body[:3].upper() == MAP_PREFIX:
        head, slash, tail = body.rpartition("/")
        length = len(head[3:].rstrip("="))
        count = _STATE_COUNT.fullmatch(tail)
        if slash and count and length in MAP_CHARACTERS.values():
            return head, int(count["states"])
        return body, None
    parts = body.replace("_", "/").split("/")
    count = _STATE_COUNT.fullmatch(parts[-1]) if len(parts) == 3 else None
    return ("/".join(parts[:2]), int(count["states"])) if count else (body, None)


def _generations(rule: Rule, states: int, original: str) -> Rule:
    if not 2 <= states <= MOST_STATES:
        raise _unsupported(original, f"a Generations rule has 2 to {MOST_STATES} states, not {states}")
    if rule.truth_table()[0]:
        raise _unsupported(original, "a Generations rule with B0 (Golly refuses it too)")
    return Rule(rule.table, GENERATIONS, states, rule.neighbourhood) if states > 2 else rule


def _history(rule: Rule, original: str) -> Rule:
    if rule.truth_table()[0]:
        raise _unsupported(original, "a History rule with B0")
    return Rule(rule.table, HISTORY, len(HISTORY_STATES))


def _parse_two_state(body: str, original: str, generations: bool = False) -> Rule:
    """The two-state table of a rule (of a Generations rule's, with `generations`: Golly reads its MAP strings
    apart)."""
    named = NAMED_RULES.get(re.sub(r"[\s&_-]", "", body).lower())
    if named:
        body = named
    if body[:3].upper() == MAP_PREFIX:
        return _parse_map(body[3:], original, generations)
    body = body.replace("_", "/")  # Golly's other B/S separator (`B3_S23-a4ei6`), as in a rule file's name
    _refuse_other_kinds(body, original)
    if re.search(r"[^0-9bs/" + "".join(LETTERS.values()) + "-]", body.lower()):
        raise _not_notation(original)
    for pattern in (_BS, _SB, _CONWAY):
        match = pattern.fullmatch(body)
        if match:
            birth = _parse_side(match["b"], original)
            survival = _parse_side(match["s"], original)
            table = np.where(ALIVE == 1, survival[COUNTS, LETTER_COLUMN], birth[COUNTS, LETTER_COLUMN])
            return Rule.from_table(table)
    raise _not_notation(original)


def _not_notation(original: str) -> RuleError:
    return _unsupported(
        original,
        "not B/S, Hensel, MAP or Generations notation, such as B3/S23 or 345/2/4 (a rule table's name? lifetui "
        "reads no .rule files)",
    )


def _refuse_other_kinds(body: str, original: str) -> None:
    """Name the kind of a rule lifetui cannot run: other neighbourhoods, Larger than Life, Super..."""
    lowered = body.lower()
    if lowered.endswith("super") or lowered.endswith("investigator"):
        raise _unsupported(original, f"{body} is one of Golly's Super rules; of them lifetui runs History rules "
                                     "(LifeHistory)")  # fmt: skip
    if re.fullmatch(r"w[0-9]+", lowered):
        raise _unsupported(original, "Wolfram's one-dimensional rules are not supported")
    if re.search(r"/[^/]*/", body) or re.search(r"/\s*[CG]\d", body, re.IGNORECASE) or re.search(r"[0-9]G\d", body):
        raise _unsupported(original, "not a Generations rule Golly reads: survival/birth/states, such as 345/2/4 "
                                     "or B2/S345/4")  # fmt: skip


_NEIGHBOURHOOD_SUFFIX = re.compile(r"(?P<body>.*[0-9/bs_])\s*(?P<letter>[hv])", re.IGNORECASE)


def _split_neighbourhood(body: str) -> tuple[str, str]:
    """The rule without Golly's neighbourhood letter at its end (`B2/S34H`, `23/3/3V`), and the neighbourhood.
    A MAP string takes no letter: its length says its neighbourhood."""
    match = _NEIGHBOURHOOD_SUFFIX.fullmatch(body)
    if not match or body[:3].upper() == MAP_PREFIX:
        return body, MOORE
    letter = match["letter"].upper()
    return match["body"], next(name for name, own in NEIGHBOURHOOD_LETTER.items() if own == letter)


def _in_neighbourhood(rule: Rule, neighbourhood: str, table: str, original: str) -> Rule:
    """A rule parsed as Moore, read again as Golly reads it with an H or V: B/S counts over that neighbourhood."""
    if neighbourhood == MOORE:
        return rule
    if not rule.is_totalistic:
        characters = MAP_CHARACTERS[neighbourhood]
        raise _unsupported(original, f"Golly reads {neighbourhood} rules in totalistic B/S notation, such as "
                                     f"B2/S34{NEIGHBOURHOOD_LETTER[neighbourhood]}, or as a MAP string of "
                                     f"{characters} characters")  # fmt: skip
    most = 8 - len(IGNORED[neighbourhood])
    beyond = sorted(count for count in rule.birth | rule.survival if count > most)
    if beyond:
        raise _unsupported(original, f"a {neighbourhood} rule counts 0 to {most} neighbours, not {beyond[0]}")
    return Rule.from_counts(rule.birth, rule.survival, neighbourhood)


def _parse_side(text: str, original: str) -> np.ndarray:
    """One side (B or S) as a (9, 14) table: [count, 1 + letter index] -> 1 where it applies, column 0 for 0 and 8."""
    side = np.zeros((9, 14), dtype=np.uint8)
    position = 0
    text = text.lower()
    while position < len(text):
        match = _COUNT.match(text, position)
        if not match:
            char = text[position]
            if char.isdigit():
                raise _unsupported(original, f"neighbour counts are 0 to 8, not {char!r}")
            raise _not_notation(original)
        position = match.end()
        count = int(match["count"])
        letters, minus = match["letters"], match["minus"]
        allowed = LETTERS[count]
        if minus and not letters:
            raise _unsupported(original, f"'{count}-' must be followed by the letters it leaves out")
        for letter in letters:
            if letter not in allowed:
                takes = f"takes the letters {', '.join(allowed)}" if allowed else "takes no letters"
                noun = "neighbour" if count == 1 else "neighbours"
                raise _unsupported(original, f"{letter!r} is not a Hensel letter of {count} {noun} ({count} {takes})")
        if not allowed:
            side[count, 0] = 1
            continue
        chosen = set(letters) if letters and not minus else set(allowed) - set(letters)
        for letter in chosen:
            side[count, allowed.index(letter) + 1] = 1
    return side


def _parse_map(text: str, original: str, generations: bool) -> Rule:
    """A MAP string's rule, its neighbourhood by its length (Golly's 86, 22 or 6 characters, then perhaps
    "=="), its cells in the order Golly's algorithm for the rule reads them (`MAP_INPUTS`); the last character's
    unused bits are ignored, as Golly ignores them."""
    digits = text.removesuffix("==")
    neighbourhood = next((name for name, length in MAP_CHARACTERS.items() if length == len(digits)), None)
    if neighbourhood is None:
        raise _unsupported(original, f"a MAP rule is 86 base64 characters (512 bits; 22 for the hexagonal "
                                     f"neighbourhood, 6 for von Neumann's), not {len(digits)}")  # fmt: skip
    bad = next((char for char in digits if char not in BASE64_ALPHABET), None)
    if bad is not None:  # b64decode would take a non-ASCII character for a programming error, not bad input
        raise _unsupported(original, f"{bad!r} is not a base64 character")
    raw = base64.b64decode(digits + "=" * (-len(digits) % 4), validate=True)
    golly = np.unpackbits(np.frombuffer(raw, dtype=np.uint8))
    table = golly[_map_index(_map_inputs(neighbourhood, generations))]
    return Rule(np.asarray(table, dtype=np.uint8).tobytes(), neighbourhood=neighbourhood)


_GRID = re.compile(
    r"(?P<kind>[TPKCS])(?P<w>[0-9]+)(?P<w_twist>\*?)(?P<w_shift>[+-][0-9]+)?"
    r"(?:(?P<comma>,)(?P<h>[0-9]+)(?P<h_twist>\*?)(?P<h_shift>[+-][0-9]+)?)?",
    re.IGNORECASE,
)


def _parse_topology(topology: str, original: str) -> BoundedGrid:
    """Golly's suffix after the colon, refused in one line where Golly refuses it (lifealgo::setgridsize)."""
    match = _GRID.fullmatch(topology.strip())
    if not match:
        raise RuleError(
            f"unsupported topology in rule {original!r}: lifetui runs Golly's :Tw,h torus or tube, :Pw,h plane, "
            ":Kw*,h or :Kw,h* Klein bottle, :Cw,h cross-surface, :Sw sphere and :Tw+s,h or :Tw,h+s shifted torus"
        )
    if any(side and len(side.lstrip("0")) > 9 for side in (match["w"], match["h"])):
        raise RuleError(f"unsupported topology in rule {original[:60]!r}: a side that large cannot be run")
    kind = match["kind"].upper()
    width = int(match["w"])
    height = int(match["h"]) if match["h"] is not None else width
    problem = _grid_problem(kind, match, width, height)
    if problem:
        raise RuleError(f"unsupported topology in rule {original[:60]!r}: {problem}")
    return _glued_grid(kind, match, width, height)


def _grid_problem(kind: str, match: re.Match[str], width: int, height: int) -> str | None:
    """Why Golly refuses this suffix, in its words where it has them, or None."""
    twists, shifts = (match["w_twist"], match["h_twist"]), (match["w_shift"], match["h_shift"])
    if any(twists) and kind != "K":
        return "only a Klein bottle (:K) has a twisted (*) side"
    if all(twists):
        return "a Klein bottle has one twisted side, not both (:C is the cross-surface)"
    if any(shifts) and kind in "PSC":
        return {"P": "a plane", "S": "a sphere", "C": "a cross-surface"}[kind] + " has no shift"
    if kind == "K" and any(shift and not twist for twist, shift in zip(twists, shifts)):
        return "a Klein bottle's shift is on its twisted side"
    if all(shifts):
        return "a torus is shifted along one side, not both"
    if kind == "S" and match["comma"]:
        return "a sphere is square: :Sw"
    if kind in "KCS" and not (width and height):
        return (
            f"a {'Klein bottle' if kind == 'K' else 'cross-surface' if kind == 'C' else 'sphere'} has no infinite side"
        )
    if any(shifts) and not (width and height):
        return "a torus with a shift has no infinite side"
    return None


def _glued_grid(kind: str, match: re.Match[str], width: int, height: int) -> BoundedGrid:
    """The grid, its shifts reduced as Golly reduces them: a torus's round its side (sign kept), a Klein
    bottle's to 1 on an even twisted side and to none on an odd one."""
    horizontal_twist = kind == "C" or (kind == "K" and bool(match["w_twist"]))
    vertical_twist = kind == "C" or (kind == "K" and not match["w_twist"])  # `:K30,20` twists the vertical edges
    shifts = []
    for text, side, twisted in (
        (match["w_shift"], width, horizontal_twist),
        (match["h_shift"], height, vertical_twist),
    ):
        shift = int(text or 0)
        shift = (abs(shift) % side) * (1 if shift >= 0 else -1) if side else 0
        shifts.append(int(bool(shift) and side % 2 == 0) if kind == "K" and twisted else shift)
    return BoundedGrid(kind, width, height, horizontal_twist, vertical_twist, shifts[0], shifts[1])
    return BoundedGrid(match["kind"].upper(), width, height)


# Larger than Life: Golly's `ltl` rules, kept apart from the 3x3 tables above.

#: Golly's largest range (its Help/Algorithms/Larger_than_Life.html); the triangular shape's is half of it, the
#: Gaussian's a tenth.
MOST_RANGE = 500
MOST_GAUSSIAN_RANGE = 50
#: The shapes lifetui runs, by Golly's letter after `N`, each drawn for range 3 on Golly's help page.
LTL_NEIGHBOURHOODS = {
    "M": "Moore", "N": "von Neumann", "C": "circular", "2": "Euclidean", "B": "checkerboard",
    "D": "aligned checkerboard", "+": "cross", "X": "saltire", "*": "star", "#": "hash", "H": "hexagonal",
    "A": "asterisk", "@": "custom", "L": "triangular", "3": "tripod", "G": "Gaussian", "W": "weighted",
}  # fmt: skip
_LOOKS_LARGER_THAN_LIFE = re.compile(r"\s*(R\s*\d|\d+\s*,\s*\d+\s*,)", re.IGNORECASE)
#: After N@ or NW: the hexadecimal digits, NW's state weights after a comma, and Golly's grid letter.
_CUSTOM = r"(?P<custom>[0-9A-F]*)(?:,(?P<states>[0-9A-F]+))?(?P<grid>[HL]?)"
_LTL = re.compile(r"R(?P<r>\d+),C(?P<c>\d+),M(?P<m>\d+),S(?P<s1>\d+)\.\.(?P<s2>\d+),B(?P<b1>\d+)\.\.(?P<b2>\d+),"
                  rf"N(?P<n>.){_CUSTOM}")  # fmt: skip
_EVANS = re.compile(r"(?P<r>\d+),(?P<b1>\d+),(?P<b2>\d+),(?P<s1>\d+),(?P<s2>\d+)")
_HROT = re.compile(rf"R(?P<r>\d+),C(?P<c>\d+),S(?P<s>[0-9,-]*?),?B(?P<b>[0-9,-]*?)(?:,N(?P<n>.){_CUSTOM})?")
_HROT_ITEM = re.compile(r"(?P<low>\d+)(?:-(?P<high>\d+))?")


@dataclass(frozen=True)
class LargerThanLife:
    """A Larger than Life rule (Golly's ltl algorithm): a cell counts the on cells (state 1) among its
    neighbours, the cells of `shape` within `range` (and itself when `middle`); an on cell stays on on a count in
    `survival`, a dead one (0) is born on a count in `birth`. `notation` is how Golly writes it back: "ltl"
    (`R5,C0,M1,S34..58,B34..45,NM`, one range each; Kellie Evans' `5,34,45,34,58` too) or "hrot" (LifeViewer's
    `R5,C2,S33-57,B34-45`: lists, no middle cell, `NM` left out)."""

    range: int
    shape: str  # Golly's letter, a key of LTL_NEIGHBOURHOODS
    middle: bool
    survival: frozenset[int]
    birth: frozenset[int]
    notation: str = "hrot"
    #: N@'s hexadecimal digits (the square's cells but the middle, row by row, 1 in it) or NW's weights (every
    #: cell of the square, the middle too, row by row: one digit each, -7 to 7, or two, -127 to 127; the top bit
    #: is the sign, 8 is -0).
    custom: str = ""
    state_weights: str = ""  # NW's optional weight of each state, a hexadecimal digit a state, 0 to 15
    grid: str = ""  # N@ and NW: "H" (Golly draws a hexagonal grid; counts unchanged) or "L" (triangular)

    @property
    def reach(self) -> int:
        """How far the shape reaches: its range, or twice it for the triangular shape (2r columns each side)."""
        return 2 * self.range if self.shape == "L" else self.range

    @property
    def triangular(self) -> bool:
        """Whether cells point up and down in turn, the shape flipped for those pointing down: NL, and N@ or NW
        with Golly's L after them."""
        return self.shape == "L" or self.grid == "L"

    @property
    def weighted(self) -> bool:
        """Whether cells count with weights (NW, NG) rather than once each."""
        return self.shape in ("W", "G")

    def weights(self, flipped: bool = False) -> np.ndarray:
        """(2 reach + 1, 2 reach + 1) int32: what an on cell at each offset adds to the count, the middle included.

        NW: the weights given. NG (as Golly's ltlalgo counts it; its help gives no formula): (r + 1 - |dx|) x
        (r + 1 - |dy|), the middle (r + 1)² too, and `middle` (M1) adds 1 more for an on cell's own survival,
        as for the other shapes. Others: the mask (1 a neighbour, the middle 0)."""
        if self.shape == "G":
            side = self.range + 1 - abs(np.arange(-self.range, self.range + 1))
            return np.outer(side, side).astype(np.int32)
        if self.shape != "W":
            return self.mask(flipped).astype(np.int32)
        digits = 1 if len(self.custom) == (2 * self.range + 1) ** 2 else 2
        values = [int(self.custom[k : k + digits], 16) for k in range(0, len(self.custom), digits)]
        sign = 1 << (4 * digits - 1)
        weights = np.array([-(value - sign) if value & sign else value for value in values], dtype=np.int32)
        square = weights.reshape(2 * self.range + 1, -1)
        return square[::-1].copy() if flipped else square

    def state_values(self, states: int) -> np.ndarray:
        """`value[state]` (int32, 256 entries): what a cell in each state counts as, times its weight: 1 for
        state 1 and 0 for the others, or NW's state weights (the dead state's too)."""
        values = np.zeros(256, dtype=np.int32)
        if self.state_weights:
            values[:states] = [int(digit, 16) for digit in self.state_weights]
        else:
            values[1] = 1
        return values

    @property
    def empty_count(self) -> int:
        """The count of a dead cell among dead cells: 0, unless NW's state weights weigh the dead state."""
        if not self.state_weights:
            return 0
        return int(self.weights().sum()) * int(self.state_weights[0], 16)

    def mask(self, flipped: bool = False) -> np.ndarray:
        """(2 reach + 1, 2 reach + 1) uint8: 1 for the cells at (row, column) offset (dy + reach, dx + reach) that
        count as neighbours, the middle always 0 (`middle` adds it), as Golly's help draws each shape.

        The triangular shape (NL) is of triangles laid on the squares, pointing up and down in turn: a cell whose
        row and column add up to an even number points up (its neighbours reach 2r columns along its row, 2r + 1
        - k on the k-th row below its base, 2r - k on the k-th above its apex, r rows each way); one that points
        down has the shape `flipped` upside down."""
        r, reach = self.range, self.reach
        if self.weighted:
            chosen = self.weights(flipped) != 0
            chosen[reach, reach] = False
            return chosen.astype(np.uint8)
        dy, dx = np.mgrid[-reach : reach + 1, -reach : reach + 1]
        if flipped:
            dy = -dy
        shapes = {
            "M": np.ones_like(dy, dtype=bool),
            "N": abs(dx) + abs(dy) <= r,
            "C": dx * dx + dy * dy <= r * r + r,  # within r + 1/2 of the middle
            "2": dx * dx + dy * dy <= r * r,
            "B": (dx + dy) % 2 == 1,
            "D": (dx + dy) % 2 == 0,
            "+": (dx == 0) | (dy == 0),
            "X": abs(dx) == abs(dy),
            "*": (dx == 0) | (dy == 0) | (abs(dx) == abs(dy)),
            "#": (abs(dx) == 1) | (abs(dy) == 1),
            # Golly's hexagonal grid on squares: the Moore square without the corners towards NE and SW.
            "H": abs(dx - dy) <= r,
            "A": (dx == 0) | (dy == 0) | (dx == dy),  # the hexagonal grid's three axes
            "3": (dx == 0) & (dy < 0) | (dy == 0) & (dx < 0) | (dx == dy) & (dx > 0),  # every other hexagonal axis
            "L": (abs(dy) <= r) & (abs(dx) <= np.where(dy <= 0, 2 * r + dy, 2 * r + 1 - dy)),
        }
        if self.shape == "@":
            bits = np.unpackbits(np.frombuffer(bytes.fromhex(self.custom), dtype=np.uint8))
            chosen = np.insert(bits, bits.size // 2, 0).reshape(dy.shape).astype(bool)
            if flipped:
                chosen = chosen[::-1].copy()
        else:
            chosen = shapes[self.shape]
        chosen[reach, reach] = False
        return chosen.astype(np.uint8)

    @cached_property
    def size(self) -> int:
        """Neighbours, the middle cell left out; for a weighted shape the most its count can be (Golly's: the
        positive weights, the middle's too, times the largest state weight)."""
        if not self.weighted:
            return int(self.mask().sum())
        largest = max((int(digit, 16) for digit in self.state_weights), default=1)
        weights = self.weights()
        return int(weights[weights > 0].sum()) * largest

    def text(self, states: int) -> str:
        """Golly's canonical spelling (C0 for two states)."""
        count = states if states > 2 else 0
        states_text = f",{self.state_weights}" if self.state_weights else ""
        shape = f"N{self.shape}{self.custom}{states_text}{self.grid}"
        if self.notation == "ltl":
            s, b = self.survival, self.birth
            return (f"R{self.range},C{count},M{int(self.middle)},S{min(s)}..{max(s)},B{min(b)}..{max(b)},"
                    f"{shape}")  # fmt: skip
        text = f"R{self.range},C{count},S{_count_runs(self.survival)},B{_count_runs(self.birth)}"
        return text if self.shape == "M" else f"{text},{shape}"


def _count_runs(counts: frozenset[int]) -> str:
    """`0-3,5,7-9`: the counts as Golly lists them."""
    runs: list[list[int]] = []
    for count in sorted(counts):
        if runs and runs[-1][1] == count - 1:
            runs[-1][1] = count
        else:
            runs.append([count, count])
    return ",".join(str(low) if low == high else f"{low}-{high}" for low, high in runs)


def _check_larger_than_life(rule: Rule) -> None:
    if rule.ltl is None or rule.family != LARGER_THAN_LIFE or not 2 <= rule.states <= MOST_STATES:
        raise ValueError("a larger than life rule has its ltl part, that family and 2 to 256 states")
    if rule.neighbourhood != LTL_NEIGHBOURHOODS[rule.ltl.shape] or any(rule.table):
        raise ValueError("a larger than life rule names its own neighbourhood and has no table")


def parse_larger_than_life(body: str, original: str) -> Rule:
    """A Larger than Life rule in any of Golly's three notations: `R5,C0,M1,S34..58,B34..45,NM`, Kellie Evans'
    `5,34,45,34,58` (range, birth and survival limits; Moore, middle counted) and HROT's `R5,C2,S33-57,B34-45`."""
    text = re.sub(r"\s+", "", body).upper()
    ltl, evans, hrot = _LTL.fullmatch(text), _EVANS.fullmatch(text), _HROT.fullmatch(text)
    if ltl or evans:
        found = ltl or evans
        assert found is not None
        s1, s2, b1, b2 = (int(found[name]) for name in ("s1", "s2", "b1", "b2"))
        for side, low, high in (("S", s1, s2), ("B", b1, b2)):
            if low > high:
                raise _unsupported(original, f"the {side} range's first count {low} is over its last {high}")
        middle = int(ltl["m"]) if ltl else 1
        if middle not in (0, 1):
            raise _unsupported(original, f"M is 0 or 1 (whether the middle cell counts), not {middle}")
        states, shape, custom = (int(ltl["c"]), ltl["n"], ltl["custom"]) if ltl else (0, "M", "")
        state_weights, grid = (ltl["states"] or "", ltl["grid"]) if ltl else ("", "")
        survival, birth = frozenset(range(s1, s2 + 1)), frozenset(range(b1, b2 + 1))
        notation = "ltl"
    elif hrot:
        middle, states, shape, custom = 0, int(hrot["c"]), hrot["n"] or "M", hrot["custom"] or ""
        state_weights, grid = hrot["states"] or "", hrot["grid"] or ""
        survival, birth = _hrot_counts(hrot["s"], "S", original), _hrot_counts(hrot["b"], "B", original)
        notation = "hrot"
    else:
        raise _unsupported(original, "not a Larger than Life rule Golly reads: R5,C0,M1,S34..58,B34..45,NM, "
                                     "5,34,45,34,58 or R5,C2,S33-57,B34-45 (and ,N and a neighbourhood)")  # fmt: skip
    reach = int((ltl or evans or hrot)["r"])  # type: ignore[index]
    most_range = {"L": MOST_RANGE // 2, "G": MOST_GAUSSIAN_RANGE}.get(shape, MOST_RANGE)
    if not 1 <= reach <= most_range:
        raise _unsupported(original, f"a Larger than Life range is 1 to {most_range}, not {reach}")
    if states > MOST_STATES:
        raise _unsupported(original, f"C is 0 to {MOST_STATES} states, not {states}")
    if shape not in LTL_NEIGHBOURHOODS:
        raise _unsupported(original, f"N{shape} is not one of Golly's neighbourhoods: N and one of "
                                     f"{' '.join(LTL_NEIGHBOURHOODS)}")  # fmt: skip
    if (custom or grid) and shape not in "@W":
        raise _unsupported(original, f"N{shape} takes no digits or grid letter after it")
    if state_weights and shape != "W":
        raise _unsupported(original, "only a weighted neighbourhood (NW) takes state weights")
    digits = (2 * reach + 1) ** 2 // 4  # the square but its middle, four cells a digit
    if shape == "@" and len(custom) != digits:
        raise _unsupported(original, f"a custom neighbourhood (N@) of range {reach} is {digits} hexadecimal digits, "
                                     f"not {len(custom)}")  # fmt: skip
    cells = (2 * reach + 1) ** 2
    if shape == "W" and len(custom) not in (cells, 2 * cells):
        raise _unsupported(original, f"a weighted neighbourhood (NW) of range {reach} is {cells} hexadecimal digits "
                                     f"(or {2 * cells}, two a weight), not {len(custom)}")  # fmt: skip
    if state_weights and len(state_weights) != max(2, states):
        raise _unsupported(original, f"NW's state weights are one digit a state, {max(2, states)}, not "
                                     f"{len(state_weights)}")  # fmt: skip
    rule = LargerThanLife(reach, shape, bool(middle), survival, birth, notation, custom, state_weights, grid)
    most = rule.size + middle
    for side, counts, least in (("S", survival, middle), ("B", birth, 0)):
        if counts and not least <= min(counts) <= max(counts) <= most:
            raise _unsupported(original, f"{side} counts are {least} to {most} in this neighbourhood, not "
                                         f"{_count_runs(counts)}")  # fmt: skip
    if 0 in birth and states > 2:
        raise _unsupported(original, "B0 with more than 2 states (Golly refuses it too)")
    return Rule(bytes(512), LARGER_THAN_LIFE, max(2, states), LTL_NEIGHBOURHOODS[shape], rule)


def _hrot_counts(text: str, side: str, original: str) -> frozenset[int]:
    counts: set[int] = set()
    for item in text.split(",") if text else ():
        found = _HROT_ITEM.fullmatch(item)
        if not found:
            raise _unsupported(original, f"{side}'s counts are numbers and ranges such as 4-7,9, not {item!r}")
        low, high = int(found["low"]), int(found["high"] or found["low"])
        if low > high:
            raise _unsupported(original, f"{side}'s range {item} runs downwards")
        counts.update(range(low, high + 1))
    return frozenset(counts)
