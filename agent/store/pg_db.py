"""The user database on PostgreSQL (`COACH_DATABASE_URL`), for many users on one server.

`PgDatabase` has `Database`'s interface, so `UserData`, the accounts and the ingestion manifest run
the same `?`-placeholder SQL on both engines (translated to psycopg's `%s` in one place,
`_Connection`); rows read like `sqlite3.Row` (`row["col"]`, `row[0]`, `dict(row)`).

Connections come from one psycopg 3 `ConnectionPool` per process (`Deps` caches the database),
each checked when it is taken, so the app recovers by itself after the server restarts. They are
in autocommit: a read is one statement, and `transaction()` wraps a save in BEGIN/COMMIT, rolled
back on any error, as on SQLite.

The schema is created or migrated at start, in one transaction holding an advisory lock, so two
app processes starting together do not race; `schema_version` records how far `PG_MIGRATIONS`
went. Its first script creates what SQLite's `MIGRATIONS` end at (the same tables, columns in the
same order, keys, cascades and indexes; identity ids, which are never reused), and a test checks
the two stay alike.

A server that is down, refuses the login or drops the connection mid-operation becomes one
`StorageError` line naming `host:port/database` (never the user or password); a broken constraint
or a wrong query stays its own exception.
"""

from __future__ import annotations

import weakref
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any, ClassVar
from urllib.parse import urlsplit

import psycopg
from psycopg_pool import ConnectionPool, PoolTimeout

from agent.errors import StorageError
from agent.store.db import UserDatabase

CONNECT_TIMEOUT = 10  # seconds: a database that is down fails the first request quickly
POOL_MIN, POOL_MAX = 1, 8  # statements are short; Gradio's threads rarely hold more than a few
MIGRATION_LOCK = 0x636F616368  # "coach": the advisory lock key the schema migration holds

PG_MIGRATIONS: list[str] = [
    # The schema SQLite's MIGRATIONS (1-7) end at.
    """
    CREATE TABLE ingest_manifest (
        kind TEXT NOT NULL,
        encoder TEXT NOT NULL,
        source TEXT NOT NULL,
        sha256 TEXT NOT NULL,
        chunks INTEGER NOT NULL,
        updated_at TEXT NOT NULL,
        PRIMARY KEY (kind, encoder, source)
    );
    CREATE TABLE drafts (
        id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        contact_id BIGINT,
        kind TEXT NOT NULL,
        subject TEXT NOT NULL DEFAULT '',
        body TEXT NOT NULL,
        created_at TEXT NOT NULL,
        user_id BIGINT NOT NULL DEFAULT 0
    );
    CREATE TABLE contacts (
        id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        name TEXT NOT NULL,
        role TEXT NOT NULL DEFAULT '',
        company TEXT NOT NULL DEFAULT '',
        connection TEXT NOT NULL DEFAULT '',
        seniority TEXT NOT NULL DEFAULT '',
        status TEXT NOT NULL DEFAULT 'to_contact',
        notes TEXT NOT NULL DEFAULT '',
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        requested_at TEXT,
        replied_at TEXT,
        scheduled_at TEXT,
        interview_at TEXT,
        done_at TEXT,
        thanked_at TEXT,
        second_contact_at TEXT,
        follow_up_sent_at TEXT,
        intro_offered_at TEXT,
        intro_to TEXT NOT NULL DEFAULT '',
        intro_checked_at TEXT,
        posted_at TEXT,
        bio TEXT NOT NULL DEFAULT '',
        user_id BIGINT NOT NULL DEFAULT 0
    );
    CREATE TABLE question_lists (
        contact_id BIGINT PRIMARY KEY REFERENCES contacts(id) ON DELETE CASCADE,
        questions TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        user_id BIGINT NOT NULL DEFAULT 0
    );
    CREATE TABLE interviews (
        id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        contact_id BIGINT REFERENCES contacts(id) ON DELETE CASCADE,
        held_at TEXT NOT NULL,
        notes TEXT NOT NULL,
        created_at TEXT NOT NULL,
        user_id BIGINT NOT NULL DEFAULT 0
    );
    CREATE INDEX interviews_contact ON interviews(contact_id);
    CREATE TABLE contact_history (
        id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        contact_id BIGINT NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
        event TEXT NOT NULL,
        at TEXT NOT NULL,
        created_at TEXT NOT NULL,
        user_id BIGINT NOT NULL DEFAULT 0
    );
    CREATE INDEX contact_history_contact ON contact_history(contact_id);
    CREATE TABLE swots (
        id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        contact_id BIGINT REFERENCES contacts(id) ON DELETE CASCADE,
        payload TEXT NOT NULL,
        created_at TEXT NOT NULL,
        user_id BIGINT NOT NULL DEFAULT 0
    );
    CREATE INDEX swots_contact ON swots(contact_id);
    CREATE INDEX contacts_user ON contacts(user_id);
    CREATE INDEX interviews_user ON interviews(user_id);
    CREATE INDEX swots_user ON swots(user_id);
    CREATE INDEX drafts_user ON drafts(user_id);
    CREATE TABLE profiles (
        user_id BIGINT PRIMARY KEY,
        name TEXT NOT NULL DEFAULT '',
        background TEXT NOT NULL DEFAULT '',
        goal TEXT NOT NULL DEFAULT '',
        updated_at TEXT NOT NULL
    );
    CREATE TABLE users (
        id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        name TEXT NOT NULL UNIQUE,
        password_hash TEXT NOT NULL,
        admin INTEGER NOT NULL DEFAULT 0,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
    );
    """,
]


