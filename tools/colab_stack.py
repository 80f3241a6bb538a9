"""Write ``requirements/colab.txt``: the versions Colab's runtime has of what the course uses.

Source: Google's published package list of the Colab runtime, the ``pip-freeze.txt`` (and
``os-info.txt`` for the Python version) of the GitHub repository ``googlecolab/backend-info``.
One line refreshes it (``make colab-refresh`` runs it)::

    git clone -q --depth 1 https://github.com/googlecolab/backend-info /tmp/backend-info && \\
        python3.13 -m tools.colab_stack /tmp/backend-info > requirements/colab.txt

Run it with the Python version Colab has (it says which when it does not match): pip resolves
the course's dependencies, Colab's kernel packages and the test tools against Colab's freeze as
constraints (a dry run, nothing is installed), and the file lists every resolved package that
Colab ships, at Colab's version. Packages Colab does not ship are listed as a comment: the
notebooks' setup cell (``tools/colab_install.py``) installs them.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

#: What a Colab kernel has besides the course's dependencies (the kernel, widgets) and what the
#: Colab CI job installs to run the tests (taken at Colab's version where Colab ships it).
EXTRA_ROOTS = [
    "ipykernel", "ipython", "ipywidgets", "jupyter_client",
    "pytest", "nbval==0.11.*", "nbformat", "nbconvert", "nbclient", "pyyaml", "psutil",
]  # fmt: skip


def normalise(name: str) -> str:
    """PEP 503 name: ``Jupyter_Client`` -> ``jupyter-client``."""
    return re.sub(r"[-_.]+", "-", name).lower()


def parse_freeze(text: str) -> dict[str, str]:
    """``name==version`` lines of a pip freeze -> {normalised name: version} (URLs are skipped)."""
    pins = {}
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#") and "==" in line and "@" not in line:
            name, _, version = line.partition("==")
            pins[normalise(name)] = version.strip()
    return pins


def _git(repo: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-C", str(repo), *args], check=True, capture_output=True, text=True
    ).stdout


def read_backend_info(repo: Path) -> dict:
    """Freeze, Python version, commit and date of a clone (or bare mirror) of backend-info."""
    freeze = _git(repo, "show", "HEAD:pip-freeze.txt")
    os_info = _git(repo, "show", "HEAD:os-info.txt")
    python = re.search(r"^Python (\d+\.\d+)\.\d+", os_info, re.M)
    if python is None:
        raise SystemExit("os-info.txt names no Python version")
    commit, date = _git(repo, "log", "-1", "--format=%H %cs", "HEAD").split()
    return {"freeze": freeze, "python": python.group(1), "python_full": python.group(0),
            "commit": commit, "date": date}  # fmt: skip


def resolve(pins: dict[str, str]) -> list[tuple[str, str]]:
    """(name, version) of everything pip would install for the course under Colab's pins."""
    with tempfile.TemporaryDirectory() as tmp:
        constraints = Path(tmp, "colab-constraints.txt")
        constraints.write_text("".join(f"{n}=={v}\n" for n, v in sorted(pins.items())))
        report = Path(tmp, "report.json")
        subprocess.run(
            [sys.executable, "-m", "pip", "install", "--dry-run", "--ignore-installed", "-q",
             "--report", str(report), "-c", str(constraints), "-e", str(ROOT), *EXTRA_ROOTS],
            check=True,
        )  # fmt: skip
        items = json.loads(report.read_text())["install"]
    found = [(item["metadata"]["name"], item["metadata"]["version"]) for item in items]
    found = [(n, v) for n, v in found if normalise(n) != "course-utils"]
    return sorted(found, key=lambda pair: normalise(pair[0]))


def render(info: dict, resolved: list[tuple[str, str]]) -> str:
    pins = parse_freeze(info["freeze"])
    on_colab = [(n, v) for n, v in resolved if normalise(n) in pins]
    elsewhere = [(n, v) for n, v in resolved if normalise(n) not in pins]
    lines = [
        "# Colab's runtime: the versions it ships of the course's dependencies, its kernel",
        "# packages and the test tools (and of everything those pull in). CI's Colab job",
        "# (`make colab-test`) installs exactly these, then the course the way the notebooks'",
        "# setup cell does (tools/colab_install.py).",
        "# Source: github.com/googlecolab/backend-info, pip-freeze.txt and os-info.txt at commit",
        f"# {info['commit']} ({info['date']}); {info['python_full']}.",
        "# Refresh (`make colab-refresh`): git clone -q --depth 1 "
        "https://github.com/googlecolab/backend-info /tmp/backend-info",
        "#   && python3.13 -m tools.colab_stack /tmp/backend-info > requirements/colab.txt",
        f"# python: {info['python']}",
        f"# date: {info['date']}",
        f"# commit: {info['commit']}",
    ]
    lines += [f"{n}=={v}" for n, v in on_colab]
    lines.append("# Not on Colab (the setup cell installs the course's; the rest is test-only):")
    lines += [f"#   {n}=={v}" for n, v in elsewhere]
    return "\n".join(lines) + "\n"


def main(argv: list[str]) -> None:
    if len(argv) != 1:
        raise SystemExit("usage: python -m tools.colab_stack PATH-TO-backend-info-CLONE")
    info = read_backend_info(Path(argv[0]))
    here = f"{sys.version_info.major}.{sys.version_info.minor}"
    if here != info["python"]:
        raise SystemExit(
            f"Colab runs Python {info['python']}; run this with python{info['python']} "
            f"(this is Python {here}), so pip resolves for Colab's interpreter"
        )
    sys.stdout.write(render(info, resolve(parse_freeze(info["freeze"]))))


if __name__ == "__main__":
    main(sys.argv[1:])
