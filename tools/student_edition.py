"""The student edition: every notebook without its exercise solutions.

Usage::

    python -m tools.student_edition build [--out build/student] [NB ...]   # `make student`
    python -m tools.student_edition build --for-nbval build/nbval [NB ...]
    python -m tools.student_edition verify [NB ...]   # execute it (fast), replay the solutions
    python -m tools.student_edition check [NB ...]    # the exercise convention only

The repository's notebooks are the **instructor edition**. The student edition keeps every
cell (prose, figures, speaker notes, slide metadata, References) except the solution cells
(tag ``solution``); the exercise stubs and check cells (tags ``exercise``,
``exercise-check``) lose their outputs, and the Colab badge goes (it opens the instructor
edition on GitHub). Only notebooks that follow the exercise convention are built; the others
are listed with the reason. The convention (CONTRIBUTING.md, "Exercises") is four cells per
exercise: the task in markdown, then

1. the stub, tag ``exercise``: ``def gram(a):`` + ``...  # your code here``;
2. the check, tag ``exercise-check``, one line: ``cu.exercises.check("gram_matrix", gram)``;
3. the solution, tag ``solution``, ending in ``assert cu.exercises.check("gram_matrix", gram)``.

``--for-nbval DIR`` writes the edition that CI runs with ``pytest --nbval``: the same notebooks,
but the check cells keep their committed "⏳ … not attempted" output and the solution cells
(with their committed ✅ outputs) are replayed at the end, after everything else has run. One
execution then shows that the student edition runs top to bottom, that every untouched check
says "not attempted", that every solution passes its check, and (as nbval on the instructor
edition does) that every other cell still gives its committed output. ``verify`` checks the
same with nbclient, without comparing the lecture's outputs.
"""

from __future__ import annotations

import argparse
import ast
import copy
import io
import json
import os
import re
import sys
import tempfile
import time
import tokenize
from dataclasses import dataclass
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"

#: The check cell, exactly: an id (letters, digits, ``_``, ``-``: also nbgrader's grade ids)
#: and the name of the student's function or value.
CHECK = re.compile(r'cu\.exercises\.check\("([A-Za-z0-9_-]+)", ([A-Za-z_][A-Za-z0-9_]*)\)')
BADGE = re.compile(r"\n*\[!\[Open In Colab\]\([^)]*\)\]\([^)]*\)[ \t]*")
OLD_FORMS = re.compile(r"exercises\.check_function\(|\bcheck_function\(")
EXERCISE_TAGS = {"exercise", "exercise-check", "solution"}
#: What a check prints for an untouched stub, and for a correct answer.
NOT_ATTEMPTED, CORRECT = "not attempted", "✅"
REPLAY_HEADING = "## Solutions, replayed"


def tags(cell) -> set[str]:
    return set(cell.get("metadata", {}).get("tags", []))


def output_text(cell) -> str:
    """The text a code cell printed or displayed (stream, text/*, error)."""
    parts = []
    for out in cell.get("outputs", []):
        if out.get("output_type") == "stream":
            parts.append(out.get("text", ""))
        elif out.get("output_type") == "error":
            parts.append(f"{out.get('ename')}: {out.get('evalue')}")
        for mime, value in out.get("data", {}).items():
            if mime.startswith("text/"):
                parts.append(value if isinstance(value, str) else "".join(value))
    return "".join(parts)


class ConventionError(ValueError):
    """A notebook does not follow the exercise convention; ``problems`` says where."""

    def __init__(self, name: str, problems: list[str]):
        self.name, self.problems = name, problems
        super().__init__(f"{name}: not in the exercise convention:\n  - " + "\n  - ".join(problems))


@dataclass(frozen=True)
class ExerciseCells:
    """One exercise of a notebook: its id, the student's name and the three cells' indices."""

    id: str
    name: str
    stub: int
    check: int
    solution: int


