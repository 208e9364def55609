"""`coach doctor`: what is wrong with the data folder, the index and the model, and the repair.

Every check only reads (the SQLite files are opened read-only), so the doctor also works on a
read-only or damaged folder, which is when it is needed. With COACH_DATABASE_URL the user data and
the rehearsals are on PostgreSQL: the doctor connects and reports the server instead of SQLite
files the app does not use. `rebuild_index` is the one repair it performs itself: the knowledge
index is derived data, rebuilt from `knowledge/` and from the user's documents (their chunks
salvaged from the old index when it can still be read, else re-read from the files they came
from).
"""

from __future__ import annotations

import contextlib
import shutil
import sqlite3
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

from agent.config import Settings
from agent.errors import CoachError
from agent.store.db import LOCAL_USER_ID, MIGRATIONS, connect_read_only
from agent.store.errors import folder_writable

Status = Literal["ok", "warn", "problem"]
LOW_SPACE_BYTES = 50_000_000


@dataclass
class Finding:
    check: str
    status: Status
    detail: str
    fix: str = ""

    def as_dict(self) -> dict[str, str]:
        return asdict(self)


def newest_backup(settings: Settings) -> Path | None:
    """The newest safety copy `coach restore` left under `backups/` (a hint for the fix lines)."""
    folder = settings.data_dir / "backups"
    found = sorted(folder.glob("before-restore-*"), reverse=True) if folder.is_dir() else []
    return found[0] if found else None


def restore_hint(settings: Settings) -> str:
    hint = "restore your last backup with `coach restore FILE`"
    older = newest_backup(settings)
    if older is not None:
        hint += f" (the data replaced by the last restore is in {older})"
    return hint


def check_folder(settings: Settings) -> list[Finding]:
    folder = settings.data_dir
    if not folder.exists():
        return [Finding("data folder", "warn", f"{folder} does not exist yet",
                        "it is created by the first command that saves something")]
    findings = []
    if folder_writable(folder):
        findings.append(Finding("data folder", "ok", f"{folder} is writable"))
    else:
        findings.append(Finding("data folder", "problem", f"{folder} is read-only: nothing can be "
                                "saved (contacts can still be listed, exported and backed up)",
                                "make it writable, or use another folder with --data-dir / "
                                "COACH_DATA_DIR"))
    free = shutil.disk_usage(folder).free
    if free < LOW_SPACE_BYTES:
        findings.append(Finding("disk space", "problem", f"{free / 1e6:.1f} MB free where the data "
                                "lives: saves will fail", "free some disk space"))
    else:
        findings.append(Finding("disk space", "ok", f"{free / 1e9:.1f} GB free"))
    return findings


def check_database(settings: Settings, path: Path, label: str) -> tuple[Finding, dict[str, int]]:
    if not path.exists():
        return Finding(label, "ok", f"{path.name} not created yet"), {}
    counts: dict[str, int] = {}
    try:
        conn = connect_read_only(path)
        try:
            verdict = [r[0] for r in conn.execute("PRAGMA integrity_check").fetchall()]
            version = int(conn.execute("PRAGMA user_version").fetchone()[0])
            for (table,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' "
                                         "AND name NOT LIKE 'sqlite_%'").fetchall():
                counts[table] = int(conn.execute(f'SELECT COUNT(*) FROM "{table}"').fetchone()[0])
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        return Finding(label, "problem", f"{path.name} cannot be read: {exc}",
                       f"{restore_hint(settings)}; or move {path.name} aside to start afresh "
                       "(everything in it is then gone)"), counts
    if verdict != ["ok"]:
        return Finding(label, "problem", f"{path.name} is damaged: {'; '.join(verdict[:2])[:160]}",
                       restore_hint(settings)), counts
    if path.name == "coach.sqlite3" and version > len(MIGRATIONS):
        return Finding(label, "problem", f"{path.name} was written by a newer version of the coach",
                       "update the coach"), counts
    shown = ", ".join(f"{n} {t}" for t, n in sorted(counts.items()) if not t.startswith("ingest"))
    return Finding(label, "ok", f"{path.name} is sound ({shown or 'empty'})"), counts


