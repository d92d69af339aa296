"""Macrocell patterns (Golly's `.mc`): a quadtree written child first, for patterns too big for RLE.

A file whose rule names a torus (`#R B3/S23:T256,256`) and whose cells lie in that many columns and
rows from the root's top left corner is read as that torus, in place: that is how lifetui writes a board.

The format, as Golly's help describes it: a `[M2]` line, `#` lines (`#R` the rule, `#G` the generation,
any other a comment), then one node per line, numbered from 1 in order. A leaf is 8 x 8 cells in rows
of `.` and `*` ended by `$` (trailing dead cells and rows left out); any other node is `level nw ne sw
se`, a square of side 2^level from four earlier nodes (0: an empty square). The last node is the
root. A file of a multi-state rule (Generations, LifeHistory) is Golly's other kind: its leaves are
`1 nw ne sw se`, a 2 x 2 square of four states, and its other nodes of level 2 and up; its first node says
which kind a file is. Either kind keeps its quadtree, which hashlife on the plane plants node by node.

Reading does not expand repeated squares more than once: every node's population and the bounding box
of its live cells are worked out first, so a pattern too large for a board is refused before any
cell is laid down.
"""

from __future__ import annotations

import re
from array import array
from dataclasses import dataclass, fields

import numpy as np

from lifetui.errors import PatternError, RuleError, UsageError
from lifetui.patterns.pattern import (
    MAX_GENERATION,
    MAX_PATTERN_SIDE,
    Pattern,
    read_position,
    refuse_unreadable,
    split_lines,
)
from lifetui.rules import Rule, parse_rule

HEADER = "[M2]"
#: More live cells than this would take gigabytes as runs; such a pattern needs the plane (coming).
MAX_POPULATION = 1 << 26
#: More runs than this take seconds to lay out in Python (24 bytes each): a small file of a repeated
#: checkerboard leaf could ask for tens of millions.
MAX_RUNS = 1 << 23
_NODE = re.compile(r"([0-9]{1,19})\s+([0-9]{1,19})\s+([0-9]{1,19})\s+([0-9]{1,19})\s+([0-9]{1,19})")
_LEAF = re.compile(r"[.*$]+")
_MAX_LEVEL = 62
#: The highest state a multi-state leaf may hold (Golly's 256 states, as in extended RLE).
MOST_STATE = 255
_GENERATION = re.compile(r"[0-9]+")
#: The line lifetui writes to keep a pattern's place on the plane or a bounded grid, as RLE's `#CXRLE Pos`
#: (Golly takes it for a comment): the live cells' box's top-left cell.
POSITION_TAG = "#CXRLE"

# A node: (level, population, box, content, runs); box is (top, left, bottom, right) of its live cells
# (exclusive ends) relative to its corner, or None; content is a leaf's bytes (a two-state leaf's 8 rows, a
# multi-state leaf's 4 states) or a tuple of four child numbers; runs the horizontal runs of live cells it
# lays out.
_EMPTY = (0, 0, None, None, 0)


