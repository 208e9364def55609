"""`coach doctor [--rebuild-index]`: check the data folder, the databases, the index and the model,
and say how to repair what is wrong. Exit status 0 when nothing is wrong, 1 when something is."""

from __future__ import annotations

import argparse

from agent.cli import emit
from agent.cli.common import add_json_flag, settings_from

MARKS = {"ok": "ok  ", "warn": "note", "problem": "FAIL"}


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("doctor", help="check the data folder, index and model; say how to repair")
    p.add_argument("--rebuild-index", action="store_true",
                   help="rebuild the knowledge index (built-in knowledge and your documents)")
    add_json_flag(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from agent.embeddings import make_encoder
    from agent.store.health import diagnose, rebuild_index
    from agent.store.vectors import VectorStore, open_vectors

    settings = settings_from(args)
    encoders: list[object] = []

    def vectors() -> VectorStore:
        if not encoders:
            encoders.append(make_encoder(settings))
        return open_vectors(settings, encoders[0])  # type: ignore[arg-type]

    rebuilt = None
    if args.rebuild_index:
        rebuilt = rebuild_index(settings, make_encoder(settings))
    findings = diagnose(settings, vectors)
    healthy = not any(f.status == "problem" for f in findings)
    payload = {"data_dir": str(settings.data_dir), "healthy": healthy,
               "checks": [f.as_dict() for f in findings], "rebuilt": rebuilt}
    lines = [f"coach doctor: {settings.data_dir}"]
    if rebuilt is not None:
        lines.append(f"rebuilt the index: {rebuilt['builtin']['chunks']} built-in chunks, "
                     f"{rebuilt['user_doc_chunks_salvaged']} of your document chunks kept"
                     + (f"; not found: {', '.join(rebuilt['user_docs_missing'])}"
                        if rebuilt["user_docs_missing"] else ""))
    for f in findings:
        fix = f"\n       fix: {f.fix}" if f.fix else ""
        lines.append(f"[{MARKS[f.status]}] {f.check}: {f.detail}{fix}")
    lines.append("all good" if healthy else "problems found (see fix lines)")
    emit(args, payload, "\n".join(lines))
    return 0 if healthy else 1
