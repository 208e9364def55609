"""`coach questions` and `coach screen`: JSON contract, and bad input as one line with exit 2."""

from __future__ import annotations

import json

import pytest


def test_questions_json_contract(run_cli) -> None:  # type: ignore[no-untyped-def]
    code, out, err = run_cli("questions", "--contact-role", "Registered Nurse", "--minutes", "15",
                             "--template-only", "--json")
    assert code == 0, err
    payload = json.loads(out)
    assert payload["minutes"] == 15 and payload["minutes_per_question"] == 2.0
    questions = payload["questions"]
    assert all(set(q) == {"text", "priority", "category", "rationale"} for q in questions)
    assert [q["priority"] for q in questions] == list(range(1, len(questions) + 1))
    assert questions[-1]["category"] == "referrals"
    assert payload["overhead_minutes"] + len(questions) * 2 <= 15


def test_questions_human_output(run_cli) -> None:  # type: ignore[no-untyped-def]
    code, out, _ = run_cli("questions", "--contact-role", "Teacher", "--template-only")
    assert code == 0 and "questions for 20 minutes" in out and " 1. " in out


def test_screen_json_contract_in_input_order(run_cli) -> None:  # type: ignore[no-untyped-def]
    code, out, err = run_cli("screen", "What do you earn?", "Who else should I talk to?", "--json")
    assert code == 0, err
    results = json.loads(out)["results"]
    assert [r["question"] for r in results] == ["What do you earn?", "Who else should I talk to?"]
    assert results[0]["verdict"] == "flag" and results[0]["category"] == "personal_compensation"
    assert results[0]["reason"] and results[0]["rewrite"]
    assert results[1] | {"confidence": 0} == {"question": "Who else should I talk to?", "verdict": "ok",
                                              "category": None, "reason": "", "rewrite": None,
                                              "confidence": 0}


def test_screen_reads_stdin_lines(run_cli) -> None:  # type: ignore[no-untyped-def]
    code, out, _ = run_cli("screen", "-", "--json", stdin="Are you married?\n\nIs your team hiring?\n")
    assert code == 0
    assert [r["category"] for r in json.loads(out)["results"]] == ["personal_life", "job_request"]


@pytest.mark.parametrize(("argv", "stdin", "needle"), [
    (["questions", "--contact-role", ""], None, "contact-role"),
    (["questions", "--contact-role", "x" * 5000], None, "contact-role"),
    (["questions", "--contact-role", "Nurse", "--minutes", "-3"], None, "minutes"),
    (["questions", "--contact-role", "Nurse", "--minutes", "100000"], None, "minutes"),
    (["questions", "--contact-role", "Nurse", "--minutes", "ten"], None, "minutes"),
    (["screen", ""], None, "empty"),
    (["screen", "   ", "Is it hard?"], None, "question 1"),
    (["screen", "x" * 600], None, "longer"),
    (["screen", "-"], "\n \n", "stdin"),
    (["screen", "Why?", "--contact-role", "r" * 200], None, "contact-role"),
])
def test_bad_input_is_one_line_and_exit_2(run_cli, argv, stdin, needle, deps) -> None:  # type: ignore[no-untyped-def]
    code, out, err = run_cli(*argv, stdin=stdin)
    assert code == 2
    assert out == ""
    assert err.count("\n") == 1 and needle in err
    assert deps.mine.list_contacts() == []