def read_macrocell(text: str, source: str = "<mc>") -> Pattern:
    lines = split_lines(text)
    if not lines or not lines[0].startswith(HEADER):
        raise PatternError(source, f"expected {HEADER!r} at the start of the first line", 1, 1)
    pattern = Pattern(0, 0, np.zeros((0, 3), dtype=np.int64), source=source)
    nodes: list[tuple] = [_EMPTY]  # node 0: the empty square of any size
    node_lines = array("q", [0])  # where each node was defined
    multi_state: bool | None = None  # Golly's multi-state kind of file, as its first node says
    for number, raw in enumerate(lines[1:], start=2):
        line = raw.strip()
        if not line:
            continue
        if line.startswith("#"):
            _header_line(pattern, line, source, number)
            continue
        if multi_state is None:
            multi_state = _first_node_is_multi_state(line)
        if line[0] in ".*$":
            if multi_state:
                raise PatternError(source, "an 8 x 8 two-state leaf in a multi-state file (its first node is of "
                                           "level 1 to 3)", number, 1)  # fmt: skip
            nodes.append(_leaf(line, source, number))
        else:
            nodes.append(_inner(line, nodes, source, number, multi_state))
        node_lines.append(number)
    if len(nodes) == 1:
        return pattern  # no nodes: an empty universe
    _refuse_headless(nodes, source, node_lines)
    root = nodes[-1]
    if root[2] is None:
        return pattern
    top, left, bottom, right = root[2]
    torus = pattern.rule.torus if pattern.rule else None
    if torus and right <= torus[0] and bottom <= torus[1]:
        # A torus, as lifetui writes one: its cells from the root's top left corner, the box the torus.
        top, left, bottom, right = 0, 0, torus[1], torus[0]
    pattern.width, pattern.height = right - left, bottom - top
    if root[1] > MAX_POPULATION:
        unlaid = f"{root[1]:,} live cells, more than lifetui lays out on a board ({MAX_POPULATION:,})"
    elif root[4] > MAX_RUNS:
        unlaid = f"{root[4]:,} runs of live cells, more than lifetui lays out ({MAX_RUNS:,})"
    elif bottom - top > MAX_PATTERN_SIDE or right - left > MAX_PATTERN_SIDE:
        unlaid = f"pattern spans {right - left} x {bottom - top}, more than the largest pattern ({MAX_PATTERN_SIDE:,})"
    else:
        unlaid = ""
    # Runs only when something asks for them (a grid engine, a board, RLE): hashlife plants the nodes as they
    # are, so a file opens in time and memory by its nodes, not its cells. One too large to lay out on a board
    # (`unlaid`) runs on hashlife alone; one of too many cells or runs has no runs either.
    tree = TreePattern(**{f.name: getattr(pattern, f.name) for f in fields(Pattern)})
    tree.quadtree, tree.tree_population, tree._runs = Quadtree(nodes, top, left, bool(multi_state)), root[1], None
    tree.unlaid = f"{source}: {unlaid}" if unlaid else ""
    tree.runs_unlaid = root[1] > MAX_POPULATION or root[4] > MAX_RUNS
    return tree


class TreePattern(Pattern):
    """A macrocell file's pattern: its quadtree (`quadtree`), and its runs (and a multi-state file's run states)
    made from it when first asked for."""

    _runs: np.ndarray | None = None
    _run_states: np.ndarray | None = None
    tree_population = 0
    runs_unlaid = False  # too many cells or runs to list: `unlaid` says why

    @property  # type: ignore[override]
    def runs(self) -> np.ndarray:
        if self._runs is None:
            self._lay_out()
        assert self._runs is not None
        return self._runs

    @runs.setter
    def runs(self, value: np.ndarray) -> None:
        self._runs = value

    @property  # type: ignore[override]
    def run_states(self) -> np.ndarray | None:
        if self._runs is None and self._tree().multi_state:
            self._lay_out()
        return self._run_states

    @run_states.setter
    def run_states(self, value: np.ndarray | None) -> None:
        self._run_states = value

    def _tree(self) -> Quadtree:
        assert isinstance(self.quadtree, Quadtree)
        return self.quadtree

    def _lay_out(self) -> None:
        if self.runs_unlaid:
            raise UsageError(f"{self.unlaid}; write it as macrocell (-o X.mc)")
        tree = self._tree()
        if tree.multi_state:
            self._runs, states = _state_runs_of_tree(tree)
            self._run_states = states if len(states) and int(states.max()) > 1 else None
            return
        runs = array("q")
        _emit(tree.nodes, len(tree.nodes) - 1, -tree.top, -tree.left, runs)
        self._runs = np.frombuffer(runs, dtype=np.int64).reshape(-1, 3)  # a view: the array lives through it

    @property
    def population(self) -> int:
        return self.tree_population

    @property
    def states(self) -> int:
        """As Pattern.states, from the leaves, without laying the cells out."""
        if self._runs is not None or not self._tree().multi_state:
            return super().states
        return max(2, max((max(node[3]) for node in self._tree().nodes[1:] if node[0] == 1), default=0) + 1)

    def fit_states(self, states: int) -> None:
        """As Pattern.fit_states, on the leaves: a cell of a state the rule lacks becomes state 1 in every leaf
        that holds one, counted through the nodes (a leaf used a million times counts a million times)."""
        tree = self._tree()
        if self._runs is not None or not tree.multi_state:
            super().fit_states(states)
            return
        if self.states <= states:
            return
        beyond = [0] * len(tree.nodes)  # each node's cells in states the rule lacks
        for index, (level, _, _, content, _) in enumerate(tree.nodes[1:], start=1):
            if level == 1:
                beyond[index] = sum(state >= states for state in content)
                if beyond[index]:
                    fitted = bytes(1 if state >= states else state for state in content)
                    tree.nodes[index] = (*tree.nodes[index][:3], fitted, tree.nodes[index][4])
            else:
                beyond[index] = sum(beyond[child] for child in content)
        self.warnings.append(f"{self.source or 'the pattern'}: {beyond[-1]:,} cells in states {states} and above, "
                             f"which a rule of {states} states lacks, read as state 1")  # fmt: skip


