"""Contacts out of the app: CSV for spreadsheets, Markdown for notes apps and printing.

Cells that a spreadsheet would run as a formula (starting with = + - @ or a tab) are prefixed with
an apostrophe, so an exported note can never execute in Excel or LibreOffice. Rows end in CRLF
(RFC 4180): the csv module quotes a cell only for the characters of its line ending, so with a bare
"\n" a note holding a carriage return was cut in two when the file was opened again.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping, Sequence
from typing import Any

COLUMNS = (
    ("id", "id"), ("name", "name"), ("role", "role"), ("company", "company"),
    ("connection", "connection"), ("status", "status"), ("responsiveness", "responsiveness"),
    ("next_date", "next follow-up"), ("next_action", "action"), ("requested_at", "requested"),
    ("interview_at", "interview"), ("thanked_at", "thanked"), ("intro_to", "introduction to"),
    ("notes", "notes"),
)
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def rows_for_export(contacts: Sequence[Mapping[str, Any]]) -> list[dict[str, str]]:
    """Flatten dashboard summaries (from `service.list_contacts`) into plain text cells."""
    rows = []
    for c in contacts:
        nxt = c.get("next_follow_up") or {}
        flat = {**c, "next_date": nxt.get("date", ""), "next_action": nxt.get("action", "")}
        rows.append({key: "" if flat.get(key) is None else str(flat.get(key)) for key, _ in COLUMNS})
    return rows


def safe_cell(value: str) -> str:
    return "'" + value if value.startswith(FORMULA_START) else value


def to_csv(contacts: Sequence[Mapping[str, Any]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([title for _, title in COLUMNS])
    for row in rows_for_export(contacts):
        writer.writerow([safe_cell(row[key]) for key, _ in COLUMNS])
    return buffer.getvalue()


def _md_cell(value: str) -> str:
    return value.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ").strip()


def to_markdown(contacts: Sequence[Mapping[str, Any]], today: str) -> str:
    lines = [f"# Contacts ({today})", ""]
    if not contacts:
        return "\n".join([*lines, "_No contacts yet._", ""])
    lines.append("| " + " | ".join(title for _, title in COLUMNS) + " |")
    lines.append("|" + "---|" * len(COLUMNS))
    for row in rows_for_export(contacts):
        lines.append("| " + " | ".join(_md_cell(row[key]) for key, _ in COLUMNS) + " |")
    return "\n".join(lines) + "\n"
