"""scripts/mutation.py's own logic, without mutmut: the cache key that makes a changed test re-run its mutants,
the deterministic sample and the per-module scores."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "mutation.py"


@pytest.fixture(scope="module")
def mutation():
    spec = importlib.util.spec_from_file_location("mutation_script", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is made
    spec.loader.exec_module(module)
    yield module
    del sys.modules[spec.name]


CONFIG = {"source_paths": ["pkg/"], "also_copy": ["data/", "README.md"]}


@pytest.fixture
def project(tmp_path):
    """A project as mutmut sees it: the package, its tests, copied extras, pyproject, and caches to ignore."""
    files = {
        "pkg/__init__.py": "",
        "pkg/rules.py": "def parse(text):\n    return text.upper()\n",
        "pkg/__pycache__/rules.cpython-311.pyc": "compiled",
        "pkg/engine.so": "built",
        "tests/test_rules.py": "def test_parse():\n    assert parse('b3') == 'B3'\n",
        "tests/.hypothesis/examples/1": "example",
        "data/glider.rle": "bo$2bo$3o!",
        "README.md": "# pkg\n",
        "pyproject.toml": "[tool.mutmut]\n",
        "unrelated.txt": "not copied by mutmut",
    }
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    return tmp_path


def key(mutation, root, versions="mutmut 3.8.1, Python 3.11"):
    return mutation.cache_key(root, mutation.key_inputs(root, CONFIG), versions)


def test_the_key_covers_what_mutmut_copies_and_no_cache_or_build_output(mutation, project):
    assert [str(path) for path in mutation.key_inputs(project, CONFIG)] == [
        "README.md",
        "data/glider.rle",
        "pkg/__init__.py",
        "pkg/rules.py",
        "pyproject.toml",
        "tests/test_rules.py",
    ]


@pytest.mark.parametrize(
    "changed",
    ["tests/test_rules.py", "pkg/rules.py", "pyproject.toml", "data/glider.rle", "README.md"],
)
def test_a_changed_test_source_config_or_copied_file_changes_the_key(mutation, project, changed):
    before = key(mutation, project)
    (project / changed).write_text((project / changed).read_text() + "\n# weakened\n")
    assert key(mutation, project) != before


def test_a_new_test_file_changes_the_key(mutation, project):
    before = key(mutation, project)
    (project / "tests" / "test_more.py").write_text("def test_nothing():\n    pass\n")
    assert key(mutation, project) != before


def test_caches_build_outputs_and_uncopied_files_leave_the_key_alone(mutation, project):
    before = key(mutation, project)
    (project / "pkg" / "__pycache__" / "rules.cpython-311.pyc").write_text("recompiled")
    (project / "pkg" / "engine.so").write_text("rebuilt")
    (project / "unrelated.txt").write_text("edited")
    assert key(mutation, project) == before


def test_another_mutmut_or_python_changes_the_key(mutation, project):
    assert key(mutation, project, "mutmut 3.8.1, Python 3.11") != key(mutation, project, "mutmut 3.9.0, Python 3.11")


def test_a_file_moved_between_folders_changes_the_key(mutation, project):
    before = key(mutation, project)
    (project / "tests" / "test_rules.py").rename(project / "pkg" / "test_rules.py")
    assert key(mutation, project) != before


def cached_verdict(mutants: Path) -> Path:
    verdict = mutants / "pkg" / "rules.py.meta"
    verdict.parent.mkdir(parents=True, exist_ok=True)
    verdict.write_text('{"exit_code_by_key": {"pkg.rules.x_parse__mutmut_1": 0}}')
    return verdict


def test_a_cache_made_under_the_same_key_is_kept(mutation, project):
    mutants = project / "mutants"
    assert mutation.prepare_cache(mutants, key(mutation, project), fresh=False) is True
    verdict = cached_verdict(mutants)
    assert mutation.prepare_cache(mutants, key(mutation, project), fresh=False) is False
    assert verdict.exists()


def test_a_weakened_test_wipes_the_cached_verdicts(mutation, project):
    mutants = project / "mutants"
    mutation.prepare_cache(mutants, key(mutation, project), fresh=False)
    verdict = cached_verdict(mutants)
    (project / "tests" / "test_rules.py").write_text("def test_nothing():\n    pass\n")
    assert mutation.prepare_cache(mutants, key(mutation, project), fresh=False) is True
    assert not verdict.exists()
    assert (mutants / mutation.KEY_FILE).read_text().strip() == key(mutation, project)


def test_a_cache_without_a_key_is_wiped(mutation, project):
    """One made by plain `mutmut run`, or by this script before it kept a key."""
    mutants = project / "mutants"
    verdict = cached_verdict(mutants)
    assert mutation.prepare_cache(mutants, key(mutation, project), fresh=False) is True
    assert not verdict.exists()


def test_fresh_wipes_even_a_matching_cache(mutation, project):
    mutants = project / "mutants"
    mutation.prepare_cache(mutants, key(mutation, project), fresh=False)
    verdict = cached_verdict(mutants)
    assert mutation.prepare_cache(mutants, key(mutation, project), fresh=True) is True
    assert not verdict.exists()


NAMES = [
    *(f"lifetui.rules.x_parse__mutmut_{n}" for n in range(1, 41)),
    *(f"lifetui.world.board.xǁBoardǁstep__mutmut_{n}" for n in range(1, 6)),
    *(f"lifetui.patterns.x_load_pattern__mutmut_{n}" for n in range(1, 31)),
]


def test_a_mutant_names_its_module_for_functions_methods_and_packages(mutation, tmp_path):
    assert mutation.module_of("lifetui.rules.x_parse__mutmut_3") == "lifetui.rules"
    assert mutation.module_of("lifetui.world.board.xǁBoardǁstep__mutmut_1") == "lifetui.world.board"
    (tmp_path / "lifetui" / "patterns").mkdir(parents=True)
    assert mutation.module_path("lifetui.patterns", tmp_path) == "lifetui/patterns/__init__.py"
    assert mutation.module_path("lifetui.rules", tmp_path) == "lifetui/rules.py"
    with pytest.raises(ValueError, match="not a mutmut mutant name"):
        mutation.module_of("lifetui.rules.parse")


def test_the_sample_takes_up_to_n_of_each_module_the_same_way_each_time(mutation):
    sample = mutation.pick_sample(NAMES, 10, seed=1)
    modules = [mutation.module_of(name) for name in sample]
    assert {module: modules.count(module) for module in modules} == {
        "lifetui.patterns": 10,
        "lifetui.rules": 10,
        "lifetui.world.board": 5,
    }
    assert set(sample) <= set(NAMES)
    assert mutation.pick_sample(reversed(NAMES), 10, seed=1) == sample
    assert mutation.pick_sample(NAMES, 10, seed=2) != sample


def test_a_module_s_sample_does_not_move_when_another_module_changes(mutation):
    sample = mutation.pick_sample(NAMES, 10, seed=1)
    grown = mutation.pick_sample([*NAMES, *(f"lifetui.rules.x_more__mutmut_{n}" for n in range(50))], 10, seed=1)
    assert [name for name in grown if "patterns" in name] == [name for name in sample if "patterns" in name]


def test_scores_per_module_count_hangs_as_caught_and_untested_as_missed(mutation, tmp_path):
    (tmp_path / "lifetui" / "patterns").mkdir(parents=True)
    statuses = {
        "lifetui.rules.x_parse__mutmut_1": "killed",
        "lifetui.rules.x_parse__mutmut_2": "timeout",
        "lifetui.rules.x_parse__mutmut_3": "survived",
        "lifetui.rules.x_parse__mutmut_4": "no tests",
        "lifetui.patterns.x_load_pattern__mutmut_1": "killed",
        "lifetui.patterns.x_load_pattern__mutmut_2": "not checked",
        "lifetui.patterns.x_load_pattern__mutmut_3": "suspicious",
    }
    tallies = mutation.tally(statuses, tmp_path)
    assert tallies == {
        "lifetui/patterns/__init__.py": mutation.Tally(killed=1),
        "lifetui/rules.py": mutation.Tally(killed=2, survived=1, no_tests=1),
    }
    assert tallies["lifetui/rules.py"].score == 0.5
    assert mutation.table(tallies).splitlines()[2:] == [
        "| lifetui/patterns/__init__.py | 1 | 0 | 0 | 100.0% |",
        "| lifetui/rules.py | 2 | 1 | 1 | 50.0% |",
        "| **all** | 3 | 1 | 1 | 60.0% |",
    ]


def test_a_floor_applies_only_to_the_same_sample_of_the_same_modules(mutation, monkeypatch):
    monkeypatch.setattr(mutation.metadata, "version", lambda name: "3.8.1")
    tallies = {"lifetui/rules.py": mutation.Tally(killed=18, survived=1, no_tests=1)}
    floor = mutation.floor_of(20, 1, tallies)
    assert floor["score"] == 0.9
    assert floor["modules"] == {"lifetui/rules.py": {"killed": 18, "survived": 1, "no_tests": 1}}
    assert mutation.comparable(floor, mutation.floor_of(20, 1, {"lifetui/rules.py": mutation.Tally(killed=3)}))
    assert not mutation.comparable(floor, mutation.floor_of(20, 2, tallies))
    assert not mutation.comparable(floor, mutation.floor_of(30, 1, tallies))
    assert not mutation.comparable(floor, mutation.floor_of(None, None, tallies))
    assert not mutation.comparable(
        floor, mutation.floor_of(20, 1, {**tallies, "lifetui/world/board.py": tallies["lifetui/rules.py"]})
    )
    monkeypatch.setattr(mutation.metadata, "version", lambda name: "3.9.0")
    assert not mutation.comparable(floor, mutation.floor_of(20, 1, tallies))