def redacted(url: str) -> str:
    """`host:port/database` of a PostgreSQL URL, without the user name or password."""
    parts = urlsplit(url)
    where = parts.hostname or "localhost"
    if parts.port:
        where += f":{parts.port}"
    return f"{where}{parts.path or '/'}"


def postgres_error(exc: BaseException, url: str, what: str = "database") -> StorageError:
    """One line for a PostgreSQL failure: what happened, where, and what to do."""
    first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
    if "password" in first.lower():
        first = "authentication failed"
    return StorageError(
        f"cannot use the {what} at {redacted(url)} ({first[:120]}): check that PostgreSQL is "
        "running and COACH_DATABASE_URL is right, then try again")


def is_postgres_failure(exc: BaseException) -> bool:
    """Connection, login and server failures, as opposed to programming errors in a query."""
    return isinstance(exc, (PoolTimeout, psycopg.OperationalError, psycopg.InterfaceError))


def check_reachable(url: str, what: str = "database") -> None:
    """One direct connection, so a server that is down or refuses the login is one `StorageError`
    line at once (a pool would retry in the background and only report a timeout)."""
    try:
        psycopg.connect(url, connect_timeout=CONNECT_TIMEOUT).close()
    except Exception as exc:
        if is_postgres_failure(exc):
            raise postgres_error(exc, url, what) from exc
        raise


class Row(Sequence[Any]):
    """A result row read like `sqlite3.Row`: by position, by column name, and as `dict(row)`."""

    __slots__ = ("_index", "_values")

    def __init__(self, values: Sequence[Any], index: dict[str, int]) -> None:
        self._values = tuple(values)
        self._index = index

    def __getitem__(self, key: Any) -> Any:
        return self._values[self._index[key] if isinstance(key, str) else key]

    def __len__(self) -> int:
        return len(self._values)

    def keys(self) -> list[str]:
        return list(self._index)

    def __repr__(self) -> str:
        return f"Row({dict(zip(self._index, self._values, strict=True))!r})"


def sqlite_like_rows(cursor: Any) -> Any:
    """psycopg row factory making `Row`s (the column index is built once per result)."""
    names = [column.name for column in cursor.description or ()]
    index = {name: position for position, name in enumerate(names)}
    return lambda values: Row(values, index)


