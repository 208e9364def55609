"""Interview notes as the user gives them: one file per interview, standard input, or pasted text.

Every input is checked before any work starts (missing, a folder, empty, binary, non-UTF-8, over
the size limit), so one bad file stops a run with one line and nothing done or saved. The SWOT and
the thank-you note read notes the same way, with the same limits.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from pathlib import Path

from agent.errors import InputError

MAX_NOTE_BYTES = 200_000
MAX_NOTES = 10


@dataclass(frozen=True)
class NoteFile:
    """One interview's notes and the name its sentences are cited by."""

    source: str
    text: str


def decode_note(data: bytes, name: str) -> str:
    """Bytes of one notes file → text; binary, non-UTF-8, oversize or empty is an InputError."""
    if len(data) > MAX_NOTE_BYTES:
        raise InputError(f"{name} is over the {MAX_NOTE_BYTES // 1000} KB limit for one interview's notes")
    if b"\x00" in data[:8192]:
        raise InputError(f"{name} looks binary, not text notes")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(f"{name} is not UTF-8 text") from exc
    if not re.search(r"\w", text):
        raise InputError(f"{name} is empty")
    return text


def check_notes_text(text: str, name: str = "the notes") -> str:
    """The same limits for pasted notes (UI) as for files (CLI)."""
    if not re.search(r"\w", text):
        raise InputError(f"{name} is empty")
    if len(text.encode("utf-8")) > MAX_NOTE_BYTES:
        raise InputError(f"{name} is over the {MAX_NOTE_BYTES // 1000} KB limit")
    if "\x00" in text:
        raise InputError(f"{name} contains binary data")
    return text


def read_notes_file(raw: str) -> str:
    """One interview's notes from a path, or from standard input for '-'."""
    if raw == "-":
        return decode_note(sys.stdin.buffer.read(MAX_NOTE_BYTES + 1), "standard input")
    return read_note_files([raw])[0].text


def read_note_files(paths: list[str]) -> list[NoteFile]:
    """Read every file before any work starts, so one bad file stops the run with nothing done."""
    if not paths:
        raise InputError("give at least one notes file")
    if len(paths) > MAX_NOTES:
        raise InputError(f"at most {MAX_NOTES} notes files at once (got {len(paths)})")
    notes: list[NoteFile] = []
    for raw in paths:
        path = Path(raw).expanduser()
        if not path.exists():
            raise InputError(f"no such notes file: {raw}")
        if not path.is_file():
            raise InputError(f"not a file: {raw}")
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise InputError(f"cannot read {raw}: {exc.strerror or exc}") from exc
        notes.append(NoteFile(source=path.name, text=decode_note(data, path.name)))
    return unique_sources(notes)


def unique_sources(notes: list[NoteFile]) -> list[NoteFile]:
    """Two files with the same name from different folders still need distinct citations."""
    seen: dict[str, int] = {}
    out = []
    for note in notes:
        count = seen.get(note.source, 0) + 1
        seen[note.source] = count
        out.append(note if count == 1 else NoteFile(f"{note.source} ({count})", note.text))
    return out


def check_pasted(texts: list[str], labels: list[str] | None = None) -> list[NoteFile]:
    """Pasted interviews from the UI, validated with the same limits as files."""
    labels = labels or [f"Interview {i}" for i in range(1, len(texts) + 1)]
    notes = [NoteFile(label, text) for label, text in zip(labels, texts, strict=True) if text.strip()]
    if not notes:
        raise InputError("paste the notes of at least one interview")
    if len(notes) > MAX_NOTES:
        raise InputError(f"at most {MAX_NOTES} interviews at once (got {len(notes)})")
    for note in notes:
        check_notes_text(note.text, note.source)
    return unique_sources(notes)
