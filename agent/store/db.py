"""The coach's user database: SQLite in the data folder by default (`Database`), PostgreSQL with
`COACH_DATABASE_URL` (`agent.store.pg_db.PgDatabase`); `open_database(settings)` picks one.

Both run the same SQL (`UserData`, the accounts, the ingestion manifest below), written with `?`
placeholders; only connections, transactions, the schema scripts and the error lines differ, so
the two cannot drift apart. What a user owns (profile, contacts, drafts...) is reached through
`for_user(uid)` (`UserData`).

On SQLite: WAL mode and one short transaction per save, so a crash mid-save never loses what was already
committed. A connection per operation keeps Gradio's worker threads independent. Schema changes
are appended to `MIGRATIONS` and applied in order, tracked by `PRAGMA user_version` (PostgreSQL
has its own list, `PG_MIGRATIONS`, which must end at the same tables and columns).

Every SQLite failure leaves as a `StorageError` naming the file and the repair (disk full, damaged
file, read-only folder). A database in a read-only folder is opened read-only: contacts can still
be listed, shown, exported and backed up, and every save refuses with one line before it starts.
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar
from urllib.parse import quote

from agent.errors import StorageError
from agent.store.errors import describe, folder_writable, is_storage_failure, storage_error
from agent.store.userdata import LOCAL_USER_ID, UserData, now_iso

if TYPE_CHECKING:
    from agent.config import Settings

__all__ = ["LOCAL_USER_ID", "MIGRATIONS", "Database", "UserData", "UserDatabase", "connect_read_only",
           "now_iso", "open_database"]

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
    # Accounts (`coach users`, `coach ui --multi-user`): everything a user owns carries their id,
    # and the rows already here belong to the local user (id 0, the one without a login). The
    # profile moves to a table keyed by user; `users` ids never repeat (AUTOINCREMENT), so a new
    # account can never inherit a removed one's rows.
    """
    ALTER TABLE contacts ADD COLUMN user_id INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE question_lists ADD COLUMN user_id INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE interviews ADD COLUMN user_id INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE contact_history ADD COLUMN user_id INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE swots ADD COLUMN user_id INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE drafts ADD COLUMN user_id INTEGER NOT NULL DEFAULT 0;
    CREATE INDEX contacts_user ON contacts(user_id);
    CREATE INDEX interviews_user ON interviews(user_id);
    CREATE INDEX swots_user ON swots(user_id);
    CREATE INDEX drafts_user ON drafts(user_id);
    CREATE TABLE profiles (
        user_id INTEGER PRIMARY KEY,
        name TEXT NOT NULL DEFAULT '',
        background TEXT NOT NULL DEFAULT '',
        goal TEXT NOT NULL DEFAULT '',
        updated_at TEXT NOT NULL
    );
    INSERT INTO profiles (user_id, name, background, goal, updated_at)
        SELECT 0, name, background, goal, updated_at FROM profile;
    DROP TABLE profile;
    CREATE TABLE users (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        name TEXT NOT NULL UNIQUE,
        password_hash TEXT NOT NULL,
        admin INTEGER NOT NULL DEFAULT 0,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
    );
    """,
]


def connect_read_only(path: Path) -> sqlite3.Connection:
    """A connection that never writes: for the doctor, backups and a read-only data folder.
    Without a -wal file (a clean shutdown) SQLite cannot create one in a read-only folder;
    `immutable` lets it read the file as it is, which is then the whole database."""
    path = Path(path)
    wal = path.with_name(path.name + "-wal")
    flags = "mode=ro" if wal.exists() else "mode=ro&immutable=1"
    return sqlite3.connect(f"file:{quote(str(path.resolve()))}?{flags}", uri=True, timeout=10,
                           isolation_level=None)


class UserDatabase:
    """What `UserData`, the accounts and the ingestion pipeline need from a user database, and the
    SQL they share. A subclass provides `connect()` and `transaction()`: context managers yielding
    a connection whose `execute(sql, params)` / `executemany` take `?`-placeholder SQL and return
    rows readable as `row["col"]`, `row[0]` and `dict(row)`. Every public write is one
    transaction."""

    # What a broken constraint (a duplicate user name) raises on this engine.
    IntegrityError: ClassVar[type[Exception]] = sqlite3.IntegrityError
    read_only: bool = False

    def connect(self) -> AbstractContextManager[Any]:
        raise NotImplementedError

    def transaction(self) -> AbstractContextManager[Any]:
        raise NotImplementedError

    def close(self) -> None:
        """Release what the database holds open between operations (a connection pool)."""

    # Users' data ---------------------------------------------------------------
    def for_user(self, user_id: int) -> UserData:
        """The view of one user's rows; the only way to read or write what a user owns."""
        return UserData(self, user_id)

    def local_user(self) -> UserData:
        """The rows of the local user: the CLI and the app without `--multi-user`."""
        return UserData(self, LOCAL_USER_ID)

    # Ingestion manifest --------------------------------------------------------
    def manifest(self, kind: str, encoder: str) -> dict[str, str]:
        """{source: sha256} of the files indexed into `kind` with `encoder`'s vectors."""
        with self.connect() as conn:
            rows = conn.execute(
                "SELECT source, sha256 FROM ingest_manifest WHERE kind = ? AND encoder = ?",
                (kind, encoder),
            ).fetchall()
        return {r["source"]: r["sha256"] for r in rows}

    def manifest_chunks(self, kind: str, encoder: str) -> int:
        """How many chunks the manifest says `kind`'s collection holds for `encoder`."""
        with self.connect() as conn:
            row = conn.execute(
                "SELECT COALESCE(SUM(chunks), 0) FROM ingest_manifest WHERE kind = ? AND encoder = ?",
                (kind, encoder),
            ).fetchone()
        return int(row[0])

    def manifest_rows(self, kind: str, encoder: str | None = None) -> list[dict[str, Any]]:
        """Every manifest row of `kind` (for one encoder, or all), for backups and the doctor."""
        with self.connect() as conn:
            if encoder is None:
                rows = conn.execute("SELECT * FROM ingest_manifest WHERE kind = ? ORDER BY source",
                                    (kind,)).fetchall()
            else:
                rows = conn.execute("SELECT * FROM ingest_manifest WHERE kind = ? AND encoder = ?"
                                    " ORDER BY source", (kind, encoder)).fetchall()
        return [dict(r) for r in rows]

    def forget_ingest(self, kind: str, encoder: str) -> None:
        """Drop the manifest of `kind` for `encoder`, so the next ingest re-indexes every file."""
        with self.transaction() as conn:
            conn.execute("DELETE FROM ingest_manifest WHERE kind = ? AND encoder = ?", (kind, encoder))

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



