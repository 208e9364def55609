"""A short rehearsal on the real embedded default model, with a bio: the contact greets the
opening, answers the path question from the bio, refers the user to someone else and says
nothing the facts do not hold (judged with the persona eval's own claim rule)."""

from __future__ import annotations

import pytest
from langgraph.checkpoint.memory import InMemorySaver

from agent.deps import Deps
from agent.mock.graph import build_graph, end_session, send_turn, start_session
from agent.mock.state import MockRequest
from evals.mock_persona import CLOSING, FAREWELL, GREETING, claims_in, names_contact, unsupported

pytestmark = pytest.mark.live

BIO = ("Wren Castellano studied geology at the University of Utah and graduated in 2012. "
       "She mapped groundwater for a county agency for five years. She joined Saltbush Engineering "
       "in 2018 and now runs its soil testing lab.")
TURNS = [
    "Hi Wren, thank you for making time for this. I'm Luis, a surveyor curious about geotechnical work.",
    "How did you get from geology into the work you do now?",
    "Who else do you think I should talk to?",
    "Thanks so much, this was really helpful.",
]


def test_four_turn_rehearsal_with_a_bio_on_the_embedded_model(indexed_settings, encoder,  # type: ignore[no-untyped-def]
                                                               monkeypatch) -> None:
    monkeypatch.delenv("COACH_LOCAL_MODEL", raising=False)
    deps = Deps(indexed_settings, encoder_override=encoder)
    try:
        graph = build_graph(deps, InMemorySaver())
        request = MockRequest(contact_role="Civil engineer", contact_name="Wren Castellano",
                              company="Saltbush Engineering", bio=BIO, style="warm")
        thread = start_session(deps, request, graph=graph)
        replies = []
        for line in TURNS:
            events = [e for e in send_turn(deps, thread, line, graph=graph) if e["type"] == "reply"]
            replies.append(events[-1])
        end_session(deps, thread, graph=graph)
    finally:
        deps.close()

    opening, path, referral, closing = (r["text"] for r in replies)
    assert GREETING.search(opening) and not FAREWELL.search(opening), opening
    assert any(f["source"] == "bio" for f in replies[1]["facts"]), replies[1]["facts"]
    assert path.strip(), path
    assert not names_contact(referral, "Wren Castellano"), referral
    assert CLOSING.search(closing), closing
    for number, (reply, line) in enumerate(zip(replies, TURNS, strict=True)):
        known = " ".join([*(f["text"] for f in reply["facts"]), *TURNS[: number + 1], BIO,
                          "Wren Castellano Civil engineer Saltbush Engineering"])
        claims = claims_in(reply["text"], skip_first_person_name=number == 2)
        assert not unsupported(claims, known), (line, reply["text"], reply["facts"])
