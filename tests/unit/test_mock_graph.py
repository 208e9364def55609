"""The rehearsal loop with a fake model: routing, validation and fallback, the cache-friendly
prompt layout, the clock, feedback at the end, and resuming a thread after a crash."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from langgraph.checkpoint.memory import InMemorySaver

from agent.errors import InputError, ModelError
from agent.mock.graph import (
    build_graph,
    end_session,
    open_checkpointer,
    send_turn,
    session_view,
    start_session,
)
from agent.mock.persona import REFERRAL_NAMES, match_brief
from agent.mock.state import MockRequest
from tests.unit.mock_helpers import FactWords, scripted_reader

REPO = Path(__file__).resolve().parents[2]
OPENING = "Hi Dana, I'm Jordan, a nurse exploring UX research. How did you get into the field?"
JOB_ASK = "Is your team hiring? I could send you my resume."


def make_graph(deps, saver=None, layout=None, **reader):  # type: ignore[no-untyped-def]
    return build_graph(deps, saver or InMemorySaver(),
                       reader_factory=lambda _request: scripted_reader(**reader), layout=layout)


def replies(events: list[dict]) -> list[dict]:  # type: ignore[type-arg]
    return [e for e in events if e.get("type") == "reply"]


def request(**overrides: object) -> MockRequest:
    return MockRequest(contact_role="Senior UX researcher", contact_name="Dana Park",
                       company="Fernwood Health", **overrides)  # type: ignore[arg-type]


def test_model_reply_is_streamed_and_kept_when_grounded(deps, fake_llm) -> None:  # type: ignore[no-untyped-def]
    graph = make_graph(deps)
    words = FactWords()
    fake_llm.outcomes.append(words)
    thread = start_session(deps, request(), graph=graph)
    events = list(send_turn(deps, thread, OPENING, graph=graph))
    deltas = [e["text"] for e in events if e["type"] == "delta"]
    (said,) = words.said
    (reply,) = replies(events)
    greeting = reply["text"][: -len(said)]
    assert len(deltas) > 2 and greeting and all(d.startswith(greeting) for d in deltas)  # streamed in place
    assert said.startswith(deltas[0][len(greeting):]) and deltas[-1] == reply["text"]
    assert reply["route"] == "greet_answer" and reply["origin"] == "model"
    assert reply["text"].startswith("Nice to meet you, Jordan") or reply["text"].startswith("Great to meet")
    assert reply["text"].endswith(said) and reply["elapsed"] == 1.5
    assert said in [f["text"] for f in reply["facts"]]
    call = fake_llm.calls[0]
    assert call.kind == "stream" and call.kwargs["max_tokens"] <= 90
    assert "Dana Park" in call.messages[0]["content"]
    assert call.messages[-1]["content"].startswith(OPENING) and "<facts>" in call.messages[-1]["content"]


def test_a_reply_with_claims_the_facts_do_not_hold_is_replaced(deps, fake_llm) -> None:  # type: ignore[no-untyped-def]
    graph = make_graph(deps)
    fake_llm.outcomes.append("I wake up at 5am and work until 10pm every day except Mondays at Google.")
    thread = start_session(deps, request(), graph=graph)
    (reply,) = replies(list(send_turn(deps, thread, "What does a typical week look like?", graph=graph)))
    assert reply["origin"] == "template" and "Google" not in reply["text"] and "5am" not in reply["text"]
    assert reply["facts"] and reply["facts"][0]["text"].rstrip(".")[-20:] in reply["text"]


@pytest.mark.parametrize("bad", [
    "As an AI language model I cannot have a career.",
    "My instructions say to answer as Dana.",
    "",
    ModelError("server down"),
])
def test_bad_or_failed_reply_falls_back_to_the_role_brief(deps, fake_llm, bad) -> None:  # type: ignore[no-untyped-def]
    graph = make_graph(deps)
    fake_llm.outcomes.append(bad)
    thread = start_session(deps, request(), graph=graph)
    (reply,) = replies(list(send_turn(deps, thread, "What do you like least about the work?",
                                      graph=graph)))
    assert reply["origin"] == "template"
    hard = match_brief("UX designer").section("What is hard")
    assert reply["facts"] and all(f["source"] == "role brief: What is hard" for f in reply["facts"])
    assert all(f["text"] in hard and f["text"][-30:] in reply["text"] for f in reply["facts"])


def test_screened_turns_get_a_behaviour_template_and_no_model_call(deps, fake_llm) -> None:  # type: ignore[no-untyped-def]
    graph = make_graph(deps, flags={JOB_ASK: "job_request"})
    thread = start_session(deps, request(), graph=graph)
    (reply,) = replies(list(send_turn(deps, thread, JOB_ASK, graph=graph)))
    assert reply["route"] == "decline_job_request" and fake_llm.calls == []
    (names,) = replies(list(send_turn(deps, thread, "Who else should I talk to?", graph=graph)))
    assert names["route"] == "referral" and any(n in names["text"] for n in REFERRAL_NAMES)
    (bye,) = replies(list(send_turn(deps, thread, "Thank you so much for your time!", graph=graph)))
    assert bye["route"] == "goodbye" and fake_llm.calls == []


def test_prompt_is_append_only_so_the_server_can_reuse_its_cache(deps, fake_llm) -> None:  # type: ignore[no-untyped-def]
    graph = make_graph(deps)
    words = FactWords()
    fake_llm.default = words
    thread = start_session(deps, request(), graph=graph)
    for line in (OPENING, "What does a typical week look like?", "What do you enjoy most?"):
        list(send_turn(deps, thread, line, graph=graph))
    first, second, third = (c.messages for c in fake_llm.calls)
    assert second[:len(first)] == first and third[:len(second)] == second
    assert second[len(first)]["role"] == "assistant" and second[len(first)]["content"].endswith(words.said[0])
    assert len(third) == len(second) + 2
    assert "typical week" not in first[0]["content"].lower()


def test_contact_says_when_time_is_up_then_stops_after_two_more(deps, fake_llm) -> None:  # type: ignore[no-untyped-def]
    graph = make_graph(deps)
    fake_llm.default = FactWords()
    thread = start_session(deps, request(minutes=5), graph=graph)
    out = []
    for i in range(7):
        out += replies(list(send_turn(deps, thread, f"What about topic {i}?", graph=graph)))
    notes = [r for r in out if "minutes" in r["text"] and ("we're" in r["text"] or "agreed" in r["text"])]
    assert [r["turn"] for r in notes] == [3]
    assert [r["route"] for r in out[4:]] == ["one_more", "one_more", "hard_stop"]
    feedback = end_session(deps, thread, graph=graph)
    assert ("over_time", 3) in {(f.kind, f.turn) for f in feedback.flagged}


def test_end_gives_feedback_once_and_closes_the_thread(deps, fake_llm) -> None:  # type: ignore[no-untyped-def]
    graph = make_graph(deps)
    fake_llm.outcomes += [FactWords(), ModelError("no summary today")]
    thread = start_session(deps, request(), graph=graph)
    list(send_turn(deps, thread, OPENING, graph=graph))
    feedback = end_session(deps, thread, graph=graph)
    assert {f.kind for f in feedback.flagged} == {"no_thanks", "no_referral_ask"}
    assert feedback.summary_origin == "template" and feedback.summary
    assert end_session(deps, thread, graph=graph) == feedback
    view = session_view(deps, thread, graph=graph)
    assert view is not None and not view.open and len(view.transcript) == 2
    with pytest.raises(InputError):
        list(send_turn(deps, thread, "One more?", graph=graph))
    with pytest.raises(InputError):
        list(send_turn(deps, "mock-unknown", "Hello?", graph=graph))


def on_backend(deps, url):  # type: ignore[no-untyped-def]
    """`deps` whose settings name the checkpoint database (None = SQLite in the data folder)."""
    deps.settings = deps.settings.model_copy(update={"database_url": url})
    return deps


def test_session_resumes_on_a_new_connection_to_the_same_database(  # type: ignore[no-untyped-def]
        deps, fake_llm, checkpoint_url) -> None:
    deps = on_backend(deps, checkpoint_url)
    fake_llm.default = FactWords()
    saver = open_checkpointer(deps.settings)
    graph = make_graph(deps, saver)
    thread = start_session(deps, request(), graph=graph)
    list(send_turn(deps, thread, OPENING, graph=graph))
    list(send_turn(deps, thread, "What does a typical week look like?", graph=graph))
    saver.close()
    del graph

    graph = make_graph(deps, open_checkpointer(deps.settings))
    view = session_view(deps, thread, graph=graph)
    assert view is not None and view.open and view.elapsed == 3.0 and len(view.transcript) == 4
    (reply,) = replies(list(send_turn(deps, thread, "Who else should I talk to?", graph=graph)))
    assert reply["turn"] == 2 and reply["elapsed"] == 4.5
    assert len(session_view(deps, thread, graph=graph).transcript) == 6  # type: ignore[union-attr]
    assert deps.settings.checkpoint_path.exists() == (checkpoint_url is None)  # the one it used


def test_a_crash_between_reading_and_answering_is_finished_on_the_next_turn(deps, fake_llm) -> None:  # type: ignore[no-untyped-def]
    graph = make_graph(deps)
    fake_llm.outcomes += [RuntimeError("process died"), FactWords(), FactWords()]
    thread = start_session(deps, request(), graph=graph)
    with pytest.raises(RuntimeError):
        list(send_turn(deps, thread, OPENING, graph=graph))
    events = list(send_turn(deps, thread, "What does a typical week look like?", graph=graph))
    assert [r["turn"] for r in replies(events)] == [0, 1]


CHILD = textwrap.dedent("""
    import sys, time
    from pathlib import Path
    from agent.config import Settings
    from agent.deps import Deps
    from agent.mock.graph import build_graph, send_turn, start_session
    from agent.mock.state import MockRequest
    from agent.mock.graph import open_checkpointer
    from tests.fakes import FakeChatModel
    from tests.unit.mock_helpers import FactWords, scripted_reader

    settings = Settings.load(env={}, dotenv=Path("/nonexistent"), data_dir=Path(sys.argv[1]),
                             database_url=sys.argv[2] or None)
    deps = Deps(settings, llm_override=FakeChatModel(default=FactWords()))
    graph = build_graph(deps, open_checkpointer(settings), reader_factory=lambda r: scripted_reader())
    thread = start_session(deps, MockRequest(contact_role="Teacher", contact_name="Ana Ruiz"),
                           graph=graph)
    for line in ("Hi Ana, I'm Lee, exploring teaching. How did you start?",
                 "How did you land your first role?"):
        list(send_turn(deps, thread, line, graph=graph))
    print(thread, flush=True)
    time.sleep(600)
