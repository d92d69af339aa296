"""Modal screens: the help listing every key, the save and open dialogs, and "go to generation"."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import platformdirs
from rich.table import Table
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.suggester import Suggester
from textual.widgets import Input, Label, Static

from lifetui.errors import LifeError, PatternError
from lifetui.patterns import Pattern, load_pattern
from lifetui.patterns.pattern import MAX_GENERATION  # the furthest a "go to" may reach
from lifetui.world.board import Board, open_board


class HelpScreen(ModalScreen[None]):
    """Every key, in a box that scrolls (arrows, page keys, the mouse wheel) on a terminal too small for it."""

    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > VerticalScroll {
        width: 80; max-width: 100%; height: auto; max-height: 100%;
        border: thick $primary; padding: 1 2; background: $surface;
    }
    """
    BINDINGS = [Binding("escape,q,question_mark", "dismiss", "Close")]

    def __init__(self, keys: list[tuple[str, str]]) -> None:
        super().__init__()
        self.keys = keys

    def compose(self) -> ComposeResult:
        table = Table.grid(padding=(0, 2))
        table.add_column(style="bold cyan", no_wrap=True)
        table.add_column()
        for key, action in self.keys:
            table.add_row(key, action)
        with VerticalScroll():
            yield Label("[b]lifetui keys[/b] (arrows and page keys scroll; Esc closes)")
            yield Static(table)
            yield Static("\nLarge cells (z) are the easiest to draw on.")

    def on_mount(self) -> None:
        self.query_one(VerticalScroll).focus()  # so that the arrow and page keys scroll it


class QuestionScreen(ModalScreen):
    """A one-line question: a prompt, an answer typed in, and a warning line; Esc cancels (None).
    Subclasses say what an answer means: `answer(text)` returns the result, or a warning to show instead."""

    DEFAULT_CSS = """
    QuestionScreen { align: center middle; }
    QuestionScreen > Vertical {
        width: 100; max-width: 100%; height: auto; border: thick $primary; padding: 1 2; background: $surface;
    }
    QuestionScreen Label { width: 100%; }
    """
    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, prompt: str, initial: str = "") -> None:
        super().__init__()
        self.prompt, self.initial = prompt, initial

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(self.prompt)
            yield Input(self.initial, suggester=self.suggester())
            yield Label("", id="warning", markup=False)  # errors quote paths and files: shown as written

    def suggester(self) -> Suggester | None:
        """What completes the answer as it is typed (right arrow or End takes it), if anything."""
        return None

    def answer(self, text: str) -> object:
        raise NotImplementedError

    def on_input_submitted(self, event: Input.Submitted) -> None:
        answer = self.answer(event.value)
        if isinstance(answer, str):
            self.query_one("#warning", Label).update(answer)
            return
        self.dismiss(answer)

    def action_cancel(self) -> None:
        self.dismiss(None)


def save_folder() -> Path:
    """Where `s` and `a` offer to save: lifetui's folder among the user's documents (not wherever lifetui
    started)."""
    return Path(platformdirs.user_documents_dir()) / "lifetui"


def suggested_name(pattern_name: str, tail: str) -> str:
    """The name a save dialog offers: in save_folder(), the pattern's name (else "board"), a dash and `tail`."""
    stem = Path(pattern_name).stem if pattern_name and pattern_name != "-" else "board"
    return str(save_folder() / f"{stem}-{tail}")


SAVE_BOARD = ("Save the board as RLE (macrocell for a .mc name; a picture of the live cells for .png, .svg, .gif, "
              ".webp or .apng) to:")  # fmt: skip
SAVE_RECORDING = "Save the recording as an animation (.gif, .webp or .apng) to:"


class SaveScreen(QuestionScreen):
    """Ask for a file name; an existing file is only replaced after a second Enter on the same name."""

    def __init__(self, suggestion: str, prompt: str = SAVE_BOARD, suffixes: tuple[str, ...] = ()) -> None:
        """`suffixes`: the only names it takes (none: any), else it says which."""
        super().__init__(prompt, suggestion)
        self._confirmed: Path | None = None
        self.suffixes = suffixes

    def answer(self, text: str) -> Path | str:
        path = Path(text).expanduser()
        if self.suffixes and path.suffix.lower() not in self.suffixes:
            return f"a name ending {', '.join(self.suffixes[:-1])} or {self.suffixes[-1]}, please"
        try:
            exists = path.exists()
        except OSError as err:  # a name too long for the system, say
            return f"cannot save there: {err.strerror or err}"
        if exists and path != self._confirmed:
            self._confirmed = path
            return f"{path} exists: press Enter again to replace it, Esc to cancel"
        return path


#: Names the open dialog offers first when completing: pattern files, then folders, then the rest (hidden last).
PATTERN_SUFFIXES = (".rle", ".cells", ".lif", ".life", ".mc", ".gz")


