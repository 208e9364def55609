"""The validator that decides whether the model's rewording may replace a bank question."""

from __future__ import annotations

import pytest

from agent.questions.tailor import rephrase_messages, rephrase_problems
from agent.text.slots import make_slots

SLOTS = make_slots("Senior UX Designer", "E-commerce")


@pytest.mark.parametrize(("original", "rewording"), [
    ("How did you get into this line of work?", "How did you get into UX design?"),
    ("What does a typical day look like for you?",
     "What does a typical day look like for you as a UX designer?"),
])
def test_naming_the_field_is_accepted(original: str, rewording: str) -> None:
    assert rephrase_problems(original, rewording, SLOTS, 0.8) == []


@pytest.mark.parametrize(("original", "rewording", "problem"), [
    ("What do you like least about your job?", "What do you like most about your job?", "least"),
    ("If you were in my position, what would you do next?", "What would you do next?", "position"),
    ("What do you enjoy most about your work?", "What do you enjoy most about your job?",
     "without naming the field"),
    ("How did you get into this line of work?", "How did you get into banking?", "adds words"),
    ("What skills matter most?", "I love my job. It is great.", "single question"),
    ("What skills matter most?", "Skills?", "words"),
    ("How did you get into this line of work?", "How did you get into UX design?", "drifts"),
])
def test_bad_rewordings_are_rejected_with_a_reason(original: str, rewording: str, problem: str) -> None:
    similarity = 0.2 if problem == "drifts" else 0.8
    problems = rephrase_problems(original, rewording, SLOTS, similarity)
    assert any(problem in p for p in problems), problems


def test_prompt_has_the_worked_examples_as_earlier_turns() -> None:
    messages = rephrase_messages("nurse", "What does a typical day look like?")
    assert [m["role"] for m in messages] == ["system", "user", "assistant", "user", "assistant", "user"]
    assert messages[-1]["content"] == "Role: nurse\nQuestion: What does a typical day look like?"
    assert messages[2]["content"].startswith('{"question": ')
