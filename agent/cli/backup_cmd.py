"""`coach backup FILE` and `coach restore FILE`: the user's data (contacts, drafts, notes, SWOTs,
rehearsals, their own documents) in one zip archive, and back. See `agent.store.backup`.
Stop `coach ui` before a restore: it replaces the files the app has open. With COACH_DATABASE_URL
the data is on PostgreSQL and both refuse, pointing at pg_dump."""

from __future__ import annotations

import argparse
from pathlib import Path

from agent.cli import emit, warn_notice
from agent.cli.common import add_json_flag, settings_from


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("backup", help="write your data to one archive (SQLite online backup)")
    p.add_argument("file", metavar="FILE", help="the archive to write, e.g. coach-2025-05-12.zip")
    p.add_argument("--force", action="store_true", help="overwrite FILE if it exists")
    add_json_flag(p)
    p.set_defaults(func=run_backup)
    p = sub.add_parser("restore", help="bring back your data from a `coach backup` archive")
    p.add_argument("file", metavar="FILE")
    add_json_flag(p)
    p.set_defaults(func=run_restore)


def _vectors(settings):  # type: ignore[no-untyped-def]
    from agent.embeddings import make_encoder
    from agent.store.vectors import open_vectors

    return open_vectors(settings, make_encoder(settings))


def _counts(summary: dict) -> str:  # type: ignore[type-arg]
    c = summary["counts"]
    return (f"{c.get('contacts', 0)} contact(s), {c.get('drafts', 0)} draft(s), "
            f"{c.get('interviews', 0)} interview(s), {c.get('swots', 0)} SWOT(s), "
            f"{c.get('checkpoints', 0)} rehearsal checkpoint(s), "
            f"{summary['user_doc_chunks']} chunk(s) of your documents")


def run_backup(args: argparse.Namespace) -> int:
    from agent.store.backup import create_backup, refuse_on_server

    settings = settings_from(args)
    refuse_on_server(settings, "back up")  # before opening the index, which takes a while
    vectors = _vectors(settings) if settings.chroma_url or settings.chroma_dir.exists() else None
    summary = create_backup(settings, Path(args.file), vectors, force=args.force).as_dict()
    for warning in summary["warnings"]:
        warn_notice(warning)
    emit(args, summary, f"wrote {summary['path']}: {_counts(summary)}")
    return 0


def run_restore(args: argparse.Namespace) -> int:
    from agent.store.backup import restore_backup

    settings = settings_from(args)
    summary = restore_backup(settings, Path(args.file), lambda: _vectors(settings)).as_dict()
    for warning in summary["warnings"]:
        warn_notice(warning)
    kept = f" (what it replaced is in {summary['safety_copy']})" if summary["safety_copy"] else ""
    emit(args, summary, f"restored {_counts(summary)}{kept}")
    return 0
