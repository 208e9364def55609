"""Turn cues and embedding scores into ok / flag / review, failing closed.

Order of evidence: a flag cue decides sharply; a framing that rules a category out (a published
source, how common a problem is in a field) moves that category's weight to ok, while a weaker
framing (a bare "public") can only turn that category's flag into `review`; a field-level
allow cue vetoes a weak embedding flag; otherwise the blend of the probe and the neighbour vote
must be clear. Anything in between, or a question unlike every example we hold, is `review`: shown
to the user, never silently passed.
Thresholds were chosen by cross-validation over the exemplar bank (`python -m evals.screening_cv`),
not on the evaluation set.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from agent.classify.screen_rules import CATEGORIES, LABELS, OK

OK_MIN = 0.6  # blended probability needed to pass a question without a cue
FLAG_MIN = 0.4  # blended probability needed to flag without a cue
VETO_BELOW = 0.9  # an allow cue overrides an embedding flag weaker than this
NEAREST_MIN = 0.3
KNN_WEIGHT = 0.5  # share of the neighbour vote in the blended probabilities
NEED_VOTE = False  # True: an embedding-only flag also needs the neighbours to agree

_OK_INDEX = LABELS.index(OK)


@dataclass(frozen=True)
class Decision:
    """`confidence` is the probability (or cue certainty) behind the verdict's label."""

    verdict: str
    category: str | None
    confidence: float
    basis: str


def best_flag_guess(probs: np.ndarray) -> str:
    flagged = [(probs[LABELS.index(c)], c) for c in CATEGORIES]
    return max(flagged)[1]


def decide(
    probs: np.ndarray, votes: np.ndarray, nearest: float, cue_hits: list[str], allowed: bool,
    vetoed: frozenset[str] = frozenset(), *, ok_min: float = OK_MIN, flag_min: float = FLAG_MIN,
    knn_weight: float = KNN_WEIGHT, need_vote: bool = NEED_VOTE,
    softened: frozenset[str] = frozenset(),
) -> Decision:
    """One question's decision from its probe probabilities, neighbour votes and cues.

    The probe and the neighbour vote are blended (`knn_weight` of the vote). Categories in
    `vetoed` (ruled out by the framing, see `rules.framing_vetoes`) give their share to ok;
    a flag for a category in `softened` (`rules.framing_softens`) is held at `review`.
    """
    probs = (1.0 - knn_weight) * probs + knn_weight * votes
    if cue_hits:
        category = max(cue_hits, key=lambda c: probs[LABELS.index(c)])
        return Decision("flag", category, max(0.9, float(probs[LABELS.index(category)])), "cue")
    if vetoed:
        probs = probs.copy()
        for category in vetoed:
            probs[_OK_INDEX] += probs[LABELS.index(category)]
            probs[LABELS.index(category)] = 0.0
    top = int(probs.argmax())
    p_top = float(probs[top])
    if nearest < NEAREST_MIN:
        return _review(probs, best_flag_guess(probs), "unfamiliar")
    if top == _OK_INDEX:
        if p_top >= ok_min or allowed:
            return Decision("ok", None, p_top, "embedding")
        return _review(probs, best_flag_guess(probs), "uncertain")
    if allowed and p_top < VETO_BELOW:
        return Decision("ok", None, float(probs[_OK_INDEX]), "allow_cue")
    if LABELS[top] in softened:
        return _review(probs, LABELS[top], "framing")
    if p_top >= flag_min and (not need_vote or int(votes.argmax()) != _OK_INDEX):
        return Decision("flag", LABELS[top], p_top, "embedding")
    return _review(probs, LABELS[top], "uncertain")


def _review(probs: np.ndarray, guess: str, basis: str) -> Decision:
    """Undecided: `confidence` is the probability of the best-guess category."""
    return Decision("review", guess, float(probs[LABELS.index(guess)]), basis)
