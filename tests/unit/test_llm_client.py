"""The one model client against a local HTTP endpoint: exact request body and every failure mode."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel

from agent.config import Settings
from agent.errors import ModelError
from agent.llm import OpenAIChatModel, make_client
from agent.model_server import free_port


class Answer(BaseModel):
    sentence: str


class Endpoint:
    """A tiny OpenAI-shaped server whose reply each test chooses."""

    def __init__(self) -> None:
        self.bodies: list[dict[str, Any]] = []
        self.headers: list[dict[str, str]] = []
        self.reply: tuple[int, str] = (200, "")
        self.delay = 0.0
        self.raw: bytes | None = None  # a whole HTTP response written as is, then hang up


def completion(content: str) -> str:
    return json.dumps({
        "id": "x", "object": "chat.completion", "created": 0, "model": "m",
        "choices": [{"index": 0, "finish_reason": "stop",
                     "message": {"role": "assistant", "content": content}}],
    })


@pytest.fixture
def endpoint() -> Iterator[tuple[Endpoint, str]]:
    state = Endpoint()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802
            length = int(self.headers.get("content-length", 0))
            state.bodies.append(json.loads(self.rfile.read(length)))
            state.headers.append({k.lower(): v for k, v in self.headers.items()})
            time.sleep(state.delay)
            if state.raw is not None:
                self.wfile.write(state.raw)
                self.close_connection = True
                return
            status, body = state.reply
            self.send_response(status)
            self.send_header("content-type", "application/json")
            self.end_headers()
            self.wfile.write(body.encode())

        def log_message(self, *args: object) -> None:
            pass

    class QuietServer(ThreadingHTTPServer):
        def handle_error(self, request: object, client_address: object) -> None:
            pass  # a client that timed out and hung up is the point of one test, not an error

    port = free_port()
    server = QuietServer(("127.0.0.1", port), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield state, f"http://127.0.0.1:{port}/v1"
    server.shutdown()


def model(url: str, mode: str = "llamacpp", timeout: float = 5.0) -> OpenAIChatModel:
    settings = Settings.load(env={}, dotenv=Path("/nonexistent"), request_timeout=timeout,
                             max_retries=0, api_key="sk-secret")
    return OpenAIChatModel(make_client(settings, url), "smollm2-135m-instruct", json_mode=mode)  # type: ignore[arg-type]


def test_structured_call_sends_exact_body_and_validates(endpoint) -> None:  # type: ignore[no-untyped-def]
    state, url = endpoint
    state.reply = (200, completion('{"sentence": "I am curious."}'))
    messages = [{"role": "system", "content": "S"}, {"role": "user", "content": "U"}]
    result = model(url).structured(messages, Answer, max_tokens=40)
    assert result == Answer(sentence="I am curious.")
    assert state.bodies == [{
        "model": "smollm2-135m-instruct", "messages": messages, "max_tokens": 40,
        "temperature": 0.2, "stream": False,
        "response_format": {"type": "json_object", "schema": Answer.model_json_schema()},
    }]
    assert state.headers[0]["authorization"] == "Bearer sk-secret"


def test_openai_dialect_uses_json_schema(endpoint) -> None:  # type: ignore[no-untyped-def]
    state, url = endpoint
    state.reply = (200, completion('{"sentence": "ok"}'))
    model(url, mode="openai").structured([{"role": "user", "content": "U"}], Answer, max_tokens=8)
    fmt = state.bodies[0]["response_format"]
    assert fmt["type"] == "json_schema" and fmt["json_schema"]["name"] == "Answer"


def test_garbage_reply_is_a_model_error(endpoint) -> None:  # type: ignore[no-untyped-def]
    state, url = endpoint
    state.reply = (200, completion("Sure! Here is your sentence"))
    with pytest.raises(ModelError, match="malformed"):
        model(url).structured([{"role": "user", "content": "U"}], Answer, max_tokens=8)


def test_http_error_is_a_model_error(endpoint) -> None:  # type: ignore[no-untyped-def]
    state, url = endpoint
    state.reply = (500, '{"error": "boom"}')
    with pytest.raises(ModelError, match="HTTP 500"):
        model(url).complete([{"role": "user", "content": "U"}], max_tokens=8)


def test_hung_server_times_out(endpoint) -> None:  # type: ignore[no-untyped-def]
    state, url = endpoint
    state.delay = 2.0
    state.reply = (200, completion("late"))
    with pytest.raises(ModelError, match="timed out"):
        model(url, timeout=0.5).complete([{"role": "user", "content": "U"}], max_tokens=8)


def test_stream_cut_off_midway_is_a_model_error(endpoint) -> None:  # type: ignore[no-untyped-def]
    state, url = endpoint
    chunk = json.dumps({"id": "x", "object": "chat.completion.chunk", "created": 0, "model": "m",
                        "choices": [{"index": 0, "delta": {"content": "Hello"}, "finish_reason": None}]})
    event = f"data: {chunk}\n\n".encode()
    # The headers promise more body than is sent before the connection closes.
    state.raw = (b"HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\n"
                 b"content-length: %d\r\n\r\n" % (len(event) + 500)) + event
    got: list[str] = []
    with pytest.raises(ModelError, match="broke off"):
        for delta in model(url).stream([{"role": "user", "content": "U"}], max_tokens=8):
            got.append(delta)
    assert got == ["Hello"]


def test_server_down_is_a_model_error() -> None:
    url = f"http://127.0.0.1:{free_port()}/v1"
    with pytest.raises(ModelError, match="unreachable"):
        model(url).complete([{"role": "user", "content": "U"}], max_tokens=8)


def test_client_replaces_sdk_defaults(tmp_path: Path) -> None:
    settings = Settings.load(env={}, dotenv=tmp_path / "x", request_timeout=12, max_retries=1)
    client = make_client(settings, "http://127.0.0.1:1/v1")
    assert client.max_retries == 1
    assert client.timeout.read == 12  # type: ignore[union-attr]
