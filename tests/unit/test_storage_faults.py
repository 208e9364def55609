"""A full disk, a read-only folder and a damaged file become one `StorageError` line naming the
file and the repair; nothing is left half-saved, and a read-only database can still be read."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from agent.config import Settings
from agent.errors import StorageError
from agent.store import db as db_module
from agent.store.checkpoints import open_saver
from agent.store.db import Database
from agent.store.errors import INDEX, describe, storage_error
from tests.conftest import make_settings


def contact(db: Database, name: str) -> int:
    return db.local_user().save_contact(None, {"name": name, "notes": "x" * 3000},
                           [("created", "2025-05-12T09:00:00+00:00")])


@pytest.mark.parametrize(("message", "needle"), [
    ("database or disk is full", "no space left"),
    ("file is not a database", "damaged"),
    ("database disk image is malformed", "coach restore"),
    ("attempt to write a readonly database", "read-only"),
    ("disk I/O error", "not saved"),
])
def test_sqlite_messages_become_one_actionable_line(tmp_path: Path, message: str, needle: str) -> None:
    line = describe(message, tmp_path / "coach.sqlite3")
    assert needle in line and "coach.sqlite3" in line and "\n" not in line


def test_index_messages_name_the_index_and_the_rebuild(tmp_path: Path) -> None:
    chroma = tmp_path / "chroma"
    assert "missing" in describe("(code: 1032) attempt to write a readonly database", chroma, INDEX)
    chroma.mkdir()
    assert "--rebuild-index" in describe("database disk image is malformed", chroma, INDEX)
    assert "read-only" in describe("attempt to write a readonly database", chroma, INDEX)


def test_os_errors_for_a_full_disk_are_storage_errors(tmp_path: Path) -> None:
    error = storage_error(OSError(28, "No space left on device"), tmp_path / "coach.sqlite3")
    assert isinstance(error, StorageError) and "no space left" in str(error)


def test_a_full_disk_mid_save_keeps_nothing_of_that_save(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """SQLite's own SQLITE_FULL, forced with max_page_count: the save fails as one line and the
    contact row written before the history insert is rolled back with it."""
    db = Database(tmp_path / "coach.sqlite3")
    contact(db, "Before")
    with db.connect() as conn:
        pages = conn.execute("PRAGMA page_count").fetchone()[0]
    real = db_module.Database._sqlite_connect

    def cramped(self: Database) -> sqlite3.Connection:
        conn = real(self)
        conn.execute(f"PRAGMA max_page_count = {pages + 1}")
        return conn

    monkeypatch.setattr(db_module.Database, "_sqlite_connect", cramped)
    with pytest.raises(StorageError, match="no space left"):
        for i in range(50):
            contact(db, f"Filler {i}")
    monkeypatch.undo()
    names = [c["name"] for c in db.local_user().list_contacts()]
    assert names[0] == "Before"
    for c in db.local_user().list_contacts():  # every kept contact has its history: no half saves
        assert db.local_user().contact_history(c["id"])
    with db.connect() as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_a_read_only_database_reads_and_refuses_every_write(tmp_path: Path) -> None:
    db = Database(tmp_path / "coach.sqlite3")
    contact(db, "Dana Ruiz")
    db.read_only = True  # what Database() chooses when the folder cannot be written
    assert [c["name"] for c in db.local_user().list_contacts()] == ["Dana Ruiz"]
    with pytest.raises(StorageError, match="read-only"):
        contact(db, "Someone else")
    with pytest.raises(StorageError, match="read-only"):
        db.local_user().save_profile("Sam", "", "")
    db.read_only = False
    assert [c["name"] for c in db.local_user().list_contacts()] == ["Dana Ruiz"]


def test_a_read_only_folder_falls_back_to_reading(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Root can write anywhere, so the read-only folder is simulated where SQLite first fails:
    the write-mode open raises as it does on a read-only mount, and the probe says so."""
    path = tmp_path / "coach.sqlite3"
    contact(Database(path), "Dana Ruiz")
    real = db_module.Database._sqlite_connect

    def read_only_mount(self: Database) -> sqlite3.Connection:
        if not self.read_only:
            raise sqlite3.OperationalError("attempt to write a readonly database")
        return real(self)

    monkeypatch.setattr(db_module.Database, "_sqlite_connect", read_only_mount)
    monkeypatch.setattr(db_module, "folder_writable", lambda folder: False)
    db = Database(path)
    assert db.read_only and [c["name"] for c in db.local_user().list_contacts()] == ["Dana Ruiz"]
    with pytest.raises(StorageError, match="read-only"):
        contact(db, "Nobody")


