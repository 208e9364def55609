"""`kill -9` of `coach ui` while it saves: a contact, a SWOT, a rehearsal turn.

Each round starts the real app on a copy-free data folder that persists across rounds, drives one
kind of save in a loop from a client thread (each save carries a unique marker), and SIGKILLs the
app at a random moment ("random") or as soon as it holds SQLite's write lock ("targeted"). Just
before the kill the app is stopped (SIGSTOP) and `/proc/locks` is read: a kill "landed
mid-transaction" when the app held the WAL write lock (byte 120 of a `-shm` file) of
`coach.sqlite3` or `checkpoints.sqlite3` at that instant, i.e. between BEGIN and COMMIT.

After each kill: SQLite's integrity and foreign-key checks, the invariants of
`evals.faults.invariants` (every contact whole, nothing the UI would refuse), every acknowledged
save present, and every SWOT whole (its interview filed iff the SWOT is there). The next round's
start is the restart; a rehearsal round first resumes the thread from its last checkpoint through
the app (the page's restore event) and checks the transcript kept every acknowledged turn.
"""

from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from evals.faults import invariants
from evals.faults.app import Proc, start_app
from evals.faults.gradio_raw import RawGradio

KINDS = ("contact", "swot", "mock")
WAL_WRITE_LOCK = 120
# What the user knows about the contact (the mock tab's bio box): the rehearsal answers from it.
BIO = ("Dana Park is a senior UX researcher at Fernwood. She moved into research from teaching "
       "after a bootcamp and runs usability studies on the billing product.")
NOTES = ("She said the first year is mostly learning the tools. "
         "Portfolio reviews mattered more than certificates for her team. ") * 60


def write_locks(pid: int, data_dir: Path) -> list[str]:
    """Which databases' WAL write lock `pid` holds right now (from /proc/locks)."""
    inodes = {}
    for name in ("coach.sqlite3", "checkpoints.sqlite3"):
        shm = data_dir / f"{name}-shm"
        try:
            inodes[shm.stat().st_ino] = name
        except OSError:
            continue
    held = []
    for line in Path("/proc/locks").read_text().splitlines():
        parts = line.split()
        if "->" in parts:
            continue  # a waiter, not a holder
        try:
            lock_pid, device, start = int(parts[4]), parts[5], parts[6]
        except (IndexError, ValueError):
            continue
        inode = int(device.rsplit(":", 1)[-1])
        if lock_pid == pid and parts[3] == "WRITE" and start == str(WAL_WRITE_LOCK) and inode in inodes:
            held.append(inodes[inode])
    return held


def find_dep(client: RawGradio, api_name: str | None = None, target_type: str | None = None) -> int:
    """A function index by its API name, or the one whose trigger is a component of a type
    (the mock tab's restore event is the change of its BrowserState)."""
    if api_name is not None:
        return client.fn_index(api_name)
    comps = client.components()
    for dep in client.dependencies():
        if any(comps.get(t[0], {}).get("type") == target_type for t in dep.get("targets", [])):
            return int(dep["id"])
    raise KeyError(target_type)


@dataclass
class Round:
    kind: str
    mode: str
    acknowledged: int = 0
    mid_transaction: bool = False
    locks: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    resumed: bool | None = None
    start_s: float = 0.0

    @property
    def survived(self) -> bool:
        return not self.problems

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "survived": self.survived}


@dataclass
class KillReport:
    rounds: list[Round] = field(default_factory=list)

    def summary(self) -> dict[str, Any]:
        out: dict[str, Any] = {"rounds": len(self.rounds),
                               "survived": sum(r.survived for r in self.rounds),
                               "mid_transaction": sum(r.mid_transaction for r in self.rounds),
                               "acknowledged_saves": sum(r.acknowledged for r in self.rounds),
                               "lost_saves": sum(1 for r in self.rounds for p in r.problems
                                                 if p.startswith("lost")),
                               "by_kind": {}}
        for kind in KINDS:
            for mode in ("random", "targeted"):
                rounds = [r for r in self.rounds if r.kind == kind and r.mode == mode]
                if rounds:
                    out["by_kind"][f"{kind}/{mode}"] = {
                        "rounds": len(rounds), "survived": sum(r.survived for r in rounds),
                        "mid_transaction": sum(r.mid_transaction for r in rounds),
                        "resumed": sum(bool(r.resumed) for r in rounds if r.resumed is not None)}
        out["problems"] = [f"{r.kind}/{r.mode}: {p}" for r in self.rounds for p in r.problems][:20]
        return out


