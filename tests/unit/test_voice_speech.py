"""The figures of "How you spoke" on known inputs: fillers told apart from the verb 'like' and the
question 'do you know', words per minute over the speaking time, long pauses between stretches of
speech, and the feedback points citing the turns they come from."""

from __future__ import annotations

import pytest

from agent.voice.speech import (
    LONG_PAUSE,
    filler_counts,
    long_pauses,
    measure_turn,
    speech_feedback,
    word_total,
)


@pytest.mark.parametrize(("text", "expected"), [
    ("Umm, so I was wondering, uh, how you got into this work.", {"um": 1, "uh": 1}),
    ("Hmm, er, well, erm, let me think.", {"um": 2, "uh": 1}),
    ("It's like hard to know where to start. You know, with a field this big.", {"like": 1, "you know": 1}),
    ("The team was like, really small, you know?", {"like": 1, "you know": 1}),
    ("I really, like, want to learn this.", {"like": 1}),
    ("I would like, um, to know more.", {"um": 1}),
])
def test_fillers_are_counted_by_kind(text: str, expected: dict[str, int]) -> None:
    assert filler_counts(text) == expected


@pytest.mark.parametrize("text", [
    "What do you like most about the work?",
    "I'd like to ask about your week.",
    "What's it like to work there?",
    "It looks like a lot of travel.",
    "Things like scheduling take time.",
    "Do you know anyone else I could talk to?",
    "If you know someone in design, I would love an introduction.",
    "Did you know that before you started?",
])
def test_like_and_you_know_in_their_ordinary_senses_are_not_fillers(text: str) -> None:
    assert filler_counts(text) == {}


def test_um_and_uh_are_not_counted_as_words() -> None:
    assert word_total("Um, what does, uh, a week look like?") == 6


def test_long_pauses_are_gaps_of_two_seconds_or_more_between_speech() -> None:
    spans = [(0.3, 2.0), (2.5, 4.0), (6.0, 7.5), (10.2, 11.0)]
    assert long_pauses(spans) == [{"at": 4.0, "seconds": 2.0}, {"at": 7.5, "seconds": 2.7}]
    assert LONG_PAUSE == 2.0 and long_pauses([(0.0, 1.0)]) == []


def test_pace_counts_the_speaking_time_not_the_silence_around_it() -> None:
    heard = "Hi Dana, I'm Jordan. Um, what does a typical week look like for you?"  # 13 words + um
    figures = measure_turn(heard, [(1.0, 3.0), (3.4, 6.2)], seconds=9.0)
    assert figures["words"] == 13 and figures["speaking_seconds"] == 5.2
    assert figures["words_per_minute"] == pytest.approx(13 / 5.2 * 60, abs=0.1)
    assert figures["fillers"] == {"um": 1} and figures["pauses"] == []
    assert measure_turn("Yes.", [(0.0, 0.4)], 1.0)["words_per_minute"] is None


def turn(words: int, seconds: float, fillers: dict[str, int] | None = None,
         pauses: list[float] | None = None) -> dict[str, object]:
    return {"words": words, "speaking_seconds": seconds,
            "words_per_minute": round(words / seconds * 60, 1), "fillers": fillers or {},
            "pauses": [{"at": 1.0, "seconds": p} for p in pauses or []]}


def test_feedback_cites_fast_turns_fillers_and_pauses() -> None:
    feedback = speech_feedback({
        "0": turn(20, 8.0),                                   # 150 wpm
        "2": turn(30, 9.0, {"um": 2, "like": 1}),             # 200 wpm, fast
        "3": turn(12, 6.0, pauses=[2.6]),                     # 120 wpm, one long pause
    })
    assert feedback is not None
    assert [t.turn for t in feedback.turns] == [0, 2, 3]
    assert feedback.words_per_minute == pytest.approx(62 / 23 * 60, abs=0.1)
    assert feedback.fillers == {"um": 2, "like": 1} and feedback.long_pauses == 1
    assert feedback.fillers_per_100_words == pytest.approx(4.8)
    by_start = {p.text.split()[0]: p for p in feedback.improvements}
    assert by_start["You"].turns == [2] and "200 words per minute" in by_start["You"].text
    assert by_start["Filler"].turns == [2] and "“um” ×2, “like” ×1" in by_start["Filler"].text
    assert feedback.headline() == "3 spoken turns · 162 words per minute · 3 filler words · 1 long pause"
    assert by_start["Long"].turns == [3] and "3 (2.6 s)" in by_start["Long"].text
    assert feedback.strengths == []


def test_a_steady_turn_without_fillers_is_a_strength_and_no_speech_means_no_section() -> None:
    feedback = speech_feedback({"1": turn(26, 11.0)})
    assert feedback is not None and feedback.improvements == []
    assert [p.turns for p in feedback.strengths] == [[1], [1]]
    assert "142 words per minute" in feedback.strengths[0].text
    assert speech_feedback({}) is None and speech_feedback(None) is None


def test_short_turns_are_not_judged_for_pace() -> None:
    feedback = speech_feedback({"0": turn(4, 1.0)})  # 240 wpm, but only four words
    assert feedback is not None and not any("fast" in p.text for p in feedback.improvements)
