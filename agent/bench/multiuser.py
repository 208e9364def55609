"""Many students at once: N simulated students on loopback against one `coach ui --multi-user`.

Issue 12 asks whether one coach process can serve a class. Each student is a browser-like client
(`evals.faults.gradio_raw.RawGradio`: the page's own queue/join + SSE calls, carrying the login
cookie) that logs in through the real `/login`, loads the page, drafts an outreach request, saves
two contacts with distinctive names (`Contact <student>-<k>`), opens the tabs that list them and
rehearses five turns. All students run at once (threads, each starting at a random time within
`--arrive-over` seconds: 2 by default, a whole class at once; a longer window is students arriving
over a lecture break).

What is measured, per request type: count and p50/p95/max latency; the p95 of everything that is
not a model call (logins, pages, saves, lists: what a class feels as "the app is slow" even when
the model is fast); throughput; errors; and leaks: every response body a student receives is
searched for *other* students' contact names, since a name is the one thing a student can only
see through a broken isolation. The model is a fake OpenAI-compatible server by default, so the
figures are the app's, not the 135M model's; `--real-model` uses the embedded one.

Two configurations: `sqlite` (the default data folder: SQLite + embedded Chroma) and `server`
(user data and rehearsal checkpoints on a throw-away PostgreSQL cluster, the index on a `chroma run` server,
both started and stopped here with the test suite's helpers in `tests/engines.py`).

This group drives the repository's fault-testing tools, so it runs from a source checkout.
The target (reported, never asserted): 0 errors, 0 leaks, non-model p95 ≤ 300 ms at 50 students.
"""

from __future__ import annotations

import json
import random
import re
import subprocess
import sys
import threading
import time
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from agent.bench.context import BenchContext
from agent.bench.report import percentile
from agent.errors import InputError

CONFIGS = ("sqlite", "server")
MODEL_CALLS = frozenset({"draft_outreach", "mock_start", "mock_send", "mock_end"})
# Once per visit and CPU-bound by design (an Argon2id hash; Gradio's page and config), so the
# report also gives the non-model p95 without them: what a student feels while working.
SIGN_IN = frozenset({"login", "page", "config"})
CONTACTS_PER_STUDENT = 2
TURNS = 5
JITTER_S = 2.0
NON_MODEL_P95_TARGET_MS = 300.0
NAME = re.compile(r"Contact (\d+)-(\d+)")
LINES = ["Hi, I'm a student exploring this field. How did you get into it?",
         "What does a normal week look like for you?",
         "What surprised you most in your first year?",
         "What would you tell someone starting out?",
         "Who else would you suggest I talk to? Thank you for your time."]


def contact_name(student: int, k: int) -> str:
    return f"Contact {student}-{k}"


def user_name(student: int) -> str:
    return f"student{student}"


def password(student: int) -> str:
    return f"bench password {student}"


def leaks_in(text: str, own: int) -> list[str]:
    """Other students' contact names in `text`: a student may only ever see `Contact <own>-k`."""
    return sorted({m.group(0) for m in NAME.finditer(text) if int(m.group(1)) != own})


@dataclass
class Tally:
    """What all students did, shared between their threads."""

    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: list[str] = field(default_factory=list)
    leaks: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def timed(self, kind: str, seconds: float) -> None:
        with self.lock:
            self.latencies[kind].append(seconds * 1000)

    def error(self, student: int, kind: str, message: str) -> None:
        with self.lock:
            self.errors.append(f"student {student} {kind}: {message}"[:300])

    def check(self, student: int, kind: str, text: str) -> None:
        """Count every other student's contact name in one response body as a leak."""
        found = leaks_in(text, student)
        if found:
            with self.lock:
                self.leaks.extend(f"student {student} {kind}: saw {name}" for name in found)

    def summary(self, seconds: float, students: int) -> dict[str, Any]:
        def ms(values: list[float], pct: float) -> float | None:
            found = percentile(values, pct)
            return None if found is None else round(found, 1)

        def stats(values: list[float]) -> dict[str, Any]:
            return {"count": len(values), "p50_ms": ms(values, 50), "p95_ms": ms(values, 95),
                    "max_ms": round(max(values), 1)}

        by_type = {kind: stats(v) for kind, v in sorted(self.latencies.items()) if v}
        plumbing = [x for kind, v in self.latencies.items() if kind not in MODEL_CALLS for x in v]
        total = sum(len(v) for v in self.latencies.values())
        non_model_p95 = ms(plumbing, 95)
        working = [x for kind, v in self.latencies.items() if kind not in MODEL_CALLS | SIGN_IN for x in v]
        return {
            "students": students, "requests": by_type, "requests_total": total,
            "non_model_p95_ms": non_model_p95, "non_model_p95_ms_after_sign_in": ms(working, 95),
            "throughput_rps": round(total / seconds, 2) if seconds > 0 else None,
            "seconds": round(seconds, 1),
            "errors": len(self.errors), "error_samples": self.errors[:5],
            "leaks": len(self.leaks), "leak_samples": self.leaks[:5],
            "target": {"errors": 0, "leaks": 0, "non_model_p95_ms": NON_MODEL_P95_TARGET_MS,
                       "met": not self.errors and not self.leaks and non_model_p95 is not None
                       and non_model_p95 <= NON_MODEL_P95_TARGET_MS},
        }