def _refuse_headless(nodes: list[tuple], source: str, node_lines: array) -> None:
    """Refuse a file whose last node is not its root: every other node must be part of a later one (Golly
    and lifetui write no others). A file cut short leaves nodes whose parents were cut off: read as it is,
    its last node would be another pattern."""
    referenced = bytearray(len(nodes))
    for _, _, _, content, _ in nodes[1:]:
        if isinstance(content, tuple):
            for child in content:
                referenced[child] = 1
    orphan = referenced.find(0, 1, len(nodes) - 1)
    if orphan != -1:
        raise PatternError(source, f"node {orphan} (level {nodes[orphan][0]}) is part of no other node, and the "
                                   "last node is the root: a truncated file?", node_lines[orphan])  # fmt: skip


@dataclass(frozen=True)
class Quadtree:
    """A macrocell file's nodes as read (node 0 the empty square, the last the root), and where the live
    cells' box starts in the root: the pattern's box is the root's square from (top, left). A multi-state
    file's leaves are Golly's 2 x 2 squares of states (level 1), a two-state file's 8 x 8 squares of bits."""

    nodes: list[tuple]
    top: int
    left: int
    multi_state: bool = False

    def leaves(self) -> tuple[np.ndarray, np.ndarray]:
        """The 8 x 8 squares' node numbers and their 64 cells each as bits, live or not (row r in bits
        8r..8r+7, column c in bit c): the two-state hashlife's leaves."""
        if self.multi_state:
            leaves, cells = self.leaf_cells()
            bits = np.packbits(cells.reshape(-1, 8, 8) != 0, axis=-1, bitorder="little").reshape(-1, 8)
            return leaves, np.ascontiguousarray(bits).view("<u8").reshape(-1)
        numbers = [i for i, node in enumerate(self.nodes) if i and node[0] == 3]
        bits = np.array([int.from_bytes(self.nodes[i][3], "little") for i in numbers], dtype=np.uint64)
        return np.array(numbers, dtype=np.int64), bits

    def leaf_cells(self) -> tuple[np.ndarray, np.ndarray]:
        """The 8 x 8 squares' node numbers and their 64 states each, row by row (the multi-state hashlife's
        leaves). A multi-state file's are put together from its levels 1 to 3, a level at a time; a root
        smaller than 8 x 8 is one too, in its north-west corner."""
        if not self.multi_state:
            numbers, bits = self.leaves()
            cells = np.unpackbits(bits.astype("<u8").view(np.uint8), bitorder="little").reshape(-1, 64)
            return numbers, cells
        levels = np.array([0] + [node[0] for node in self.nodes[1:]], dtype=np.int64)
        ones = np.flatnonzero(levels == 1)
        squares = {1: np.zeros((len(self.nodes), 2, 2), dtype=np.uint8)}  # each level's squares by node number
        if len(ones):
            squares[1][ones] = np.frombuffer(b"".join(self.nodes[i][3] for i in ones), np.uint8).reshape(-1, 2, 2)
        for level in (2, 3):
            numbers = np.flatnonzero(levels == level)
            children = np.array([self.nodes[i][3] for i in numbers], dtype=np.int64).reshape(-1, 4)
            half = 1 << (level - 1)
            quarters = squares[level - 1][children].reshape(-1, 2, 2, half, half)  # (n, row, column, y, x)
            squares[level] = np.zeros((len(self.nodes), 2 * half, 2 * half), dtype=np.uint8)
            squares[level][numbers] = quarters.transpose(0, 1, 3, 2, 4).reshape(-1, 2 * half, 2 * half)
        root, top = len(self.nodes) - 1, int(levels[-1])
        if top < 3:  # the root alone is smaller than 8 x 8
            corner = np.zeros((1, 8, 8), dtype=np.uint8)
            corner[0, : 1 << top, : 1 << top] = squares[top][root]
            return np.array([root], dtype=np.int64), corner.reshape(1, 64)
        return numbers, squares[3][numbers].reshape(-1, 64)

    def levels(self) -> dict[int, tuple[np.ndarray, np.ndarray]]:
        """The other nodes by level, lowest first: their numbers and their children's (n x 4, 0 empty)."""
        by_level: dict[int, list[int]] = {}
        for i, node in enumerate(self.nodes):
            if i and node[0] > 3:
                by_level.setdefault(node[0], []).append(i)
        return {
            level: (np.array(numbers, dtype=np.int64), np.array([self.nodes[i][3] for i in numbers], dtype=np.int64))
            for level, numbers in sorted(by_level.items())
        }


