"""Export the course as an nbgrader *source* course: one assignment per notebook.

Usage::

    python -m tools.nbgrader_export [--out build/nbgrader] [--profile fast] [NB ...]

writes ``OUT/source/<NN_topic>/<NN_topic>.ipynb`` for every notebook in the exercise
convention (the others are listed with the reason) and ``OUT/nbgrader_config.py``. Then, in
``OUT``: ``nbgrader generate_assignment 00_getting_started`` writes the release students get
(``release/``), and ``nbgrader autograde 00_getting_started`` grades the submissions in
``submitted/<student>/00_getting_started/``.

Each exercise's stub and solution (see ``tools/student_edition.py``) become one nbgrader
**solution cell**: the stub's ``def`` line, then the solution's body between
``### BEGIN SOLUTION`` and ``### END SOLUTION`` (a solution that does not start with the
stub's ``def`` line keeps the whole stub above the region instead). The release replaces the
region with the code stub, ``# your code here`` + ``raise NotImplementedError()``, which the
course's check reports as "not attempted". The check cell becomes an **autograder test cell**,
``assert cu.exercises.check("<id>", <name>)``, worth the registry entry's ``points``. Every
other cell is **read-only** (locked). Outputs are cleared in the release (nbgrader's default):
students run the notebook.
"""

from __future__ import annotations

import argparse
import ast
import copy
import json
import sys
from pathlib import Path

import nbformat

from tools.student_edition import NOTEBOOKS, ROOT, ConventionError, _parse, exercise_cells

SCHEMA_VERSION = 3  # nbgrader 0.9's cell metadata schema
BEGIN, END = "### BEGIN SOLUTION", "### END SOLUTION"
CODE_STUB = "# your code here\nraise NotImplementedError()"
#: Per-cell time limit when autograding, by profile. In `fast` a whole notebook runs in about
#: a minute on 2 CPU cores; `standard` trains for minutes in one cell; `full` expects a GPU.
TIMEOUTS = {"fast": 300, "standard": 1800, "full": 3600}


def _meta(
    grade_id: str,
    *,
    grade: bool = False,
    solution: bool = False,
    locked: bool = False,
    points: int | None = None,
) -> dict:
    meta = {
        "grade": grade,
        "grade_id": grade_id,
        "locked": locked,
        "schema_version": SCHEMA_VERSION,
        "solution": solution,
    }
    if grade:
        meta["points"] = points
    return meta


def _kept_prefix(stub: str) -> tuple[list[str], str] | None:
    """For a stub that is one function: its header lines (``def`` … ``:``, and a docstring)
    and the indentation of its body. None for any other stub."""
    tree = _parse(stub)
    if len(tree.body) != 1 or not isinstance(tree.body[0], ast.FunctionDef):
        return None
    func = tree.body[0]
    lines = stub.splitlines()
    body = func.body
    keep = body[0].lineno - 1
    first = body[0]
    if (
        isinstance(first, ast.Expr)
        and isinstance(first.value, ast.Constant)
        and isinstance(first.value.value, str)
    ):
        keep = first.end_lineno
        if len(body) == 1:
            return None
    indent = lines[body[0].lineno - 1][: body[0].col_offset]
    return lines[:keep], indent


def solution_cell_source(stub: str, solution: str) -> str:
    """One nbgrader solution cell from an exercise's stub and solution cells.

    The solution's last line (the check's assert) goes to the test cell. When the solution
    starts with the stub's ``def`` line (and docstring), those stay outside the region, so
    the released stub keeps its signature; otherwise the whole stub stays above the region.
    """
    body = solution.rstrip().splitlines()[:-1]
    while body and not body[-1].strip():
        body.pop()
    found = _kept_prefix(stub)
    if found and body[: len(found[0])] == found[0]:
        header, indent = found
        rest = body[len(header) :]
        return "\n".join([*header, indent + BEGIN, *rest, indent + END])
    return "\n".join([stub.rstrip(), BEGIN, *body, END])


def export(nb, stem: str):
    """The nbgrader source version of notebook ``nb`` (``nb`` is left untouched).

    Raises :class:`~tools.student_edition.ConventionError` for a notebook outside the
    exercise convention.
    """
    from course_utils import exercises

    found = exercise_cells(nb, stem)
    by_stub = {e.stub: e for e in found}
    skip = {i for e in found for i in (e.check, e.solution)}
    out = copy.deepcopy(nb)
    cells, locked = [], 0
    for i, cell in enumerate(out.cells):
        if i in skip:
            continue
        if i in by_stub:
            e = by_stub[i]
            stub, check = cell, out.cells[e.check]
            stub.source = solution_cell_source(stub.source, nb.cells[e.solution].source)
            stub.outputs, stub.execution_count = [], None
            stub.metadata["nbgrader"] = _meta(e.id, solution=True)
            check.source = f'assert cu.exercises.check("{e.id}", {e.name})'
            check.outputs, check.execution_count = [], None
            points = exercises.get(e.id).points
            check.metadata["nbgrader"] = _meta(
                f"{e.id}-test", grade=True, locked=True, points=points
            )
            cells += [stub, check]
            continue
        cell.metadata.pop("jupyter", None)
        cell.metadata["nbgrader"] = _meta(f"cell-{locked:03d}", locked=True)
        locked += 1
        cells.append(cell)
    out.cells = cells
    return out


def config_text(profile: str = "fast") -> str:
    """The course's ``nbgrader_config.py``."""
    if profile not in TIMEOUTS:
        raise ValueError(f"profile must be one of {', '.join(TIMEOUTS)}, got {profile!r}")
    return f'''\
"""nbgrader configuration of the course "Neural networks for images" (written by `make nbgrader`).

Run nbgrader in this folder: `nbgrader generate_assignment 00_getting_started` writes the
release, `nbgrader autograde 00_getting_started` grades submitted/<student>/00_getting_started/.
The grading machine needs the course's environment (course_utils and its data installed).
"""

import os

c = get_config()  # noqa: F821 - nbgrader provides it

# Autograding re-executes each notebook in the {profile!r} profile (the kernel inherits this
# process's environment); export COURSE_PROFILE before running nbgrader to choose another,
# and COURSE_OFFLINE=1 on a grading machine without network.
os.environ.setdefault("COURSE_PROFILE", {json.dumps(profile)})

# Seconds per cell: nbgrader's default, 30 s, would stop cells that train a network.
c.Execute.timeout = {TIMEOUTS[profile]}

# What a released exercise cell holds instead of the solution: the course's check reports
# a function that raises NotImplementedError as "not attempted".
c.ClearSolutions.code_stub = {{"python": {json.dumps(CODE_STUB)}}}
'''


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tools.nbgrader_export",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--out", type=Path, default=ROOT / "build" / "nbgrader")
    parser.add_argument("--profile", default="fast", choices=sorted(TIMEOUTS))
    parser.add_argument("notebooks", nargs="*", type=Path)
    args = parser.parse_args(argv)
    paths = args.notebooks or sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "nbgrader_config.py").write_text(config_text(args.profile))
    failed = []
    for path in paths:
        nb = nbformat.read(path, as_version=4)
        try:
            source = export(nb, path.stem)
        except ConventionError as err:
            failed.append(str(err))
            continue
        folder = args.out / "source" / path.stem
        folder.mkdir(parents=True, exist_ok=True)
        nbformat.write(source, folder / path.name)
    print(
        f"{args.out}: {len(paths) - len(failed)} of {len(paths)} notebooks as nbgrader "
        f"assignments (profile {args.profile})"
    )
    for text in failed:
        print(f"✗ not exported — {text}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
