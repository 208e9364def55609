"""The outreach graph against recorded HTTP from the embedded SmolLM2 server."""

from __future__ import annotations

import json

import pytest

from agent.outreach.graph import draft_outreach
from agent.outreach.state import OutreachRequest

pytestmark = pytest.mark.cassette


def test_outreach_email_over_recorded_http(cassette_deps, cassette) -> None:  # type: ignore[no-untyped-def]
    request = OutreachRequest(
        contact_name="Maria Lopez", contact_role="Senior UX Researcher", company="Fernwood Health",
        connection="Lisa Grant suggested I reach out", about_me="I teach high-school math",
        goal="moving into UX research", my_name="Sam Lee",
    )
    draft = draft_outreach(cassette_deps, request)

    assert all(c.passed for c in draft.checks), [c for c in draft.checks if not c.passed]
    assert draft.body.startswith("Hi Maria,")
    sent = [json.loads(r.body) for r in cassette.requests]
    assert len(sent) == 1
    body = sent[0]
    assert body["max_tokens"] == 64 and body["stream"] is True
    assert body["response_format"]["type"] == "json_object"
    assert "UX research" in body["messages"][-1]["content"]
    recorded = cassette.responses[0]
    assert "authorization" not in {k.lower() for k in cassette.requests[0].headers}
    assert recorded["status"]["code"] == 200
