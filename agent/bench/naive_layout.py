"""The prompt layout the mock benchmark compares the product's against: per-turn text (the brief
section for the question and the clock) inside the system prompt, so nothing before the newest
turn can be reused from the server's cache and the prompt is processed whole every turn.

Only the benchmark uses it; the product always uses `agent.mock.nodes.StableLayout`.
"""

from __future__ import annotations

from typing import Any

import prompts
from agent.mock.nodes import persona_notes, role_line
from agent.mock.persona import BriefIndex, brief_digest, brief_for
from agent.mock.state import MockState


class NaiveLayout:
    def user_content(self, persona: dict[str, Any], line: str) -> str:
        return line

    def request(self, state: MockState, index: BriefIndex, question_vector: Any, used: list[str],
                messages: list[dict[str, str]], sent_user: str) -> list[dict[str, str]]:
        persona = state["persona"]
        question = sent_user
        heading, _ = index.best(question_vector, used, question)
        clock = f"{state['clock']['elapsed']:.1f} of {state['request']['minutes']} minutes"
        system = prompts.load("mock_persona_naive", package="agent.bench").messages(
            name=persona["name"], role_line=role_line(persona), notes=persona_notes(persona),
            digest=brief_digest(brief_for(persona)), section=brief_for(persona).section(heading),
            clock=clock, line=question,
        )[0]
        return [system, *messages[1:], {"role": "user", "content": sent_user}]
