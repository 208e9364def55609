"""`coach swot`: interview notes (one file per interview) → a grounded SWOT with next steps.

Limits: at most 10 files, each at most 200 KB of UTF-8 text. Every file is read and checked
before any work starts, so a bad file stops the run with nothing saved.
"""

from __future__ import annotations

import argparse

from agent.cli import emit
from agent.cli.common import add_json_flag, deps_from, ensure_index
from agent.errors import InputError
from agent.swot.report import report_markdown
from agent.swot.state import NoteInput, SwotRequest
from agent.text.notes_input import read_note_files


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("swot", help="turn interview notes into a SWOT with next steps")
    p.add_argument("notes_files", nargs="+", metavar="NOTES_FILE",
                   help="notes of one interview per file (UTF-8 text, up to 200 KB, up to 10 files)")
    p.add_argument("--contact-id", type=int,
                   help="save the notes as interviews of this contact and file the SWOT under it")
    p.add_argument("--summary", action=argparse.BooleanOptionalAction, default=None,
                   help="let the model word one summary line per quadrant (default: only with a "
                   "capable or remote model; the embedded default skips it)")
    add_json_flag(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from agent.swot.graph import run_swot  # workflows load langgraph (~0.7 s): only when run
    from agent.swot.saving import save_swot

    notes = read_note_files(args.notes_files)
    deps = deps_from(args)
    if args.contact_id is not None and deps.mine.get_contact(args.contact_id) is None:
        raise InputError(f"no contact with id {args.contact_id}")
    request = SwotRequest(notes=[NoteInput(source=n.source, text=n.text) for n in notes],
                          summarise=args.summary)
    ensure_index(deps)
    try:
        report = run_swot(deps, request)
    finally:
        deps.close()
    payload = report.payload()
    save_swot(deps.mine, args.contact_id, [n.text for n in notes], payload)
    emit(args, payload, report_markdown(report))
    return 0
