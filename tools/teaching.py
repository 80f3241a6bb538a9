"""The teaching table of ``docs/teaching.md``, rendered from two small data files.

- ``docs/teaching-time.yml``: per notebook, the minutes an instructor needs to teach it and the
  minutes its exercises take (estimates, written by hand);
- ``docs/measurements.json``: per notebook and profile, the measured run time, peak memory and
  CPU time (``python -m tools.run_notebooks --record``), and the JupyterHub test's per-student
  numbers (``python -m tools.teaching --hub test-output/hub-measurements.json``).

``python -m tools.teaching`` rewrites the parts of ``docs/teaching.md`` between the
``<!-- teaching-table -->`` and ``<!-- capacity-table -->`` markers; ``tests/test_teaching.py``
fails when they are out of date.
"""

from __future__ import annotations

import datetime
import json
import math
import re
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
GUIDE = DOCS / "teaching.md"
TIMES = DOCS / "teaching-time.yml"
MEASUREMENTS = DOCS / "measurements.json"

#: Memory kept free for the operating system, the Hub and its proxy on a class server (MB).
RESERVE_MB = 2048
#: Server sizes the capacity table is computed for: (cores, GB of RAM).
SERVERS = [(8, 32), (16, 64), (32, 128), (64, 256)]
CLASS_SIZE = 100


def load() -> tuple[dict, dict]:
    times = yaml.safe_load(TIMES.read_text())
    measured = json.loads(MEASUREMENTS.read_text()) if MEASUREMENTS.exists() else {}
    return times, measured


def _fmt_seconds(entry: dict | None) -> str:
    if not entry:
        return "—"
    s = entry["seconds"]
    return f"{s:.0f} s" if s < 120 else f"{s / 60:.1f} min"


def _fmt_mb(entry: dict | None) -> str:
    if not entry or entry.get("peak_mb") is None:
        return "—"
    return f"{entry['peak_mb'] / 1024:.1f} GB"


