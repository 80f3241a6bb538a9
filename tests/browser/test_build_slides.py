"""tools/build_slides.py without a browser (these run everywhere, also without Chromium or npm)."""

from __future__ import annotations

import json

import nbformat
import pytest
from browser_helpers import ROOT
from nbformat.v4 import new_markdown_cell, new_notebook, new_output

from tools import build_slides as bs
from tools.new_notebook import cell as make_cell

NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
BADGE = (
    "[![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)]"
    "(https://colab.research.google.com/github/o/r/blob/main/notebooks/07_x.ipynb)"
)


def _nb(*cells):
    return new_notebook(cells=list(cells))


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_every_notebook_makes_an_offline_deck(notebook, tmp_path):
    nb = nbformat.read(notebook, as_version=4)
    bs.check_metadata(nb, notebook.stem)  # every cell has a valid slide_type
    deck = bs.build_deck(notebook, tmp_path)  # raises if the HTML would load anything remote
    html = deck.path.read_text()
    assert deck.n_slides >= 3 and 'class="reveal"' in html
    assert "colab-badge.svg" not in html
    assert "https://" not in "".join(bs.remote_resources(html))


def test_prepare_title_slide_tags_and_widgets():
    widget = make_cell("code", "interact(f, k=(1, 3))")
    widget.outputs = [
        new_output("display_data", {bs.WIDGET_VIEW: {"model_id": "m"}, "text/plain": "interactive"})
    ]
    nb = _nb(
        make_cell("md", f"# 07 · A title\n\nThe pitch.\n\n{BADGE}", "slide"),
        make_cell("code", "import course_utils", "skip", ("setup",)),
        make_cell("md", "## Objectives", "slide"),
        widget,
        make_cell("code", "answer = 42", "skip", ("solution",)),
        make_cell("md", "## Next", "subslide"),
    )
    nb.metadata["widgets"] = {"state": {}}
    deck, title, pitch = bs.prepare(nb, "07_a_title")
    assert (title, pitch) == ("07 · A title", "The pitch.")
    assert [bs.slide_type(c) for c in deck.cells] == ["slide", "slide", "-", "subslide"]
    first = deck.cells[0].source
    assert "# 07 · A title" in first and "lecture 07" in first and "colab" not in first.lower()
    assert deck.cells[2].outputs[0]["data"] == {"text/html": bs.WIDGET_NOTE.format(settings="")}
    assert "widgets" not in deck.metadata and "widgets" in nb.metadata  # the input is untouched
    assert bs.count_slides(deck) == 3


def test_prepare_makes_a_title_when_the_notebook_has_none():
    deck, title, pitch = bs.prepare(_nb(make_cell("md", "Some text", "slide")), "08_no_title")
    assert (title, pitch) == ("08 no title", "")
    assert len(deck.cells) == 2 and bs.count_slides(deck) == 2  # generated title + "Some text"


def test_widgets_show_their_saved_output_and_settings():
    png = {"output_type": "display_data", "data": {"image/png": "iVBOR", "text/plain": "<Fig>"},
           "metadata": {}}  # fmt: skip
    state = {
        "box": {"model_name": "VBoxModel",
                "state": {"children": ["IPY_MODEL_drop", "IPY_MODEL_slide", "IPY_MODEL_out"]}},
        "drop": {"model_name": "DropdownModel",
                 "state": {"description": "gate", "_options_labels": ["OR", "AND"], "index": 1}},
        "slide": {"model_name": "IntSliderModel", "state": {"description": "step", "value": 3}},
        "out": {"model_name": "OutputModel", "state": {"outputs": [png]}},
    }  # fmt: skip
    assert bs.widget_snapshot("box", state) == (["gate = AND", "step = 3"], [png])
    assert bs.widget_snapshot("missing", state) == ([], [])
    cell = make_cell("code", "interact(...)")
    cell.outputs = [new_output("display_data", {bs.WIDGET_VIEW: {"model_id": "box"}})]
    bs.replace_widgets(cell, state)
    note, figure = cell.outputs
    assert "gate = AND, step = 3" in note["data"]["text/html"]
    assert figure["data"]["image/png"] == "iVBOR"


@pytest.mark.parametrize("bad", [None, "sldie"])
def test_check_metadata_rejects_missing_or_unknown_slide_type(bad):
    cell = new_markdown_cell("x")
    if bad:
        cell.metadata["slideshow"] = {"slide_type": bad}
    with pytest.raises(bs.SlidesError, match=r"cells \[1\]"):
        bs.check_metadata(_nb(make_cell("md", "# 00 · T", "slide"), cell), "00_t")


@pytest.mark.parametrize(
    "html",
    [
        '<script src="https://cdn.example/x.js"></script>',
        "<link rel='stylesheet' href='//cdn.example/x.css'>",
        '<img alt="" src="http://example.org/a.png">',
        "<style>@font-face { src: url('https://fonts.example/f.woff') }</style>",
        '<style>@import "https://fonts.example/css";</style>',
    ],
)
def test_remote_resources_finds_what_a_page_would_load(html):
    assert bs.remote_resources(html)


def test_remote_resources_ignores_links_and_local_files():
    html = (
        '<a href="https://example.org">a link is not loaded</a>'
        '<script src="node_modules/reveal.js/dist/reveal.js"></script>'
        '<img src="data:image/png;base64,AAAA">'
    )
    assert bs.remote_resources(html) == []


def test_ensure_assets_needs_npm_when_assets_are_missing(tmp_path, monkeypatch):
    (tmp_path / "package.json").write_text(json.dumps({"dependencies": {"reveal.js": "5.2.1"}}))
    monkeypatch.setattr(bs.shutil, "which", lambda name: None)
    with pytest.raises(bs.SlidesError, match="npm is needed"):
        bs.ensure_assets(tmp_path / "node_modules")


def test_pinned_assets_match_the_lock_file():
    wanted = json.loads((bs.SLIDES / "package.json").read_text())["dependencies"]
    lock = json.loads((bs.SLIDES / "package-lock.json").read_text())["packages"]
    assert {p: lock[f"node_modules/{p}"]["version"] for p in wanted} == wanted
