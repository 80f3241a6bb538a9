"""A class on one JupyterHub: three students run notebook 00 at the same time.

Starts a real JupyterHub on 127.0.0.1 (configurable-http-proxy from npm, installed into
``tests/hub/node_modules`` by ``make hub-proxy``; the dummy authenticator; jupyterhub's
SimpleLocalProcessSpawner with one home per student under a temporary folder), logs three
students in through the Hub's REST API (``POST /hub/api/users/<name>/tokens`` with their
password), starts their servers and executes notebook 00 (``fast``) in the three servers at once
through each server's kernel API (a session, then the kernel's websocket), then one more cell
that converts the EfficientNet-Lite0 weights. It asserts that all three finish, that each
student's caches (Keras' ``~/.keras``, the converted Lite0 weights) are in that student's home,
that one student's token does not open another's server, and that the read-only course folder
they run from works and is left untouched.

The course folder is read-only as on a class server (a read-only volume on Zero to JupyterHub, a
shared folder without write permission on The Littlest JupyterHub): as root (CI) it is a
read-only bind mount in a private mount namespace of the hub (root ignores permission bits),
otherwise its permission bits. Bounded in time; processes, ports (chosen free on 127.0.0.1) and
the temporary folder are cleaned up also on failure. Per-student times, peak memory and kernel CPU
time are printed and written to ``test-output/hub-measurements.json``.
"""

from __future__ import annotations

import asyncio
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PROXY = ROOT / "tests" / "hub" / "node_modules" / ".bin" / "configurable-http-proxy"
NOTEBOOK = "00_getting_started.ipynb"
N_USERS = 3
DEADLINE = 420  # seconds for the whole test: hub, three spawns, three notebooks, cleanup
REQUIRED = os.environ.get("CI") == "true" or os.environ.get("COURSE_REQUIRE_HUB") == "1"


def _missing(what: str) -> None:
    if REQUIRED:
        pytest.fail(f"{what} (CI needs it: make hub-proxy / make setup)")
    pytest.skip(what)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# ------------------------------------------------------------------------------ the hub


def _hub_config(base: Path, names: list[str], ports: dict, password: str) -> Path:
    hubdir = base / "hub"
    hubdir.mkdir(mode=0o700)
    bin_dir = Path(sys.executable).parent
    environment = {
        "COURSE_PROFILE": "fast",
        "COURSE_OFFLINE": "1",
        "TF_CPP_MIN_LOG_LEVEL": "2",
        "PATH": f"{bin_dir}:/usr/local/bin:/usr/bin:/bin",
        "MPLBACKEND": "Agg",
    }
    lines = [
        f"c.JupyterHub.bind_url = 'http://127.0.0.1:{ports['public']}'",
        f"c.JupyterHub.hub_bind_url = 'http://127.0.0.1:{ports['hub']}'",
        f"c.ConfigurableHTTPProxy.api_url = 'http://127.0.0.1:{ports['proxy_api']}'",
        f"c.ConfigurableHTTPProxy.command = [{str(PROXY)!r}]",
        f"c.JupyterHub.db_url = 'sqlite:///{hubdir}/jupyterhub.sqlite'",
        f"c.JupyterHub.cookie_secret_file = '{hubdir}/jupyterhub_cookie_secret'",
        "c.JupyterHub.authenticator_class = 'dummy'",
        f"c.DummyAuthenticator.password = {password!r}",
        f"c.Authenticator.allowed_users = {set(names)!r}",
        "c.JupyterHub.spawner_class = 'simple'",
        f"c.SimpleLocalProcessSpawner.home_dir_template = '{base}/home/{{username}}'",
        f"c.Spawner.cmd = [{str(bin_dir / 'jupyterhub-singleuser')!r}]",
        "c.Spawner.ip = '127.0.0.1'",
        f"c.Spawner.notebook_dir = {str(base)!r}",
        f"c.Spawner.environment = {environment!r}",
        "c.Spawner.start_timeout = 180",
        "c.Spawner.http_timeout = 180",
        "c.JupyterHub.cleanup_servers = True",
        "c.JupyterHub.cleanup_proxy = True",
    ]
    if os.geteuid() == 0:  # CI runs as root: the servers run as the hub's user
        lines.append("c.Spawner.args = ['--allow-root']")
    config = hubdir / "jupyterhub_config.py"
    config.write_text("\n".join(lines) + "\n")
    return config


