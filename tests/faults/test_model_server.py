"""Fault 1: the real embedded llama.cpp server is SIGKILLed in the middle of a streamed reply.

In-process (deterministic): the workflow's stream is paused at its first streamed event and the
server process is killed right there, so the kill lands mid-stream every time. Through the app: a
real `coach ui` with its own embedded server, whose server child is killed as soon as the page's
event shows the first streamed words.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from agent.config import Settings
from agent.deps import Deps
from evals.faults.gradio_raw import RawGradio
from tests.unit.thankyou_notes import ADVICE_CONTACT, ADVICE_NOTES


@pytest.fixture
def real_deps(data_dir: Path) -> Iterator[Deps]:
    deps = Deps(Settings.load(env={}, dotenv=Path("/nonexistent"), data_dir=data_dir))
    yield deps
    deps.close()


def kill_server_at_first(events: Iterator[dict[str, Any]], deps: Deps, streamed: str) -> list[dict[str, Any]]:
    """Consume `events`; at the first `streamed` event SIGKILL the model server (once)."""
    seen: list[dict[str, Any]] = []
    killed = False
    for event in events:
        seen.append(event)
        if not killed and (event.get("slot") == streamed or event.get("type") == streamed):
            assert deps.server is not None and deps.server.pid is not None
            os.kill(deps.server.pid, signal.SIGKILL)
            killed = True
    assert killed, "no streamed event arrived before the end"
    return seen


def test_killed_mid_stream_outreach_thank_you_and_mock_turn(real_deps: Deps) -> None:
    from agent.mock.graph import send_turn, session_view, start_session
    from agent.mock.state import MockRequest
    from agent.outreach.graph import stream_outreach
    from agent.outreach.saving import save_outreach
    from agent.outreach.state import OutreachRequest
    from agent.thankyou.graph import stream_thank_you
    from agent.thankyou.state import ThankYouRequest

    deps = real_deps
    _ = deps.llm  # start the embedded server
    first_pid = deps.server.pid  # type: ignore[union-attr]
    request = OutreachRequest(contact_name="Maria Lopez", contact_role="UX Researcher",
                              connection="Referred by Lisa Grant", about_me="I teach math",
                              goal="moving into UX research", my_name="Sam Lee")
    events = kill_server_at_first(stream_outreach(deps, request), deps, "interest")
    draft = events[-1]["draft"]
    assert draft.body and draft.phrasing["interest"] == "template"
    assert draft.notice and "did not answer" in draft.notice
    save_outreach(deps.mine, draft)
    assert [d["body"] for d in deps.mine.drafts()] == [draft.body]  # the fallback draft is saved whole

    # The next request finds the server dead and starts it again before asking.
    note_events = kill_server_at_first(
        stream_thank_you(deps, ThankYouRequest(notes=ADVICE_NOTES, contact_name=ADVICE_CONTACT)),
        deps, "point")
    note = note_events[-1]["draft"]
    assert deps.server.restarts == 1 and deps.server.pid != first_pid  # type: ignore[union-attr]
    assert note.body and note.notice and "did not answer" in note.notice

    thread = start_session(deps, MockRequest(contact_role="UX researcher", contact_name="Dana Park"))
    turn = kill_server_at_first(send_turn(deps, thread, "How did you get into UX research?"), deps, "delta")
    reply = next(e for e in turn if e.get("type") == "reply")
    assert reply["origin"] == "template" and any(e.get("type") == "notice" for e in turn)
    # The rehearsal continues on the next turn, with a model again.
    after = list(send_turn(deps, thread, "What does a normal week look like for you?"))
    assert deps.server.restarts == 3  # one restart after each of the three kills  # type: ignore[union-attr]
    assert not any(e.get("type") == "notice" for e in after)
    view = session_view(deps, thread)
    assert view is not None and len(view.transcript) == 4


def generating_text(message: dict[str, Any]) -> str:
    return json.dumps(message.get("output", {}).get("data", []))


def test_the_app_survives_its_model_server_being_killed(data_dir: Path, apps) -> None:  # type: ignore[no-untyped-def]
    app = apps(data_dir)  # the embedded default: the app starts its own llama.cpp server
    client = RawGradio(app.url, timeout=180)
    deadline = time.monotonic() + 180
    while not app.children() and time.monotonic() < deadline:
        time.sleep(0.5)  # the server is started in the background after the first page
    (server_pid,) = app.children()
    killed: list[int] = []

    def on_message(message: dict[str, Any]) -> None:
        writing = message.get("msg") == "process_generating" and "Writing" in generating_text(message)
        if writing and not killed:
            os.kill(server_pid, signal.SIGKILL)
            killed.append(server_pid)

    reply = client.call(client.fn_index("draft_outreach"),
                        ["Maria Lopez", "UX Researcher", "", "Referred by Lisa Grant", "email", 20,
                         "Sam Lee", "I teach math", "moving into UX research", ""],
                        on_message=on_message)
    assert reply.success, reply.error
    text, _checks, _sources, status = reply.outputs
    assert text.startswith("Subject:") and "Maria" in text
    assert killed, "the stream ended before a kill could land"
    assert "did not answer" in status  # the page says what happened; the template draft is shown
    drafts = sqlite3.connect(data_dir / "coach.sqlite3").execute("SELECT body FROM drafts").fetchall()
    assert len(drafts) == 1 and drafts[0][0] in text

    # The next request restarts the server: a rehearsal works, with a new server process.
    start = client.call_api("mock_start", ["", "Dana Park", "UX researcher", "", 20, "", "", "warm"])
    assert start.success, start.error
    turn = client.call_api("mock_send", [None, "How did you get into UX research?", [], None, False])
    assert turn.success and "did not answer" not in json.dumps(turn.outputs)
    assert app.children() and app.children() != [server_pid]
    client.close()
