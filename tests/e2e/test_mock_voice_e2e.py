"""A spoken turn in a real browser: Chromium's fake microphone plays a question made with Piper, the
Mock tab transcribes it, the embedded model answers, the answer is spoken (an <audio> element gets a
playable WAV of non-zero duration) and the feedback says how the turn was spoken.

Every wait is on something the page shows (the recorder's clock, the chat, the player's state), with
generous timeouts, so a loaded 2-core machine makes the test slower, not flaky.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from agent.deps import Deps
from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS
from tests.e2e.mock_pages import start_with_dana

pytestmark = pytest.mark.e2e
QUESTION = "Hi Dana, I am Jordan, and I teach high school math. What does a typical week look like for you?"
TURN_TIMEOUT = 420_000
PADDING_SECONDS = 1.0


@pytest.fixture(scope="module")
def question_wav(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, float]:
    """The spoken question with a second of silence after it (the fake microphone plays it once)."""
    from agent.voice.audio import wav_bytes
    from agent.voice.tts import Speaker

    speaker = Speaker()
    samples = speaker.samples(QUESTION)
    padded = np.concatenate([samples, np.zeros(int(PADDING_SECONDS * speaker.sample_rate), np.int16)])
    path = tmp_path_factory.mktemp("voice") / "question.wav"
    path.write_bytes(wav_bytes(padded, speaker.sample_rate))
    return path, len(padded) / speaker.sample_rate


@pytest.fixture
def microphone_page(playwright: Any, question_wav: tuple[Path, float]) -> Iterator[Any]:
    """A Chromium of its own (the fake microphone is a launch flag), from the run's Playwright."""
    path, _ = question_wav
    args = [*CHROMIUM_ARGS, "--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream",
            f"--use-file-for-fake-audio-capture={path}%noloop"]
    browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=args)
    context = browser.new_context(permissions=["microphone"])
    page = context.new_page()
    page.set_default_timeout(60_000)
    yield page
    context.close()
    browser.close()


RECORDED_SECONDS = """() => {
  const times = (document.querySelector('#mock-mic')?.innerText || '').match(/\\d+:\\d\\d/g) || [];
  return Math.max(0, ...times.map((t) => { const [m, s] = t.split(':'); return 60 * +m + +s; }));
}"""


def test_spoken_question_is_transcribed_answered_aloud_and_measured(  # type: ignore[no-untyped-def]
    indexed_settings, encoder, serve_app, microphone_page, question_wav,
) -> None:
    _, seconds = question_wav
    url = serve_app(Deps(indexed_settings, encoder_override=encoder))
    page = microphone_page
    start_with_dana(page, url, speak=True)

    clock_before = page.locator("#mock-clock").inner_text()
    page.locator("#mock-mic").get_by_role("button", name="Record").click()
    page.wait_for_function(f"() => ({RECORDED_SECONDS})() >= {int(seconds) + 1}", timeout=120_000)
    page.locator("#mock-mic").get_by_role("button", name="Stop").click()

    page.wait_for_function(
        "() => /typical week/i.test(document.querySelector('#mock-chat')?.innerText || '')",
        timeout=TURN_TIMEOUT)
    page.wait_for_function("(before) => document.querySelector('#mock-clock')?.innerText !== before",
                           arg=clock_before, timeout=TURN_TIMEOUT)  # the reply is complete
    # The chat's markdown may render a moment after the clock: wait until the placeholder is gone.
    page.wait_for_function(
        "() => !(document.querySelector('#mock-chat')?.innerText || '').trim().endsWith('…')",
        timeout=60_000)
    chat = page.locator("#mock-chat").inner_text()
    assert re.search(r"Dana.*math.*typical week look like for you", chat, re.IGNORECASE | re.DOTALL), chat
    reply = chat.split("for you?")[-1].strip()
    assert len(reply.split()) >= 4 and not reply.endswith("…"), chat

    page.wait_for_function(
        """() => { const a = document.querySelector('#mock-voice-player audio');
                   return a && a.src.startsWith('data:audio/wav') && a.readyState >= 1
                          && Number.isFinite(a.duration) && a.duration > 0; }""",
        timeout=TURN_TIMEOUT)
    page.wait_for_function(
        "() => document.querySelector('#mock-voice-player audio')?.dataset.state === 'done'",
        timeout=TURN_TIMEOUT)
    played = page.evaluate("() => Number(document.querySelector('#mock-voice-player audio').dataset.clips)")
    assert played >= 1

    page.locator("#mock-end").click()
    page.wait_for_function(
        "() => document.querySelector('#mock-feedback')?.innerText.includes('How you spoke')",
        timeout=TURN_TIMEOUT)
    feedback = page.locator("#mock-feedback").inner_text()
    assert "1 spoken turn" in feedback and "words per minute" in feedback
