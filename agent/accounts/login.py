"""The login check behind `coach ui --multi-user`: a name and password → yes or no, with the
rate limit per name and per client address, and one log line per failure (never the password).

Gradio calls `auth(username, password)` without the request; `ui.accounts` records the client
address of the /login request in `client_address` first, so the check can count it.
"""

from __future__ import annotations

import logging
from contextvars import ContextVar
from dataclasses import dataclass, field

from agent.accounts.names import check_name
from agent.accounts.passwords import decoy_hash, verify_password
from agent.accounts.ratelimit import LoginLimiter
from agent.accounts.store import find_user
from agent.errors import InputError
from agent.store.db import UserDatabase

log = logging.getLogger("coach.accounts")

client_address: ContextVar[str] = ContextVar("coach_client_address", default="unknown")


@dataclass
class LoginCheck:
    db: UserDatabase
    limiter: LoginLimiter = field(default_factory=LoginLimiter)

    def __call__(self, name: str, password: str) -> bool:
        """Gradio's `auth` callable: the address comes from `client_address`."""
        return self.check(name, password, client_address.get())

    def check(self, name: str, password: str, address: str) -> bool:
        try:
            name = check_name(name)
        except InputError:
            log.warning("login refused: malformed user name from %s", address)
            self.limiter.failed(f"addr:{address}")
            return False
        keys = (f"name:{name}", f"addr:{address}")
        wait = self.limiter.locked(*keys)
        if wait > 0:
            log.warning("login refused: %s from %s is locked for %.0f s more", name, address, wait)
            return False
        user = find_user(self.db, name)
        ok = verify_password(user["password_hash"] if user else decoy_hash(), password or "")
        if ok and user is not None:
            self.limiter.succeeded(keys[0])
            log.info("login: %s from %s", name, address)
            return True
        self.limiter.failed(*keys)
        log.warning("login failed: %s from %s (%s)", name, address,
                    "wrong password" if user else "unknown user")
        return False
