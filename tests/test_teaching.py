"""docs/teaching.md's tables are rendered from the recorded measurements and the estimates."""

from __future__ import annotations

import json

import yaml

from tools import run_notebooks, teaching


def test_tables_in_the_guide_match_the_recorded_files():
    times, measured = teaching.load()
    text = teaching.GUIDE.read_text()
    assert teaching.render(text, times, measured) == text, (
        "docs/teaching.md is out of date: run `python -m tools.teaching`"
    )


def test_every_notebook_has_a_teaching_estimate(root):
    times = yaml.safe_load((root / "docs" / "teaching-time.yml").read_text())["notebooks"]
    notebooks = {p.stem for p in (root / "notebooks").glob("*.ipynb")}
    missing = sorted(notebooks - set(times))
    assert not missing, f"add these notebooks to docs/teaching-time.yml: {missing}"
    for name, est in times.items():
        assert isinstance(est["teach"], int) and isinstance(est["exercises"], int), name
        assert 10 <= est["teach"] <= 120 and 0 <= est["exercises"] <= 90, name


def test_recorded_measurements_name_profile_machine_date_and_versions():
    _, measured = teaching.load()
    for name, profiles in measured.get("notebooks", {}).items():
        assert set(profiles) <= {"fast", "standard", "full"}, name
        for entry in profiles.values():
            assert entry["seconds"] > 0 and entry["date"] and "CPU cores" in entry["machine"]
            assert {"python", "tensorflow", "keras"} <= set(entry["versions"]), name


def test_record_then_render(tmp_path):
    file = tmp_path / "m.json"
    run_notebooks.record(file, "00_x", "fast", {"seconds": 12.34, "peak_mb": 812.4, "cpu_s": 20.0})
    run_notebooks.record(file, "00_x", "standard", {"seconds": 300, "peak_mb": 2048, "cpu_s": None})
    data = json.loads(file.read_text())
    assert data["notebooks"]["00_x"]["fast"]["seconds"] == 12.3
    assert data["notebooks"]["00_x"]["standard"]["peak_mb"] == 2048
    times = {"notebooks": {"00_x": {"teach": 30, "exercises": 15}}}
    table = teaching.teaching_table(times, data)
    assert "| `00_x` | 30 min | 15 min | 12 s | 5.0 min | 0.8 GB | 2.0 GB |" in table
    data["hub"] = {"server_overhead_mb": 100}
    cap = teaching.capacity(data)
    assert cap["fast"]["per_student_mb"] == 912 and cap["standard"]["heaviest"] == "00_x"
    assert teaching.students_that_fit(64, 912) == (64 * 1024 - teaching.RESERVE_MB) // 912
    assert "16 cores, 64 GB" in teaching.capacity_table(data)


def test_record_needs_a_profile(tmp_path, monkeypatch):
    import pytest

    monkeypatch.delenv("COURSE_PROFILE", raising=False)
    with pytest.raises(SystemExit, match="COURSE_PROFILE"):
        run_notebooks.main(["--record", str(tmp_path / "m.json"), "nothing.ipynb"])
