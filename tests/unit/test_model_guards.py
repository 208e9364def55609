"""The model client's guards and the fallbacks users are told about: a hung server costs one wait,
garbage is one `ModelError`, a dead embedded server is started again, and a draft or a rehearsal
reply that fell back to its template says so (UI status, CLI stderr line, JSON `notice`)."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from agent.config import Settings
from agent.deps import Deps
from agent.errors import ModelError
from agent.llm import OpenAIChatModel, make_client
from agent.model_server import EmbeddedModelServer, free_port
from agent.outreach.graph import draft_outreach
from agent.outreach.state import OutreachRequest
from agent.thankyou.graph import draft_thank_you
from agent.thankyou.state import ThankYouRequest
from tests.fakes import FakeChatModel
from tests.unit.thankyou_notes import ADVICE_CONTACT, ADVICE_NOTES


@pytest.fixture
def server() -> Iterator[tuple[dict[str, object], str]]:
    """An endpoint whose reply (`state['body']`, a raw SSE or JSON body) or delay each test sets."""
    state: dict[str, object] = {"body": b"", "delay": 0.0, "calls": 0, "sse": False}

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802
            self.rfile.read(int(self.headers.get("content-length", 0)))
            state["calls"] = int(state["calls"]) + 1  # type: ignore[call-overload]
            time.sleep(float(state["delay"]))  # type: ignore[arg-type]
            body = state["body"]
            assert isinstance(body, bytes)
            self.send_response(200)
            self.send_header("content-type", "text/event-stream" if state["sse"] else "application/json")
            self.send_header("content-length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    class Quiet(ThreadingHTTPServer):
        def handle_error(self, request: object, client_address: object) -> None:
            pass

    port = free_port()
    httpd = Quiet(("127.0.0.1", port), Handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield state, f"http://127.0.0.1:{port}/v1"
    httpd.shutdown()


def client(url: str, timeout: float = 5.0, **kw: object) -> OpenAIChatModel:
    settings = Settings.load(env={}, dotenv=Path("/nonexistent"), request_timeout=timeout, max_retries=0)
    return OpenAIChatModel(make_client(settings, url), "m", **kw)  # type: ignore[arg-type]


MESSAGES = [{"role": "user", "content": "hi"}]


def test_after_a_timeout_calls_fail_at_once_for_the_cooldown(server) -> None:  # type: ignore[no-untyped-def]
    state, url = server
    state["delay"] = 1.5
    model = client(url, timeout=0.3, hung_cooldown=30)
    with pytest.raises(ModelError, match="timed out"):
        model.complete(MESSAGES, max_tokens=4)
    start = time.monotonic()
    with pytest.raises(ModelError, match="not waiting on it again"):
        list(model.stream(MESSAGES, max_tokens=4))
    assert time.monotonic() - start < 0.2 and state["calls"] == 1


def test_a_body_that_is_not_json_is_a_model_error(server) -> None:  # type: ignore[no-untyped-def]
    state, url = server
    state["body"] = b"<html>gateway error"
    with pytest.raises(ModelError, match="not a completion"):
        client(url).complete(MESSAGES, max_tokens=4)


def test_a_stream_of_non_json_events_is_a_model_error(server) -> None:  # type: ignore[no-untyped-def]
    state, url = server
    state["sse"], state["body"] = True, b"data: {not json\n\ndata: [DONE]\n\n"
    with pytest.raises(ModelError, match="malformed stream"):
        list(client(url).stream(MESSAGES, max_tokens=4))


def test_a_stream_of_the_wrong_shape_or_cut_short_is_a_model_error(server) -> None:  # type: ignore[no-untyped-def]
    state, url = server
    chunk = json.dumps({"id": "x", "object": "chat.completion.chunk", "choices": "nope"})
    state["sse"], state["body"] = True, f"data: {chunk}\n\ndata: [DONE]\n\n".encode()
    with pytest.raises(ModelError, match="ended before"):
        list(client(url).stream(MESSAGES, max_tokens=4))
    part = json.dumps({"id": "x", "object": "chat.completion.chunk",
                       "choices": [{"index": 0, "delta": {"content": "Hel"}, "finish_reason": None}]})
    state["body"] = f"data: {part}\n\n".encode()  # the server died after one token
    got: list[str] = []
    with pytest.raises(ModelError, match="ended before"):
        got.extend(client(url).stream(MESSAGES, max_tokens=4))
    assert got == ["Hel"]
    done = json.dumps({"id": "x", "object": "chat.completion.chunk",
                       "choices": [{"index": 0, "delta": {"content": ""}, "finish_reason": "stop"}]})
    state["body"] = f"data: {part}\n\ndata: {done}\n\ndata: [DONE]\n\n".encode()
    assert list(client(url).stream(MESSAGES, max_tokens=4)) == ["Hel"]


def test_before_request_runs_first_and_its_error_is_the_calls_error(server) -> None:  # type: ignore[no-untyped-def]
    _, url = server
    seen: list[int] = []

    def restart() -> None:
        seen.append(1)
        raise ModelError("embedded model server exited: out of memory")

    with pytest.raises(ModelError, match="out of memory"):
        client(url, before_request=restart).complete(MESSAGES, max_tokens=4)
    assert seen == [1]


class DeadProcess:
    pid = 4242

    def poll(self) -> int:
        return -9


def test_a_dead_embedded_server_is_started_again_but_a_stopped_one_is_not(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr("agent.model_server.resolve_model_path", lambda p: Path("/model.gguf"))
    server = EmbeddedModelServer()  # nothing starts until start(); that is replaced below
    starts: list[int] = []

    def fake_start() -> EmbeddedModelServer:
        starts.append(server.port)
        return server

    monkeypatch.setattr(server, "start", fake_start)
    server._running, server._proc = True, DeadProcess()  # type: ignore[assignment]
    port = server.port
    server.ensure_running()
    assert starts == [port] and server.restarts == 1  # the same port: the client's URL stays valid
    server._proc = DeadProcess()  # type: ignore[assignment]
    server.stop()
    server.ensure_running()
    assert starts == [port]


def outreach_request() -> OutreachRequest:
    return OutreachRequest(contact_name="Maria Lopez", contact_role="UX Researcher",
                           connection="We both studied at Oberlin College", my_name="Sam Lee")


def test_an_outreach_draft_says_when_the_model_failed(deps: Deps, fake_llm: FakeChatModel) -> None:
    fake_llm.outcomes.append(ModelError("model server stream broke off"))
    draft = draft_outreach(deps, outreach_request())
    assert draft.phrasing["interest"] == "template" and draft.body
    assert draft.notice is not None and "stream broke off" in draft.notice


def test_a_draft_the_validators_rejected_has_no_notice(deps: Deps, fake_llm: FakeChatModel) -> None:
    fake_llm.outcomes.append(json.dumps({"sentence": "I need a job at your company right now."}))
    assert draft_outreach(deps, outreach_request()).notice is None


def test_a_thank_you_note_says_when_the_model_failed(deps: Deps, fake_llm: FakeChatModel) -> None:
    fake_llm.default = ModelError("model server timed out; is it overloaded or hung?")
    draft = draft_thank_you(deps, ThankYouRequest(notes=ADVICE_NOTES, contact_name=ADVICE_CONTACT))
    assert draft.body and draft.notice is not None and "timed out" in draft.notice


def test_cli_prints_the_notice_on_stderr_and_keeps_one_json_object(run_cli, fake_llm) -> None:  # type: ignore[no-untyped-def]
    fake_llm.default = ModelError("model server unreachable at http://127.0.0.1:9/v1")
    code, out, err = run_cli("outreach", "--contact-name", "Ana Ruiz", "--contact-role", "Nurse",
                             "--json")
    payload = json.loads(out)
    assert code == 0 and "unreachable" in payload["notice"]
    assert err.count("\n") == 1 and err.startswith("coach: warning: The model did not answer")


def test_a_rehearsal_turn_tells_why_the_reply_came_from_the_brief(deps, fake_llm) -> None:  # type: ignore[no-untyped-def]
    from langgraph.checkpoint.memory import InMemorySaver

    from agent.mock.graph import build_graph, send_turn, start_session
    from agent.mock.state import MockRequest
    from tests.unit.mock_helpers import scripted_reader
    from ui.tabs.mock import send_handler

    graph = build_graph(deps, InMemorySaver(), reader_factory=lambda _r: scripted_reader())
    thread = start_session(deps, MockRequest(contact_role="UX researcher"), graph=graph)
    fake_llm.default = ModelError("model server stream broke off")
    events = list(send_turn(deps, thread, "How did you get into the field?", graph=graph))
    notices = [e for e in events if e["type"] == "notice"]
    reply = next(e for e in events if e["type"] == "reply")
    assert notices and "broke off" in notices[0]["text"] and reply["origin"] == "template"

    import ui.tabs.mock as mock_tab

    real = mock_tab.workflow
    try:
        mock_tab.workflow = lambda: type("W", (), {"send_turn": staticmethod(
            lambda d, t, x, **kw: send_turn(d, t, x, graph=graph, **kw))})()  # type: ignore[assignment]
        *_, (chat, _clock, status, _line) = send_handler(deps, thread, "What does a week look like?", [])
    finally:
        mock_tab.workflow = real  # type: ignore[assignment]
    assert chat[-1]["role"] == "assistant" and chat[-1]["content"] != "…"
    assert "did not answer" in status and "next line tries the model again" in status


def test_a_question_list_says_when_the_model_failed_and_stops_asking(
        deps: Deps, fake_llm: FakeChatModel) -> None:
    from agent.questions.graph import prepare_questions
    from agent.questions.state import QuestionsRequest

    fake_llm.default = ModelError("model server timed out; is it overloaded or hung?")
    plan = prepare_questions(deps, QuestionsRequest(contact_role="Registered nurse", minutes=20))
    assert plan.questions and all(q.phrasing == "template" for q in plan.questions)
    assert plan.notice is not None and "timed out" in plan.notice
    assert len(fake_llm.calls) == 1  # after the first failure the others are not tried
