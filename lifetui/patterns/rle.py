"""Run Length Encoded patterns: a reader for everything Golly and LifeWiki write, and the contract's writer.

Two-state cells are `b` (dead) and `o` (live). Golly's extended RLE, for rules of more states, writes state 0
as `.`, states 1 to 24 as `A` to `X`, and higher ones as a prefix `p` to `y` before such a letter: `pA` is
25, `qA` 49, ... `yO` 255 (each prefix adds 24). lifetui reads both in any file and writes the extended form
for a multi-state rule, the two-state one otherwise.
"""

from __future__ import annotations

import re
from array import array

import numpy as np

from lifetui.errors import PatternError, RuleError
from lifetui.patterns.pattern import (
    MAX_GENERATION,
    MAX_PATTERN_SIDE,
    Pattern,
    read_position,
    refuse_unreadable,
    split_lines,
    state_runs,
)
from lifetui.rules import Rule, RuleSpec, parse_rule

LINE_LIMIT = 70
_HEADER_START = re.compile(r"x\s*=")
#: Where each `key =` of the header starts; the text up to the next one is its value (a rule such as
#: B3/S23:T10,10 has commas of its own).
_HEADER_KEY = re.compile(r"(?:^|,)[ \t]*([A-Za-z]+)[ \t]*=")
DIGITS = "0123456789"
_CXRLE_ITEM = re.compile(r"(\w+)=(\S+)")
LARGEST = f"{MAX_PATTERN_SIDE:,}"
_MULTI_STATE_PREFIX = "pqrstuvwxy"
#: States a letter `A`..`X` spans, and so each prefix adds.
LETTER_STATES = 24
MOST_STATE = 255
#: What a two-state body as Golly writes one (lines joined, up to its '!') cannot hold: a character but
#: digits, b, o and $; a count starting with 0 or of more than ten digits. Others are read at once
#: (_RleReader.whole_body).
_NOT_PLAIN = re.compile(r"[^0-9bo$]|(?:^|[bo$])0|[0-9]{11}")


def read_rle(text: str, source: str = "<rle>") -> Pattern:
    """Parse RLE text; raise PatternError naming the line and column of the first problem."""
    return _RleReader(text, source).read()


