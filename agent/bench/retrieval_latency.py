"""Retrieval latency: nearest-neighbour queries on a Chroma collection of N random 384-d unit
vectors (the MiniLM shape), p50/p95 over 200 random queries, at 1k, 10k and (unless --quick) 100k.
"""

from __future__ import annotations

import time
from typing import Any

import numpy as np

from agent.bench.context import BenchContext
from agent.bench.report import percentile

SIZES = (1_000, 10_000, 100_000)
QUICK_CAP = 10_000
QUERIES = 200
BATCH = 5_000
DIM = 384


def unit_vectors(rng: np.random.Generator, n: int) -> np.ndarray:
    v = rng.standard_normal((n, DIM)).astype(np.float32)
    return v / np.linalg.norm(v, axis=1, keepdims=True)


def latency(collection: Any, queries: np.ndarray, k: int = 5) -> list[float]:
    times: list[float] = []
    for q in queries:
        start = time.perf_counter()
        collection.query(query_embeddings=[q.tolist()], n_results=k)
        times.append((time.perf_counter() - start) * 1000)
    return times


def run(ctx: BenchContext) -> dict[str, Any]:
    import chromadb

    rng = np.random.default_rng(7)
    client = chromadb.PersistentClient(path=str(ctx.workdir / "retrieval"))
    out: dict[str, Any] = {"queries": QUERIES, "k": 5}
    queries = unit_vectors(rng, QUERIES + 20)
    for size in SIZES:
        if ctx.quick and size > QUICK_CAP:
            out[f"n{size}"] = {"skipped": f"--quick caps the collection at {QUICK_CAP}"}
            continue
        col = client.get_or_create_collection(f"bench_{size}", metadata={"hnsw:space": "cosine"})
        start = time.perf_counter()
        for lo in range(0, size, BATCH):
            hi = min(size, lo + BATCH)
            col.add(ids=[f"c{i}" for i in range(lo, hi)], embeddings=unit_vectors(rng, hi - lo).tolist(),
                    documents=[f"chunk {i}" for i in range(lo, hi)])
        build = time.perf_counter() - start
        latency(col, queries[QUERIES:])
        times = latency(col, queries[:QUERIES])
        out[f"n{size}"] = {"build_s": build, "p50_ms": percentile(times, 50), "p95_ms": percentile(times, 95)}
        client.delete_collection(f"bench_{size}")
    ctx.memory.record_self("retrieval")
    return out
