"""`coach admin copy-to-postgres`: move one install's SQLite data onto the PostgreSQL server.

A career centre often starts with one advisor trying the app on a laptop, then sets up the shared
server (`COACH_DATABASE_URL`). This copies what that data folder holds into the server's empty
database, so nothing typed so far is lost:

* the user database (`coach.sqlite3`): accounts, profiles, contacts and their history, question
  lists, interviews, SWOTs, drafts, with their ids, so every reference between them still holds;
  each identity counter then continues after the highest id copied;
* the rehearsal checkpoints (`checkpoints.sqlite3`), thread by thread and oldest first, so an
  unfinished rehearsal can be resumed on the server and a finished one still shows its feedback;
* the index manifest. With `COACH_CHROMA_URL` also set, the user's own document chunks are copied
  from the data folder's index into the Chroma server too (their vectors are recomputed), and
  only their manifest rows are copied: the built-in knowledge is indexed into the server at start.

The user database is copied in one transaction: a failure leaves the server database as empty as
it was. The target must be empty (no rows in any user table); copying twice would duplicate or
clash, so a second run is refused with one line. The SQLite files are only read (the user
database is first brought to the current schema, as opening the app would do).
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from typing import Any, cast

from agent.config import Settings
from agent.errors import InputError, StorageError

# Parents before children: question lists, interviews, history and SWOTs name a contact.
TABLES = ("users", "profiles", "contacts", "question_lists", "interviews", "contact_history",
          "swots", "drafts", "ingest_manifest")
IDENTITY_TABLES = ("users", "contacts", "interviews", "contact_history", "swots", "drafts")
USER_DOCS = "user_docs"


@dataclass
class CopyReport:
    source: str
    target: str
    dry_run: bool
    tables: dict[str, int] = field(default_factory=dict)
    rehearsal_threads: int = 0
    checkpoints: int = 0
    document_chunks: int = 0
    documents_to: str = "the same index (the data folder's)"

    def as_dict(self) -> dict[str, Any]:
        return {"source": self.source, "target": self.target, "dry_run": self.dry_run,
                "tables": self.tables, "rehearsal_threads": self.rehearsal_threads,
                "checkpoints": self.checkpoints, "document_chunks": self.document_chunks,
                "documents_to": self.documents_to}


def copy_to_postgres(settings: Settings, *, dry_run: bool = False, vectors: Any = None,
                     target_vectors: Any = None) -> CopyReport:
    """Copy the data folder's SQLite stores into `settings.database_url` (see the module doc).

    `vectors` / `target_vectors` are the data folder's index and the Chroma server's; they are
    opened here when the user's documents have to move and none is given."""
    from agent.store.db import Database
    from agent.store.pg_db import redacted

    url = settings.database_url
    if not url:
        raise InputError("set COACH_DATABASE_URL to the PostgreSQL database to copy into "
                         "(e.g. postgresql://coach:PASSWORD@127.0.0.1:5432/coach)")
    if not settings.db_path.is_file():
        raise InputError(f"nothing to copy: {settings.db_path} does not exist "
                         "(use --data-dir to name the data folder the app used)")
    source = Database(settings.db_path)  # brings an older file to the current schema
    report = CopyReport(str(settings.db_path), redacted(url), dry_run)
    with source.connect() as lite:
        rows = {table: _rows(lite, table) for table in TABLES}
    moving_docs = bool(settings.chroma_url)
    if moving_docs:
        rows["ingest_manifest"] = [r for r in rows["ingest_manifest"] if r["kind"] == USER_DOCS]
        report.documents_to = "the Chroma server (COACH_CHROMA_URL)"
    report.tables = {table: len(found) for table, found in rows.items()}
    threads = _checkpoint_threads(settings)
    report.rehearsal_threads = len(threads)
    report.checkpoints = sum(threads.values())
    docs: list[dict[str, Any]] = []
    if moving_docs:
        docs = _user_doc_records(settings, vectors)
        report.document_chunks = len(docs)
    if dry_run:
        _refuse_unless_empty(url)
        return report
    _copy_user_database(url, rows)
    if threads:
        _copy_checkpoints(settings)
    if docs:
        _copy_user_docs(settings, docs, target_vectors)
    return report


def _rows(conn: sqlite3.Connection, table: str) -> list[dict[str, Any]]:
    order = "id" if table in IDENTITY_TABLES else "rowid"
    return [dict(r) for r in conn.execute(f'SELECT * FROM "{table}" ORDER BY {order}')]


