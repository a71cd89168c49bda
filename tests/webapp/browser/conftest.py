"""Real-browser fixtures: the app served from a thread on a free loopback port, driven by Playwright through
Debian's Chromium (see ../shared/recipes.md), with axe-core for accessibility.

A missing Chromium skips these tests on a developer's machine but fails them in CI (CI is set), so a green CI
always means the browser tests ran.
"""

from __future__ import annotations

import os
import shutil
import threading
from contextlib import contextmanager
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def _in_ci() -> bool:
    return os.environ.get("CI", "").lower() not in ("", "0", "false", "no")


def pytest_collection_modifyitems(config, items):
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not Path(CHROMIUM).is_file():
        message = f"Chromium not found at {CHROMIUM} (install the Debian package 'chromium' or set CHROMIUM_PATH)"
        if _in_ci():
            pytest.fail(message)
        pytest.skip(message)
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": ARGS}


@contextmanager
def serving(app):
    """The app served by werkzeug in a background thread on a free loopback port (port 0); yields its base URL."""
    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)


@pytest.fixture(scope="session")
def serve_app():
    """`serving`, for tests that start an app of their own."""
    return serving


@pytest.fixture(scope="session")
def live_url(make_app):
    """Base URL of the app over the seed index (make_app comes from tests/webapp/conftest.py)."""
    with serving(make_app()) as url:
        yield url


@pytest.fixture()
def console_errors(page):
    """Console errors and uncaught exceptions seen by the page (a CSP violation shows up here)."""
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    return errors


@pytest.fixture(scope="session")
def axe_check():
    """Runs axe-core (bundled with axe-playwright-python, no network) on a page; fails with axe's report."""
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()

    def check(page) -> None:
        results = axe.run(page)
        assert results.violations_count == 0, f"{page.url}\n{results.generate_report()}"

    return check
