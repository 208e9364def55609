"""Questions tab in a real browser: prepare a list, turn a question into a job request, see it
go red with the rewrite offered, accept the rewrite, and save the list to a new contact."""

from __future__ import annotations

import pytest

from agent.deps import Deps

pytestmark = pytest.mark.e2e


def _textarea(page, elem_id: str):  # type: ignore[no-untyped-def]
    return page.locator(f"#{elem_id} textarea, #{elem_id} input").first


SETTLED = """(flagged) => {
    const box = document.querySelector('#q-text-0 textarea, #q-text-0 input');
    const status = document.querySelector('#q-box-0 [data-screened]');
    const red = document.querySelector('#q-text-0')?.classList.contains('q-flag');
    return !!box && !!status && status.dataset.screened === box.value && red === flagged;
}"""


def test_editing_a_question_into_a_job_request_turns_it_red(  # type: ignore[no-untyped-def]
    indexed_settings, encoder, serve_app, browser_page,
) -> None:
    deps = Deps(indexed_settings, encoder_override=encoder)
    url = serve_app(deps)
    page = browser_page
    page.goto(url)
    page.get_by_role("tab", name="Questions").click()
    _textarea(page, "q-role").fill("Data Scientist")
    page.locator("#q-rephrase input").uncheck()
    page.locator("#q-prepare").click()
    page.wait_for_function(
        "() => document.querySelector('#q-status')?.innerText.includes('questions for')",
        timeout=120_000,
    )
    first = _textarea(page, "q-text-0")
    assert first.input_value().endswith("?")
    assert "q-flag" not in (page.locator("#q-text-0").get_attribute("class") or "")

    first.click()
    first.press("Control+A")
    first.press_sequentially("Could you refer me for an open position on your team?", delay=20)
    # Every keystroke is screened; wait for the verdict on the whole sentence, not a prefix of it.
    page.wait_for_function(SETTLED, arg=True, timeout=60_000)
    box = page.locator("#q-box-0")
    assert "job_request" in box.inner_text()
    rewrite = page.locator("#q-box-0 .q-rewrite").inner_text()
    assert rewrite.endswith("?")
    red = page.evaluate(
        "() => getComputedStyle(document.querySelector('#q-text-0 textarea, #q-text-0 input'))"
        ".backgroundColor")
    assert red == "rgb(253, 232, 232)"

    page.locator("#q-accept-0").click()
    page.wait_for_function(SETTLED, arg=False, timeout=60_000)
    assert first.input_value() == rewrite

    _textarea(page, "q-new-contact").fill("Priya Shah")
    page.locator("#q-save").click()
    page.wait_for_function(
        "() => document.querySelector('#q-save-status')?.innerText.includes('Saved')",
        timeout=60_000,
    )
    contact = next(c for c in deps.mine.list_contacts() if c["name"] == "Priya Shah")
    saved = deps.mine.get_question_list(contact["id"])
    assert saved[0]["text"] == rewrite
    assert [q["priority"] for q in saved] == list(range(1, len(saved) + 1))
