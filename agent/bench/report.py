"""Statistics, the machine description and the table for `coach bench`.

Pure functions only, so the maths and the rendering are tested without timing anything.
"""

from __future__ import annotations

import importlib.metadata
import os
import platform
import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

VERSIONED = ("llama_cpp_python", "openai", "gradio", "gradio_client", "chromadb", "langgraph", "numpy",
             "faster-whisper", "ctranslate2", "piper-tts", "onnxruntime", "av")


def summarise(samples: Iterable[float]) -> dict[str, Any]:
    """Median and spread (max - min, and relative to the median) of repeated measurements."""
    values = [float(v) for v in samples]
    if not values:
        return {"median": None, "spread": None, "rel_spread": None, "n": 0, "samples": []}
    median = statistics.median(values)
    spread = max(values) - min(values)
    rel = spread / median if median else None
    return {"median": median, "spread": spread, "rel_spread": rel, "n": len(values),
            "samples": [round(v, 6) for v in values]}


def percentile(samples: Sequence[float], pct: float) -> float | None:
    """Nearest-rank percentile, so p95 of 200 samples is an observed value, not an interpolation."""
    if not samples:
        return None
    ordered = sorted(samples)
    rank = max(1, min(len(ordered), int(-(-pct * len(ordered) // 100))))
    return ordered[rank - 1]


def ratio(numerator: float | None, denominator: float | None) -> float | None:
    """numerator / denominator, or None when either side is missing or the denominator is zero."""
    if numerator is None or denominator is None or denominator == 0:
        return None
    return numerator / denominator


def paired_ratios(numerators: Sequence[float], denominators: Sequence[float]) -> dict[str, Any]:
    """Ratios of runs taken side by side; the median of the pairs resists drifting load."""
    pairs = [n / d for n, d in zip(numerators, denominators, strict=False) if d]
    return summarise(pairs)


def meets(value: float | None, op: str, target: float) -> bool | None:
    if value is None:
        return None
    return value >= target if op == ">=" else value <= target


@dataclass
class Target:
    """One target from the issue and whether this run met it."""

    figure: str
    op: str
    target: float
    value: float | None
    unit: str = ""
    note: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {"figure": self.figure, "op": self.op, "target": self.target, "value": self.value,
                "unit": self.unit, "met": meets(self.value, self.op, self.target), "note": self.note}


def cpu_model(cpuinfo: Path = Path("/proc/cpuinfo")) -> str:
    try:
        for line in cpuinfo.read_text(encoding="utf-8", errors="replace").splitlines():
            if line.lower().startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def versions(names: Sequence[str] = VERSIONED) -> dict[str, str | None]:
    found: dict[str, str | None] = {"python": platform.python_version()}
    for name in names:
        try:
            found[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            found[name] = None
    return found


def machine() -> dict[str, Any]:
    """Cores, CPU model and the load average: the context every figure must be read in."""
    try:
        load = [round(x, 2) for x in os.getloadavg()]
    except OSError:
        load = []
    return {"cores": os.cpu_count(), "cpu_model": cpu_model(), "platform": platform.platform(),
            "load_average": load}


@dataclass
class Row:
    group: str
    figure: str
    value: str
    note: str = ""


@dataclass
class Table:
    rows: list[Row] = field(default_factory=list)

    def add(self, group: str, figure: str, value: str, note: str = "") -> None:
        self.rows.append(Row(group, figure, value, note))

    def render(self) -> str:
        header = Row("group", "figure", "value", "note")
        rows = [header, *self.rows]
        widths = [max(len(getattr(r, col)) for r in rows) for col in ("group", "figure", "value")]
        lines = []
        for i, r in enumerate(rows):
            cells = [r.group.ljust(widths[0]), r.figure.ljust(widths[1]), r.value.rjust(widths[2])]
            lines.append("  ".join(cells) + (f"  {r.note}" if r.note else ""))
            if i == 0:
                lines.append("  ".join("-" * w for w in widths))
        return "\n".join(line.rstrip() for line in lines)


def fmt(value: Any, unit: str = "", digits: int = 2) -> str:
    if value is None:
        return "n/a"
    if isinstance(value, float):
        return f"{value:.{digits}f}{unit}"
    return f"{value}{unit}"


def fmt_stat(stat: dict[str, Any] | None, unit: str = "", digits: int = 2) -> str:
    """'median ± half-spread unit' for a summarise() result."""
    if not stat or stat.get("median") is None:
        return "n/a"
    half = (stat.get("spread") or 0.0) / 2
    return f"{stat['median']:.{digits}f} ±{half:.{digits}f}{unit}"


def render(result: dict[str, Any]) -> str:
    """The human table: one row per headline figure, then the targets with met/missed."""
    table = Table()
    for group, payload in result.get("groups", {}).items():
        for figure, value, note in headline(group, payload):
            table.add(group, figure, value, note)
    lines = [table.render(), ""]
    targets = result.get("targets", [])
    if targets:
        lines.append("targets:")
        for t in targets:
            state = {True: "met", False: "MISSED", None: "not measured"}[t["met"]]
            lines.append(f"  {t['figure']} {t['op']} {t['target']}{t['unit']}: "
                         f"{fmt(t['value'], t['unit'])} ({state})" + (f" - {t['note']}" if t["note"] else ""))
    model = result.get("model")
    if model:
        lines.append(f"model: {model.get('local_model')} ({model.get('file')}), "
                     f"{model.get('threads')} threads, n_ctx {model.get('n_ctx')}")
    m = result.get("machine", {})
    lines.append(f"machine: {m.get('cores')} cores, {m.get('cpu_model')}, load average "
                 f"{m.get('load_average')} at start, {result.get('load_average_end')} at end")
    return "\n".join(lines)


def headline(group: str, payload: dict[str, Any]) -> list[tuple[str, str, str]]:
    """The few rows of a group worth a glance; everything else is in --json."""
    if "error" in payload:
        return [("error", payload["error"], "")]
    if "skipped" in payload:
        return [("skipped", payload["skipped"], "")]
    rows: list[tuple[str, str, str]] = []
    for key, value in payload.items():
        if isinstance(value, dict) and "median" in value:
            rows.append((key, fmt_stat(value, digits=3), f"n={value['n']}"))
        elif isinstance(value, float | int) and not isinstance(value, bool):
            rows.append((key, fmt(value, digits=3), ""))
        elif isinstance(value, dict):
            for sub, inner in value.items():
                if isinstance(inner, dict) and "median" in inner:
                    rows.append((f"{key}.{sub}", fmt_stat(inner, digits=3), f"n={inner['n']}"))
                elif isinstance(inner, float | int | str) and not isinstance(inner, bool):
                    rows.append((f"{key}.{sub}", fmt(inner, digits=3), ""))
                elif isinstance(inner, dict):
                    for leaf, v in inner.items():
                        if isinstance(v, dict) and "median" in v:
                            rows.append((f"{key}.{sub}.{leaf}", fmt_stat(v, digits=3), f"n={v['n']}"))
                        elif isinstance(v, float | int) and not isinstance(v, bool):
                            rows.append((f"{key}.{sub}.{leaf}", fmt(v, digits=3), ""))
    return rows


def _get(result: dict[str, Any], *path: str) -> Any:
    node: Any = result.get("groups", {})
    for key in path:
        if not isinstance(node, dict):
            return None
        node = node.get(key)
    if isinstance(node, dict) and "median" in node:
        return node["median"]
    return node if isinstance(node, int | float) and not isinstance(node, bool) else None


def targets(result: dict[str, Any]) -> list[dict[str, Any]]:
    """The issue's targets, each with this run's value (None when the group did not run)."""
    found = [
        Target("engine.decode_ratio", ">=", 0.95, _get(result, "engine", "decode_ratio")),
        Target("engine.prompt_ratio", ">=", 0.95, _get(result, "engine", "prompt_ratio")),
        Target("ttft.outreach", "<=", 1.0, _get(result, "ttft", "outreach", "ttft"), "s"),
        Target("ttft.screening", "<=", 1.0, _get(result, "ttft", "screening", "ttft"), "s",
               "n/a when the screen answers without the model (the default)"),
        Target("ttft.thank_you", "<=", 1.0, _get(result, "ttft", "thank_you", "ttft"), "s"),
        Target("mock.turn10_over_turn1", "<=", 1.2, _get(result, "mock", "turn10_over_turn1")),
        Target("startup.ui_first_200_s", "<=", 5.0, _get(result, "startup", "ui_first_200_s"), "s"),
        Target("startup.reingest_s", "<=", 1.0, _get(result, "startup", "reingest_s"), "s"),
        Target("retrieval.n10000.p95_ms", "<=", 10.0, _get(result, "retrieval", "n10000", "p95_ms"), "ms"),
        Target("soak.app_rss_growth", "<=", 0.10,
               _get(result, "soak", "growth_after_minute_5", "app_rss_mb")),
        Target("soak.model_server_rss_growth", "<=", 0.10,
               _get(result, "soak", "growth_after_minute_5", "model_server_rss_mb")),
        Target("soak.app_fd_growth", "<=", 0.10, _get(result, "soak", "growth_after_minute_5", "app_fds")),
        Target("voice.first_audio_5s_question_s", "<=", 2.0,
               _get(result, "voice", "first_audio_5s_question_s"), "s",
               "end of a five-second spoken question to the first audio byte of the reply"),
    ]
    for n in (1, 4, 16):
        errors = _get(result, "concurrency", f"n{n}", "errors")
        cross = _get(result, "concurrency", f"n{n}", "cross_talk")
        if errors is not None:
            found.append(Target(f"concurrency.n{n}.errors", "<=", 0, errors))
            found.append(Target(f"concurrency.n{n}.cross_talk", "<=", 0, cross))
    for config in ("sqlite", "server"):
        if _get(result, "multiuser", config, "errors") is None:
            continue
        for figure, target, unit in (("errors", 0, ""), ("leaks", 0, ""), ("non_model_p95_ms", 300.0, "ms")):
            found.append(Target(f"multiuser.{config}.{figure}", "<=", target,
                                _get(result, "multiuser", config, figure), unit))
    return [t.as_dict() for t in found]
