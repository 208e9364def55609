"""Speaking a reply while it streams: each sentence as soon as it is complete, nothing that breaks
a reply rule, and a restart when the validators replace the reply."""

from __future__ import annotations

from agent.voice.reply import ReplySpeech


def test_sentences_are_released_once_complete() -> None:
    plan = ReplySpeech()
    assert plan.feed("I started in") == []
    assert plan.feed("I started in support. Then") == ["I started in support."]
    assert plan.feed("I started in support. Then I moved. It took") == ["Then I moved."]
    assert plan.finish("I started in support. Then I moved. It took a year.") == (False, ["It took a year."])


def test_a_template_reply_without_streaming_is_spoken_whole() -> None:
    plan = ReplySpeech()
    assert plan.finish("Thanks for asking. Most weeks are busy.") == (
        False, ["Thanks for asking.", "Most weeks are busy."])


def test_a_replaced_reply_restarts_from_its_first_sentence() -> None:
    plan = ReplySpeech()
    plan.feed("Sure thing. As an AI I")
    restart, todo = plan.finish("Most of my week goes to interviews. The rest is analysis.")
    assert restart and todo == ["Most of my week goes to interviews.", "The rest is analysis."]
    assert plan.generation == 1


def test_a_sentence_that_fails_the_checks_is_never_spoken() -> None:
    plan = ReplySpeech(speakable=lambda s: "AI" not in s)
    assert plan.feed("Good question. As an AI model I cannot. More") == ["Good question."]
    assert plan.feed("Good question. As an AI model I cannot. More text. And") == []
    restart, todo = plan.finish("Good question. Mostly interviews.")
    assert not restart and todo == ["Mostly interviews."]


def test_a_settled_opening_is_spoken_before_the_next_sentence_begins() -> None:
    plan = ReplySpeech(settled=lambda s: s == "Sure.")
    assert plan.feed("Sure.") == ["Sure."]
    assert plan.feed("Sure. I started") == []
    assert plan.feed("Sure. I started in a lab. Then") == ["I started in a lab."]
    assert plan.finish("Sure. I started in a lab. Then I moved.") == (False, ["Then I moved."])
    other = ReplySpeech(settled=lambda s: s == "Sure.")
    assert other.feed("Surely") == [] and other.feed("Surely not.") == []  # only the settled text
