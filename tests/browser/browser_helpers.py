"""Helpers of the real-browser tests (see conftest.py)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
OUTPUT = ROOT / "test-output" / "browser"

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def require_browser() -> bool:
    return os.environ.get("COURSE_REQUIRE_BROWSER") == "1"


def unavailable(reason: str):
    """Skip (student machine) or fail (CI, COURSE_REQUIRE_BROWSER=1) for a missing tool."""
    if require_browser():
        pytest.fail(f"{reason} (COURSE_REQUIRE_BROWSER=1 makes this a failure)", pytrace=False)
    pytest.skip(reason)


def find_chromium() -> str | None:
    candidates = [os.environ.get("COURSE_CHROMIUM"), "/usr/bin/chromium"]
    candidates += [shutil.which(n) for n in ("chromium", "chromium-browser")]
    return next((c for c in candidates if c and os.access(c, os.X_OK)), None)


class Traffic:
    """Every request a page makes: external ones are aborted and recorded, failures recorded."""

    LOCAL_SCHEMES = ("file:", "data:", "blob:", "about:", "chrome-extension:")

    def __init__(self, page, allowed_prefixes: tuple[str, ...] = ()):
        self.allowed = self.LOCAL_SCHEMES + allowed_prefixes
        self.requests: list[str] = []
        self.external: list[str] = []
        self.failed: list[str] = []
        self.errors: list[str] = []
        page.on("request", lambda r: self.requests.append(r.url))
        page.on("requestfailed", lambda r: self.failed.append(f"{r.url} ({r.failure})"))
        page.on("pageerror", lambda e: self.errors.append(str(e)))
        page.route("**/*", self._route)

    def _route(self, route):
        url = route.request.url
        if url.startswith(self.allowed):
            route.continue_()
        else:
            self.external.append(url)
            route.abort("blockedbyclient")

    @property
    def failed_not_blocked(self) -> list[str]:
        """Failed requests other than the external ones this class blocked itself."""
        return [f for f in self.failed if f.split(" (")[0] not in self.external]
