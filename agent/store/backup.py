"""`coach backup FILE` / `coach restore FILE`: the user's data in one zip archive, and back.

What is the user's and cannot be rebuilt goes in: `coach.sqlite3` (profile, contacts, question
lists, drafts, interviews, SWOTs, the ingest manifest) and `checkpoints.sqlite3` (rehearsals), each
copied with SQLite's online backup API, so a running app's half-finished write is never copied;
the text and metadata of the user's own ingested documents (`user_docs.jsonl`: the files they came
from may be gone by the time a backup is needed); and the browser-state key, so a restored
rehearsal reopens in the same browser. The built-in knowledge index is not: it is rebuilt.

`manifest.json` records the format, the sha256 of every member and what they hold. A restore
checks all of it (hashes, `PRAGMA integrity_check`, the schema version) before touching anything,
keeps a copy of the data it replaces under `backups/`, then writes each database with the backup
API (or, when the old file is damaged, replaces it whole with its -wal/-shm removed first).

With COACH_DATABASE_URL the user data and the rehearsals are on PostgreSQL, not in the data
folder: both commands refuse with one line pointing at `pg_dump`, rather than archive (or
overwrite) SQLite files the app does not use.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import sqlite3
import tempfile
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from agent.config import Settings
from agent.errors import InputError, StorageError
from agent.store.db import LOCAL_USER_ID, MIGRATIONS, Database, connect_read_only
from agent.store.errors import folder_writable, storage_error

FORMAT = "coach-backup"
VERSION = 1
DATABASES = ("coach.sqlite3", "checkpoints.sqlite3")
USER_DOCS = "user_docs.jsonl"
SECRET = "ui-browser-secret"
# `profile` is counted in archives made before accounts (now `profiles`, one row per user).
COUNTED = {"coach.sqlite3": ("contacts", "contact_history", "question_lists", "drafts", "interviews",
                             "swots", "profiles", "profile", "users", "ingest_manifest"),
           "checkpoints.sqlite3": ("checkpoints", "writes")}


@dataclass
class BackupSummary:
    path: str
    files: dict[str, int] = field(default_factory=dict)  # member -> bytes
    counts: dict[str, int] = field(default_factory=dict)
    user_doc_chunks: int = 0
    safety_copy: str | None = None
    warnings: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {"path": self.path, "files": self.files, "counts": self.counts,
                "user_doc_chunks": self.user_doc_chunks, "safety_copy": self.safety_copy,
                "warnings": self.warnings}


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _source_connection(path: Path) -> sqlite3.Connection:
    """A normal connection where the folder is writable (its read transaction keeps the copy
    consistent while the app writes), else a read-only one."""
    if folder_writable(path.parent):
        return sqlite3.connect(path, timeout=10)
    return connect_read_only(path)


def copy_database(source: Path, target: Path) -> None:
    """`source` → `target` with SQLite's online backup API."""
    try:
        src = _source_connection(source)
        try:
            dst = sqlite3.connect(target)
            try:
                src.backup(dst)
            finally:
                dst.close()
        finally:
            src.close()
    except sqlite3.Error as exc:
        raise storage_error(exc, source) from exc


def table_counts(path: Path, tables: tuple[str, ...]) -> dict[str, int]:
    conn = connect_read_only(path)
    try:
        counts = {}
        for table in tables:
            with contextlib.suppress(sqlite3.OperationalError):  # a table a newer migration adds
                counts[table] = int(conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0])
        return counts
    finally:
        conn.close()


def integrity(path: Path) -> str:
    """'ok' or SQLite's first complaint (a file that is not a database included)."""
    try:
        conn = connect_read_only(path)
        try:
            return str(conn.execute("PRAGMA integrity_check").fetchone()[0])
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        return str(exc)


def user_doc_records(vectors: Any) -> list[dict[str, Any]]:
    """Every chunk of the user's own documents: id, text and metadata (vectors are recomputed)."""
    collection = vectors.collection("user_docs")
    with vectors.guarded():
        got = collection.get(include=["documents", "metadatas"])
    return [{"id": i, "text": d, "metadata": dict(m or {})}
            for i, d, m in zip(got["ids"], got["documents"] or [], got["metadatas"] or [], strict=True)]


def refuse_on_server(settings: Settings, action: str) -> None:
    """With COACH_DATABASE_URL the data is on PostgreSQL: one line saying so and what to use."""
    if settings.database_url:
        from agent.store.pg_db import redacted

        raise InputError(
            f"cannot {action}: your data is on PostgreSQL at {redacted(settings.database_url)} "
            "(COACH_DATABASE_URL), not in the data folder; use pg_dump to back it up and "
            "pg_restore (or psql) to restore it")