def _header_line(pattern: Pattern, line: str, source: str, number: int) -> None:
    tag, rest = line[:2], line[2:].strip()
    if tag == "#R":
        try:
            pattern.rule = parse_rule(rest)
        except RuleError as err:
            raise PatternError(source, str(err), number, 3) from None
    elif tag == "#G":
        if not _GENERATION.fullmatch(rest):
            raise PatternError(source, f"the generation must be a whole number, not {rest[:30]!r}", number, 3)
        if len(rest.lstrip("0")) > len(str(MAX_GENERATION)) or int(rest) > MAX_GENERATION:
            raise PatternError(source, f"generation {rest[:20]} is past the last one lifetui runs to "
                                       f"({MAX_GENERATION:,})", number, 3)  # fmt: skip
        pattern.generation = int(rest)
    elif line.split()[0] == POSITION_TAG:
        for item in re.finditer(r"Pos=(\S*)", line):
            pattern.position = read_position(item[1], source, number, item.start(1) + 1)
    elif tag == "#N":
        pattern.name = rest
    elif tag == "#O":
        pattern.author = rest
    else:
        pattern.comments.append(line[1:].lstrip("CD").strip())


def _leaf(line: str, source: str, number: int) -> tuple:
    if not _LEAF.fullmatch(line):
        raise PatternError(source, f"a leaf holds only '.', '*' and '$', not {line[:40]!r}", number, 1)
    rows = line.split("$")
    if rows and rows[-1] == "":
        rows.pop()  # the '$' that ends the last row
    if len(rows) > 8 or any(len(row) > 8 for row in rows):
        raise PatternError(source, "a leaf is 8 x 8 cells; this one is larger", number, 1)
    bits = [sum(1 << x for x, cell in enumerate(row) if cell == "*") for row in rows] + [0] * (8 - len(rows))
    live = [y for y, row in enumerate(bits) if row]
    if not live:
        return (3, 0, None, bytes(8), 0)
    columns = 0
    for row in bits:
        columns |= row
    box = (live[0], (columns & -columns).bit_length() - 1, live[-1] + 1, columns.bit_length())
    runs = sum((row & ~(row << 1)).bit_count() for row in bits)  # a run starts where a cell's west one is dead
    return (3, sum(row.bit_count() for row in bits), box, bytes(bits), runs)


def _first_node_is_multi_state(line: str) -> bool:
    """Whether a file's first node line is of Golly's multi-state kind: a leaf of level 1, or a node of level 2 or 3
    (the smallest of a two-state file are leaves of level 3 and nodes of level 4)."""
    level = re.match(r"[0-9]{1,3}(?![0-9])", line)
    return level is not None and 1 <= int(level[0]) <= 3


