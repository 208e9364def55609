"""The questions eval's own grammar/slot check, independent of the agent's slot filling."""

from __future__ import annotations

import pytest

from evals.questions import slot_problems


@pytest.mark.parametrize("text", [
    "What first pulled you toward marine biology?",
    "Is there an hour of the day you keep free for deep work?",
    "What was it like to join a union as a new teacher?",
    "How did an MBA change your path?",
])
def test_clean_questions_pass(text: str) -> None:
    assert slot_problems(text) == []


@pytest.mark.parametrize(("text", "problem"), [
    ("What first pulled you toward {field}?", "empty or unfilled slot, or stray spacing"),
    ("Which associations in None are worth joining?", "empty or unfilled slot, or stray spacing"),
    ("What surprised you most when you moved into ?", "empty or unfilled slot, or stray spacing"),
    ("How did you get into  nursing?", "empty or unfilled slot, or stray spacing"),
    ("What skills matter most for succeeding as a a nurse?", "doubled word"),
    ("What skills matter most for succeeding as a engineer?", "a/an does not agree with the next word"),
    ("What does an typical day look like?", "a/an does not agree with the next word"),
    ("tell me about your first year", "not a capitalised question"),
])
def test_broken_slots_are_caught(text: str, problem: str) -> None:
    assert problem in slot_problems(text)