def check_user_data_server(settings: Settings) -> tuple[Finding, dict[str, int]]:
    """With COACH_DATABASE_URL the user data is on PostgreSQL: connect (only reading), and report
    the schema version and the rows of each table."""
    from agent.store.pg_db import PG_MIGRATIONS, redacted, server_summary

    url = settings.database_url or ""
    where = f"PostgreSQL at {redacted(url)}"
    try:
        version, counts = server_summary(url)
    except CoachError as exc:
        return Finding("your data", "problem", str(exc),
                       "start PostgreSQL, or correct or unset COACH_DATABASE_URL"), {}
    latest = len(PG_MIGRATIONS)
    if version == 0:
        return Finding("your data", "ok", f"{where}: no tables yet (the app creates them when it "
                       "starts)"), counts
    if version > latest:
        return Finding("your data", "problem", f"{where} was written by a newer version of the "
                       f"coach (schema {version}, this one knows {latest})", "update the coach"), counts
    shown = ", ".join(f"{n} {t}" for t, n in sorted(counts.items()) if not t.startswith("ingest"))
    pending = "" if version == latest else f", brought to {latest} when the app starts"
    return Finding("your data", "ok", f"{where}, schema {version}{pending}: {shown or 'empty'}"), counts


def check_index(settings: Settings, vectors: Any, db_counts: dict[str, int]) -> list[Finding]:
    """Collections against the manifest: a deleted or damaged Chroma folder shows up here."""
    from agent.ingest.pipeline import missing_kinds
    from agent.store.db import open_database

    chroma = settings.chroma_dir
    rebuild = "run `coach doctor --rebuild-index` (or `coach ingest`, which rebuilds what is missing)"
    if not settings.chroma_url and not chroma.exists():
        if not db_counts.get("ingest_manifest"):
            return [Finding("knowledge index", "warn", "not built yet",
                            "it is built by the first command that needs it, or `coach ingest`")]
        return [Finding("knowledge index", "problem", f"{chroma} is missing (deleted?) although "
                        "the manifest lists indexed files", rebuild)]
    try:
        counts = {kind: vectors.count(kind) for kind in ("guidance", "roles", "questions",
                                                        "exemplars", "user_docs")}
    except CoachError as exc:
        return [Finding("knowledge index", "problem", str(exc), rebuild)]
    try:
        db = open_database(settings)
    except CoachError:  # reported under "your data"; the index itself answered
        return [Finding("knowledge index", "warn", "not compared with its manifest: the user "
                        "database cannot be opened", "repair your data first (see above)")]
    try:
        missing = missing_kinds(vectors, db)
    except CoachError as exc:
        return [Finding("knowledge index", "problem", str(exc), rebuild)]
    finally:
        db.close()
    if missing:
        return [Finding("knowledge index", "problem", "chunks are missing from "
                        f"{', '.join(missing)} (the index was deleted or replaced)", rebuild)]
    return [Finding("knowledge index", "ok", ", ".join(f"{k} {n}" for k, n in counts.items()))]


def check_model(settings: Settings) -> Finding:
    if not settings.embedded:
        return Finding("model", "ok", f"remote server {settings.base_url} (not contacted by the doctor)")
    from agent.model_server import resolve_model_path

    try:
        path = resolve_model_path(settings.model_path)
    except CoachError as exc:
        return Finding("model", "problem", str(exc), "reinstall with `make install`, or set "
                       "COACH_MODEL_PATH / OPENAI_BASE_URL")
    return Finding("model", "ok", f"embedded {path.name} ({path.stat().st_size / 1e6:.0f} MB)")


def check_rehearsal_server(settings: Settings) -> Finding:
    """With COACH_DATABASE_URL the rehearsals are on PostgreSQL: connect, and count the threads."""
    from agent.store.checkpoints import open_saver
    from agent.store.pg_db import redacted

    where = f"PostgreSQL at {redacted(settings.database_url or '')}"
    try:
        saver: Any = open_saver(settings)
        try:
            threads = len(saver.thread_checkpoint_counts())
        finally:
            saver.close()
    except CoachError as exc:
        return Finding("rehearsals", "problem", str(exc),
                       "start PostgreSQL, or correct or unset COACH_DATABASE_URL")
    return Finding("rehearsals", "ok", f"{where}: {threads} rehearsal(s)")


