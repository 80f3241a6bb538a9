"""Every notebook has the course's shape (CONTRIBUTING.md) and is committed executed and clean."""

import ast
import io
import json
import re
import tokenize
from pathlib import Path

import nbformat
import pytest

from course_utils import REPO_URL

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
SLIDE_TYPES = {"slide", "subslide", "fragment", "-", "skip", "notes"}


def tags(cell) -> set[str]:
    return set(cell.get("metadata", {}).get("tags", []))


@pytest.fixture(params=NOTEBOOKS, ids=lambda p: p.stem)
def nb(request):
    notebook = nbformat.read(request.param, as_version=4)
    nbformat.validate(notebook)
    notebook.path = request.param
    return notebook


def test_there_are_notebooks():
    assert any(p.stem == "00_getting_started" for p in NOTEBOOKS)
    assert all(re.fullmatch(r"\d\d_[a-z0-9_]+", p.stem) for p in NOTEBOOKS)


def test_title_badge_and_setup_cells(nb):
    stem = nb.path.stem
    title, install, setup = nb.cells[:3]
    assert title.cell_type == "markdown" and title.source.startswith(f"# {stem[:2]} · ")
    repo = REPO_URL.split("github.com/")[1]
    badge = f"colab.research.google.com/github/{repo}/blob/main/notebooks/{stem}.ipynb"
    assert badge in title.source
    assert install.cell_type == "code" and "google.colab" in install.source
    assert REPO_URL in install.source and "setup" in tags(install)
    assert f'cu.setup(notebook="{stem}")' in setup.source and "setup" in tags(setup)


def test_lecture_sections(nb):
    headings = [
        line.strip().lower()
        for c in nb.cells
        if c.cell_type == "markdown"
        for line in c.source.splitlines()
        if line.startswith("## ")
    ]
    for required in ("## learning objectives", "## exercises", "## summary"):
        assert any(h.startswith(required) for h in headings), f"missing {required!r}"


def test_every_cell_has_slide_metadata(nb):
    for i, cell in enumerate(nb.cells):
        slide_type = cell.metadata.get("slideshow", {}).get("slide_type")
        assert slide_type in SLIDE_TYPES, f"cell {i} has slide_type {slide_type!r}"


def test_solutions_are_hidden_and_checked(nb):
    solutions = [c for c in nb.cells if "solution" in tags(c)]
    assert solutions, "exercises need hidden solution cells"
    for cell in solutions:
        assert cell.metadata.get("jupyter", {}).get("source_hidden") is True
        assert "assert" in cell.source and re.search(r"check\w*\(", cell.source)


def test_committed_outputs_are_clean(nb):
    for i, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        assert cell.execution_count, f"cell {i} was not executed"
        for out in cell.outputs:
            assert out.output_type != "error", f"cell {i} has an error output"
            assert out.get("name") != "stderr", f"cell {i} wrote to stderr: {out.get('text')!r}"
    text = json.dumps([c.get("outputs", []) for c in nb.cells])
    assert not re.search(r"/root/|/home/\w+|/tmp/\w|/Users/\w+", text), "machine paths in outputs"


def test_committed_from_the_standard_profile(nb):
    setup_outputs = "".join(o.get("text", "") for o in nb.cells[2].outputs)
    assert "profile standard" in setup_outputs


def test_size_and_kernel(nb):
    assert nb.path.stat().st_size < 3_000_000
    assert nb.metadata.kernelspec.name == "python3"


def sections(nb) -> list[tuple[str, list]]:
    """The notebook's ``## `` sections: (heading, cells up to the next section)."""
    found: list[tuple[str, list]] = []
    for cell in nb.cells:
        if cell.cell_type == "markdown" and cell.source.lstrip().startswith("## "):
            found.append((cell.source.lstrip().splitlines()[0][3:].strip(), []))
        elif found:
            found[-1][1].append(cell)
    return found


def test_every_section_has_speaker_notes(nb):
    exempt = ("learning objectives", "exercises", "summary", "references")
    for heading, cells in sections(nb):
        if heading.lower().startswith(exempt):
            continue
        notes = [c for c in cells if c.metadata.get("slideshow", {}).get("slide_type") == "notes"]
        assert notes, f"section {heading!r} has no speaker notes (a `notes` cell)"
        assert all(c.cell_type == "markdown" and len(c.source) > 40 for c in notes)


def test_trains_with_the_standard_keras_api(nb):
    code = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    assert not re.search(r"training\.train\(|train_steps\(", code), "use model.fit, not a wrapper"
    if re.search(r"\.compile\(", code):
        assert re.search(r"\.fit\(", code), "a notebook that compiles a model trains it with fit"


