"""Spoken turns in the rehearsal graph: the figures of how a line was said travel with it, are kept by
the checkpointer, and come back in the feedback's `speech` part citing the turns (typed turns are
left out)."""

from __future__ import annotations

from agent.mock.graph import end_session, open_checkpointer, send_turn, start_session
from agent.voice.speech import measure_turn
from tests.unit.mock_helpers import FactWords
from tests.unit.test_mock_graph import OPENING, make_graph, replies, request

FAST = "So what does a typical week look like for you and how much of it is spent on research?"


def test_spoken_turns_reach_the_feedback_after_a_restart(deps, fake_llm, checkpoint_url) -> None:  # type: ignore[no-untyped-def]
    """On both checkpointers: they serialise state differently (PostgreSQL keeps plain values as
    JSONB), and the speech figures must come back the same."""
    deps.settings = deps.settings.model_copy(update={"database_url": checkpoint_url})
    fake_llm.default = FactWords()
    saver = open_checkpointer(deps.settings)
    graph = make_graph(deps, saver)
    thread = start_session(deps, request(), graph=graph)
    spoken_intro = measure_turn("Hi Dana, um, I'm Jordan, a nurse exploring UX research. How did you, "
                                "uh, get into the field?", [(0.2, 3.0), (5.4, 8.0)], 8.5)
    events = list(send_turn(deps, thread, OPENING, graph=graph, speech=dict(spoken_intro)))
    assert replies(events)[0]["turn"] == 0
    list(send_turn(deps, thread, "What tools do you use most?", graph=graph))  # typed
    spoken_fast = measure_turn(FAST, [(0.0, 5.0)], 5.5)

    saver.close()
    graph = make_graph(deps, open_checkpointer(deps.settings))
    list(send_turn(deps, thread, FAST, graph=graph, speech=dict(spoken_fast)))
    feedback = end_session(deps, thread, graph=graph)

    speech = feedback.speech
    assert speech is not None and [t.turn for t in speech.turns] == [0, 2]
    assert speech.fillers == {"um": 1, "uh": 1} and speech.long_pauses == 1
    cited = {p.text.split()[0]: p.turns for p in speech.improvements}
    assert cited["Long"] == [0] and cited["You"] == [2]  # 19 words in 5 s is fast
    assert feedback.model_dump()["speech"]["turns"][1]["words_per_minute"] == spoken_fast["words_per_minute"]
    assert deps.settings.checkpoint_path.exists() == (checkpoint_url is None)


def test_a_rehearsal_without_spoken_turns_has_no_speech_part(deps, fake_llm) -> None:  # type: ignore[no-untyped-def]
    fake_llm.default = FactWords()
    graph = make_graph(deps)
    thread = start_session(deps, request(), graph=graph)
    list(send_turn(deps, thread, OPENING, graph=graph))
    assert end_session(deps, thread, graph=graph).speech is None
