"""Screening on questions it never saw: precision, recall, F1, false flags, per-category accuracy.

Dataset: `evals/datasets/screening.jsonl` (question, label, hard, note), balanced between the six
categories and fine questions, with hard negatives (field-level pay, culture, what they like least,
who else to talk to). None of these questions is in the exemplar bank the screen learns from, and
the thresholds were set by cross-validation on that bank (`evals.screening_cv`), not here.

Fail closed: a `review` verdict is shown to the user, so it counts as flagged for recall and for
the false-flag rate alike. `decided_*` figures count only firm flags, for comparison.
`category_accuracy` is over the flagged-labelled questions: the right category, flag or review.

History, so the figures can be judged: the first run (before anything was informed by this set)
gave F1 0.941 and a false-flag rate of 0.100. The mistakes on the even-numbered rows (0-based: the
"tuning half") were then read, never the odd ones, and led to more exemplars of our own, a
cross-validated blend of probe and neighbour vote and two framing vetoes. The odd rows (the
"held-out half") are the honest estimate for new questions, so the thresholds gate on the
`heldout_*` figures; the unprefixed figures are over the full set, for reference. Rows that were
near-copies of the exemplar or question banks (`evals.leakage`) were replaced in place by new
questions written without running the screen on them, so the halves keep their rows.
`mistakes()` shows only the tuning half: read those, never the held-out ones.

    .venv/bin/python -m evals.screening
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

from agent.classify.screen_rules import CATEGORIES
from agent.deps import Deps
from agent.screening import ScreenResult, screen_questions
from evals.common import eval_deps, load_jsonl, print_metrics

THRESHOLDS = {
    "heldout_f1": (">=", 0.95),
    "heldout_false_flag_rate": ("<=", 0.05),
    "heldout_hard_negative_false_flag_rate": ("<=", 0.10),
}
HELDOUT_KEYS = ("precision", "recall", "f1", "false_flag_rate", "hard_negative_false_flag_rate",
                "review_rate", "category_accuracy")


def heldout(index: int) -> bool:
    """Odd rows were never read while tuning the screen."""
    return index % 2 == 1


def score(rows: list[dict[str, Any]], results: list[ScreenResult]) -> dict[str, float]:
    """Figures from labelled rows and the screen's results (same order)."""
    truth = [r["label"] != "ok" for r in rows]
    said = [res.verdict != "ok" for res in results]
    firm = [res.verdict == "flag" for res in results]

    def prf(pred: list[bool]) -> tuple[float, float, float]:
        tp = sum(t and p for t, p in zip(truth, pred, strict=True))
        precision = tp / max(sum(pred), 1)
        recall = tp / max(sum(truth), 1)
        return precision, recall, 2 * precision * recall / max(precision + recall, 1e-9)

    precision, recall, f1 = prf(said)
    _, decided_recall, decided_f1 = prf(firm)
    negatives = [i for i, t in enumerate(truth) if not t]
    hard_negatives = [i for i in negatives if rows[i].get("hard")]
    positives = [i for i, t in enumerate(truth) if t]
    metrics: dict[str, float] = {
        "precision": precision, "recall": recall, "f1": f1,
        "false_flag_rate": sum(said[i] for i in negatives) / max(len(negatives), 1),
        "hard_negative_false_flag_rate": sum(said[i] for i in hard_negatives) / max(len(hard_negatives), 1),
        "review_rate": sum(r.verdict == "review" for r in results) / max(len(results), 1),
        "decided_recall": decided_recall, "decided_f1": decided_f1,
        "category_accuracy": sum(said[i] and results[i].category == rows[i]["label"] for i in positives)
        / max(len(positives), 1),
    }
    for category in (*CATEGORIES, "ok"):
        idx = [i for i, r in enumerate(rows) if r["label"] == category]
        right = sum((not said[i]) if category == "ok" else
                    (said[i] and results[i].category == category) for i in idx)
        metrics[f"accuracy_{category}"] = right / max(len(idx), 1)
    return metrics


def run(deps: Deps) -> dict[str, float]:
    rows = load_jsonl("screening.jsonl")
    questions = [r["question"] for r in rows]
    screen_questions(deps, questions[:1])  # warm: index load and probe training, not per question
    started = time.perf_counter()
    results = [screen_questions(deps, [q])[0] for q in questions]
    per_question = (time.perf_counter() - started) / max(len(questions), 1)
    metrics = score(rows, results)
    for name, keys in (("heldout", HELDOUT_KEYS), ("tuning_half", ("f1", "false_flag_rate"))):
        idx = [i for i in range(len(rows)) if heldout(i) == (name == "heldout")]
        half = score([rows[i] for i in idx], [results[i] for i in idx])
        metrics |= {f"{name}_{key}": half[key] for key in keys}
    metrics["seconds_per_question"] = per_question
    return metrics


def mistakes(deps: Deps) -> list[tuple[str, str, str, str | None]]:
    """(question, label, verdict, category) for every wrong answer in the tuning half only: the
    held-out half stays unread so its figures remain an estimate for new questions."""
    rows = [r for i, r in enumerate(load_jsonl("screening.jsonl")) if not heldout(i)]
    results = screen_questions(deps, [r["question"] for r in rows])
    out = []
    for r, res in zip(rows, results, strict=True):
        wrong = (res.verdict != "ok") != (r["label"] != "ok") or (
            r["label"] != "ok" and res.category != r["label"])
        if wrong:
            out.append((r["question"], r["label"], res.verdict, res.category))
    return out


def main() -> None:
    folder = os.environ.get("COACH_DATA_DIR")
    deps = eval_deps(Path(folder) if folder else None)
    print_metrics("screening", run(deps))


if __name__ == "__main__":
    main()
