"""A capable model's rewrite of a flagged question, kept only if the screen then passes it and it
still shares the topic of the original; otherwise the template rewrite stands."""

from __future__ import annotations

from pydantic import BaseModel, Field

import prompts
from agent.classify.screen import screen_without_model
from agent.classify.screen_rules import load_rules
from agent.deps import Deps
from agent.errors import ModelError
from agent.text.words import word_count

MODEL_REWRITE_MIN_SIMILARITY = 0.35


class ModelRewrite(BaseModel):
    question: str = Field(..., max_length=240, description="One open question, within bounds")


def model_rewrite(deps: Deps, question: str, category: str, role: str | None) -> str | None:
    """A capable model's rewrite, or None when it fails any check (the template is used then)."""
    reason = load_rules().categories[category].reason
    messages = prompts.load("screen_rewrite").messages(
        role=role or "(not given)", reason=reason, question=question,
    )
    try:
        text = deps.llm.structured(messages, ModelRewrite, max_tokens=80).question.strip()
    except ModelError:
        return None
    if not text.endswith("?") or not 4 <= word_count(text) <= 30 or "{" in text:
        return None
    vectors = deps.encoder.encode([text, question])
    if float(vectors[0] @ vectors[1]) < MODEL_REWRITE_MIN_SIMILARITY:
        return None
    if screen_without_model(deps, [text], role=role)[0].verdict != "ok":
        return None
    return text
