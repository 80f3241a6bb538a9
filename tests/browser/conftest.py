"""Real-browser tests: headless Chromium (Debian's ``chromium``) driven by Playwright.

Without Chromium these tests skip with a message saying how to get it, except when
``COURSE_REQUIRE_BROWSER=1`` (set by ``.ci/run``): then a missing browser is a failure.
Playwright's own browser download is never used (``executable_path`` points at the system
Chromium; set ``COURSE_CHROMIUM=/path/to/chromium`` to use another one).
Screenshots go to ``test-output/browser/`` (git-ignored).
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from browser_helpers import CHROMIUM_ARGS, OUTPUT, ROOT, find_chromium, unavailable  # noqa: E402

if str(ROOT) not in sys.path:  # `tools` is a folder of the repository, not an installed package
    sys.path.insert(0, str(ROOT))


@pytest.fixture(scope="session")
def output_dir() -> Path:
    OUTPUT.mkdir(parents=True, exist_ok=True)
    return OUTPUT


@pytest.fixture(scope="session")
def browser_context(tmp_path_factory):
    """A Chromium with a fresh profile folder; yields a Playwright persistent context."""
    executable = find_chromium()
    if executable is None:
        unavailable(
            "real-browser tests need Chromium: apt-get install chromium "
            "(or set COURSE_CHROMIUM=/path/to/chromium)"
        )
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:  # pragma: no cover - playwright is a dev dependency
        unavailable("real-browser tests need the playwright package (pip install -e '.[dev]')")
    with sync_playwright() as p:
        context = p.chromium.launch_persistent_context(
            user_data_dir=str(tmp_path_factory.mktemp("chromium-profile")),
            executable_path=executable,
            headless=True,
            args=CHROMIUM_ARGS,
            viewport={"width": 1280, "height": 800},
        )
        context.set_default_timeout(60_000)
        try:
            yield context
        finally:
            context.close()
