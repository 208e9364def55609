"""An ASGI guard in front of Gradio's queue: bodies over a size cap, unknown function indexes and
inputs over their field's own limit are refused with a 4xx before Gradio sees them.

Gradio 6.31 answers a `queue/join` for a function index that does not exist with an HTTP 500 (a
`KeyError` deep in its router) and reads any body size into memory. The page never sends either,
but any local HTTP client can; this turns both into a clean 413/422 with a one-line JSON reason.

A textbox's `max_length` is only enforced by the browser. Gradio keeps the last value of every
component an event updates in that session's memory, so a client that skips the browser could
park megabytes per field per session (the surface probe grew the app to 5.3 GB that way). The
guard enforces each input's limit on the server: a textbox's own `max_length`, and
`MAX_OTHER_INPUT` for everything else, measured on its JSON.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, Iterable, Mapping, MutableMapping, Sequence
from typing import Any

MAX_EVENT_BYTES = 4_000_000  # ten pasted interviews of 200 KB each fit twice over
MAX_OTHER_INPUT = 1_000_000  # a non-text input as JSON: the chat of a rehearsal of 500 turns fits
Limits = Mapping[int, Sequence[int | None]]  # function index -> per-input cap (None: no check)

Scope = dict[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


def input_size(value: Any) -> int:
    """A string's length in characters (what `max_length` counts); anything else as JSON."""
    if isinstance(value, str):
        return len(value)
    try:
        return len(json.dumps(value))
    except (TypeError, ValueError):
        return MAX_EVENT_BYTES


def oversized_input(data: Any, caps: Sequence[int | None]) -> tuple[int, int] | None:
    """(input position, its cap) of the first input over its cap, else None."""
    if not isinstance(data, list):
        return None  # Gradio refuses a malformed `data` itself, cleanly
    for slot, (value, cap) in enumerate(zip(data, caps, strict=False)):
        if cap is not None and input_size(value) > cap:
            return slot, cap
    return None


def join_problem(body: bytes, known: Iterable[int] | Limits) -> tuple[int, str] | None:
    """(status, reason) when a queue/join body must be refused, else None. With `Limits`, each
    input is also held to its cap."""
    if len(body) > MAX_EVENT_BYTES:
        return 413, f"request body over {MAX_EVENT_BYTES // 1_000_000} MB"
    try:
        payload = json.loads(body or b"{}")
    except (json.JSONDecodeError, UnicodeDecodeError):
        return 422, "body is not JSON"
    if not isinstance(payload, dict):
        return 422, "body is not a JSON object"
    fn_index = payload.get("fn_index")
    if fn_index is not None and (not isinstance(fn_index, int) or isinstance(fn_index, bool)
                                 or fn_index not in set(known)):
        return 422, "unknown fn_index"
    if isinstance(known, Mapping) and fn_index is not None:
        over = oversized_input(payload.get("data"), known[fn_index])
        if over is not None:
            return 413, f"input {over[0]} is over its limit of {over[1]:,} characters"
    return None


class QueueGuard:
    """ASGI middleware; `known` returns the app's function indexes (or their `Limits`) at
    request time."""

    def __init__(self, app: ASGIApp, known: Callable[[], Iterable[int] | Limits]) -> None:
        self.app = app
        self.known = known

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if not (scope["type"] == "http" and scope.get("method") == "POST"
                and str(scope.get("path", "")).rstrip("/").endswith("/queue/join")):
            await self.app(scope, receive, send)
            return
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size <= MAX_EVENT_BYTES + 1:
                chunks.append(chunk)
            if not message.get("more_body"):
                break
        body = b"".join(chunks)
        problem = join_problem(body if size <= MAX_EVENT_BYTES else body + b"x", self.known())
        if problem is not None:
            status, reason = problem
            data = json.dumps({"detail": reason}).encode()
            await send({"type": "http.response.start", "status": status,
                        "headers": [(b"content-type", b"application/json"),
                                    (b"content-length", str(len(data)).encode())]})
            await send({"type": "http.response.body", "body": data})
            return
        await self.app(scope, replaying(body, receive), send)


def replaying(body: bytes, receive: Receive) -> Receive:
    """A `receive` that hands the app the body a middleware has already read, then the client's
    own messages (a disconnect), so reading the body to check it does not consume it."""
    delivered = False

    async def replay() -> Message:
        nonlocal delivered
        if delivered:
            return await receive()
        delivered = True
        return {"type": "http.request", "body": body, "more_body": False}

    return replay
