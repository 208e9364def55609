"""Retrieval over the user's own documents: outside career texts ingested like `coach ingest DIR`.

The six documents in evals/datasets/user_docs/texts/ were not written by this project (USAJOBS
help pages, public domain; OpenStax *College Success*, CC BY 4.0; see SOURCES.md) and are plain
text without headings. They are ingested through the same pipeline as `coach ingest DIR` into a
throwaway data folder, then each paraphrased question is run through the hybrid ranker over the
`user_docs` collection. A hit is a retrieved chunk that contains the question's gold phrase, so
the figures stay comparable however the documents are chunked. `dev` questions were looked at
while tuning the chunker; `heldout` ones were not.

    .venv/bin/python -m evals.retrieval_user_docs
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import Any

from agent.deps import Deps
from agent.ingest.pipeline import ingest
from agent.retrieval import hybrid_query
from evals.common import DATASETS, load_jsonl, print_metrics

USER_DOCS = DATASETS / "user_docs"
THRESHOLDS = {"heldout_recall_at_3": (">=", 0.8), "dev_recall_at_3": (">=", 0.8)}


def _rank(texts: list[str], gold: str) -> int | None:
    needle = gold.lower()
    return next((i for i, text in enumerate(texts) if needle in text.lower()), None)


def _scores(ranks: list[int | None], k: int = 3) -> tuple[float, float]:
    if not ranks:
        return 0.0, 0.0
    recall = sum(r is not None and r < k for r in ranks) / len(ranks)
    mrr = sum(1 / (r + 1) for r in ranks if r is not None) / len(ranks)
    return recall, mrr


def evaluate(deps: Deps) -> tuple[dict[str, float], list[dict[str, Any]]]:
    """Ingest the outside documents into a fresh folder with `deps`' encoder; score every question."""
    folder = Path(tempfile.mkdtemp(prefix="coach-userdocs-"))
    local = Deps(deps.settings.model_copy(update={"data_dir": folder}), encoder_override=deps.encoder)
    try:
        report = ingest(local.vectors, local.db, [USER_DOCS / "texts"])
        documents = local.vectors.collection("user_docs").get(include=["documents"])["documents"] or []
        words = sorted(len(doc.split()) for doc in documents)
        rows: list[dict[str, Any]] = []
        for case in load_jsonl("user_docs/questions.jsonl"):
            hybrid = [h.text for h in hybrid_query(local, "user_docs", case["query"], k=10)]
            vector = [h.text for h in local.vectors.query("user_docs", case["query"], k=3, owner=0)]
            rows.append({**case, "rank": _rank(hybrid, case["gold"]),
                         "vector_rank": _rank(vector, case["gold"])})
    finally:
        local.close()
        shutil.rmtree(folder, ignore_errors=True)
    metrics: dict[str, float] = {}
    for split in ("dev", "heldout", "all"):
        chosen = [r for r in rows if split == "all" or r["split"] == split]
        recall, mrr = _scores([r["rank"] for r in chosen])
        metrics[f"{split}_recall_at_3"] = recall
        metrics[f"{split}_mrr_at_10"] = mrr
    metrics["vector_only_recall_at_3"] = _scores([r["vector_rank"] for r in rows])[0]
    metrics["chunks"] = float(report.chunks)
    metrics["chunk_words_median"] = float(words[len(words) // 2]) if words else 0.0
    metrics["chunk_words_max"] = float(words[-1]) if words else 0.0
    metrics["questions"] = float(len(rows))
    return metrics, rows


def run(deps: Deps) -> dict[str, float]:
    return evaluate(deps)[0]


if __name__ == "__main__":
    import argparse

    from agent.config import Settings

    parser = argparse.ArgumentParser(prog="evals.retrieval_user_docs")
    parser.add_argument("--split", choices=["dev", "heldout", "all"], default="dev",
                        help="which questions to list one by one (figures cover all splits)")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="coach-eval-"))
    try:
        found, cases = evaluate(Deps(Settings.load(data_dir=work)))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    for row in cases:
        if args.split in ("all", row["split"]):
            mark = "hit " if row["rank"] is not None and row["rank"] < 3 else "MISS"
            print(f"{mark} rank={row['rank']} {row['id']}: {row['query']}")
    print_metrics("retrieval_user_docs", found)
