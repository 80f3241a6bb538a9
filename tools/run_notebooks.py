"""Execute notebooks in place (refreshes committed outputs) and report each one's time and memory.

Usage: ``COURSE_PROFILE=standard python -m tools.run_notebooks notebooks/*.ipynb``
(``make course PROFILE=standard NB=...`` does this). Uses the current environment's kernel.
For each notebook it prints the wall time and the kernel's peak resident memory (RSS).
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient


def _kernel_pid(client: NotebookClient) -> int | None:
    """The kernel process id of a running client (local kernels only)."""
    process = getattr(getattr(client.km, "provisioner", None), "process", None)
    return getattr(process, "pid", None)


def peak_rss_mb(pid: int | None) -> float | None:
    """Peak resident memory of process ``pid`` in MB so far (Linux ``VmHWM``; else current RSS)."""
    if pid is None:
        return None
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    try:
        import psutil

        return psutil.Process(pid).memory_info().rss / 2**20
    except Exception:  # noqa: BLE001 - memory is reported when it can be, never fails a run
        return None


def run(path: Path, timeout: int = 1800) -> tuple[float, float | None]:
    """Execute ``path`` in place in a fresh kernel; return (wall seconds, peak kernel RSS in MB)."""
    nb = nbformat.read(path, as_version=4)
    peak: list[float] = []

    def after_cell(**_) -> None:  # VmHWM only grows: the last reading is the peak
        mb = peak_rss_mb(_kernel_pid(client))
        if mb is not None:
            peak.append(mb)

    client = NotebookClient(
        nb, timeout=timeout, kernel_name="python3", record_timing=False,
        resources={"metadata": {"path": str(path.parent)}}, on_cell_executed=after_cell,
    )  # fmt: skip
    start = time.perf_counter()
    client.execute()
    elapsed = time.perf_counter() - start
    for c in nb.cells:
        c.metadata.pop("execution", None)
    nbformat.write(nb, path)
    return elapsed, max(peak, default=None)


def main(paths: list[str]) -> None:
    profile = os.environ.get("COURSE_PROFILE", "(automatic)")
    for p in paths:
        seconds, mb = run(Path(p))
        memory = f", peak memory {mb:,.0f} MB" if mb is not None else ""
        print(f"{p}: executed in {seconds:.1f} s{memory} (profile {profile})", flush=True)


if __name__ == "__main__":
    main(sys.argv[1:] or sorted(str(p) for p in Path("notebooks").glob("*.ipynb")))
