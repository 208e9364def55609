"""The embedding side of the screen: a linear probe and a nearest-neighbour vote over exemplars.

The tiny default model labels at chance, so the screen learns from labelled examples instead: the
exemplar bank (`knowledge/exemplars/screening.jsonl`, flagged questions and fine look-alikes) plus
every question in the question bank as a known-fine example. A softmax probe over MiniLM vectors
gives calibrated class probabilities; a k-nearest-neighbour vote is the second opinion that must
agree before an embedding-only flag is raised. Both are trained in memory once per process from the
vectors already stored in Chroma, so nothing is re-embedded per call.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import numpy as np

import knowledge
from agent.deps import Deps
from agent.errors import ConfigError
from agent.questions.bank import question_items
from agent.screening.state import LABELS, OK

NEIGHBOURS = 7
PROBE_EPOCHS = 300
PROBE_RATE = 2.0
PROBE_L2 = 1e-3
PROBE_SCALE = 10.0
CLASS_BALANCE = 0.25  # 0 = raw label frequencies, 1 = every label weighs the same


@dataclass(frozen=True)
class Scores:
    """Per question: probe probabilities and neighbour votes (columns follow LABELS)."""

    probs: np.ndarray
    votes: np.ndarray
    nearest: np.ndarray


def train_probe(
    vectors: np.ndarray, labels: np.ndarray, n_labels: int, *, epochs: int = PROBE_EPOCHS,
    l2: float = PROBE_L2, balance: float = CLASS_BALANCE,
) -> tuple[np.ndarray, np.ndarray]:
    """Full-batch gradient descent on a weighted softmax; deterministic (zero start, no sampling)."""
    weights = np.zeros((vectors.shape[1], n_labels), dtype=np.float64)
    bias = np.zeros(n_labels, dtype=np.float64)
    onehot = np.eye(n_labels)[labels]
    counts = np.maximum(np.bincount(labels, minlength=n_labels), 1)
    sample_w = (1.0 / counts[labels]) ** balance
    sample_w = sample_w / sample_w.sum()
    x = vectors.astype(np.float64)
    for _ in range(epochs):
        probs = _softmax(PROBE_SCALE * x @ weights + bias)
        grad = (probs - onehot) * sample_w[:, None]
        weights -= PROBE_RATE * (PROBE_SCALE * x.T @ grad + l2 * weights)
        bias -= PROBE_RATE * grad.sum(axis=0)
    return weights, bias


def _softmax(z: np.ndarray) -> np.ndarray:
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


@dataclass
class ScreeningModel:
    """Trained probe plus the labelled vectors for the neighbour vote."""

    weights: np.ndarray
    bias: np.ndarray
    vectors: np.ndarray
    labels: np.ndarray

    @classmethod
    def fit(cls, vectors: np.ndarray, labels: list[str], balance: float = CLASS_BALANCE) -> ScreeningModel:
        y = np.array([LABELS.index(label) for label in labels], dtype=np.int64)
        weights, bias = train_probe(vectors, y, len(LABELS), balance=balance)
        return cls(weights, bias, vectors.astype(np.float32), y)

    def score(self, queries: np.ndarray) -> Scores:
        probs = _softmax(PROBE_SCALE * queries.astype(np.float64) @ self.weights + self.bias)
        sims = queries @ self.vectors.T
        k = min(NEIGHBOURS, sims.shape[1])
        top = np.argpartition(-sims, k - 1, axis=1)[:, :k]
        votes = np.zeros((len(queries), len(LABELS)))
        for row, idx in enumerate(top):
            w = np.maximum(sims[row, idx], 0.0)
            np.add.at(votes[row], self.labels[idx], w)
            votes[row] /= max(w.sum(), 1e-9)
        return Scores(probs=probs, votes=votes, nearest=sims.max(axis=1))


def training_set(deps: Deps) -> tuple[np.ndarray, list[str]]:
    """Screening exemplars with their labels, plus the question banks as known-fine questions."""
    docs, vectors, metas = deps.vectors.all_items("exemplars")
    keep = [i for i, m in enumerate(metas) if m.get("bank") == "screening" and m.get("label") in LABELS]
    if not keep:
        return _training_set_from_files(deps)
    labels = [str(metas[i]["label"]) for i in keep]
    parts = [vectors[keep]]
    q_docs, q_vectors, _ = question_items(deps)
    if q_docs:
        parts.append(q_vectors)
        labels += [OK] * len(q_docs)
    return np.vstack(parts).astype(np.float32), labels


def _training_set_from_files(deps: Deps) -> tuple[np.ndarray, list[str]]:
    """Fallback when the index was never built: embed the knowledge files directly (slower)."""
    root = knowledge.root()
    texts: list[str] = []
    labels: list[str] = []
    for line in (root / "exemplars" / "screening.jsonl").read_text("utf-8").splitlines():
        if line.strip():
            record = json.loads(line)
            texts.append(record["text"])
            labels.append(record["label"])
    for name in ("bank.jsonl", "web_searchable.jsonl"):
        for line in (root / "questions" / name).read_text("utf-8").splitlines():
            if line.strip():
                texts.append(json.loads(line)["text"])
                labels.append(OK)
    if not texts:
        raise ConfigError("the screening exemplar bank is empty; run `coach ingest`")
    return deps.encoder.encode(texts), labels


def screening_model(deps: Deps) -> ScreeningModel:
    """The trained model, built on first use and kept for the life of the process."""
    return deps.cached("screening_model", lambda: ScreeningModel.fit(*training_set(deps)))