def _parse(source: str) -> ast.Module:
    """A code cell as Python, IPython magics and shell lines replaced by ``pass``."""
    return ast.parse(re.sub(r"^(\s*)[%!].*$", r"\1pass", source, flags=re.M))


def defined_names(tree: ast.Module) -> set[str]:
    """Names a cell binds at its top level (def, class, assignment, import)."""
    names: set[str] = set()
    for stmt in tree.body:
        if isinstance(stmt, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.add(stmt.name)
        elif isinstance(stmt, ast.Assign | ast.AnnAssign | ast.AugAssign):
            targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
            names |= {n.id for t in targets for n in ast.walk(t) if isinstance(n, ast.Name)}
        elif isinstance(stmt, ast.Import | ast.ImportFrom):
            names |= {(a.asname or a.name).split(".")[0] for a in stmt.names}
    return names


def course_names(nb) -> set[str]:
    """Names the notebook binds to course code: ``cu``, ``course_utils`` and what it imports."""
    names = {"cu", "course_utils"}
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        try:
            tree = _parse(cell.source)
        except SyntaxError:
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names |= {
                    a.asname or a.name for a in node.names if a.name.startswith("course_utils")
                }
            elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith(
                "course_utils"
            ):
                names |= {a.asname or a.name for a in node.names}
    return names


def _registered(stem: str) -> dict[str, object]:
    from course_utils import exercises

    return {e.id: e for e in exercises.catalogue(stem)}


def exercise_cells(nb, stem: str) -> list[ExerciseCells]:
    """The notebook's exercises; raises :class:`ConventionError` listing every problem.

    Checks, for every notebook: each ``exercise`` stub is followed by one ``exercise-check``
    cell of exactly one line ``cu.exercises.check("<id>", <name>)`` naming an id registered
    for this notebook, then by a ``solution`` cell whose last line is
    ``assert cu.exercises.check("<id>", <name>)``; the stub and the solution bind ``<name>``;
    the stub names no course code; each registered id is used exactly once; no cell uses the
    old forms (``check_function``, ``check(name, answer, expected)``).
    """
    problems: list[str] = []
    found: list[ExerciseCells] = []
    cells = nb.cells
    claimed: set[int] = set()
    banned = course_names(nb)
    try:
        registry = _registered(stem)
    except Exception as err:  # noqa: BLE001 - a broken bank module is a problem to report
        registry = {}
        problems.append(f"the exercise bank does not load: {type(err).__name__}: {err}")
    for i, cell in enumerate(cells):
        if cell.cell_type != "code":
            continue
        old_form = OLD_FORMS.search(cell.source) or _three_argument_check(cell.source)
        if old_form and "solution" not in tags(cell):  # its solution is reported below
            line = next(x for x in cell.source.splitlines() if re.search(r"check\w*\(", x))
            problems.append(
                f"cell {i} uses the old form (check_function / check(name, answer, "
                f"expected)): {line.strip()[:80]!r}"
            )
        if "exercise" not in tags(cell):
            continue
        claimed.add(i)
        where = f"exercise stub in cell {i}"
        if i + 2 >= len(cells):
            problems.append(f"{where}: needs a check cell and a solution cell after it")
            continue
        check, solution = cells[i + 1], cells[i + 2]
        if check.cell_type != "code" or "exercise-check" not in tags(check):
            problems.append(
                f"{where}: the next cell (cell {i + 1}) must be its check, tag exercise-check"
            )
            continue
        claimed.add(i + 1)
        match = CHECK.fullmatch(check.source.strip())
        if not match:
            problems.append(
                f"check cell {i + 1} must be exactly one line "
                f'cu.exercises.check("<id>", <name>), not {check.source.strip()!r}'
            )
            continue
        exercise_id, name = match.groups()
        if solution.cell_type != "code" or "solution" not in tags(solution):
            problems.append(
                f"{where}: cell {i + 2} after its check must be the solution, tag solution"
            )
            continue
        claimed.add(i + 2)
        last = solution.source.rstrip().splitlines()[-1] if solution.source.strip() else ""
        expected_last = f'assert cu.exercises.check("{exercise_id}", {name})'
        if last != expected_last:
            problems.append(
                f"solution cell {i + 2}: its last line must be {expected_last!r}, not {last!r}"
            )
        if exercise_id not in registry:
            owner = _owner(exercise_id)
            problems.append(
                f"check cell {i + 1}: exercise id {exercise_id!r} is not registered "
                f"for {stem}"
                + (f" (it belongs to {owner})" if owner else "")
                + f"; add it to course_utils/exercise_bank/nb{stem}.py"
            )
        for label, index in (("stub", i), ("solution", i + 2)):
            try:
                tree = _parse(cells[index].source)
            except SyntaxError as err:
                problems.append(f"{label} cell {index} is not valid Python: {err.msg}")
                continue
            if name not in defined_names(tree):
                problems.append(
                    f"{label} cell {index} does not define {name!r}, which its check tests"
                )
            used = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)} & banned
            if label == "stub" and used:
                problems.append(
                    f"stub cell {index} names course code ({', '.join(sorted(used))})"
                    ": the stub is the student's, references live in the bank"
                )
        found.append(ExerciseCells(exercise_id, name, i, i + 1, i + 2))
    for i, cell in enumerate(cells):
        if i not in claimed and tags(cell) & EXERCISE_TAGS:
            tag = sorted(tags(cell) & EXERCISE_TAGS)[0]
            problems.append(f"cell {i} (tag {tag}) is not part of a stub → check → solution triple")
    used_ids = [e.id for e in found]
    for exercise_id in registry:
        if used_ids.count(exercise_id) != 1:
            problems.append(
                f"registered exercise {exercise_id!r} is used "
                f"{used_ids.count(exercise_id)} times (exactly once expected)"
            )
    if not found and not problems:
        problems.append("no exercises (cells tagged exercise / exercise-check / solution)")
    if problems:
        raise ConventionError(stem, problems)
    return found


