"""The student's path in a real browser: `make lab` serves JupyterLab, a notebook runs top to
bottom with COURSE_PROFILE=fast, its widget is live and its figures render, nothing errors.

The notebook is notebooks/01_*.ipynb (the first lecture with a widget), or 00 until 01 exists;
a copy of it runs, under test-output/browser/lab/. The server gets private Jupyter
config/runtime/settings folders; the settings attach every cell to the page (windowing off) so
that the whole notebook can be inspected, and turn autosave off.
(tests/test_lab_server.py checks that `make lab` serves the notebooks; this test drives it.)
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import nbformat
import pytest
from browser_helpers import ROOT, Traffic
from deck_expectations import expected

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
#: Elements that only a live ipywidgets view renders (not the text repr, not the placeholder).
WIDGET_CONTROLS = (
    ".jp-OutputArea-output .jupyter-widgets :is(.widget-slider, .widget-hslider, .widget-vslider,"
    " .widget-button, .widget-toggle-buttons, .widget-dropdown, .widget-checkbox, .widget-radio)"
)


def lab_notebook() -> Path:
    """notebooks/01_*.ipynb, else 00; ``COURSE_LAB_NOTEBOOK=notebooks/NN_x.ipynb`` picks another."""
    chosen = os.environ.get("COURSE_LAB_NOTEBOOK")
    if chosen:
        return (ROOT / chosen).resolve()
    for pattern in ("01_*.ipynb", "00_*.ipynb"):
        found = sorted((ROOT / "notebooks").glob(pattern))
        if found:
            return found[0]
    raise FileNotFoundError("no notebooks/00_*.ipynb")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _settings(folder: Path) -> None:
    """JupyterLab user settings for the test server (JUPYTERLAB_SETTINGS_DIR)."""
    values = {
        "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
        "@jupyterlab/docmanager-extension/plugin.jupyterlab-settings": {"autosave": False},
        "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {
            "fetchNews": "false", "checkForUpdates": False,
        },
        # RISE's default theme ("simple") loads web fonts; "white" is self-contained
        "jupyterlab-rise/plugin.jupyterlab-settings": {"theme": "white"},
    }  # fmt: skip
    for name, value in values.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(value))


@pytest.fixture(scope="module")
def lab_server(output_dir, tmp_path_factory):
    """JupyterLab on a free loopback port serving a copy of the notebook.

    Yields (notebook URL, the copy's path, base URL). The server command is `make lab`'s
    (``jupyter lab --notebook-dir=... --no-browser``) with the copy's folder as root: the
    committed notebook is never opened, so nothing the browser does can overwrite it.
    """
    notebook = lab_notebook()
    work = output_dir / "lab" / "work"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    shutil.copy(notebook, work / notebook.name)
    private = tmp_path_factory.mktemp("jupyter")
    _settings(private / "settings")
    port, token = _free_port(), secrets.token_hex(16)
    jupyter = ROOT / ".venv" / "bin" / "jupyter"
    cmd = [str(jupyter)] if jupyter.exists() else [sys.executable, "-m", "jupyter"]
    cmd += ["lab", f"--notebook-dir={work}", "--no-browser", "--ip=127.0.0.1", f"--port={port}"]
    cmd += [f"--IdentityProvider.token={token}"]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        cmd.append("--allow-root")
    env = {
        **os.environ,
        "COURSE_PROFILE": "fast",  # the kernel inherits the server's environment
        "JUPYTER_CONFIG_DIR": str(private / "config"),
        "JUPYTER_RUNTIME_DIR": str(private / "runtime"),
        "JUPYTERLAB_SETTINGS_DIR": str(private / "settings"),
        "JUPYTERLAB_WORKSPACES_DIR": str(private / "workspaces"),
    }
    log_path = output_dir / "lab" / "server.log"
    with log_path.open("w") as log:
        proc = subprocess.Popen(
            cmd, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                with urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=5):
                    break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"JupyterLab did not start:\n{log_path.read_text()}")
                time.sleep(0.5)
        yield f"{base}/lab/tree/{notebook.name}?reset&token={token}", work / notebook.name, base
    finally:
        if proc.poll() is None:
            try:  # polite shutdown: the server stops its kernels
                request = urllib.request.Request(
                    f"{base}/api/shutdown?token={token}", method="POST", data=b""
                )
                urllib.request.urlopen(request, timeout=10).close()
                proc.wait(timeout=30)
            except (OSError, subprocess.TimeoutExpired):
                os.killpg(proc.pid, signal.SIGTERM)
                proc.wait(timeout=30)


def _expectations(notebook: Path) -> dict:
    nb = nbformat.read(notebook, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code" and c.source.strip()]
    shown = [c for c in code if not c.metadata.get("jupyter", {}).get("source_hidden")]
    outputs = [o for c in code for o in c.get("outputs", [])]
    markdown = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    return {
        "remote_images": set(re.findall(r"!\[[^\]]*\]\((https?://[^)\s]+)", markdown)),
        "code_cells": len(shown),  # collapsed cells (solutions) run too, but show no prompt
        "widget": any(WIDGET_VIEW in o.get("data", {}) for o in outputs),
        "figure": any("image/png" in o.get("data", {}) for o in outputs),
    }


def _wait_for_run_all(page, n_cells: int, timeout_s: float = 600) -> int:
    """Wait until every code cell ran, or the kernel has been idle for 10 s (run-all stops at
    the first error). Returns the number of cells that show an execution count."""
    deadline = time.monotonic() + timeout_s
    quiet_since = None
    while time.monotonic() < deadline:
        prompts = page.eval_on_selector_all(
            ".jp-Notebook .jp-CodeCell .jp-InputPrompt", "els => els.map(e => e.textContent)"
        )
        done = sum(bool(re.fullmatch(r"\s*\[\d+\]:\s*", p)) for p in prompts)
        busy = any("*" in p for p in prompts)
        idle = page.locator(".jp-Notebook-ExecutionIndicator[data-status='idle']").count() > 0
        if done >= n_cells and not busy and idle:
            return done
        if done and idle and not busy:
            quiet_since = quiet_since or time.monotonic()
            if time.monotonic() - quiet_since > 10:
                return done
        else:
            quiet_since = None
        page.wait_for_timeout(500)
    pytest.fail(f"run-all did not finish in {timeout_s:.0f} s ({done}/{n_cells} cells ran)")


def test_notebook_runs_in_jupyterlab(browser_context, lab_server, output_dir):
    url, notebook, base = lab_server
    expect = _expectations(notebook)
    page = browser_context.new_page()
    traffic = Traffic(page, allowed_prefixes=(base,))
    start = time.monotonic()
    try:
        page.goto(url)
        page.wait_for_selector(".jp-NotebookPanel .jp-Notebook .jp-Cell", timeout=120_000)
        # the kernel is connected and idle (the toolbar indicator says idle even before that)
        page.locator(".jp-StatusBar-TextItem", has_text=re.compile(r"\| Idle$")).first.wait_for(
            timeout=120_000
        )
        page.click(".lm-MenuBar-itemLabel:text-is('Run')")
        page.click(".lm-Menu-item[data-command='runmenu:run-all']")
        ran = _wait_for_run_all(page, expect["code_cells"])
        seconds = time.monotonic() - start

        errors = page.eval_on_selector_all(
            ".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']",
            "els => els.map(e => e.innerText.slice(0, 500))",
        )
        outputs_text = page.eval_on_selector_all(
            ".jp-OutputArea-output", "els => els.map(e => e.innerText).join('\\n')"
        )
        figures = page.eval_on_selector_all(
            ".jp-OutputArea-output.jp-RenderedImage img",
            "els => els.filter(i => i.complete && i.naturalWidth > 0).length",
        )
        controls = page.locator(WIDGET_CONTROLS)
        n_controls = controls.count()
        shot = output_dir / "lab" / f"{notebook.stem}.png"
        if n_controls:
            controls.first.scroll_into_view_if_needed()
        elif figures:
            page.locator(".jp-RenderedImage img").first.scroll_into_view_if_needed()
        page.screenshot(path=str(shot))
        if n_controls:
            _check_widget_is_live(page)
    finally:
        page.close()

    print(f"{notebook.name}: run-all in JupyterLab took {seconds:.1f} s (profile fast)")
    assert errors == [], f"{notebook.name}: error/stderr outputs:\n" + "\n".join(errors)
    assert "Traceback" not in outputs_text
    assert ran == expect["code_cells"], f"only {ran}/{expect['code_cells']} code cells ran"
    # blocked, as everything off the machine: only images the markdown links (the Colab badge)
    called_out = set(traffic.external) - expect["remote_images"]
    assert not called_out, f"the JupyterLab page called out: {sorted(called_out)}"
    assert traffic.failed_not_blocked == [], f"failed requests: {traffic.failed_not_blocked}"
    assert traffic.errors == [], f"JavaScript errors in JupyterLab: {traffic.errors}"
    if expect["figure"]:
        assert figures >= 1, f"{notebook.name}: no matplotlib figure rendered"
    if expect["widget"]:
        assert "Loading widget" not in outputs_text, "the widget never rendered"
        assert not re.search(r"\b(interactive|IntSlider|FloatSlider|Button)\(", outputs_text), (
            "the widget shows its text repr instead of a live view"
        )
        assert n_controls >= 1, f"{notebook.name}: no live widget control in the page"


def _check_widget_is_live(page) -> None:
    """Move the first slider with the keyboard: its readout must change (the widget's JavaScript
    runs) and, inside an ``interact``, the output must be redrawn (the kernel answered)."""
    slider = page.locator(".jp-OutputArea-output .jupyter-widgets .widget-slider").first
    if slider.count() == 0:
        return
    readout = slider.locator(".widget-readout").first
    handle = slider.locator(".noUi-handle").first
    box = page.locator(".jp-OutputArea-output .widget-interact").filter(has=slider).first
    output = box.locator(".widget-output").first if box.count() else None
    before = readout.inner_text()
    drawn = output.inner_html() if output is not None and output.count() else None
    handle.focus()
    for key in ("ArrowRight", "ArrowLeft"):
        handle.press(key)
        page.wait_for_timeout(300)
        if readout.inner_text() != before:
            break
    else:
        pytest.fail(f"the slider did not move with the keyboard (readout stayed {before!r})")
    if drawn is not None:
        deadline = time.monotonic() + 30
        while output.inner_html() == drawn:
            if time.monotonic() > deadline:
                pytest.fail("the interact output was not redrawn after the slider moved")
            page.wait_for_timeout(250)


def test_rise_presents_the_notebook(browser_context, lab_server, output_dir):
    """Live presenting: jupyterlab-rise renders the notebook as reveal.js slides (same metadata,
    same slide count as the offline deck), equations typeset, nothing fetched from the web."""
    url, notebook, base = lab_server
    exp = expected(notebook)
    page = browser_context.new_page()
    traffic = Traffic(page, allowed_prefixes=(base,))
    try:
        page.goto(url.replace("/lab/tree/", "/rise/").replace("?reset&", "?"))
        page.wait_for_selector(".reveal.ready .slides section", timeout=120_000)
        if exp.has_math:
            page.wait_for_selector(".reveal mjx-container", timeout=60_000)
        facts = page.evaluate(
            """() => ({
                slides: [...document.querySelectorAll('.reveal .slides section')]
                    .filter(s => !s.querySelector('section')).length,
                math: document.querySelectorAll('.reveal mjx-container').length,
            })"""
        )
        page.screenshot(path=str(output_dir / "lab" / f"{notebook.stem}-rise.png"))
    finally:
        page.close()
    assert facts["slides"] == exp.n_slides, f"RISE shows {facts['slides']} slides"
    assert facts["math"] >= 1 or not exp.has_math
    called_out = set(traffic.external) - _expectations(notebook)["remote_images"]
    assert not called_out, f"RISE called out: {sorted(called_out)}"
    assert traffic.errors == [], f"JavaScript errors in RISE: {traffic.errors}"
