"""`coach doctor`, `coach backup` and `coach restore`: what is wrong is named with its repair, the
index rebuilds itself when its folder is gone, and a backup restores every row it holds."""

from __future__ import annotations

import json
import shutil
import sqlite3
import zipfile
from pathlib import Path

import pytest

from agent.config import Settings
from agent.deps import Deps
from agent.errors import InputError, StorageError
from agent.ingest.pipeline import index_is_built, ingest, missing_kinds
from agent.store.backup import create_backup, restore_backup
from agent.store.db import Database
from agent.store.health import diagnose
from agent.store.vectors import VectorStore


def fresh_vectors(settings: Settings, encoder) -> VectorStore:  # type: ignore[no-untyped-def]
    return VectorStore(settings.chroma_dir, encoder)


def statuses(settings: Settings, encoder) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return {f.check: f.status for f in diagnose(settings, lambda: fresh_vectors(settings, encoder))}


def test_a_healthy_folder_is_all_ok(deps: Deps, encoder) -> None:  # type: ignore[no-untyped-def]
    found = statuses(deps.settings, encoder)
    assert found["your data"] == "ok" and found["knowledge index"] == "ok"
    assert "problem" not in found.values()


def test_a_deleted_index_is_named_and_then_rebuilt_by_ingest(deps: Deps, encoder) -> None:  # type: ignore[no-untyped-def]
    settings = deps.settings
    shutil.rmtree(settings.chroma_dir)
    findings = {f.check: f for f in diagnose(settings, lambda: fresh_vectors(settings, encoder))}
    assert findings["knowledge index"].status == "problem"
    assert "rebuild-index" in findings["knowledge index"].fix
    vectors = fresh_vectors(settings, encoder)
    assert not index_is_built(vectors, deps.db)  # the manifest alone is no longer trusted
    assert set(missing_kinds(vectors, deps.db)) == {"guidance", "roles", "questions", "exemplars"}


def test_a_damaged_database_is_a_problem_with_the_restore_fix(deps: Deps, encoder) -> None:  # type: ignore[no-untyped-def]
    deps.settings.db_path.write_bytes(b"not a database" * 500)
    finding = next(f for f in diagnose(deps.settings, lambda: None) if f.check == "your data")
    assert finding.status == "problem" and "coach restore" in finding.fix


def test_doctor_cli_exit_status_and_json(run_cli, deps: Deps) -> None:  # type: ignore[no-untyped-def]
    code, out, _ = run_cli("--data-dir", str(deps.settings.data_dir), "doctor", "--json")
    assert code == 0 and json.loads(out)["healthy"] is True
    deps.settings.db_path.write_bytes(b"not a database" * 500)
    code, out, _ = run_cli("--data-dir", str(deps.settings.data_dir), "doctor", "--json")
    payload = json.loads(out)
    assert code == 1 and payload["healthy"] is False


def fill(deps: Deps, tmp_path: Path) -> Path:
    """Contacts, a draft, a SWOT with its interview, a rehearsal checkpoint, a user document."""
    from agent.mock.graph import open_checkpointer

    db = deps.mine
    cid = db.save_contact(None, {"name": "Dana Ruiz", "role": "UX researcher"},
                          [("created", "2025-05-12T09:00:00+00:00")])
    db.save_draft("outreach", "Hello", "Dear Dana, ...", cid)
    db.save_swot_from_notes(cid, ["She said portfolios matter."], {"strengths": []})
    saver = open_checkpointer(deps.settings)
    saver.setup()
    with saver.cursor() as cur:
        cur.execute("INSERT INTO checkpoints (thread_id, checkpoint_ns, checkpoint_id) "
                    "VALUES ('mock-abc', '', 'c1')")
    doc = tmp_path / "mentor.md"
    doc.write_text("## Advice\n\nBring three accessibility case studies to every portfolio review.\n")
    ingest(deps.vectors, deps.db, [doc])
    return doc


def snapshot(settings: Settings) -> dict[str, list[tuple]]:  # type: ignore[type-arg]
    out = {}
    for name, tables in (("coach.sqlite3", ("contacts", "contact_history", "drafts", "swots",
                                            "interviews", "ingest_manifest")),
                         ("checkpoints.sqlite3", ("checkpoints",))):
        conn = sqlite3.connect(settings.data_dir / name)
        for table in tables:
            out[table] = conn.execute(f"SELECT * FROM {table} ORDER BY 1, 2").fetchall()
        conn.close()
    return out