def _three_argument_check(source: str) -> bool:
    """``cu.exercises.check(name, answer, expected)``: the old form with the answer inline."""
    try:
        tree = _parse(source)
    except SyntaxError:
        return False
    return any(
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "check"
        and "exercises" in ast.unparse(node.func)
        and len(node.args) + len(node.keywords) > 2
        for node in ast.walk(tree)
    )


def _owner(exercise_id: str) -> str | None:
    from course_utils import exercises

    try:
        return exercises.get(exercise_id).notebook
    except KeyError:
        return None


def problems(nb, stem: str) -> list[str]:
    """The convention's problems of a notebook (empty when it follows it)."""
    try:
        exercise_cells(nb, stem)
    except ConventionError as err:
        return err.problems
    return []


# --------------------------------------------------------------------------- the editions


def student_notebook(nb):
    """The student edition of an (instructor) notebook: a new notebook, ``nb`` untouched."""
    out = copy.deepcopy(nb)
    out.cells = [c for c in out.cells if "solution" not in tags(c)]
    for cell in out.cells:
        if tags(cell) & {"exercise", "exercise-check"}:
            cell.outputs, cell.execution_count = [], None
            cell.metadata.pop("execution", None)
    if out.cells and out.cells[0].cell_type == "markdown":
        out.cells[0].source = BADGE.sub("", out.cells[0].source).rstrip()
    return out


