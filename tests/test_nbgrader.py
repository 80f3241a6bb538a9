"""The nbgrader export (tools/nbgrader_export.py) and the real nbgrader.

For every notebook: the export is valid nbgrader 0.9 metadata (one solution cell and one
autograder test cell per exercise, points from the registry, everything else locked) and its
release, made by nbgrader's own ClearSolutions, keeps each stub's name and no solution code.
Notebooks not yet converted fail, with the reason. For notebook 00, the real
``nbgrader generate_assignment`` and ``nbgrader autograde`` in a temporary course: the
instructor's solutions get full marks, the blank release zero.
"""

from __future__ import annotations

import ast
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from test_editions import NOTEBOOKS, ROOT, _bound, _convention, _plain

from course_utils import exercises
from tools import nbgrader_export, student_edition


@pytest.fixture(params=NOTEBOOKS, ids=lambda p: p.stem)
def nb(request):
    notebook = nbformat.read(request.param, as_version=4)
    notebook.path = request.param
    return notebook


@pytest.mark.parametrize(
    ("stub", "solution", "cell_source"),
    [
        ("def f(x):\n    ...  # your code here", "def f(x):\n    y = x\n    return y\n\n\nassert c",
         "def f(x):\n    ### BEGIN SOLUTION\n    y = x\n    return y\n    ### END SOLUTION"),
        ('def f(x):\n    """Doc."""\n    ...', 'def f(x):\n    """Doc."""\n    return x\nassert c',
         'def f(x):\n    """Doc."""\n    ### BEGIN SOLUTION\n    return x\n    ### END SOLUTION'),
        ("answer = ...  # your answer", "answer = 2\nassert c",
         "answer = ...  # your answer\n### BEGIN SOLUTION\nanswer = 2\n### END SOLUTION"),
        ("def f(x):\n    ...", "import numpy as np\ndef f(x):\n    return x\nassert c",
         "def f(x):\n    ...\n### BEGIN SOLUTION\nimport numpy as np\ndef f(x):\n    return x\n"
         "### END SOLUTION"),
        ("def f(x):\n    ...\n\n\ndef g(x):\n    ...", "def f(x):\n    return x\ndef g(x):\n"
         "    return x\nassert c", "def f(x):\n    ...\n\n\ndef g(x):\n    ...\n"
         "### BEGIN SOLUTION\ndef f(x):\n    return x\ndef g(x):\n    return x\n### END SOLUTION"),
    ],
    ids=["function", "docstring", "value", "solution-with-import", "two-functions"],
)  # fmt: skip
def test_solution_cell_keeps_the_stub_outside_the_region(stub, solution, cell_source):
    assert nbgrader_export.solution_cell_source(stub, solution) == cell_source


def _release(source_nb):
    """What ``nbgrader generate_assignment`` makes of the solution regions (in-process)."""
    from nbgrader.preprocessors import ClearSolutions
    from traitlets.config import Config

    config = Config()
    config.ClearSolutions.code_stub = {"python": nbgrader_export.CODE_STUB}
    released, _ = ClearSolutions(config=config).preprocess(
        nbformat.from_dict(json.loads(json.dumps(source_nb))), {}
    )
    return released


def test_nbgrader_export_is_valid(nb):
    from nbgrader.nbgraderformat import MetadataValidator

    found = _convention(nb)
    source = nbgrader_export.export(nb, nb.path.stem)
    MetadataValidator().validate_nb(source)
    nbformat.validate(_plain(source))
    meta = [c.metadata["nbgrader"] for c in source.cells]
    assert all(m["schema_version"] == 3 for m in meta)
    solutions = [c for c in source.cells if c.metadata["nbgrader"]["solution"]]
    graded = [c for c in source.cells if c.metadata["nbgrader"]["grade"]]
    assert [c.metadata.nbgrader.grade_id for c in solutions] == [e.id for e in found]
    assert [(c.source, c.metadata.nbgrader.points) for c in graded] == [
        (f'assert cu.exercises.check("{e.id}", {e.name})', exercises.get(e.id).points)
        for e in found
    ]
    assert all(c.metadata.nbgrader.locked for c in graded)
    special = {id(c) for c in solutions + graded}
    others = [c for c in source.cells if id(c) not in special]
    assert all(c.metadata.nbgrader.locked and not c.metadata.nbgrader.grade for c in others)
    assert len(source.cells) == len(nb.cells) - len(found)
    for c in solutions:
        assert c.source.count(nbgrader_export.BEGIN) == c.source.count(nbgrader_export.END) == 1
    released = _release(_plain(source))
    for c, e in zip([c for c in released.cells if c.metadata.nbgrader.solution], found,
                    strict=True):  # fmt: skip
        assert e.name in _bound(ast.parse(c.source)), "the released stub keeps its name"
        assert "raise NotImplementedError()" in c.source
    leaked = student_edition.leaks(nb, released)
    assert not leaked, "solution code in the nbgrader release:\n" + "\n".join(leaked)


