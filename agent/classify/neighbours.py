"""The nearest-neighbour vote: each query's k most similar exemplars vote for their label, weighted
by similarity. The second opinion beside the probe (screening), and on its own where labelled
examples are few (is this answered by a web search?)."""

from __future__ import annotations

import numpy as np


def neighbour_votes(sims: np.ndarray, labels: np.ndarray, n_labels: int, k: int) -> np.ndarray:
    """Share of the similarity-weighted vote per label: rows follow the queries of `sims`
    (queries × exemplars), columns the labels."""
    sims = np.atleast_2d(sims)
    k = min(k, sims.shape[1])
    votes = np.zeros((sims.shape[0], n_labels))
    if k == 0:
        return votes
    top = np.argpartition(-sims, k - 1, axis=1)[:, :k]
    for row, idx in enumerate(top):
        w = np.maximum(sims[row, idx], 0.0)
        np.add.at(votes[row], labels[idx], w)
        votes[row] /= max(w.sum(), 1e-9)
    return votes
