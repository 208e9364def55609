"""Question preparation over 20 scenarios and 8 held-out ones: fit to the time, closing referral,
coverage, and whether each proposed question is one a careful person would ask.

Datasets: `evals/datasets/questions_scenarios.jsonl` (the 20 scenarios used while building the
graph) and `questions_heldout_scenarios.jsonl` (8 written afterwards, before the graph ran on them):
id, role, company, industry, goal, minutes. Runs use the bank wording (`rephrase=False`) so the
figures are deterministic; the model's rewording is validated separately and can only keep or
replace a question one for one.

Every proposed question (the list and its reserve) is graded against `questions_labels.jsonl`,
written by hand for each scenario's output: `fit`, or `unfit` with a reason — must not be asked
(job ask, the contact's own pay, confidential, politics/religion, private life, complaints), a web
search answers it, it does not fit the role or the goal, or a slot is badly filled (ungrammatical,
wrong field, leftover braces). The labels come from a human judge, not from the screen or the
web-search classifier, which learn from the same bank the questions come from.

Metrics (each also with a `heldout_` prefix for the held-out scenarios):
- fit_rate: questions labelled fit / questions proposed (an unlabelled question counts as not fit).
- label_coverage: share of proposed questions that have a label; a code change that proposes new
  questions shows up here. `--unlabelled` prints them, ready to be judged and added.
- slot_clean_rate: share of questions that pass a grammar/slot check written here (no braces or
  empty slot, no doubled word, "a"/"an" agreeing with the next word, spacing, ends with "?").
- fits_time_rate: opening and close plus questions × minutes each fit the scenario's minutes.
- closing_referral_rate: the last question asks for other people to talk to.
- family_coverage: distinct families / min(questions, families) — topics spread, not one topic.
- duplicate_free_rate: share of lists whose closest pair of questions is below 0.9 cosine.
- level_fit_rate: share of lists with no leader-level questions for non-leader roles.
- goal_lift: mean cosine of the top three questions to the goal minus the same for the bank as a
  whole (positive = the goal moves the right questions up).

    .venv/bin/python -m evals.questions [--with-model] [--unlabelled]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import time
from collections import Counter
from itertools import combinations
from pathlib import Path
from typing import Any

import numpy as np

from agent.deps import Deps
from agent.questions import rank
from agent.questions.graph import prepare_questions
from agent.questions.state import PreparedQuestion, QuestionPlan, QuestionsRequest
from agent.questions.tailor import candidates_from_bank
from agent.text.slots import make_slots
from evals.common import eval_deps, load_jsonl, print_metrics

SETS = {"": "questions_scenarios.jsonl", "heldout_": "questions_heldout_scenarios.jsonl"}
LABELS = "questions_labels.jsonl"
THRESHOLDS = {
    "fits_time_rate": (">=", 1.0),
    "closing_referral_rate": (">=", 1.0),
    "family_coverage": (">=", 0.8),
    "duplicate_free_rate": (">=", 1.0),
    "level_fit_rate": (">=", 1.0),
    "goal_lift": (">=", 0.05),
    "fit_rate": (">=", 0.9),
    "label_coverage": (">=", 0.9),
    "slot_clean_rate": (">=", 1.0),
    "heldout_fit_rate": (">=", 0.9),
    "heldout_label_coverage": (">=", 0.9),
    "heldout_slot_clean_rate": (">=", 1.0),
}
FAMILIES = 10
UNFIT_REASONS = ("must_not_ask", "web_searchable", "off_role_or_goal", "bad_slot")

A_BEFORE_VOWEL = re.compile(r"\b[Aa] (?!one\b|once\b|uni|use|usu|eu|ewe)[aeiou]\w*")
AN_BEFORE_CONSONANT = re.compile(r"\b[Aa]n (?!hour|honou?r|honest|heir)[b-df-hj-np-tv-z]\w*")
DOUBLED = re.compile(r"\b(\w+) \1\b", re.IGNORECASE)
EMPTY_SLOT = re.compile(r"[{}]|\b(?:None|null|N/A|undefined)\b|\s[,.?;:]|\s{2}|\b(?:in|at|for|to|as|of|"
                        r"about|into) (?:a |an |the )?[?,.]")


def slot_problems(text: str) -> list[str]:
    """Grammar and slot faults visible in the text alone (independent of the agent's code)."""
    problems = []
    if EMPTY_SLOT.search(text):
        problems.append("empty or unfilled slot, or stray spacing")
    if DOUBLED.search(text):
        problems.append("doubled word")
    if A_BEFORE_VOWEL.search(text) or AN_BEFORE_CONSONANT.search(text):
        problems.append("a/an does not agree with the next word")
    if not text.rstrip().endswith("?") or not text[:1].isupper():
        problems.append("not a capitalised question")
    return problems


def request_of(scenario: dict[str, Any], rephrase: bool = False) -> QuestionsRequest:
    return QuestionsRequest(**{k: v for k, v in scenario.items() if k != "id"}, rephrase=rephrase)


def proposed(plan: QuestionPlan) -> list[PreparedQuestion]:
    """What the user is shown: the list, then the reserve questions."""
    return [*plan.questions, *plan.reserve]


def load_labels() -> dict[tuple[str, str], dict[str, Any]]:
    return {(r["scenario"], r["generated"]): r for r in load_jsonl(LABELS)}


def score_set(deps: Deps, scenarios: list[dict[str, Any]], labels: dict[tuple[str, str], dict[str, Any]],
              unlabelled: list[dict[str, str]]) -> dict[str, float]:
    docs, _, metas = deps.vectors.all_items("questions")
    level = {str(m.get("id")): m.get("level") for m in metas if m.get("bank") == "bank"}
    fits = closing = coverage = dup_free = level_fit = 0.0
    lifts: list[float] = []
    seconds: list[float] = []
    shown = fit = labelled = clean = listed = 0
    reasons: Counter[str] = Counter()
    for s in scenarios:
        request = request_of(s)
        started = time.perf_counter()
        plan = prepare_questions(deps, request)
        seconds.append(time.perf_counter() - started)
        questions = plan.questions
        texts = [q.text for q in questions]
        listed += len(questions)
        fits += plan.overhead_minutes + len(questions) * plan.minutes_per_question <= plan.minutes
        closing += questions[-1].category == rank.CLOSING_FAMILY
        coverage += len({q.category for q in questions}) / min(len(questions), FAMILIES)
        vectors = deps.encoder.encode(texts)
        worst = max((float(vectors[a] @ vectors[b]) for a, b in combinations(range(len(texts)), 2)),
                    default=0.0)
        dup_free += worst <= rank.DUPLICATE_SIMILARITY
        leader = rank.seniority(request.contact_role) == "leader"
        level_fit += leader or "senior" not in [level.get(q.source_id, "any") for q in questions]
        bank_texts = [c.text for c in candidates_from_bank(docs, metas, make_slots(
            request.contact_role, request.industry, request.company))]
        goal = deps.encoder.encode([str(request.goal)])[0]
        top = float(np.mean(vectors[:3] @ goal))
        lifts.append(top - float(np.mean(deps.encoder.encode(bank_texts) @ goal)))
        for q in proposed(plan):
            shown += 1
            clean += not slot_problems(q.text)
            label = labels.get((s["id"], q.text))
            if label is None:
                unlabelled.append({"scenario": s["id"], "generated": q.text, "label": "", "reason": ""})
                continue
            labelled += 1
            fit += label["label"] == "fit"
            if label["label"] != "fit":
                reasons[label["reason"].split(":")[0]] += 1
    n = len(scenarios)
    metrics = {
        "fit_rate": fit / max(shown, 1),
        "label_coverage": labelled / max(shown, 1),
        "fit_rate_of_labelled": fit / max(labelled, 1),
        "slot_clean_rate": clean / max(shown, 1),
        "fits_time_rate": fits / n,
        "closing_referral_rate": closing / n,
        "family_coverage": coverage / n,
        "duplicate_free_rate": dup_free / n,
        "level_fit_rate": level_fit / n,
        "goal_lift": float(np.mean(lifts)),
        "questions_shown": float(shown),
        "questions_per_list": listed / n,
        "seconds_per_list": float(np.median(seconds)),
    }
    metrics |= {f"unfit_{reason}": float(reasons[reason]) for reason in UNFIT_REASONS}
    return metrics


def run(deps: Deps, unlabelled: list[dict[str, str]] | None = None) -> dict[str, float]:
    labels = load_labels()
    missing: list[dict[str, str]] = [] if unlabelled is None else unlabelled
    metrics: dict[str, float] = {}
    for prefix, name in SETS.items():
        figures = score_set(deps, load_jsonl(name), labels, missing)
        metrics |= {f"{prefix}{key}": value for key, value in figures.items()}
    return metrics


def run_with_model(deps: Deps) -> dict[str, float]:
    """The same scenarios with the model's rewording on: how often a rewording survives the
    validators, and the time per list (not part of the scorecard: it needs the real model)."""
    kept = tried = 0
    seconds = []
    for s in load_jsonl(SETS[""]):
        calls_before = _calls(deps)
        started = time.perf_counter()
        plan = prepare_questions(deps, request_of(s, rephrase=True))
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


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="evals.questions")
    parser.add_argument("--with-model", action="store_true", help="also measure the model's rewording")
    parser.add_argument("--unlabelled", action="store_true",
                        help="print the proposed questions that have no label yet, as JSON lines")
    args = parser.parse_args(argv)
    folder = os.environ.get("COACH_DATA_DIR")
    deps = eval_deps(Path(folder) if folder else None)
    try:
        missing: list[dict[str, str]] = []
        metrics = run(deps, missing)
        if args.with_model:
            metrics |= run_with_model(deps)
    finally:
        deps.close()
    if args.unlabelled:
        for row in missing:
            print(json.dumps(row, ensure_ascii=False))
        return
    print_metrics("questions", metrics)


if __name__ == "__main__":
    main()
