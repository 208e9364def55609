"""The `coach` CLI: one JSON object with --json; bad input is one line on stderr and exit 2."""

from __future__ import annotations

import json

import pytest

from agent import cli
from agent.deps import Deps
from tests.fakes import FakeChatModel


def test_outreach_json_contract(run_cli, fake_llm: FakeChatModel, deps: Deps) -> None:  # type: ignore[no-untyped-def]
    fake_llm.default = "{}"
    code, out, err = run_cli("outreach", "--contact-name", "Ana Ruiz", "--contact-role", "Nurse",
                             "--connection", "Referred by Lisa Grant", "--json")
    assert code == 0, err
    payload = json.loads(out)
    assert set(payload) == {"subject", "body", "channel", "checks", "sources"}
    assert payload["subject"] == "Referred by Lisa Grant"
    assert {c["rule"] for c in payload["checks"]} >= {"length", "no_job_words", "time_ask"}
    assert all(set(c) == {"rule", "passed", "detail"} for c in payload["checks"])
    assert len(deps.mine.drafts()) == 1


def test_search_json_contract(run_cli) -> None:  # type: ignore[no-untyped-def]
    code, out, _ = run_cli("search", "what to write in a thank-you note", "-k", "3", "--json")
    results = json.loads(out)["results"]
    assert code == 0 and len(results) == 3
    assert all(set(r) == {"text", "source", "score"} for r in results)
    assert results[0]["score"] >= results[-1]["score"]


@pytest.mark.parametrize(("argv", "needle"), [
    (["outreach", "--contact-name", "  ", "--contact-role", "Nurse"], "contact-name"),
    (["outreach", "--contact-name", "Ana", "--contact-role", "x" * 5000], "contact-role"),
    (["outreach", "--contact-name", "Ana", "--contact-role", "Nurse", "--channel", "fax"], "channel"),
    (["outreach", "--contact-name", "Ana", "--contact-role", "Nurse", "--minutes", "90"], "minutes"),
    (["search", "   "], "query"),
    (["search", "x", "-k", "0"], "-k"),
    (["ingest", "/no/such/file.md"], "no such file"),
    (["frobnicate"], "invalid choice"),
])
def test_bad_input_is_one_line_exit_2_and_saves_nothing(run_cli, deps: Deps, argv, needle) -> None:  # type: ignore[no-untyped-def]
    code, out, err = run_cli(*argv)
    assert code == 2
    assert out == ""
    assert err.count("\n") == 1 and needle in err
    assert "Traceback" not in err
    assert deps.mine.drafts() == []


def test_missing_model_file_is_one_line_exit_2(  # type: ignore[no-untyped-def]
    tmp_path, capsys: pytest.CaptureFixture[str], monkeypatch,
) -> None:
    monkeypatch.setenv("COACH_MODEL_PATH", str(tmp_path / "missing.gguf"))
    monkeypatch.delenv("OPENAI_BASE_URL", raising=False)
    with pytest.raises(SystemExit) as exc:
        cli.main(["--data-dir", str(tmp_path / "d"), "outreach", "--contact-name", "Ana",
                  "--contact-role", "Nurse"])
    err = capsys.readouterr().err
    assert exc.value.code == 2, err
    assert "model file not found" in err and err.count("\n") == 1
    assert not (tmp_path / "d" / "chroma").exists()
