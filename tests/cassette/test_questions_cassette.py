"""The questions graph and the capable-model screen against recorded HTTP from embedded SmolLM2.

Re-record: COACH_RECORD=1 .venv/bin/python -m pytest tests/cassette/test_questions_cassette.py -m cassette
"""

from __future__ import annotations

import json

import pytest

from agent.questions import rank
from agent.questions.graph import prepare_questions
from agent.questions.state import QuestionsRequest
from agent.questions.tailor import rephrase_problems
from agent.screening import screen_questions
from agent.text.slots import make_slots

pytestmark = pytest.mark.cassette


def _replies(cassette) -> list[str]:  # type: ignore[no-untyped-def]
    out = []
    for response in cassette.responses:
        body = json.loads(response["body"]["string"])
        out.append(json.loads(body["choices"][0]["message"]["content"])["question"])
    return out


def test_questions_graph_over_recorded_http(cassette_deps, cassette) -> None:  # type: ignore[no-untyped-def]
    request = QuestionsRequest(contact_role="Senior UX Designer", industry="E-commerce", minutes=20,
                               goal="how a graphic designer moves into UX")
    plan = prepare_questions(cassette_deps, request)

    assert len(plan.questions) == rank.questions_that_fit(20)
    assert plan.questions[-1].category == "referrals"
    sent = [json.loads(r.body) for r in cassette.requests]
    assert 1 <= len(sent) <= 3
    for body in sent:
        assert body["max_tokens"] == 48 and body["stream"] is False
        assert body["response_format"]["type"] == "json_object"
        assert [m["role"] for m in body["messages"]][-3:] == ["user", "assistant", "user"]
        assert body["messages"][-1]["content"].startswith("Role: senior UX designer\nQuestion: ")
    slots = make_slots(request.contact_role, request.industry)
    texts = {q.text for q in plan.questions}
    for body, reply in zip(sent, _replies(cassette), strict=True):
        original = body["messages"][-1]["content"].split("Question: ", 1)[1]
        kept = reply in texts and reply != original
        vectors = cassette_deps.encoder.encode([reply.lower(), original.lower()])
        usable = not rephrase_problems(original, reply, slots, float(vectors[0] @ vectors[1]))
        assert not kept or usable, (original, reply)
        assert kept or original in texts
    model_written = [q for q in plan.questions if q.phrasing == "model"]
    assert all(q.text in _replies(cassette) for q in model_written)


def test_capable_screen_asks_the_model_only_when_undecided(cassette_deps, cassette) -> None:  # type: ignore[no-untyped-def]
    cassette_deps.settings.capable_model = True
    results = screen_questions(cassette_deps, ["Is your team hiring?", "xq zzv plorf"])

    assert results[0].verdict == "flag"  # a cue decides; the model is not asked to judge it
    sent = [json.loads(r.body) for r in cassette.requests]
    judge = [b for b in sent if b["messages"][0]["content"].startswith("You check questions")]
    assert len(judge) == 1 and judge[0]["max_tokens"] == 24
    assert "<question>\nxq zzv plorf\n</question>" in judge[0]["messages"][-1]["content"]
    rewrites = [b for b in sent if b not in judge]
    assert all(b["max_tokens"] == 80 for b in rewrites)
    assert any("Is your team hiring?" in b["messages"][-1]["content"] for b in rewrites)
    label = json.loads(json.loads(cassette.responses[sent.index(judge[0])]["body"]["string"])
                       ["choices"][0]["message"]["content"])["label"]
    expected = "ok" if label == "ok" else "flag"
    assert results[1].verdict == expected
    assert results[1].category == (None if label == "ok" else label)
