"""`coach thank-you` and `coach contacts`: JSON contracts, bad input → one line and exit 2."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from agent.deps import Deps
from agent.text.notes_input import MAX_NOTE_BYTES
from tests.fakes import FakeChatModel
from tests.unit.thankyou_notes import ADVICE_CONTACT, ADVICE_NOTES

NOTES = "{notes}"  # replaced by the path of a notes file written for the test


@pytest.fixture
def notes_file(tmp_path: Path) -> str:
    path = tmp_path / "interview-notes.txt"
    path.write_text(ADVICE_NOTES, encoding="utf-8")
    return str(path)


@pytest.fixture
def run(run_cli, deps: Deps):  # type: ignore[no-untyped-def]
    """The shared runner on the test's data folder (the contacts commands read it from --data-dir)."""
    data_dir = str(deps.settings.data_dir)
    return lambda *argv: run_cli("--data-dir", data_dir, *argv)


def test_thank_you_json_contract(run, fake_llm: FakeChatModel, deps: Deps,  # type: ignore[no-untyped-def]
                                 notes_file: str) -> None:
    fake_llm.default = json.dumps({"sentence": "nothing useful"})
    code, out, err = run("thank-you", notes_file, "--contact-name", ADVICE_CONTACT,
                         "--interview-time", "2025-03-09T14:00:00+01:00", "--json")
    assert code == 0, err
    payload = json.loads(out)
    assert set(payload) == {"subject", "body", "checks", "due", "point"}
    assert payload["due"] == "2025-03-10T14:00:00+01:00"
    assert all(set(c) == {"rule", "passed", "detail"} for c in payload["checks"])
    assert {c["rule"] for c in payload["checks"]} >= {
        "length", "contact_named", "specific_point", "use_stated", "no_resume", "no_job_ask",
        "individual", "grounded"}
    assert "Bluebeam" in payload["point"] and "Bluebeam" in payload["body"]
    assert [d["kind"] for d in deps.mine.drafts()] == ["thank_you"]


def test_thank_you_files_the_draft_on_the_contact_and_uses_its_interview_time(run, fake_llm,  # type: ignore[no-untyped-def]
                                                                             notes_file: str) -> None:
    fake_llm.default = json.dumps({"sentence": "x"})
    code, out, err = run("contacts", "add", "--name", ADVICE_CONTACT, "--status", "done",
                         "--interview-time", "2025-03-09T10:00:00+00:00", "--json")
    assert code == 0, err
    cid = json.loads(out)["contact"]["id"]
    code, out, err = run("thank-you", notes_file, "--contact-name", "Nils", "--contact-id", str(cid),
                         "--json")
    assert code == 0, err
    assert json.loads(out)["due"] == "2025-03-10T10:00:00+00:00"
    code, out, _ = run("contacts", "show", str(cid), "--json")
    assert [d["kind"] for d in json.loads(out)["contact"]["drafts"]] == ["thank_you"]