def _state_leaf(states: list[int], source: str, number: int) -> tuple:
    """A multi-state leaf, `1 nw ne sw se`: a 2 x 2 square of states."""
    beyond = next((state for state in states if state > MOST_STATE), None)
    if beyond is not None:
        raise PatternError(source, f"a cell's state is 0 to {MOST_STATE}, not {beyond}", number, 1)
    rows = (states[:2], states[2:])
    live = [y for y, row in enumerate(rows) if any(row)]
    if not live:
        return (1, 0, None, bytes(4), 0)
    columns = [x for x in (0, 1) if rows[0][x] or rows[1][x]]
    box = (live[0], columns[0], live[-1] + 1, columns[-1] + 1)
    runs = sum(bool(west) + bool(east and east != west) for west, east in rows)
    return (1, sum(map(bool, states)), box, bytes(states), runs)


def _inner(line: str, nodes: list[tuple], source: str, number: int, multi_state: bool) -> tuple:
    match = _NODE.fullmatch(line)
    if not match:
        raise PatternError(source, f"expected a leaf or 'level nw ne sw se', not {line[:40]!r}", number, 1)
    level, *children = (int(group) for group in match.groups())
    if level == 1 and multi_state:
        return _state_leaf(children, source, number)
    if level == 1:
        raise PatternError(source, "a multi-state leaf (level 1) in a two-state file, whose leaves are 8 x 8 "
                                   "(its first node is)", number, 1)  # fmt: skip
    lowest, kind = (2, "multi-state") if multi_state else (4, "two-state")
    if not lowest <= level <= _MAX_LEVEL:
        raise PatternError(source, f"a node's level is {lowest} to {_MAX_LEVEL} in a {kind} file, not {level}",
                           number, 1)  # fmt: skip
    half = 1 << (level - 1)
    population, box, runs = 0, None, 0
    for child, (dy, dx) in zip(children, ((0, 0), (0, half), (half, 0), (half, half))):
        if child >= len(nodes):
            raise PatternError(source, f"node {child} is used before it is defined", number, 1)
        child_level, child_population, child_box, _, child_runs = nodes[child]
        runs += child_runs
        if child and child_level != level - 1:
            raise PatternError(source, f"node {child} is of level {child_level}, not {level - 1}", number, 1)
        population += child_population
        if child_box:
            top, left, bottom, right = child_box
            moved = (top + dy, left + dx, bottom + dy, right + dx)
            box = moved if box is None else (min(box[0], moved[0]), min(box[1], moved[1]),
                                             max(box[2], moved[2]), max(box[3], moved[3]))  # fmt: skip
    return (level, population, box, tuple(children), runs)


def _state_runs_of_tree(tree: Quadtree) -> tuple[np.ndarray, np.ndarray]:
    """A multi-state file's cells as runs (y, x, length) from the box's top-left corner, and each run's state.

    Top down, a level at a time: the live squares of a level, as node numbers and corners, become their live
    children; at level 1 each 2 x 2 square's rows become runs, a row of two cells in one state one run. Memory
    follows the runs (a leaf makes one to four), never the box."""
    nodes = tree.nodes
    children = np.zeros((len(nodes), 4), dtype=np.int64)
    states = np.zeros((len(nodes), 4), dtype=np.uint8)
    populations = np.zeros(len(nodes), dtype=bool)
    for index, (level, population, _, content, _) in enumerate(nodes[1:], start=1):
        populations[index] = population > 0
        if level == 1:
            states[index] = np.frombuffer(content, dtype=np.uint8)
        else:
            children[index] = content
    squares, ys, xs = np.array([len(nodes) - 1]), np.array([-tree.top]), np.array([-tree.left])
    for level in range(nodes[-1][0], 1, -1):
        half = 1 << (level - 1)
        squares = children[squares].reshape(-1)
        ys = (ys[:, None] + np.array([0, 0, half, half])).reshape(-1)
        xs = (xs[:, None] + np.array([0, half, 0, half])).reshape(-1)
        live = populations[squares]
        squares, ys, xs = squares[live], ys[live], xs[live]
    runs, run_states = [], []
    for row in (0, 1):
        west, east = states[squares, 2 * row], states[squares, 2 * row + 1]
        pair = (west != 0) & (west == east)
        for cells, dx, length in ((pair, 0, 2), ((west != 0) & ~pair, 0, 1), ((east != 0) & ~pair, 1, 1)):
            runs.append(np.stack([ys[cells] + row, xs[cells] + dx, np.full(int(cells.sum()), length)], axis=1))
            run_states.append((west if dx == 0 else east)[cells])
    return np.concatenate(runs).astype(np.int64), np.concatenate(run_states)


