"""What must hold in a data folder after any fault or any payload: SQLite sound, every save whole,
nothing stored that the UI or the CLI would have refused.

`check(data_dir)` returns a list of one-line problems (empty = sound). It opens the files
read-only-ish (plain reads) and never repairs anything.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from agent.classify.screen import MAX_QUESTION_CHARS
from agent.contacts.service import STATUSES, ContactFields
from agent.errors import InputError
from agent.swot.state import SwotReport
from agent.text.notes_input import check_notes_text

MAX_QUESTIONS = 30  # ui.tabs.questions.MAX_ROWS (the UI is not imported here: it pulls in Gradio)


def sqlite_sound(path: Path) -> list[str]:
    """`PRAGMA integrity_check` and `foreign_key_check` of one file."""
    if not path.exists():
        return []
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        result = [r[0] for r in conn.execute("PRAGMA integrity_check").fetchall()]
        problems = [] if result == ["ok"] else [f"{path.name}: integrity_check: {result[:3]}"]
        fks = conn.execute("PRAGMA foreign_key_check").fetchall()
        if fks:
            problems.append(f"{path.name}: {len(fks)} rows break a foreign key")
        return problems
    finally:
        conn.close()


def rows(path: Path, sql: str) -> list[dict[str, Any]]:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    conn.row_factory = sqlite3.Row
    try:
        return [dict(r) for r in conn.execute(sql).fetchall()]
    except sqlite3.OperationalError:
        return []
    finally:
        conn.close()


def refused_by_ui(db: Path) -> list[str]:
    """Rows the app's own validation would not have let in."""
    problems: list[str] = []
    for c in rows(db, "SELECT * FROM contacts"):
        try:
            ContactFields(name=c["name"], role=c["role"], company=c["company"],
                          connection=c["connection"], notes=c["notes"], intro_to=c["intro_to"] or None)
        except ValidationError as exc:
            problems.append(f"contact #{c['id']}: {exc.errors()[0]['msg']}")
        if not str(c["name"]).strip():
            problems.append(f"contact #{c['id']}: empty name")
        if c["status"] not in STATUSES:
            problems.append(f"contact #{c['id']}: unknown status {c['status']!r}")
    for p in rows(db, "SELECT * FROM profiles"):
        if len(p["name"]) > 80 or len(p["background"]) > 600 or len(p["goal"]) > 300:
            problems.append("profile: a field over its limit")
    for q in rows(db, "SELECT * FROM question_lists"):
        items = json.loads(q["questions"])
        if not isinstance(items, list) or not 0 < len(items) <= MAX_QUESTIONS:
            problems.append(f"question list of #{q['contact_id']}: {len(items)} items")
            continue
        for item in items:
            text = str(item.get("text", ""))
            if not text.strip() or len(text) > MAX_QUESTION_CHARS:
                problems.append(f"question list of #{q['contact_id']}: bad question {text[:40]!r}")
    for i in rows(db, "SELECT * FROM interviews"):
        try:
            check_notes_text(i["notes"])
        except InputError as exc:
            problems.append(f"interview #{i['id']}: {exc}")
    for s in rows(db, "SELECT * FROM swots"):
        try:
            SwotReport.model_validate(json.loads(s["payload"]))
        except (ValidationError, json.JSONDecodeError) as exc:
            problems.append(f"swot #{s['id']}: {str(exc).splitlines()[0][:80]}")
    for d in rows(db, "SELECT * FROM drafts"):
        if d["kind"] not in ("outreach", "thank_you") or not d["body"].strip():
            problems.append(f"draft #{d['id']}: kind {d['kind']!r} or empty body")
    return problems


def contacts_whole(db: Path) -> list[str]:
    """Every contact was saved with its 'created' history row (one transaction)."""
    created = {r["contact_id"] for r in rows(db, "SELECT contact_id FROM contact_history "
                                               "WHERE event = 'created'")}
    return [f"contact #{c['id']} has no 'created' history row (half a save)"
            for c in rows(db, "SELECT id FROM contacts") if c["id"] not in created]


def check(data_dir: Path) -> list[str]:
    db = data_dir / "coach.sqlite3"
    problems = sqlite_sound(db) + sqlite_sound(data_dir / "checkpoints.sqlite3")
    if db.exists() and not problems:
        problems += refused_by_ui(db) + contacts_whole(db)
    return problems