def _refuse_unless_empty(url: str) -> None:
    from agent.store.pg_db import PgDatabase, redacted, server_summary

    PgDatabase(url).close()  # creates the schema in a new database
    _, counts = server_summary(url)
    held = {t: n for t, n in counts.items() if n and t in TABLES}
    if held:
        listed = ", ".join(f"{n} {t}" for t, n in sorted(held.items()))
        raise InputError(f"the PostgreSQL database at {redacted(url)} already holds data ({listed}); "
                         "copy into an empty database, or remove those rows first")


def _copy_user_database(url: str, rows: dict[str, list[dict[str, Any]]]) -> None:
    """Every table in one transaction, ids kept; then each identity continues after the copy."""
    import psycopg

    from agent.store.pg_db import CONNECT_TIMEOUT, is_postgres_failure, postgres_error, redacted

    _refuse_unless_empty(url)
    try:
        with psycopg.connect(url, connect_timeout=CONNECT_TIMEOUT) as conn, conn.transaction():
            # Another copy started at the same moment waits here, then finds the data and stops.
            conn.execute("LOCK TABLE users, contacts IN EXCLUSIVE MODE")
            if conn.execute("SELECT (SELECT COUNT(*) FROM users) + (SELECT COUNT(*) FROM contacts)"
                            ).fetchone()[0]:  # type: ignore[index]
                raise InputError("another copy filled the PostgreSQL database meanwhile; nothing copied")
            for table in TABLES:
                found = rows[table]
                if not found:
                    continue
                columns = list(found[0])
                names = ", ".join(f'"{c}"' for c in columns)
                marks = ", ".join(["%s"] * len(columns))
                overriding = " OVERRIDING SYSTEM VALUE" if table in IDENTITY_TABLES else ""
                with conn.cursor() as cur:
                    cur.executemany(f'INSERT INTO "{table}" ({names}){overriding} VALUES ({marks})',
                                    [[r[c] for c in columns] for r in found])
            for table in IDENTITY_TABLES:
                conn.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                             f"COALESCE((SELECT MAX(id) FROM \"{table}\"), 0) + 1, false)")
    except InputError:
        raise
    except Exception as exc:
        if is_postgres_failure(exc):
            raise postgres_error(exc, url) from exc
        if isinstance(exc, psycopg.Error):  # e.g. a row the server's constraints refuse
            first = (str(exc).strip().splitlines() or [type(exc).__name__])[0][:160]
            raise StorageError(
                f"the copy to {redacted(url)} failed and nothing was copied ({first})") from exc
        raise


def _checkpoint_threads(settings: Settings) -> dict[str, int]:
    if not settings.checkpoint_path.is_file():
        return {}
    from agent.store.checkpoints import open_sqlite_saver

    saver = open_sqlite_saver(settings)
    try:
        return saver.thread_checkpoint_counts()
    finally:
        saver.close()


def _copy_checkpoints(settings: Settings) -> None:
    """Each rehearsal's checkpoints, oldest first, with their pending writes, into PostgresSaver."""
    from langchain_core.runnables import RunnableConfig

    from agent.store.checkpoints import open_sqlite_saver
    from agent.store.pg_checkpoints import open_postgres_saver

    assert settings.database_url
    lite = open_sqlite_saver(settings)
    pg = open_postgres_saver(settings.database_url)
    try:
        for saved in reversed(list(lite.list(None))):  # list() is newest first
            configurable = saved.config["configurable"]
            parent = cast(RunnableConfig, saved.parent_config or {"configurable": {
                "thread_id": configurable["thread_id"],
                "checkpoint_ns": configurable.get("checkpoint_ns", "")}})
            stored = pg.put(parent, saved.checkpoint, saved.metadata,
                            dict(saved.checkpoint["channel_versions"]))
            by_task: dict[str, list[tuple[str, Any]]] = {}
            for task_id, channel, value in saved.pending_writes or []:
                by_task.setdefault(task_id, []).append((channel, value))
            for task_id, writes in by_task.items():
                pg.put_writes(stored, writes, task_id)
    finally:
        lite.close()
        pg.close()


def _user_doc_records(settings: Settings, vectors: Any) -> list[dict[str, Any]]:
    from agent.store.backup import user_doc_records

    if vectors is None:
        from agent.embeddings import make_encoder
        from agent.store.vectors import VectorStore

        if not settings.chroma_dir.is_dir():
            return []
        vectors = VectorStore(settings.chroma_dir, make_encoder(settings))
    return user_doc_records(vectors)


def _copy_user_docs(settings: Settings, docs: list[dict[str, Any]], target: Any) -> None:
    if target is None:
        from agent.embeddings import make_encoder
        from agent.store.vectors import open_vectors

        target = open_vectors(settings, make_encoder(settings))
    target.upsert(USER_DOCS, [d["id"] for d in docs], [d["text"] for d in docs],
                  [d["metadata"] for d in docs])
