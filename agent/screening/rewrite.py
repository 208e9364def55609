"""Offer a question that keeps the user's intent inside the bounds of an informational interview.

Each category has a few rewrite templates in `screening_rules.json` ('What do you earn?' becomes a
question about the field's typical range). The one nearest in meaning to the user's question is
filled with the contact's role and field. A capable model may write its own rewrite instead, but
only if the screen then passes it and it still shares the topic of the original.
"""

from __future__ import annotations

import numpy as np
from pydantic import BaseModel, Field

import prompts
from agent.deps import Deps
from agent.errors import ModelError
from agent.screening.rules import load_rules
from agent.text.grammar import grammar_problems
from agent.text.slots import Slots, fill, make_slots
from agent.text.words import word_count

MODEL_REWRITE_MIN_SIMILARITY = 0.35


class ModelRewrite(BaseModel):
    question: str = Field(..., max_length=240, description="One open question, within bounds")


def template_rewrites(category: str, slots: Slots) -> list[str]:
    """The category's rewrites filled for this contact; a filling that reads badly ('environmental
    scientist positions in environmental science') is left out while another one reads well."""
    rules = load_rules().categories[category]
    filled = [t for t in (fill(t, slots) for t in rules.rewrites) if t]
    return [t for t in filled if not grammar_problems(t)] or filled


def choose_rewrites(
    deps: Deps, items: list[tuple[np.ndarray, str]], role: str | None,
) -> list[str | None]:
    """For each (question vector, category), the filled template closest in meaning."""
    slots = make_slots(role)
    options = {cat: template_rewrites(cat, slots) for cat in {c for _, c in items}}
    flat = [(cat, text) for cat, texts in options.items() for text in texts]
    if not flat:
        return [None] * len(items)
    vectors = deps.encoder.encode([text for _, text in flat])
    chosen: list[str | None] = []
    for vector, category in items:
        rows = [i for i, (cat, _) in enumerate(flat) if cat == category]
        if not rows:
            chosen.append(None)
            continue
        best = max(rows, key=lambda i: float(vectors[i] @ vector))
        chosen.append(flat[best][1])
    return chosen


def model_rewrite(deps: Deps, question: str, category: str, role: str | None) -> str | None:
    """A capable model's rewrite, or None when it fails any check (the template is used then)."""
    from agent.screening.screen import screen_without_model

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
