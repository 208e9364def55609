"""Scripted stand-ins for the question screen and the web-search check, for mock-interview tests.

They decide by exact turn text given by each test, so the tests exercise the rehearsal's own logic
rather than the classifiers' accuracy.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from agent.mock.state import Priority
from agent.mock.turns import TurnReader


@dataclass
class ScriptedScreen:
    verdict: str = "ok"
    category: str | None = None
    reason: str = ""
    rewrite: str | None = None


def scripted_reader(flags: dict[str, str] | None = None, searchable: Iterable[str] = (),
                    minor: Iterable[str] = (), reviews: dict[str, str] | None = None) -> TurnReader:
    """`flags` maps a turn's text to its screening category, `reviews` to the category of an
    undecided screen (verdict `review`); the others are ok."""
    flags = flags or {}
    undecided = reviews or {}
    web = set(searchable)
    small = set(minor)

    def screen(questions: list[str]) -> list[ScriptedScreen]:
        return [ScriptedScreen("flag", flags[q], f"scripted {flags[q]}") if q in flags
                else ScriptedScreen("review", undecided[q], "scripted review") if q in undecided
                else ScriptedScreen() for q in questions]

    def priority(question: str) -> Priority:
        return "minor" if any(question in m or m in question for m in small) else "core"

    return TurnReader(screen=screen,
                      searchable=lambda q: any(q in w or w in q for w in web),
                      priority=priority)


class FactWords:
    """A well-behaved fake model for the contact: its reply says the first fact it was given, so
    tests can check that a grounded wording is kept (and see what it said)."""

    def __init__(self) -> None:
        self.said: list[str] = []

    def __call__(self, messages: Sequence[dict[str, str]]) -> str:
        block = messages[-1]["content"].split("<facts>")[-1]
        facts = re.findall(r"^- (.+)$", block, re.M)
        text = facts[0] if facts else "I'm not sure."
        self.said.append(text)
        return text
