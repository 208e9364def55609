"""The rehearsal checkpointer on PostgreSQL (`COACH_DATABASE_URL`), for many users on one server.

LangGraph's `PostgresSaver` on a psycopg 3 `ConnectionPool`: the pool reconnects by itself after
the database restarts (each connection is checked when it is taken), where one long-lived
connection would stay broken until the app restarts. `setup()` runs once at start, so the tables
exist before the first rehearsal. As with the SQLite file, a database that is down, refuses the
login or loses the connection mid-turn becomes one `StorageError` line naming the server (never
its password) instead of a traceback. There is no rollback to add here, unlike SQLite: the
connections are in autocommit, and the saver writes a checkpoint's blobs before the checkpoint row
that refers to them (in one pipeline, which stops at the first failed statement), so a write cut
off by a lost connection leaves at most unreferenced blobs, never a checkpoint missing its data.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from langgraph.checkpoint.postgres import PostgresSaver
from psycopg.rows import dict_row
from psycopg_pool import ConnectionPool

from agent.errors import StorageError
from agent.store.pg_db import CONNECT_TIMEOUT, check_reachable, is_postgres_failure, postgres_error

POOL_SIZE = 4  # the saver serialises its own cursors; a few spare connections cover reconnects
WHAT = "rehearsal database"  # in its failure lines (the user data may share the same server)


class GuardedPostgresSaver(PostgresSaver):
    """`PostgresSaver` whose every database access turns a lost server into a `StorageError`."""

    url: str

    @contextmanager
    def _cursor(self, *, pipeline: bool = False) -> Iterator[Any]:
        try:
            with super()._cursor(pipeline=pipeline) as cur:
                yield cur
        except StorageError:
            raise
        except Exception as exc:
            if is_postgres_failure(exc):
                raise postgres_error(exc, self.url, WHAT) from exc
            raise

    def close(self) -> None:
        pool = self.conn
        if isinstance(pool, ConnectionPool):
            pool.close()

    def thread_checkpoint_counts(self) -> dict[str, int]:
        """How many checkpoints each thread holds (for `coach admin prune`)."""
        with self._cursor() as cur:
            cur.execute("SELECT thread_id, COUNT(*) AS n FROM checkpoints GROUP BY thread_id")
            return {str(row["thread_id"]): int(row["n"]) for row in cur.fetchall()}


def open_postgres_saver(url: str) -> GuardedPostgresSaver:
    """A pooled saver on `url` with its tables created (or migrated); a server that is down or
    refuses the login is one `StorageError` line, found by one direct connection first (the
    pool would retry in the background and only report a timeout)."""
    check_reachable(url, WHAT)
    pool: ConnectionPool[Any] = ConnectionPool(
        url, min_size=1, max_size=POOL_SIZE, open=False, timeout=CONNECT_TIMEOUT,
        check=ConnectionPool.check_connection, name="coach-checkpoints",
        kwargs={"autocommit": True, "prepare_threshold": 0, "row_factory": dict_row,
                "connect_timeout": CONNECT_TIMEOUT},
    )
    saver = GuardedPostgresSaver(pool)
    saver.url = url
    try:
        pool.open(wait=True, timeout=CONNECT_TIMEOUT)
        saver.setup()
    except BaseException as exc:
        pool.close()
        if isinstance(exc, Exception) and is_postgres_failure(exc):
            raise postgres_error(exc, url, WHAT) from exc
        raise
    return saver
