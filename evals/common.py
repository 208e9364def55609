"""Shared helpers for eval modules: locating datasets and building an isolated indexed Deps."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any

from agent.config import Settings
from agent.deps import Deps
from agent.ingest.pipeline import ingest

DATASETS = Path(__file__).resolve().parent / "datasets"


def load_jsonl(name: str) -> list[dict[str, Any]]:
    path = DATASETS / name
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def eval_deps(data_dir: Path | None = None, **overrides: Any) -> Deps:
    """Deps on a throwaway data folder with the built-in knowledge indexed."""
    folder = data_dir or Path(tempfile.mkdtemp(prefix="coach-eval-"))
    settings = Settings.load(data_dir=folder, **overrides)
    if settings.models_dir is None:  # a chunked local model is assembled once, not per eval folder
        settings = settings.model_copy(update={"models_dir": Settings.load().model_store})
    deps = Deps(settings)
    ingest(deps.vectors, deps.db)
    return deps


def print_metrics(name: str, metrics: dict[str, float]) -> None:
    print(f"{name}:")
    for key, value in metrics.items():
        print(f"  {key:32s} {value:.3f}" if isinstance(value, float) else f"  {key:32s} {value}")
