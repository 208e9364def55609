"""The Contacts tab in a real browser: sessions stay private, and a thank-you is one click away."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from agent.deps import Deps
from tests.fakes import FakeChatModel

pytestmark = pytest.mark.e2e

NOTES = (Path(__file__).resolve().parents[2] / "evals" / "datasets" / "notes" / "note01.txt").read_text(
    encoding="utf-8")


def field(page, elem_id: str):  # type: ignore[no-untyped-def]
    return page.locator(f"#{elem_id} textarea, #{elem_id} input").first


def open_contacts(page, url: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(url)
    page.get_by_role("tab", name="Contacts").click()
    field(page, "contact-form-name").wait_for(state="visible")


def test_two_sessions_do_not_see_each_others_unsaved_input(  # type: ignore[no-untyped-def]
        indexed_settings, encoder, serve_app, browser) -> None:
    deps = Deps(indexed_settings, encoder_override=encoder,
                llm_override=FakeChatModel(default=json.dumps({"sentence": "x"})))
    url = serve_app(deps)
    first, second = browser.new_context(), browser.new_context()
    try:
        a, b = first.new_page(), second.new_page()
        for page in (a, b):
            page.set_default_timeout(60_000)
            open_contacts(page, url)
        field(a, "contact-form-name").fill("Dana Ruiz")
        field(a, "contact-form-company").fill("Fernwood Health")
        field(a, "contact-form-notes").fill("met at the UX meetup")
        b.reload()
        open_contacts(b, url)
        assert field(b, "contact-form-name").input_value() == ""
        assert field(b, "contact-form-company").input_value() == ""
        assert field(b, "contact-form-notes").input_value() == ""
        assert field(a, "contact-form-name").input_value() == "Dana Ruiz"
        assert deps.mine.list_contacts() == []

        a.locator("#contact-save").click()
        a.wait_for_function(
            "() => document.querySelector('#contact-form-status')?.innerText.includes('Added')")
        assert [c["name"] for c in deps.mine.list_contacts()] == ["Dana Ruiz"]
        assert field(b, "contact-form-name").input_value() == ""
        b.reload()
        open_contacts(b, url)
        b.wait_for_function(
            "() => document.querySelector('#contacts-table')?.innerText.includes('Dana Ruiz')")
    finally:
        first.close()
        second.close()


def test_contact_page_one_click_thank_you_with_the_embedded_model(  # type: ignore[no-untyped-def]
        indexed_settings, encoder, serve_app, browser_page) -> None:
    deps = Deps(indexed_settings, encoder_override=encoder)
    cid = deps.mine.save_contact(None, {"name": "Dana Ruiz", "role": "UX researcher",
                                      "company": "Fernwood Health", "status": "done",
                                      "interview_at": "2025-05-12T15:00:00+00:00"})
    deps.mine.add_interview(cid, NOTES, held_at="2025-05-12T15:00:00+00:00")
    url = serve_app(deps)
    page = browser_page
    open_contacts(page, url)
    assert "Dana" in page.locator("#contacts-due").inner_text()

    page.locator("#contact-picker input").first.click()
    page.get_by_role("option", name=f"#{cid} Dana Ruiz (Fernwood Health)").click()
    page.wait_for_function(
        "() => document.querySelector('#contact-page')?.innerText.includes('Dana Ruiz')")
    assert "customer support" in field(page, "thankyou-notes").input_value()
    page.locator("#thankyou-button").click()
    page.wait_for_function(
        "() => document.querySelector('#thankyou-status')?.innerText.includes('Draft ready')",
        timeout=180_000,
    )
    draft = field(page, "thankyou-draft").input_value()
    assert draft.startswith("Subject: ") and "Hi Dana," in draft
    checks = page.locator("#thankyou-checks").inner_text()
    for rule in ("specific_point", "use_stated", "no_job_ask", "individual", "grounded"):
        assert rule in checks
    assert "Send by 2025-05-13 15:00" in page.locator("#thankyou-status").inner_text()
    assert page.locator("#thankyou-draft button[aria-label*='opy'], #thankyou-draft button[title*='opy']"
                        ).count() >= 1
    field(page, "thankyou-draft").fill(draft + "\nP.S. edited")
    assert field(page, "thankyou-draft").input_value().endswith("P.S. edited")
    assert [d["kind"] for d in deps.mine.drafts(cid)] == ["thank_you"]