def test_a_damaged_database_is_one_line_at_open(tmp_path: Path) -> None:
    path = tmp_path / "coach.sqlite3"
    path.write_bytes(b"this is not a database at all" * 200)
    with pytest.raises(StorageError, match="damaged.*coach doctor"):
        Database(path)


def test_constraint_errors_keep_their_type(tmp_path: Path) -> None:
    """Only file and folder failures become StorageError; a bug must still look like one."""
    db = Database(tmp_path / "coach.sqlite3")
    with pytest.raises(sqlite3.IntegrityError):
        db.local_user().save_contact(None, {"name": "X"}, [("created", None)])  # type: ignore[list-item]
    assert db.local_user().list_contacts() == []


def test_a_damaged_checkpoint_file_is_a_storage_error(tmp_path: Path) -> None:
    settings: Settings = make_settings(tmp_path / "data")
    settings.data_dir.mkdir()
    settings.checkpoint_path.write_bytes(b"garbage, not SQLite" * 300)
    saver = open_saver(settings)
    with pytest.raises(StorageError, match="checkpoints.sqlite3 is damaged"):
        saver.get_tuple({"configurable": {"thread_id": "mock-1", "checkpoint_ns": ""}})


def test_a_failed_checkpoint_write_is_rolled_back(tmp_path: Path) -> None:
    settings: Settings = make_settings(tmp_path / "data")
    saver = open_saver(settings)
    saver.setup()
    with pytest.raises(RuntimeError), saver.cursor() as cur:
        cur.execute("INSERT INTO writes (thread_id, checkpoint_ns, checkpoint_id, task_id, idx, "
                    "channel) VALUES ('t', '', 'c', 'k', 0, 'x')")
        raise RuntimeError("serialising the next write failed")
    with saver.cursor(transaction=False) as cur:
        assert cur.execute("SELECT COUNT(*) FROM writes").fetchone()[0] == 0


def test_a_postgres_server_that_is_down_is_one_storage_error_line(tmp_path: Path) -> None:
    from tests.engines import free_port

    url = f"postgresql://coach:secret@127.0.0.1:{free_port()}/coach"
    settings = make_settings(tmp_path / "data", database_url=url)
    with pytest.raises(StorageError) as caught:
        open_saver(settings)
    line = str(caught.value)
    assert "\n" not in line and "secret" not in line
    assert line.startswith(f"cannot use the rehearsal database at 127.0.0.1:{url.split(':')[3]}")
    assert "COACH_DATABASE_URL" in line


def test_postgres_stopping_mid_rehearsal_is_one_storage_error_line(  # type: ignore[no-untyped-def]
        postgres_server, monkeypatch) -> None:
    """The server goes away under an open pool (its connections are terminated): the next read
    is one line, and the saver works again once the server accepts connections."""
    import psycopg

    monkeypatch.setattr("agent.store.pg_checkpoints.CONNECT_TIMEOUT", 2)
    url = postgres_server.new_database()
    saver = open_saver(make_settings(Path("/nonexistent"), database_url=url))
    config = {"configurable": {"thread_id": "mock-1", "checkpoint_ns": ""}}
    assert saver.get_tuple(config) is None
    database = url.rsplit("/", 1)[1]
    with psycopg.connect(postgres_server.admin_url, autocommit=True) as admin:
        admin.execute(f'ALTER DATABASE "{database}" WITH ALLOW_CONNECTIONS false')
        admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s",
                      (database,))
    with pytest.raises(StorageError, match="cannot use the rehearsal database at 127.0.0.1"):
        saver.get_tuple(config)
    with psycopg.connect(postgres_server.admin_url, autocommit=True) as admin:
        admin.execute(f'ALTER DATABASE "{database}" WITH ALLOW_CONNECTIONS true')
    assert saver.get_tuple(config) is None
    saver.close()  # type: ignore[attr-defined]
