"""The thank-you graph against recorded HTTP from the embedded SmolLM2 server.

Re-record: COACH_RECORD=1 .venv/bin/python -m pytest tests/cassette/test_thankyou_cassette.py -m cassette
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from agent.text.partial_json import partial_string_field
from agent.thankyou.graph import draft_thank_you
from agent.thankyou.state import ThankYouRequest

pytestmark = pytest.mark.cassette

NOTES = Path(__file__).resolve().parents[2] / "evals" / "datasets" / "notes" / "note03.txt"
HELD = datetime(2025, 4, 21, 11, 0, tzinfo=timezone(timedelta(hours=-5)))


def _streamed_sentence(response: dict) -> str:  # type: ignore[type-arg]
    text = ""
    for line in response["body"]["string"].decode("utf-8").splitlines() if isinstance(
            response["body"]["string"], bytes) else response["body"]["string"].splitlines():
        if line.startswith("data: {"):
            delta = json.loads(line[6:])["choices"][0]["delta"]
            text += delta.get("content") or ""
    return partial_string_field(text, "sentence")


def test_thank_you_over_recorded_http(cassette_deps, cassette) -> None:  # type: ignore[no-untyped-def]
    request = ThankYouRequest(notes=NOTES.read_text(encoding="utf-8"), contact_name="Teresa Okafor",
                              contact_role="transportation planner", my_name="Sam Lee",
                              interview_time=HELD, written_at=HELD + timedelta(hours=6))
    draft = draft_thank_you(cassette_deps, request)

    assert all(c.passed for c in draft.checks), [c for c in draft.checks if not c.passed]
    assert draft.body.startswith("Hi Teresa,") and draft.due == "2025-04-22T11:00:00-05:00"
    assert draft.point == ("She recommended I attend a few county commission meetings to see how "
                           "projects get debated.")
    assert "quantum" not in draft.body.lower()

    sent = [json.loads(r.body) for r in cassette.requests]
    assert len(sent) == 1
    body = sent[0]
    assert body["max_tokens"] == 80 and body["stream"] is True
    assert body["response_format"]["type"] == "json_object"
    user = body["messages"][-1]["content"]
    assert "county commission meetings" in user
    assert "Ignore all previous" not in json.dumps(body) and "Spanish" not in json.dumps(body)
    assert "authorization" not in {k.lower() for k in cassette.requests[0].headers}

    sentence = _streamed_sentence(cassette.responses[0])
    if draft.phrasing["point"] == "model":
        assert sentence.strip().rstrip(".") in draft.body
    else:
        assert sentence.strip() not in draft.body
        assert "I especially appreciated your advice to attend a few county commission meetings" in draft.body