def _stop(proc: subprocess.Popen | None) -> None:
    """SIGTERM the hub (it stops the proxy and the servers), then SIGKILL its process group."""
    if proc is None or proc.poll() is not None:
        return
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        pass
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    proc.wait(timeout=10)


def _processes(names: list[str]) -> dict[str, list]:
    """{student: processes (server, kernels) running for that student}, from their environment."""
    import psutil

    found: dict[str, list] = {name: [] for name in names}
    for p in psutil.process_iter():
        try:
            user = p.environ().get("JUPYTERHUB_USER")
        except (psutil.Error, OSError):
            continue
        if user in found:
            found[user].append(p)
    return found


def _kill_leftovers(names: list[str], proxy_api_port: int) -> list[str]:
    """Kill what is still running for the students, and our proxy; say what that was."""
    import psutil

    leftovers = [p for procs in _processes(names).values() for p in procs]
    for p in psutil.process_iter(["cmdline"]):
        cmd = " ".join(p.info["cmdline"] or [])
        if str(PROXY) in cmd and str(proxy_api_port) in cmd:
            leftovers.append(p)
    killed = []
    for p in leftovers:
        try:
            killed.append(" ".join(p.cmdline())[:80])
            p.kill()
        except psutil.Error:
            pass
    return killed


class Sampler(threading.Thread):
    """Every 0.5 s: each student's total RSS (server + kernel) and the kernel's CPU time."""

    def __init__(self, names: list[str]):
        super().__init__(daemon=True)
        self.names = names
        self.peak_mb = dict.fromkeys(names, 0.0)
        self.kernel_peak_mb = dict.fromkeys(names, 0.0)
        self.kernel_cpu_s = dict.fromkeys(names, 0.0)
        self.hub_peak_mb = 0.0
        self.hub_pid: int | None = None
        self.stop = threading.Event()

    def run(self) -> None:
        import psutil

        while not self.stop.wait(0.5):
            for name, procs in _processes(self.names).items():
                total = 0.0
                for p in procs:
                    try:
                        rss = p.memory_info().rss / 2**20
                        total += rss
                        if "ipykernel" in " ".join(p.cmdline()):
                            self.kernel_peak_mb[name] = max(self.kernel_peak_mb[name], rss)
                            cpu = p.cpu_times()
                            self.kernel_cpu_s[name] = max(
                                self.kernel_cpu_s[name], cpu.user + cpu.system
                            )
                    except psutil.Error:
                        continue
                self.peak_mb[name] = max(self.peak_mb[name], total)
            if self.hub_pid:  # the hub and its proxy (its other children are the servers)
                try:
                    hub = psutil.Process(self.hub_pid)
                    proxy = [q for q in hub.children() if str(PROXY) in " ".join(q.cmdline())]
                    own = [hub, *proxy]
                    mb = sum(q.memory_info().rss for q in own) / 2**20
                    self.hub_peak_mb = max(self.hub_peak_mb, mb)
                except psutil.Error:
                    pass


# ------------------------------------------------------------------------------ REST + kernel