def open_database(settings: Settings) -> UserDatabase:
    """The user database `settings` ask for: PostgreSQL with a database URL, else SQLite in the
    data folder. The PostgreSQL module is imported only when it is used."""
    if settings.database_url:
        from agent.store.pg_db import PgDatabase

        return PgDatabase(settings.database_url)
    return Database(settings.db_path)


class Database(UserDatabase):
    """The user database in one SQLite file, with its migrations."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.read_only = False
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise storage_error(exc, self.path) from exc
        try:
            with self.connect() as conn:
                conn.execute("PRAGMA journal_mode=WAL")
                self._migrate(conn)
        except StorageError:
            if not self._open_read_only():
                raise

    def _open_read_only(self) -> bool:
        """Fall back to reading when the folder cannot be written but the file is there and
        current; False when that is not the situation (the original error then stands)."""
        if not self.path.is_file() or folder_writable(self.path.parent):
            return False
        self.read_only = True
        try:
            with self.connect() as conn:
                version = conn.execute("PRAGMA user_version").fetchone()[0]
        except StorageError:
            self.read_only = False
            return False
        if version != len(MIGRATIONS):
            self.read_only = False
            return False
        return True

    def _sqlite_connect(self) -> sqlite3.Connection:
        if not self.read_only:
            return sqlite3.connect(self.path, timeout=10, isolation_level=None)
        return connect_read_only(self.path)

    @contextmanager
    def connect(self) -> Iterator[sqlite3.Connection]:
        try:
            conn = self._sqlite_connect()
        except sqlite3.Error as exc:
            raise storage_error(exc, self.path) from exc
        try:
            conn.row_factory = sqlite3.Row
            conn.execute("PRAGMA foreign_keys=ON")
            conn.execute("PRAGMA synchronous=NORMAL")
            yield conn
        except sqlite3.Error as exc:
            if not is_storage_failure(exc):
                raise
            raise storage_error(exc, self.path) from exc
        finally:
            conn.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        if self.read_only:
            raise StorageError(describe("attempt to write a readonly database", self.path))
        with self.connect() as conn:
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
            except BaseException:
                with contextlib.suppress(sqlite3.Error):
                    conn.execute("ROLLBACK")
                raise
            # A COMMIT that fails (disk full) leaves the transaction open; closing the connection
            # rolls it back, so nothing of it is kept.
            conn.execute("COMMIT")

    def _migrate(self, conn: sqlite3.Connection) -> None:
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        for index, script in enumerate(MIGRATIONS[version:], start=version + 1):
            conn.executescript(f"BEGIN;\n{script}\nPRAGMA user_version = {index};\nCOMMIT;")
