"""One user's rows: profile, contacts and their history, question lists, interviews, SWOTs, drafts.

`open_database(settings).for_user(uid)` is the only way to reach them, and every statement here names
`user_id`, so a caller cannot forget the filter: another user's contact id behaves exactly like an
id that does not exist (reads find nothing, writes refuse with "no contact with id N").
The local user (no login, the CLI and the single-user app) is `LOCAL_USER_ID`.

The same SQL runs on SQLite and PostgreSQL (see `agent.store.db`): `?` placeholders, no literal
`%`, and `INSERT ... RETURNING id` for a new row's id (psycopg has no `lastrowid`).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from agent.errors import InputError

if TYPE_CHECKING:
    from agent.store.db import UserDatabase

LOCAL_USER_ID = 0


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _row(row: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """A row as a dict without its owner column: callers already know whose data it is, and the
    contact JSON of the CLI stays what it was."""
    if row is None:
        return None
    found = dict(row)
    found.pop("user_id", None)
    return found


def new_id(cursor: Any) -> int:
    """The id an `INSERT ... RETURNING id` made. All rows are read, so SQLite's statement is
    finished before the transaction commits."""
    return int(cursor.fetchall()[0][0])


class UserData:
    """Thin SQL access to one user's data; every public write is one transaction."""

    CONTACT_FIELDS = ("name", "role", "company", "connection", "seniority", "status", "notes", "bio")
    TRACKING_FIELDS = (
        "requested_at", "replied_at", "scheduled_at", "interview_at", "done_at", "thanked_at",
        "second_contact_at", "follow_up_sent_at", "intro_offered_at", "intro_to",
        "intro_checked_at", "posted_at",
    )

    def __init__(self, db: UserDatabase, user_id: int) -> None:
        self.db = db
        self.user_id = int(user_id)

    def _own(self, conn: Any, contact_id: int | None) -> None:
        """Refuse a contact id this user does not own, in the words used for an unknown id."""
        if contact_id is None:
            return
        found = conn.execute("SELECT 1 FROM contacts WHERE id = ? AND user_id = ?",
                             (contact_id, self.user_id)).fetchone()
        if found is None:
            raise InputError(f"no contact with id {contact_id}")

    # Profile -----------------------------------------------------------------
    def get_profile(self) -> dict[str, str]:
        with self.db.connect() as conn:
            row = conn.execute("SELECT name, background, goal FROM profiles WHERE user_id = ?",
                               (self.user_id,)).fetchone()
        return dict(row) if row else {"name": "", "background": "", "goal": ""}

    def save_profile(self, name: str, background: str, goal: str) -> None:
        with self.db.transaction() as conn:
            conn.execute(
                "INSERT INTO profiles (user_id, name, background, goal, updated_at) VALUES (?, ?, ?, ?, ?)"
                " ON CONFLICT(user_id) DO UPDATE SET name=excluded.name, background=excluded.background,"
                " goal=excluded.goal, updated_at=excluded.updated_at",
                (self.user_id, name, background, goal, now_iso()),
            )

    # Contacts ------------------------------------------------------------------
    def add_contact(self, name: str, **fields: str) -> int:
        unknown = set(fields) - set(self.CONTACT_FIELDS)
        if unknown:
            raise ValueError(f"unknown contact fields: {sorted(unknown)}")
        return self.save_contact(None, {"name": name, **fields})

    def update_contact(self, contact_id: int, **fields: str) -> None:
        unknown = set(fields) - set(self.CONTACT_FIELDS)
        if unknown:
            raise ValueError(f"unknown contact fields: {sorted(unknown)}")
        if fields:
            self.save_contact(contact_id, dict(fields))

    def get_contact(self, contact_id: int) -> dict[str, Any] | None:
        with self.db.connect() as conn:
            row = conn.execute("SELECT * FROM contacts WHERE id = ? AND user_id = ?",
                               (contact_id, self.user_id)).fetchone()
        return _row(row)

    def list_contacts(self) -> list[dict[str, Any]]:
        with self.db.connect() as conn:
            rows = conn.execute("SELECT * FROM contacts WHERE user_id = ? ORDER BY id",
                                (self.user_id,)).fetchall()
        return [r for r in map(_row, rows) if r is not None]

    def save_contact(
        self, contact_id: int | None, fields: dict[str, Any],
        events: Sequence[tuple[str, str]] = (),
    ) -> int:
        """Insert (id None) or update a contact and append its history rows in one transaction.

        `fields` may hold the core columns and the tracking timestamps; `events` are
        (event, at) pairs such as ("status:requested", "2025-05-12T09:00:00+02:00"). Updating a
        contact this user does not own raises KeyError, as for an id that does not exist.
        """
        allowed = set(self.CONTACT_FIELDS) | set(self.TRACKING_FIELDS)
        unknown = set(fields) - allowed
        if unknown:
            raise ValueError(f"unknown contact fields: {sorted(unknown)}")
        stamp = now_iso()
        with self.db.transaction() as conn:
            if contact_id is None:
                if not fields.get("name"):
                    raise ValueError("a contact needs a name")
                cols = "".join(f"{k}, " for k in fields)
                marks = "".join("?, " for _ in fields)
                cur = conn.execute(
                    f"INSERT INTO contacts ({cols}user_id, created_at, updated_at)"
                    f" VALUES ({marks}?, ?, ?) RETURNING id",
                    (*fields.values(), self.user_id, stamp, stamp),
                )
                contact_id = new_id(cur)
            else:
                sets = "".join(f"{k} = ?, " for k in fields)
                cur = conn.execute(
                    f"UPDATE contacts SET {sets}updated_at = ? WHERE id = ? AND user_id = ?",
                    (*fields.values(), stamp, contact_id, self.user_id))
                if cur.rowcount == 0:
                    raise KeyError(contact_id)
            conn.executemany(
                "INSERT INTO contact_history (contact_id, user_id, event, at, created_at)"
                " VALUES (?, ?, ?, ?, ?)",
                [(contact_id, self.user_id, event, at, stamp) for event, at in events],
            )
        return contact_id

    def contact_history(self, contact_id: int) -> list[dict[str, Any]]:
        with self.db.connect() as conn:
            rows = conn.execute(
                "SELECT event, at, created_at FROM contact_history WHERE contact_id = ? AND user_id = ?"
                " ORDER BY id", (contact_id, self.user_id),
            ).fetchall()
        return [dict(r) for r in rows]

    def save_question_list(self, contact_id: int, questions: list[dict[str, Any]]) -> None:
        with self.db.transaction() as conn:
            self._own(conn, contact_id)
            conn.execute(
                "INSERT INTO question_lists (contact_id, user_id, questions, updated_at)"
                " VALUES (?, ?, ?, ?) ON CONFLICT(contact_id) DO UPDATE SET"
                " questions=excluded.questions, updated_at=excluded.updated_at",
                (contact_id, self.user_id, json.dumps(questions, ensure_ascii=False), now_iso()),
            )

    def get_question_list(self, contact_id: int) -> list[dict[str, Any]]:
        with self.db.connect() as conn:
            row = conn.execute(
                "SELECT questions FROM question_lists WHERE contact_id = ? AND user_id = ?",
                (contact_id, self.user_id),
            ).fetchone()
        return list(json.loads(row["questions"])) if row else []

    # Interviews (one row per conversation, holding the user's notes) -------------
    def add_interview(self, contact_id: int | None, notes: str, held_at: str | None = None) -> int:
        stamp = now_iso()
        with self.db.transaction() as conn:
            self._own(conn, contact_id)
            cur = conn.execute(
                "INSERT INTO interviews (contact_id, user_id, held_at, notes, created_at)"
                " VALUES (?, ?, ?, ?, ?) RETURNING id",
                (contact_id, self.user_id, held_at or stamp, notes, stamp),
            )
            return new_id(cur)

    def interviews(self, contact_id: int | None = None) -> list[dict[str, Any]]:
        return self._rows("interviews", "held_at, id", contact_id)

    def _rows(self, table: str, order: str, contact_id: int | None) -> list[dict[str, Any]]:
        """This user's rows of `table` (all, or one contact's), in `order`."""
        with self.db.connect() as conn:
            if contact_id is None:
                rows = conn.execute(f"SELECT * FROM {table} WHERE user_id = ? ORDER BY {order}",
                                    (self.user_id,)).fetchall()
            else:
                rows = conn.execute(
                    f"SELECT * FROM {table} WHERE user_id = ? AND contact_id = ? ORDER BY {order}",
                    (self.user_id, contact_id)).fetchall()
        return [r for r in map(_row, rows) if r is not None]

    # Drafts ----------------------------------------------------------------------
    def save_draft(self, kind: str, subject: str, body: str, contact_id: int | None = None) -> int:
        with self.db.transaction() as conn:
            self._own(conn, contact_id)
            cur = conn.execute(
                "INSERT INTO drafts (contact_id, user_id, kind, subject, body, created_at)"
                " VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
                (contact_id, self.user_id, kind, subject, body, now_iso()),
            )
            return new_id(cur)

    def drafts(self, contact_id: int | None = None) -> list[dict[str, Any]]:
        return self._rows("drafts", "id", contact_id)

    # SWOT results ----------------------------------------------------------------
    def save_swot(self, contact_id: int | None, payload: dict[str, Any]) -> int:
        """Store one SWOT result (the `coach swot` JSON object) for a contact."""
        return self.save_swot_from_notes(contact_id, [], payload)

    def swots(self, contact_id: int | None = None) -> list[dict[str, Any]]:
        """SWOT results, oldest first, each as {id, contact_id, payload, created_at}."""
        return [{**r, "payload": json.loads(r["payload"])} for r in self._rows("swots", "id", contact_id)]

    def _file_interviews(self, conn: Any, contact_id: int, notes: Sequence[str],
                         held_at: str, stamp: str) -> None:
        """Add each notes text as an interview of the contact unless it is already filed."""
        self._own(conn, contact_id)
        known = {r["notes"] for r in conn.execute(
            "SELECT notes FROM interviews WHERE contact_id = ? AND user_id = ?",
            (contact_id, self.user_id)).fetchall()}
        for text in dict.fromkeys(notes):
            if text not in known:
                conn.execute(
                    "INSERT INTO interviews (contact_id, user_id, held_at, notes, created_at)"
                    " VALUES (?, ?, ?, ?, ?)", (contact_id, self.user_id, held_at, text, stamp))

    def file_interviews(self, contact_id: int, notes: Sequence[str]) -> None:
        """File several interviews' notes under a contact in one transaction (known ones skipped)."""
        stamp = now_iso()
        with self.db.transaction() as conn:
            self._file_interviews(conn, contact_id, notes, stamp, stamp)

    def save_thank_you(self, contact_id: int | None, notes: str, held_at: str, subject: str,
                       body: str) -> int:
        """File the notes as an interview of the contact (once) and keep the draft, in one
        transaction; without a contact only the draft is kept."""
        stamp = now_iso()
        with self.db.transaction() as conn:
            if contact_id is not None:
                self._file_interviews(conn, contact_id, [notes], held_at, stamp)
            cur = conn.execute(
                "INSERT INTO drafts (contact_id, user_id, kind, subject, body, created_at)"
                " VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
                (contact_id, self.user_id, "thank_you", subject, body, stamp))
            return new_id(cur)

    def save_swot_from_notes(
        self, contact_id: int | None, notes: Sequence[str], payload: dict[str, Any],
    ) -> int:
        """File notes as interviews of a contact (skipping ones already saved) and the SWOT built
        from them, in one transaction, so a failure leaves neither behind."""
        stamp = now_iso()
        with self.db.transaction() as conn:
            self._own(conn, contact_id)
            if contact_id is not None:
                self._file_interviews(conn, contact_id, notes, stamp, stamp)
            cur = conn.execute(
                "INSERT INTO swots (contact_id, user_id, payload, created_at) VALUES (?, ?, ?, ?)"
                " RETURNING id",
                (contact_id, self.user_id, json.dumps(payload, ensure_ascii=False), stamp),
            )
            return new_id(cur)

    def forget_everything(self, conn: Any) -> None:
        """Delete every row this user owns, inside the caller's transaction (removing an account)."""
        for table in ("contact_history", "question_lists", "interviews", "swots", "drafts"):
            conn.execute(f"DELETE FROM {table} WHERE user_id = ?", (self.user_id,))
        conn.execute("DELETE FROM contacts WHERE user_id = ?", (self.user_id,))
        conn.execute("DELETE FROM profiles WHERE user_id = ?", (self.user_id,))
