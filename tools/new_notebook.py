"""Scaffold a course notebook with the standard first cells.

Usage::

    python -m tools.new_notebook 06_vgg "VGG and transfer learning"

Creates ``notebooks/06_vgg.ipynb`` with: title + Colab badge, the Colab install cell,
the ``setup()`` cell, learning objectives, one example section, exercises and a summary,
every cell carrying slide metadata (see CONTRIBUTING.md). Add the notebook's knobs to
``course_utils/profiles.py`` before running it.
"""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from course_utils import REPO_URL

ROOT = Path(__file__).resolve().parents[1]
BRANCH = "main"

COLAB_INSTALL = f"""\
# Colab only: fetch the course and install its helper package, keeping Colab's own TensorFlow
# and Keras (does nothing elsewhere).
import sys

if "google.colab" in sys.modules:
    !git clone -q --depth 1 {REPO_URL} /content/nn-images
    %run /content/nn-images/tools/colab_install.py /content/nn-images"""


def cell(kind: str, source: str, slide: str = "-", tags: tuple[str, ...] = (), **meta):
    """Make a cell with ``slideshow.slide_type`` and optional tags."""
    make = new_markdown_cell if kind == "md" else new_code_cell
    c = make(source.strip("\n"))
    c.metadata["slideshow"] = {"slide_type": slide}
    if tags:
        c.metadata["tags"] = list(tags)
    c.metadata.update(meta)
    return c


def header_cells(name: str, title: str, subtitle: str = "") -> list:
    """Title + badge, Colab install cell and setup cell for notebook ``name``."""
    badge = (
        f"[![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)]"
        f"(https://colab.research.google.com/github/{REPO_URL.split('github.com/')[1]}"
        f"/blob/{BRANCH}/notebooks/{name}.ipynb)"
    )
    return [
        cell("md", f"# {title}\n\n{subtitle}\n\n{badge}".replace("\n\n\n", "\n\n"), "slide"),
        cell("code", COLAB_INSTALL, "skip", ("setup",)),
        cell(
            "code",
            f'import course_utils as cu\n\nprofile = cu.setup(notebook="{name}")',
            "skip",
            ("setup", "nbval-ignore-output"),
        ),
    ]


def solution_cell(source: str):
    """A hidden solution cell: collapsed in JupyterLab, left out of slides."""
    return cell("code", source, "skip", ("solution",), jupyter={"source_hidden": True})


def new(name: str, title: str) -> Path:
    path = ROOT / "notebooks" / f"{name}.ipynb"
    if path.exists():
        raise SystemExit(f"{path} exists already")
    nb = new_notebook(
        cells=[
            *header_cells(name, title),
            cell("md", "## Learning objectives\n\nBy the end of this notebook you can:\n\n- …"),
            cell("md", "## 1. First idea\n\nWhy it matters …", "slide"),
            cell("code", "# code that computes something\nresult = 1 + 1"),
            cell("code", "assert result == 2  # checks are computed, never typed"),
            cell("md", "## Exercises", "slide"),
            cell(
                "code",
                'answer = ...  # your code here\ncu.exercises.check("exercise 1", answer, 2)',
            ),
            solution_cell('answer = 1 + 1\nassert cu.exercises.check("exercise 1", answer, 2)'),
            cell("md", "## Summary\n\n- …", "slide"),
        ],
        metadata={
            "kernelspec": {
                "name": "python3",
                "display_name": "Python 3 (ipykernel)",
                "language": "python",
            },
            "language_info": {"name": "python"},
        },
    )
    nbformat.write(nb, path)
    return path


if __name__ == "__main__":
    if len(sys.argv) != 3:
        raise SystemExit(__doc__)
    print(new(sys.argv[1], sys.argv[2]))