def teaching_table(times: dict, measured: dict) -> str:
    """Markdown: one row per notebook (teaching estimates + measured runs)."""
    runs = measured.get("notebooks", {})
    rows = [
        "| notebook | teach | exercises | run time `fast` | run time `standard` "
        "| peak memory `fast` | peak memory `standard` |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    total_teach = total_ex = 0
    for name in sorted(set(times["notebooks"]) | set(runs)):
        est = times["notebooks"].get(name, {})
        fast, standard = runs.get(name, {}).get("fast"), runs.get(name, {}).get("standard")
        teach, ex = est.get("teach"), est.get("exercises")
        total_teach += teach or 0
        total_ex += ex or 0
        rows.append(
            f"| `{name}` | {teach if teach is not None else '—'} min "
            f"| {ex if ex is not None else '—'} min | {_fmt_seconds(fast)} "
            f"| {_fmt_seconds(standard)} | {_fmt_mb(fast)} | {_fmt_mb(standard)} |"
        )
    rows.append(f"| **all** | **{total_teach / 60:.1f} h** | **{total_ex / 60:.1f} h** "
                 "| | | | |")  # fmt: skip
    sources = sorted({
        f"{e['machine']}; Python {e['versions'].get('python')}, TensorFlow "
        f"{e['versions'].get('tensorflow')}, Keras {e['versions'].get('keras')}"
        for nb in runs.values() for e in nb.values()
    })  # fmt: skip
    dates = sorted({e["date"] for nb in runs.values() for e in nb.values()})
    if sources:
        when = dates[0] if len(dates) == 1 else f"{dates[0]} to {dates[-1]}"
        rows.append("")
        rows.append(f"Measured {when} on " + " / ".join(sources) + " (— : not measured yet).")
    return "\n".join(rows)


def capacity(measured: dict) -> dict:
    """Per-student memory and CPU figures the capacity table is derived from."""
    runs = measured.get("notebooks", {})
    server_mb = measured.get("hub", {}).get("server_overhead_mb", 0)
    out = {"server_overhead_mb": server_mb}
    for profile in ("fast", "standard"):
        entries = {n: r[profile] for n, r in runs.items() if r.get(profile, {}).get("peak_mb")}
        if not entries:
            continue
        by_memory = sorted(entries, key=lambda n: entries[n]["peak_mb"])
        cpu_heavy = max(entries, key=lambda n: entries[n].get("cpu_s") or 0)
        median = by_memory[(len(by_memory) - 1) // 2]
        out[profile] = {
            "measured": len(entries),
            "heaviest": by_memory[-1],
            "per_student_mb": entries[by_memory[-1]]["peak_mb"] + server_mb,
            "median": median,
            "median_mb": entries[median]["peak_mb"] + server_mb,
            "cpu_notebook": cpu_heavy,
            "cpu_s": entries[cpu_heavy].get("cpu_s") or 0,
        }
    return out


def students_that_fit(ram_gb: int, per_student_mb: float) -> int:
    """Students whose kernels can all be at their peak at once on ``ram_gb`` of RAM."""
    return max(0, math.floor((ram_gb * 1024 - RESERVE_MB) / per_student_mb))


def ram_needed_gb(students: int, per_student_mb: float) -> int:
    """RAM (GB, rounded up) for ``students`` kernels at their peak at once, plus the reserve."""
    return math.ceil((students * per_student_mb + RESERVE_MB) / 1024)


def capacity_table(measured: dict) -> str:
    cap = capacity(measured)
    profiles = [p for p in ("fast", "standard") if p in cap]
    if not profiles:
        return "No measurements recorded yet."
    head = ["server"]
    for p in profiles:
        head += [f"students, heaviest lecture (`{p}`)", f"students, median lecture (`{p}`)"]
    head.append(f"{CLASS_SIZE} students press *Run all* on the most CPU-hungry lecture")
    rows = ["| " + " | ".join(head) + " |", "|---|" + "---:|" * (len(head) - 1)]
    for cores, ram in SERVERS:
        cells = [f"{cores} cores, {ram} GB"]
        for p in profiles:
            cells += [str(students_that_fit(ram, cap[p]["per_student_mb"])),
                      str(students_that_fit(ram, cap[p]["median_mb"]))]  # fmt: skip
        waits = [f"{CLASS_SIZE * cap[p]['cpu_s'] / cores / 60:.0f} min (`{p}`)" for p in profiles]
        cells.append(", ".join(waits))
        rows.append("| " + " | ".join(cells) + " |")
    rows.append("")
    for p in profiles:
        c = cap[p]
        rows.append(
            f"- `{p}` ({c['measured']} notebooks measured): {CLASS_SIZE} students need "
            f"{ram_needed_gb(CLASS_SIZE, c['per_student_mb'])} GB for the heaviest lecture "
            f"(`{c['heaviest']}`, {c['per_student_mb'] / 1024:.1f} GB per student) and "
            f"{ram_needed_gb(CLASS_SIZE, c['median_mb'])} GB for the median one (`{c['median']}`, "
            f"{c['median_mb'] / 1024:.1f} GB); the most CPU-hungry is `{c['cpu_notebook']}` "
            f"({c['cpu_s']:.0f} CPU-seconds per student)."
        )
    rows.append(
        f"- Per student: the kernel's peak memory in that lecture + {cap['server_overhead_mb']} MB "
        f"for the student's Jupyter server (measured by `make hub-test`); {RESERVE_MB // 1024} GB "
        "stay free for the system, the Hub and its proxy. Every student is counted at the peak at "
        "the same moment, as when a whole class presses *Run all*. The wait is students × "
        "CPU-seconds / cores."
    )
    return "\n".join(rows)


def _replace(text: str, marker: str, body: str) -> str:
    pattern = re.compile(rf"(<!-- {marker} -->\n).*?(<!-- /{marker} -->)", re.S)
    if not pattern.search(text):
        raise SystemExit(f"{GUIDE}: no <!-- {marker} --> ... <!-- /{marker} --> block")
    return pattern.sub(lambda m: m.group(1) + body + "\n" + m.group(2), text)


def render(text: str, times: dict, measured: dict) -> str:
    text = _replace(text, "teaching-table", teaching_table(times, measured))
    return _replace(text, "capacity-table", capacity_table(measured))


def update(measurements: Path = MEASUREMENTS) -> None:
    """Re-render docs/teaching.md from the data files (after a recorded run)."""
    if measurements.resolve() != MEASUREMENTS.resolve() or not GUIDE.exists():
        return
    times, measured = load()
    GUIDE.write_text(render(GUIDE.read_text(), times, measured))


def record_hub(path: Path) -> None:
    """Copy the JupyterHub test's summary (test-output/hub-measurements.json) into the record."""
    from tools.run_notebooks import machine, versions

    hub = json.loads(path.read_text())
    per = hub["per_student"].values()
    measured = json.loads(MEASUREMENTS.read_text()) if MEASUREMENTS.exists() else {}
    measured["hub"] = {
        **hub,
        "date": datetime.date.today().isoformat(),
        "server_overhead_mb": round(max(s["peak_rss_mb"] - s["kernel_peak_rss_mb"] for s in per)),
        "machine": machine(),
        "versions": versions(),
    }
    MEASUREMENTS.write_text(json.dumps(measured, indent=2, ensure_ascii=False) + "\n")


def main(argv: list[str]) -> None:
    if argv[:1] == ["--hub"]:
        record_hub(Path(argv[1]))
    update()
    print(f"rendered {GUIDE.relative_to(ROOT)}")


if __name__ == "__main__":
    main(sys.argv[1:])
