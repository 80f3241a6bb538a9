"""Build one offline reveal.js deck per notebook, plus ``slides/index.html``.

Usage::

    python -m tools.build_slides                      # every notebooks/*.ipynb -> slides/
    python -m tools.build_slides notebooks/01_*.ipynb # some notebooks
    python -m tools.build_slides --out DIR            # elsewhere (the browser tests do this)

``make slides`` runs the first form. The notebooks are the single source; a deck is made of
their committed outputs (nothing is executed). The slide convention (CONTRIBUTING.md):

- ``metadata.slideshow.slide_type`` of each cell: ``slide`` / ``subslide`` / ``fragment`` /
  ``-`` / ``skip`` / ``notes`` (speaker notes, press ``S`` in the deck);
- cells tagged ``setup`` or ``solution`` are left out;
- the first cell (``# NN · Title`` + pitch + Colab badge) becomes the title slide; the badge is
  dropped because it is an image on a remote server;
- widget outputs become a short note plus what the widget showed when the notebook was saved
  (its Output widgets' figures, with the controls' settings): a static page has no kernel.

Offline: reveal.js and MathJax are npm packages pinned in ``slides/package.json`` /
``package-lock.json`` and installed into ``slides/node_modules`` with ``npm ci`` from the npm
registry the first time (``ensure_assets``). Decks load them through relative paths, so the
``slides/`` folder works from disk with no network. After writing a deck the build checks
that its HTML refers to no remote script, style sheet, image or font, and fails if it does.
"""

from __future__ import annotations

import argparse
import copy
import html
import json
import os
import re
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import nbconvert
import nbformat
from nbconvert import SlidesExporter
from nbconvert.filters.markdown import markdown2html
from traitlets.config import Config

ROOT = Path(__file__).resolve().parents[1]
SLIDES = ROOT / "slides"
TEMPLATES = SLIDES / "templates"
ASSETS = SLIDES / "node_modules"
COURSE_TITLE = "Neural networks for images"

#: Cells with these tags never appear in a deck.
REMOVED_TAGS = frozenset({"setup", "solution"})
SLIDE_TYPES = frozenset({"slide", "subslide", "fragment", "-", "skip", "notes"})
#: Files a deck loads, relative to ASSETS (checked by ``ensure_assets``).
ASSET_FILES = (
    "reveal.js/dist/reveal.js",
    "reveal.js/dist/reveal.css",
    "reveal.js/dist/theme/white.css",
    "reveal.js/plugin/notes/notes.js",
    "mathjax/es5/tex-chtml-full.js",
    "mathjax/es5/output/chtml/fonts/woff-v2/MathJax_Main-Regular.woff",
)

_BADGE = re.compile(r"\[!\[[^\]]*\]\([^)]*\)\]\([^)]*\)")
# A remote resource: src/href of a tag that *loads* something, or a CSS url(...).
_REMOTE = re.compile(
    r"<(?:script|link|img|iframe|source|video|audio|embed|object)\b[^>]*?"
    r"\b(?:src|href|data)\s*=\s*[\"']?\s*(?:https?:)?//[^\"'\s>]*"
    r"|url\(\s*[\"']?\s*(?:https?:)?//[^)\"']*"
    r"|@import\s+[\"'](?:https?:)?//[^\"']*",
    re.IGNORECASE,
)

CSS = """
:root {
  --jp-ui-font-size1: 20px;
  --jp-content-font-size1: 20px;
  --jp-code-font-size: 17px;
}
.reveal { font-size: 140%; }
.reveal .slides section:not(.stack) {
  height: 100%;
  overflow-y: auto;
  padding: 0 0.4em;
  box-sizing: border-box;
}
.jp-Notebook { padding: 0; }
a.anchor-link { display: none; }
.reveal .jp-RenderedImage img { max-height: 600px; width: auto; }
.reveal .slides .celltag_course-title { padding-top: 160px; }
.reveal .slides .celltag_course-title > * { text-align: center; }
.reveal .slides .celltag_course-title h1 { font-size: 2.4em; }
.reveal h1, .reveal h2, .reveal h3 { text-transform: none; }
.reveal .course-kicker { color: #777; letter-spacing: 0.05em; text-transform: uppercase; }
.reveal .course-meta { color: #777; font-size: 0.7em; }
.reveal .course-widget {
  font-style: italic; color: #555; border: 1px dashed #999; padding: 0.3em 0.6em;
}
"""


