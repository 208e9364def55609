"""Argon2id password hashes with OWASP's recommended minimum cost (19 MiB, 2 passes, 1 lane).

argon2-cffi's default (RFC 9106's low-memory profile: 64 MiB, 3 passes, 4 lanes) costs several
times more CPU per login; with 50 students logging in together on a 2-core server, that alone
held every other request up for seconds (the multiuser bench). Hashes keep their own
parameters, so accounts made with the old cost still log in.

The hasher is built on first use, not at import. A password is never logged or stored in clear.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from agent.errors import InputError

MAX_PASSWORD = 1024  # bytes; hashing costs the same for any length, but a form is no place for a novel


@cache
def _hasher() -> Any:
    from argon2 import PasswordHasher

    return PasswordHasher(time_cost=2, memory_cost=19_456, parallelism=1)


def check_password(password: str) -> str:
    """The password when it can be used: not empty, not only spaces, at most 1 KB."""
    if not password or not password.strip():
        raise InputError("the password must not be empty")
    if len(password.encode("utf-8")) > MAX_PASSWORD:
        raise InputError(f"the password is longer than {MAX_PASSWORD} bytes")
    return password


def hash_password(password: str) -> str:
    return str(_hasher().hash(check_password(password)))


def verify_password(stored_hash: str, password: str) -> bool:
    """True only for the right password; a wrong one, a damaged hash or any other failure is False."""
    from argon2.exceptions import Argon2Error, InvalidHashError

    try:
        return bool(_hasher().verify(stored_hash, password))
    except (Argon2Error, InvalidHashError, ValueError, TypeError):
        return False


# A hash of a password nobody has: an unknown name costs the same time as a wrong password, so
# the login's timing does not tell which names exist.
@cache
def decoy_hash() -> str:
    return str(_hasher().hash("not-a-real-password-0f3c"))
