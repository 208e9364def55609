"""Multi-user plumbing in front of Gradio: the client address of each request (for the login's
per-address rate limit) and which login owns each page session."""

from __future__ import annotations

from collections import OrderedDict

from starlette.types import ASGIApp, Receive, Scope, Send

from agent.accounts.login import client_address
from ui.guard import replaying


class ClientAddress:
    """Pure ASGI middleware: the login handler runs in this same task, so it sees the value.
    Behind a reverse proxy every request comes from the proxy; run the proxy's own limit too."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        client = scope.get("client")
        token = client_address.set(str(client[0]) if client else "unknown")
        try:
            await self.app(scope, receive, send)
        finally:
            client_address.reset(token)


# Page sessions remembered (about 150 bytes each); Gradio itself drops idle sessions long before.
MAX_SESSIONS = 100_000


def login_token(scope: Scope) -> str | None:
    """The value of Gradio's access-token cookie on this request (either variant), or None."""
    for name, value in scope.get("headers", []):
        if name != b"cookie":
            continue
        for part in value.decode("latin-1").split(";"):
            key, _, token = part.strip().partition("=")
            if key.startswith("access-token-") and token:
                return token
    return None


class SessionOwner:
    """Binds each Gradio `session_hash` to the login that first used it.

    Gradio keeps a page's `gr.State` values and its queued results under the `session_hash` the
    client names, whoever is logged in; a second account that learned (or guessed) another's hash
    could read that page's state and results. Here a hash first used with one login cookie is
    refused (403) with any other, on the queue's join and data routes."""

    def __init__(self, app: ASGIApp, keep: int = MAX_SESSIONS) -> None:
        self.app = app
        self.keep = keep
        self.owners: OrderedDict[str, str] = OrderedDict()

    def allowed(self, session: object, token: str | None) -> bool:
        if not isinstance(session, str) or token is None:
            return True  # Gradio itself refuses a request without a login
        owner = self.owners.setdefault(session, token)
        self.owners.move_to_end(session)
        while len(self.owners) > self.keep:  # bounded memory: the longest-idle session is forgotten
            self.owners.popitem(last=False)
        return owner == token

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = str(scope.get("path", "")).rstrip("/")
        if scope["type"] != "http" or not path.endswith(("/queue/join", "/queue/data")):
            await self.app(scope, receive, send)
            return
        token = login_token(scope)
        if path.endswith("/queue/data"):
            from urllib.parse import parse_qs

            query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
            if not self.allowed((query.get("session_hash") or [None])[0], token):
                await refuse(send)
                return
            await self.app(scope, receive, send)
            return
        body = b""
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        import json

        try:
            session = json.loads(body or b"{}").get("session_hash")
        except (ValueError, AttributeError):
            session = None  # Gradio answers a malformed body itself
        if not self.allowed(session, token):
            await refuse(send)
            return
        await self.app(scope, replaying(body, receive), send)


async def refuse(send: Send) -> None:
    data = b'{"detail": "this session belongs to another login"}'
    await send({"type": "http.response.start", "status": 403,
                "headers": [(b"content-type", b"application/json"),
                            (b"content-length", str(len(data)).encode())]})
    await send({"type": "http.response.body", "body": data})
