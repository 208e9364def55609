"""Fault 2: the model server hangs, answers garbage (not JSON, the wrong shape, an empty stream,
HTTP 500) or dies mid-stream. Each CLI command still answers with its template fallback, one
stdout JSON object and one `coach: warning:` line naming the failure; a hang costs one bounded
wait (COACH_TIMEOUT × (1 + COACH_MAX_RETRIES)), never one per model call. Timings are measured
in `evals/robustness.py`, not asserted here."""

from __future__ import annotations

from pathlib import Path

import pytest

from evals.faults.app import Proc, requests_seen, set_mode, start_fake_model
from tests.faults.conftest import cli, one_json
from tests.unit.thankyou_notes import ADVICE_CONTACT, ADVICE_NOTES

OUTREACH = ["outreach", "--contact-name", "Maria Lopez", "--contact-role", "UX Researcher",
            "--connection", "Referred by Lisa Grant", "--json"]


def env_for(fake: Proc) -> dict[str, str]:
    return {"OPENAI_BASE_URL": fake.url + "/v1", "COACH_TIMEOUT": "2", "COACH_MAX_RETRIES": "1"}


def warning_lines(stderr: str) -> list[str]:
    return [ln for ln in stderr.splitlines() if ln.startswith("coach: warning: ")]


@pytest.mark.parametrize(("mode", "needle"), [
    ("hang", "timed out"),
    ("invalid_json", "malformed stream"),
    ("wrong_schema", None),  # valid JSON of the wrong shape: the validators reject it silently
    ("empty_stream", "ended before"),
    ("http_500", "HTTP 500"),
])
def test_outreach_falls_back_with_one_warning(data_dir: Path, fake_model: Proc, mode: str,
                                              needle: str | None) -> None:
    set_mode(fake_model, mode)
    run = cli(data_dir, *OUTREACH, env=env_for(fake_model))
    payload = one_json(run)
    assert payload["body"] and "Maria" in payload["body"]
    assert "Traceback" not in run.stderr
    if needle is None:
        assert "notice" not in payload and not warning_lines(run.stderr)
    else:
        (line,) = warning_lines(run.stderr)
        assert needle in line and needle in payload["notice"]
    assert requests_seen(fake_model) <= 2  # one call, at most one retry


def test_a_hang_costs_one_wait_per_command_not_one_per_call(data_dir: Path, fake_model: Proc,
                                                             tmp_path: Path) -> None:
    set_mode(fake_model, "hang")
    plan = one_json(cli(data_dir, "questions", "--contact-role", "Registered nurse", "--json",
                        env=env_for(fake_model)))
    assert plan["questions"] and "timed out" in plan["notice"]
    assert requests_seen(fake_model) == 2  # three rewordings planned; one call and its retry made

    set_mode(fake_model, "hang")
    notes = tmp_path / "notes.txt"
    notes.write_text(ADVICE_NOTES, encoding="utf-8")
    note = one_json(cli(data_dir, "thank-you", str(notes), "--contact-name", ADVICE_CONTACT, "--json",
                        env=env_for(fake_model)))
    assert note["body"] and "timed out" in note["notice"]
    assert requests_seen(fake_model) == 2

    set_mode(fake_model, "hang")
    script = tmp_path / "turns.txt"
    script.write_text("Hi, I'm Sam, a nurse exploring UX research.\nHow did you get into the field?\n"
                      "What does a normal week look like?\n", encoding="utf-8")
    run = cli(data_dir, "mock", "--contact-role", "UX researcher", "--script", str(script), "--json",
              env=env_for(fake_model))
    rehearsal = one_json(run)
    replies = [t["text"] for t in rehearsal["transcript"] if t["role"] == "contact"]
    assert len(replies) == 3 and all(replies)
    assert warning_lines(run.stderr) and requests_seen(fake_model) == 2


def test_a_server_that_dies_mid_stream(data_dir: Path, tmp_path: Path) -> None:
    fake = start_fake_model(tmp_path, mode="die_mid_stream")
    try:
        run = cli(data_dir, *OUTREACH, env=env_for(fake))
        payload = one_json(run)
        assert payload["body"] and "ended before" in payload["notice"]
        assert len(warning_lines(run.stderr)) == 1
    finally:
        fake.stop()