class Client:
    def __init__(self, base_url: str):
        from tornado.httpclient import AsyncHTTPClient

        self.base = base_url
        self.http = AsyncHTTPClient()

    async def call(self, method: str, path: str, token: str | None = None, body=None) -> dict:
        from tornado.httpclient import HTTPRequest

        headers = {"Authorization": f"token {token}"} if token else {}
        data = None if body is None else json.dumps(body)
        if method in ("POST", "PUT", "PATCH") and data is None:
            data = ""
        req = HTTPRequest(self.base + path, method=method, headers=headers, body=data,
                          request_timeout=120, allow_nonstandard_methods=True)  # fmt: skip
        resp = await self.http.fetch(req, raise_error=True)
        return json.loads(resp.body) if resp.body else {}

    async def status(self, path: str, token: str) -> int:
        from tornado.httpclient import HTTPRequest

        req = HTTPRequest(self.base + path, headers={"Authorization": f"token {token}"},
                          follow_redirects=False, request_timeout=60)  # fmt: skip
        resp = await self.http.fetch(req, raise_error=False)
        return resp.code


async def _wait_for_hub(client: Client, proc: subprocess.Popen, log: Path, timeout: float):
    start = time.monotonic()
    while time.monotonic() - start < timeout:
        if proc.poll() is not None:
            raise AssertionError(f"the hub exited ({proc.returncode}):\n{log.read_text()[-3000:]}")
        try:
            await client.call("GET", "/hub/api/")
            return time.monotonic() - start
        except Exception:  # noqa: BLE001 - not up yet
            await asyncio.sleep(0.3)
    raise AssertionError(f"the hub did not answer in {timeout} s:\n{log.read_text()[-3000:]}")


class Kernel:
    """A kernel of a user's server, driven over its websocket (Jupyter's JSON protocol)."""

    def __init__(self, client: Client, user: str, token: str):
        self.client, self.user, self.token = client, user, token
        self.session = uuid.uuid4().hex
        self.ws = None
        self.session_id = None

    async def open(self, path: str) -> None:
        from tornado.httpclient import HTTPRequest
        from tornado.websocket import websocket_connect

        sess = await self.client.call(
            "POST", f"/user/{self.user}/api/sessions", self.token,
            {"path": path, "type": "notebook", "name": "", "kernel": {"name": "python3"}},
        )  # fmt: skip
        self.session_id = sess["id"]
        kid = sess["kernel"]["id"]
        url = self.client.base.replace("http://", "ws://")
        url += f"/user/{self.user}/api/kernels/{kid}/channels?session_id={self.session}"
        req = HTTPRequest(url, headers={"Authorization": f"token {self.token}"})
        self.ws = await websocket_connect(req)

    async def run(self, code: str, timeout: float = 300) -> dict:
        """Execute ``code``; return {"status", "text", "error"} once the kernel is idle again."""
        msg_id = uuid.uuid4().hex
        msg = {
            "header": {"msg_id": msg_id, "username": self.user, "session": self.session,
                       "msg_type": "execute_request", "version": "5.3"},
            "parent_header": {}, "metadata": {}, "buffers": [], "channel": "shell",
            "content": {"code": code, "silent": False, "store_history": True,
                        "user_expressions": {}, "allow_stdin": False, "stop_on_error": True},
        }  # fmt: skip
        await self.ws.write_message(json.dumps(msg))
        text, error, reply, idle = [], None, None, False
        deadline = time.monotonic() + timeout
        while reply is None or not idle:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError(f"{self.user}: cell did not finish in {timeout} s: {code[:80]}")
            raw = await asyncio.wait_for(self.ws.read_message(), left)
            if raw is None:
                raise ConnectionError(f"{self.user}: kernel websocket closed")
            m = json.loads(raw)
            if m.get("parent_header", {}).get("msg_id") != msg_id:
                continue
            kind, content = m["header"]["msg_type"], m["content"]
            if kind == "stream":
                text.append(content["text"])
            elif kind in ("execute_result", "display_data"):
                text.append(content.get("data", {}).get("text/plain", ""))
            elif kind == "error":
                error = f"{content['ename']}: {content['evalue']}"
            elif kind == "status" and content["execution_state"] == "idle":
                idle = True
            elif kind == "execute_reply":
                reply = content["status"]
        return {"status": reply, "text": "".join(text), "error": error}

    async def close(self) -> None:
        if self.ws is not None:
            self.ws.close()
        if self.session_id:
            await self.client.call(
                "DELETE", f"/user/{self.user}/api/sessions/{self.session_id}", self.token
            )


