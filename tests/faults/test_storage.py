"""Fault 4: a read-only data folder, a full disk, the Chroma folder deleted while the app runs, a
corrupted SQLite file. Each gives one clear line (CLI: stderr, exit 2; UI: the tab's status),
no traceback, nothing half-written, and `coach doctor` names the problem and the repair."""

from __future__ import annotations

import hashlib
import json
import math
import shutil
import sqlite3
from pathlib import Path

import pytest

from evals.faults import invariants
from evals.faults.app import Proc, base_env, set_mode
from evals.faults.gradio_raw import RawGradio
from evals.faults.mounts import as_user, file_size_limit, fill, read_only_view, small_filesystem
from tests.faults.conftest import cli, one_json, one_line_error

NOTES = "Met at the spring meetup; she leads research ops. " * 60
NOT_SAVED = "the last change was not saved"


def digest(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def contacts(folder: Path) -> list[str]:
    conn = sqlite3.connect(f"file:{folder / 'coach.sqlite3'}?mode=ro", uri=True)
    try:
        return [r[0] for r in conn.execute("SELECT name FROM contacts ORDER BY id")]
    finally:
        conn.close()


def test_read_only_data_folder(data_dir: Path, tmp_path: Path) -> None:
    one_json(cli(data_dir, "contacts", "add", "--name", "Dana Ruiz", "--json"))
    with read_only_view(data_dir, tmp_path / "ro") as mechanism:
        view = tmp_path / "ro"
        prefix = as_user(mechanism)
        before = digest(view)
        listed = one_json(cli(view, "contacts", "list", "--json", prefix=prefix))
        assert [c["name"] for c in listed["contacts"]] == ["Dana Ruiz"]  # reading still works
        assert "read-only" in one_line_error(cli(view, "contacts", "add", "--name", "X", prefix=prefix))
        assert "read-only" in one_line_error(cli(view, "search", "first year", prefix=prefix))
        assert "read-only" in one_line_error(cli(view, "ui", "--port", "1", prefix=prefix))
        doctor = cli(view, "doctor", "--json", prefix=prefix)
        report = json.loads(doctor.stdout)
        assert doctor.returncode == 1 and not report["healthy"]
        assert any("read-only" in c["detail"] for c in report["checks"] if c["status"] == "problem")
        archive = tmp_path / "from-read-only.zip"  # a backup is how to get the data out
        if not prefix:  # (as `nobody` there is no writable place for the archive in this test)
            run = cli(view, "backup", str(archive), "--json")
            assert one_json(run)["counts"]["contacts"] == 1 and "warning" in run.stderr
        assert digest(view) == before  # nothing was written, not even half


def test_full_disk_tmpfs(data_dir: Path, tmp_path: Path, fake_model: Proc, apps) -> None:  # type: ignore[no-untyped-def]
    size = sum(p.stat().st_size for p in data_dir.rglob("*") if p.is_file())
    with small_filesystem(tmp_path / "small", math.ceil(size / 1e6) + 4) as mounted:
        if not mounted:
            pytest.skip("tmpfs mounts are not allowed here; test_full_disk_file_size_limit covers it")
        folder = tmp_path / "small" / "data"
        shutil.copytree(data_dir, folder)
        one_json(cli(folder, "contacts", "add", "--name", "Before", "--json"))
        set_mode(fake_model, "ok")
        app = apps(folder, model_url=fake_model.url + "/v1")
        fill(tmp_path / "small")  # the disk fills up while the app runs
        client = RawGradio(app.url)
        saved = client.call_api("save_contact", [None, "Via the page", "", "", "", "to_contact",
                                                 NOTES[:3900], "", ""])
        # The tab's status line, or the page's error toast when refreshing the list also fails.
        assert NOT_SAVED in json.dumps(saved.outputs) + str(saved.error), saved.text()[-400:]
        started = client.call_api("mock_start", ["", "Dana Park", "UX researcher", "", 20, "", "", "warm"])
        assert NOT_SAVED in json.dumps(started.outputs) + str(started.error)
        client.close()
        app.stop()
        line = one_line_error(cli(folder, "contacts", "add", "--name", "After", "--notes", NOTES[:3900]))
        assert NOT_SAVED in line  # SQLite says SQLITE_FULL or, if the WAL index cannot grow, IOERR
        assert NOT_SAVED in one_line_error(cli(folder, "ui", "--port", "1"))
        (tmp_path / "small" / "filler.bin").unlink()  # (SQLite needs room even to read in WAL mode)
        assert contacts(folder) == ["Before"] and invariants.check(folder) == []
        one_json(cli(folder, "contacts", "add", "--name", "After", "--json"))
        assert contacts(folder) == ["Before", "After"]


def test_full_disk_file_size_limit(data_dir: Path) -> None:
    """The unprivileged mechanism: every file the CLI writes is capped (RLIMIT_FSIZE), so the
    write-ahead log cannot grow; SQLite reports it as a full disk."""
    one_json(cli(data_dir, "contacts", "add", "--name", "Before", "--json"))
    run = cli(data_dir, "contacts", "add", "--name", "After", "--notes", NOTES[:3900],
              preexec=file_size_limit(4096))
    assert NOT_SAVED in one_line_error(run)
    assert contacts(data_dir) == ["Before"] and invariants.check(data_dir) == []


def test_chroma_folder_deleted_while_the_app_runs(data_dir: Path, fake_model: Proc, apps) -> None:  # type: ignore[no-untyped-def]
    set_mode(fake_model, "ok")
    app = apps(data_dir, model_url=fake_model.url + "/v1")
    client = RawGradio(app.url)
    shutil.rmtree(data_dir / "chroma")
    replies = [
        client.call_api("draft_outreach", ["Maria Lopez", "UX Researcher", "", "", "email", 20, "Sam",
                                           "I teach math", "UX research", ""]),
        client.call_api("prepare_questions", ["Registered nurse", "", "", "", 20, False, "", None]),
        client.call_api("mock_start", ["", "Dana Park", "UX researcher", "", 20, "", "", "warm"]),
    ]
    for reply in replies:
        text = json.dumps(reply.outputs) + str(reply.error)
        assert reply.status == 200 and "Traceback" not in reply.text()
        # Either it still worked from the files the app had open, or it said what to do.
        assert reply.success or "coach doctor" in text or "rebuild" in text, text[:300]
    client.close()
    app.stop()
    doctor = cli(data_dir, "doctor", "--json")
    assert doctor.returncode == 1
    index = next(c for c in json.loads(doctor.stdout)["checks"] if c["check"] == "knowledge index")
    assert index["status"] == "problem" and "rebuild" in index["fix"]
    app = apps(data_dir, model_url=fake_model.url + "/v1")  # the restart rebuilds the index
    client = RawGradio(app.url)
    draft = client.call_api("draft_outreach", ["Maria Lopez", "UX Researcher", "", "", "email", 20,
                                               "Sam", "I teach math", "UX research", ""])
    assert draft.success and "guidance" in json.dumps(draft.outputs).lower()
    client.close()
    assert one_json(cli(data_dir, "doctor", "--json"))["healthy"] is True


def test_corrupted_database_then_restore(data_dir: Path, tmp_path: Path) -> None:
    one_json(cli(data_dir, "contacts", "add", "--name", "Dana Ruiz", "--json"))
    archive = tmp_path / "backup.zip"
    one_json(cli(data_dir, "backup", str(archive), "--json"))
    db = data_dir / "coach.sqlite3"
    with db.open("r+b") as handle:  # a torn header, as after a crash of the disk or a bad copy
        handle.write(b"\x00NOT SQLITE\x00" * 8)
    for argv in (["contacts", "list"], ["outreach", "--contact-name", "A", "--contact-role", "Nurse"],
                 ["ui", "--port", "1"]):
        line = one_line_error(cli(data_dir, *argv))
        assert "coach.sqlite3 is damaged" in line and "coach doctor" in line
    doctor = cli(data_dir, "doctor", "--json")
    found = next(c for c in json.loads(doctor.stdout)["checks"] if c["check"] == "your data")
    assert doctor.returncode == 1 and found["status"] == "problem" and "coach restore" in found["fix"]
    restored = one_json(cli(data_dir, "restore", str(archive), "--json"))
    assert restored["counts"]["contacts"] == 1 and restored["safety_copy"]
    assert contacts(data_dir) == ["Dana Ruiz"] and invariants.check(data_dir) == []
    assert one_json(cli(data_dir, "doctor", "--json"))["healthy"] is True


def test_corrupted_checkpoints(data_dir: Path, fake_model: Proc, tmp_path: Path) -> None:
    set_mode(fake_model, "ok")
    env = {"OPENAI_BASE_URL": fake_model.url + "/v1"}
    script = tmp_path / "turns.txt"
    script.write_text("Hi, I'm Sam. How did you get into research?\n", encoding="utf-8")
    first = one_json(cli(data_dir, "mock", "--contact-role", "UX researcher", "--script", str(script),
                         "--json", env=env))
    (data_dir / "checkpoints.sqlite3").write_bytes(b"garbage" * 2000)
    for suffix in ("-wal", "-shm"):
        (data_dir / f"checkpoints.sqlite3{suffix}").unlink(missing_ok=True)
    line = one_line_error(cli(data_dir, "mock", "--thread", first["thread_id"], "--script", str(script),
                              env=env))
    assert "checkpoints.sqlite3 is damaged" in line
    assert base_env(data_dir)["COACH_DATA_DIR"] == str(data_dir)