def _bad_inputs(tmp: Path) -> list[tuple[str, str]]:
    (tmp / "empty.txt").write_text("  \n\t\n", encoding="utf-8")
    (tmp / "binary.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    (tmp / "latin1.txt").write_bytes("Notes from the café with Zoë".encode("latin-1"))
    (tmp / "huge.txt").write_text("She recommended I learn SQL. " * (MAX_NOTE_BYTES // 20), encoding="utf-8")
    (tmp / "folder").mkdir()
    return [("empty.txt", "empty"), ("binary.txt", "binary"), ("latin1.txt", "UTF-8"),
            ("huge.txt", "200 KB"), ("folder", "not a file"), ("missing.txt", "no such notes file")]


def test_bad_notes_files_are_one_line_exit_2_and_save_nothing(run, tmp_path: Path, deps: Deps,  # type: ignore[no-untyped-def]
                                                              fake_llm: FakeChatModel) -> None:
    for name, needle in _bad_inputs(tmp_path):
        code, out, err = run("thank-you", str(tmp_path / name), "--contact-name", "Nils", "--json")
        assert code == 2, name
        assert out == "" and err.count("\n") == 1 and needle in err, (name, err)
        assert "Traceback" not in err
    assert fake_llm.calls == [] and deps.mine.drafts() == []


@pytest.mark.parametrize(("argv", "needle"), [
    (["thank-you", NOTES, "--contact-name", "  "], "contact-name"),
    (["thank-you", NOTES, "--contact-name", "Nils", "--interview-time", "last Tuesday"],
     "--interview-time"),
    (["thank-you", NOTES, "--contact-name", "Nils", "--contact-id", "42"], "no contact"),
    (["contacts", "add", "--name", "Ana", "--status", "ghosted"], "unknown status"),
    (["contacts", "update", "1", "--status", "done"], "no contact"),
    (["contacts", "add", "--name", "x" * 500], "name"),
    (["contacts", "due", "--today", "15/05/2025"], "--today"),
    (["contacts", "export", "--format", "xlsx"], "format"),
])
def test_bad_arguments_are_one_line_exit_2(run, argv: list[str], needle: str,  # type: ignore[no-untyped-def]
                                           notes_file: str) -> None:
    code, out, err = run(*[notes_file if arg == NOTES else arg for arg in argv])
    assert code == 2 and needle in err and err.count("\n") == 1, err


def test_contacts_lifecycle_json(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    code, out, _ = run("contacts", "add", "--name", "Dana Ruiz", "--role", "UX researcher",
                       "--company", "Fernwood Health", "--connection", "Lisa Grant",
                       "--status", "requested", "--at", "2025-05-16T09:00:00+00:00", "--json")
    dana = json.loads(out)["contact"]
    assert code == 0 and dana["status"] == "requested"
    assert dana["next_follow_up"]["date"] == "2025-05-21"  # Fri + 3 business days
    run("contacts", "add", "--name", "Kenji Watanabe", "--company", "Fernwood Health")

    code, out, _ = run("contacts", "due", "--today", "2025-05-21", "--json")
    due = json.loads(out)
    assert due["today"] == "2025-05-21"
    assert [(d["name"], d["kind"]) for d in due["due"]] == [("Dana Ruiz", "second_contact")]
    assert "Kenji Watanabe" in due["due"][0]["action"]

    code, out, _ = run("contacts", "update", str(dana["id"]), "--status", "scheduled",
                       "--at", "2025-05-20T09:00:00+00:00",
                       "--interview-time", "2025-05-23T15:00:00+00:00", "--json")
    updated = json.loads(out)["contact"]
    assert updated["replied_at"] == "2025-05-20T09:00:00+00:00"
    assert updated["responsiveness"] == "booster"
    code, out, _ = run("contacts", "due", "--today", "2025-05-21", "--json")
    assert json.loads(out)["due"] == []

    code, out, _ = run("contacts", "list", "--today", "2025-05-21", "--json")
    listed = json.loads(out)["contacts"]
    assert [c["name"] for c in listed] == ["Dana Ruiz", "Kenji Watanabe"]
    assert all({"status", "next_follow_up", "responsiveness"} <= set(c) for c in listed)

    target = tmp_path / "contacts.csv"
    code, out, _ = run("contacts", "export", "--format", "csv", "--output", str(target), "--json")
    assert json.loads(out) == {"format": "csv", "output": str(target), "contacts": 2}
    rows = list(csv.DictReader(io.StringIO(target.read_text(encoding="utf-8"))))
    assert rows[0]["status"] == "scheduled" and rows[0]["connection"] == "Lisa Grant"
    code, out, _ = run("contacts", "export", "--format", "md")
    assert code == 0 and "| Dana Ruiz |" in out


def test_missing_notes_file_via_a_real_process(tmp_path: Path) -> None:
    root = Path(__file__).resolve().parents[2]
    proc = subprocess.run(
        [sys.executable, "-c", "from agent.cli import main; raise SystemExit(main())", "thank-you",
         str(tmp_path / "nope.txt"), "--contact-name", "Raj"],
        capture_output=True, text=True, cwd=root, timeout=120,
        env={**os.environ, "COACH_DATA_DIR": str(tmp_path / "data"), "PYTHONPATH": str(root)},
    )
    assert proc.returncode == 2
    assert proc.stderr.strip().splitlines() == [f"coach: error: no such notes file: {tmp_path / 'nope.txt'}"]
    assert proc.stdout == ""
