"""User data on PostgreSQL (COACH_DATABASE_URL): the schema matches SQLite's, the CLI saves to the
server and not to the data folder, the doctor reports the server, backups refuse, and a server
that is down or lost is one line naming it (never its password)."""

from __future__ import annotations

import json
import sqlite3
import threading
from pathlib import Path

import psycopg
import pytest

from agent.errors import StorageError
from agent.store.backup import create_backup, restore_backup
from agent.store.db import Database, open_database
from agent.store.health import diagnose
from agent.store.pg_db import PG_MIGRATIONS, PgDatabase
from tests.conftest import make_settings
from tests.engines import Postgres, free_port
from tests.unit.conftest import invoke


def sqlite_schema(path: Path) -> tuple[dict[str, list[str]], set[str]]:
    conn = sqlite3.connect(path)
    try:
        tables = [r[0] for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")]
        columns = {t: [r[1] for r in conn.execute(f'PRAGMA table_info("{t}")')] for t in tables}
        indexes = {r[0] for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL")}
    finally:
        conn.close()
    return columns, indexes


def postgres_schema(url: str) -> tuple[dict[str, list[str]], set[str]]:
    with psycopg.connect(url) as conn:
        rows = conn.execute(
            "SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = "
            "current_schema() AND table_name <> 'schema_version' ORDER BY table_name, "
            "ordinal_position").fetchall()
        indexes = {r[0] for r in conn.execute(
            "SELECT indexname FROM pg_indexes WHERE schemaname = current_schema() AND indexname "
            "NOT LIKE '%pkey' AND indexname NOT LIKE '%key'")}
    columns: dict[str, list[str]] = {}
    for table, column in rows:
        columns.setdefault(table, []).append(column)
    return columns, indexes


def test_both_engines_end_at_the_same_tables_columns_and_indexes(tmp_path: Path, postgres_url: str) -> None:
    Database(tmp_path / "coach.sqlite3")
    PgDatabase(postgres_url).close()
    lite_columns, lite_indexes = sqlite_schema(tmp_path / "coach.sqlite3")
    pg_columns, pg_indexes = postgres_schema(postgres_url)
    assert pg_columns == lite_columns  # column order too: `SELECT *` rows are the CLI's JSON
    assert pg_indexes == lite_indexes


def test_processes_starting_together_migrate_once(postgres_url: str) -> None:
    opened: list[PgDatabase] = []
    errors: list[BaseException] = []

    def open_one() -> None:
        try:
            opened.append(PgDatabase(postgres_url))
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=open_one) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == [] and len(opened) == 4
    with opened[0].connect() as conn:
        versions = [tuple(r) for r in conn.execute("SELECT version FROM schema_version")]
    assert versions == [(len(PG_MIGRATIONS),)]
    for db in opened:
        db.close()


def test_contacts_cli_saves_to_postgres_not_the_data_folder(
        tmp_path: Path, postgres_url: str, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COACH_DATABASE_URL", postgres_url)
    data = tmp_path / "data"
    code, out, err = invoke(capsys, "--data-dir", str(data), "contacts", "add", "--name", "Dana Ruiz",
                            "--role", "UX researcher", "--json")
    assert code == 0, err
    cid = json.loads(out)["contact"]["id"]
    code, out, err = invoke(capsys, "--data-dir", str(data), "contacts", "list", "--json")
    assert code == 0, err
    assert [(c["id"], c["name"]) for c in json.loads(out)["contacts"]] == [(cid, "Dana Ruiz")]
    assert not (data / "coach.sqlite3").exists()
    with psycopg.connect(postgres_url) as conn:
        assert conn.execute("SELECT name, role FROM contacts").fetchall() == [("Dana Ruiz", "UX researcher")]


def test_a_server_that_is_down_is_one_line_without_the_password(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    port = free_port()
    url = f"postgresql://coach:secret@127.0.0.1:{port}/coach"
    with pytest.raises(StorageError) as caught:
        open_database(make_settings(tmp_path / "data", database_url=url))
    line = str(caught.value)
    assert "\n" not in line and "secret" not in line and "coach:" not in line
    assert line.startswith(f"cannot use the database at 127.0.0.1:{port}/coach (")
    assert "COACH_DATABASE_URL" in line

    monkeypatch.setenv("COACH_DATABASE_URL", url)
    code, out, err = invoke(capsys, "--data-dir", str(tmp_path / "data"), "contacts", "list")
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and "secret" not in err and f"127.0.0.1:{port}/coach" in err


def test_a_lost_server_is_one_line_and_the_pool_recovers(
        postgres_server: Postgres, monkeypatch: pytest.MonkeyPatch) -> None:
    """The server drops every connection and refuses new ones: the next save is one line, and
    the same database object works again once the server accepts connections."""
    monkeypatch.setattr("agent.store.pg_db.CONNECT_TIMEOUT", 2)
    url = postgres_server.new_database()
    db = PgDatabase(url)
    mine = db.local_user()
    mine.save_profile("Lee", "teacher", "UX research")
    name = url.rsplit("/", 1)[1]
    with psycopg.connect(postgres_server.admin_url, autocommit=True) as admin:
        admin.execute(f'ALTER DATABASE "{name}" WITH ALLOW_CONNECTIONS false')
        admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s",
                      (name,))
    with pytest.raises(StorageError, match=f"cannot use the database at 127.0.0.1:{postgres_server.port}/"):
        mine.add_contact("Dana Ruiz")
    with psycopg.connect(postgres_server.admin_url, autocommit=True) as admin:
        admin.execute(f'ALTER DATABASE "{name}" WITH ALLOW_CONNECTIONS true')
    assert mine.list_contacts() == []  # the failed save left nothing behind
    mine.add_contact("Dana Ruiz")
    assert [c["name"] for c in mine.list_contacts()] == ["Dana Ruiz"]
    assert mine.get_profile()["name"] == "Lee"
    db.close()


def test_doctor_reports_the_user_data_on_the_server(tmp_path: Path, postgres_url: str) -> None:
    settings = make_settings(tmp_path / "data", database_url=postgres_url)
    found = {f.check: f for f in diagnose(settings, lambda: None)}
    assert found["your data"].status == "ok" and "no tables yet" in found["your data"].detail
    db = open_database(settings)
    db.local_user().add_contact("Dana Ruiz")
    db.close()
    found = {f.check: f for f in diagnose(settings, lambda: None)}
    detail = found["your data"].detail
    assert found["your data"].status == "ok", detail
    assert detail.startswith("PostgreSQL at 127.0.0.1:") and f"schema {len(PG_MIGRATIONS)}:" in detail
    assert "1 contacts" in detail and "0 users" in detail
    assert not settings.db_path.exists()


def test_backup_and_restore_refuse_and_point_at_pg_dump(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    url = "postgresql://coach:secret@db.example:5432/coach"
    settings = make_settings(tmp_path / "data", database_url=url)
    for attempt in (lambda: create_backup(settings, tmp_path / "b.zip"),
                    lambda: restore_backup(settings, tmp_path / "b.zip")):
        with pytest.raises(Exception, match="your data is on PostgreSQL at db.example:5432/coach"):
            attempt()
    monkeypatch.setenv("COACH_DATABASE_URL", url)
    for argv in (("backup", str(tmp_path / "b.zip")), ("restore", str(tmp_path / "b.zip"))):
        code, out, err = invoke(capsys, "--data-dir", str(tmp_path / "data"), *argv)
        assert code == 2 and out == "" and err.count("\n") == 1
        assert "pg_dump" in err and "secret" not in err
    assert not (tmp_path / "b.zip").exists()
