"""Soak: one running `coach ui` (with its own embedded model server) driven for `--minutes` by a
scripted user who drafts outreach requests, prepares and screens question lists, and rehearses
(start, three lines, end) in a loop, through the app's public API as a browser-like client.

Every minute (and at the start) it records the resident memory (VmRSS) of the app and of its model
server, their open file descriptors, and the sizes of `coach.sqlite3`, `checkpoints.sqlite3` (with
their -wal files) and the Chroma folder. Target: nothing grows by more than 10 % after minute 5
(RSS and descriptors; the databases grow with the drafts and rehearsals the user keeps, so their
sizes are reported with the operations that wrote them, not held to the target).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import httpx

from agent.bench.context import BenchContext
from agent.bench.memory import children
from agent.model_server import free_port

SETTLE_MINUTE = 5
GROWTH_TARGET = 0.10
ROLES = ["UX researcher", "Registered nurse", "Data analyst", "Civil engineer", "Pastry chef",
         "Product manager", "Museum registrar", "Paralegal"]
STYLES = ["warm", "busy", "guarded"]
BIO = ("Dana Park moved into the field from teaching eight years ago. She leads a small team and "
       "mentors people who are changing careers.")
LINES = ["Hi, I'm Sam, a teacher exploring this field. How did you get into it?",
         "What does a normal week look like for you?",
         "Who else would you suggest I talk to? Thank you so much for your time."]


def rss_mb(pid: int, field: str = "VmRSS") -> float | None:
    """Resident memory from /proc: `VmRSS` (all of it), `RssAnon` (the heap: where a leak shows) or
    `RssFile` (pages of mapped files such as the model weights, paged in as tokens first use them)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(f"{field}:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def fds(pid: int) -> int | None:
    try:
        return len(os.listdir(f"/proc/{pid}/fd"))
    except OSError:
        return None


def size_mb(path: Path) -> float:
    if path.is_dir():
        return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) / 1e6
    total = 0
    for suffix in ("", "-wal"):
        extra = path.with_name(path.name + suffix)
        if extra.exists():
            total += extra.stat().st_size
    return total / 1e6


class User:
    """The scripted user: one client session, counting what it did and what failed."""

    def __init__(self, url: str) -> None:
        from gradio_client import Client

        self.client = Client(url, verbose=False, httpx_kwargs={"timeout": 300.0})
        self.ops = {"drafts": 0, "question_lists": 0, "rehearsal_turns": 0, "rehearsals": 0}
        self.errors: list[str] = []
        self.n = 0

    def step(self) -> None:
        self.n += 1
        role = ROLES[self.n % len(ROLES)]
        try:
            out = self.client.predict(f"Alex Morgan{self.n}", role, "", "We met at a meetup", "email",
                                      20, "Sam Lee", "I teach maths", "learning what the work is like",
                                      "", api_name="/draft_outreach")
            self.ops["drafts"] += bool(str(out[0]).strip())
            self.client.predict(role, "", "", "what the first year is like", 20, True, "",
                                api_name="/prepare_questions")
            self.ops["question_lists"] += 1
            self.client.predict("", "Dana Park", role, "", 20, BIO, "how people get started",
                                STYLES[self.n % len(STYLES)], api_name="/mock_start")
            for line in LINES:
                self.client.predict(line, [], False, api_name="/mock_send")
                self.ops["rehearsal_turns"] += 1
            self.client.predict(api_name="/mock_end")
            self.ops["rehearsals"] += 1
        except Exception as exc:  # noqa: BLE001 - counted, the soak goes on
            self.errors.append(f"{type(exc).__name__}: {exc}"[:200])


