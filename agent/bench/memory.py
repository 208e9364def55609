"""Peak resident memory of the app and of the model server, read from /proc (psutil is not installed).

VmHWM is the kernel's own high-water mark for a process, so it must be read before the process
exits; each group records the processes it started just before stopping them.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


def peak_rss_mb(pid: int) -> float | None:
    """VmHWM of a live process in MiB, or None when it has gone or /proc is unavailable."""
    try:
        text = Path(f"/proc/{pid}/status").read_text(encoding="utf-8")
    except OSError:
        return None
    for line in text.splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return None


def children(pid: int) -> list[int]:
    """Direct children of a process (the `coach ui` subprocess owns the model server child)."""
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            found += [int(p) for p in (task / "children").read_text().split()]
        except OSError:
            continue
    return found


@dataclass
class PeakMemory:
    """The highest VmHWM seen per role ('app', 'model_server', 'ui_subprocess', ...)."""

    peaks: dict[str, float] = field(default_factory=dict)
    seen_by: dict[str, list[str]] = field(default_factory=dict)

    def record(self, role: str, pid: int | None, during: str) -> None:
        if pid is None:
            return
        value = peak_rss_mb(pid)
        if value is None:
            return
        self.seen_by.setdefault(role, []).append(during)
        self.peaks[role] = max(self.peaks.get(role, 0.0), value)

    def record_self(self, during: str) -> None:
        self.record("app", os.getpid(), during)


def run(ctx: Any) -> dict[str, Any]:
    """Report the peaks the other groups recorded; this process hosted the in-process app."""
    ctx.memory.record_self("end")
    peaks = ctx.memory.peaks
    return {
        "peak_rss_mb": {role: round(v, 1) for role, v in peaks.items()},
        "groups_seen": ctx.memory.seen_by,
        "method": "VmHWM from /proc/<pid>/status (psutil not installed)",
    }