def diagnose(settings: Settings, vectors_factory: Any) -> list[Finding]:
    findings = check_folder(settings)
    if settings.database_url:
        db_finding, db_counts = check_user_data_server(settings)
        findings += [db_finding, check_rehearsal_server(settings)]
    else:
        db_finding, db_counts = check_database(settings, settings.db_path, "your data")
        findings += [db_finding, check_database(settings, settings.checkpoint_path, "rehearsals")[0]]
    # A damaged SQLite file stops here; a server that is down does not stop a Chroma check. An
    # embedded index is not opened in a missing folder (that would create it).
    if ((db_finding.status == "ok" or settings.database_url)
            and (settings.data_dir.exists() or settings.chroma_url)):
        try:
            vectors = vectors_factory()
        except CoachError as exc:
            findings.append(Finding("knowledge index", "problem", str(exc),
                                    "run `coach doctor --rebuild-index`"))
        else:
            findings += check_index(settings, vectors, db_counts)
    findings.append(check_model(settings))
    return findings


def drop_collections(vectors: Any) -> None:
    """Delete the encoder's collections on a Chroma server (others' encoders are left alone)."""
    from agent.store.vectors import KINDS, collection_name

    with vectors.guarded():
        present = {c.name for c in vectors.client.list_collections()}
        for kind in KINDS:
            name = collection_name(kind, vectors.encoder.name)
            if name in present:
                vectors.client.delete_collection(name)


def rebuild_index(settings: Settings, encoder: Any) -> dict[str, Any]:
    """Build the knowledge index afresh: the old folder is moved aside (and deleted once the new
    one is built), or on a Chroma server the encoder's collections are dropped; the built-in
    knowledge is ingested, and the user's documents come back from the old index if it can still
    be read, else from their files."""
    import chromadb.api.client

    from agent.ingest.pipeline import ingest
    from agent.store.db import open_database
    from agent.store.vectors import open_vectors

    db = open_database(settings)
    salvaged: list[dict[str, Any]] = []
    if settings.chroma_url or settings.chroma_dir.exists():
        with contextlib.suppress(CoachError, Exception):
            from agent.store.backup import user_doc_records

            salvaged = user_doc_records(open_vectors(settings, encoder))
    if settings.chroma_url:  # a server: drop this encoder's collections instead of a folder
        drop_collections(open_vectors(settings, encoder))
    chromadb.api.client.SharedSystemClient.clear_system_cache()
    aside = None
    if not settings.chroma_url and settings.chroma_dir.exists():
        aside = settings.chroma_dir.with_name(f"chroma.old-{datetime.now(UTC):%Y%m%d-%H%M%S}")
        settings.chroma_dir.rename(aside)
    user_rows = db.manifest_rows("user_docs", encoder.name)
    for kind in ("guidance", "roles", "questions", "exemplars"):
        db.forget_ingest(kind, encoder.name)
    vectors = open_vectors(settings, encoder)
    report = ingest(vectors, db).as_dict()
    missing_files: list[str] = []
    if salvaged:
        vectors.upsert("user_docs", [r["id"] for r in salvaged], [r["text"] for r in salvaged],
                       [r["metadata"] for r in salvaged], owner=LOCAL_USER_ID)
    elif user_rows:
        db.forget_ingest("user_docs", encoder.name)
        present = [r["source"] for r in user_rows if Path(r["source"]).is_file()]
        missing_files = [r["source"] for r in user_rows if not Path(r["source"]).is_file()]
        if present:
            ingest(vectors, db, present)
    if aside is not None:
        shutil.rmtree(aside, ignore_errors=True)
    return {"builtin": report, "user_doc_chunks_salvaged": len(salvaged),
            "user_docs_missing": missing_files}