class _RleReader:
    def __init__(self, text: str, source: str):
        self.text = text
        self.source = source
        self.runs = array("q")  # y, x, length of each run, flat: 24 bytes a run, not a tuple's hundred
        self.states = array("B")  # each run's state
        self.x = self.y = 0
        self.count = ""
        self.prefix = ""
        self.header: tuple[int, int] | None = None
        self.rule: RuleSpec | None = None
        self.hash_rule: RuleSpec | None = None
        self.pattern = Pattern(0, 0, np.zeros((0, 3), dtype=np.int64), source=source)

    def error(self, message: str, line: int, column: int | None = None) -> PatternError:
        return PatternError(self.source, message, line, column)

    def read(self) -> Pattern:
        ended = False
        in_script, script_line = False, 0
        body_started = False
        lines = split_lines(self.text)
        for number, line in enumerate(lines, start=1):
            stripped = line.strip()
            if in_script:
                in_script = "]]" not in stripped
                continue
            if not stripped:
                continue
            if stripped.startswith("#"):
                self.comment_line(stripped, number)
            elif stripped.startswith("[["):
                in_script, script_line = "]]" not in stripped, number
            elif not body_started and self.header is None and _HEADER_START.match(stripped):
                self.header_line(line, number)
            else:
                if not body_started and self.whole_body(lines[number - 1 :]):
                    ended = True
                    break
                body_started = True
                if self.body_line(line, number):
                    ended = True
                    break
        if in_script:
            raise self.error("a '[[' block is never closed with ']]': the rest of the file would be lost",
                             script_line, 1)  # fmt: skip
        if self.count or self.prefix:
            self.pattern.warnings.append(
                f"{self.source}: run count {self.count!r} at the end is not followed by a cell"
            )
        if not ended:
            self.pattern.warnings.append(f"{self.source}: no '!' at the end of the pattern")
        return self.finish()

    def comment_line(self, line: str, number: int) -> None:
        tag, _, rest = line.partition(" ")
        rest = rest.strip()
        pattern = self.pattern
        if tag == "#N" and not pattern.name:
            pattern.name = rest
        elif tag == "#O" and not pattern.author:
            pattern.author = rest
        elif tag == "#r":
            self.hash_rule = self.parse_rule(rest, number, line.find(rest) + 1 if rest else 3)
        elif tag == "#CXRLE":
            for item in _CXRLE_ITEM.finditer(rest):
                key, value = item[1], item[2]
                column = line.find(rest) + item.start(2) + 1
                if key == "Gen":
                    pattern.generation = self.cxrle_generation(value, number, column)
                elif key == "Pos":
                    pattern.position = read_position(value, self.source, number, column)
        elif tag in ("#P", "#R"):
            pass  # Top-left coordinates on an unbounded plane: meaningless once centred on a torus.
        elif tag in ("#C", "#c", "#D") or tag.startswith("#"):
            pattern.comments.append(line[2:].strip() if len(tag) == 2 else line[1:].strip())

    def cxrle_generation(self, value: str, number: int, column: int) -> int:
        if not value or any(c not in DIGITS for c in value):
            raise self.error(f"#CXRLE Gen must be a whole number, not {value[:40]!r}", number, column)
        if len(value.lstrip("0")) > len(str(MAX_GENERATION)) or int(value) > MAX_GENERATION:
            raise self.error(f"#CXRLE Gen={value[:20]} is past the last generation lifetui runs to "
                             f"({MAX_GENERATION:,})", number, column)  # fmt: skip
        return int(value)

    def header_line(self, line: str, number: int) -> None:
        values: dict[str, tuple[str, int]] = {}
        keys = list(_HEADER_KEY.finditer(line.rstrip()))
        if not keys or line[: keys[0].start()].strip():
            raise self.error("malformed header: expected 'x = width, y = height[, rule = rule]'", number, 1)
        for key, following in zip(keys, [*keys[1:], None]):
            end = following.start() if following else len(line.rstrip())
            raw = line[key.end() : end]
            values[key[1].lower()] = (raw.strip(), key.end() + len(raw) - len(raw.lstrip()) + 1)
        sizes = {key: self.header_size(values[key], key, number) for key in ("x", "y") if key in values}
        if len(sizes) < 2:
            raise self.error("header needs both x and y", number, 1)
        self.header = (sizes["x"], sizes["y"])
        if "rule" in values:
            text, column = values["rule"]
            self.rule = self.parse_rule(text, number, column)
        for key in values.keys() - {"x", "y", "rule"}:
            self.pattern.warnings.append(f"{self.source}:{number}: ignored unknown header field {key!r}")

    def header_size(self, item: tuple[str, int], key: str, number: int) -> int:
        text, column = item
        if not text or any(c not in DIGITS for c in text):
            raise self.error(f"header {key} must be a whole number, not {text[:40]!r}", number, column)
        if len(text.lstrip("0")) > len(str(MAX_PATTERN_SIDE)):
            raise self.error(f"header {key} = {text[:20]}... is larger than the largest pattern side ({LARGEST})",
                             number, column)  # fmt: skip
        value = int(text)
        if value > MAX_PATTERN_SIDE:
            raise self.error(
                f"header {key} = {value} is larger than the largest pattern side ({LARGEST})", number, column
            )
        return value

    def parse_rule(self, text: str, number: int, column: int) -> RuleSpec:
        try:
            return parse_rule(text)
        except RuleError as err:
            raise self.error(str(err), number, column) from None

    def body_line(self, line: str, number: int) -> bool:
        """Consume one line of cells; True when it holds the final '!'."""
        for index, char in enumerate(line):
            if char in DIGITS:
                if char == "0" and not self.count:
                    raise self.error("a run count does not start with 0 (Golly refuses it too)", number, index + 1)
                self.count += char
                if len(self.count) > 10:  # a box is at most 2^30 a side: check_extent says so past that
                    raise self.error(f"run count {self.count}... is too large", number, index + 1)
                continue
            if char in " \t\r":
                if self.count:
                    raise self.error(f"space after the run count {self.count}: a count stands right before its "
                                     f"cell (Golly refuses it too)", number, index + 1)  # fmt: skip
                continue
            if char == "!":
                return True
            if self.prefix:
                if not "A" <= char <= "X":
                    raise self.error(f"multi-state cell {self.prefix + char!r} is not valid RLE", number, index + 1)
                state = _letter_state(self.prefix, char)
                if state > MOST_STATE:
                    raise self.error(f"multi-state cell {self.prefix + char!r} is state {state}; states end at "
                                     f"{MOST_STATE} (yO)", number, index + 1)  # fmt: skip
                self.prefix = ""
                self.cells(state, number, index)
            elif char in "b.":
                self.cells(0, number, index)
            elif char == "o" or "A" <= char <= "X":
                self.cells(1 if char == "o" else _letter_state("", char), number, index)
            elif char in _MULTI_STATE_PREFIX:
                self.prefix = char
            elif char == "$":
                self.y += self.take_count(number, index)
                self.x = 0
                self.check_extent(number, index)
            else:
                raise self.error(f"unexpected character {char!r} in the pattern body", number, index + 1)
        return False

    def whole_body(self, lines: list[str]) -> bool:
        """Read a plain two-state body (_PLAIN_BODY, ended by '!') all at once, its runs placed by cumulative
        sums: a million cells of soup in milliseconds, not a Python step a character. False, having read
        nothing, for any other body: read line by line, which says where anything wrong is."""
        body = "".join(line.strip() for line in lines)
        end = body.find("!")
        content = body[:end]
        if end < 0 or _NOT_PLAIN.search(content) or content[-1:].isdigit():  # a count must stand before a cell
            return False
        text = np.frombuffer(content.encode(), dtype=np.uint8)
        digit = (text >= ord("0")) & (text <= ord("9"))
        tokens = np.flatnonzero(~digit)  # each token's cell (b, o) or row end ($), where it ends
        kinds = text[tokens]
        # A count's digits, each times the power of ten of its place before its token's cell, summed per token.
        places = np.flatnonzero(digit)
        token = np.searchsorted(tokens, places)
        values = (text[places] - ord("0")).astype(np.int64) * 10 ** (tokens[token] - 1 - places)
        counts = np.bincount(token, weights=values, minlength=len(tokens)).astype(np.int64)
        counts[counts == 0] = 1  # no count: one
        newline = kinds == ord("$")
        cells = np.where(newline, 0, counts)
        before = np.cumsum(cells) - cells  # cells of every row before each token
        y = np.cumsum(np.where(newline, counts, 0)) - np.where(newline, counts, 0)
        x = before - np.maximum.accumulate(np.where(newline, before, 0))  # from its row's start
        live = kinds == ord("o")
        widest = int((x + cells).max(initial=0))
        if widest > MAX_PATTERN_SIDE or int(y.max(initial=0)) + int(newline.any()) >= MAX_PATTERN_SIDE:
            return False  # line by line, to say where it goes past
        runs = np.stack([y[live], x[live], counts[live]], axis=1).astype(np.int64)
        self.runs = array("q", runs.tobytes())
        self.states = array("B", bytes([1]) * len(runs))
        return True

    def take_count(self, number: int, index: int) -> int:
        # Never 0: a count starting with 0 was refused as it was read.
        count = int(self.count) if self.count else 1
        self.count = ""
        return count

    def cells(self, state: int, number: int, index: int) -> None:
        count = self.take_count(number, index)
        if state:
            self.runs.extend((self.y, self.x, count))
            self.states.append(state)
        self.x += count
        self.check_extent(number, index)

    def check_extent(self, number: int, index: int) -> None:
        if self.x > MAX_PATTERN_SIDE or self.y >= MAX_PATTERN_SIDE:
            raise self.error(f"pattern reaches beyond the largest pattern side ({LARGEST} cells)", number, index + 1)

    def finish(self) -> Pattern:
        pattern = self.pattern
        runs = np.frombuffer(self.runs, dtype=np.int64).reshape(-1, 3).copy()
        pattern.rule = self.rule or self.hash_rule
        states = np.frombuffer(self.states, dtype=np.uint8)
        pattern.run_states = states.copy() if len(states) and int(states.max()) > 1 else None
        if self.header is None:
            if len(runs):
                runs[:, 0] -= runs[:, 0].min()
                runs[:, 1] -= runs[:, 1].min()
            width, height = _extent(runs)
        else:
            width, height = self.header
            used_width, used_height = _extent(runs)
            if used_width > width or used_height > height:
                pattern.warnings.append(
                    f"{self.source}: cells reach {used_width} x {used_height}, beyond the header's "
                    f"x = {width}, y = {height}; using the larger box"
                )
                width, height = max(width, used_width), max(height, used_height)
        pattern.width, pattern.height, pattern.runs = width, height, runs
        return pattern