class Driver:
    """Saves of one kind in a loop, each acknowledged only when the app answered success."""

    def __init__(self, client: RawGradio, kind: str, tag: str, contact_id: int | None) -> None:
        self.client, self.kind, self.tag, self.contact_id = client, kind, tag, contact_id
        self.acked: list[str] = []
        self.stop = threading.Event()
        self.error: str | None = None

    def run(self) -> None:
        n = 0
        try:
            while not self.stop.is_set():
                n += 1
                marker = f"{self.tag}-{n}"
                if self.save(marker):
                    self.acked.append(marker)
        except Exception as exc:  # noqa: BLE001 - the app was killed under us: expected
            self.error = type(exc).__name__

    def save(self, marker: str) -> bool:
        c = self.client
        if self.kind == "contact":
            c.new_session()  # a fresh page: after a save the form would edit that same contact
            reply = c.call_api("save_contact", [None, f"Kill {marker}", "UX researcher", "Fernwood",
                                                "", "requested", "x" * 2000, "", ""])
            return reply.success and "Added" in str(reply.outputs[:1])
        if self.kind == "swot":
            notes = f"Marker {marker}. {NOTES}"
            reply = c.call_api("build_swot", [self.contact_id, [], notes, False])
            return reply.success and "SWOT ready" in str(reply.outputs[:1])
        line = f"What surprised you most in your first year? ({marker})"
        reply = c.call_api("mock_send", [None, line, [], None, False])
        # Acknowledged only when the page shows the line in the chat: a refused line (no
        # rehearsal, an ended one) is taken out of the chat and left in the text box.
        return reply.success and bool(reply.outputs) and marker in json.dumps(reply.outputs[:1])


def _swot_whole(data_dir: Path) -> list[str]:
    """A SWOT saved with a contact files its notes as an interview in the same transaction, so
    per contact the interviews the loop filed and the SWOTs match one for one."""
    db = data_dir / "coach.sqlite3"
    problems = []
    for c in invariants.rows(db, "SELECT id FROM contacts WHERE name LIKE 'SWOT contact %'"):
        filed = invariants.rows(db, f"SELECT COUNT(*) AS n FROM interviews WHERE contact_id = {c['id']} "
                                    "AND notes LIKE 'Marker %'")[0]["n"]
        swots = invariants.rows(db, f"SELECT COUNT(*) AS n FROM swots WHERE contact_id = {c['id']}")[0]["n"]
        if filed != swots:
            problems.append(f"contact #{c['id']}: {filed} interviews but {swots} SWOTs (half a save)")
    return problems


def _present(data_dir: Path, kind: str, marker: str, thread: str | None) -> bool:
    db = data_dir / "coach.sqlite3"
    if kind == "contact":
        return bool(invariants.rows(db, f"SELECT id FROM contacts WHERE name = 'Kill {marker}'"))
    if kind == "swot":
        notes = invariants.rows(db, "SELECT notes FROM interviews")
        return any(f"Marker {marker}." in r["notes"] for r in notes)
    return marker in " ".join(t["text"] for t in _transcript(data_dir, thread))


def _transcript(data_dir: Path, thread: str | None) -> list[dict[str, str]]:
    """The thread's transcript as the product reads it from the checkpointer."""
    from agent.config import Settings
    from agent.deps import Deps
    from agent.mock.graph import session_view

    if thread is None:
        return []
    deps = Deps(Settings.load(env={}, dotenv=Path("/nonexistent"), data_dir=data_dir))
    view = session_view(deps, thread)
    return list(view.transcript) if view else []


def latest_thread(data_dir: Path) -> str | None:
    path = data_dir / "checkpoints.sqlite3"
    if not path.exists():
        return None
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        row = conn.execute("SELECT thread_id FROM checkpoints ORDER BY rowid DESC LIMIT 1").fetchone()
    finally:
        conn.close()
    return str(row[0]) if row else None