def test_backup_and_restore_round_trip(deps: Deps, tmp_path: Path, encoder) -> None:  # type: ignore[no-untyped-def]
    doc = fill(deps, tmp_path)
    before = snapshot(deps.settings)
    archive = tmp_path / "coach.zip"
    summary = create_backup(deps.settings, archive, deps.vectors)
    assert summary.counts["contacts"] == 1 and summary.user_doc_chunks == 1
    assert {"manifest.json", "coach.sqlite3", "checkpoints.sqlite3", "user_docs.jsonl"} <= set(
        zipfile.ZipFile(archive).namelist())

    deps.mine.save_contact(None, {"name": "Added later"}, [("created", "2025-05-13T09:00:00+00:00")])
    doc.unlink()  # the original document is gone; the backup still has its text
    target = deps.settings.model_copy(update={"data_dir": tmp_path / "elsewhere"})
    shutil.copytree(deps.settings.data_dir, target.data_dir)
    restored = restore_backup(target, archive, lambda: fresh_vectors(target, encoder))
    assert snapshot(target) == before
    assert restored.user_doc_chunks == 1 and restored.safety_copy is not None
    assert (Path(restored.safety_copy) / "coach.sqlite3").exists()  # what the restore replaced
    hits = fresh_vectors(target, encoder).query("user_docs", "accessibility case studies", k=1, owner=0)
    assert "accessibility case studies" in hits[0].text


def test_restore_over_a_damaged_database(deps: Deps, tmp_path: Path, encoder) -> None:  # type: ignore[no-untyped-def]
    fill(deps, tmp_path)
    before = snapshot(deps.settings)
    archive = tmp_path / "coach.zip"
    create_backup(deps.settings, archive, deps.vectors)
    deps.settings.db_path.write_bytes(b"damaged" * 1000)
    with pytest.raises(StorageError):
        Database(deps.settings.db_path)
    restore_backup(deps.settings, archive, lambda: fresh_vectors(deps.settings, encoder))
    assert snapshot(deps.settings) == before


def test_a_tampered_or_foreign_archive_is_refused_before_anything_changes(deps: Deps, tmp_path: Path) -> None:
    fill(deps, tmp_path)
    archive = tmp_path / "coach.zip"
    create_backup(deps.settings, archive, deps.vectors)
    before = snapshot(deps.settings)
    tampered = tmp_path / "tampered.zip"
    with zipfile.ZipFile(archive) as src, zipfile.ZipFile(tampered, "w") as dst:
        for item in src.namelist():
            data = src.read(item)
            dst.writestr(item, data[:-10] + b"0" * 10 if item == "coach.sqlite3" else data)
    with pytest.raises(InputError, match="checksum"):
        restore_backup(deps.settings, tampered)
    (tmp_path / "other.zip").write_bytes(b"PK\x05\x06" + b"\x00" * 18)
    with pytest.raises(InputError, match="not a coach backup"):
        restore_backup(deps.settings, tmp_path / "other.zip")
    with pytest.raises(InputError, match="no such backup"):
        restore_backup(deps.settings, tmp_path / "missing.zip")
    assert snapshot(deps.settings) == before


def test_backup_cli_refuses_to_overwrite_and_restore_cli_is_one_line(  # type: ignore[no-untyped-def]
        run_cli, deps: Deps, tmp_path: Path) -> None:
    archive = tmp_path / "b.zip"
    deps.mine.save_profile("Sam", "", "")
    data = ["--data-dir", str(deps.settings.data_dir)]
    code, out, _ = run_cli(*data, "backup", str(archive), "--json")
    assert code == 0 and json.loads(out)["path"] == str(archive)
    code, _, err = run_cli(*data, "backup", str(archive))
    assert code == 2 and "exists" in err and err.count("\n") == 1
    code, _, err = run_cli(*data, "restore", str(tmp_path / "nope.zip"))
    assert code == 2 and err.count("\n") == 1