def replay_notebook(nb, stem: str):
    """The ``--for-nbval`` edition: the student edition, check cells keeping their committed
    "not attempted" output, and every solution cell (with its committed output) at the end.

    Raises :class:`ConventionError` when the notebook is not in the convention, or when a
    committed check output is not "⏳ … not attempted" or a solution's is not ✅.
    """
    found = exercise_cells(nb, stem)
    bad = []
    for e in found:
        said = output_text(nb.cells[e.check])
        if not (said.startswith("⏳") and NOT_ATTEMPTED in said):
            bad.append(
                f"check cell {e.check} ({e.id}): committed output is {said.strip()!r}, "
                "expected '⏳ … not attempted' (re-execute the notebook)"
            )
        if CORRECT not in output_text(nb.cells[e.solution]) and "nbval-ignore-output" not in tags(
            nb.cells[e.solution]
        ):
            bad.append(f"solution cell {e.solution} ({e.id}): committed output has no ✅")
    if bad:
        raise ConventionError(stem, bad)
    out = copy.deepcopy(nb)
    checks = {e.check for e in found}
    cells = []
    for i, cell in enumerate(out.cells):
        if "solution" in tags(cell):
            continue
        if i in checks:  # compared strictly: an untouched stub must say "not attempted"
            cell.metadata["tags"] = [t for t in cell.metadata["tags"] if t != "nbval-ignore-output"]
        elif "exercise" in tags(cell):
            cell.outputs, cell.execution_count = [], None
        cells.append(cell)
    heading = nbformat.v4.new_markdown_cell(
        f"{REPLAY_HEADING}\n\nCI only: each exercise's solution, run after the whole student "
        "edition, must pass its check."
    )
    heading.metadata["slideshow"] = {"slide_type": "skip"}
    cells.append(heading)
    cells += [out.cells[e.solution] for e in found]
    out.cells = cells
    if out.cells[0].cell_type == "markdown":
        out.cells[0].source = BADGE.sub("", out.cells[0].source).rstrip()
    return out


# --------------------------------------------------------------------------- leak detection


def _strip_comments(source: str) -> list[str]:
    """The lines of ``source`` with comments removed (the raw lines if it does not tokenize)."""
    lines = source.splitlines()
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(source).readline))
    except (tokenize.TokenError, IndentationError, SyntaxError):
        return lines
    for tok in reversed(tokens):
        if tok.type == tokenize.COMMENT:
            row, col = tok.start
            lines[row - 1] = lines[row - 1][:col]
    return lines


def _atoms(code: str) -> int:
    """How many names (not keywords), numbers and strings a line of code holds."""
    import keyword

    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(code.strip() + "\n").readline))
    except (tokenize.TokenError, IndentationError, SyntaxError):
        return len(re.findall(r"\w+", code))
    return sum(
        (t.type == tokenize.NAME and not keyword.iskeyword(t.string))
        or t.type in (tokenize.NUMBER, tokenize.STRING)
        for t in tokens
    )


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def solution_lines(solution: str, stub: str = "") -> list[str]:
    """The lines of a solution that would give it away, whitespace removed.

    Trivial lines are left out: blank and comment-only lines (comments are dropped from every
    line), imports, lines with at most one name or literal (``return out``, ``else:``, ``)``),
    lines the exercise's stub has too (the ``def`` line) and the final
    ``assert cu.exercises.check(...)`` line (the check cell makes the same call).
    """
    stub_lines = {_squash(line) for line in _strip_comments(stub)}
    kept = []
    for line in _strip_comments(solution):
        code = line.strip()
        squashed = _squash(code)
        if (
            not code
            or re.match(r"(import|from)\s", code)
            or _atoms(code) <= 1
            or squashed in stub_lines
            or CHECK.search(code)
        ):
            continue
        kept.append(squashed)
    return kept


def _texts(nb) -> list[tuple[str, str]]:
    """(where, line) for every line of every cell's source and text outputs, and the metadata."""
    found = []
    for i, cell in enumerate(nb.cells):
        found += [(f"cell {i} ({cell.cell_type})", line) for line in cell.source.splitlines()]
        found += [(f"cell {i} output", line) for line in output_text(cell).splitlines()]
        found.append((f"cell {i} metadata", json.dumps(cell.metadata, ensure_ascii=False)))
    found.append(("notebook metadata", json.dumps(nb.metadata, ensure_ascii=False)))
    return found


