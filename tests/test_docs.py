"""Every command and Python example the docs pages and README show, run as shown (docs/layout.md, "These pages").

The convention: a ```console block's lines that start with `$ ` are commands, run in order by bash in one
temporary folder that holds the bundled `patterns/` and `kernels/`; the lines after a command, up to the next
one, are its output, and each must appear in what it printed. An HTML comment on the line before the fence
says more, items separated by `;`:

- `skip: WHY`: not run (a GPU, the network, Golly's collection, minutes of time), and the test says WHY;
- `slow`: run only with `pytest -m slow`;
- `output varies`: the output shown is an example (timings): only the exit status is checked;
- `exit N`: the block's last command exits N, not 0 (the ones before it 0).

`lifetui PATTERN` (the TUI) opens headless and quits once it has drawn, so the arguments and the pattern are
checked as a user's terminal would take them. ```python blocks with `>>>` run as doctests, in the same kind
of folder.
"""

from __future__ import annotations

import doctest
import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from lifetui.tui.keys import engine_keys, help_rows

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
BLOCK = re.compile(
    r"^(?:<!-- docs-test: (?P<marks>.*?) -->\n)?```(?P<lang>console|python)\n(?P<body>.*?)^```$", re.M | re.S
)

# Started for `lifetui ...` in a docs command: the command line itself, but the TUI opens headless and quits
# once it has drawn (and, for a pattern on standard input, reads no keys from a terminal).
BOOT = """\
import sys

from lifetui import cli

headless = {"run", "engines", "train", "verify", "compile", "--bench", "-h", "--help", "--version"}
if sys.argv[1:] and not headless & set(sys.argv[1:]):
    from textual.app import App

    from lifetui.tui.app import LifeApp

    async def open_and_quit(pilot):
        await pilot.press("n")  # one generation, drawn: the engine runs and the board shows it
        for _ in range(200):
            if pilot.app.last_snapshot.generation >= 1:
                break
            await pilot.pause(0.05)
        else:
            print("lifetui (docs test): the TUI never showed generation 1", file=sys.stderr)
            pilot.app.exit(return_code=3)
            return
        await pilot.press("q")

    def run_headless(self):
        App.run(self, headless=True, size=(120, 40), auto_pilot=open_and_quit)
        if self.return_code:
            sys.exit(self.return_code)

    LifeApp.run = run_headless
    cli._keyboard_from_terminal = lambda: None
sys.argv[0] = "lifetui"
cli.main()
"""


@dataclass
class Block:
    page: str
    line: int
    lang: str
    body: str
    marks: dict[str, str]

    @property
    def id(self) -> str:
        return f"{self.page}:{self.line}"

    def commands(self) -> list[tuple[str, list[str]]]:
        """(command, the output lines shown after it) in order."""
        steps: list[tuple[str, list[str]]] = []
        for text in self.body.splitlines():
            if text.startswith("$ "):
                steps.append((text[2:], []))
            elif steps and text.strip():
                steps[-1][1].append(text.strip())
        return steps


def blocks(lang: str) -> list[Block]:
    found = []
    for page in [ROOT / "README.md", *sorted(DOCS.glob("*.md"))]:
        text = page.read_text()
        for match in BLOCK.finditer(text):
            if match["lang"] != lang:
                continue
            marks = {}
            for item in (match["marks"] or "").split(";"):
                key, _, value = item.strip().partition(" " if item.strip().startswith("exit ") else ":")
                if key.strip():
                    marks[key.strip()] = value.strip()
            line = text.count("\n", 0, match.start("body"))
            found.append(Block(page.name, line, lang, match["body"], marks))
    return found


def params(lang: str) -> list:
    return [
        pytest.param(block, id=block.id, marks=[pytest.mark.slow] if "slow" in block.marks else [])
        for block in blocks(lang)
    ]


@pytest.fixture
def folder(tmp_path):
    """A folder as a checkout's: the bundled patterns and kernels, and `lifetui` and `python` on the PATH."""
    for name in ("patterns", "kernels"):
        (tmp_path / name).symlink_to(ROOT / name)
    bin_folder = tmp_path / ".bin"
    bin_folder.mkdir()
    (bin_folder / "boot.py").write_text(BOOT)
    # Scripts, not links: a link to a virtual environment's python elsewhere would not find the environment.
    for name, start in (
        ("lifetui", f'"{sys.executable}" "{bin_folder / "boot.py"}"'),
        ("python", f'"{sys.executable}"'),
    ):
        script = bin_folder / name
        script.write_text(f'#!/bin/sh\nexec {start} "$@"\n')
        script.chmod(0o755)
    return tmp_path


def environment(folder: Path) -> dict[str, str]:
    """The commands run the lifetui installed in this Python (as a user's would), never the checkout's own
    folder: an install that is not editable keeps the bundled patterns and kernels only in the package."""
    return {**os.environ, "PATH": f"{folder / '.bin'}{os.pathsep}{os.environ['PATH']}", "COLUMNS": "200"}


@pytest.mark.parametrize("block", params("console"))
def test_every_command_in_the_docs_runs_as_shown(block, folder):
    if "skip" in block.marks:
        pytest.skip(f"{block.id}: {block.marks['skip']}")
    steps = block.commands()
    assert steps, f"{block.id}: a console block without a `$ ` command"
    for number, (command, shown) in enumerate(steps, start=1):
        status = int(block.marks.get("exit", 0)) if number == len(steps) else 0
        done = subprocess.run(
            ["bash", "-o", "pipefail", "-c", command],
            cwd=folder,
            env=environment(folder),
            capture_output=True,
            text=True,
            timeout=600,
            stdin=subprocess.DEVNULL,
        )
        printed = done.stdout + done.stderr
        assert done.returncode == status, f"{block.id}: `{command}` exited {done.returncode}:\n{printed[-3000:]}"
        if "output varies" not in block.marks:
            lines = {line.strip() for line in printed.splitlines()}
            missing = [line for line in shown if line not in lines]
            assert not missing, f"{block.id}: `{command}` did not print {missing}; it printed:\n{printed[-3000:]}"


@pytest.mark.parametrize("block", params("python"))
def test_every_python_example_in_the_docs_runs_as_shown(block, folder, monkeypatch):
    if "skip" in block.marks:
        pytest.skip(f"{block.id}: {block.marks['skip']}")
    monkeypatch.chdir(folder)
    test = doctest.DocTestParser().get_doctest(block.body, {}, block.id, str(DOCS / block.page), block.line)
    runner = doctest.DocTestRunner(optionflags=doctest.NORMALIZE_WHITESPACE | doctest.ELLIPSIS)
    runner.run(test)
    assert test.examples and runner.failures == 0, f"{block.id}: see the doctest report above"


def test_the_docs_show_commands_and_python():
    assert len(blocks("console")) >= 8 and len(blocks("python")) >= 1


def keys_table() -> list[tuple[str, str]]:
    text = (DOCS / "tui.md").read_text()
    table = text.split("<!-- keys-table: tests/test_docs.py checks it against lifetui/tui/keys.py -->\n", 1)[1]
    rows = []
    for line in table.splitlines()[2:]:
        if not line.startswith("| "):
            break
        key, what = (cell.strip() for cell in line.strip("|").split(" | ", 1))
        rows.append((key.strip("`"), what))
    return rows


def test_the_tui_page_keys_table_is_the_apps_help():
    expected = help_rows(engine_keys())
    table = "\n".join(f"| `{key}` | {what} |" for key, what in expected)
    assert keys_table() == expected, (
        f"docs/tui.md's keys table should read:\n| key | what it does |\n| --- | --- |\n{table}"
    )
