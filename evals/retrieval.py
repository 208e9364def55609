"""Retrieval recall@3: our structure-aware chunks vs a naive blank-line paragraph split.

Both use the same MiniLM vectors and the same queries (evals/datasets/retrieval.jsonl, written
as paraphrases of what users ask); a hit is a top-3 chunk from the expected document section.
"""

from __future__ import annotations

import numpy as np

import knowledge
from agent.deps import Deps
from agent.ingest.chunking import naive_paragraph_chunks
from agent.retrieval import hybrid_query
from evals.common import eval_deps, load_jsonl, print_metrics

THRESHOLDS = {"recall_at_3": (">=", 0.85), "gain_over_naive": (">=", 0.0)}


def _hit(meta_list: list[dict[str, str]], case: dict[str, str]) -> bool:
    return any(m.get("source") == case["source"] and m.get("section") == case["section"]
               for m in meta_list)


def naive_recall(deps: Deps, cases: list[dict[str, str]], k: int = 3) -> float:
    chunks = []
    for path in sorted((knowledge.root() / "guidance").glob("*.md")):
        chunks += naive_paragraph_chunks(path.read_text(encoding="utf-8"), f"guidance/{path.name}")
    vectors = deps.encoder.encode([c.text for c in chunks])
    queries = deps.encoder.encode([c["query"] for c in cases])
    hits = 0
    for case, q in zip(cases, queries, strict=True):
        top = np.argsort(-(vectors @ q))[:k]
        hits += _hit([chunks[i].metadata for i in top], case)
    return hits / len(cases)


def our_recall(deps: Deps, cases: list[dict[str, str]], k: int = 3) -> tuple[float, float]:
    hits, reciprocal = 0, 0.0
    for case in cases:
        found = hybrid_query(deps, "guidance", case["query"], k=10)
        metas = [h.metadata for h in found]
        hits += _hit(metas[:k], case)
        rank = next((i for i, m in enumerate(metas) if _hit([m], case)), None)
        reciprocal += 1 / (rank + 1) if rank is not None else 0.0
    return hits / len(cases), reciprocal / len(cases)


def run(deps: Deps) -> dict[str, float]:
    cases = load_jsonl("retrieval.jsonl")
    ours, mrr = our_recall(deps, cases)
    naive = naive_recall(deps, cases)
    vector_only = sum(
        _hit([h.metadata for h in deps.vectors.query("guidance", c["query"], k=3)], c) for c in cases
    ) / len(cases)
    return {"recall_at_3": ours, "vector_only_recall_at_3": vector_only, "mrr_at_10": mrr,
            "naive_recall_at_3": naive, "gain_over_naive": ours - naive, "queries": float(len(cases))}


if __name__ == "__main__":
    print_metrics("retrieval", run(eval_deps()))
