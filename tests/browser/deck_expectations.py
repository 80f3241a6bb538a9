"""What a notebook's deck must contain, computed from the notebook alone (not from the build).

The rules restate CONTRIBUTING.md's slide convention: cells tagged ``setup``/``solution`` are
left out, ``skip`` cells are not shown, ``notes`` cells become speaker notes, every ``slide`` and
``subslide`` cell starts a reveal.js slide, and the ``# NN · Title`` cell is the title slide.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

REMOVED_TAGS = {"setup", "solution"}
_CODE = re.compile(r"```.*?```|`[^`\n]*`", re.DOTALL)
_MATH = re.compile(
    r"\$\$.+?\$\$|\\\(.+?\\\)|\\\[.+?\\\]|\\begin\{\w+\*?\}"
    r"|(?<![\\$\w])\$(?=[^\s$])[^$\n]+?(?<=[^\s\\])\$(?!\w)",
    re.DOTALL,
)


def slide_type(cell) -> str:
    return cell.get("metadata", {}).get("slideshow", {}).get("slide_type", "-")


def has_math(markdown: str) -> bool:
    """True when the markdown contains TeX that MathJax typesets ($..$, $$..$$, \\(..\\), ...)."""
    return bool(_MATH.search(_CODE.sub("", markdown)))


@dataclass
class Expected:
    name: str
    title: str
    n_slides: int
    n_notes: int
    n_images: int
    n_code_inputs: int
    n_widgets: int
    has_math: bool
    removed_sources: list[str] = field(default_factory=list)


def expected(path: Path) -> Expected:
    nb = nbformat.read(path, as_version=4)
    tagged = [bool(REMOVED_TAGS & set(c.get("metadata", {}).get("tags", []))) for c in nb.cells]
    kept = [c for c, t in zip(nb.cells, tagged, strict=True) if not t]
    removed = [c for c, t in zip(nb.cells, tagged, strict=True) if t]
    first = kept[0] if kept else None
    is_title = bool(first and first.cell_type == "markdown" and first.source.startswith("# "))
    title = first.source.splitlines()[0][2:].strip() if is_title else path.stem.replace("_", " ")
    body = kept[1:] if is_title else kept
    shown = [c for c in body if slide_type(c) != "skip"]
    outputs = [o for c in shown if c.cell_type == "code" for o in c.get("outputs", [])]
    return Expected(
        name=path.stem,
        title=title,
        n_slides=1 + sum(slide_type(c) in {"slide", "subslide"} for c in body),
        n_notes=sum(slide_type(c) == "notes" for c in shown),
        n_images=sum(bool({"image/png", "image/jpeg"} & set(o.get("data", {}))) for o in outputs),
        n_code_inputs=sum(c.cell_type == "code" for c in shown),
        n_widgets=sum(
            "application/vnd.jupyter.widget-view+json" in o.get("data", {}) for o in outputs
        ),
        has_math=any(has_math(c.source) for c in shown if c.cell_type == "markdown"),
        removed_sources=[c.source.strip() for c in removed if c.source.strip()],
    )
