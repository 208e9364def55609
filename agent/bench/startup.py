"""Start-up and ingestion: `coach ui` to its first HTTP 200 with the index already built, the first
ingest of `knowledge/` into an empty data folder, a re-ingest with nothing changed, and the offline
MiniLM encoder's throughput (against sentence-transformers only where it is importable).
"""

from __future__ import annotations

import importlib.util
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx

from agent.bench.context import BenchContext
from agent.bench.memory import children
from agent.bench.report import summarise
from agent.deps import Deps
from agent.ingest.pipeline import ingest
from agent.model_server import free_port

ENCODE_TEXTS = 128
UI_TIMEOUT = 240.0


def ingest_figures(ctx: BenchContext) -> tuple[dict[str, Any], Path]:
    """First ingest on a fresh folder (once: it is the slow, one-off path) and repeated re-ingests."""
    settings = ctx.settings_for("ingest")
    deps = Deps(settings)
    start = time.perf_counter()
    deps.encoder.encode(["warm up"])
    encoder_load = time.perf_counter() - start
    start = time.perf_counter()
    first = ingest(deps.vectors, deps.db).as_dict()
    first_time = time.perf_counter() - start
    again: list[float] = []
    report: dict[str, int] = {}
    for _ in range(ctx.repeats):
        start = time.perf_counter()
        report = ingest(deps.vectors, deps.db).as_dict()
        again.append(time.perf_counter() - start)
    docs, _, _ = deps.vectors.all_items("guidance")
    texts = (docs * (ENCODE_TEXTS // max(1, len(docs)) + 1))[:ENCODE_TEXTS]
    deps.encoder.encode(texts[:8])
    rates: list[float] = []
    for _ in range(ctx.repeats):
        start = time.perf_counter()
        deps.encoder.encode(texts)
        rates.append(len(texts) / (time.perf_counter() - start))
    ctx.memory.record_self("ingest")
    deps.close()
    return {
        "encoder_load_s": encoder_load,
        "first_ingest_s": first_time,
        "first_ingest": first,
        "reingest_s": summarise(again),
        "reingest": report,
        "minilm_texts_per_s": summarise(rates),
        "sentence_transformers": reference_encoder(texts, ctx.repeats),
    }, settings.data_dir


def reference_encoder(texts: list[str], repeats: int) -> dict[str, Any] | str:
    """sentence-transformers' throughput on the same texts, if the package is importable here."""
    if importlib.util.find_spec("sentence_transformers") is None:
        return ("not installed in the app venv (torch is kept out of it); the encoder test's "
                "fixture-generation venv has it")
    from sentence_transformers import SentenceTransformer  # pragma: no cover - not in the app venv

    model = SentenceTransformer("sentence-transformers/all-MiniLM-L6-v2")
    model.encode(texts[:8])
    rates = []
    for _ in range(repeats):
        start = time.perf_counter()
        model.encode(texts)
        rates.append(len(texts) / (time.perf_counter() - start))
    return {"texts_per_s": summarise(rates)}


def coach_executable() -> list[str]:
    script = Path(sys.executable).with_name("coach")
    return [str(script)] if script.exists() else [sys.executable, "-m", "agent.cli"]


def stop_tree(proc: subprocess.Popen[bytes], kids: list[int]) -> None:
    """SIGINT lets the app's exit handlers stop its model server; anything left is then terminated."""
    if proc.poll() is None:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=5)
    for pid in kids:
        try:
            os.kill(pid, signal.SIGTERM)
        except ProcessLookupError:
            continue


def ui_start(ctx: BenchContext, data_dir: Path) -> dict[str, Any]:
    """Seconds from spawning `coach ui` to the first 200 on GET /, on a pre-built data folder."""
    times: list[float] = []
    failures: list[str] = []
    for _ in range(ctx.repeats):
        port = free_port()
        env = {**os.environ, "COACH_DATA_DIR": str(data_dir), "COACH_LOCAL_MODEL": ctx.settings.local_model}
        if ctx.settings.model_path:  # the bench's model file, never a copy assembled in this folder
            env["COACH_MODEL_PATH"] = str(ctx.settings.model_path)
        start = time.perf_counter()
        log = ctx.workdir / f"ui-{port}.log"
        with log.open("wb") as sink:
            proc = subprocess.Popen([*coach_executable(), "ui", "--port", str(port)], env=env,
                                    stdout=sink, stderr=subprocess.STDOUT)
        elapsed: float | None = None
        kids: list[int] = []
        try:
            while time.perf_counter() - start < UI_TIMEOUT and proc.poll() is None:
                try:
                    if httpx.get(f"http://127.0.0.1:{port}/", timeout=2.0).status_code == 200:
                        elapsed = time.perf_counter() - start
                        break
                except httpx.HTTPError:
                    pass
                time.sleep(0.05)
            kids = children(proc.pid)
            ctx.memory.record("ui_subprocess", proc.pid, "startup")
            for pid in kids:
                ctx.memory.record("model_server", pid, "startup (ui child)")
        finally:
            stop_tree(proc, kids or children(proc.pid))
        if elapsed is not None:
            times.append(elapsed)
        else:
            tail = log.read_text(encoding="utf-8", errors="replace").strip().splitlines()[-1:]
            failures.append(f"exit {proc.returncode}: {tail[0][:200] if tail else 'no output'}")
    return {"ui_first_200_s": summarise(times), "failed_starts": failures, "ui_timeout_s": UI_TIMEOUT}


def run(ctx: BenchContext) -> dict[str, Any]:
    figures, data_dir = ingest_figures(ctx)
    return {**ui_start(ctx, data_dir), **figures}
