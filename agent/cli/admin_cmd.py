"""`coach admin prune --older-than 30d`: housekeeping for a long-running (or shared) install.
`coach admin copy-to-postgres`: move a data folder's SQLite data onto the PostgreSQL server
(`agent.store.copy_to_pg`).

Deletes the checkpoints of rehearsals that finished before the cutoff, on the configured
checkpointer (SQLite in the data folder, or PostgreSQL with COACH_DATABASE_URL), and prints one
JSON object with the counts. See `agent.store.prune` for what counts as finished and why
unfinished rehearsals are always kept.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import UTC, datetime

from agent.cli.common import settings_from


def register(sub: argparse._SubParsersAction) -> None:
    admin = sub.add_parser("admin", help="housekeeping for the stores (prune old rehearsals, "
                                         "copy SQLite data to PostgreSQL)")
    tasks = admin.add_subparsers(dest="task", required=True, parser_class=type(admin))
    p = tasks.add_parser("prune", help="delete checkpoints of rehearsals finished before a cutoff")
    p.add_argument("--older-than", required=True, metavar="AGE",
                   help="e.g. 30d or 12h: finished rehearsals last saved longer ago are deleted")
    p.add_argument("--dry-run", action="store_true", help="count what would be deleted, delete nothing")
    p.set_defaults(func=run_prune)
    c = tasks.add_parser("copy-to-postgres",
                         help="copy the data folder's SQLite data into the empty COACH_DATABASE_URL database")
    c.add_argument("--dry-run", action="store_true", help="count what would be copied, copy nothing")
    c.set_defaults(func=run_copy)


def run_prune(args: argparse.Namespace) -> int:
    from agent.store.prune import PruneReport, parse_age, prune_finished

    age = parse_age(args.older_than)
    settings = settings_from(args)
    cutoff = datetime.now(UTC) - age
    if not settings.database_url and not settings.checkpoint_path.exists():
        report = PruneReport("sqlite", cutoff.isoformat(timespec="seconds"), args.dry_run)
    else:
        from agent.store.checkpoints import open_saver

        saver = open_saver(settings)
        try:
            report = prune_finished(saver, cutoff, dry_run=args.dry_run)
        finally:
            saver.close()  # type: ignore[attr-defined]
    payload = {"older_than": args.older_than.strip(), **report.as_dict()}
    sys.stdout.write(json.dumps(payload) + "\n")
    return 0


def run_copy(args: argparse.Namespace) -> int:
    from agent.store.copy_to_pg import copy_to_postgres

    report = copy_to_postgres(settings_from(args), dry_run=args.dry_run)
    sys.stdout.write(json.dumps(report.as_dict()) + "\n")
    return 0
