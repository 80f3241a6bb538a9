"""Execute notebooks in place (refreshes committed outputs) and report each one's time and memory.

Usage: ``COURSE_PROFILE=standard python -m tools.run_notebooks [--record FILE] [--no-save] NB...``
(``make course PROFILE=standard NB=...`` does this; ``make measure PROFILE=fast`` records without
saving). Uses the current environment's kernel. For each notebook it prints the wall time, the
kernel's peak resident memory (RSS) and the kernel's CPU time.

``--record docs/measurements.json`` stores each run (profile, seconds, peak memory, CPU time,
date, machine, versions) in that file, one entry per notebook and profile, and re-renders the
teaching table in ``docs/teaching.md`` (:mod:`tools.teaching`). ``--no-save`` executes without
writing the notebook back (to measure ``fast`` without replacing the committed ``standard``
outputs).
"""

from __future__ import annotations

import datetime
import json
import os
import platform
import sys
import time
from importlib import metadata
from pathlib import Path
from typing import Any

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


def cpu_seconds(pid: int | None) -> float | None:
    """User + system CPU time of process ``pid`` and its finished children so far, in seconds."""
    if pid is None:
        return None
    try:
        import psutil

        t = psutil.Process(pid).cpu_times()
        return t.user + t.system + t.children_user + t.children_system
    except Exception:  # noqa: BLE001 - reported when it can be, never fails a run
        return None


def compact_images(nb: Any, min_bytes: int = 150_000) -> int:
    """Re-encode large PNG figure outputs as 256-colour palette PNGs; return bytes saved.

    Photo grids and style-transfer panels make notebooks of several MB; a palette (with
    dithering, as pngquant does) keeps them readable on a projector at a third of the size.
    Only images of at least ``min_bytes`` that actually shrink are replaced.
    """
    import base64
    import io

    from PIL import Image

    if min_bytes < 0:
        raise ValueError(f"min_bytes must be >= 0, got {min_bytes}")
    saved = 0
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if "image/png" not in data:
                continue
            raw = base64.b64decode(data["image/png"])
            if len(raw) < min_bytes:
                continue
            image = Image.open(io.BytesIO(raw))
            if image.mode in ("RGBA", "LA", "P"):
                image = image.convert("RGBA")
                flat = Image.new("RGB", image.size, "white")
                flat.paste(image, mask=image.split()[-1])
                image = flat
            else:
                image = image.convert("RGB")
            palette = image.quantize(colors=256, method=Image.Quantize.MEDIANCUT,
                                     dither=Image.Dither.FLOYDSTEINBERG)  # fmt: skip
            buffer = io.BytesIO()
            palette.save(buffer, "PNG", optimize=True)
            if buffer.tell() < len(raw):
                data["image/png"] = base64.b64encode(buffer.getvalue()).decode("ascii")
                saved += len(raw) - buffer.tell()
    return saved


def execute(path: Path, timeout: int = 1800, save: bool = True) -> dict:
    """Execute ``path`` in a fresh kernel (in place unless ``save=False``).

    Returns
    -------
    dict
        ``{"seconds": wall time, "peak_mb": peak kernel RSS or None, "cpu_s": kernel CPU time
        or None}``.
    """
    nb = nbformat.read(path, as_version=4)
    peak: list[float] = []
    cpu: list[float] = []

    def after_cell(**_) -> None:  # VmHWM and CPU time only grow: the last reading is the total
        pid = _kernel_pid(client)
        mb, seconds = peak_rss_mb(pid), cpu_seconds(pid)
        if mb is not None:
            peak.append(mb)
        if seconds is not None:
            cpu.append(seconds)

    client = NotebookClient(
        nb, timeout=timeout, kernel_name="python3", record_timing=False,
        resources={"metadata": {"path": str(path.parent)}}, on_cell_executed=after_cell,
    )  # fmt: skip
    start = time.perf_counter()
    client.execute()
    elapsed = time.perf_counter() - start
    if save:
        for c in nb.cells:
            c.metadata.pop("execution", None)
        compact_images(nb)
        nbformat.write(nb, path)
    return {"seconds": elapsed, "peak_mb": max(peak, default=None), "cpu_s": max(cpu, default=None)}


def run(path: Path, timeout: int = 1800) -> tuple[float, float | None]:
    """Execute ``path`` in place in a fresh kernel; return (wall seconds, peak kernel RSS in MB)."""
    result = execute(path, timeout)
    return result["seconds"], result["peak_mb"]


# --------------------------------------------------------------------------- recording


def machine() -> str:
    """e.g. ``"2 CPU cores (AMD EPYC 7B13), 23 GB RAM, Linux x86_64"``."""
    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = f" ({line.split(':', 1)[1].strip()})"
                break
    except OSError:
        pass
    memory = ""
    try:
        kb = int(Path("/proc/meminfo").read_text().split()[1])
        memory = f", {kb / 2**20:.0f} GB RAM"
    except (OSError, ValueError, IndexError):
        pass
    return f"{os.cpu_count()} CPU cores{model}{memory}, {platform.system()} {platform.machine()}"


def versions() -> dict[str, str]:
    """Python and the main libraries of this environment (the kernel's)."""
    found = {"python": platform.python_version()}
    for name in ("tensorflow", "keras", "numpy"):
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            pass
    return found


def record(file: Path, notebook: str, profile: str, result: dict) -> None:
    """Store one run in ``file`` (JSON): ``notebooks[notebook][profile] = {...}``."""
    data = json.loads(file.read_text()) if file.exists() else {}
    data.setdefault(
        "about",
        "Recorded by `python -m tools.run_notebooks --record` (make course/measure RECORD=...); "
        "rendered into docs/teaching.md by tools/teaching.py.",
    )
    entry = {
        "seconds": round(result["seconds"], 1),
        "peak_mb": None if result["peak_mb"] is None else round(result["peak_mb"]),
        "cpu_s": None if result["cpu_s"] is None else round(result["cpu_s"], 1),
        "date": datetime.date.today().isoformat(),
        "machine": machine(),
        "versions": versions(),
    }
    data.setdefault("notebooks", {}).setdefault(notebook, {})[profile] = entry
    data["notebooks"] = dict(sorted(data["notebooks"].items()))
    file.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n")


def main(argv: list[str]) -> None:
    record_to = None
    save = True
    paths = []
    args = iter(argv)
    for arg in args:
        if arg == "--record":
            record_to = Path(next(args))
        elif arg == "--no-save":
            save = False
        else:
            paths.append(arg)
    if not paths:
        paths = sorted(str(p) for p in Path("notebooks").glob("*.ipynb"))
    profile = os.environ.get("COURSE_PROFILE")
    if record_to is not None and profile not in ("fast", "standard", "full"):
        raise SystemExit("--record needs COURSE_PROFILE=fast|standard|full (the profile recorded)")
    for p in paths:
        result = execute(Path(p), save=save)
        mb = result["peak_mb"]
        memory = f", peak memory {mb:,.0f} MB" if mb is not None else ""
        cpu = f", CPU {result['cpu_s']:.0f} s" if result["cpu_s"] is not None else ""
        print(
            f"{p}: executed in {result['seconds']:.1f} s{memory}{cpu} "
            f"(profile {profile or '(automatic)'})",
            flush=True,
        )
        if record_to is not None:
            record(record_to, Path(p).stem, profile, result)
    if record_to is not None:
        from tools import teaching

        teaching.update(record_to)


if __name__ == "__main__":
    main(sys.argv[1:])