class _Connection:
    """A pooled connection that takes the shared SQL: `?` placeholders become `%s` here, the one
    place the dialects meet (the shared SQL holds no literal `%` or `?`)."""

    def __init__(self, conn: psycopg.Connection[Any]) -> None:
        self.raw = conn

    @staticmethod
    def _sql(sql: str) -> str:
        if "%" in sql:
            raise ValueError("shared SQL must not contain '%' (psycopg reads it as a placeholder)")
        return sql.replace("?", "%s")

    def execute(self, sql: str, params: Sequence[Any] = ()) -> psycopg.Cursor[Any]:
        return self.raw.execute(self._sql(sql), tuple(params) or None)  # type: ignore[arg-type]

    def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        rows = list(rows)
        if rows:
            with self.raw.cursor() as cur:
                cur.executemany(self._sql(sql), rows)  # type: ignore[arg-type]


class PgDatabase(UserDatabase):
    """The user database on a PostgreSQL server, migrated when opened (see the module doc)."""

    IntegrityError: ClassVar[type[Exception]] = psycopg.IntegrityError

    def __init__(self, url: str) -> None:
        self.url = url
        self.read_only = False
        check_reachable(url)
        self.pool: ConnectionPool[Any] = ConnectionPool(
            url, min_size=POOL_MIN, max_size=POOL_MAX, open=False, timeout=CONNECT_TIMEOUT,
            check=ConnectionPool.check_connection, name="coach-user-data",
            kwargs={"autocommit": True, "row_factory": sqlite_like_rows,
                    "connect_timeout": CONNECT_TIMEOUT},
        )
        # The pool's threads stop with the database, or at exit for the one `Deps` keeps.
        self._finalizer = weakref.finalize(self, self.pool.close)
        try:
            self.pool.open(wait=True, timeout=CONNECT_TIMEOUT)
            self._migrate()
        except BaseException as exc:
            self.close()
            if isinstance(exc, Exception) and is_postgres_failure(exc):
                raise postgres_error(exc, url) from exc
            raise

    @property
    def where(self) -> str:
        """`host:port/database`, for messages."""
        return redacted(self.url)

    def close(self) -> None:
        self._finalizer()

    @contextmanager
    def connect(self) -> Iterator[_Connection]:
        try:
            with self.pool.connection() as conn:
                yield _Connection(conn)
        except Exception as exc:
            if is_postgres_failure(exc):
                raise postgres_error(exc, self.url) from exc
            raise

    @contextmanager
    def transaction(self) -> Iterator[_Connection]:
        with self.connect() as conn, conn.raw.transaction():
            yield conn

    def _migrate(self) -> None:
        with self.pool.connection() as conn, conn.transaction():
            conn.execute("SELECT pg_advisory_xact_lock(%s)", (MIGRATION_LOCK,))
            conn.execute("CREATE TABLE IF NOT EXISTS schema_version ("
                         "id INTEGER PRIMARY KEY CHECK (id = 1), version INTEGER NOT NULL)")
            row = conn.execute("SELECT version FROM schema_version").fetchone()
            version = int(row[0]) if row else 0
            if version > len(PG_MIGRATIONS):
                raise StorageError(
                    f"the database at {self.where} was written by a newer version of the coach "
                    f"(schema {version}): update the coach")
            for script in PG_MIGRATIONS[version:]:
                conn.execute(script)
            conn.execute("INSERT INTO schema_version (id, version) VALUES (1, %s) ON CONFLICT (id)"
                         " DO UPDATE SET version = excluded.version", (len(PG_MIGRATIONS),))


def server_summary(url: str) -> tuple[int, dict[str, int]]:
    """(schema version, {table: rows}) of the user database at `url`, only reading: for
    `coach doctor`. Version 0 and no tables when the app has not created them yet."""
    check_reachable(url)
    try:
        with psycopg.connect(url, connect_timeout=CONNECT_TIMEOUT, autocommit=True) as conn:
            tables = [r[0] for r in conn.execute(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = "
                "current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name").fetchall()]
            version = 0
            if "schema_version" in tables:
                row = conn.execute("SELECT version FROM schema_version").fetchone()
                version = int(row[0]) if row else 0
            counts = {t: int(conn.execute(  # type: ignore[index]
                          f'SELECT COUNT(*) FROM "{t}"').fetchone()[0])
                      for t in tables if t != "schema_version"}
    except Exception as exc:
        if is_postgres_failure(exc):
            raise postgres_error(exc, url) from exc
        raise
    return version, counts
