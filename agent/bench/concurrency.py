"""Concurrency: N simultaneous browser-like sessions (one gradio_client each, on loopback) asking the
running app for outreach drafts. Every session names a different contact, so a draft naming another
session's contact would be cross-talk.
"""

from __future__ import annotations

import threading
import time
from typing import Any

from agent.bench.context import BenchContext
from agent.bench.report import percentile
from agent.deps import Deps
from agent.model_server import free_port

LEVELS = (1, 4, 16)
QUICK_LEVELS = (1, 4)
FIRST = ["Maria", "Raj", "Wei", "Amara", "Tomas", "Lena", "Omar", "Ingrid", "Kofi", "Yuki", "Pablo", "Freya",
         "Dmitri", "Aisha", "Nils", "Priya"]
LAST = ["Lopez", "Malhotra", "Chen", "Okafor", "Becker", "Novak", "Haddad", "Larsen", "Mensah", "Tanaka",
        "Ruiz", "Holm", "Volkov", "Rahman", "Berg", "Iyer"]
ROLE = "data analyst"


def contact(i: int) -> tuple[str, str]:
    return FIRST[i % len(FIRST)], LAST[i % len(LAST)]


def cross_talk(draft: str, own: int, everyone: int) -> list[str]:
    """Other sessions' contact names found in this session's draft."""
    found = []
    for j in range(everyone):
        if j != own and any(part in draft for part in contact(j)):
            found.append(" ".join(contact(j)))
    return found


def names_own(draft: str, own: int) -> bool:
    return any(part in draft for part in contact(own))


def one_session(url: str, i: int, n: int, results: list[dict[str, Any]], barrier: threading.Barrier) -> None:
    from gradio_client import Client

    record: dict[str, Any] = {"session": i}
    try:
        client = Client(url, verbose=False, httpx_kwargs={"timeout": 120.0})
    except Exception as exc:  # noqa: BLE001 - a harness failure, kept apart from the app's errors
        record["setup_error"] = f"{type(exc).__name__}: {exc}"[:200]
        results.append(record)
        barrier.abort()
        return
    try:
        try:
            barrier.wait(timeout=120)
        except threading.BrokenBarrierError:
            record["unsynchronised"] = True
        start = time.perf_counter()
        first, last = contact(i)
        out = client.predict(f"{first} {last}", ROLE, "", "", "email", 20, "", "", "", "",
                             api_name="/draft_outreach")
        record["latency"] = time.perf_counter() - start
        draft = str(out[0]) if isinstance(out, list | tuple) else str(out)
        record["named_own_contact"] = names_own(draft, i)
        record["other_contacts"] = cross_talk(draft, i, n)
        record["empty"] = not draft.strip()
    except Exception as exc:  # noqa: BLE001 - every failure is a counted outcome, not a crash
        text = f"{type(exc).__name__}: {exc}"
        record["error"] = text[:200]
        record["rejected"] = "queue" in text.lower() and "full" in text.lower()
    results.append(record)


def level(url: str, n: int) -> dict[str, Any]:
    results: list[dict[str, Any]] = []
    barrier = threading.Barrier(n)
    threads = [threading.Thread(target=one_session, args=(url, i, n, results, barrier)) for i in range(n)]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - start
    latencies = [r["latency"] for r in results if "latency" in r]
    return {
        "sessions": n,
        "throughput_per_min": 60 * len(latencies) / wall if wall else None,
        "p50_s": percentile(latencies, 50),
        "p95_s": percentile(latencies, 95),
        "rejections": sum(1 for r in results if r.get("rejected")),
        "errors": sum(1 for r in results if "error" in r and not r.get("rejected")),
        "client_setup_failures": sum(1 for r in results if "setup_error" in r),
        "empty_drafts": sum(1 for r in results if r.get("empty")),
        "cross_talk": sum(1 for r in results if r.get("other_contacts")),
        "own_contact_missing": sum(1 for r in results if "latency" in r and not r.get("named_own_contact")),
        "error_samples": [r.get("error") or r["setup_error"] for r in results
                          if "error" in r or "setup_error" in r][:3],
    }


def run(ctx: BenchContext) -> dict[str, Any]:
    from ui.launch import QUEUE_MAX, serve

    deps = Deps(ctx.indexed_settings("concurrency"))
    port = free_port()
    app: Any = serve(deps, port=port, block=False)
    url = f"http://127.0.0.1:{port}/"
    out: dict[str, Any] = {"queue_max": QUEUE_MAX, "model_concurrency_limit": 1}
    try:
        _ = deps.llm
        level(url, 1)
        for n in QUICK_LEVELS if ctx.quick else LEVELS:
            out[f"n{n}"] = level(url, n)
        ctx.memory.record("model_server", deps.server.pid if deps.server else None, "concurrency")
        ctx.memory.record_self("concurrency (in-process app)")
    finally:
        app.close()
        deps.close()
    return out
