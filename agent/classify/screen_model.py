"""The embedding side of the screen: a linear probe and a nearest-neighbour vote over exemplars.

The tiny default model labels at chance, so the screen learns from labelled examples instead: the
exemplar bank (`knowledge/exemplars/screening.jsonl`, flagged questions and fine look-alikes) plus
every question in the question bank as a known-fine example. A softmax probe over MiniLM vectors
gives calibrated class probabilities; a k-nearest-neighbour vote is the second opinion that must
agree before an embedding-only flag is raised. Both are trained in memory once per process from the
vectors already stored in Chroma, so nothing is re-embedded per call.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from agent.classify.banks import labelled_exemplars, question_bank_texts, question_items
from agent.classify.neighbours import neighbour_votes
from agent.classify.probe import Probe, train_probe
from agent.classify.screen_rules import LABELS, OK
from agent.deps import Deps

NEIGHBOURS = 7
CLASS_BALANCE = 0.25  # 0 = raw label frequencies, 1 = every label weighs the same


@dataclass(frozen=True)
class Scores:
    """Per question: probe probabilities and neighbour votes (columns follow LABELS)."""

    probs: np.ndarray
    votes: np.ndarray
    nearest: np.ndarray


@dataclass
class ScreeningModel:
    """Trained probe plus the labelled vectors for the neighbour vote."""

    probe: Probe
    vectors: np.ndarray
    labels: np.ndarray

    @classmethod
    def fit(cls, vectors: np.ndarray, labels: list[str], balance: float = CLASS_BALANCE) -> ScreeningModel:
        y = np.array([LABELS.index(label) for label in labels], dtype=np.int64)
        probe = train_probe(vectors, y, len(LABELS), balance=balance)
        return cls(probe, vectors.astype(np.float32), y)

    def score(self, queries: np.ndarray) -> Scores:
        sims = queries @ self.vectors.T
        votes = neighbour_votes(sims, self.labels, len(LABELS), NEIGHBOURS)
        return Scores(probs=self.probe.probabilities(queries), votes=votes, nearest=sims.max(axis=1))


def training_set(deps: Deps) -> tuple[np.ndarray, list[str]]:
    """Screening exemplars with their labels, plus the question banks as known-fine questions."""
    _, vectors, labels = labelled_exemplars(deps, "screening", LABELS)
    q_docs, q_vectors, _ = question_items(deps)
    if q_docs:
        return np.vstack([vectors, q_vectors]).astype(np.float32), [*labels, *[OK] * len(q_docs)]
    texts = question_bank_texts()  # the index was never built: encode the bank files directly
    return np.vstack([vectors, deps.encoder.encode(texts)]).astype(np.float32), [*labels, *[OK] * len(texts)]


def screening_model(deps: Deps) -> ScreeningModel:
    """The trained model, built on first use and kept for the life of the process."""
    return deps.cached("screening_model", lambda: ScreeningModel.fit(*training_set(deps)))
