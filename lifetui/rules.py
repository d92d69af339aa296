"""Life-like rules: parsing B/S notation, canonical names, and the 512-row truth table of the 3x3 update."""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from lifetui.errors import RuleError

#: The nine inputs of a neighbourhood, in truth-table bit order: bit k of a neighbourhood index is input k.
NEIGHBOURHOOD = ("NW", "N", "NE", "W", "C", "E", "SW", "S", "SE")
CENTRE_BIT = NEIGHBOURHOOD.index("C")

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
}

_BS = re.compile(r"B(?P<b>\w*)/?S(?P<s>\w*)", re.IGNORECASE)
_SB = re.compile(r"S(?P<s>\w*)/?B(?P<b>\w*)", re.IGNORECASE)
_CONWAY = re.compile(r"(?P<s>\w*)/(?P<b>\w*)")
_TORUS = re.compile(r"T(?P<w>[0-9]+)(?:,(?P<h>[0-9]+))?", re.IGNORECASE)


@dataclass(frozen=True)
class Rule:
    """An outer-totalistic two-state rule on the Moore neighbourhood."""

    birth: frozenset[int]
    survival: frozenset[int]

    def __str__(self) -> str:
        return "B" + "".join(map(str, sorted(self.birth))) + "/S" + "".join(map(str, sorted(self.survival)))

    @property
    def slug(self) -> str:
        """The rule as a folder name: `b3s23` for B3/S23."""
        return str(self).replace("/", "").lower()

    def lookup(self) -> np.ndarray:
        """`table[alive, neighbours]`: the next state of a cell, as uint8 of shape (2, 9)."""
        table = np.zeros((2, 9), dtype=np.uint8)
        table[0, sorted(self.birth)] = 1
        table[1, sorted(self.survival)] = 1
        return table

    def truth_table(self) -> np.ndarray:
        """The next state for each of the 512 neighbourhoods; bit k of the index is input NEIGHBOURHOOD[k]."""
        index = np.arange(512)
        bits = (index[:, None] >> np.arange(9)) & 1
        alive = bits[:, CENTRE_BIT]
        neighbours = bits.sum(axis=1) - alive
        return self.lookup()[alive, neighbours]


CONWAY = Rule(frozenset({3}), frozenset({2, 3}))


@dataclass(frozen=True)
class RuleSpec:
    """A rule as written in a file or option: the rule and, from Golly's `:Tw,h` suffix, a torus size."""

    rule: Rule
    torus: tuple[int, int] | None = None


def parse_rule(text: str) -> RuleSpec:
    """Parse B/S, S/B or Conway `S/B` notation, a rule name, and an optional `:Tw,h` torus suffix."""
    original = text
    text = text.strip()
    if not text:
        raise RuleError("empty rule")
    body, _, topology = text.partition(":")
    torus = _parse_topology(topology, original) if topology else None
    return RuleSpec(_parse_body(body.strip(), original), torus)


def _parse_body(body: str, original: str) -> Rule:
    named = NAMED_RULES.get(re.sub(r"[\s&_-]", "", body).lower())
    if named:
        body = named
    if body.lower().startswith("lifehistory") or body.lower().startswith("r") and "," in body:
        raise RuleError(f"unsupported rule {original!r}: only two-state Life-like (B/S) rules are supported")
    if re.search(r"/[^/]*/", body) or re.search(r"/\s*C\d", body, re.IGNORECASE):
        raise RuleError(f"unsupported rule {original!r}: Generations rules (with a state count) are not supported")
    for pattern in (_BS, _SB, _CONWAY):
        match = pattern.fullmatch(body)
        if match:
            birth = _digits(match["b"], original)
            survival = _digits(match["s"], original)
            return Rule(birth, survival)
    raise RuleError(f"unsupported rule {original!r}: expected B/S notation such as B3/S23")


def _digits(text: str, original: str) -> frozenset[int]:
    if text and text[-1].upper() in "HV":
        raise RuleError(
            f"unsupported rule {original!r}: only the Moore neighbourhood is supported, not hexagonal or von Neumann"
        )
    if re.search(r"[a-zA-Z]", text):
        raise RuleError(f"unsupported rule {original!r}: non-totalistic rules are not supported")
    bad = [c for c in text if c not in "012345678"]
    if bad:
        raise RuleError(f"unsupported rule {original!r}: neighbour counts are 0 to 8, not {bad[0]!r}")
    return frozenset(int(c) for c in text)


def _parse_topology(topology: str, original: str) -> tuple[int, int]:
    match = _TORUS.fullmatch(topology.strip())
    if not match:
        raise RuleError(f"unsupported topology in rule {original!r}: lifetui runs on a torus, written :Twidth,height")
    if any(side and len(side.lstrip("0")) > 9 for side in (match["w"], match["h"])):
        raise RuleError(f"unsupported topology in rule {original[:60]!r}: a torus side that large cannot be run")
    width = int(match["w"])
    height = int(match["h"]) if match["h"] is not None else width
    if width == 0 or height == 0:
        raise RuleError(f"unsupported topology in rule {original!r}: the torus must be finite in both directions")
    return width, height
