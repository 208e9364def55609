"""`coach ui --multi-user` for real, over HTTP on a loopback port: Gradio's /login form, then one
user's contact and rehearsal, then a second user calling every handler of the app with the first
one's contact id and thread id. The second user must be refused and see none of the first's data;
no session cookie, or a forged one, gets nothing at all."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import httpx

from agent.accounts.store import add_user
from agent.store.db import Database
from evals.faults.app import Proc, set_mode
from evals.faults.gradio_raw import RawGradio
from evals.faults.surface import baseline
from ui.app import PUBLIC_API

SECRETS = ("Annika Secretname", "ANN-SECRET")


def logged_in(url: str, name: str, password: str) -> RawGradio:
    client = RawGradio(url)
    reply = client.http.post(f"{url}/login", data={"username": name, "password": password})
    assert reply.status_code == 200 and reply.json() == {"success": True}, reply.text
    return client


def test_a_second_user_sees_nothing_of_the_first(data_dir: Path, fake_model: Proc, apps) -> None:  # type: ignore[no-untyped-def]
    db = Database(data_dir / "coach.sqlite3")
    ann, _ = add_user(db, "ann", "ann password"), add_user(db, "bo", "bo password")
    set_mode(fake_model, "ok")
    app = apps(data_dir, model_url=fake_model.url + "/v1", args=("--multi-user",))

    # Nothing without a login, nor with a forged or wrong one.
    assert httpx.get(f"{app.url}/gradio_api/info", timeout=30).status_code == 401
    assert httpx.get(f"{app.url}/config", timeout=30).status_code == 401
    forged = RawGradio(app.url)
    for cookie in (f"access-token-unsecure-{'x' * 43}", "access-token-unsecure-"):
        forged.http.cookies.set(cookie, "made-up-token")
    assert forged.http.get(f"{app.url}/gradio_api/info").status_code == 401
    assert forged.call(0, []).status == 401
    wrong = httpx.post(f"{app.url}/login", data={"username": "ann", "password": "bo password"}, timeout=30)
    assert wrong.status_code == 400 and "set-cookie" not in wrong.headers

    a = logged_in(app.url, "ann", "ann password")
    saved = a.call_api("save_contact", [None, SECRETS[0], "UX researcher", "Fernwood", "", "to_contact",
                                        f"{SECRETS[1]} notes", "", ""])
    assert saved.success and f"Added {SECRETS[0]}" in json.dumps(saved.outputs), saved.raw[-500:]
    [contact] = db.for_user(ann).list_contacts()
    cid = contact["id"]
    open_tab(a, "mock-contact")  # as the page does: the tab's contact list is loaded for ann
    started = a.call_api("mock_start", [str(cid), "", "UX researcher", "", 20, "", "", "warm"])
    assert started.success and "has started" in json.dumps(started.outputs), started.raw[-500:]
    with sqlite3.connect(data_dir / "checkpoints.sqlite3") as conn:  # gr.State stays on the server
        [(thread,)] = conn.execute("SELECT DISTINCT thread_id FROM checkpoints").fetchall()
    assert thread.startswith(f"user{ann}:mock-")
    assert db.local_user().list_contacts() == []  # nothing of ann's went to the local user

    b = logged_in(app.url, "bo", "bo password")
    info = b.http.get(f"{app.url}/gradio_api/info").json()
    assert sorted(info["named_endpoints"]) == sorted(f"/{name}" for name in PUBLIC_API)
    comps = b.components()
    calls = 0
    for dep in b.dependencies():
        if not dep.get("backend_fn"):
            continue
        kinds = [comps[i]["type"] for i in dep["inputs"]]
        for use_text in (False, True):
            data = [foreign(kind, cid, thread, use_text) for kind in kinds]
            reply = b.call(int(dep["id"]), data)
            calls += 1
            assert reply.status == 200, (dep.get("api_name"), reply.status)
            assert not any(s in reply.raw for s in SECRETS), (dep.get("api_name"), reply.raw[-800:])
            assert thread not in json.dumps(reply.outputs), dep.get("api_name")
    assert calls > 40

    # gr.State comes from the server's session, never from the request: B "editing" A's contact
    # through the form saves a new contact of B's own. A contact id B can send (the picker) is
    # refused like any id not in B's list, and A's rows are unchanged.
    edit = b.call_api("save_contact", [cid, "Taken over", "", "", "", "done", "", "", ""])
    assert edit.success and "Added Taken over" in json.dumps(edit.outputs)
    picker = by_elem_id(b, "contact-picker")
    [pick] = [d for d in b.dependencies() if d["inputs"] == [picker]
              and any(t[1] == "input" for t in d.get("targets", []))]
    for value in (cid, str(cid)):
        refused = b.call(int(pick["id"]), [value])
        assert refused.error is not None and not any(s in refused.raw for s in SECRETS), refused.raw[-500:]
    rehearse = b.call_api("mock_end", [thread])
    assert not any(s in rehearse.raw for s in SECRETS)
    mine = db.for_user(ann)
    kept = [(c["id"], c["name"], c["status"]) for c in mine.list_contacts()]
    assert kept == [(cid, SECRETS[0], "to_contact")]
    assert [h["event"] for h in mine.contact_history(cid)] == ["created", "status:to_contact"]

    # A's page session (its gr.State, its queued results) stays A's even if B learns its id.
    b.session = a.session
    assert b.call(int(pick["id"]), [cid]).status == 403
    stolen = b.http.get(f"{app.url}/gradio_api/queue/data", params={"session_hash": a.session})
    assert stolen.status_code == 403

    # A still sees their own contact through the same handlers.
    page = a.call_api("save_contact", [cid, SECRETS[0], "Senior UX researcher", "Fernwood", "",
                                       "to_contact", f"{SECRETS[1]} notes", "", ""])
    assert page.success and SECRETS[0] in page.raw
    assert [(c["id"], c["role"]) for c in db.for_user(ann).list_contacts()] == [(cid, "Senior UX researcher")]


def by_elem_id(client: RawGradio, elem_id: str) -> int:
    return next(i for i, c in client.components().items() if c.get("props", {}).get("elem_id") == elem_id)


def open_tab(client: RawGradio, elem_id: str) -> None:
    """Fire the tab-select events that refresh the dropdown `elem_id`, as clicking the tab does."""
    target = by_elem_id(client, elem_id)
    fired = [dep for dep in client.dependencies()
             if target in dep["outputs"] and any(t[1] == "select" for t in dep.get("targets", []))]
    assert fired
    for dep in fired:
        assert client.call(int(dep["id"]), []).success


def foreign(kind: str, cid: int, thread: str, as_text: bool) -> Any:
    """An input value naming the other user's contact or rehearsal where the input could take one."""
    if kind in ("state", "browserstate"):
        return thread if as_text or kind == "browserstate" else cid
    if kind == "dropdown":
        return str(cid) if as_text else cid
    if kind == "number":
        return cid
    return baseline(kind)