class Student:
    """One simulated student: a login, one page session, the scripted visit."""

    def __init__(self, number: int, url: str, tally: Tally, timeout: float = 300.0) -> None:
        from evals.faults.gradio_raw import RawGradio

        self.n = number
        self.url = url.rstrip("/")
        self.tally = tally
        self.client = RawGradio(self.url, timeout=timeout)

    def close(self) -> None:
        self.client.close()

    def http(self, kind: str, method: str, path: str, **kw: Any) -> Any:
        start = time.perf_counter()
        reply = self.client.http.request(method, f"{self.url}{path}", **kw)
        self.tally.timed(kind, time.perf_counter() - start)
        self.tally.check(self.n, kind, reply.text)
        if reply.status_code != 200:
            raise RuntimeError(f"{kind}: HTTP {reply.status_code} {reply.text[:120]}")
        return reply

    def event(self, kind: str, fn_index: int, data: list[Any]) -> Any:
        start = time.perf_counter()
        reply = self.client.call(fn_index, data)
        self.tally.timed(kind, time.perf_counter() - start)
        self.tally.check(self.n, kind, reply.raw)
        if not reply.success:
            raise RuntimeError(f"{kind}: HTTP {reply.status}, {reply.error or reply.raw[-160:]!r}")
        return reply

    def api(self, kind: str, data: list[Any]) -> Any:
        return self.event(kind, self.client.fn_index(kind), data)

    def defaults(self, dep: dict[str, Any]) -> list[Any]:
        """What the page sends for an event's inputs before anyone typed: their initial values."""
        comps = self.client.components()
        return [comps[i].get("props", {}).get("value") for i in dep["inputs"]]

    def fired_by(self, trigger: str, elem_id: str | None = None) -> list[dict[str, Any]]:
        """The backend events a page `load`, or the select of the tab holding `elem_id`, fires."""
        target = None
        if elem_id is not None:
            target = next(i for i, c in self.client.components().items()
                          if c.get("props", {}).get("elem_id") == elem_id)
        return [d for d in self.client.dependencies() if d.get("backend_fn")
                and any(t[1] == trigger for t in d.get("targets", []))
                and (target is None or target in d["outputs"])]

    def click(self, kind: str, elem_id: str) -> None:
        """Fire the backend events of clicking the button `elem_id`, as the page does."""
        target = next(i for i, c in self.client.components().items()
                      if c.get("props", {}).get("elem_id") == elem_id)
        for dep in self.client.dependencies():
            if dep.get("backend_fn") and [target, "click"] in [list(t) for t in dep.get("targets", [])]:
                self.event(kind, int(dep["id"]), self.defaults(dep))

    def login(self) -> None:
        reply = self.http("login", "POST", "/login",
                          data={"username": user_name(self.n), "password": password(self.n)})
        if reply.json() != {"success": True}:
            raise RuntimeError(f"login refused: {reply.text[:120]}")

    def visit(self) -> None:
        """The scripted visit; the first failure ends it (counted once, with its message)."""
        self.login()
        self.http("page", "GET", "/")
        self.client._config = self.http("config", "GET", "/config").json()
        for dep in self.fired_by("load"):
            self.event("page_load", int(dep["id"]), self.defaults(dep))
        self.api("draft_outreach", [f"Pat Doe{self.n}", "Data analyst", "", "We met at a meetup",
                                    "email", 20, f"Student {self.n}", "I teach maths",
                                    "learning what the work is like", ""])
        for k in range(CONTACTS_PER_STUDENT):
            self.click("new_contact", "contact-new")  # else the form edits the contact just saved
            saved = self.api("save_contact", [None, contact_name(self.n, k), "Data analyst",
                                              "Fernwood", "", "to_contact", f"notes {self.n}", "", ""])
            if contact_name(self.n, k) not in saved.raw:
                raise RuntimeError(f"save_contact: the reply does not list {contact_name(self.n, k)}")
        for dep in self.fired_by("select", "contact-picker"):
            self.event("tab_select", int(dep["id"]), self.defaults(dep))
        choices: list[Any] = []
        for dep in self.fired_by("select", "mock-contact"):
            reply = self.event("tab_select", int(dep["id"]), self.defaults(dep))
            choices += [o.get("choices", []) for o in reply.outputs if isinstance(o, dict)]
        own = [c[1] for group in choices for c in group if contact_name(self.n, 0) in str(c[0])]
        if not own:
            raise RuntimeError(f"tab_select: the rehearsal list does not offer {contact_name(self.n, 0)}"
                               f" ({str(choices)[:200]})")
        self.api("mock_start", [str(own[0]), "", "Data analyst", "", 20, "", "", "warm"])
        chat: list[Any] = []
        for line in LINES[:TURNS]:
            reply = self.api("mock_send", [None, line, chat, None, False])
            last = reply.outputs[0] if reply.outputs else None
            chat = last if isinstance(last, list) else chat
        self.api("mock_end", [None])


