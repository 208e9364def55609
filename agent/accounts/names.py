"""What an account name may be: short, and safe to show in a log line, a thread id or a URL."""

from __future__ import annotations

import re

from agent.errors import InputError

MAX_NAME = 64
_NAME = re.compile(r"[A-Za-z0-9._-]{1,64}")


def check_name(name: object) -> str:
    """`name` itself when it is 1–64 letters, digits, dots, dashes or underscores; otherwise an
    InputError saying so (ASCII only, so two names never look alike and logs stay one line)."""
    if not isinstance(name, str) or not _NAME.fullmatch(name):
        raise InputError(f"invalid user name {str(name)[:80]!r}: use 1–{MAX_NAME} letters, digits, "
                         "'.', '-' or '_'")
    return name
