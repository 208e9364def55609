"""The client address of each HTTP request, for the login's per-address rate limit."""

from __future__ import annotations

from starlette.types import ASGIApp, Receive, Scope, Send

from agent.accounts.login import client_address


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