def run_students(url: str, students: int, *, jitter: float = JITTER_S, seed: int = 12) -> dict[str, Any]:
    """Every student at once against the app at `url`; the summary of what they saw."""
    tally = Tally()
    rng = random.Random(seed)
    delays = [rng.uniform(0, jitter) for _ in range(students)]

    def one(n: int) -> None:
        time.sleep(delays[n])
        student = Student(n, url, tally)
        try:
            student.visit()
        except Exception as exc:  # noqa: BLE001 - counted; the other students go on
            tally.error(n, "visit", f"{type(exc).__name__}: {exc}")
        finally:
            student.close()

    threads = [threading.Thread(target=one, args=(n,), daemon=True) for n in range(students)]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return tally.summary(time.perf_counter() - start, students)


def add_accounts(data_dir: Path, students: int, env: dict[str, str], parallel: int = 4) -> float:
    """`coach users add` for every student, as an administrator would; returns the seconds taken."""
    from concurrent.futures import ThreadPoolExecutor

    def add(n: int) -> None:
        done = subprocess.run([sys.executable, "-m", "agent.cli", "users", "add", user_name(n),
                               "--password-stdin"], input=password(n) + "\n", env=env,
                              capture_output=True, text=True, timeout=120)
        if done.returncode != 0:
            raise RuntimeError(f"coach users add {user_name(n)}: {done.stderr.strip()[:200]}")

    start = time.perf_counter()
    with ThreadPoolExecutor(parallel) as pool:
        list(pool.map(add, range(students)))
    return time.perf_counter() - start


@contextmanager
def engines(config: str) -> Iterator[dict[str, str]]:
    """The environment for `config`; for `server`, a PostgreSQL cluster and a Chroma server that
    live exactly as long as the block."""
    if config == "sqlite":
        yield {}
        return
    from tests.engines import start_chroma, start_postgres

    postgres = start_postgres()
    try:
        chroma = start_chroma()
        try:
            yield {"COACH_DATABASE_URL": postgres.new_database(), "COACH_CHROMA_URL": chroma.url}
        finally:
            chroma.stop()
    finally:
        postgres.stop()


def measure(ctx: BenchContext, config: str, students: int, real_model: bool) -> dict[str, Any]:
    from evals.faults.app import base_env, start_app, start_fake_model

    data_dir = ctx.indexed_settings(f"multiuser-{config}").data_dir
    workdir = ctx.workdir / f"multiuser-{config}-logs"
    workdir.mkdir(exist_ok=True)
    fake = None if real_model else start_fake_model(workdir)
    try:
        with engines(config) as extra:
            accounts_s = add_accounts(data_dir, students, base_env(data_dir, **extra))
            app = start_app(data_dir, workdir, model_url=fake.url + "/v1" if fake else None,
                            extra_env=extra, args=("--multi-user",))
            try:
                result = run_students(app.url, students,
                                      jitter=float(getattr(ctx, "arrive_over", JITTER_S)))
            finally:
                app.stop()
    finally:
        if fake is not None:
            fake.stop()
    return {"config": config, "model": "embedded (--real-model)" if real_model else
            "fake OpenAI-compatible server (evals.faults)", "accounts_created_s": round(accounts_s, 1),
            "app_started_s": round(app.started_in, 1), **result}


def run(ctx: BenchContext) -> dict[str, Any]:
    students = int(getattr(ctx, "students", 50))
    real_model = bool(getattr(ctx, "real_model", False))
    configs = tuple(getattr(ctx, "configs", CONFIGS))
    try:
        import evals.faults.app  # noqa: F401 - only to fail early with a clear line
    except ImportError as exc:
        raise InputError("coach bench --only multiuser runs from a source checkout "
                         "(it needs evals/ and tests/)") from exc
    out: dict[str, Any] = {"students": students, "real_model": real_model,
                           "arrive_over_s": float(getattr(ctx, "arrive_over", JITTER_S))}
    for config in configs:
        sys.stderr.write(f"bench: multiuser {config}, {students} students…\n")
        try:
            out[config] = measure(ctx, config, students, real_model)
        except Exception as exc:  # noqa: BLE001 - one configuration failing keeps the other's figures
            out[config] = {"config": config, "error": f"{type(exc).__name__}: {exc}"[:300]}
        with suppress(TypeError, ValueError):
            sys.stderr.write(json.dumps({config: {k: out[config].get(k) for k in (
                "non_model_p95_ms", "throughput_rps", "errors", "leaks")}}) + "\n")
    return out
