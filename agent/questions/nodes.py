"""Nodes of the questions graph: retrieve → screen → rank and fit → phrase → finish.

Each node is a verb-first function returning a partial state update. Choice is retrieval plus a
transparent score; the model only rewords a question, and only a rewording that passes
`rephrase_problems` and the screen replaces the template text.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from agent.classify.banks import question_items
from agent.classify.screen import decisions_for, folded_vectors
from agent.classify.searchable import searchable_flags
from agent.deps import Deps
from agent.errors import ModelError, fallback_notice
from agent.questions import rank
from agent.questions.bio import bio_candidates
from agent.questions.state import Candidate, PreparedQuestion, QuestionPlan, QuestionsState
from agent.questions.tailor import (
    Rephrase,
    candidates_from_bank,
    is_generic,
    rephrase_messages,
    rephrase_problems,
)
from agent.text.slots import Slots, make_slots
from agent.workflow import NodeRuntime, emit

SHORTLIST = 60
CLOSING_OPTIONS = 4
GOAL_NOTE_QUANTILE = 0.85  # the rationale says "close to your goal" above this share of the bank
EMBEDDED_REPHRASES = 3  # each call costs seconds on the tiny default model

FAMILY_REASONS = {
    "path_in": "Their route in shows you realistic ways into the field.",
    "day_to_day": "What the work is like day to day, which no job advert tells you.",
    "skills_training": "Which skills and training count in practice.",
    "trends": "Where the field is heading (TIARA: trends).",
    "culture_lifestyle": "Culture, hours and lifestyle: only an insider can say.",
    "compensation_field": "Pay at field level only; never ask what they earn.",
    "challenges_rewards": "The hard parts and the rewards (Bolles: like most, like least).",
    "advice": "Their advice for your next step (TIARA: advice).",
    "resources": "Where to keep learning (TIARA: resources).",
    "referrals": "Close by asking for more than one name to talk to next (Bolles).",
}


def slots_for(state: QuestionsState) -> Slots:
    r = state["request"]
    return make_slots(r.contact_role, r.industry, r.company)


def retrieve_candidates(state: QuestionsState, runtime: NodeRuntime) -> dict[str, Any]:
    """Fill every bank question and score it: its value, how close its topic is to the goal
    (the stored template vectors carry the topic without the role's words) and its level."""
    deps = runtime.context.deps
    r = state["request"]
    docs, vectors, metas = question_items(deps)
    candidates = candidates_from_bank(docs, metas, slots_for(state))
    row = {str(m.get("id")): i for i, m in enumerate(metas) if m.get("bank") == "bank"}
    unfillable = len(row) - len(candidates)
    personal = bio_candidates(r.bio, r.contact_name)
    candidates += personal
    fits = np.zeros(len(candidates))
    if r.goal and candidates:
        goal = deps.encoder.encode([r.goal])[0]
        own = deps.encoder.encode([c.text for c in personal]) if personal else np.zeros((0, 1))
        topic = {c.id: vectors[row[c.id]] for c in candidates if c.id in row}
        topic.update({c.id: v for c, v in zip(personal, own, strict=True)})
        fits = np.array([float(topic[c.id] @ goal) for c in candidates])
    middle = float(np.median(fits)) if len(fits) else 0.0
    close = float(np.quantile(fits, GOAL_NOTE_QUANTILE)) if r.goal and len(fits) else 2.0
    level = rank.seniority(r.contact_role)
    for c, fit in zip(candidates, fits, strict=True):
        c.relevance = float(fit)
        c.fits_goal = bool(r.goal) and bool(fit >= close)
        c.score = rank.base_score(c, level, middle)
    ordered = sorted(candidates, key=lambda c: -c.score)
    closing = [c for c in ordered if rank.is_closing(c)][:CLOSING_OPTIONS]
    shortlist = [c for c in ordered if c not in closing][:SHORTLIST] + closing
    emit({"stage": "retrieved", "count": len(shortlist)})
    return {"candidates": shortlist, "dropped": {"unfillable": unfillable}}


def score_and_screen(state: QuestionsState, runtime: NodeRuntime) -> dict[str, Any]:
    """Drop what the screen flags, what a web search answers, and near-duplicates."""
    deps = runtime.context.deps
    candidates = state["candidates"]
    texts = [c.text for c in candidates]
    vectors = folded_vectors(deps, texts)
    decisions, _ = decisions_for(deps, texts, vectors)
    searchable = searchable_flags(deps, texts, vectors)
    kept, kept_vectors = [], []
    flagged = found = 0
    for c, d, s, v in zip(candidates, decisions, searchable, vectors, strict=True):
        if d.verdict != "ok":
            flagged += 1
        elif s:
            found += 1
        else:
            kept.append(c)
            kept_vectors.append(v)
    unique, _ = rank.drop_near_duplicates(kept, np.array(kept_vectors))
    dropped = {**state.get("dropped", {}), "screened_out": flagged, "web_searchable": found,
               "near_duplicates": len(kept) - len(unique)}
    emit({"stage": "screened", "count": len(unique)})
    return {"candidates": unique, "dropped": dropped}


def rank_and_fit(state: QuestionsState) -> dict[str, Any]:
    count = rank.questions_that_fit(state["request"].minutes)
    selected, reserve = rank.select(state["candidates"], count)
    emit({"stage": "ranked", "questions": [c.text for c in selected]})
    return {"selected": selected, "reserve": reserve}


def phrase_with_model(state: QuestionsState, runtime: NodeRuntime) -> dict[str, Any]:
    deps = runtime.context.deps
    r = state["request"]
    if not r.rephrase:
        return {}
    slots = slots_for(state)
    limit = len(state["selected"]) if deps.settings.capable_model else EMBEDDED_REPHRASES
    targets = [c for c in state["selected"] if deps.settings.capable_model or is_generic(c)][:limit]
    selected = [c.model_copy() for c in state["selected"]]
    by_id = {c.id: c for c in selected}
    for c in targets:
        try:
            text = _rephrase(deps, c.text, slots)
        except ModelError as exc:  # the rest would fail the same way: keep the bank wording
            return {"selected": selected, "model_error": str(exc)}
        if text:
            by_id[c.id].text = text
            by_id[c.id].phrasing = "model"
            emit({"stage": "phrased", "id": c.id, "text": text})
    return {"selected": selected}


def _rephrase(deps: Deps, original: str, slots: Slots) -> str | None:
    """The model's rewording if it passes every check, else None; a failed call raises."""
    reply = deps.llm.structured(rephrase_messages(slots.role, original), Rephrase,
                                max_tokens=48, temperature=0.2)
    text = " ".join(reply.question.split())
    if text.lower() == original.lower():
        return None
    vectors = folded_vectors(deps, [text, original])
    if rephrase_problems(original, text, slots, float(vectors[0] @ vectors[1])):
        return None
    decision, _ = decisions_for(deps, [text], vectors[:1])
    if decision[0].verdict != "ok" or searchable_flags(deps, [text], vectors[:1])[0]:
        return None
    return text


def finish(state: QuestionsState) -> dict[str, Any]:
    r = state["request"]
    selected, reserve = state["selected"], state.get("reserve", [])
    questions = [_prepared(c, i + 1) for i, c in enumerate(selected)]
    spare = [_prepared(c, len(selected) + i + 1) for i, c in enumerate(reserve)]
    plan = QuestionPlan(minutes=r.minutes, minutes_per_question=rank.MINUTES_PER_QUESTION,
                        overhead_minutes=rank.overhead_minutes(r.minutes), questions=questions,
                        reserve=spare,
                        notice=fallback_notice(state["model_error"]) if state.get("model_error") else None)
    return {"plan": plan}


def rationale(candidate: Candidate) -> str:
    """One short line: why this family matters, and whether it is close to the user's goal."""
    reason = FAMILY_REASONS.get(candidate.family, "A useful question for this conversation.")
    if "bio" in candidate.tags:
        reason = "From what you know about them: asks about their own path and shows you did your homework."
    if candidate.fits_goal and candidate.family != rank.CLOSING_FAMILY:
        return f"Close to your goal. {reason}"
    return reason


def _prepared(candidate: Candidate, priority: int) -> PreparedQuestion:
    return PreparedQuestion(text=candidate.text, priority=priority, category=candidate.family,
                            rationale=rationale(candidate), source_id=candidate.id,
                            phrasing=candidate.phrasing)
