"""Tailor bank questions to the contact: fill the template slots, and let the model reword.

Filling is deterministic (`fields.fill`): a template that needs a company we were not given is
skipped. The model may then reword a question to name the contact's field, one question per call
under a JSON schema. A rewording survives only if `rephrase_problems` finds nothing: it keeps every
key word of the original (so 'like least' cannot become 'like most', which embeddings alone rate as
0.9 similar), replaces a generic phrase ('this line of work') only by naming the contact's field,
adds only words from the contact's role, field, industry or company, still screens as fine and is
not answerable by a web search. Otherwise the filled template stands.
"""

from __future__ import annotations

import re
from importlib import resources
from typing import Any

from pydantic import BaseModel, Field

import prompts
from agent.questions.state import Candidate
from agent.text.grammar import grammar_problems
from agent.text.slots import Slots, fill
from agent.text.words import STOPWORDS, stem, word_count, words

MIN_REPHRASE_SIMILARITY = 0.45
# Words a rewording may replace with the contact's field ('this line of work' → 'UX design').
GENERIC_WORDS = {"line", "work", "job", "field", "role", "career", "profession", "industry", "area",
                 "occupation"}


class Rephrase(BaseModel):
    question: str = Field(..., max_length=240, description="The reworded question")


def candidates_from_bank(docs: list[str], metas: list[dict[str, Any]], slots: Slots) -> list[Candidate]:
    """Every bank question filled for this contact (templates that cannot be filled are skipped)."""
    out = []
    for doc, meta in zip(docs, metas, strict=True):
        if meta.get("bank") != "bank":
            continue
        text = fill(doc, slots)
        if text is None or grammar_problems(text):
            continue
        out.append(Candidate(
            id=str(meta.get("id", "")), template=doc, text=text, family=str(meta.get("family", "")),
            value=int(meta.get("value", 3)), level=str(meta.get("level", "any")),
            tags=[t for t in str(meta.get("tags", "")).split(",") if t],
        ))
    return out


def is_generic(candidate: Candidate) -> bool:
    """A question that names none of the contact's specifics: the one worth rewording."""
    return not re.search(r"\{(role|field|industry|company)\}", candidate.template)


def rephrase_messages(role: str, question: str) -> list[dict[str, str]]:
    """System text, the worked examples as earlier turns, then the question (small models copy
    the example turns far better than they follow instructions)."""
    base = prompts.load("questions_rephrase")
    rendered = base.messages(role=role, question=question)
    turns = [rendered[0]]
    raw = resources.files("prompts").joinpath("questions_rephrase_examples.txt").read_text("utf-8")
    for block in raw.split("\n===\n"):
        user, _, reply = block.partition("---reply---")
        turns += [{"role": "user", "content": user.strip()},
                  {"role": "assistant", "content": reply.strip()}]
    return [*turns, rendered[-1]]


def _stems(text: str) -> set[str]:
    return {stem(w) for w in words(text.lower()) if w not in STOPWORDS}


def _content_stems(text: str) -> set[str]:
    return {s for s in _stems(text) if s not in GENERIC_STEMS}


GENERIC_STEMS = {stem(w) for w in GENERIC_WORDS}


def rephrase_problems(original: str, rephrased: str, slots: Slots, similarity: float) -> list[str]:
    """Why a model rewording cannot replace the original (empty list = usable)."""
    problems = []
    text = rephrased.strip()
    if not text.endswith("?") or re.search(r"[{}|\n]|[.!?]\s+\S", text):
        problems.append("not a single question")
    if not 4 <= word_count(text) <= 30:
        problems.append(f"{word_count(text)} words (want 4–30)")
    missing = _content_stems(original) - _content_stems(text)
    if missing:
        problems.append(f"drops key words: {', '.join(sorted(missing))}")
    allowed = set().union(*(_content_stems(v) for v in (slots.role, slots.field, slots.industry,
                                                         slots.company or "")))
    added = _content_stems(text) - _content_stems(original) - allowed
    if added:
        problems.append(f"adds words: {', '.join(sorted(added))}")
    dropped_generic = (_stems(original) - _stems(text)) & GENERIC_STEMS
    if dropped_generic and not (_content_stems(text) - _content_stems(original)) & allowed:
        problems.append(f"drops {', '.join(sorted(dropped_generic))} without naming the field")
    if similarity < MIN_REPHRASE_SIMILARITY:
        problems.append(f"drifts in meaning (similarity {similarity:.2f})")
    return problems