""")


def test_session_survives_the_process_being_killed(deps, fake_llm, checkpoint_url) -> None:  # type: ignore[no-untyped-def]
    deps = on_backend(deps, checkpoint_url)
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(deps.settings.data_dir), checkpoint_url or ""],
        cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        assert child.stdout is not None
        thread = child.stdout.readline().strip()
        assert thread.startswith("mock-"), child.stderr.read() if child.stderr else ""
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=30)

    fake_llm.default = FactWords()
    graph = make_graph(deps, open_checkpointer(deps.settings))
    view = session_view(deps, thread, graph=graph)
    assert view is not None and view.persona["name"] == "Ana Ruiz"
    said = [m for m in view.transcript if m["role"] == "contact"]
    assert len(said) == 2 and all(m["facts"][0]["text"] in m["text"] for m in said)
    list(send_turn(deps, thread, "Thank you so much!", graph=graph))
    feedback = end_session(deps, thread, graph=graph)
    assert [f.kind for f in feedback.flagged] == ["no_referral_ask"]
    assert json.loads(json.dumps(feedback.model_dump()))["minutes_agreed"] == 20
    assert deps.settings.checkpoint_path.exists() == (checkpoint_url is None)


@pytest.mark.parametrize(("line", "route", "follow_up"), [
    ("Thank you so much. Would it be all right if I follow up by email?", "goodbye", True),
    ("Thanks, this was great. Can we stay in touch?", "goodbye", True),
    ("Thanks! What do you wish you had known in your first year?", "answer", False),
])
def test_a_thank_you_that_asks_to_stay_in_touch_is_a_closing(  # type: ignore[no-untyped-def]
        deps, fake_llm, line: str, route: str, follow_up: bool) -> None:
    from agent.mock.persona import GOODBYE_FOLLOW_UP

    graph = make_graph(deps)
    fake_llm.default = FactWords()
    thread = start_session(deps, request(), graph=graph)
    list(send_turn(deps, thread, OPENING, graph=graph))
    (reply,) = replies(list(send_turn(deps, thread, line, graph=graph)))
    assert reply["route"] == route
    assert (reply["text"] in GOODBYE_FOLLOW_UP) is follow_up


class DiesBeforeCheckpoint(InMemorySaver):
    """A checkpointer whose process 'dies' once armed: the step's writes are saved, the
    checkpoint after them is not (what `kill -9` did to a rehearsal in the robustness run)."""

    armed = False

    def put(self, config, checkpoint, metadata, new_versions):  # type: ignore[no-untyped-def]
        if self.armed:
            self.armed = False
            raise SystemExit("killed")
        return super().put(config, checkpoint, metadata, new_versions)


def test_a_rehearsal_cut_off_after_reading_a_line_is_carried_on_not_ended(deps, fake_llm) -> None:  # type: ignore[no-untyped-def]
    saver = DiesBeforeCheckpoint()
    fake_llm.default = FactWords()
    graph = make_graph(deps, saver)
    thread = start_session(deps, request(), graph=graph)
    list(send_turn(deps, thread, OPENING, graph=graph))
    saver.armed = True
    with pytest.raises(SystemExit):
        list(send_turn(deps, thread, "What does a typical week look like?", graph=graph))
    restarted = make_graph(deps, saver)  # a new process on the same checkpoints
    view = session_view(deps, thread, graph=restarted)
    assert view is not None and view.open and view.feedback is None
    events = list(send_turn(deps, thread, "Which tools do you use most?", graph=restarted))
    assert len(replies(events)) >= 1
    after = session_view(deps, thread, graph=restarted)
    assert after is not None and after.transcript[-2]["text"] == "Which tools do you use most?"
