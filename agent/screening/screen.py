"""`screen_questions`: flag what must not be asked in an informational interview, fail closed.

The deterministic screen (`agent.classify.screen`) decides from cues and exemplars. With a capable
model configured, the model may settle questions the screen could not decide and word its own
rewrite of a flagged question; if a call fails, the question stays `review` (shown to the user,
never passed) and the template rewrite stands.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

import prompts
from agent.classify.screen import ScreenResult, screen_without_model
from agent.classify.screen_decide import Decision
from agent.deps import Deps
from agent.errors import ModelError
from agent.screening.rewrite import model_rewrite


class ModelJudgement(BaseModel):
    label: Literal[
        "job_request", "personal_compensation", "confidential_information", "politics_religion",
        "personal_life", "negativity", "ok",
    ] = Field(..., description="The one label that fits the question")


def screen_questions(deps: Deps, questions: list[str], *, role: str | None = None) -> list[ScreenResult]:
    """Screen questions in input order; `role` tailors the suggested rewrites."""
    if not deps.settings.capable_model:
        return screen_without_model(deps, questions, role=role)
    return screen_without_model(
        deps, questions, role=role, judge=lambda q, d: _ask_model(deps, q, d),
        rewriter=lambda q, category: model_rewrite(deps, q, category, role),
    )


def _ask_model(deps: Deps, question: str, decision: Decision) -> Decision:
    """Let a capable model settle an undecided question; on any failure keep it in review."""
    messages = prompts.load("screen_judge").messages(question=question)
    try:
        label = deps.llm.structured(messages, ModelJudgement, max_tokens=24).label
    except ModelError:
        return decision
    if label == "ok":
        return Decision("ok", None, 0.5, "model")
    return Decision("flag", label, 0.5, "model")
