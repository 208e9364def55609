"""kill -9 during a save loses nothing that was committed, and leaves a sound database.

A child process saves contacts in a loop and prints each id only after `save_contact` returned
(i.e. after COMMIT). We SIGKILL it while it is writing, reopen the file, and check that every
printed contact is there with its history, and that SQLite's integrity check passes.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from agent.store.db import Database

WRITER = textwrap.dedent("""
    import sys
    from pathlib import Path
    from agent.store.db import Database

    db = Database(Path(sys.argv[1]))
    i = 0
    while True:
        i += 1
        cid = db.local_user().save_contact(None, {"name": f"Contact {i}", "status": "requested",
                                     "requested_at": "2025-05-12T09:00:00+00:00",
                                     "notes": "x" * 2000},
                              [("created", "2025-05-12T09:00:00+00:00"),
                               ("status:requested", "2025-05-12T09:00:00+00:00")])
        print(cid, flush=True)
""")


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs POSIX signals")
@pytest.mark.parametrize("kill_after", [25, 80])
def test_sigkill_mid_save_keeps_every_committed_contact(tmp_path: Path, kill_after: int) -> None:
    path = tmp_path / "coach.sqlite3"
    Database(path)  # migrate first, so the child only writes contacts
    root = Path(__file__).resolve().parents[2]
    proc = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(path)], stdout=subprocess.PIPE, text=True,
        cwd=root, env={**os.environ, "PYTHONPATH": str(root)},
    )
    committed: list[int] = []
    try:
        assert proc.stdout is not None
        deadline = time.monotonic() + 60
        while len(committed) < kill_after and time.monotonic() < deadline:
            line = proc.stdout.readline()
            if not line:
                break
            committed.append(int(line))
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)
        committed += [int(x) for x in proc.stdout.read().split()]
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == -signal.SIGKILL
    assert len(committed) >= kill_after, "the writer did not get going"

    db = Database(path)
    with db.connect() as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    stored = {c["id"]: c for c in db.local_user().list_contacts()}
    missing = [cid for cid in committed if cid not in stored]
    assert not missing
    for cid in committed:
        assert stored[cid]["name"] == f"Contact {cid}"
        assert [h["event"] for h in db.local_user().contact_history(cid)] == ["created", "status:requested"]
    for cid, contact in stored.items():  # nothing half-saved: every row has its history too
        assert len(db.local_user().contact_history(cid)) == 2, contact["name"]
