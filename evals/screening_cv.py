"""Choose the screen's thresholds by cross-validation over the exemplar bank, never the eval set.

Ten folds over the labelled exemplars: each fold's probe and neighbour index are trained on the
other folds plus the question banks (always fine), then every threshold pair is scored on the held
out fold. Cue hits count too, which flatters the figures (the cues were written next to these
exemplars); the unseen evaluation in `evals.screening` is the number to trust.

    .venv/bin/python -m evals.screening_cv
"""

from __future__ import annotations

import itertools

import numpy as np

from agent.config import Settings
from agent.deps import Deps
from agent.screening.classifier import ScreeningModel
from agent.screening.decide import decide
from agent.screening.rules import fold, load_rules
from agent.screening.state import OK

FOLDS = 10
GRID = (0.4, 0.5, 0.6, 0.7)


def exemplar_rows(deps: Deps) -> tuple[list[str], np.ndarray, list[str], np.ndarray]:
    docs, vectors, metas = deps.vectors.all_items("exemplars")
    keep = [i for i, m in enumerate(metas) if m.get("bank") == "screening"]
    _, q_vectors, _ = deps.vectors.all_items("questions")
    return [docs[i] for i in keep], vectors[keep], [str(metas[i]["label"]) for i in keep], q_vectors


def cross_validate(deps: Deps) -> dict[tuple[float, float], dict[str, float]]:
    docs, vectors, labels, bank = exemplar_rows(deps)
    rules = load_rules()
    folded = [fold(d) for d in docs]
    cues = [rules.flag_cues(f) for f in folded]
    allowed = [rules.allowed(f) for f in folded]
    order = np.random.default_rng(0).permutation(len(docs))
    scores: list[object] = [None] * len(docs)
    for part in np.array_split(order, FOLDS):
        train = np.setdiff1d(order, part)
        model = ScreeningModel.fit(np.vstack([vectors[train], bank]),
                                   [labels[i] for i in train] + [OK] * len(bank))
        s = model.score(vectors[part])
        for row, i in enumerate(part):
            scores[i] = (s.probs[row], s.votes[row], float(s.nearest[row]))
    results = {}
    for ok_min, flag_min in itertools.product(GRID, GRID):
        decisions = [decide(p, v, n, cues[i], allowed[i], ok_min=ok_min, flag_min=flag_min)
                     for i, (p, v, n) in enumerate(scores)]  # type: ignore[misc]
        results[(ok_min, flag_min)] = summarise(labels, decisions)
    return results


def summarise(labels: list[str], decisions: list) -> dict[str, float]:  # type: ignore[type-arg]
    truth = np.array([label != OK for label in labels])
    said = np.array([d.verdict != "ok" for d in decisions])
    tp = float((truth & said).sum())
    precision = tp / max(said.sum(), 1)
    recall = tp / max(truth.sum(), 1)
    f1 = 2 * precision * recall / max(precision + recall, 1e-9)
    category = np.mean([d.category == label for d, label, t in zip(decisions, labels, truth, strict=True)
                        if t])
    return {"precision": precision, "recall": recall, "f1": f1,
            "false_flag_rate": float((said & ~truth).sum() / max((~truth).sum(), 1)),
            "category_accuracy": float(category),
            "review_rate": float(np.mean([d.verdict == "review" for d in decisions]))}


def main() -> None:
    from agent.cli.common import ensure_index

    deps = Deps(Settings.load())
    ensure_index(deps)
    for (ok_min, flag_min), m in cross_validate(deps).items():
        print(f"ok_min={ok_min:.1f} flag_min={flag_min:.1f}  " + "  ".join(
            f"{k}={v:.3f}" for k, v in m.items()))


if __name__ == "__main__":
    main()