def leaks(instructor, edition) -> list[str]:
    """Solution code of ``instructor`` that appears in ``edition`` (a derived notebook).

    Every non-trivial solution line (:func:`solution_lines`) is searched, whitespace removed,
    in every line of ``edition``: sources (markdown and speaker notes included), text outputs
    and metadata. A line the lecture's own code already has (a code cell that is not an
    exercise's) is shared code the lecture teaches, not a leak; lines under 10 characters
    only count as whole lines.
    """
    lecture = {
        _squash(line)
        for c in instructor.cells
        if c.cell_type == "code" and not tags(c) & EXERCISE_TAGS
        for line in _strip_comments(c.source)
    }
    cells = instructor.cells
    haystack = [(where, _squash(text)) for where, text in _texts(edition)]
    found = []
    for i, cell in enumerate(cells):
        if "solution" not in tags(cell):
            continue
        stub = next((c.source for c in reversed(cells[:i]) if "exercise" in tags(c)), "")
        for line in solution_lines(cell.source, stub):
            if line in lecture:
                continue
            for where, text in haystack:
                if (line in text) if len(line) >= 10 else (line == text):
                    found.append(f"solution cell {i}: {line!r} appears in {where}")
                    break
    return found


# --------------------------------------------------------------------------- build and verify


README = """\
# Neural networks for images — student edition

These notebooks are the course's lectures with the exercise solutions removed. Each exercise
is a cell to complete (`...  # your code here`) and a check cell under it: run the check after
your code; it prints ⏳ while the exercise is not attempted, ❌ with a hint, or ✅.

The notebooks need the course's helper package, `course_utils`:

- **Colab**: upload a notebook and run it; its first cell installs the package.
- **JupyterHub or your own machine**: the environment from the course repository
  ({repo}): `make lab` there, or
  `pip install -c requirements/constraints.txt -e .` in a clone; then open these notebooks.

Built by `make student`{commit}.
"""


def _commit() -> str:
    import subprocess

    try:
        sha = subprocess.run(
            ["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            timeout=10,
            check=True,
        )
    except (OSError, subprocess.SubprocessError):
        return ""
    return f" from commit {sha.stdout.strip()}" if sha.stdout.strip() else ""


def build(paths: list[Path], out: Path, for_nbval: bool = False) -> list[str]:
    """Write the edition of each notebook into ``out``; returns the problems (empty when all
    were built). Notebooks outside the convention are not written."""
    if out.resolve() in (NOTEBOOKS.resolve(), ROOT.resolve()):
        raise SystemExit(f"refusing to write the student edition into {out}")
    out.mkdir(parents=True, exist_ok=True)
    failed = []
    for path in paths:
        nb = nbformat.read(path, as_version=4)
        try:
            edition = replay_notebook(nb, path.stem) if for_nbval else _checked_student(nb, path)
        except ConventionError as err:
            failed.append(str(err))
            continue
        nbformat.write(edition, out / path.name)
    if not for_nbval:
        from course_utils import REPO_URL

        (out / "README.md").write_text(README.format(repo=REPO_URL, commit=_commit()))
    return failed


def _checked_student(nb, path: Path):
    exercise_cells(nb, path.stem)
    edition = student_notebook(nb)
    found = leaks(nb, edition)
    if found:
        raise ConventionError(path.stem, found)
    return edition


@dataclass
class Verified:
    """What :func:`verify` found for one notebook."""

    name: str
    seconds: float
    checks: int
    solutions: int
    problems: list[str]


def verify(path: Path, timeout: int = 600) -> Verified:
    """Execute the student edition of ``path`` top to bottom, then replay its solutions.

    One execution in a fresh kernel, in a temporary folder (``COURSE_PROFILE`` as set, ``fast``
    by default): no cell may fail, every check must print "not attempted", every replayed
    solution ✅.
    """
    from nbclient import NotebookClient

    nb = nbformat.read(path, as_version=4)
    try:
        found = exercise_cells(nb, path.stem)
    except ConventionError as err:
        return Verified(path.stem, 0.0, 0, 0, err.problems)
    edition = student_notebook(nb)
    for cell in edition.cells:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    first_solution = len(edition.cells)
    for e in found:
        solution = copy.deepcopy(nb.cells[e.solution])
        solution.outputs, solution.execution_count = [], None
        edition.cells.append(solution)
    os.environ.setdefault("COURSE_PROFILE", "fast")
    start = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="student-edition-") as work:
        client = NotebookClient(
            edition,
            timeout=timeout,
            kernel_name="python3",
            allow_errors=True,
            record_timing=False,
            resources={"metadata": {"path": work}},
        )
        client.execute()
    seconds = time.perf_counter() - start
    issues = []
    for i, cell in enumerate(edition.cells):
        errors = [o for o in cell.get("outputs", []) if o.get("output_type") == "error"]
        if errors:
            what = "replayed solution" if i >= first_solution else "cell"
            issues.append(f"{what} {i} raised {errors[0]['ename']}: {errors[0]['evalue']}")
    checks = [c for c in edition.cells[:first_solution] if "exercise-check" in tags(c)]
    for cell, e in zip(checks, found, strict=True):
        said = output_text(cell)
        if NOT_ATTEMPTED not in said:
            issues.append(f"check {e.id!r} on the untouched stub printed {said.strip()!r}")
    for cell, e in zip(edition.cells[first_solution:], found, strict=True):
        said = output_text(cell)
        if CORRECT not in said:
            issues.append(f"solution of {e.id!r} replayed: printed {said.strip()!r}, no ✅")
    return Verified(path.stem, seconds, len(checks), len(found), issues)