def create_backup(settings: Settings, target: Path, vectors: Any | None = None,
                  force: bool = False) -> BackupSummary:
    """Write the archive to `target` (atomically: a temp file renamed at the end)."""
    refuse_on_server(settings, "back up")
    target = Path(target).expanduser()
    if target.is_dir():
        raise InputError(f"{target} is a folder; give a file name such as coach-backup.zip")
    if target.exists() and not force:
        raise InputError(f"{target} exists; choose another name or pass --force")
    if not settings.db_path.exists():
        raise InputError(f"nothing to back up: no data in {settings.data_dir}")
    summary = BackupSummary(path=str(target))
    manifest: dict[str, Any] = {"format": FORMAT, "version": VERSION,
                                "created": datetime.now(UTC).isoformat(timespec="seconds"),
                                "schema_version": len(MIGRATIONS), "files": {}, "counts": {}}
    with tempfile.TemporaryDirectory(prefix="coach-backup-") as tmp:
        staged: dict[str, Path] = {}
        for name in DATABASES:
            source = settings.data_dir / name
            if source.exists():
                staged[name] = Path(tmp) / name
                copy_database(source, staged[name])
                summary.counts.update(table_counts(staged[name], COUNTED[name]))
        records: list[dict[str, Any]] = []
        if vectors is not None:
            try:
                records = user_doc_records(vectors)
            except StorageError as exc:  # e.g. Chroma cannot open a read-only folder
                summary.warnings.append(f"your documents' chunks are not in this backup ({exc}); "
                                        "the files they came from are listed in its manifest")
            if records:
                staged[USER_DOCS] = Path(tmp) / USER_DOCS
                staged[USER_DOCS].write_text(
                    "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
                summary.user_doc_chunks = len(records)
                manifest["encoder"] = vectors.encoder.name
        secret = settings.data_dir / SECRET
        if secret.is_file():
            staged[SECRET] = secret
        for name, path in staged.items():
            manifest["files"][name] = {"sha256": _sha256(path), "bytes": path.stat().st_size}
            summary.files[name] = path.stat().st_size
        manifest["counts"] = {**summary.counts, "user_doc_chunks": summary.user_doc_chunks}
        partial = target.with_name(target.name + ".partial")
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED) as archive:
                archive.writestr("manifest.json", json.dumps(manifest, indent=2))
                for name, path in staged.items():
                    archive.write(path, name)
            os.replace(partial, target)
        except OSError as exc:
            with contextlib.suppress(OSError):
                partial.unlink()
            raise storage_error(exc, target, f"the backup {target.name}") from exc
    return summary


@dataclass
class Archive:
    """A validated backup, unpacked into a temporary folder."""

    folder: Path
    manifest: dict[str, Any]

    def member(self, name: str) -> Path | None:
        path = self.folder / name
        return path if name in self.manifest["files"] and path.exists() else None


@contextlib.contextmanager
def open_backup(path: Path) -> Iterator[Archive]:
    """Unpack and check an archive; every problem is one InputError line, nothing is touched."""
    path = Path(path).expanduser()
    if not path.is_file():
        raise InputError(f"no such backup file: {path}")
    with tempfile.TemporaryDirectory(prefix="coach-restore-") as tmp:
        folder = Path(tmp)
        try:
            with zipfile.ZipFile(path) as archive:
                names = set(archive.namelist())
                if "manifest.json" not in names:
                    raise InputError(f"{path.name} is not a coach backup (no manifest.json)")
                manifest = json.loads(archive.read("manifest.json"))
                if manifest.get("format") != FORMAT:
                    raise InputError(f"{path.name} is not a coach backup")
                if int(manifest.get("version", 0)) > VERSION:
                    raise InputError(f"{path.name} was made by a newer version of the coach")
                for name in manifest.get("files", {}):
                    if name not in (*DATABASES, USER_DOCS, SECRET) or name not in names:
                        raise InputError(f"{path.name} lists an unexpected or missing member {name!r}")
                    (folder / name).write_bytes(archive.read(name))
        except (zipfile.BadZipFile, KeyError, ValueError) as exc:
            raise InputError(f"{path.name} is not a readable backup ({type(exc).__name__})") from exc
        for name, meta in manifest["files"].items():
            if _sha256(folder / name) != meta.get("sha256"):
                raise InputError(f"{path.name} is damaged: {name} does not match its checksum")
        if "coach.sqlite3" not in manifest["files"]:
            raise InputError(f"{path.name} holds no coach.sqlite3")
        for name in DATABASES:
            if name in manifest["files"]:
                verdict = integrity(folder / name)
                if verdict != "ok":
                    raise InputError(f"{path.name} is damaged: {name} fails its integrity check "
                                     f"({verdict[:60]})")
        conn = connect_read_only(folder / "coach.sqlite3")
        try:
            schema = int(conn.execute("PRAGMA user_version").fetchone()[0])
        finally:
            conn.close()
        if schema > len(MIGRATIONS):
            raise InputError(f"{path.name} was made by a newer version of the coach (schema {schema})")
        yield Archive(folder, manifest)


