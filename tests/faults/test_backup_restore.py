"""Fault 5: `coach backup FILE` / `coach restore FILE` as a user runs them, round trip.

The data: a contact, drafts, a SWOT with its interview, an ended and an open rehearsal,
and an ingested document whose file is then deleted. After a restore on a fresh install
every row is back, the rehearsal continues on its thread, and the document is found by search.
(A restore into a folder without the built-in index works too; it is built on first use, which
only costs time here: `evals/robustness.py` restores into an empty folder.)"""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

from evals.faults import invariants
from evals.faults.app import Proc, set_mode
from tests.faults.conftest import cli, one_json, one_line_error
from tests.unit.thankyou_notes import ADVICE_CONTACT, ADVICE_NOTES

TABLES = ("contacts", "contact_history", "question_lists", "drafts", "interviews", "swots", "profiles",
          "users", "ingest_manifest")


def rows(folder: Path) -> dict[str, list[tuple]]:  # type: ignore[type-arg]
    out = {}
    conn = sqlite3.connect(folder / "coach.sqlite3")
    for table in TABLES:
        out[table] = conn.execute(f"SELECT * FROM {table} ORDER BY 1, 2").fetchall()
    conn.close()
    conn = sqlite3.connect(folder / "checkpoints.sqlite3")
    out["checkpoints"] = conn.execute(
        "SELECT thread_id, checkpoint_id FROM checkpoints ORDER BY 1, 2").fetchall()
    conn.close()
    return out


OPENING = "Hi, I'm Sam, a nurse exploring UX research."


def open_rehearsal(folder: Path) -> str:
    """A rehearsal with one turn, left open (as a closed browser tab leaves it)."""
    from agent.config import Settings
    from agent.deps import Deps
    from agent.mock.graph import send_turn, start_session
    from agent.mock.state import MockRequest
    from tests.fakes import FakeChatModel

    model = FakeChatModel(default="I started in support and moved over after a year.")
    deps = Deps(Settings.load(env={}, dotenv=Path("/nonexistent"), data_dir=folder), llm_override=model)
    thread = start_session(deps, MockRequest(contact_role="UX researcher", contact_name="Dana Park"))
    for _ in send_turn(deps, thread, OPENING):
        pass
    return thread


def test_backup_then_restore_on_a_fresh_install(data_dir: Path, tmp_path: Path, fake_model: Proc,
                                                 built_index: Path) -> None:
    set_mode(fake_model, "ok")
    env = {"OPENAI_BASE_URL": fake_model.url + "/v1"}
    contact = one_json(cli(data_dir, "contacts", "add", "--name", ADVICE_CONTACT, "--role", "Nurse",
                           "--status", "done", "--json"))["contact"]
    notes = tmp_path / "notes.txt"
    notes.write_text(ADVICE_NOTES, encoding="utf-8")
    one_json(cli(data_dir, "thank-you", str(notes), "--contact-name", ADVICE_CONTACT, "--contact-id",
                 str(contact["id"]), "--json", env=env))
    one_json(cli(data_dir, "swot", str(notes), "--contact-id", str(contact["id"]), "--json", env=env))
    one_json(cli(data_dir, "outreach", "--contact-name", "Maria Lopez", "--contact-role", "UX Researcher",
                 "--json", env=env))
    one_json(cli(data_dir, "mock", "--contact-role", "Nurse", "--script", str(notes), "--json", env=env))
    thread = open_rehearsal(data_dir)  # `coach mock --script` ends its session; this one stays open
    doc = tmp_path / "mentor.md"
    doc.write_text("## Advice\n\nBring three accessibility case studies to every portfolio review.\n")
    one_json(cli(data_dir, "ingest", str(doc), "--json"))
    before = rows(data_dir)

    archive = tmp_path / "coach-backup.zip"
    made = one_json(cli(data_dir, "backup", str(archive), "--json"))
    assert made["counts"]["contacts"] == 1 and made["user_doc_chunks"] == 1
    assert "exists" in one_line_error(cli(data_dir, "backup", str(archive)))  # never overwritten
    doc.unlink()

    empty = tmp_path / "new-machine"  # a fresh install: the built-in index, no user data yet
    shutil.copytree(built_index, empty)
    restored = one_json(cli(empty, "restore", str(archive), "--json"))
    assert restored["safety_copy"] is not None  # the fresh install's empty database is kept aside
    assert rows(empty) == before and invariants.check(empty) == []

    found = one_json(cli(empty, "search", "accessibility case studies portfolio", "-k", "3", "--json"))
    assert any("accessibility case studies" in r["text"] for r in found["results"])
    script = tmp_path / "turns.txt"
    script.write_text("How did you get into the field?\nWhat does a normal week look like?\n",
                      encoding="utf-8")
    resumed = one_json(cli(empty, "mock", "--thread", thread, "--script", str(script), "--json", env=env))
    assert resumed["thread_id"] == thread and len(resumed["transcript"]) == 6  # 1 turn kept + 2 new
    assert resumed["transcript"][0]["text"] == OPENING
    assert one_json(cli(empty, "doctor", "--json"))["healthy"] is True