def _emit(nodes: list[tuple], index: int, y: int, x: int, runs: array) -> None:
    """Append the runs (y, x, length) of node `index` with its corner at (y, x)."""
    level, population, _, content, _ = nodes[index]
    if not population:
        return
    if level == 3:
        for row, bits in enumerate(content):
            start = 0
            while bits >> start:
                while not (bits >> start) & 1:
                    start += 1
                end = start
                while (bits >> end) & 1:
                    end += 1
                runs.extend((y + row, x + start, end - start))
                start = end
        return
    half = 1 << (level - 1)
    nw, ne, sw, se = content
    _emit(nodes, nw, y, x, runs)
    _emit(nodes, ne, y, x + half, runs)
    _emit(nodes, sw, y + half, x, runs)
    _emit(nodes, se, y + half, x + half, runs)


def _leaf_text(bits: int) -> str:
    """A leaf's line: its 8 rows (row r in bits 8r..8r+7, column c in bit c) of `.` and `*`, each ended by `$`,
    without trailing dead cells or trailing empty rows."""
    rows = ["".join(".*"[(byte >> x) & 1] for x in range(8)).rstrip(".") for byte in bits.to_bytes(8, "little")]
    while rows and not rows[-1]:
        rows.pop()
    return "".join(row + "$" for row in rows)


def _header(rule: str, generation: int, position: tuple[int, int] | None) -> list[str]:
    """The lines before the nodes: `#R`, `#G` unless 0, the place of the live cells' box when known."""
    refuse_unreadable(generation, position)
    lines = [f"{HEADER} (lifetui)", f"#R {rule}"]
    lines += [f"#G {generation}"] if generation else []
    lines += [f"{POSITION_TAG} Pos={position[0]},{position[1]}"] if position is not None else []
    return lines


def macrocell_of_nodes(
    words: np.ndarray, levels: np.ndarray, rule: Rule, generation: int = 0, position: tuple[int, int] | None = None
) -> str:
    """A macrocell file of nodes already numbered children first (hashlife's quadtree, `lifetui_hashlife_dump`):
    node i's level, and its leaf cells in words[i, 0] or its children's numbers in words[i]; `position` (x, y)
    the live cells' box's top-left cell on the plane."""
    lines = _header(str(rule), generation, position)
    for level, word in zip(levels.tolist(), words.tolist()):
        lines.append(_leaf_text(word[0]) if level == 3 else f"{level} {word[0]} {word[1]} {word[2]} {word[3]}")
    return "\n".join(lines) + "\n"


def macrocell_of_states(
    children: np.ndarray, levels: np.ndarray, rule: Rule, generation: int = 0, position: tuple[int, int] | None = None
) -> str:
    """A multi-state macrocell file of squares numbered children first (multi-state hashlife's quadtree,
    `lifetui_stateslife_dump`): square i's level, and its four states (level 1) or its children's numbers in
    children[i]; `position` (x, y) the live cells' box's top-left cell on the plane. Numbered again as
    write_macrocell numbers them, a level at a time in order of content, so that the same cells make the same
    text however they were held."""
    lines = _header(str(rule), generation, position)
    renumbered = np.zeros(len(levels) + 1, dtype=np.int64)  # by the dump's number; 0 stays 0 (dead)
    numbered = 0
    for level in np.unique(levels).tolist():
        which = np.flatnonzero(levels == level)
        content = children[which].astype(np.int64)
        if level == 1:
            order = np.argsort(content[:, 0] | content[:, 1] << 8 | content[:, 2] << 16 | content[:, 3] << 24)
        else:
            content = renumbered[content]
            order = np.lexsort(content.T[::-1])
        renumbered[which[order] + 1] = np.arange(numbered + 1, numbered + 1 + len(which))
        numbered += len(which)
        lines.extend(f"{level} {a} {b} {c} {d}" for a, b, c, d in content[order].tolist())
    return "\n".join(lines) + "\n"


