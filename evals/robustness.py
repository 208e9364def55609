"""Reliability figures: the faults and abuse cases of `tests/faults/`, with full counts.

    .venv/bin/python -m evals.robustness [--kills 50] [--targeted 15] [--only kill,garbage,...]
                                         [--soak SOAK.json] [--json] [--partial CASES.jsonl]

Cases (each injected for real against the real app or CLI; see `evals/faults/`):

* `model_kill`   — the embedded llama.cpp server SIGKILLed mid-stream during outreach, a
                   thank-you note and a rehearsal turn, `--model-kills` rounds (in-process, so the
                   kill always lands mid-stream); survived = a draft/reply came, it said why, the
                   next request had a model again; data lost = saved drafts missing.
* `garbage`      — CLI commands against a server that hangs / answers non-JSON / the wrong shape /
                   an empty stream / HTTP 500 / dies mid-stream (COACH_TIMEOUT=2, one retry):
                   exit 0, one JSON object, the template fallback; wall time per run recorded.
* `kill`         — `kill -9` of `coach ui` during contact, SWOT and rehearsal saves: `--kills`
                   at random moments plus `--targeted` aimed at the SQLite write lock.
* `storage`      — read-only folder, full disk (tmpfs and RLIMIT_FSIZE), Chroma folder deleted
                   while running, corrupted databases, backup/restore: the `tests/faults` storage
                   and backup tests, run as they are in `make test` (runs = scenarios).
* `injection`    — the 63-item injection set through documents, notes, contact notes and typed
                   fields with a model that obeys.
* `surface`      — every endpoint of the running app (all 240, not one per handler shape) with
                   malformed payloads, file-route traversal, uploads, odd bodies.
* `fuzz`         — the hypothesis properties of `tests/faults/test_properties.py`.
* `soak`         — figures read from a `coach bench --only soak --json` file (`--soak`).

`run(deps)` (for the scorecard's interface) runs the quick, deterministic part: the injection set.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from agent.config import Settings
from agent.deps import Deps
from evals.faults.app import ROOT, base_env, requests_seen, set_mode, start_app, start_fake_model

THRESHOLDS = {"injection_leaked": ("<=", 0), "injection_caught_share": (">=", 0.9)}
FUZZ_SCALE = 20  # the full fuzz run: 20 times the examples `make test` runs
CASES = ("model_kill", "garbage", "kill", "storage", "injection", "surface", "fuzz", "soak")


def build_index(folder: Path) -> Path:
    from agent.ingest.pipeline import ingest

    deps = Deps(Settings.load(env={}, dotenv=Path("/nonexistent"), data_dir=folder))
    ingest(deps.vectors, deps.db)
    deps.close()
    return folder


def model_kill(index: Path, work: Path, rounds: int) -> dict[str, Any]:
    """The real embedded server killed at the first streamed event of each workflow."""
    from agent.mock.graph import send_turn, start_session
    from agent.mock.state import MockRequest
    from agent.outreach.graph import stream_outreach
    from agent.outreach.saving import save_outreach
    from agent.outreach.state import OutreachRequest
    from agent.thankyou.graph import stream_thank_you
    from agent.thankyou.saving import save_thank_you
    from agent.thankyou.state import ThankYouRequest
    from tests.unit.thankyou_notes import ADVICE_CONTACT, ADVICE_NOTES

    data = work / "model-kill"
    shutil.copytree(index, data)
    deps = Deps(Settings.load(env={}, dotenv=Path("/nonexistent"), data_dir=data))
    runs = survived = saved = 0
    notes: list[str] = []
    try:
        _ = deps.llm

        def kill_at_first(events: Any, kind: str) -> list[dict[str, Any]]:
            seen, killed = [], False
            for event in events:
                seen.append(event)
                if not killed and (event.get("slot") == kind or event.get("type") == kind):
                    assert deps.server is not None and deps.server.pid is not None
                    os.kill(deps.server.pid, signal.SIGKILL)
                    killed = True
            return seen if killed else []

        for _ in range(rounds):
            request = OutreachRequest(contact_name="Maria Lopez", contact_role="UX Researcher",
                                      connection="Referred by Lisa Grant", my_name="Sam Lee")
            events = kill_at_first(stream_outreach(deps, request), "interest")
            runs += 1
            if events and events[-1].get("draft") and events[-1]["draft"].notice:
                save_outreach(deps.mine, events[-1]["draft"])
                saved += 1
                survived += 1
            thanks = ThankYouRequest(notes=ADVICE_NOTES, contact_name=ADVICE_CONTACT)
            events = kill_at_first(stream_thank_you(deps, thanks), "point")
            runs += 1
            if events and events[-1].get("draft") and events[-1]["draft"].notice:
                save_thank_you(deps.mine, thanks, events[-1]["draft"])
                saved += 1
                survived += 1
            thread = start_session(deps, MockRequest(contact_role="UX researcher"))
            turn = kill_at_first(send_turn(deps, thread, "How did you get into UX research?"), "delta")
            after = list(send_turn(deps, thread, "What does a normal week look like?"))
            runs += 1
            ok = (any(e.get("type") == "notice" for e in turn)
                  and any(e.get("type") == "reply" for e in after)
                  and not any(e.get("type") == "notice" for e in after))
            survived += ok
            if not ok:
                notes.append("a rehearsal did not continue with a model after the kill")
        restarts = deps.server.restarts if deps.server else 0
        kept = len(deps.mine.drafts())
    finally:
        deps.close()
    return {"runs": runs, "survived": survived, "data_lost": saved - kept,
            "server_restarts": restarts, "notes": notes}


GARBAGE_MODES = ("hang", "invalid_json", "wrong_schema", "empty_stream", "http_500", "die_mid_stream")


def garbage(index: Path, work: Path) -> dict[str, Any]:
    from tests.unit.thankyou_notes import ADVICE_CONTACT, ADVICE_NOTES

    data = work / "garbage"
    shutil.copytree(index, data)
    notes = work / "notes.txt"
    notes.write_text(ADVICE_NOTES, encoding="utf-8")
    script = work / "turns.txt"
    script.write_text("Hi, I'm Sam.\nHow did you get into the field?\nWhat is a normal week like?\n")
    commands = {
        "outreach": ["outreach", "--contact-name", "Maria Lopez", "--contact-role", "UX Researcher",
                     "--json"],
        "thank-you": ["thank-you", str(notes), "--contact-name", ADVICE_CONTACT, "--json"],
        "questions": ["questions", "--contact-role", "Registered nurse", "--json"],
        "mock": ["mock", "--contact-role", "UX researcher", "--script", str(script), "--json"],
    }
    rows, runs, survived = [], 0, 0
    fake = start_fake_model(work)
    try:
        for mode in GARBAGE_MODES:
            for name, argv in commands.items():
                if mode == "die_mid_stream":  # the process dies: a fresh one per run
                    fake.stop()
                    fake = start_fake_model(work, mode=mode)
                else:
                    set_mode(fake, mode)
                env = base_env(data, OPENAI_BASE_URL=fake.url + "/v1", COACH_TIMEOUT="2",
                               COACH_MAX_RETRIES="1")
                start = time.monotonic()
                run = subprocess.run([sys.executable, "-m", "agent.cli", *argv], env=env, cwd=ROOT,
                                     capture_output=True, text=True, timeout=600)
                seconds = time.monotonic() - start
                lines = [ln for ln in run.stdout.splitlines() if ln.strip()]
                ok = run.returncode == 0 and len(lines) == 1 and "Traceback" not in run.stderr
                warnings = [ln for ln in run.stderr.splitlines() if ln.startswith("coach: warning:")]
                runs += 1
                survived += ok
                try:
                    requests = requests_seen(fake) if mode != "die_mid_stream" else None
                except Exception:  # noqa: BLE001 - a dead fake server has no counter
                    requests = None
                rows.append({"mode": mode, "command": name, "ok": ok, "seconds": round(seconds, 1),
                             "warning_lines": len(warnings), "model_requests": requests,
                             "warning": warnings[0][15:120] if warnings else ""})
                if mode == "die_mid_stream":
                    fake.stop()
                    fake = start_fake_model(work)
    finally:
        fake.stop()
    return {"runs": runs, "survived": survived, "data_lost": 0, "rows": rows,
            "hang_seconds": {r["command"]: r["seconds"] for r in rows if r["mode"] == "hang"}}


def kill(index: Path, work: Path, kills: int, targeted: int,
         partial: Path | None = None) -> dict[str, Any]:
    from evals.faults.kill_loop import Round, kill_loop

    def progress(done: Round) -> None:
        if partial is not None:
            with partial.open("a", encoding="utf-8") as out:
                out.write(json.dumps({"case": "kill/round", "round": done.as_dict()}) + "\n")

    data = work / "kill"
    shutil.copytree(index, data)
    fake = start_fake_model(work)
    try:
        report = kill_loop(data, work, fake.url + "/v1", rounds=kills, targeted=targeted,
                           on_round=progress)
    finally:
        fake.stop()
    summary = report.summary()
    return {**summary, "runs": summary["rounds"], "data_lost": summary["lost_saves"],
            "app_start_s": [round(r.start_s, 1) for r in report.rounds]}


def pytest_case(paths: list[str], work: Path, env: dict[str, str] | None = None) -> dict[str, Any]:
    junit = work / f"junit-{int(time.time() * 1000)}.xml"
    run = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *paths,
                          f"--junitxml={junit}"], cwd=ROOT, capture_output=True, text=True,
                         timeout=3600, env={**os.environ, "PYTHONPATH": str(ROOT), **(env or {})})
    import xml.etree.ElementTree as ET

    suite = ET.parse(junit).getroot()
    cases = suite.iter("testcase")
    names, failed = [], []
    for case in cases:
        names.append(case.get("name", ""))
        if case.find("failure") is not None or case.find("error") is not None:
            failed.append(case.get("name", ""))
    return {"runs": len(names), "survived": len(names) - len(failed), "failed": failed,
            "data_lost": 0 if not failed else None, "tests": names, "exit": run.returncode}


def injection(index: Path) -> dict[str, Any]:
    from evals.faults.injection import run as run_injection

    summary = run_injection(index).summary()
    return {**summary, "runs": summary["items"], "survived": summary["items"] - summary["leaked"],
            "data_lost": 0}


def surface(index: Path, work: Path) -> dict[str, Any]:
    from evals.faults import invariants
    from evals.faults.surface import probe
    from ui.app import PUBLIC_API

    data = work / "surface"
    shutil.copytree(index, data)
    from agent.store.db import Database

    db = Database(data / "coach.sqlite3").local_user()
    ids = [db.save_contact(None, {"name": n}, [("created", "2025-05-12T09:00:00+00:00")])
           for n in ("Dana Ruiz", "Marcus Hale")]
    fake = start_fake_model(work)
    app = start_app(data, work, model_url=fake.url + "/v1")
    memory = RssSampler(app.pid)
    memory.start()
    started = time.monotonic()
    try:
        report = probe(app.url, data, ids, full=True)
    finally:
        memory.stop()
        app.stop()
        fake.stop()
    problems = invariants.check(data)
    summary = report.summary()
    return {"runs": summary["calls"], "survived": summary["calls"] - len(report.bad),
            "data_lost": 0, "endpoints": report.endpoints, "public": sorted(PUBLIC_API),
            "outcomes": summary["outcomes"], "bad": summary["bad"], "invariant_problems": problems,
            "minutes": round((time.monotonic() - started) / 60, 1), "app_rss_mb": memory.summary()}


class RssSampler(threading.Thread):
    """The probed app's resident memory every few seconds: the probe once grew it to 5.3 GB."""

    def __init__(self, pid: int, every: float = 5.0) -> None:
        super().__init__(daemon=True)
        self.pid, self.every = pid, every
        self.samples: list[float] = []
        self.done = threading.Event()

    def run(self) -> None:
        while not self.done.wait(self.every):
            try:
                status = Path(f"/proc/{self.pid}/status").read_text()
            except OSError:
                return
            kb = next(int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS"))
            self.samples.append(kb / 1024)

    def stop(self) -> None:
        self.done.set()
        self.join(timeout=10)

    def summary(self) -> dict[str, float]:
        if not self.samples:
            return {}
        return {"first": round(self.samples[0], 1), "max": round(max(self.samples), 1),
                "last": round(self.samples[-1], 1), "samples": len(self.samples)}


def soak(path: Path | None) -> dict[str, Any]:
    if path is None or not path.exists():
        return {"skipped": "run `coach bench --only soak --minutes 20 --json > soak.json` and pass --soak"}
    data = json.loads(path.read_text())["groups"]["soak"]
    ops = data["operations"]
    return {"runs": sum(ops.values()), "survived": sum(ops.values()) - data["errors"], "data_lost": 0,
            **{k: v for k, v in data.items() if k != "samples"}, "samples": data["samples"]}


def table(results: dict[str, Any]) -> str:
    labels = {"model_kill": "model server killed mid-stream (real llama.cpp)",
              "garbage": "model server hangs / answers garbage (CLI)",
              "kill": "kill -9 of coach ui during saves",
              "storage": "read-only, full disk, Chroma deleted, corrupted DBs, backup/restore",
              "injection": "poisoned documents and notes, obeying model (items)",
              "surface": "Gradio surface, malformed payloads (calls)",
              "fuzz": "property tests (hypothesis)",
              "soak": "soak: scripted user (operations)"}
    lines = ["| fault or abuse case | runs | survived | data lost |", "|---|---|---|---|"]
    for name, result in results.items():
        if "runs" in result:
            lines.append(f"| {labels[name]} | {result['runs']} | {result['survived']} | "
                         f"{result.get('data_lost')} |")
    return "\n".join(lines)


def run(deps: Deps) -> dict[str, float]:
    """The scorecard's entry point: the injection set on the scorecard's indexed folder."""
    summary = injection(deps.settings.data_dir)
    return {"injection_items": float(summary["items"]), "injection_caught_share": summary["caught_share"],
            "injection_stopped_share": summary["stopped_share"], "injection_leaked": float(summary["leaked"]),
            "injection_echoed": float(summary["echoed"])}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="robustness")
    parser.add_argument("--kills", type=int, default=50)
    parser.add_argument("--targeted", type=int, default=15)
    parser.add_argument("--model-kills", type=int, default=3, help="rounds of the three model kills")
    parser.add_argument("--only", default=",".join(CASES))
    parser.add_argument("--soak", type=Path)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--partial", type=Path,
                        help="append each case's result to this JSON-lines file as it finishes "
                             "(a long run that is interrupted keeps the cases it finished)")
    args = parser.parse_args(argv)
    wanted = [c for c in CASES if c in args.only.split(",")]
    work = Path(tempfile.mkdtemp(prefix="coach-robustness-"))
    results: dict[str, Any] = {}
    timings: dict[str, float] = {}
    try:
        index = build_index(work / "index")
        for case in wanted:
            sys.stderr.write(f"robustness: {case}…\n")
            start = time.monotonic()
            if case == "model_kill":
                results[case] = model_kill(index, work, args.model_kills)
            elif case == "garbage":
                results[case] = garbage(index, work)
            elif case == "kill":
                results[case] = kill(index, work, args.kills, args.targeted, args.partial)
            elif case == "storage":
                results[case] = pytest_case(["tests/faults/test_storage.py",
                                             "tests/faults/test_backup_restore.py"], work)
            elif case == "injection":
                results[case] = injection(index)
            elif case == "surface":
                results[case] = surface(index, work)
            elif case == "fuzz":
                results[case] = pytest_case(["tests/faults/test_properties.py"], work,
                                            {"COACH_FUZZ_SCALE": str(FUZZ_SCALE)})
                results[case]["examples_scale"] = FUZZ_SCALE
            elif case == "soak":
                results[case] = soak(args.soak)
            timings[case] = round(time.monotonic() - start, 1)
            if args.partial is not None:
                with args.partial.open("a", encoding="utf-8") as out:
                    out.write(json.dumps({"case": case, "seconds": timings[case],
                                          "result": results[case]}, default=str) + "\n")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    out = {"results": results, "seconds": timings, "table": table(results)}
    if args.json:
        print(json.dumps(out, indent=1, default=str))
    else:
        print(out["table"])
        for case, result in results.items():
            shown = {k: v for k, v in result.items() if k not in ("rows", "samples", "tests", "app_start_s")}
            print(f"\n{case}: {json.dumps(shown, default=str)[:1500]}")
    lost = [c for c, r in results.items() if r.get("data_lost")]
    return 1 if lost or (results.get("injection", {}).get("leaked") or 0) else 0


if __name__ == "__main__":
    sys.exit(main())
