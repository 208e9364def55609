"""An ASGI guard in front of Gradio's queue: bodies over a size cap and unknown function indexes
are refused with a 4xx before Gradio sees them.

Gradio 6.31 answers a `queue/join` for a function index that does not exist with an HTTP 500 (a
`KeyError` deep in its router) and reads any body size into memory. The page never sends either,
but any local HTTP client can; this turns both into a clean 413/422 with a one-line JSON reason.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, Iterable
from typing import Any

MAX_EVENT_BYTES = 4_000_000  # ten pasted interviews of 200 KB each fit twice over

Scope = dict[str, Any]
Message = dict[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


def join_problem(body: bytes, known: Iterable[int]) -> tuple[int, str] | None:
    """(status, reason) when a queue/join body must be refused, else None."""
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
    return None


class QueueGuard:
    """ASGI middleware; `known` returns the app's function indexes at request time."""

    def __init__(self, app: ASGIApp, known: Callable[[], Iterable[int]]) -> None:
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
        delivered = False

        async def replay() -> Message:
            nonlocal delivered
            if delivered:
                return await receive()
            delivered = True
            return {"type": "http.request", "body": body, "more_body": False}

        await self.app(scope, replay, send)
