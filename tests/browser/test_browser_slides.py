"""Every lecture deck opens from disk in Chromium with no network: reveal.js runs, the slide count
matches the notebook's metadata, equations are typeset by MathJax, figures decode, speaker notes
and the title slide are there, setup/solution cells are not. A small synthetic notebook exercises
every feature (math, figure, notes, fragment, widget) even before the real notebooks use them."""

from __future__ import annotations

import base64
import io
import shutil
from pathlib import Path

import nbformat
import pytest
from browser_helpers import ROOT, Traffic, unavailable
from deck_expectations import Expected, expected
from nbformat.v4 import new_notebook, new_output

from tools import build_slides
from tools.new_notebook import cell

NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))


def _ensure_assets():
    try:
        build_slides.ensure_assets()
    except build_slides.SlidesError as err:
        unavailable(f"cannot install the slides' reveal.js/MathJax: {err}")


@pytest.fixture(scope="session")
def decks(output_dir):
    """Build every notebook's deck (and the index) into test-output/browser/slides/.

    From a snapshot of the notebooks (test-output/browser/notebooks/), so that the decks and the
    expectations come from the same files even while someone re-executes a notebook."""
    _ensure_assets()
    snapshot = output_dir / "notebooks"
    shutil.rmtree(snapshot, ignore_errors=True)
    snapshot.mkdir()
    copies = [Path(shutil.copy(p, snapshot / p.name)) for p in NOTEBOOKS]
    built = build_slides.build(copies, output_dir / "slides")
    return {d.name: (d, expected(c)) for d, c in zip(built, copies, strict=True)}


def _fixture_notebook():
    """A tiny notebook using every slide feature, with a real matplotlib PNG."""
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(3, 2), dpi=60)
    ax.plot([0, 1, 2], [0, 1, 4])
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    plt.close(fig)
    png = base64.b64encode(buf.getvalue()).decode()

    plot = cell("code", "plt.plot([0, 1, 2], [0, 1, 4])")
    plot.outputs = [new_output("display_data", {"image/png": png, "text/plain": "<Figure>"})]
    widget = cell("code", "interact(f, k=(1, 5))")
    widget.outputs = [
        new_output(
            "display_data",
            {
                "application/vnd.jupyter.widget-view+json": {
                    "model_id": "0" * 32, "version_major": 2, "version_minor": 0,
                },
                "text/plain": "interactive(children=(IntSlider(value=3, max=5, min=1)))",
            },
        )
    ]  # fmt: skip
    badge = (
        "[![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)]"
        "(https://colab.research.google.com/github/x/y/blob/main/notebooks/99_fixture.ipynb)"
    )
    return new_notebook(
        cells=[
            cell("md", f"# 99 · Fixture deck\n\nA pitch.\n\n{badge}", "slide"),
            cell("code", "SETUP_MARKER = 1", "skip", ("setup",)),
            cell("md", "## Math\n\nInline $a^2 + b^2 = c^2$, display\n\n$$\\sum_i x_i$$", "slide"),
            cell("md", "Say this out loud: the loss is $L(w)$.", "notes"),
            plot,
            cell("md", "Revealed later", "fragment"),
            cell("md", "## A step", "subslide"),
            widget,
            cell("md", "## Exercises", "slide"),
            cell("code", "answer = ...", "-"),
            cell("code", "answer = SOLUTION_MARKER", "skip", ("solution",)),
            cell("md", "## Summary", "slide"),
        ]
    )  # fmt: skip


@pytest.fixture(scope="session")
def fixture_deck(output_dir):
    _ensure_assets()
    out = output_dir / "slides-fixture"
    out.mkdir(parents=True, exist_ok=True)
    path = out / "99_fixture.ipynb"
    nbformat.write(_fixture_notebook(), path)
    return build_slides.build_deck(path, out), expected(path)


