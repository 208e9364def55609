"""The user's data in SQLite: profile, ingestion manifest, drafts (and later contacts).

WAL mode and one short transaction per save, so a crash mid-save never loses what was already
committed. A connection per operation keeps Gradio's worker threads independent. Schema changes
are appended to `MIGRATIONS` and applied in order, tracked by `PRAGMA user_version`.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

MIGRATIONS: list[str] = [
    """
    CREATE TABLE profile (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        name TEXT NOT NULL DEFAULT '',
        background TEXT NOT NULL DEFAULT '',
        goal TEXT NOT NULL DEFAULT '',
        updated_at TEXT NOT NULL
    );
    CREATE TABLE ingest_manifest (
        kind TEXT NOT NULL,
        source TEXT NOT NULL,
        sha256 TEXT NOT NULL,
        chunks INTEGER NOT NULL,
        updated_at TEXT NOT NULL,
        PRIMARY KEY (kind, source)
    );
    CREATE TABLE drafts (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        contact_id INTEGER,
        kind TEXT NOT NULL,
        subject TEXT NOT NULL DEFAULT '',
        body TEXT NOT NULL,
        created_at TEXT NOT NULL
    );
    """,
    """
    CREATE TABLE contacts (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        name TEXT NOT NULL,
        role TEXT NOT NULL DEFAULT '',
        company TEXT NOT NULL DEFAULT '',
        connection TEXT NOT NULL DEFAULT '',
        seniority TEXT NOT NULL DEFAULT '',
        status TEXT NOT NULL DEFAULT 'to_contact',
        notes TEXT NOT NULL DEFAULT '',
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
    );
    CREATE TABLE question_lists (
        contact_id INTEGER PRIMARY KEY REFERENCES contacts(id) ON DELETE CASCADE,
        questions TEXT NOT NULL,
        updated_at TEXT NOT NULL
    );
    """,
    """
    CREATE TABLE interviews (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        contact_id INTEGER REFERENCES contacts(id) ON DELETE CASCADE,
        held_at TEXT NOT NULL,
        notes TEXT NOT NULL,
        created_at TEXT NOT NULL
    );
    CREATE INDEX interviews_contact ON interviews(contact_id);
    """,
    """
    ALTER TABLE contacts ADD COLUMN requested_at TEXT;
    ALTER TABLE contacts ADD COLUMN replied_at TEXT;
    ALTER TABLE contacts ADD COLUMN scheduled_at TEXT;
    ALTER TABLE contacts ADD COLUMN interview_at TEXT;
    ALTER TABLE contacts ADD COLUMN done_at TEXT;
    ALTER TABLE contacts ADD COLUMN thanked_at TEXT;
    ALTER TABLE contacts ADD COLUMN second_contact_at TEXT;
    ALTER TABLE contacts ADD COLUMN follow_up_sent_at TEXT;
    ALTER TABLE contacts ADD COLUMN intro_offered_at TEXT;
    ALTER TABLE contacts ADD COLUMN intro_to TEXT NOT NULL DEFAULT '';
    ALTER TABLE contacts ADD COLUMN intro_checked_at TEXT;
    ALTER TABLE contacts ADD COLUMN posted_at TEXT;
    CREATE TABLE contact_history (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        contact_id INTEGER NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
        event TEXT NOT NULL,
        at TEXT NOT NULL,
        created_at TEXT NOT NULL
    );
    CREATE INDEX contact_history_contact ON contact_history(contact_id);
    CREATE TABLE swots (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        contact_id INTEGER REFERENCES contacts(id) ON DELETE CASCADE,
        payload TEXT NOT NULL,
        created_at TEXT NOT NULL
    );
    CREATE INDEX swots_contact ON swots(contact_id);
    """,
    # The manifest is per encoder: each encoder has its own collections, so a file indexed for
    # MiniLM is not indexed for another encoder. Old rows named no encoder and are dropped; the
    # next ingest re-indexes (a delete-then-upsert, so nothing is duplicated).
    """
    DROP TABLE ingest_manifest;
    CREATE TABLE ingest_manifest (
        kind TEXT NOT NULL,
        encoder TEXT NOT NULL,
        source TEXT NOT NULL,
        sha256 TEXT NOT NULL,
        chunks INTEGER NOT NULL,
        updated_at TEXT NOT NULL,
        PRIMARY KEY (kind, encoder, source)
    );
    """,
    # What the user knows about a contact (their path, work, employer): the mock contact answers
    # from it, the questions and the outreach draft draw on it.
    """
    ALTER TABLE contacts ADD COLUMN bio TEXT NOT NULL DEFAULT '';
    """,
]


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


class Database:
    """Thin SQLite access with migrations; every public write is one transaction."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self.connect() as conn:
            conn.execute("PRAGMA journal_mode=WAL")
            self._migrate(conn)

    @contextmanager
    def connect(self) -> Iterator[sqlite3.Connection]:
        conn = sqlite3.connect(self.path, timeout=10, isolation_level=None)
        conn.row_factory = sqlite3.Row
        conn.execute("PRAGMA foreign_keys=ON")
        conn.execute("PRAGMA synchronous=NORMAL")
        try:
            yield conn
        finally:
            conn.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        with self.connect() as conn:
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")

    def _migrate(self, conn: sqlite3.Connection) -> None:
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        for index, script in enumerate(MIGRATIONS[version:], start=version + 1):
            conn.executescript(f"BEGIN;\n{script}\nPRAGMA user_version = {index};\nCOMMIT;")

    # Profile -----------------------------------------------------------------
    def get_profile(self) -> dict[str, str]:
        with self.connect() as conn:
            row = conn.execute("SELECT name, background, goal FROM profile WHERE id = 1").fetchone()
        return dict(row) if row else {"name": "", "background": "", "goal": ""}

    def save_profile(self, name: str, background: str, goal: str) -> None:
        with self.transaction() as conn:
            conn.execute(
                "INSERT INTO profile (id, name, background, goal, updated_at) VALUES (1, ?, ?, ?, ?)"
                " ON CONFLICT(id) DO UPDATE SET name=excluded.name, background=excluded.background,"
                " goal=excluded.goal, updated_at=excluded.updated_at",
                (name, background, goal, now_iso()),
            )

    # Ingestion manifest --------------------------------------------------------
    def manifest(self, kind: str, encoder: str) -> dict[str, str]:
        """{source: sha256} of the files indexed into `kind` with `encoder`'s vectors."""
        with self.connect() as conn:
            rows = conn.execute(
                "SELECT source, sha256 FROM ingest_manifest WHERE kind = ? AND encoder = ?",
                (kind, encoder),
            ).fetchall()
        return {r["source"]: r["sha256"] for r in rows}

    def record_ingest(self, kind: str, encoder: str, source: str, sha256: str, chunks: int) -> None:
        with self.transaction() as conn:
            conn.execute(
                "INSERT INTO ingest_manifest (kind, encoder, source, sha256, chunks, updated_at)"
                " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(kind, encoder, source) DO UPDATE SET"
                " sha256=excluded.sha256, chunks=excluded.chunks, updated_at=excluded.updated_at",
                (kind, encoder, source, sha256, chunks, now_iso()),
            )

    def drop_ingest(self, kind: str, encoder: str, source: str) -> None:
        with self.transaction() as conn:
            conn.execute(
                "DELETE FROM ingest_manifest WHERE kind = ? AND encoder = ? AND source = ?",
                (kind, encoder, source),
            )

    # Contacts (core columns; the dashboard adds its own tables by migration) -----
    CONTACT_FIELDS = ("name", "role", "company", "connection", "seniority", "status", "notes", "bio")

    def add_contact(self, name: str, **fields: str) -> int:
        unknown = set(fields) - set(self.CONTACT_FIELDS)
        if unknown:
            raise ValueError(f"unknown contact fields: {sorted(unknown)}")
        values = {"name": name, **fields}
        cols = ", ".join(values)
        marks = ", ".join("?" for _ in values)
        stamp = now_iso()
        with self.transaction() as conn:
            cur = conn.execute(
                f"INSERT INTO contacts ({cols}, created_at, updated_at) VALUES ({marks}, ?, ?)",
                (*values.values(), stamp, stamp),
            )
            return int(cur.lastrowid or 0)

    def update_contact(self, contact_id: int, **fields: str) -> None:
        unknown = set(fields) - set(self.CONTACT_FIELDS)
        if unknown:
            raise ValueError(f"unknown contact fields: {sorted(unknown)}")
        if not fields:
            return
        sets = ", ".join(f"{k} = ?" for k in fields)
        with self.transaction() as conn:
            conn.execute(f"UPDATE contacts SET {sets}, updated_at = ? WHERE id = ?",
                         (*fields.values(), now_iso(), contact_id))

    def get_contact(self, contact_id: int) -> dict[str, Any] | None:
        with self.connect() as conn:
            row = conn.execute("SELECT * FROM contacts WHERE id = ?", (contact_id,)).fetchone()
        return dict(row) if row else None

    def list_contacts(self) -> list[dict[str, Any]]:
        with self.connect() as conn:
            rows = conn.execute("SELECT * FROM contacts ORDER BY id").fetchall()
        return [dict(r) for r in rows]

    def save_question_list(self, contact_id: int, questions: list[dict[str, Any]]) -> None:
        import json

        with self.transaction() as conn:
            conn.execute(
                "INSERT INTO question_lists (contact_id, questions, updated_at) VALUES (?, ?, ?)"
                " ON CONFLICT(contact_id) DO UPDATE SET questions=excluded.questions,"
                " updated_at=excluded.updated_at",
                (contact_id, json.dumps(questions, ensure_ascii=False), now_iso()),
            )

    def get_question_list(self, contact_id: int) -> list[dict[str, Any]]:
        import json

        with self.connect() as conn:
            row = conn.execute(
                "SELECT questions FROM question_lists WHERE contact_id = ?", (contact_id,)
            ).fetchone()
        return list(json.loads(row["questions"])) if row else []

    # Interviews (one row per conversation, holding the user's notes) -------------
    def add_interview(self, contact_id: int | None, notes: str, held_at: str | None = None) -> int:
        stamp = now_iso()
        with self.transaction() as conn:
            cur = conn.execute(
                "INSERT INTO interviews (contact_id, held_at, notes, created_at) VALUES (?, ?, ?, ?)",
                (contact_id, held_at or stamp, notes, stamp),
            )
            return int(cur.lastrowid or 0)

    def interviews(self, contact_id: int | None = None) -> list[dict[str, Any]]:
        with self.connect() as conn:
            if contact_id is None:
                rows = conn.execute("SELECT * FROM interviews ORDER BY held_at, id").fetchall()
            else:
                rows = conn.execute(
                    "SELECT * FROM interviews WHERE contact_id = ? ORDER BY held_at, id", (contact_id,)
                ).fetchall()
        return [dict(r) for r in rows]

    # Drafts ----------------------------------------------------------------------
    def save_draft(self, kind: str, subject: str, body: str, contact_id: int | None = None) -> int:
        with self.transaction() as conn:
            cur = conn.execute(
                "INSERT INTO drafts (contact_id, kind, subject, body, created_at)"
                " VALUES (?, ?, ?, ?, ?)",
                (contact_id, kind, subject, body, now_iso()),
            )
            return int(cur.lastrowid or 0)

    def drafts(self, contact_id: int | None = None) -> list[dict[str, Any]]:
        with self.connect() as conn:
            if contact_id is None:
                rows = conn.execute("SELECT * FROM drafts ORDER BY id").fetchall()
            else:
                rows = conn.execute(
                    "SELECT * FROM drafts WHERE contact_id = ? ORDER BY id", (contact_id,)
                ).fetchall()
        return [dict(r) for r in rows]

    # Contacts dashboard: follow-up tracking, status history, SWOT results ---------
    TRACKING_FIELDS = (
        "requested_at", "replied_at", "scheduled_at", "interview_at", "done_at", "thanked_at",
        "second_contact_at", "follow_up_sent_at", "intro_offered_at", "intro_to",
        "intro_checked_at", "posted_at",
    )

    def save_contact(
        self, contact_id: int | None, fields: dict[str, Any],
        events: Sequence[tuple[str, str]] = (),
    ) -> int:
        """Insert (id None) or update a contact and append its history rows in one transaction.

        `fields` may hold the core columns and the tracking timestamps; `events` are
        (event, at) pairs such as ("status:requested", "2025-05-12T09:00:00+02:00").
        """
        allowed = set(self.CONTACT_FIELDS) | set(self.TRACKING_FIELDS)
        unknown = set(fields) - allowed
        if unknown:
            raise ValueError(f"unknown contact fields: {sorted(unknown)}")
        stamp = now_iso()
        with self.transaction() as conn:
            if contact_id is None:
                if not fields.get("name"):
                    raise ValueError("a contact needs a name")
                cols = ", ".join(fields)
                marks = ", ".join("?" for _ in fields)
                cur = conn.execute(
                    f"INSERT INTO contacts ({cols}, created_at, updated_at) VALUES ({marks}, ?, ?)",
                    (*fields.values(), stamp, stamp),
                )
                contact_id = int(cur.lastrowid or 0)
            else:
                sets = "".join(f"{k} = ?, " for k in fields)
                cur = conn.execute(f"UPDATE contacts SET {sets}updated_at = ? WHERE id = ?",
                                   (*fields.values(), stamp, contact_id))
                if cur.rowcount == 0:
                    raise KeyError(contact_id)
            conn.executemany(
                "INSERT INTO contact_history (contact_id, event, at, created_at) VALUES (?, ?, ?, ?)",
                [(contact_id, event, at, stamp) for event, at in events],
            )
        return contact_id

    def contact_history(self, contact_id: int) -> list[dict[str, Any]]:
        with self.connect() as conn:
            rows = conn.execute(
                "SELECT event, at, created_at FROM contact_history WHERE contact_id = ? ORDER BY id",
                (contact_id,),
            ).fetchall()
        return [dict(r) for r in rows]

    def save_swot(self, contact_id: int | None, payload: dict[str, Any]) -> int:
        """Store one SWOT result (the `coach swot` JSON object) for a contact."""
        import json

        with self.transaction() as conn:
            cur = conn.execute(
                "INSERT INTO swots (contact_id, payload, created_at) VALUES (?, ?, ?)",
                (contact_id, json.dumps(payload, ensure_ascii=False), now_iso()),
            )
            return int(cur.lastrowid or 0)

    def swots(self, contact_id: int | None = None) -> list[dict[str, Any]]:
        """SWOT results, oldest first, each as {id, contact_id, payload, created_at}."""
        import json

        with self.connect() as conn:
            if contact_id is None:
                rows = conn.execute("SELECT * FROM swots ORDER BY id").fetchall()
            else:
                rows = conn.execute(
                    "SELECT * FROM swots WHERE contact_id = ? ORDER BY id", (contact_id,)
                ).fetchall()
        return [{**dict(r), "payload": json.loads(r["payload"])} for r in rows]

    def _file_interviews(self, conn: sqlite3.Connection, contact_id: int, notes: Sequence[str],
                         held_at: str, stamp: str) -> None:
        """Add each notes text as an interview of the contact unless it is already filed."""
        known = {r["notes"] for r in conn.execute(
            "SELECT notes FROM interviews WHERE contact_id = ?", (contact_id,)).fetchall()}
        for text in dict.fromkeys(notes):
            if text not in known:
                conn.execute(
                    "INSERT INTO interviews (contact_id, held_at, notes, created_at) VALUES (?, ?, ?, ?)",
                    (contact_id, held_at, text, stamp))

    def file_interviews(self, contact_id: int, notes: Sequence[str]) -> None:
        """File several interviews' notes under a contact in one transaction (known ones skipped)."""
        stamp = now_iso()
        with self.transaction() as conn:
            self._file_interviews(conn, contact_id, notes, stamp, stamp)

    def save_thank_you(self, contact_id: int | None, notes: str, held_at: str, subject: str,
                       body: str) -> int:
        """File the notes as an interview of the contact (once) and keep the draft, in one
        transaction; without a contact only the draft is kept."""
        stamp = now_iso()
        with self.transaction() as conn:
            if contact_id is not None:
                self._file_interviews(conn, contact_id, [notes], held_at, stamp)
            cur = conn.execute(
                "INSERT INTO drafts (contact_id, kind, subject, body, created_at) VALUES (?, ?, ?, ?, ?)",
                (contact_id, "thank_you", subject, body, stamp))
            return int(cur.lastrowid or 0)

    # SWOT from notes: the interviews and their SWOT saved together ------------------
    def save_swot_from_notes(
        self, contact_id: int | None, notes: Sequence[str], payload: dict[str, Any],
    ) -> int:
        """File notes as interviews of a contact (skipping ones already saved) and the SWOT built
        from them, in one transaction, so a failure leaves neither behind."""
        import json

        stamp = now_iso()
        with self.transaction() as conn:
            if contact_id is not None:
                self._file_interviews(conn, contact_id, notes, stamp, stamp)
            cur = conn.execute(
                "INSERT INTO swots (contact_id, payload, created_at) VALUES (?, ?, ?)",
                (contact_id, json.dumps(payload, ensure_ascii=False), stamp),
            )
            return int(cur.lastrowid or 0)