def _letter_state(prefix: str, letter: str) -> int:
    """The state of an extended RLE cell: a letter `A`..`X` after an optional prefix `p`..`y`."""
    shift = _MULTI_STATE_PREFIX.index(prefix) + 1 if prefix else 0
    return shift * LETTER_STATES + ord(letter) - ord("A") + 1


def _state_text(state: int) -> str:
    prefix = _MULTI_STATE_PREFIX[(state - 1) // LETTER_STATES - 1] if state > LETTER_STATES else ""
    return prefix + chr(ord("A") + (state - 1) % LETTER_STATES)


def _extent(runs: np.ndarray) -> tuple[int, int]:
    if not len(runs):
        return 0, 0
    return int((runs[:, 1] + runs[:, 2]).max()), int(runs[:, 0].max()) + 1


def write_rle(
    cells: np.ndarray,
    rule: Rule,
    generation: int = 0,
    name: str = "",
    author: str = "",
    comments: tuple[str, ...] = (),
    position: tuple[int, int] | None = None,
    topology: str = "",
) -> str:
    """The whole torus as RLE: the contract's header, a #CXRLE line, lines of at most 70 characters. With a
    `position` (x, y), `cells` are a part of the unbounded plane (or of the grid `topology`, a suffix such as
    `:P30,20`) whose top-left cell is there, which `#CXRLE Pos` says. A multi-state rule's cells are written
    in extended RLE, each in its state."""
    height, width = cells.shape
    runs, states = state_runs(cells)
    return write_rle_runs(runs, width, height, rule, generation, name, author, comments, position, topology,
                          states)  # fmt: skip


def write_rle_runs(
    runs: np.ndarray,
    width: int,
    height: int,
    rule: Rule,
    generation: int = 0,
    name: str = "",
    author: str = "",
    comments: tuple[str, ...] = (),
    position: tuple[int, int] | None = None,
    topology: str = "",
    states: np.ndarray | None = None,
) -> str:
    """As write_rle, from runs (y, x, length) inside a `width` x `height` box, in any order, touching or not,
    each of its state in `states` (None: state 1): a wide sparse pattern is written without a board of its
    cells."""
    refuse_unreadable(generation, position)
    x, y = position or (0, 0)
    lines = [f"#CXRLE Pos={x},{y} Gen={generation}"]
    lines += [f"#N {_one_line(name)}"] if name else []
    lines += [f"#O {_one_line(author)}"] if author else []
    lines += [f"#C {_one_line(comment)}" for comment in comments]
    lines.append(f"x = {width}, y = {height}, rule = {rule}" + (topology if position else f":T{width},{height}"))
    if states is None:
        states = np.ones(len(runs), dtype=np.uint8)
    lines += _wrap(_body_tokens(*_merged(runs, states), rule.multi_state))
    return "\n".join(lines) + "\n"


def _merged(runs: np.ndarray, states: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Runs in reading order, each as long as it goes: two of one state that touch on a row become one."""
    if not len(runs):
        return runs, states
    order = np.lexsort((runs[:, 1], runs[:, 0]))
    runs, states = runs[order], states[order]
    starts = np.r_[True, (runs[1:, 0] != runs[:-1, 0]) | (runs[1:, 1] != runs[:-1, 1] + runs[:-1, 2])
                   | (states[1:] != states[:-1])]  # fmt: skip
    first = np.flatnonzero(starts)
    ends = np.r_[first[1:], len(runs)] - 1
    merged = runs[first].copy()
    merged[:, 2] = runs[ends, 1] + runs[ends, 2] - runs[first, 1]
    return merged, states[first]


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _body_tokens(runs: np.ndarray, states: np.ndarray, extended: bool) -> list[str]:
    tokens: list[str] = []
    row = column = 0
    for (y, x, length), state in zip(runs.tolist(), states.tolist()):
        if y > row:
            tokens.append(_run(y - row, "$"))
            row, column = y, 0
        if x > column:
            tokens.append(_run(x - column, "." if extended else "b"))
        tokens.append(_run(length, _state_text(state) if extended else "o"))
        column = x + length
    tokens.append("!")
    return tokens


def _run(count: int, tag: str) -> str:
    return f"{count}{tag}" if count > 1 else tag


def _wrap(tokens: list[str]) -> list[str]:
    lines: list[str] = []
    current = ""
    for token in tokens:
        if len(current) + len(token) > LINE_LIMIT:
            lines.append(current)
            current = ""
        current += token
    lines.append(current)
    return lines
