"""The rehearsal checkpointer (LangGraph's `SqliteSaver` on `checkpoints.sqlite3`) with the same
failure handling as the user's database: a full disk, a read-only folder or a damaged file becomes
one `StorageError` line, and a failed write is rolled back instead of committed half-way (the
saver commits in a `finally`, even after an error)."""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

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


def open_saver(settings: Settings) -> CheckpointSaver:
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
