"""The prompt layout the mock benchmark compares the product's against: per-turn text (the facts
for the question and the clock) inside the system prompt, so nothing before the newest turn can
be reused from the server's cache and the prompt is processed whole every turn.

Only the benchmark uses it; the product always uses `agent.mock.nodes.StableLayout`.
"""

from __future__ import annotations

from typing import Any

import prompts
from agent.mock.facts import Fact
from agent.mock.nodes import facts_block, role_line
from agent.mock.state import MockState


class NaiveLayout:
    def user_content(self, persona: dict[str, Any], line: str, facts: list[Fact]) -> str:
        return line

    def request(self, state: MockState, facts: list[Fact], messages: list[dict[str, str]],
                sent_user: str) -> list[dict[str, str]]:
        persona = state["persona"]
        clock = f"{state['clock']['elapsed']:.1f} of {state['request']['minutes']} minutes"
        system = prompts.load("mock_persona_naive", package="agent.bench").messages(
            name=persona["name"], role_line=role_line(persona), facts=facts_block(facts),
            clock=clock, line=sent_user,
        )[0]
        return [system, *messages[1:], {"role": "user", "content": sent_user}]