def _paths(args: list[str]) -> list[Path]:
    return [Path(a) for a in args] if args else sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tools.student_edition",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub = parser.add_subparsers(dest="command", required=True)
    b = sub.add_parser("build", help="write the student edition")
    where = b.add_mutually_exclusive_group()
    where.add_argument("--out", type=Path, default=ROOT / "build" / "student")
    where.add_argument(
        "--for-nbval",
        type=Path,
        metavar="DIR",
        help="write the edition CI runs with pytest --nbval into DIR",
    )
    for name, text in (
        ("verify", "execute each student edition and replay its solutions"),
        ("check", "report notebooks outside the exercise convention"),
    ):
        sub.add_parser(name, help=text).add_argument("notebooks", nargs="*")
    b.add_argument("notebooks", nargs="*")
    args = parser.parse_args(argv)
    paths = _paths(args.notebooks)
    if args.command == "build":
        out = args.for_nbval or args.out
        failed = build(paths, out, for_nbval=args.for_nbval is not None)
        built = len(paths) - len(failed)
        print(
            f"{out}: {built} of {len(paths)} notebooks" + (" (for nbval)" if args.for_nbval else "")
        )
        for text in failed:
            print(f"✗ not built — {text}", file=sys.stderr)
        return 1 if failed else 0
    if args.command == "check":
        bad = [(p.stem, problems(nbformat.read(p, as_version=4), p.stem)) for p in paths]
        for stem, found in bad:
            print(f"✓ {stem}" if not found else f"✗ {stem}:\n  - " + "\n  - ".join(found))
        return 1 if any(found for _, found in bad) else 0
    status = 0
    for path in paths:
        result = verify(path)
        if result.problems:
            status = 1
            print(f"✗ {result.name}:\n  - " + "\n  - ".join(result.problems), flush=True)
        else:
            print(
                f"✓ {result.name}: ran in {result.seconds:.1f} s; {result.checks} checks "
                f"not attempted, {result.solutions} solutions ✅",
                flush=True,
            )
    return status


if __name__ == "__main__":
    sys.exit(main())