def test_exercises_have_the_student_write_code(nb):
    exercises = next(cells for head, cells in sections(nb) if head.lower().startswith("exercises"))
    stubs = [
        c for c in exercises
        if c.cell_type == "code" and "solution" not in tags(c)
        and re.search(r"^def \w+\(", c.source, re.M)
    ]  # fmt: skip
    assert len(stubs) >= 2, "at least two exercises where the student writes a function"


def test_no_download_chatter_in_outputs(nb):
    text = json.dumps([c.get("outputs", []) for c in nb.cells])
    assert not re.search(r"Downloading data from|Name or service not known|urlopen error", text)


def _code_length(line: str) -> int:
    """Length of a line without its trailing comment."""
    tokens = tokenize.generate_tokens(io.StringIO(line).readline)
    comment = next((t for t in tokens if t.type == tokenize.COMMENT), None)
    return len((line[: comment.start[1]] if comment else line).rstrip())


def _parse_cell(source: str) -> ast.Module:
    """Parse a code cell, IPython magics and shell lines replaced by ``pass``."""
    return ast.parse(re.sub(r"^(\s*)[%!].*$", r"\1pass", source, flags=re.M))


def test_checks_are_one_line_cells_outside_teaching_cells(nb):
    for i, cell in enumerate(nb.cells):
        if cell.cell_type != "code" or tags(cell) & {"solution", "setup"}:
            continue
        body = _parse_cell(cell.source).body
        in_defs = {
            id(node) for stmt in body if isinstance(stmt, ast.FunctionDef | ast.AsyncFunctionDef)
            for node in ast.walk(stmt)
        }  # fmt: skip
        asserts = [
            node for stmt in body for node in ast.walk(stmt)
            if isinstance(node, ast.Assert) and id(node) not in in_defs
        ]  # fmt: skip
        testing_calls = [
            node for stmt in body for node in ast.walk(stmt)
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
            and node.func.attr.startswith("assert_") and id(node) not in in_defs
        ]  # fmt: skip
        assert not testing_calls, f"cell {i}: checks are one-line `assert` cells, not assert_*()"
        if not asserts:
            continue
        where = f"cell {i}: {cell.source[:70]!r}"
        assert len(body) == 1 and body[0] is asserts[0], f"assert inside a teaching {where}"
        assert "\n" not in cell.source.strip(), f"a check cell is one line: {where}"
        assert _code_length(cell.source.strip()) <= 100, f"check over 100 characters: {where}"
        slide_type = cell.metadata.get("slideshow", {}).get("slide_type")
        assert slide_type == "skip", f"check cells are skipped in the slides: {where}"


# Words of the project's own workshop that mean nothing to a student (cite real sources instead;
# changelogs go to commit messages). A paper's own figure is cited as "Fig. N of <paper>".
INTERNAL_VOCABULARY = {
    r"\bseeds?[\s_-]*0\d\d\b": "an id of the course's source files: cite the lecture or paper",
    r"\bthe seeds\b|\bseeds'": "'the seeds' (the course's source files): cite the real source",
    r"\bfigures?\s+\d+": "'figure N' reads as a checklist number: write 'Fig. N of <paper>'",
    r"(earlier|older|previous|first) (version|edition) of this (notebook|lecture)"
    r"|replaces an older|when preparing this lecture|\bthis session\b": "a changelog sentence",
    r"\btests/\S+\.py\b|course-figures|shared/seeds": "a path of the project's workshop",
}


def student_facing_text(nb) -> list[tuple[int, str]]:
    """(cell index, text) of everything a student reads: markdown (speaker notes included),
    the strings and comments of code cells (figure titles, printed text) and the outputs."""
    found = []
    for i, cell in enumerate(nb.cells):
        if cell.cell_type == "markdown":
            found.append((i, cell.source))
            continue
        if cell.cell_type != "code":
            continue
        try:
            tokens = list(tokenize.generate_tokens(io.StringIO(cell.source).readline))
            found += [(i, t.string) for t in tokens if t.type in (tokenize.STRING, tokenize.COMMENT)
                      or t.type == getattr(tokenize, "FSTRING_MIDDLE", -1)]  # fmt: skip
        except (tokenize.TokenError, IndentationError, SyntaxError):
            found.append((i, cell.source))
        for out in cell.get("outputs", []):
            texts = [out.get("text", "")] + [
                v for k, v in out.get("data", {}).items() if k.startswith("text/")
            ]
            found += [(i, t if isinstance(t, str) else "".join(t)) for t in texts]
    return found


def test_no_internal_vocabulary_in_student_facing_text(nb):
    problems = [
        f"cell {i}: {m.group(0)!r} — {why}"
        for i, text in student_facing_text(nb)
        for pattern, why in INTERNAL_VOCABULARY.items()
        for m in re.finditer(pattern, text, flags=re.I)
    ]
    assert not problems, "internal words in student-facing text:\n" + "\n".join(problems)
