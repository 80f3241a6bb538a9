"""Scaffold a course notebook with the standard first cells.

Usage::

    python -m tools.new_notebook 06_vgg "VGG and transfer learning"

Creates ``notebooks/06_vgg.ipynb`` with: title + Colab badge, the Colab install cell,
the ``setup()`` cell, learning objectives, one example section, an exercise in the course's
convention (task, stub, check, solution) and a summary, every cell carrying slide metadata
(see CONTRIBUTING.md); and, if missing, the notebook's exercise bank
``course_utils/exercise_bank/nb06_vgg.py`` with the example exercise's registry entry. Add the
notebook's knobs to ``course_utils/profiles.py`` before running it; replace the example
exercise by real ones.
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


def exercise(exercise_id: str, name: str, task: str, stub: str, solution: str) -> list:
    """The four cells of an exercise (CONTRIBUTING.md, "Exercises").

    ``task`` is the markdown (``**Exercise N — title.** what to do``), ``stub`` the student's
    cell (``def f(x):\n    ...  # your code here``), ``solution`` the code that defines
    ``name`` correctly; the check cell and the solution's last line,
    ``assert cu.exercises.check("<exercise_id>", <name>)``, are added here.
    """
    check = f'cu.exercises.check("{exercise_id}", {name})'
    return [
        cell("md", task),
        cell("code", stub, "-", ("exercise",)),
        cell("code", check, "skip", ("exercise-check",)),
        solution_cell(f"{solution.strip()}\n\n\nassert {check}"),
    ]


BANK_MODULE = '''\
"""Exercises of notebook {name} ({title})."""

from __future__ import annotations

import numpy as np

from course_utils.exercises import FunctionExercise, register

NOTEBOOK = "{name}"


def _double_cases() -> list[tuple]:
    rng = np.random.default_rng(0)
    return [
        (np.arange(3.0),),  # the lecture's example
        (rng.normal(size=(2, 5)),),  # beyond it: 2-D, negative values
        (np.array([], dtype=float),),  # empty
    ]


register(FunctionExercise(
    "{name}_double", NOTEBOOK, "double", reference=lambda x: 2 * np.asarray(x),
    cases=_double_cases, hint="every element, whatever the array's shape",
))  # fmt: skip
'''


def new(name: str, title: str, root: Path = ROOT) -> Path:
    path = root / "notebooks" / f"{name}.ipynb"
    if path.exists():
        raise SystemExit(f"{path} exists already")
    bank = root / "course_utils" / "exercise_bank" / f"nb{name}.py"
    if not bank.exists():
        bank.parent.mkdir(parents=True, exist_ok=True)
        bank.write_text(BANK_MODULE.format(name=name, title=title))
    nb = new_notebook(
        cells=[
            *header_cells(name, title),
            cell("md", "## Learning objectives\n\nBy the end of this notebook you can:\n\n- …"),
            cell("md", "## 1. First idea\n\nWhy it matters …", "slide"),
            cell("code", "import numpy as np\n\n# code that computes something\nresult = 1 + 1"),
            cell("code", "assert result == 2  # checks are computed, never typed", "skip"),
            cell("md", "## Exercises", "slide"),
            *exercise(
                f"{name}_double",
                "double",
                "**Exercise 1 — double.** Write `double(x)` that returns an array of any shape "
                "with every element multiplied by 2.",
                "def double(x):\n    ...  # your code here",
                "def double(x):\n    return 2 * np.asarray(x)",
            ),
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
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, path)
    return path


if __name__ == "__main__":
    if len(sys.argv) != 3:
        raise SystemExit(__doc__)
    print(new(sys.argv[1], sys.argv[2]))
