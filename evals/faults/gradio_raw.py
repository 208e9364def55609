"""Call a running Gradio 6 app the way its own page does: by function index over the queue.

`gradio_client` refuses "private" endpoints and validates payloads before sending them; a hostile
local client does neither. This client posts any JSON to `/gradio_api/queue/join` and reads the
event's server-sent messages, so the surface probe can send wrong types, huge strings and unknown
ids to every handler, hidden or not, and see exactly what comes back.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx


@dataclass
class Reply:
    """What one call produced: the join's HTTP status, every SSE message, the final outputs."""

    status: int
    messages: list[dict[str, Any]] = field(default_factory=list)
    raw: str = ""

    @property
    def completed(self) -> dict[str, Any] | None:
        return next((m for m in self.messages if m.get("msg") == "process_completed"), None)

    @property
    def success(self) -> bool:
        done = self.completed
        return bool(done and done.get("success"))

    @property
    def outputs(self) -> list[Any]:
        done = self.completed or {}
        return list((done.get("output") or {}).get("data") or [])

    @property
    def error(self) -> str | None:
        done = self.completed or {}
        out = done.get("output") or {}
        if done and not done.get("success"):
            return str(out.get("error") or "error")
        return None

    def text(self) -> str:
        return self.raw


class RawGradio:
    """One browser-like session (`session_hash`) against the app at `base`."""

    def __init__(self, base: str, timeout: float = 120.0) -> None:
        self.base = base.rstrip("/")
        self.session = secrets.token_hex(6)
        self.timeout = timeout
        self.http = httpx.Client(timeout=timeout)
        self._config: dict[str, Any] | None = None

    def close(self) -> None:
        self.http.close()

    def new_session(self) -> None:
        self.session = secrets.token_hex(6)

    @property
    def config(self) -> dict[str, Any]:
        if self._config is None:
            self._config = self.http.get(f"{self.base}/config").json()
        return self._config

    def dependencies(self) -> list[dict[str, Any]]:
        return list(self.config["dependencies"])

    def components(self) -> dict[int, dict[str, Any]]:
        return {int(c["id"]): c for c in self.config["components"]}

    def fn_index(self, api_name: str) -> int:
        for dep in self.dependencies():
            if dep.get("api_name") == api_name:
                return int(dep["id"])
        raise KeyError(api_name)

    def call(self, fn_index: int, data: list[Any], trigger_id: int | None = None,
             raw_body: bytes | None = None,
             on_message: Callable[[dict[str, Any]], None] | None = None) -> Reply:
        """Join the queue with `data` (or a raw body) and read the event to its end;
        `on_message` sees every message as it arrives (a test injects its fault there)."""
        body = raw_body if raw_body is not None else json.dumps(
            {"data": data, "fn_index": fn_index, "session_hash": self.session,
             "event_data": None, "trigger_id": trigger_id}).encode()
        joined = self.http.post(f"{self.base}/gradio_api/queue/join", content=body,
                                headers={"Content-Type": "application/json"})
        reply = Reply(status=joined.status_code, raw=joined.text)
        if joined.status_code != 200:
            return reply
        event_id = joined.json().get("event_id")
        with self.http.stream("GET", f"{self.base}/gradio_api/queue/data",
                              params={"session_hash": self.session}) as stream:
            for line in stream.iter_lines():
                reply.raw += line + "\n"
                if not line.startswith("data:"):
                    continue
                message = json.loads(line[5:])
                if message.get("event_id") not in (None, event_id):
                    continue
                reply.messages.append(message)
                if on_message is not None:
                    on_message(message)
                if message.get("msg") in ("process_completed", "unexpected_error"):
                    break
                if message.get("msg") == "close_stream":
                    break
        return reply

    def call_api(self, api_name: str, data: list[Any]) -> Reply:
        return self.call(self.fn_index(api_name), data)
