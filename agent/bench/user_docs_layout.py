"""Per-user documents in Chroma, two layouts measured: one `user_docs` collection whose every
query filters on a `user_id` metadata field, or one collection per user. 1,000 users × 50 chunks
of random 384-d unit vectors (the MiniLM shape; ranking quality is not what is measured, only
time and size). Reports the build time, the folder size and query p50/p95 for random users.

    PYTHONPATH=. python -m agent.bench.user_docs_layout [--users 1000] [--chunks 50] [--out FILE]
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

from agent.bench.report import percentile
from agent.bench.retrieval_latency import unit_vectors

QUERIES = 200
BATCH = 5_000


def folder_mb(path: Path) -> float:
    return round(sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) / 1e6, 1)


def timed_queries(query: Any, users: int, rng: np.random.Generator) -> dict[str, float]:
    times = []
    for vector in unit_vectors(rng, QUERIES):
        user = int(rng.integers(users))
        start = time.perf_counter()
        query(user, vector.tolist())
        times.append((time.perf_counter() - start) * 1000)
    return {"p50_ms": round(percentile(times, 50) or 0.0, 2),
            "p95_ms": round(percentile(times, 95) or 0.0, 2)}


def filtered(root: Path, users: int, chunks: int, rng: np.random.Generator) -> dict[str, Any]:
    import chromadb

    client: Any = chromadb.PersistentClient(path=str(root))
    col: Any = client.create_collection("user_docs", embedding_function=None,
                                   metadata={"hnsw:space": "cosine"})
    start = time.perf_counter()
    ids = [f"u{u}-c{c}" for u in range(users) for c in range(chunks)]
    metas = [{"user_id": u, "source": f"doc-{u}.md"} for u in range(users) for _ in range(chunks)]
    vectors = unit_vectors(rng, len(ids))
    for s in range(0, len(ids), BATCH):
        col.add(ids=ids[s:s + BATCH], embeddings=vectors[s:s + BATCH].tolist(),
                metadatas=metas[s:s + BATCH], documents=[f"chunk {i}" for i in ids[s:s + BATCH]])
    built = time.perf_counter() - start

    def query(user: int, vector: list[float]) -> None:
        got = col.query(query_embeddings=[vector], n_results=5, where={"user_id": user})
        assert all(m["user_id"] == user for m in got["metadatas"][0])

    return {"build_s": round(built, 1), "mb": folder_mb(root), **timed_queries(query, users, rng)}


def per_user(root: Path, users: int, chunks: int, rng: np.random.Generator) -> dict[str, Any]:
    import chromadb

    client: Any = chromadb.PersistentClient(path=str(root))
    start = time.perf_counter()
    vectors = unit_vectors(rng, users * chunks)
    for u in range(users):
        col = client.create_collection(f"user_docs__u{u}", embedding_function=None,
                                       metadata={"hnsw:space": "cosine"})
        part = vectors[u * chunks:(u + 1) * chunks]
        col.add(ids=[f"c{c}" for c in range(chunks)], embeddings=part.tolist(),
                metadatas=[{"source": f"doc-{u}.md"}] * chunks,
                documents=[f"chunk {c}" for c in range(chunks)])
    built = time.perf_counter() - start

    def query(user: int, vector: list[float]) -> None:
        # As the app would: look the collection up for the request, then query it.
        client.get_collection(f"user_docs__u{user}").query(query_embeddings=[vector], n_results=5)

    return {"build_s": round(built, 1), "mb": folder_mb(root), **timed_queries(query, users, rng)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=1000)
    parser.add_argument("--chunks", type=int, default=50)
    parser.add_argument("--out", help="also write the JSON here")
    args = parser.parse_args()
    result: dict[str, Any] = {"users": args.users, "chunks_per_user": args.chunks}
    with tempfile.TemporaryDirectory() as tmp:
        result["metadata_filter"] = filtered(Path(tmp) / "filter", args.users, args.chunks,
                                             np.random.default_rng(1))
        result["collection_per_user"] = per_user(Path(tmp) / "per-user", args.users, args.chunks,
                                                 np.random.default_rng(1))
    text = json.dumps(result, indent=1)
    print(text)
    if args.out:
        Path(args.out).write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
