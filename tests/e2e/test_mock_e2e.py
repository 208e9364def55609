"""A three-turn rehearsal in a real browser with the embedded model, a page reload in the middle
(the session comes back from the checkpointer), then the feedback."""

from __future__ import annotations

import pytest

from agent.deps import Deps
from tests.e2e.mock_pages import TURN_TIMEOUT, open_tab, start_with_dana

pytestmark = pytest.mark.e2e


def say(page, text: str, minutes: str) -> None:  # type: ignore[no-untyped-def]
    page.locator("#mock-line textarea").fill(text)
    page.locator("#mock-send").click()
    page.wait_for_function(
        f"() => document.querySelector('#mock-clock')?.innerText.includes('{minutes} of 20 min')",
        timeout=TURN_TIMEOUT,
    )
    # The chat's markdown can render a moment after the clock: wait until the placeholder is gone.
    page.wait_for_function(
        "() => !(document.querySelector('#mock-chat')?.innerText || '').trim().endsWith('…')",
        timeout=60_000)


def test_three_turn_rehearsal_survives_reload_and_shows_feedback(  # type: ignore[no-untyped-def]
    indexed_settings, encoder, serve_app, browser_page,
) -> None:
    url = serve_app(Deps(indexed_settings, encoder_override=encoder))
    page = browser_page
    # Speech output is the voice test's subject; here each turn ends when its text is complete.
    start_with_dana(page, url, speak=False)

    say(page, "Hi Dana, I'm Jordan, a nurse exploring UX research. How did you get into it?", "1.5")
    say(page, "What does a typical week look like for you?", "3.0")
    chat = page.locator("#mock-chat").inner_text()
    assert "typical week" in chat and "…" not in chat.splitlines()[-1]

    open_tab(page, url)
    page.wait_for_function(
        "() => document.querySelector('#mock-status')?.innerText.includes('Resumed')",
        timeout=60_000,
    )
    assert "typical week" in page.locator("#mock-chat").inner_text()
    assert "3.0 of 20 min" in page.locator("#mock-clock").inner_text()

    say(page, "Is there anyone else you'd suggest I talk to?", "4.5")
    page.locator("#mock-end").click()
    page.wait_for_function(
        "() => document.querySelector('#mock-feedback')?.innerText.includes('Flagged turns')",
        timeout=TURN_TIMEOUT,
    )
    feedback = page.locator("#mock-feedback").inner_text()
    assert "What went well" in feedback and "no_thanks" in feedback and "turn 2" in feedback
    assert "Asked who else you could talk to" in feedback
    assert "has ended" in page.locator("#mock-status").inner_text()


BIO = ("Ines Okafor is a hydrologist with the county water district. "
       "She spent six years as a chemistry teacher before she retrained in hydrology. "
       "Her team models flood risk for the river towns.")


def test_busy_contact_answers_from_the_bio_and_feedback_weighs_the_objective(  # type: ignore[no-untyped-def]
    indexed_settings, encoder, serve_app, browser_page,
) -> None:
    url = serve_app(Deps(indexed_settings, encoder_override=encoder))
    page = browser_page
    open_tab(page, url)
    page.locator("#mock-name textarea, #mock-name input").first.fill("Ines Okafor")
    page.locator("#mock-role textarea, #mock-role input").first.fill("Hydrologist")
    page.locator("#mock-bio textarea").fill(BIO)
    page.locator("#mock-objective textarea, #mock-objective input").first.fill(
        "how people move into hydrology from other careers")
    page.locator("#mock-style input").click()
    page.get_by_role("option", name="Busy: short answers, short on time").click()
    page.locator("#mock-start").click()
    page.wait_for_function(
        "() => document.querySelector('#mock-status')?.innerText.includes('has started')",
        timeout=TURN_TIMEOUT)

    say(page, "Hi Ines, thanks for making time. I'm Ade, a science teacher. How did you get into "
              "hydrology?", "1.5")
    reply = page.locator("#mock-chat").inner_text().split("How did you get into hydrology?")[-1]
    said = reply.lower()
    assert any(w in said for w in ("teacher", "chemistry", "retrained", "six years")), reply
    assert "good luck" not in said and "nice talking" not in said  # an opening is not a goodbye
    assert "ines okafor" not in said

    page.locator("#mock-end").click()
    page.wait_for_function(
        "() => document.querySelector('#mock-feedback')?.innerText.includes('Your objective')",
        timeout=TURN_TIMEOUT,
    )
    feedback = page.locator("#mock-feedback").inner_text()
    assert "Your share of the talking" in feedback


def test_a_line_sent_while_the_contact_is_still_answering_is_answered_next(  # type: ignore[no-untyped-def]
    indexed_settings, encoder, serve_app, browser_page,
) -> None:
    """Typing the next line while a reply streams (and is spoken) must neither wipe it nor drop
    its Enter: it is sent as soon as the turn in progress is done."""
    url = serve_app(Deps(indexed_settings, encoder_override=encoder))
    page = browser_page
    start_with_dana(page, url, speak=True)

    box = page.locator("#mock-line textarea")
    box.fill("Hi Dana, I'm Jordan. How did you get into UX research?")
    box.press("Enter")  # both lines by Enter: a pending event ignores its own trigger by default
    page.wait_for_function(  # the turn is under way: the line is in the chat, the clock not yet moved
        "() => (document.querySelector('#mock-chat')?.innerText || '').includes('get into UX')",
        timeout=60_000)
    under_way = "1.5 of 20 min" not in page.locator("#mock-clock").inner_text()
    box.fill("What does a typical week look like for you?")
    box.press("Enter")
    page.wait_for_function(
        "() => document.querySelector('#mock-clock')?.innerText.includes('3.0 of 20 min')",
        timeout=TURN_TIMEOUT)
    page.wait_for_function(
        "() => !(document.querySelector('#mock-chat')?.innerText || '').trim().endsWith('…')",
        timeout=60_000)
    chat = page.locator("#mock-chat").inner_text()
    assert under_way
    assert chat.index("get into UX") < chat.index("typical week")
    assert chat.rstrip().splitlines()[-1].strip() not in ("", "What does a typical week look like for you?")