AFTER_NOTEBOOK = """
import json, os
from course_utils import pretrained
pretrained.efficientnet_lite0(verbose=False)
report = {"home": os.path.expanduser("~"), "cwd": os.getcwd(),
          "lite0": str(pretrained._lite0_cache_path()),
          "keras_home": str(pretrained._keras_models_dir().parent)}
try:
    open(os.path.join(report["cwd"], "scratch.txt"), "w").close()
    report["course_writable"] = True
except OSError:
    report["course_writable"] = False
print("REPORT" + json.dumps(report))
"""


async def _student(client: Client, name: str, other: str, password: str, t0: float) -> dict:
    """Log in, start the server, run notebook 00 and the extra cell; return timings + report."""
    import nbformat

    times = {}
    login = await client.call(
        "POST", f"/hub/api/users/{name}/tokens", None,
        {"auth": {"username": name, "password": password}, "note": "hub test"},
    )  # fmt: skip
    token = login["token"]
    times["login_s"] = time.monotonic() - t0
    await client.call("POST", f"/hub/api/users/{name}/server", token)
    while True:
        model = await client.call("GET", f"/hub/api/users/{name}", token)
        if model["servers"].get("", {}).get("ready"):
            break
        await asyncio.sleep(0.5)
    times["server_ready_s"] = time.monotonic() - t0
    kernel = Kernel(client, name, token)
    await kernel.open(f"course/{NOTEBOOK}")
    nb = nbformat.read(ROOT / "notebooks" / NOTEBOOK, as_version=4)
    start = time.monotonic()
    errors = []
    for i, cell in enumerate(nb.cells):
        if cell.cell_type == "code":
            result = await kernel.run(cell.source)
            if result["status"] != "ok":
                errors.append(f"cell {i}: {result['error']}")
                break
    times["notebook_s"] = time.monotonic() - start
    start = time.monotonic()
    extra = await kernel.run(AFTER_NOTEBOOK)
    times["lite0_s"] = time.monotonic() - start
    assert extra["status"] == "ok", f"{name}: {extra['error']}"
    report = json.loads(extra["text"].split("REPORT", 1)[1])
    await kernel.close()
    times["done_s"] = time.monotonic() - t0
    report["other_server_status"] = await client.status(f"/user/{other}/api/status", token)
    return {"name": name, "times": times, "errors": errors, "report": report}


# ------------------------------------------------------------------------------ the test


def _tree(path: Path) -> dict[str, tuple[int, int]]:
    return {str(p.relative_to(path)): (p.stat().st_size, p.stat().st_mtime_ns)
            for p in sorted(path.rglob("*"))}  # fmt: skip


def _read_only_namespace() -> bool:
    """Whether a private mount namespace with a read-only bind mount works here (root)."""
    if os.geteuid() != 0 or shutil.which("unshare") is None:
        return False
    probe = subprocess.run(
        ["unshare", "--mount", "--propagation", "private", "true"], capture_output=True
    )
    return probe.returncode == 0


def _hub_command(config: Path, course: Path) -> list[str]:
    hub = [str(Path(sys.executable).parent / "jupyterhub"), "-f", str(config)]
    if not _read_only_namespace():
        return hub
    script = 'mount --bind "$0" "$0" && mount -o remount,bind,ro "$0" && exec "$@"'
    return ["unshare", "--mount", "--propagation", "private", "sh", "-c", script, str(course), *hub]


