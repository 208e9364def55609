"""Sentence → SWOT quadrant, next step or other: MiniLM vectors, a linear probe, and cue rules.

The tiny default model labels note sentences at chance, so it is never asked. Instead a softmax
probe is fitted (once per process, in well under a second) on the labelled exemplar bank
`knowledge/exemplars/swot.jsonl`, whose vectors come from the index. The probe is good at telling
a SWOT fact from an aside; the cue rules decide what it is weak at:

- an action for the user ("I should…", "Take a course…", "She suggested I…") is a next step;
- a fact about the user (first person, "never…", "no experience…") is a strength or weakness,
  anything else an opportunity or threat;
- good news versus bad news is read from polarity words when they are present.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from agent.classify import note_cues as rules
from agent.classify.banks import labelled_exemplars
from agent.classify.probe import Probe, train_probe
from agent.text.injection import looks_like_instruction

LABELS = ("strength", "weakness", "opportunity", "threat", "next_step", "other")
QUADRANTS = ("strength", "weakness", "opportunity", "threat")
BANK = "swot"
PROBE_VERSION = 2  # part of the cache key: bump when the probe's training changes


def swot_probe(deps: Any) -> Probe:
    """The fitted probe, memoised per process and stored on disk per exemplar-bank version."""

    def build() -> Probe:
        _, vectors, labels = labelled_exemplars(deps, BANK, LABELS)
        digest = hashlib.sha256()
        digest.update(f"v{PROBE_VERSION}:{','.join(labels)}".encode())
        digest.update(np.ascontiguousarray(vectors, dtype=np.float32).tobytes())
        path = Path(deps.settings.data_dir) / "cache" / f"swot_probe_{digest.hexdigest()[:16]}.npz"
        if path.is_file():
            try:
                with np.load(path) as saved:
                    return Probe(saved["weights"], saved["bias"])
            except (OSError, ValueError, KeyError):
                pass
        y = np.array([LABELS.index(label) for label in labels], dtype=np.int64)
        probe = train_probe(vectors, y, len(LABELS))
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(".tmp.npz")
            np.savez(tmp, weights=probe.weights, bias=probe.bias)
            tmp.replace(path)
        except OSError:
            pass
        return probe

    return deps.cached("swot_probe", build)  # type: ignore[no-any-return]


def decide(sentence: str, probs: np.ndarray) -> tuple[str, float]:
    """Combine the probe's probabilities with the cue rules into one label and a confidence."""
    if looks_like_instruction(sentence) or rules.is_structure(sentence):
        return "other", 0.95
    if rules.is_next_step(sentence) or rules.referral_names(sentence):
        return "next_step", 0.9
    p = dict(zip(LABELS, (float(v) for v in probs), strict=True))
    swot_mass = sum(p[q] for q in QUADRANTS)
    if p["other"] > swot_mass:
        return "other", round(p["other"] / (p["other"] + swot_mass), 3)
    good = p["strength"] + p["opportunity"]
    bad = p["weakness"] + p["threat"]
    lean = good / max(good + bad, 1e-9)
    if rules.about_user(sentence):
        if rules.user_polarity(sentence) < 0:
            return "weakness", round(max(1 - lean, 0.6), 3)
        return ("strength", round(lean, 3)) if lean >= 0.5 else ("weakness", round(1 - lean, 3))
    words = rules.field_polarity(sentence)
    if words:
        return ("opportunity", 0.7) if words > 0 else ("threat", 0.7)
    return ("opportunity", round(lean, 3)) if lean >= 0.5 else ("threat", round(1 - lean, 3))


def classify_vectors(deps: Any, sentences: Sequence[str], vectors: np.ndarray) -> list[tuple[str, float]]:
    """Label sentences whose vectors are already computed (the graph reuses them for merging)."""
    if not sentences:
        return []
    probs = swot_probe(deps).probabilities(vectors)
    return [decide(s, row) for s, row in zip(sentences, probs, strict=True)]


def classify_sentences(deps: Any, sentences: list[str]) -> list[tuple[str, float]]:
    """(label, confidence) per sentence; labels are the quadrants, 'next_step' or 'other'.

    Sentences that look like instructions to a model are labelled 'other'; callers that show
    notes back to the user should drop them first with `notes.looks_like_instruction`.
    """
    if not sentences:
        return []
    return classify_vectors(deps, sentences, deps.encoder.encode(list(sentences)))