def test_nbgrader_config(monkeypatch):
    environ: dict[str, str] = {}
    monkeypatch.setattr(os, "environ", environ)
    from traitlets.config import Config

    config = Config()
    exec(nbgrader_export.config_text("standard"), {"get_config": lambda: config})
    assert environ == {"COURSE_PROFILE": "standard"}
    assert config.Execute.timeout == nbgrader_export.TIMEOUTS["standard"] > 30
    assert config.ClearSolutions.code_stub == {"python": nbgrader_export.CODE_STUB}
    with pytest.raises(ValueError, match="profile"):
        nbgrader_export.config_text("huge")


def _scores(course: Path, assignment: str) -> dict[str, tuple[float, float]]:
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        return {
            s.student.id: (s.score, s.max_score)
            for s in gradebook.find_assignment(assignment).submissions
        }


def test_nbgrader_generates_and_autogrades_notebook_00(tmp_path):
    """The real nbgrader: the release has no solution code; the instructor's solutions get
    full marks, the blank release zero. Everything it writes stays in tmp_path."""
    path = ROOT / "notebooks" / "00_getting_started.ipynb"
    name = path.stem
    instructor = nbformat.read(path, as_version=4)
    course = tmp_path / "course"
    assert nbgrader_export.main(["--out", str(course), str(path)]) == 0
    home = tmp_path / "home"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("JUPYTER", "COURSE_"))}
    env.update(
        PATH=f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}",  # alembic
        HOME=str(home), JUPYTER_CONFIG_DIR=str(home / "config"),
        JUPYTER_DATA_DIR=str(home / "data"), JUPYTER_RUNTIME_DIR=str(home / "runtime"),
        IPYTHONDIR=str(home / "ipython"), MPLCONFIGDIR=str(home / "mpl"),
        KERAS_HOME=str(home / "keras"), COURSE_OFFLINE="1",
    )  # fmt: skip
    nbgrader = [sys.executable, "-m", "nbgrader"]

    def run(*args: str) -> None:
        done = subprocess.run([*nbgrader, *args], cwd=course, env=env, capture_output=True,
                              text=True, timeout=600)  # fmt: skip
        assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]

    run("generate_assignment", name, "--force")
    release = nbformat.read(course / "release" / name / path.name, as_version=4)
    assert not student_edition.leaks(instructor, release)
    assert nbgrader_export.BEGIN not in json.dumps(release.cells)
    source = nbformat.read(course / "source" / name / path.name, as_version=4)
    solved = nbformat.from_dict(json.loads(json.dumps(release)))
    by_id = {c.metadata.nbgrader.grade_id: c.source for c in source.cells}
    for c in solved.cells:
        if c.metadata.nbgrader.solution:
            c.source = by_id[c.metadata.nbgrader.grade_id]
    for student, notebook in (("instructor", solved), ("blank", release)):
        folder = course / "submitted" / student / name
        folder.mkdir(parents=True)
        nbformat.write(notebook, folder / path.name)
    run("autograde", name, "--create")
    points = float(sum(e.points for e in exercises.catalogue(name)))
    assert _scores(course, name) == {"instructor": (points, points), "blank": (0.0, points)}
    graded = nbformat.read(course / "autograded" / "blank" / name / path.name, as_version=4)
    setup = "".join(o.get("text", "") for o in graded.cells[2].outputs)
    assert "profile fast" in setup, "nbgrader_config.py makes autograding use the fast profile"
    said = "".join(student_edition.output_text(c) for c in graded.cells)
    assert said.count("not attempted") == len(exercises.catalogue(name))
    shutil.rmtree(home, ignore_errors=True)
