"""Question preparation over 20 scenarios: fit to the time, closing referral, coverage, safety.

Dataset: `evals/datasets/questions_scenarios.jsonl` (role, company, industry, goal, minutes). Runs
use the bank wording (`rephrase=False`) so the figures are deterministic; the model's rewording is
validated separately and can only keep or replace a question one for one.

Metrics:
- fits_time_rate: opening and close plus questions × minutes each fit the scenario's minutes.
- closing_referral_rate: the last question asks for other people to talk to.
- family_coverage: distinct families / min(questions, families) — topics spread, not one topic.
- screen_clean_rate: share of proposed questions the screen passes as ok.
- not_searchable_rate: share of proposed questions a web search would not answer.
- duplicate_free_rate: share of lists whose closest pair of questions is below 0.9 cosine.
- filled_rate: share of questions with every template slot filled.
- level_fit_rate: share of lists with no leader-level questions for non-leader roles.
- goal_lift: mean cosine of the top three questions to the goal minus the same for the bank as a
  whole (positive = the goal moves the right questions up).

    .venv/bin/python -m evals.questions [--with-model]   (the option adds the real model's rewording)
"""

from __future__ import annotations

import os
import sys
import time
from itertools import combinations
from pathlib import Path

import numpy as np

from agent.classify.searchable import searchable_flags
from agent.deps import Deps
from agent.questions import rank
from agent.questions.graph import prepare_questions
from agent.questions.state import QuestionsRequest
from agent.questions.tailor import candidates_from_bank
from agent.screening import screen_questions
from agent.text.slots import make_slots
from evals.common import eval_deps, load_jsonl, print_metrics

THRESHOLDS = {
    "fits_time_rate": (">=", 1.0),
    "closing_referral_rate": (">=", 1.0),
    "family_coverage": (">=", 0.8),
    "screen_clean_rate": (">=", 1.0),
    "not_searchable_rate": (">=", 1.0),
    "duplicate_free_rate": (">=", 1.0),
    "filled_rate": (">=", 1.0),
    "level_fit_rate": (">=", 1.0),
    "goal_lift": (">=", 0.05),
}
FAMILIES = 10


def run(deps: Deps) -> dict[str, float]:
    scenarios = load_jsonl("questions_scenarios.jsonl")
    docs, _, metas = deps.vectors.all_items("questions")
    fits = closing = coverage = dup_free = level_fit = 0.0
    texts_all: list[str] = []
    lifts: list[float] = []
    seconds: list[float] = []
    for s in scenarios:
        request = QuestionsRequest(**s, rephrase=False)
        started = time.perf_counter()
        plan = prepare_questions(deps, request)
        seconds.append(time.perf_counter() - started)
        questions = plan.questions
        texts = [q.text for q in questions]
        texts_all += texts
        fits += plan.overhead_minutes + len(questions) * plan.minutes_per_question <= plan.minutes
        closing += questions[-1].category == rank.CLOSING_FAMILY
        coverage += len({q.category for q in questions}) / min(len(questions), FAMILIES)
        vectors = deps.encoder.encode(texts)
        worst = max((float(vectors[a] @ vectors[b]) for a, b in combinations(range(len(texts)), 2)),
                    default=0.0)
        dup_free += worst <= rank.DUPLICATE_SIMILARITY
        leader = rank.seniority(request.contact_role) == "leader"
        level = {str(m.get("id")): m.get("level") for m in metas if m.get("bank") == "bank"}
        selected = [level.get(q.source_id, "any") for q in questions]
        level_fit += leader or "senior" not in selected
        bank_texts = [c.text for c in candidates_from_bank(docs, metas, make_slots(
            request.contact_role, request.industry, request.company))]
        goal = deps.encoder.encode([str(request.goal)])[0]
        top = float(np.mean(vectors[:3] @ goal))
        lifts.append(top - float(np.mean(deps.encoder.encode(bank_texts) @ goal)))
    n = len(scenarios)
    screened = screen_questions(deps, texts_all)
    searchable = searchable_flags(deps, texts_all)
    return {
        "fits_time_rate": fits / n,
        "closing_referral_rate": closing / n,
        "family_coverage": coverage / n,
        "screen_clean_rate": sum(r.verdict == "ok" for r in screened) / len(texts_all),
        "not_searchable_rate": 1 - sum(searchable) / len(texts_all),
        "duplicate_free_rate": dup_free / n,
        "filled_rate": sum("{" not in t for t in texts_all) / len(texts_all),
        "level_fit_rate": level_fit / n,
        "goal_lift": float(np.mean(lifts)),
        "questions_per_list": len(texts_all) / n,
        "seconds_per_list": float(np.median(seconds)),
    }


def run_with_model(deps: Deps) -> dict[str, float]:
    """The same scenarios with the model's rewording on: how often a rewording survives the
    validators, and the time per list (not part of the scorecard: it needs the real model)."""
    kept = tried = 0
    seconds = []
    for s in load_jsonl("questions_scenarios.jsonl"):
        calls_before = _calls(deps)
        started = time.perf_counter()
        plan = prepare_questions(deps, QuestionsRequest(**s, rephrase=True))
        seconds.append(time.perf_counter() - started)
        tried += _calls(deps) - calls_before
        kept += sum(q.phrasing == "model" for q in plan.questions)
    return {"rewordings_tried": float(tried), "rewording_accept_rate": kept / max(tried, 1),
            "seconds_per_list_with_model": float(np.median(seconds))}


def _calls(deps: Deps) -> int:
    """Structured model calls so far (a counter wrapped around the client once)."""
    return int(deps.cached("eval_call_counter", lambda: _install_counter(deps))["n"])


def _install_counter(deps: Deps) -> dict[str, int]:
    counter = {"n": 0}
    original = deps.llm.structured

    def counted(*args, **kwargs):  # type: ignore[no-untyped-def]
        counter["n"] += 1
        return original(*args, **kwargs)

    deps.llm.structured = counted  # type: ignore[method-assign]
    return counter


def main() -> None:
    folder = os.environ.get("COACH_DATA_DIR")
    deps = eval_deps(Path(folder) if folder else None)
    metrics = run(deps)
    if "--with-model" in sys.argv:
        try:
            metrics |= run_with_model(deps)
        finally:
            deps.close()
    print_metrics("questions", metrics)


if __name__ == "__main__":
    main()
