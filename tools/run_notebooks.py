"""Execute notebooks in place (refreshes committed outputs) and report each one's time.

Usage: ``COURSE_PROFILE=standard python -m tools.run_notebooks notebooks/*.ipynb``
(``make course PROFILE=standard NB=...`` does this). Uses the current environment's kernel.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient


def run(path: Path, timeout: int = 1800) -> float:
    """Execute ``path`` in place in a fresh kernel; return the wall time in seconds."""
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(
        nb, timeout=timeout, kernel_name="python3", record_timing=False,
        resources={"metadata": {"path": str(path.parent)}},
    )  # fmt: skip
    start = time.perf_counter()
    client.execute()
    elapsed = time.perf_counter() - start
    for c in nb.cells:
        c.metadata.pop("execution", None)
    nbformat.write(nb, path)
    return elapsed


def main(paths: list[str]) -> None:
    profile = os.environ.get("COURSE_PROFILE", "(automatic)")
    for p in paths:
        seconds = run(Path(p))
        print(f"{p}: executed in {seconds:.1f} s (profile {profile})", flush=True)


if __name__ == "__main__":
    main(sys.argv[1:] or sorted(str(p) for p in Path("notebooks").glob("*.ipynb")))
