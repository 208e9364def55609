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

from agent.classify.screen_decide import KNN_WEIGHT, NEED_VOTE, decide
from agent.classify.screen_model import CLASS_BALANCE, ScreeningModel
from agent.classify.screen_rules import OK, framing_vetoes, load_rules
from agent.config import Settings
from agent.deps import Deps
from agent.text.words import fold

FOLDS = 10
GRID = (0.4, 0.5, 0.6)
BALANCES = (0.25, 0.5)
KNN_WEIGHTS = (0.0, 0.3, 0.5)


def exemplar_rows(deps: Deps) -> tuple[list[str], np.ndarray, list[str], np.ndarray]:
    docs, vectors, metas = deps.vectors.all_items("exemplars")
    keep = [i for i, m in enumerate(metas) if m.get("bank") == "screening"]
    _, q_vectors, _ = deps.vectors.all_items("questions")
    return [docs[i] for i in keep], vectors[keep], [str(metas[i]["label"]) for i in keep], q_vectors


def cross_validate(
    deps: Deps, balance: float = CLASS_BALANCE, knn_weights: tuple[float, ...] = (KNN_WEIGHT,),
    use_cues: bool = True, need_votes: tuple[bool, ...] = (NEED_VOTE,),
) -> dict[tuple[float, float, float, bool], dict[str, float]]:
    """Figures per (knn_weight, ok_min, flag_min); `use_cues=False` scores the embeddings alone,
    which says more about unseen wording than the cue-assisted figures."""
    docs, vectors, labels, bank = exemplar_rows(deps)
    rules = load_rules()
    folded = [fold(d) for d in docs]
    cues = [rules.flag_cues(f) if use_cues else [] for f in folded]
    allowed = [rules.allowed(f) and use_cues for f in folded]
    vetoes = [frozenset(framing_vetoes(f)) if use_cues else frozenset() for f in folded]
    order = np.random.default_rng(0).permutation(len(docs))
    scores: list[object] = [None] * len(docs)
    for part in np.array_split(order, FOLDS):
        train = np.setdiff1d(order, part)
        model = ScreeningModel.fit(np.vstack([vectors[train], bank]),
                                   [labels[i] for i in train] + [OK] * len(bank), balance=balance)
        s = model.score(vectors[part])
        for row, i in enumerate(part):
            scores[i] = (s.probs[row], s.votes[row], float(s.nearest[row]))
    results = {}
    for knn_weight, ok_min, flag_min, need_vote in itertools.product(knn_weights, GRID, GRID, need_votes):
        decisions = [decide(p, v, n, cues[i], allowed[i], vetoes[i], ok_min=ok_min, flag_min=flag_min,
                            knn_weight=knn_weight, need_vote=need_vote)
                     for i, (p, v, n) in enumerate(scores)]  # type: ignore[misc]
        results[(knn_weight, ok_min, flag_min, need_vote)] = summarise(labels, decisions)
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
    for use_cues, balance in itertools.product((False, True), BALANCES):
        grid = cross_validate(deps, balance, KNN_WEIGHTS, use_cues, (True, False))
        for (knn_weight, ok_min, flag_min, need_vote), m in grid.items():
            print(f"cues={'on ' if use_cues else 'off'} balance={balance:.2f} knn_weight={knn_weight:.1f} "
                  f"ok_min={ok_min:.1f} flag_min={flag_min:.1f} need_vote={int(need_vote)}  "
                  + "  ".join(f"{k}={v:.3f}" for k, v in m.items()))


if __name__ == "__main__":
    main()