class SlidesError(RuntimeError):
    """The decks cannot be built (missing assets, a remote resource, bad metadata)."""


@dataclass(frozen=True)
class Deck:
    """One built deck: its notebook name, HTML file, title and number of slides."""

    name: str
    path: Path
    title: str
    pitch: str
    n_slides: int

    @property
    def size(self) -> int:
        return self.path.stat().st_size


def ensure_assets(assets: Path = ASSETS) -> Path:
    """Install reveal.js and MathJax with ``npm ci`` unless the pinned versions are present.

    Returns the ``node_modules`` folder. Raises :class:`SlidesError` if npm is missing or fails.
    """
    wanted = json.loads((assets.parent / "package.json").read_text())["dependencies"]

    def installed(pkg: str) -> str | None:
        meta = assets / pkg / "package.json"
        return json.loads(meta.read_text()).get("version") if meta.exists() else None

    ok = all(installed(p) == v for p, v in wanted.items())
    if ok and all((assets / f).exists() for f in ASSET_FILES):
        return assets
    npm = shutil.which("npm")
    if npm is None:
        raise SlidesError(
            "npm is needed once to install reveal.js and MathJax for the slides "
            "(Debian/Ubuntu: apt-get install npm; macOS: brew install node)."
        )
    cmd = [npm, "ci", "--no-audit", "--no-fund", "--loglevel=error", "--prefix", str(assets.parent)]
    print("installing slide assets: npm", " ".join(cmd[1:]), flush=True)
    done = subprocess.run(cmd, capture_output=True, text=True)
    if done.returncode != 0:
        raise SlidesError(f"npm ci failed:\n{done.stdout}{done.stderr}")
    missing = [f for f in ASSET_FILES if not (assets / f).exists()]
    if missing:
        raise SlidesError(f"npm ci did not install {missing}")
    return assets


def slide_type(cell) -> str:
    """The cell's ``slideshow.slide_type`` (``-`` when absent)."""
    return cell.get("metadata", {}).get("slideshow", {}).get("slide_type", "-")


def kept_cells(nb) -> list:
    """The cells that a deck shows: all but those tagged ``setup`` or ``solution``."""
    return [c for c in nb.cells if not REMOVED_TAGS & set(c.get("metadata", {}).get("tags", []))]


def check_metadata(nb, name: str) -> None:
    """Raise :class:`SlidesError` on a cell without a known ``slide_type``."""
    bad = [
        i
        for i, c in enumerate(nb.cells)
        if c.get("metadata", {}).get("slideshow", {}).get("slide_type") not in SLIDE_TYPES
    ]
    if bad:
        raise SlidesError(
            f"{name}: cells {bad} lack metadata.slideshow.slide_type "
            f"(one of {sorted(SLIDE_TYPES)}; see CONTRIBUTING.md)"
        )


def title_cell(nb, name: str):
    """Split the notebook's first cell into (title, pitch) and make it the title slide."""
    cells = kept_cells(nb)
    first = cells[0] if cells else None
    lines = first.source.strip().splitlines() if first and first.cell_type == "markdown" else []
    if lines and lines[0].startswith("# "):
        title = lines[0][2:].strip()
        pitch = _BADGE.sub("", "\n".join(lines[1:])).strip()
    else:  # no title cell: make one from the file name
        first = None
        title, pitch = name.replace("_", " "), ""
    number = name.split("_", 1)[0]
    source = (
        f'<p class="course-kicker">{html.escape(COURSE_TITLE)} · lecture {number}</p>\n\n'
        f"# {title}\n\n{pitch}\n\n"
        f'<p class="course-meta">notebooks/{name}.ipynb · press <kbd>S</kbd> for speaker notes'
        "</p>"
    )
    cell = nbformat.v4.new_markdown_cell(source)
    cell.metadata["slideshow"] = {"slide_type": "slide"}
    cell.metadata["tags"] = ["course-title"]
    return first, cell, title, pitch


WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"
WIDGET_NOTE = (
    '<div class="course-widget">Interactive widget{settings}: open the notebook in JupyterLab '
    "to use it (or present it live with RISE).</div>"
)


def widget_snapshot(model_id: str, state: dict) -> tuple[list[str], list]:
    """What a saved widget showed: its controls' settings and its Output widgets' outputs.

    ``state`` is the notebook's saved widget state (``metadata.widgets[...]["state"]``),
    ``model_id`` the id of the view that a cell displayed. Returns (``["step = 1", ...]``,
    outputs) by walking the widget's children.
    """
    settings: list[str] = []
    outputs: list = []
    seen: set[str] = set()

    def walk(mid: str) -> None:
        model = state.get(mid)
        if model is None or mid in seen:
            return
        seen.add(mid)
        s = model.get("state", {})
        if model.get("model_name") == "OutputModel":
            outputs.extend(o for o in s.get("outputs", []) if o.get("output_type") != "error")
        elif s.get("description"):
            labels = s.get("_options_labels")
            if labels is not None and isinstance(s.get("index"), int):
                settings.append(f"{s['description']} = {labels[s['index']]}")
            elif "value" in s:
                settings.append(f"{s['description']} = {s['value']}")
        for ref in s.get("children", []):
            walk(str(ref).removeprefix("IPY_MODEL_"))

    walk(model_id)
    return settings, outputs


def replace_widgets(cell, state: dict | None = None) -> None:
    """Swap widget outputs for a note plus what the widget showed when the notebook was saved
    (e.g. an ``interact``'s figure): a static page has no kernel to drive them."""
    if "outputs" not in cell:
        return
    new = []
    for output in cell.outputs:
        view = output.get("data", {}).get(WIDGET_VIEW)
        if view is None:
            new.append(output)
            continue
        settings, shown = widget_snapshot(view.get("model_id", ""), state or {})
        where = f" (shown with {', '.join(html.escape(x) for x in settings)})" if settings else ""
        note = {"text/html": WIDGET_NOTE.format(settings=where)}
        new.append(nbformat.v4.new_output("display_data", note))
        new.extend(nbformat.from_dict(o) for o in shown)
    cell.outputs = new


def prepare(nb, name: str):
    """Return (deck notebook, title, pitch): tagged cells removed, title slide in front."""
    check_metadata(nb, name)
    deck = copy.deepcopy(nb)
    saved = deck.metadata.pop("widgets", {})  # the state itself is not embedded: no widget manager
    state = saved.get(WIDGET_STATE, {}).get("state", {})
    first, title_slide, title, pitch = title_cell(deck, name)
    cells = [c for c in kept_cells(deck) if c is not first]
    for c in cells:
        replace_widgets(c, state)
    deck.cells = [title_slide, *cells]
    return deck, title, pitch


def count_slides(deck) -> int:
    """Number of reveal.js slides (``slide`` + ``subslide`` cells) in a prepared deck."""
    return sum(slide_type(c) in {"slide", "subslide"} for c in deck.cells)


def remote_resources(text: str) -> list[str]:
    """Remote URLs that a page would load (scripts, styles, images, fonts, frames)."""
    return sorted({m.group(0)[:160] for m in _REMOTE.finditer(text)})


def _no_alt_text_warning(record) -> bool:
    return "Alternative text is missing" not in record.getMessage()


def _exporter() -> SlidesExporter:
    c = Config()
    c.SlidesExporter.extra_template_basedirs = [str(TEMPLATES)]
    c.SlidesExporter.template_name = "course_reveal"
    c.SlidesExporter.exclude_input_prompt = True
    c.SlidesExporter.exclude_output_prompt = True
    exporter = SlidesExporter(config=c)
    # Figures are cell outputs, which carry no alt text; nbconvert gives them a generic one and
    # warns once per deck. Keep the build's output to what matters.
    if _no_alt_text_warning not in exporter.log.filters:
        exporter.log.addFilter(_no_alt_text_warning)
    return exporter