def test_three_students_run_notebook_00_on_one_jupyterhub():
    if shutil.which("jupyterhub", path=str(Path(sys.executable).parent)) is None:
        _missing("jupyterhub is not installed in this environment")
    if not PROXY.exists():
        _missing(f"configurable-http-proxy is not installed ({PROXY})")
    tag = secrets.token_hex(2)  # names of this run only: its processes are found by name
    names = [f"student{i}-{tag}" for i in range(1, N_USERS + 1)]
    base = Path(tempfile.mkdtemp(prefix="nn-images-hub-"))
    proc = None
    ports = {k: _free_port() for k in ("public", "hub", "proxy_api")}
    sampler = Sampler(names)
    t_start = time.monotonic()
    try:
        (base / "home").mkdir()
        course = base / "course"
        course.mkdir()
        shutil.copy(ROOT / "notebooks" / NOTEBOOK, course / NOTEBOOK)
        (course / NOTEBOOK).chmod(0o444)
        course.chmod(0o555)  # read-only for everyone, like a shared /srv/course
        before = _tree(course)
        password = secrets.token_hex(8)
        config = _hub_config(base, names, ports, password)
        log = base / "hub" / "jupyterhub.log"
        with log.open("w") as out:
            proc = subprocess.Popen(
                _hub_command(config, course), cwd=base / "hub", stdout=out,
                stderr=subprocess.STDOUT, start_new_session=True,
            )  # fmt: skip
        sampler.hub_pid = proc.pid
        sampler.start()
        client = Client(f"http://127.0.0.1:{ports['public']}")

        async def main():
            hub_up = await _wait_for_hub(client, proc, log, 60)
            t0 = time.monotonic()
            runs = [
                _student(client, n, names[(i + 1) % len(names)], password, t0)
                for i, n in enumerate(names)
            ]
            results = await asyncio.gather(*runs)
            return hub_up, time.monotonic() - t0, results

        try:
            hub_up, together, results = asyncio.run(asyncio.wait_for(main(), DEADLINE))
        except Exception:
            print(log.read_text()[-5000:])
            raise
        sampler.stop.set()
        sampler.join(timeout=5)

        for r in results:
            name, rep = r["name"], r["report"]
            home = base / "home" / name
            assert not r["errors"], f"{name}: {r['errors']}"
            assert rep["home"] == str(home) and rep["cwd"] == str(course), rep
            assert rep["keras_home"] == str(home / ".keras"), rep
            assert rep["lite0"].startswith(str(home / ".keras") + "/"), rep
            assert Path(rep["lite0"]).is_file() and (home / ".keras" / "keras.json").is_file()
            assert not rep["course_writable"], f"{name} could write to the course folder"
            assert rep["other_server_status"] in (403, 404), rep
        assert _tree(course) == before, "the course folder changed"

        summary = {
            "students": N_USERS,
            "read_only_course": "bind mount" if _read_only_namespace() else "permissions",
            "hub_start_s": round(hub_up, 1),
            "all_done_s": round(together, 1),
            "hub_and_proxy_peak_rss_mb": round(sampler.hub_peak_mb),
            "per_student": {
                r["name"]: {
                    **{k: round(v, 1) for k, v in r["times"].items()},
                    "peak_rss_mb": round(sampler.peak_mb[r["name"]]),
                    "kernel_peak_rss_mb": round(sampler.kernel_peak_mb[r["name"]]),
                    "kernel_cpu_s": round(sampler.kernel_cpu_s[r["name"]], 1),
                }
                for r in results
            },
        }
        out_dir = ROOT / "test-output"
        out_dir.mkdir(exist_ok=True)
        (out_dir / "hub-measurements.json").write_text(json.dumps(summary, indent=2) + "\n")
        print(json.dumps(summary, indent=2))
    finally:
        sampler.stop.set()
        _stop(proc)
        leftovers = _kill_leftovers(names, ports["proxy_api"])
        course_dir = base / "course"
        if course_dir.exists():
            course_dir.chmod(0o755)
        shutil.rmtree(base, ignore_errors=True)
    assert not leftovers, f"processes left running after the hub stopped: {leftovers}"
    assert time.monotonic() - t_start < DEADLINE + 60
