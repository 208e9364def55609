"""Probe the Gradio surface: every endpoint (public or private) with malformed payloads, the file
routes with path-traversal names, and the upload route over the cap and with the wrong type.

What counts as a failure (`Finding.bad`): an HTTP 5xx, a traceback or a server file path in any
reply, a file served from outside Gradio's upload folder, or (checked afterwards by
`evals.faults.invariants`) something saved that the UI itself would refuse.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from evals.faults.gradio_raw import RawGradio, Reply

HUGE = "A" * 2_000_000
UPLOAD_CAP_BYTES = 12_000_000  # ui.launch.MAX_FILE_SIZE ("12mb"), the cap a microphone recording needs
TRAVERSAL = ["../../../../etc/passwd", "/etc/passwd", "..%2f..%2f..%2fetc%2fpasswd",
             "....//....//etc/passwd"]
LEAK = re.compile(r"Traceback \(most recent call last\)|File \"/[^\"]+\.py\", line \d+|root:x:0:0")
TEXT_TYPES = {"textbox", "markdown", "html", "code"}
NUMBER_TYPES = {"slider", "number"}


@dataclass
class Finding:
    endpoint: str
    case: str
    status: int
    outcome: str  # "ok", "refused" (a clear error), or "bad"
    detail: str = ""

    @property
    def bad(self) -> bool:
        return self.outcome == "bad"


@dataclass
class SurfaceReport:
    endpoints: int = 0
    public: list[str] = field(default_factory=list)
    calls: int = 0
    findings: list[Finding] = field(default_factory=list)

    @property
    def bad(self) -> list[Finding]:
        return [f for f in self.findings if f.bad]

    def summary(self) -> dict[str, Any]:
        outcomes: dict[str, int] = {}
        for f in self.findings:
            outcomes[f.outcome] = outcomes.get(f.outcome, 0) + 1
        return {"endpoints": self.endpoints, "public": self.public, "calls": self.calls,
                "outcomes": outcomes, "bad": [f.__dict__ for f in self.bad][:20]}


def judge(reply: Reply) -> tuple[str, str]:
    """"bad" for a 5xx, a traceback or a leaked file; "refused" for a clear error; else "ok"."""
    text = reply.text()
    leak = LEAK.search(text)
    if reply.status >= 500:
        return "bad", f"HTTP {reply.status}"
    if leak:
        return "bad", f"leak: {leak.group(0)[:80]}"
    if reply.status != 200:
        return "refused", f"HTTP {reply.status}"
    if any(m.get("msg") == "unexpected_error" for m in reply.messages):
        return "bad", "unexpected_error message"
    if reply.error is not None:
        return "refused", reply.error[:120]
    if reply.completed is None:
        return "bad", "no completion message"
    return "ok", ""


def malformed(kind: str, contact_ids: list[int]) -> Iterator[tuple[str, Any]]:
    """(case name, value) for one input of component type `kind`."""
    yield "null", None
    yield "dict", {"$gt": "", "__class__": "x"}
    yield "list", [1, "two", None]
    if kind in TEXT_TYPES:
        yield "number_for_text", 12345
        yield "huge_string", HUGE
        yield "traversal", TRAVERSAL[0]
        yield "control_chars", "\x00\x1b[31m\u202e\ud800"[:3] + "\x00"
    elif kind in NUMBER_TYPES:
        yield "text_for_number", "twenty"
        yield "negative", -1
        yield "huge_number", 1e308
        yield "tiny_number", -1e18
    elif kind in ("dropdown", "radio", "checkboxgroup"):
        yield "unknown_choice", "no-such-choice"
        yield "missing_id", 999_999
        yield "negative_id", -5
        for cid in contact_ids[:2]:
            yield f"contact_{cid}", cid
        yield "traversal", TRAVERSAL[1]
    elif kind == "checkbox":
        yield "text_for_bool", "yes please"
    elif kind == "chatbot":
        yield "bad_messages", [{"role": "system", "content": HUGE[:10_000]}, "x"]
    elif kind == "browserstate":
        yield "traversal", TRAVERSAL[0]
        yield "huge_string", HUGE[:200_000]
        yield "foreign_thread", "mock-000000000000"


def baseline(kind: str) -> Any:
    return {"slider": 20, "number": 1, "checkbox": False, "checkboxgroup": [], "chatbot": [],
            "dropdown": None, "radio": None, "state": None}.get(kind, "")


def probe_endpoint(client: RawGradio, dep: dict[str, Any], kinds: list[str], contact_ids: list[int],
                   name: str, per_input: bool) -> Iterator[Finding]:
    """All inputs malformed at once per case; with `per_input`, also one input at a time."""
    base = [baseline(k) for k in kinds]
    cases: list[tuple[str, list[Any]]] = [("wrong_arity_short", base[:-1] if base else []),
                                          ("wrong_arity_long", [*base, "extra", 1])]
    for slot, kind in enumerate(kinds):
        if kind == "state":
            continue
        for case, value in malformed(kind, contact_ids):
            if per_input or slot == next((i for i, k in enumerate(kinds) if k != "state"), 0):
                data = list(base)
                data[slot] = value
                cases.append((f"input{slot}:{kind}:{case}", data))
    for case, data in cases:
        try:
            reply = client.call(int(dep["id"]), data)
        except httpx.TimeoutException:
            # An event that never completes is a finding, not the end of the probe: the rest of
            # the endpoints still get their calls, from a fresh session.
            client.new_session()
            yield Finding(name, case, 0, "bad", f"no answer within {client.timeout:.0f} s")
            continue
        outcome, detail = judge(reply)
        yield Finding(name, case, reply.status, outcome, detail)


def distinct_handlers(client: RawGradio) -> list[dict[str, Any]]:
    """One dependency per distinct (function name, input kinds): the 30 question rows share
    handlers, so the quick probe calls each shape once; the full probe calls every one."""
    comps = client.components()
    seen: set[tuple[str, tuple[str, ...]]] = set()
    chosen = []
    for dep in client.dependencies():
        if not dep.get("backend_fn"):
            continue
        kinds = tuple(comps[i]["type"] for i in dep["inputs"])
        key = (str(dep.get("api_name")).rstrip("_0123456789"), kinds)
        if key in seen:
            continue
        seen.add(key)
        chosen.append(dep)
    return chosen


def probe_routes(client: RawGradio, data_dir: Path) -> Iterator[Finding]:
    """Path traversal on the file route, uploads over the cap and of the wrong type, odd bodies."""
    secret = data_dir / "coach.sqlite3"
    names = [*TRAVERSAL, str(secret), str(secret.resolve()), f"{data_dir}/../{data_dir.name}/coach.sqlite3"]
    for name in names:
        for prefix in ("/gradio_api/file=", "/file="):
            response = client.http.get(f"{client.base}{prefix}{name}")
            body = response.content[:4096]
            served = response.status_code == 200 and (b"root:x:0:0" in body or body.startswith(b"SQLite"))
            outcome = "bad" if served or response.status_code >= 500 else "refused"
            yield Finding("file_route", f"{prefix}{name}", response.status_code, outcome,
                          "served a file from outside the upload folder" if served else "")
    uploads = {"over_cap.txt": b"x" * (UPLOAD_CAP_BYTES + 1_000_000),
               "payload.exe": b"MZ\x90\x00" + b"\x00" * 1000,
               "../../escape.txt": b"escape", "page.html": b"<script>alert(1)</script>"}
    for filename, content in uploads.items():
        response = client.http.post(f"{client.base}/gradio_api/upload",
                                    files={"files": (filename, content)})
        outcome = "refused" if response.status_code in (400, 413, 415) else "ok"
        detail = ""
        if response.status_code >= 500 or LEAK.search(response.text):
            outcome, detail = "bad", response.text[:120]
        elif response.status_code == 200:
            for path in response.json():
                if ".." in Path(path).parts:
                    outcome, detail = "bad", f"upload stored outside its folder: {path}"
                elif filename == "over_cap.txt":
                    cap = UPLOAD_CAP_BYTES // 1_000_000
                    outcome, detail = "bad", f"an upload over the {cap} MB cap was accepted"
        yield Finding("upload", filename, response.status_code, outcome, detail)
    bodies = {"not_json": b"{not json", "no_data": b"{}", "fn_index_missing": json.dumps(
        {"data": [], "fn_index": 99_999, "session_hash": "x"}).encode(), "fn_index_negative": json.dumps(
        {"data": [], "fn_index": -1, "session_hash": "x"}).encode()}
    for case, body in bodies.items():
        try:
            reply = client.call(0, [], raw_body=body)
        except (httpx.HTTPError, json.JSONDecodeError) as exc:
            yield Finding("queue_join", case, 0, "refused", type(exc).__name__)
            continue
        outcome, detail = judge(reply)
        yield Finding("queue_join", case, reply.status, outcome, detail)
    for route in ("/gradio_api/runs", "/gradio_api/run-history/connect", "/monitoring"):
        response = client.http.get(f"{client.base}{route}")
        outcome = "bad" if response.status_code == 200 else "refused"
        yield Finding("route", route, response.status_code, outcome,
                      "route is on" if outcome == "bad" else "")


def probe(base: str, data_dir: Path, contact_ids: list[int], full: bool = False) -> SurfaceReport:
    client = RawGradio(base)
    report = SurfaceReport()
    try:
        info = client.http.get(f"{client.base}/gradio_api/info").json()
        report.public = sorted(info.get("named_endpoints", {}))
        comps = client.components()
        deps = [d for d in client.dependencies() if d.get("backend_fn")]
        report.endpoints = len(deps)
        chosen = deps if full else distinct_handlers(client)
        for dep in chosen:
            kinds = [comps[i]["type"] for i in dep["inputs"]]
            name = f"{dep.get('api_name')}#{dep['id']}"
            public = "/" + str(dep.get("api_name")) in report.public
            for finding in probe_endpoint(client, dep, kinds, contact_ids, name,
                                          per_input=public or full):
                report.calls += 1
                report.findings.append(finding)
            client.new_session()
        for finding in probe_routes(client, data_dir):
            report.calls += 1
            report.findings.append(finding)
    finally:
        client.close()
    return report