class PathSuggester(Suggester):
    """Completes a path typed so far with the first pattern file or folder whose name starts with it."""

    def __init__(self) -> None:
        super().__init__(use_cache=False, case_sensitive=True)

    async def get_suggestion(self, value: str) -> str | None:
        typed = Path(value).expanduser()
        folder, prefix = (typed, "") if value.endswith("/") else (typed.parent, typed.name)
        try:
            entries = [entry for entry in folder.iterdir() if entry.name.startswith(prefix) and entry.name != prefix]
        except OSError:
            return None

        def rank(entry: Path) -> tuple[int, str]:
            kind = 1 if entry.is_dir() else 0 if entry.name.endswith(PATTERN_SUFFIXES) else 2
            return kind + (3 if entry.name.startswith(".") and not prefix.startswith(".") else 0), entry.name

        if not entries:
            return None
        best = min(entries, key=rank)
        return value + best.name[len(prefix) :] + ("/" if best.is_dir() else "")


def pattern_spec(text: str) -> str:
    """What the open and paste dialogs read for `text`: a path (`~` expanded) or a bundled pattern's name. A
    path to something other than a file or a folder (a named pipe, a device) is refused: reading it could keep
    the app waiting for ever, where `lifetui PATH` or `lifetui -` on the command line read it fine."""
    spec = str(Path(text.strip()).expanduser()) if text.strip() != "-" else "./-"
    try:
        mode = os.stat(spec).st_mode
    except OSError:
        return spec  # no such file (a bundled pattern's name?), or one load_pattern says it cannot read
    if not (stat.S_ISREG(mode) or stat.S_ISDIR(mode)):
        raise PatternError(spec, "not a regular file (a pipe or a device); open it as `lifetui FILE` instead")
    return spec


class OpenScreen(QuestionScreen):
    """Ask for a pattern to open: a path (completed as it is typed) or a bundled pattern's name. The answer
    is the pattern's board and the pattern, or the one-line error the command line would give."""

    def __init__(self, initial: str = "") -> None:
        super().__init__("Open a pattern: a file, or a bundled one by name (right arrow completes):", initial)

    def suggester(self) -> Suggester:
        return PathSuggester()

    def answer(self, text: str) -> tuple[Board, Pattern] | str:
        if not text.strip():
            return "type a file's path or a bundled pattern's name"
        try:
            board = open_board(pattern_spec(text))
            return board, board.pattern
        except LifeError as err:
            return str(err)
        except OSError as err:  # a name too long for the system, say
            return f"cannot read it: {err.strerror or err}"


class PasteFileScreen(OpenScreen):
    """Ask for a pattern file to paste onto the board: the answer is the pattern, or why it cannot be read."""

    def __init__(self) -> None:
        QuestionScreen.__init__(self, "Paste a pattern at the mouse: a file, or a bundled one by name:")

    def answer(self, text: str) -> Pattern | str:
        if not text.strip():
            return "type a file's path or a bundled pattern's name"
        try:
            return load_pattern(pattern_spec(text))
        except LifeError as err:
            return str(err)
        except OSError as err:
            return f"cannot read it: {err.strerror or err}"


class DensityScreen(QuestionScreen):
    """Ask how dense a random soup to fill with: a fraction or a percentage, from 0 to 100 %."""

    def __init__(self) -> None:
        super().__init__("Fill the selection with a random soup of density (0.3, 30 %, ...):", "50%")

    def answer(self, text: str) -> float | str:
        words = text.strip()
        try:
            value = float(words.removesuffix("%")) / (100 if words.endswith("%") else 1)
        except ValueError:
            return f"{words[:20]!r} is not a density: try 0.3 or 30%"
        if not 0 <= value <= 1:
            return "a density from 0 to 1 (0 % to 100 %)"
        return value


def parse_generation(text: str, now: int) -> int | str:
    """The generation `text` names (`5206`, `1,000,000`, `1e9`, `2^30`, or `+N` from `now`), or why it does not."""
    words = text.strip().replace(",", "").replace("_", "")
    relative = words.startswith("+")
    words = words.removeprefix("+")
    try:
        if "^" in words:
            base, _, exponent = words.partition("^")
            value = int(base) ** int(exponent) if len(exponent) <= 3 else -1
        elif "e" in words.lower():
            mantissa, _, exponent = words.lower().partition("e")
            value = int(mantissa) * 10 ** int(exponent) if len(exponent) <= 3 else -1
        else:
            value = int(words)
    except ValueError:
        return f"{text.strip()[:20]!r} is not a generation: try 5206, 1e9, 2^30 or +100"
    target = now + value if relative else value
    if value < 0 or target > MAX_GENERATION:
        return f"a generation from 0 to {MAX_GENERATION:,}"
    if target < now:
        return f"generation {target:,} is behind generation {now:,}: r goes back to the start"
    return target


class GotoScreen(QuestionScreen):
    """Ask for a generation to run to; the answer is a generation at or after the current one."""

    def __init__(self, now: int) -> None:
        super().__init__(f"Go to generation (now {now:,}; 1e9, 2^30 and +N work too):")
        self.now = now

    def answer(self, text: str) -> int | str:
        return parse_generation(text, self.now)
