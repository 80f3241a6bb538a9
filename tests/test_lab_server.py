"""`make lab` really serves the notebooks: start it headless, ask the contents API, stop it."""

import json
import os
import secrets
import signal
import socket
import subprocess
import time
import urllib.request

import pytest


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_make_lab_serves_notebooks(root, tmp_path):
    port, token = _free_port(), secrets.token_hex(8)
    args = f"--no-browser --ip=127.0.0.1 --port={port} --IdentityProvider.token={token}"
    env = {**os.environ, "JUPYTER_RUNTIME_DIR": str(tmp_path / "runtime")}
    log = (tmp_path / "lab.log").open("w")
    proc = subprocess.Popen(
        ["make", "--no-print-directory", "lab", f"ARGS={args}"],
        cwd=root, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}/api/contents?token={token}"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                with urllib.request.urlopen(url, timeout=5) as response:
                    listing = json.load(response)
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    log_text = (tmp_path / "lab.log").read_text()
                    pytest.fail(f"JupyterLab did not come up:\n{log_text}")
                time.sleep(0.5)
        names = {item["name"] for item in listing["content"]}
        assert "00_getting_started.ipynb" in names
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/lab?token={token}") as response:
            assert response.status == 200 and b"JupyterLab" in response.read()
        # The settings `make setup` writes: no Jupyter-news pop-up, RISE's offline theme.
        for plugin, key, value in (
            ("@jupyterlab/apputils-extension:notification", "fetchNews", "false"),
            ("@jupyterlab/apputils-extension:notification", "checkForUpdates", False),
            ("jupyterlab-rise:plugin", "theme", "white"),
        ):
            settings_url = f"http://127.0.0.1:{port}/lab/api/settings/{plugin}?token={token}"
            with urllib.request.urlopen(settings_url, timeout=10) as response:
                schema = json.load(response)["schema"]  # overrides replace the schema defaults
            assert schema["properties"][key]["default"] == value, (plugin, key)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(timeout=30)