def write_macrocell(
    cells: np.ndarray,
    rule: Rule,
    generation: int = 0,
    torus: bool = True,
    topology: str = "",
    position: tuple[int, int] | None = None,
) -> str:
    """The torus as a macrocell file: the smallest square of side 2^k >= 16 (>= 4 for a multi-state rule) that
    holds it, its top left at the root's, and the rule with the torus' size (`#R B3/S23:T256,256`), so that it
    reads back in place.

    Built bottom up in numpy: the leaves as numbers (a two-state rule's 8 x 8 leaves as 64 bits; a multi-state
    rule's, Golly's `1 nw ne sw se`, as their four state bytes), then each level's squares as rows of four
    child numbers, each distinct one numbered once. Without `torus`, the cells are a part of the
    unbounded plane (the rule has no suffix) or of the grid `topology` (its suffix, `:P30,20`), whose
    top-left cell is at `position` (x, y), which `#CXRLE Pos` keeps as in RLE (the cells must be the live
    cells' box: the reader finds the box from the nodes); with no cells at all (nothing lives there), no
    nodes: an empty universe."""
    height, width = cells.shape
    if not cells.any() and not torus:
        return "\n".join(_header(f"{rule}{topology}", generation, None)) + "\n"
    leaf_level = 1 if rule.multi_state else 3
    side = 1 << leaf_level
    level = leaf_level + 1  # the root is never a leaf
    while (1 << level) < max(height, width):
        level += 1
    # Whole leaves: the board padded to whole leaves; the squares beyond are padded level by level.
    square = np.zeros((-(-height // side) * side, -(-width // side) * side), dtype=np.uint8)
    square[:height, :width] = cells
    suffix = f":T{width},{height}" if torus else topology
    lines = _header(f"{rule}{suffix}", generation, None if torus else position)
    # Leaf (i, j) holds rows side*i.., columns side*j..: 8 x 8, its byte r is row r, cell x in bit x; 2 x 2, its
    # bytes the states of nw, ne, sw and se.
    rows, columns = square.shape[0] // side, square.shape[1] // side
    blocks = square.reshape(rows, side, columns, side).transpose(0, 2, 1, 3)
    if rule.multi_state:
        keys = np.ascontiguousarray(blocks).reshape(rows, columns, 4).view("<u4")[..., 0]
    else:
        keys = np.packbits(blocks, axis=-1, bitorder="little").reshape(rows, columns, 8).view("<u8")[..., 0]
    distinct, nodes = np.unique(keys, return_inverse=True)
    nodes = nodes.reshape(keys.shape)  # 0 is the empty leaf when there is one: node 0, the empty square
    if distinct[0] != 0:
        nodes = nodes + 1
    numbered = 0
    for key in distinct[distinct != 0].tolist():
        lines.append("1 {} {} {} {}".format(*key.to_bytes(4, "little")) if rule.multi_state else _leaf_text(key))
        numbered += 1
    for node_level in range(leaf_level + 1, level + 1):
        nodes = np.pad(nodes, ((0, nodes.shape[0] % 2), (0, nodes.shape[1] % 2)))  # empty squares past the board
        quads = np.stack([nodes[0::2, 0::2], nodes[0::2, 1::2], nodes[1::2, 0::2], nodes[1::2, 1::2]], axis=-1)
        flat = quads.reshape(-1, 4)
        alive = flat.any(axis=1)
        fresh, inverse = np.unique(flat[alive], axis=0, return_inverse=True)
        numbers = np.zeros(len(flat), dtype=np.int64)
        numbers[alive] = numbered + 1 + inverse.reshape(-1)
        lines.extend(f"{node_level} {a} {b} {c} {d}" for a, b, c, d in fresh.tolist())
        numbered += len(fresh)
        nodes = numbers.reshape(quads.shape[:2])
    return "\n".join(lines) + "\n"
