"""The deterministic screen: may this question be asked in an informational interview?

Each question is folded (case, invisible characters, look-alike letters, leet), checked against
the sharp lexical cues, and scored by the exemplar classifier; `screen_decide.decide` combines the
evidence and fails closed (`review`). A flagged question gets the category's reason and the rewrite
template nearest in meaning, filled for the contact. Questions, the mock interview and the screening
capability all use this; the screening capability adds the model's judgement when one is capable.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from pydantic import BaseModel, Field

from agent.classify.screen_decide import Decision, decide
from agent.classify.screen_model import screening_model
from agent.classify.screen_rules import Verdict, framing_softens, framing_vetoes, load_rules
from agent.deps import Deps
from agent.errors import InputError
from agent.text.grammar import grammar_problems
from agent.text.slots import Slots, fill, make_slots
from agent.text.words import fold

MAX_QUESTION_CHARS = 500
REVIEW_REASON = "The screen could not decide; read it again before asking (closest concern: {label})."
Judge = Callable[[str, Decision], Decision]
Rewriter = Callable[[str, str], "str | None"]

class ScreenResult(BaseModel):
    """One question's verdict. `review` means the screen could not decide: shown, never passed.

    For `review`, `category` is the screen's best guess, so the user sees what to look at.
    """

    question: str
    verdict: Verdict
    category: str | None = Field(None, description="One of CATEGORIES; None when ok")
    reason: str = Field("", description="One line for the user; empty when ok")
    rewrite: str | None = Field(None, description="A question with the same intent, within bounds")
    confidence: float = Field(..., ge=0.0, le=1.0)


def check_questions(questions: list[str]) -> list[str]:
    """Questions folded to one line; empty or over-long ones are an `InputError`."""
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


def screen_without_model(
    deps: Deps, questions: list[str], *, role: str | None = None, judge: Judge | None = None,
    rewriter: Rewriter | None = None,
) -> list[ScreenResult]:
    """Screen questions in input order; `role` tailors the suggested rewrites.

    `judge` may settle a `review` decision and `rewriter` may offer its own rewrite for a flag (the
    screening capability passes the model's, when a capable model is configured); without them
    the screen is cues and exemplars only.
    """
    texts = check_questions(questions)
    if not texts:
        return []
    decisions, vectors = decisions_for(deps, texts)
    if judge is not None:
        decisions = [judge(q, d) if d.verdict == "review" else d
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
        if rewriter is not None and d.verdict == "flag":
            rewrite = rewriter(texts[i], category) or rewrite
        reason = (rules.categories[category].reason if d.verdict == "flag"
                  else REVIEW_REASON.format(label=category.replace("_", " ")))
        results.append(ScreenResult(question=question, verdict=d.verdict,  # type: ignore[arg-type]
                                    category=category, reason=reason, rewrite=rewrite,
                                    confidence=round(min(max(d.confidence, 0.0), 1.0), 3)))
    return results