def sample(minute: float, app_pid: int, data_dir: Path, user: User) -> dict[str, Any]:
    servers = children(app_pid)
    server = servers[0] if servers else None
    return {
        "minute": round(minute, 2),
        "app_rss_mb": rss_mb(app_pid), "model_server_rss_mb": rss_mb(server) if server else None,
        "app_anon_mb": rss_mb(app_pid, "RssAnon"),
        "model_server_anon_mb": rss_mb(server, "RssAnon") if server else None,
        "model_server_file_mb": rss_mb(server, "RssFile") if server else None,
        "app_fds": fds(app_pid), "model_server_fds": fds(server) if server else None,
        "model_server_pid": server,
        "coach_sqlite_mb": round(size_mb(data_dir / "coach.sqlite3"), 3),
        "checkpoints_sqlite_mb": round(size_mb(data_dir / "checkpoints.sqlite3"), 3),
        "chroma_mb": round(size_mb(data_dir / "chroma"), 3),
        **{f"ops_{k}": v for k, v in user.ops.items()}, "errors": len(user.errors),
    }


def growth(samples: list[dict[str, Any]], key: str) -> float | None:
    """Largest rise after `SETTLE_MINUTE` relative to the value at that minute."""
    after = [s for s in samples if s["minute"] >= SETTLE_MINUTE and s.get(key) is not None]
    if len(after) < 2 or not after[0][key]:
        return None
    base = float(after[0][key])
    return round((max(float(s[key]) for s in after) - base) / base, 4)


def summarise(samples: list[dict[str, Any]], user: User, minutes: float) -> dict[str, Any]:
    keys = ("app_rss_mb", "model_server_rss_mb", "app_fds", "model_server_fds")
    growths = {k: growth(samples, k) for k in keys}
    detail = {k: growth(samples, k) for k in ("app_anon_mb", "model_server_anon_mb", "model_server_file_mb")}
    measured = [g for g in growths.values() if g is not None]
    last = samples[-1]
    return {
        "minutes": minutes, "samples": samples, "growth_after_minute_5": growths,
        "rss_split_growth_after_minute_5": detail,
        "target_met": bool(measured) and all(g <= GROWTH_TARGET for g in measured),
        "operations": dict(user.ops), "errors": len(user.errors), "error_samples": user.errors[:5],
        "sizes_mb_end": {k: last[k] for k in ("coach_sqlite_mb", "checkpoints_sqlite_mb", "chroma_mb")},
        "checkpoint_kb_per_rehearsal": round(1000 * (last["checkpoints_sqlite_mb"] - samples[0][
            "checkpoints_sqlite_mb"]) / max(1, user.ops["rehearsals"]), 1),
        "model_server_restarts": len({s["model_server_pid"] for s in samples if s["model_server_pid"]}) - 1,
    }


def run(ctx: BenchContext) -> dict[str, Any]:
    minutes = float(getattr(ctx, "minutes", 20.0))
    settings = ctx.indexed_settings("soak")
    port = free_port()
    log = ctx.workdir / "soak-ui.log"
    env = {**os.environ, "COACH_DATA_DIR": str(settings.data_dir)}
    env.pop("OPENAI_BASE_URL", None)
    with log.open("wb") as sink:
        proc = subprocess.Popen([sys.executable, "-m", "agent.cli", "ui", "--port", str(port)], env=env,
                                stdout=sink, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/"
    samples: list[dict[str, Any]] = []
    try:
        deadline = time.monotonic() + 240
        while time.monotonic() < deadline:
            try:
                if httpx.get(url, timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.2)
        user = User(url)
        user.step()  # warm-up: the model server starts and every workflow loads once
        stop = threading.Event()
        start = time.monotonic()
        samples.append(sample(0.0, proc.pid, settings.data_dir, user))

        def sampler() -> None:
            while not stop.wait(60.0 - (time.monotonic() - start) % 60.0):
                samples.append(sample((time.monotonic() - start) / 60, proc.pid, settings.data_dir, user))

        watcher = threading.Thread(target=sampler, daemon=True)
        watcher.start()
        while time.monotonic() - start < minutes * 60:
            user.step()
        stop.set()
        watcher.join(timeout=5)
        samples.append(sample((time.monotonic() - start) / 60, proc.pid, settings.data_dir, user))
        for pid in children(proc.pid):
            ctx.memory.record("model_server", pid, "soak")
        ctx.memory.record("ui_subprocess", proc.pid, "soak")
        return summarise(samples, user, minutes)
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGINT)
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=10)
