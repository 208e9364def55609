"""Fill the Outreach form in a real browser and see a draft and its checks (real embedded model)."""

from __future__ import annotations

import pytest

from agent.deps import Deps

pytestmark = pytest.mark.e2e


def test_outreach_form_shows_draft_and_checks(indexed_settings, encoder, serve_app, browser_page) -> None:  # type: ignore[no-untyped-def]
    url = serve_app(Deps(indexed_settings, encoder_override=encoder))
    page = browser_page
    page.goto(url)
    page.locator("#contact-name textarea, #contact-name input").first.fill("Priya Shah")
    page.locator("#contact-role textarea, #contact-role input").first.fill("Data Scientist")
    page.locator("#connection textarea, #connection input").first.fill(
        "We both studied at Oberlin College"
    )
    page.locator("#draft-button").click()

    page.wait_for_function(
        "() => document.querySelector('#outreach-status')?.innerText.includes('Draft ready')",
        timeout=120_000,
    )
    draft = page.locator("#outreach-draft textarea").input_value()
    assert draft.startswith("Subject: ")
    assert "Hi Priya," in draft
    assert "Oberlin College" in draft
    checks = page.locator("#outreach-checks").inner_text()
    for rule in ("length", "no_job_words", "time_ask", "connection_first", "grounded"):
        assert rule in checks
    assert "✅" in checks


def test_outreach_form_rejects_empty_name_visibly(indexed_settings, encoder, serve_app, browser_page) -> None:  # type: ignore[no-untyped-def]
    url = serve_app(Deps(indexed_settings, encoder_override=encoder))
    page = browser_page
    page.goto(url)
    page.locator("#contact-role textarea, #contact-role input").first.fill("Nurse")
    page.locator("#draft-button").click()
    page.wait_for_function(
        "() => document.querySelector('#outreach-status')?.innerText.includes('contact-name')",
        timeout=60_000,
    )
    assert "⚠️" in page.locator("#outreach-status").inner_text()
