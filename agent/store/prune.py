"""Deleting the checkpoints of rehearsals that finished long ago (`coach admin prune`).

Every turn of a rehearsal adds checkpoints, and a server with many users keeps them all. A thread
is pruned only when it has *finished* (its feedback was made: the same `_ended` test the app uses
to refuse new turns, so a finished thread is never written again and deleting it cannot race a
running turn) and its last checkpoint is older than the cutoff. Unfinished threads are kept
whatever their age: the app offers to resume them. Works on both checkpointers (SQLite and
PostgreSQL) through the saver's own `delete_thread`.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from agent.errors import InputError

AGE = re.compile(r"^\s*(\d{1,5})\s*([dh])\s*$", re.IGNORECASE)


def parse_age(text: str) -> timedelta:
    """`30d` or `12h` → a timedelta; anything else is an `InputError` line."""
    match = AGE.match(text or "")
    if not match:
        raise InputError(f"--older-than must be a whole number of days or hours, like 30d or 12h "
                         f"(got {text!r})")
    number, unit = int(match.group(1)), match.group(2).lower()
    return timedelta(days=number) if unit == "d" else timedelta(hours=number)


@dataclass
class PruneReport:
    backend: str
    cutoff: str
    dry_run: bool
    threads: int = 0
    pruned_threads: int = 0
    deleted_checkpoints: int = 0
    kept_unfinished: int = 0
    kept_recent: int = 0

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def prune_finished(saver: Any, cutoff: datetime, dry_run: bool = False) -> PruneReport:
    """Delete every finished thread whose last checkpoint is older than `cutoff` (aware UTC).

    `saver` is one of our checkpointers (`thread_checkpoint_counts` and `delete_thread`)."""
    from agent.mock.graph import _ended, compile_graph

    graph = compile_graph(saver)  # reading state needs no model, only the graph's channels
    report = PruneReport(backend="postgresql" if hasattr(saver, "url") and
                         str(saver.url).startswith("postgres") else "sqlite",
                         cutoff=cutoff.isoformat(timespec="seconds"), dry_run=dry_run)
    for thread_id, count in sorted(saver.thread_checkpoint_counts().items()):
        report.threads += 1
        snapshot = graph.get_state({"configurable": {"thread_id": thread_id}})
        if not _ended(snapshot):
            report.kept_unfinished += 1
            continue
        last = datetime.fromisoformat(snapshot.created_at) if snapshot.created_at else None
        if last is None or last.astimezone(UTC) >= cutoff:
            report.kept_recent += 1
            continue
        if not dry_run:
            saver.delete_thread(thread_id)
        report.pruned_threads += 1
        report.deleted_checkpoints += count
    return report