def kill(app: Proc, data_dir: Path, mode: str, rng: random.Random, deadline: float) -> list[str]:
    """SIGSTOP, read the locks, SIGKILL. "targeted" waits (up to `deadline`) for a write lock."""
    if mode == "random":
        time.sleep(rng.uniform(0.3, 3.0))
        os.kill(app.pid, signal.SIGSTOP)
        locks = write_locks(app.pid, data_dir)
    else:
        locks = []
        while time.monotonic() < deadline:
            if write_locks(app.pid, data_dir):
                os.kill(app.pid, signal.SIGSTOP)
                locks = write_locks(app.pid, data_dir)
                if locks:
                    break
                os.kill(app.pid, signal.SIGCONT)
        else:
            os.kill(app.pid, signal.SIGSTOP)
    app.kill(signal.SIGKILL)
    return locks


def run_round(data_dir: Path, workdir: Path, kind: str, mode: str, index: int, rng: random.Random,
              model_url: str) -> Round:
    result = Round(kind, mode)
    contact_id = None
    if kind == "swot":  # saved before the start, so the page's contact list offers it
        from agent.store.db import Database

        contact_id = Database(data_dir / "coach.sqlite3").local_user().save_contact(
            None, {"name": f"SWOT contact {index}", "role": "Nurse", "status": "done"},
            [("created", "2025-05-12T09:00:00+00:00")])
    app = start_app(data_dir, workdir, model_url=model_url)
    result.start_s = app.started_in
    client = RawGradio(app.url, timeout=60)
    thread = latest_thread(data_dir) if kind == "mock" else None
    try:
        if kind == "mock":
            result.resumed = resume_or_start(client, data_dir, thread)
            if thread is None or not result.resumed:
                thread = latest_thread(data_dir)
        before = len(_transcript(data_dir, thread)) if kind == "mock" else 0
        driver = Driver(client, kind, f"k{index}-{kind}", contact_id)
        worker = threading.Thread(target=driver.run, daemon=True)
        worker.start()
        result.locks = kill(app, data_dir, mode, rng, time.monotonic() + 20)
        result.mid_transaction = bool(result.locks)
        driver.stop.set()
        worker.join(timeout=60)
        result.acknowledged = len(driver.acked)
        result.problems += invariants.check(data_dir)
        if kind == "swot":
            result.problems += _swot_whole(data_dir)
        for marker in driver.acked:
            if not _present(data_dir, kind, marker, thread):
                result.problems.append(f"lost acknowledged save {marker}")
        if kind == "mock" and thread is not None:
            after = _transcript(data_dir, thread)
            if len(after) < before + 2 * len(driver.acked):
                result.problems.append(f"lost turns: {len(after)} < {before} + 2 x {len(driver.acked)}")
    finally:
        client.close()
        app.stop()
    return result


def resume_or_start(client: RawGradio, data_dir: Path, thread: str | None) -> bool:
    """Bring the last rehearsal back through the page's restore event (as a reload does), or start
    one. True when an existing thread was resumed and answered a new line."""
    if thread is not None:
        restore = find_dep(client, target_type="browserstate")
        reply = client.call(restore, [thread, ""])
        if reply.success and "Resumed" in json.dumps(reply.outputs):
            answer = client.call_api("mock_send", [None, "Could you say more about that?", [], None, False])
            return answer.success and "assistant" in json.dumps(answer.outputs)
        return False
    reply = client.call_api("mock_start", ["", "Dana Park", "Senior UX researcher", "Fernwood", 30,
                                            BIO, "how people get their first research role", "warm"])
    if not reply.success:
        raise RuntimeError(f"mock_start failed: {reply.error}")
    return False


def kill_loop(data_dir: Path, workdir: Path, model_url: str, rounds: int, targeted: int = 0,
              seed: int = 14, on_round: Callable[[Round], None] | None = None) -> KillReport:
    """`rounds` random kills and `targeted` lock-targeted kills, cycling contact/SWOT/mock;
    `on_round` sees each finished round (a long run reports as it goes)."""
    rng = random.Random(seed)
    report = KillReport()
    plan = [(KINDS[i % 3], "random") for i in range(rounds)]
    plan += [(KINDS[i % 3], "targeted") for i in range(targeted)]
    for index, (kind, mode) in enumerate(plan):
        report.rounds.append(run_round(data_dir, workdir, kind, mode, index, rng, model_url))
        if on_round is not None:
            on_round(report.rounds[-1])
    # One last restart: the app must come up on what the final kill left.
    app = start_app(data_dir, workdir, model_url=model_url)
    app.stop()
    return report