def build_deck(path: Path, out_dir: Path, assets: Path = ASSETS) -> Deck:
    """Write ``out_dir/<name>.slides.html`` for the notebook at ``path``."""
    name = path.stem
    deck, title, pitch = prepare(nbformat.read(path, as_version=4), name)
    resources = {
        "metadata": {"name": name},
        "course": {
            "assets": Path(os.path.relpath(assets, out_dir)).as_posix(),
            "title": title,
            "css": CSS,
            "nbconvert_version": nbconvert.__version__,
        },
    }
    body, _ = _exporter().from_notebook_node(deck, resources=resources)
    remote = remote_resources(body)
    if remote:
        raise SlidesError(f"{name}: the deck would load remote resources: {remote}")
    target = out_dir / f"{name}.slides.html"
    target.write_text(body, encoding="utf-8")
    return Deck(name, target, title, pitch, count_slides(deck))


def write_index(decks: list[Deck], out_dir: Path) -> Path:
    """Write ``index.html``: one link per deck with its title, pitch and slide count."""
    items = "\n".join(
        f'<li><a class="deck" href="{d.path.name}">{html.escape(d.title)}</a>'
        f'<span class="meta">{d.n_slides} slides · {d.size / 1e6:.1f} MB</span>'
        f"{markdown2html(d.pitch)}</li>"
        for d in decks
    )
    page = f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8" />
<meta name="viewport" content="width=device-width, initial-scale=1.0" />
<title>{COURSE_TITLE} · lecture slides</title>
<style>
body {{ font-family: system-ui, sans-serif; max-width: 46em; margin: 2em auto; padding: 0 1em;
       color: #222; line-height: 1.45; }}
li {{ margin: 0 0 1em 0; }}
a {{ font-size: 1.2em; font-weight: 600; }}
.meta {{ color: #777; margin-left: 0.8em; font-size: 0.9em; }}
p {{ margin: 0.2em 0 0 0; }}
</style>
</head>
<body>
<h1>{COURSE_TITLE}: lecture slides</h1>
<p>One deck per notebook, built by <code>make slides</code> from the notebooks' committed outputs.
Keys: arrows to move, <kbd>S</kbd> speaker notes, <kbd>F</kbd> full screen, <kbd>Esc</kbd>
overview. Works offline.</p>
<ol id="decks">
{items}
</ol>
</body>
</html>
"""
    target = out_dir / "index.html"
    target.write_text(page, encoding="utf-8")
    return target


def build(notebooks: list[Path], out_dir: Path = SLIDES) -> list[Deck]:
    """Install the assets if needed, then build every deck and the index into ``out_dir``."""
    assets = ensure_assets()
    out_dir.mkdir(parents=True, exist_ok=True)
    decks = [build_deck(p, out_dir, assets) for p in sorted(notebooks)]
    names = {d.path.name for d in decks}
    if out_dir.resolve() == SLIDES.resolve() and len(decks) == len(all_notebooks()):
        for stale in out_dir.glob("*.slides.html"):  # decks of deleted/renamed notebooks
            if stale.name not in names:
                stale.unlink()
    write_index(decks, out_dir)
    return decks


def all_notebooks() -> list[Path]:
    return sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))


def _shown(path: Path) -> str:
    """``path`` relative to the working directory when it is below it."""
    path = path.resolve()
    cwd = Path.cwd().resolve()
    return str(path.relative_to(cwd)) if path.is_relative_to(cwd) else str(path)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("notebooks", nargs="*", type=Path, help="default: notebooks/NN_*.ipynb")
    parser.add_argument("--out", type=Path, default=SLIDES, help="output folder (slides/)")
    args = parser.parse_args(argv)
    start = time.perf_counter()
    try:
        decks = build(args.notebooks or all_notebooks(), args.out)
    except SlidesError as err:
        print(f"make slides: {err}", file=sys.stderr)
        return 1
    for d in decks:
        print(f"{_shown(d.path)}: {d.n_slides} slides, {d.size / 1e6:.2f} MB")
    print(
        f"{_shown(args.out / 'index.html')}: {len(decks)} deck(s), "
        f"built in {time.perf_counter() - start:.1f} s"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
