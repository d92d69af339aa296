"""The package's layout as the docs' Layout page (docs/layout.md) describes it, and the boundaries it promises."""

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "lifetui"


def modules() -> set[str]:
    return {str(path.relative_to(PACKAGE)) for path in PACKAGE.rglob("*") if path.suffix in (".py", ".c")}


def layout_section() -> str:
    page = (ROOT / "docs" / "layout.md").read_text()
    return page.split("# Layout\n", 1)[1].split("\n## ", 1)[0]


def test_the_layout_page_lists_every_module_and_no_other():
    rows = [line.split("|")[1] for line in layout_section().splitlines() if line.startswith("| `")]
    listed = {name for row in rows for name in re.findall(r"`([\w/]+\.(?:py|c))`", row)}
    assert listed == modules()


def test_every_package_is_installed():
    packages = set(tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"])
    found = {".".join(("lifetui", *path.parent.relative_to(PACKAGE).parts)) for path in PACKAGE.rglob("__init__.py")}
    assert found <= packages


def test_the_tui_builds_no_engine_and_no_universe():
    for path in (PACKAGE / "tui").glob("*.py"):
        text = path.read_text()
        assert not re.search(r"lifetui\.engines\.\w+|lifetui\.world\.universe", text), path.name
        assert "create_engine" not in text and "create_universe" not in text, path.name


def test_the_app_stays_thin():
    assert len((PACKAGE / "tui" / "app.py").read_text().splitlines()) <= 450