def check_deck(context, deck_path, exp: Expected, screenshot) -> dict:
    """Open a deck with all traffic recorded and external requests blocked; assert on it."""
    screenshot.parent.mkdir(parents=True, exist_ok=True)
    page = context.new_page()
    traffic = Traffic(page)
    try:
        page.goto(deck_path.as_uri())
        page.wait_for_function("() => window.Reveal && Reveal.isReady()")
        page.wait_for_function("() => window.MathJax && MathJax.startup && MathJax.startup.promise")
        facts = page.evaluate(
            """async () => {
                await MathJax.startup.promise;
                const imgs = [...document.querySelectorAll('.reveal .jp-RenderedImage img')];
                await Promise.all(imgs.map(i => i.decode().catch(() => null)));
                await document.fonts.ready;
                const q = s => document.querySelectorAll(s);
                return {
                    total: Reveal.getTotalSlides(),
                    math: q('.reveal mjx-container').length,
                    mathErrors: q('.reveal mjx-merror').length,
                    images: imgs.filter(i => i.complete && i.naturalWidth > 0).length,
                    brokenImages: imgs.filter(i => !(i.complete && i.naturalWidth > 0)).length,
                    notes: q('.reveal aside.notes').length,
                    fragments: q('.reveal .fragment').length,
                    widgets: q('.reveal .course-widget').length,
                    code: [...q('.reveal .jp-CodeCell .jp-InputArea-editor')]
                        .map(e => e.textContent.trim()),
                    text: document.querySelector('.reveal .slides').innerText,
                };
            }"""
        )
        if facts["math"]:  # a picture of the first slide with an equation, for humans
            page.evaluate(
                """() => {
                    const m = [...document.querySelectorAll('.reveal mjx-container')]
                        .find(e => !e.closest('aside')) || document.querySelector('mjx-container');
                    const i = Reveal.getIndices(m.closest('section'));
                    Reveal.slide(i.h, i.v);
                }"""
            )
            page.wait_for_timeout(600)
            page.screenshot(path=str(screenshot).replace("title.png", "math.png"))
        page.evaluate("() => Reveal.slide(0, 0)")
        page.wait_for_timeout(600)  # the slide transition
        title = page.inner_text(".reveal .slides section.present h1")
        page.screenshot(path=str(screenshot))
    finally:
        page.close()

    name = exp.name
    assert traffic.external == [], f"{name}: requests left the machine: {traffic.external}"
    assert traffic.failed_not_blocked == [], f"{name}: failed requests: {traffic.failed}"
    assert traffic.errors == [], f"{name}: JavaScript errors: {traffic.errors}"
    assert all(r.startswith(("file:", "data:", "blob:")) for r in traffic.requests)
    assert facts["total"] == exp.n_slides, f"{name}: slides {facts['total']} != {exp.n_slides}"
    assert exp.title in title, f"{name}: title slide shows {title!r}"
    assert facts["notes"] == exp.n_notes, f"{name}: speaker notes"
    # >=: a widget adds the figure it showed when the notebook was saved
    assert facts["images"] >= exp.n_images and facts["brokenImages"] == 0, f"{name}: figures"
    assert len(facts["code"]) == exp.n_code_inputs, f"{name}: code cells shown"
    assert facts["widgets"] == exp.n_widgets, f"{name}: widget placeholders"
    assert facts["mathErrors"] == 0, f"{name}: MathJax could not typeset some TeX"
    if exp.has_math:
        assert facts["math"] >= 1, f"{name}: the notebook has TeX but no equation was typeset"
    else:
        assert facts["math"] == 0
    for source in exp.removed_sources:  # setup and solution cells are left out
        assert source not in facts["code"], f"{name}: a setup/solution cell is in the deck"
    return facts


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_deck_opens_offline(notebook, browser_context, decks, output_dir):
    deck, exp = decks[notebook.stem]
    facts = check_deck(
        browser_context, deck.path, exp,
        output_dir / "slides" / f"{notebook.stem}-title.png",
    )  # fmt: skip
    assert exp.n_images >= 1, f"{notebook.stem}: a lecture deck should show at least one figure"
    assert facts["images"] >= 1


def test_fixture_deck_renders_every_feature(browser_context, fixture_deck, output_dir):
    deck, exp = fixture_deck
    assert (exp.n_slides, exp.n_notes, exp.n_images, exp.n_widgets) == (5, 1, 1, 1)
    assert exp.has_math
    shot = output_dir / "slides-fixture" / "99_fixture-title.png"
    facts = check_deck(browser_context, deck.path, exp, shot)
    assert facts["math"] == 3  # inline, display, and $L(w)$ in the speaker notes
    assert facts["fragments"] == 1
    assert "SOLUTION_MARKER" not in facts["text"] and "SETUP_MARKER" not in facts["text"]
    assert "interactive(children" not in facts["text"]
    assert "colab-badge" not in deck.path.read_text()


def test_index_links_every_deck(browser_context, decks, output_dir):
    page = browser_context.new_page()
    traffic = Traffic(page)
    try:
        page.goto((output_dir / "slides" / "index.html").as_uri())
        links = page.eval_on_selector_all(
            "#decks a.deck", "els => els.map(e => e.getAttribute('href'))"
        )
        page.screenshot(path=str(output_dir / "slides" / "index.png"))
    finally:
        page.close()
    assert links == [f"{p.stem}.slides.html" for p in NOTEBOOKS]
    assert all((output_dir / "slides" / href).is_file() for href in links)
    assert traffic.external == [] and traffic.failed == []


def test_speaker_view_shows_the_notes_offline(browser_context, fixture_deck, output_dir):
    """`S` opens reveal.js's speaker view (a pop-up) with the slide's notes, from local files."""
    deck, _ = fixture_deck
    requests: list[str] = []

    def record(request):
        requests.append(request.url)

    browser_context.on("request", record)
    page = browser_context.new_page()
    try:
        page.goto(deck.path.as_uri() + "#/1")  # the slide with the notes cell
        page.wait_for_function("() => window.Reveal && Reveal.isReady()")
        with browser_context.expect_page() as popup:
            page.keyboard.press("s")
        speaker = popup.value
        speaker.wait_for_selector(".speaker-controls-notes", state="attached")
        speaker.wait_for_function(
            "() => document.querySelector('.speaker-controls-notes').innerText.includes('out loud')"
        )
        speaker.screenshot(path=str(output_dir / "slides-fixture" / "99_fixture-speaker.png"))
        speaker.close()
    finally:
        page.close()
        browser_context.remove_listener("request", record)
    remote = [u for u in requests if not u.startswith(("file:", "data:", "blob:", "about:"))]
    assert remote == [], f"the speaker view loaded {remote}"
