"""One bibliography for the course, and every notebook's References cell rendered from it."""

import re
from pathlib import Path

import nbformat
import pytest

from tools import references

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
BIB = references.load()


def test_entries_are_complete_and_linkable():
    for key, entry in BIB.items():
        assert re.fullmatch(r"[a-z0-9][a-z0-9_.-]*", key), key
        assert re.fullmatch(r"\d{4}[a-z]?|n\.d\.", str(entry["year"])), key
        if "doi" in entry:
            assert re.fullmatch(r"10\.\d{4,9}/\S+", entry["doi"]), key
        if "url" in entry:
            assert re.fullmatch(r"https?://\S+", entry["url"]), key


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_references_cell_is_rendered_from_the_bibliography(path):
    nb = nbformat.read(path, as_version=4)
    keys = references.cited(nb)
    assert keys, "a lecture cites its sources: link them as [Author, year](#ref-key)"
    unknown = [k for k in keys if k not in BIB]
    assert not unknown, f"cited keys with no entry in references.yml: {unknown}"
    cells = [c for c in nb.cells if references.is_references_cell(c)]
    assert cells, "no '## References' cell: run python -m tools.references"
    assert cells[-1].source == references.render(keys, BIB), "run python -m tools.references"


def test_every_entry_is_cited_somewhere():
    used = {k for p in NOTEBOOKS for k in references.cited(nbformat.read(p, as_version=4))}
    assert not sorted(set(BIB) - used), "entries no notebook cites: remove them or cite them"


def test_render_and_format():
    bib = {
        "b2020x": {"author": "B, A.", "year": 2020, "title": "Second.", "venue": "V",
                   "doi": "10.1000/xyz"},
        "a2019y": {"author": "A, B.", "year": 2019, "title": "First", "venue": "W",
                   "url": "https://example.org/a", "note": "Chapter 4."},
    }  # fmt: skip
    text = references.render(["b2020x", "a2019y"], bib)
    lines = text.splitlines()
    assert lines[0] == "## References" and lines[2].startswith('- <a id="ref-a2019y"></a>A, B.')
    assert "(https://doi.org/10.1000/xyz)" in lines[3] and "Second. *V*." in lines[3]
    assert lines[2].endswith("<https://example.org/a> Chapter 4.")
    with pytest.raises(KeyError):
        references.render(["missing"], bib)


def test_sync_creates_and_updates(tmp_path, monkeypatch):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("As [He et al.](#ref-he2016resnet) showed."),
                nbformat.v4.new_markdown_cell("## Summary")]  # fmt: skip
    path = tmp_path / "99_x.ipynb"
    nbformat.write(nb, path)
    assert references.sync(path, BIB) is True
    assert references.sync(path, BIB) is False
    cell = nbformat.read(path, as_version=4).cells[-1]
    assert cell.source.startswith("## References") and "ref-he2016resnet" in cell.source
