"""A tiny OpenAI-compatible HTTP server whose misbehaviour we control, for the model-server faults.

    python -m evals.faults.fake_model_server --port P [--mode ok]

Modes (switch at run time with `POST /control {"mode": ...}`):

* ``ok`` — streams or returns a short plausible answer; for a JSON-schema request, an object with
  every required field filled, so structured calls succeed;
* ``hang`` — accepts the request and never answers (the client's timeout must end the wait);
* ``invalid_json`` — HTTP 200 whose body is not JSON (or, streamed, SSE lines that are not JSON);
* ``wrong_schema`` — valid JSON of the wrong shape (a completion without ``choices``; content that
  does not match the requested schema);
* ``empty_stream`` — a stream that ends (``[DONE]``) without a single token;
* ``http_500`` — an error status;
* ``die_mid_stream`` — streams a few tokens, then the whole process exits (``os._exit``), the way a
  crashed model server drops its connections.

Every request is counted (``GET /control``), so a test can tell how often the client retried.
"""

from __future__ import annotations

import argparse
import json
import os
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

MODES = ("ok", "hang", "invalid_json", "wrong_schema", "empty_stream", "http_500", "die_mid_stream")
OK_TEXT = "I moved into this work after a few years in a related field, and I still enjoy it."


class State:
    mode = "ok"
    requests = 0
    delay = 0.0  # seconds between streamed tokens
    lock = threading.Lock()


def sample_for(schema: dict[str, Any], defs: dict[str, Any] | None = None) -> Any:
    """A value that satisfies a (simple) JSON schema: the required fields of objects, filled."""
    defs = defs if defs is not None else schema.get("$defs", {})
    if "$ref" in schema:
        return sample_for(defs.get(schema["$ref"].split("/")[-1], {}), defs)
    for key in ("anyOf", "oneOf", "allOf"):
        if key in schema and schema[key]:
            return sample_for(schema[key][0], defs)
    kind = schema.get("type")
    if "enum" in schema:
        return schema["enum"][0]
    if kind == "object" or "properties" in schema:
        props = schema.get("properties", {})
        return {name: sample_for(props[name], defs) for name in schema.get("required", props)}
    if kind == "array":
        return [sample_for(schema.get("items", {}), defs)] if schema.get("minItems") else []
    if kind == "integer":
        return int(schema.get("minimum", 1))
    if kind == "number":
        return float(schema.get("minimum", 1.0))
    if kind == "boolean":
        return False
    return "I am keen to learn how the work really goes day to day."


def answer_text(body: dict[str, Any]) -> str:
    fmt = body.get("response_format") or {}
    schema = fmt.get("schema") or (fmt.get("json_schema") or {}).get("schema")
    if schema:
        return json.dumps(sample_for(schema))
    return OK_TEXT


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args: Any) -> None:  # quiet
        pass

    def _json(self, status: int, payload: Any) -> None:
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self) -> None:
        if self.path.rstrip("/") == "/control":
            self._json(200, {"mode": State.mode, "requests": State.requests})
        elif self.path.rstrip("/").endswith("/models"):
            self._json(200, {"object": "list", "data": [{"id": "fake", "object": "model"}]})
        else:
            self._json(404, {"error": "not found"})

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        if self.path.rstrip("/") == "/control":
            update = json.loads(raw or b"{}")
            with State.lock:
                State.mode = update.get("mode", State.mode)
                State.delay = float(update.get("delay", State.delay))
                if update.get("reset"):
                    State.requests = 0
            self._json(200, {"mode": State.mode})
            return
        with State.lock:
            State.requests += 1
            mode = State.mode
        try:
            body = json.loads(raw or b"{}")
        except json.JSONDecodeError:
            body = {}
        if mode == "hang":
            time.sleep(3600)
            return
        if mode == "http_500":
            self._json(500, {"error": {"message": "internal error", "type": "server_error"}})
            return
        if body.get("stream"):
            self._stream(body, mode)
        else:
            self._complete(body, mode)

    def _complete(self, body: dict[str, Any], mode: str) -> None:
        if mode == "invalid_json":
            data = b"<html>this is not json"
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
            return
        if mode == "wrong_schema":
            self._json(200, {"id": "x", "object": "chat.completion", "result": {"text": "??"}})
            return
        text = "" if mode == "empty_stream" else answer_text(body)
        if mode == "die_mid_stream":
            os._exit(1)
        self._json(200, {
            "id": "chatcmpl-fake", "object": "chat.completion", "created": int(time.time()),
            "model": body.get("model", "fake"),
            "choices": [{"index": 0, "finish_reason": "stop",
                         "message": {"role": "assistant", "content": text}}],
            "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
        })

    def _stream(self, body: dict[str, Any], mode: str) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-cache")
        self.send_header("Connection", "close")
        self.end_headers()

        def send(line: str) -> None:
            self.wfile.write(f"data: {line}\n\n".encode())
            self.wfile.flush()

        def chunk(text: str, finish: str | None = None) -> str:
            return json.dumps({"id": "chatcmpl-fake", "object": "chat.completion.chunk",
                               "created": int(time.time()), "model": body.get("model", "fake"),
                               "choices": [{"index": 0, "delta": {"content": text},
                                            "finish_reason": finish}]})

        if mode == "invalid_json":
            send("{not json at all")
            send("[DONE]")
            return
        if mode == "wrong_schema":
            text = json.dumps({"unexpected": ["shape"], "n": -1})
        elif mode == "empty_stream":
            send("[DONE]")
            return
        else:
            text = answer_text(body)
        pieces = [text[i:i + 6] for i in range(0, len(text), 6)]
        for n, piece in enumerate(pieces):
            if mode == "die_mid_stream" and n == 3:
                os._exit(1)
            send(chunk(piece))
            if State.delay:
                time.sleep(State.delay)
        send(chunk("", finish="stop"))
        send("[DONE]")
        self.close_connection = True


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="fake_model_server")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--mode", choices=MODES, default="ok")
    parser.add_argument("--delay", type=float, default=0.0)
    args = parser.parse_args(argv)
    State.mode, State.delay = args.mode, args.delay
    server = ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    server.daemon_threads = True
    server.serve_forever()


if __name__ == "__main__":
    main()
