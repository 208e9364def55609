"""`coach bench`: measure the embedded default and print a table, or one JSON object with --json.

Figures with targets are ratios or scalings taken in the same run, because the machines are shared;
the load average at start and end is part of the output so a reader can judge the noise.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from agent.cli.common import add_json_flag, settings_from
from agent.errors import InputError
from agent.local_models import LOCAL_MODELS

GROUPS = {
    "engine": "agent.bench.engine",
    "ttft": "agent.bench.ttft",
    "mock": "agent.bench.mock_scaling",
    "startup": "agent.bench.startup",
    "retrieval": "agent.bench.retrieval_latency",
    "concurrency": "agent.bench.concurrency",
    "voice": "agent.bench.voice_latency",
    "memory": "agent.bench.memory",
    "soak": "agent.bench.soak",
    "multiuser": "agent.bench.multiuser",
}
# Run only when asked for: the soak lasts `--minutes`; multiuser needs a source checkout and
# starts its own app, database servers and accounts.
ON_REQUEST = {"soak", "multiuser"}
MULTIUSER_CONFIGS = ("sqlite", "server")


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("bench", help="benchmark the embedded default (ratios, scalings, latencies)")
    p.add_argument("--repeats", type=int, default=3, help="measured runs per figure after a warm-up")
    p.add_argument("--only", default="", help=f"comma-separated groups: {','.join(GROUPS)}")
    p.add_argument("--quick", action="store_true", help="cap retrieval at 10k chunks and concurrency at 4")
    p.add_argument("--minutes", type=float, default=20.0,
                   help="how long the soak group drives the app (1-240; only with --only soak)")
    p.add_argument("--students", type=int, default=50,
                   help="simulated students at once (1-500; only with --only multiuser)")
    p.add_argument("--configs", default=",".join(MULTIUSER_CONFIGS),
                   help="multiuser storage set-ups: sqlite (data folder), server (PostgreSQL + "
                        "Chroma server); only with --only multiuser")
    p.add_argument("--arrive-over", type=float, default=2.0, metavar="SECONDS",
                   help="multiuser: students start at random times within this window (0-3600; "
                        "default 2: a whole class at once)")
    p.add_argument("--real-model", action="store_true",
                   help="multiuser: use the embedded model instead of a fake OpenAI-compatible server")
    p.add_argument("--local-model", choices=sorted(LOCAL_MODELS),
                   help="which packaged GGUF to measure (default: $COACH_LOCAL_MODEL, else the default)")
    add_json_flag(p)
    p.set_defaults(func=run)


def chosen_groups(only: str) -> list[str]:
    if not only.strip():
        return [g for g in GROUPS if g not in ON_REQUEST]
    names = [n.strip() for n in only.split(",") if n.strip()]
    unknown = [n for n in names if n not in GROUPS]
    if unknown:
        raise InputError(f"unknown bench group {unknown[0]!r}; choose from {', '.join(GROUPS)}")
    return [n for n in GROUPS if n in names]


def chosen_configs(text: str) -> tuple[str, ...]:
    names = [n.strip() for n in text.split(",") if n.strip()]
    unknown = [n for n in names if n not in MULTIUSER_CONFIGS]
    if unknown or not names:
        raise InputError(f"unknown --configs {(unknown or [text])[0]!r}; choose from "
                         f"{', '.join(MULTIUSER_CONFIGS)}")
    return tuple(n for n in MULTIUSER_CONFIGS if n in names)


def run(args: argparse.Namespace) -> int:
    from agent.bench.context import BenchContext
    from agent.bench.report import machine, render, targets, versions
    from agent.cli import emit
    from agent.model_server import model_file

    if not 1 <= args.repeats <= 50:
        raise InputError("--repeats must be between 1 and 50")
    if not 1 <= args.minutes <= 240:
        raise InputError("--minutes must be between 1 and 240")
    if not 1 <= args.students <= 500:
        raise InputError("--students must be between 1 and 500")
    if not 0 <= args.arrive_over <= 3600:
        raise InputError("--arrive-over must be between 0 and 3600 seconds")
    configs = chosen_configs(args.configs)
    groups = chosen_groups(args.only)
    settings = settings_from(args)
    if not settings.embedded:
        raise InputError("coach bench measures the embedded default; unset OPENAI_BASE_URL")
    model_path = model_file(settings)
    # Every group gets this very file, so the groups' throwaway data folders never assemble a copy.
    settings = settings.model_copy(update={"model_path": model_path})
    result: dict[str, Any] = {
        "machine": machine(), "versions": versions(),
        "model": {"local_model": settings.local_model, "alias": settings.model,
                  "file": model_path.name, "path": str(model_path), "bytes": model_path.stat().st_size,
                  "threads": settings.threads, "n_ctx": settings.n_ctx},
        "repeats": args.repeats, "quick": args.quick, "groups": {}, "seconds": {},
    }
    with tempfile.TemporaryDirectory(prefix="coach-bench-") as tmp:
        ctx = BenchContext(settings, Path(tmp), repeats=args.repeats, quick=args.quick,
                           minutes=args.minutes, students=args.students,
                           real_model=args.real_model, configs=configs,
                           arrive_over=args.arrive_over)
        for name in groups:
            sys.stderr.write(f"bench: {name}…\n")
            sys.stderr.flush()
            start = time.perf_counter()
            try:
                with contextlib.redirect_stdout(sys.stderr):
                    result["groups"][name] = importlib.import_module(GROUPS[name]).run(ctx)
            except Exception as exc:  # noqa: BLE001 - one broken group must not lose the others' figures
                if os.environ.get("COACH_DEBUG"):
                    raise
                result["groups"][name] = {"error": f"{type(exc).__name__}: {exc}"[:300]}
            result["seconds"][name] = round(time.perf_counter() - start, 1)
    result["load_average_end"] = machine()["load_average"]
    result["targets"] = targets(result)
    emit(args, result, render(result))
    return 0
