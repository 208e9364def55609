"""The rehearsal loop and the feedback summary against recorded HTTP from the embedded SmolLM2
server.

Three model turns and one template turn: every request is a streamed, short completion whose
message list extends the previous one (so the server can reuse its cached prefix) and whose turn
carries the facts that answer it; every reply the user sees is either the model's wording of those
facts, accepted only when every claim in it is backed by them, or the facts said as they are.
"""

from __future__ import annotations

import json

import pytest
from langgraph.checkpoint.memory import InMemorySaver

from agent.mock.graph import build_graph, end_session, send_turn, session_view, start_session
from agent.mock.grounding import grounding_problems
from agent.mock.state import MockRequest
from agent.mock.validate import reply_problems
from tests.unit.mock_helpers import scripted_reader

pytestmark = pytest.mark.cassette

TURNS = [
    "Hi Dana, I'm Jordan, I work in patient intake and I'm exploring UX research. "
    "How did you get into the field?",
    "What does a typical week look like for you?",
    "What do you enjoy most about the work?",
    "Is there anyone else you'd suggest I talk to?",
]


def test_rehearsal_turns_over_recorded_http(cassette_deps, cassette) -> None:  # type: ignore[no-untyped-def]
    deps = cassette_deps
    graph = build_graph(deps, InMemorySaver(), reader_factory=lambda _r: scripted_reader())
    thread = start_session(deps, MockRequest(contact_role="Senior UX researcher",
                                             contact_name="Dana Park", company="Fernwood Health"),
                           graph=graph)
    replies = []
    for line in TURNS:
        replies += [e for e in send_turn(deps, thread, line, graph=graph) if e["type"] == "reply"]

    view = session_view(deps, thread, graph=graph)
    assert view is not None and len(view.transcript) == 8 and view.elapsed == 6.0
    feedback = end_session(deps, thread, graph=graph)

    bodies = [json.loads(r.body) for r in cassette.requests]
    assert len(bodies) == 4
    sent, summary = bodies[:3], bodies[3]
    for body in sent:
        assert body["stream"] is True and body["max_tokens"] <= 90
        assert body["messages"][0]["role"] == "system" and "Dana Park" in body["messages"][0]["content"]
        assert "<facts>" in body["messages"][-1]["content"]
    for earlier, later in zip(sent, sent[1:], strict=False):
        assert later["messages"][:len(earlier["messages"])] == earlier["messages"]
    assert [r["route"] for r in replies] == ["greet_answer", "answer", "answer", "referral"]
    for reply, line in zip(replies[:3], TURNS, strict=False):
        assert reply["text"] and reply["facts"]
        if reply["origin"] == "model":
            assert reply_problems(reply["text"], question=line) == []
            assert grounding_problems(reply["text"], reply["facts"], line, allowed=["Jordan"]) == []
        else:
            assert reply["facts"][0]["text"][-25:] in reply["text"]
    history = sent[-1]["messages"]
    assert history[2]["content"] == replies[0]["text"] and history[4]["content"] == replies[1]["text"]

    assert summary["response_format"]["type"] == "json_object" and summary["stream"] is True
    assert "<facts>" in summary["messages"][-1]["content"]
    assert {f.kind for f in feedback.flagged} == {"no_thanks"}
    assert feedback.summary and feedback.summary_origin in ("model", "template")