def _safety_copy(settings: Settings) -> str | None:
    """Keep what a restore replaces under `backups/`: a copy with the backup API, or the raw bytes
    (with -wal) of a file too damaged for it."""
    present = [n for n in DATABASES if (settings.data_dir / n).exists()]
    if not present:
        return None
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    folder = settings.data_dir / "backups" / f"before-restore-{stamp}"
    folder.mkdir(parents=True, exist_ok=True)
    for name in present:
        source = settings.data_dir / name
        try:
            copy_database(source, folder / name)
        except StorageError:
            for suffix in ("", "-wal"):
                extra = source.with_name(source.name + suffix)
                if extra.exists():
                    shutil.copy2(extra, folder / (name + suffix + ".damaged"))
    return str(folder)


def _put_database(source: Path, live: Path) -> None:
    """Write `source` over `live`: the backup API keeps a healthy live file (and its WAL) sound;
    a damaged one is replaced whole, its -wal and -shm removed first so they are never replayed
    onto the restored file."""
    if live.exists() and integrity(live) == "ok":
        try:
            copy_database_into(source, live)
            return
        except sqlite3.Error:
            pass
    for suffix in ("-wal", "-shm"):
        with contextlib.suppress(FileNotFoundError):
            live.with_name(live.name + suffix).unlink()
    staged = live.with_name(live.name + ".restoring")
    shutil.copyfile(source, staged)
    os.replace(staged, live)


def copy_database_into(source: Path, live: Path) -> None:
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    try:
        dst = sqlite3.connect(live, timeout=10)
        try:
            src.backup(dst)
        finally:
            dst.close()
    finally:
        src.close()


def restore_backup(settings: Settings, path: Path, vectors_factory: Any = None) -> BackupSummary:
    """Replace the user's data in `settings.data_dir` with the archive's (see the module doc)."""
    refuse_on_server(settings, "restore")
    with open_backup(path) as archive:
        data_dir = settings.data_dir
        try:
            data_dir.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise storage_error(exc, data_dir / "coach.sqlite3") from exc
        if not folder_writable(data_dir):
            raise storage_error(OSError(30, "read-only"), data_dir / "coach.sqlite3")
        summary = BackupSummary(path=str(path))
        try:
            summary.safety_copy = _safety_copy(settings)
            for name in DATABASES:
                member = archive.member(name)
                if member is not None:
                    _put_database(member, data_dir / name)
                    summary.files[name] = member.stat().st_size
                    summary.counts.update(table_counts(data_dir / name, COUNTED[name]))
            secret = archive.member(SECRET)
            if secret is not None:
                shutil.copyfile(secret, data_dir / SECRET)
        except (OSError, sqlite3.Error) as exc:
            raise storage_error(exc, data_dir / "coach.sqlite3") from exc
        db = Database(settings.db_path)  # brings an older backup's schema up to date
        docs = archive.member(USER_DOCS)
        if docs is not None and vectors_factory is not None:
            summary.user_doc_chunks = _restore_user_docs(db, vectors_factory(), docs, archive.manifest)
    return summary


def _restore_user_docs(db: Database, vectors: Any, docs: Path, manifest: dict[str, Any]) -> int:
    """The user's document chunks back into the index (vectors recomputed by the encoder in use);
    what was there before is replaced, and the manifest gains rows for this encoder."""
    records = [json.loads(line) for line in docs.read_text(encoding="utf-8").splitlines() if line.strip()]
    encoder = vectors.encoder.name
    collection = vectors.collection("user_docs")
    with vectors.guarded():
        existing = collection.get(include=[])["ids"]
        if existing:
            collection.delete(ids=list(existing))
    if records:
        # Chunks backed up before accounts name no owner: they are the local user's.
        vectors.upsert("user_docs", [r["id"] for r in records], [r["text"] for r in records],
                       [r["metadata"] for r in records], owner=LOCAL_USER_ID)
    source_encoder = manifest.get("encoder", encoder)
    if source_encoder != encoder:
        for row in db.manifest_rows("user_docs", source_encoder):
            db.record_ingest("user_docs", encoder, row["source"], row["sha256"], row["chunks"])
    return len(records)
