"""`screen_questions`: flag what must not be asked in an informational interview, fail closed.

Each question is folded (case, invisible characters, look-alike letters, leet), checked against
the sharp lexical cues, and scored by the exemplar classifier; `decide` combines the evidence. The
model is consulted only when `settings.capable_model` is on, and only for questions the screen
could not decide; if it fails, the question stays `review` — shown to the user, never passed.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
from pydantic import BaseModel, Field

import prompts
from agent.deps import Deps
from agent.errors import InputError, ModelError
from agent.screening.classifier import screening_model
from agent.screening.decide import Decision, decide
from agent.screening.rewrite import choose_rewrites, model_rewrite
from agent.screening.rules import framing_softens, framing_vetoes, load_rules
from agent.screening.state import ScreenResult
from agent.text.words import fold

MAX_QUESTION_CHARS = 500
REVIEW_REASON = "The screen could not decide; read it again before asking (closest concern: {label})."


class ModelJudgement(BaseModel):
    label: Literal[
        "job_request", "personal_compensation", "confidential_information", "politics_religion",
        "personal_life", "negativity", "ok",
    ] = Field(..., description="The one label that fits the question")


def _check(questions: list[str]) -> list[str]:
    cleaned = []
    for question in questions:
        text = " ".join(str(question).split())
        if not text:
            raise InputError("a question must not be empty")
        if len(text) > MAX_QUESTION_CHARS:
            raise InputError(f"a question is longer than {MAX_QUESTION_CHARS} characters")
        cleaned.append(text)
    return cleaned


def folded_vectors(deps: Deps, questions: list[str]) -> np.ndarray:
    """Vectors of the folded questions: what the screen scores, reusable by callers."""
    return deps.encoder.encode([fold(q) for q in questions])


def decisions_for(
    deps: Deps, questions: list[str], vectors: np.ndarray | None = None,
) -> tuple[list[Decision], np.ndarray]:
    """The classifier's decision per question, plus the query vectors (for rewrites)."""
    rules = load_rules()
    folded = [fold(q) for q in questions]
    if vectors is None:
        vectors = deps.encoder.encode(folded)
    scores = screening_model(deps).score(vectors)
    decisions = [
        decide(scores.probs[i], scores.votes[i], float(scores.nearest[i]),
               rules.flag_cues(folded[i]), rules.allowed(folded[i]), frozenset(framing_vetoes(folded[i])),
               softened=frozenset(framing_softens(folded[i])))
        for i in range(len(questions))
    ]
    return decisions, vectors


def screen_without_model(deps: Deps, questions: list[str], *, role: str | None = None) -> list[ScreenResult]:
    """The deterministic screen: cues and exemplars only, whatever the settings say."""
    return _screen(deps, questions, role=role, use_model=False)


def screen_questions(deps: Deps, questions: list[str], *, role: str | None = None) -> list[ScreenResult]:
    """Screen questions in input order; `role` tailors the suggested rewrites."""
    return _screen(deps, questions, role=role, use_model=deps.settings.capable_model)


def _screen(deps: Deps, questions: list[str], *, role: str | None, use_model: bool) -> list[ScreenResult]:
    texts = _check(questions)
    if not texts:
        return []
    decisions, vectors = decisions_for(deps, texts)
    if use_model:
        decisions = [_ask_model(deps, q, d) if d.verdict == "review" else d
                     for q, d in zip(texts, decisions, strict=True)]
    needing = [(i, d.category) for i, d in enumerate(decisions) if d.verdict != "ok" and d.category]
    rewrites = choose_rewrites(deps, [(vectors[i], str(c)) for i, c in needing], role)
    rewrite_at = {i: r for (i, _), r in zip(needing, rewrites, strict=True)}
    rules = load_rules()
    results = []
    for i, (question, d) in enumerate(zip(questions, decisions, strict=True)):
        if d.verdict == "ok":
            results.append(ScreenResult(question=question, verdict="ok", category=None, reason="",
                                        rewrite=None, confidence=round(d.confidence, 3)))
            continue
        category = str(d.category)
        rewrite = rewrite_at.get(i)
        if use_model and d.verdict == "flag":
            rewrite = model_rewrite(deps, texts[i], category, role) or rewrite
        reason = (rules.categories[category].reason if d.verdict == "flag"
                  else REVIEW_REASON.format(label=category.replace("_", " ")))
        results.append(ScreenResult(question=question, verdict=d.verdict,  # type: ignore[arg-type]
                                    category=category, reason=reason, rewrite=rewrite,
                                    confidence=round(min(max(d.confidence, 0.0), 1.0), 3)))
    return results


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
