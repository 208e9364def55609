"""Browser tests: the real Gradio app on a loopback port, driven by Playwright in Debian's Chromium.

No browser is downloaded: Playwright launches /usr/bin/chromium (installed by `make test`).
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from agent.deps import Deps
from agent.model_server import free_port

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-background-networking", "--disable-gpu",
    "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
]


@pytest.fixture(scope="session")
def playwright() -> Iterator[Any]:
    """One Playwright for the whole run: its sync API runs an event loop on this thread, so a
    second `sync_playwright()` while the first is open fails."""
    if not shutil.which("chromium") and not shutil.os.path.exists(CHROMIUM):  # type: ignore[attr-defined]
        pytest.fail("Debian chromium is missing: run `make test` (it installs it) "
                    "or apt-get install chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        yield pw


@pytest.fixture(scope="session")
def browser(playwright: Any) -> Iterator[Any]:
    browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
    yield browser
    browser.close()


@pytest.fixture
def browser_page(browser: Any) -> Iterator[Any]:
    context = browser.new_context()
    page = context.new_page()
    page.set_default_timeout(60_000)
    yield page
    context.close()


@pytest.fixture
def serve_app() -> Iterator[Callable[[Deps], str]]:
    """Start `create_app(deps)` on a free loopback port; returns its URL."""
    from ui.launch import serve

    apps: list[Any] = []

    def start(deps: Deps) -> str:
        port = free_port()
        apps.append((serve(deps, host="127.0.0.1", port=port, block=False), deps))
        return f"http://127.0.0.1:{port}/"

    yield start
    for app, deps in apps:
        app.close()
        deps.close()
