"""Every key of the app, once: the bindings, the help screen's rows and the command palette come from KEYS."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from textual.binding import Binding

from lifetui.engines import ENGINES

#: The engine keys' row of help stands here; its text comes from the registry.
ENGINE_ROW = "engines"


@dataclass(frozen=True)
class Key:
    """A row of the help screen (`label`, `help`) and the bindings it describes (the footer shows a binding's
    description; the palette its tooltip, else its description)."""

    label: str
    help: str
    bindings: tuple[Binding, ...] = ()


KEYS = (
    Key("space", "play / pause", (Binding("space", "toggle_play", "Play/Pause"),)),
    Key("n", "one generation", (Binding("n", "step", "Step"),)),
    # Keys 1 to 9 choose engines in registry order; those past the registry's end do nothing.
    Key(ENGINE_ROW, "", tuple(Binding(str(n), f"engine_key({n})", "Engine", show=n == 1) for n in range(1, 10))),
    Key("e", "next available engine", (Binding("e", "next_engine", "Next engine"),)),
    Key("+ / -", "faster / slower (1 gen/s up to flat out)", (
        Binding("plus,equals_sign", "speed(1)", "Faster", key_display="+"),
        Binding("minus", "speed(-1)", "Slower", key_display="-"),
    )),
    Key("] / [", "step exponent up / down: n and each frame move 2^k generations (HashLife's jumps)", (
        Binding("right_square_bracket", "step_exponent(1)", "Step x2", key_display="]", show=False),
        Binding("left_square_bracket", "step_exponent(-1)", "Step /2", key_display="[", show=False),
    )),
    Key("arrows", "pan (the torus wraps around); or drag with the right or middle button", (
        Binding("left", "pan(-1, 0)", "Pan", key_display="arrows", tooltip="Pan left"),
        Binding("right", "pan(1, 0)", "Pan", show=False, tooltip="Pan right"),
        Binding("up", "pan(0, -1)", "Pan", show=False, tooltip="Pan up"),
        Binding("down", "pan(0, 1)", "Pan", show=False, tooltip="Pan down"),
    )),
    Key("z / x", "zoom in / out: large cells, half blocks, braille, then braille dots of 2, 4, 8... cells (live if "
        "any cell is) out to the whole board; or the mouse wheel, at the pointer. Under a multi-state rule large "
        "cells and half blocks show each state in Golly's colours, braille any state but 0 as live", (
        Binding("z", "zoom(-1)", "Zoom in"),
        Binding("x", "zoom(1)", "Zoom out"),
    )),
    Key("f", "fit: zoom and pan to show every live cell", (Binding("f", "fit", "Fit"),)),
    Key("click", "draw (on a dead cell) or erase (on a live one); drag to go on"),
    Key("r", "back to generation 0", (Binding("r", "reset", "Reset"),)),
    Key("u / U", "undo / redo the last drawing or r (also ctrl+z / ctrl+y)", (
        Binding("u,ctrl+z", "undo", "Undo", show=False),
        Binding("U,ctrl+y", "redo", "Redo", show=False),
    )),
    Key("s", "save the board as RLE (a .mc name: macrocell; .png, .svg, .gif, .webp or .apng: a picture)",
        (Binding("s", "save", "Save"),)),
    Key("a", "record an animation of the view (each new board shown); a again stops and saves it as .gif, .webp "
        "or .apng", (Binding("a", "record", "Record", show=False),)),
    Key("o", "open a pattern file (or a bundled pattern) in place of this one", (Binding("o", "open", "Open"),)),
    Key("g", "go to a generation, flat out (space stops)", (Binding("g", "goto", "Go to generation", show=False),)),
    Key("i", "hide / show the sidebar", (Binding("i", "toggle_sidebar", "Sidebar", show=False),)),
    Key("v", "select mode on / off: the left button drags out a rectangle (Esc: select nothing)", (
        Binding("v", "toggle_select", "Select", show=False),
        Binding("escape", "unselect", "Unselect", show=False),
    )),
    Key("c", "copy the selection as RLE (to the terminal's clipboard too)",
        (Binding("c", "copy", "Copy", show=False),)),
    Key("p", "paste what c copied at the mouse (or the view's centre); a terminal paste of RLE text too",
        (Binding("p", "paste", "Paste", show=False),)),
    Key("P", "paste a pattern file at the mouse", (Binding("P", "paste_file", "Paste a file", show=False),)),
    Key("delete", "clear the selection", (Binding("delete,backspace", "clear", "Clear", show=False),)),
    Key("%", "fill the selection with a random soup (asks the density)",
        (Binding("percent_sign", "fill", "Random fill", key_display="%", show=False),)),
    Key("?", "this help", (Binding("question_mark", "help", "Help", key_display="?"),)),
    Key("q", "quit", (Binding("q", "quit", "Quit"),)),
    Key("ctrl+p", "command palette (engines too)"),
)  # fmt: skip

#: The footer lists bindings in order until it runs out of width: these come first, whatever the width.
ESSENTIAL = ("toggle_play", "help", "quit")


def bindings() -> list[Binding]:
    every = [binding for key in KEYS for binding in key.bindings]
    return sorted(every, key=lambda binding: binding.action not in ESSENTIAL)


def engine_keys() -> dict[str, str]:
    """Keys 1 to 9 for the registered engines, in registry order."""
    return {str(number): name for number, name in enumerate(ENGINES, start=1) if number <= 9}


def help_rows(keys: dict[str, str]) -> list[tuple[str, str]]:
    """The help screen's rows, the engine keys' from the registry."""
    engines = (" ".join(keys), "engine " + ", ".join(keys.values()))
    return [engines if key.label == ENGINE_ROW else (key.label, key.help) for key in KEYS]


def palette_entries() -> Iterator[tuple[str, str, str]]:
    """(title, the keys, action) for every action but the engine keys (the palette names engines itself), once
    each."""
    seen = set()
    for binding in bindings():
        if binding.action.startswith("engine_key") or binding.action in seen:
            continue
        seen.add(binding.action)
        yield binding.tooltip or binding.description, binding.key, binding.action
