"""The rehearsal checkpointer: LangGraph's `SqliteSaver` on `checkpoints.sqlite3` by default, or
its `PostgresSaver` when `COACH_DATABASE_URL` is set (see `agent.store.pg_checkpoints`).

Both have the same failure handling as the user's database: a full disk, a read-only folder, a
damaged file or a database server that is down becomes one `StorageError` line, and a failed write
is rolled back instead of committed half-way (the SQLite saver commits in a `finally`, even after
an error, so this one rolls back first)."""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from langgraph.checkpoint.base import BaseCheckpointSaver
from langgraph.checkpoint.sqlite import SqliteSaver

from agent.config import Settings
from agent.store.errors import is_storage_failure, storage_error


class CheckpointSaver(SqliteSaver):
    """`SqliteSaver` whose every database access goes through one guarded cursor."""

    path: Path

    @contextmanager
    def cursor(self, transaction: bool = True) -> Iterator[sqlite3.Cursor]:
        try:
            with super().cursor(transaction=False) as cur:
                yield cur
                if transaction:
                    self.conn.commit()
        except BaseException as exc:
            with contextlib.suppress(sqlite3.Error):
                self.conn.rollback()
            if isinstance(exc, sqlite3.Error) and is_storage_failure(exc):
                raise storage_error(exc, self.path) from exc
            raise

    def close(self) -> None:
        self.conn.close()

    def thread_checkpoint_counts(self) -> dict[str, int]:
        """How many checkpoints each thread holds (for `coach admin prune`)."""
        with self.cursor(transaction=False) as cur:
            rows = cur.execute("SELECT thread_id, COUNT(*) FROM checkpoints GROUP BY thread_id")
            return {str(thread): int(count) for thread, count in rows.fetchall()}


def open_saver(settings: Settings) -> BaseCheckpointSaver[Any]:
    """The rehearsal checkpointer `settings` ask for: PostgreSQL with a database URL, else SQLite.

    The PostgreSQL module (psycopg and its pool) is imported only when it is used."""
    if settings.database_url:
        from agent.store.pg_checkpoints import open_postgres_saver

        return open_postgres_saver(settings.database_url)
    return open_sqlite_saver(settings)


def open_sqlite_saver(settings: Settings) -> CheckpointSaver:
    """The checkpointer on `checkpoints.sqlite3` in the data folder (one connection per process)."""
    path = settings.checkpoint_path
    try:
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(str(path), check_same_thread=False)
    except (OSError, sqlite3.Error) as exc:
        raise storage_error(exc, path) from exc
    saver = CheckpointSaver(conn)
    saver.path = path
    return saver
