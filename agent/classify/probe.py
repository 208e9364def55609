"""A softmax probe over sentence vectors: multinomial logistic regression by full-batch gradient
descent. Deterministic (zero start, no sampling) and numpy only; fitting a few hundred or a few
thousand exemplars takes well under a second, so it is fitted in memory once per process."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

SCALE = 10.0  # unit vectors have small logits; scaling them lets the probe reach confident outputs
EPOCHS = 300
RATE = 2.0
L2 = 1e-3


def softmax(z: np.ndarray) -> np.ndarray:
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return np.asarray(e / e.sum(axis=1, keepdims=True))


@dataclass(frozen=True)
class Probe:
    """Fitted weights; `probabilities` gives one row of class probabilities per vector."""

    weights: np.ndarray
    bias: np.ndarray
    scale: float = SCALE

    def probabilities(self, vectors: np.ndarray) -> np.ndarray:
        return softmax(self.scale * np.asarray(vectors, dtype=np.float64) @ self.weights + self.bias)


def train_probe(
    vectors: np.ndarray, labels: np.ndarray, n_labels: int, *, epochs: int = EPOCHS,
    rate: float = RATE, l2: float = L2, scale: float = SCALE, balance: float = 0.0,
) -> Probe:
    """Fit on `vectors` with integer `labels`.

    `balance` weighs each example by (1 / its class size) ** balance: 0 keeps the raw label
    frequencies, 1 makes every class weigh the same.
    """
    x = np.asarray(vectors, dtype=np.float64)
    weights = np.zeros((x.shape[1], n_labels), dtype=np.float64)
    bias = np.zeros(n_labels, dtype=np.float64)
    onehot = np.eye(n_labels)[labels]
    counts = np.maximum(np.bincount(labels, minlength=n_labels), 1)
    sample_w = (1.0 / counts[labels]) ** balance
    sample_w = sample_w / sample_w.sum()
    for _ in range(epochs):
        probs = softmax(scale * x @ weights + bias)
        grad = (probs - onehot) * sample_w[:, None]
        weights -= rate * (scale * x.T @ grad + l2 * weights)
        bias -= rate * grad.sum(axis=0)
    return Probe(weights, bias, scale)
