"""Reading one interview's notes: a text file under the size limit, or standard input ('-').

Anything else — a missing path, a folder, an empty, binary, non-UTF-8 or oversize file — is an
`InputError` with one line saying which, raised before any work starts.
"""

from __future__ import annotations

import sys
from pathlib import Path

from agent.errors import InputError
from agent.thankyou.state import NOTES_MAX_BYTES


def decode_notes(data: bytes, name: str) -> str:
    if len(data) > NOTES_MAX_BYTES:
        raise InputError(f"{name} is over the {NOTES_MAX_BYTES // 1000} KB limit for one interview's notes")
    if b"\x00" in data:
        raise InputError(f"{name} looks binary, not text notes")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(f"{name} is not UTF-8 text") from exc
    return check_notes_text(text, name)


def check_notes_text(text: str, name: str = "the notes") -> str:
    """The same limits for pasted notes (UI) as for files (CLI)."""
    if not any(ch.isalnum() for ch in text):
        raise InputError(f"{name} is empty")
    if len(text.encode("utf-8")) > NOTES_MAX_BYTES:
        raise InputError(f"{name} is over the {NOTES_MAX_BYTES // 1000} KB limit")
    if "\x00" in text:
        raise InputError(f"{name} contains binary data")
    return text


def read_notes_file(raw: str) -> str:
    if raw == "-":
        return decode_notes(sys.stdin.buffer.read(NOTES_MAX_BYTES + 1), "standard input")
    path = Path(raw).expanduser()
    if not path.exists():
        raise InputError(f"no such notes file: {raw}")
    if not path.is_file():
        raise InputError(f"not a file: {raw}")
    try:
        with path.open("rb") as handle:
            data = handle.read(NOTES_MAX_BYTES + 1)
    except OSError as exc:
        raise InputError(f"cannot read {raw}: {exc.strerror or exc}") from exc
    return decode_notes(data, path.name)
