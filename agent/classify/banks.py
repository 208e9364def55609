"""The labelled banks the classifiers learn from, read from the index once per process.

Ranking, the web-search check and the screen's training set all need the question bank's vectors,
and the screen and the note-sentence classifier need their exemplars; reading a collection once
saves a second or more per command. If the index was never built, the bank file is encoded
directly instead (slower, but the app still works).
"""

from __future__ import annotations

import json
from typing import Any

import numpy as np

import knowledge
from agent.deps import Deps


def question_items(deps: Deps) -> tuple[list[str], np.ndarray, list[dict[str, Any]]]:
    """(texts, vectors, metadata) of every indexed question, memoised on `deps`."""
    return deps.cached("question_items", lambda: deps.vectors.all_items("questions"))


def labelled_exemplars(
    deps: Deps, bank: str, labels: tuple[str, ...],
) -> tuple[list[str], np.ndarray, list[str]]:
    """(texts, vectors, labels) of one exemplar bank (`knowledge/exemplars/<bank>.jsonl`), keeping
    only rows whose label is in `labels`."""
    docs, vectors, metas = deps.vectors.all_items("exemplars")
    keep = [i for i, m in enumerate(metas) if m.get("bank") == bank and m.get("label") in labels]
    if keep:
        return [docs[i] for i in keep], vectors[keep], [str(metas[i]["label"]) for i in keep]
    rows = [json.loads(line) for line in
            (knowledge.root() / "exemplars" / f"{bank}.jsonl").read_text(encoding="utf-8").splitlines()
            if line.strip()]
    rows = [r for r in rows if r.get("label") in labels]
    texts = [r["text"] for r in rows]
    return texts, deps.encoder.encode(texts), [r["label"] for r in rows]


def question_bank_texts() -> list[str]:
    """Every question of the two question-bank files (for when the index was never built)."""
    root = knowledge.root() / "questions"
    return [json.loads(line)["text"] for name in ("bank.jsonl", "web_searchable.jsonl")
            for line in (root / name).read_text("utf-8").splitlines() if line.strip()]
