"""Steps the Mock tab's browser tests share: open the tab, start a rehearsal with Dana."""

from __future__ import annotations

TURN_TIMEOUT = 420_000


def open_tab(page, url: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(url)
    page.get_by_role("tab", name="Mock interview").click()


def start_with_dana(page, url: str, *, speak: bool) -> None:  # type: ignore[no-untyped-def]
    """Open the Mock tab and start a rehearsal with Dana Park, a UX researcher."""
    open_tab(page, url)
    page.locator("#mock-name textarea, #mock-name input").first.fill("Dana Park")
    page.locator("#mock-role textarea, #mock-role input").first.fill("UX researcher")
    if not speak:
        page.locator("#mock-speak input").uncheck()
    page.locator("#mock-start").click()
    page.wait_for_function(
        "() => document.querySelector('#mock-status')?.innerText.includes('has started')",
        timeout=TURN_TIMEOUT)
