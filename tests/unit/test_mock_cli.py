"""`coach mock`: the JSON contract in script mode, interactive stdin, resuming by thread, and bad
input as one line with exit status 2."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from agent.deps import Deps
from agent.mock.graph import build_graph, open_checkpointer
from tests.unit.mock_helpers import FactWords, scripted_reader

SCRIPT = [
    "Hi Ana, I'm Lee, a teacher exploring UX research. How did you get into the field?",
    "Is your team hiring? I can send my resume.",
    "Who else should I talk to?",
    "Thank you so much for your time!",
]


@pytest.fixture
def backend(request: pytest.FixtureRequest, deps: Deps) -> str:
    """SQLite unless a test asks for `postgres` (indirect parametrization): set before the graph
    below is built, so the app's own code opens the checkpointer the settings name."""
    name = getattr(request, "param", "sqlite")
    if name == "postgres":
        url = request.getfixturevalue("postgres_url")
        deps.settings = deps.settings.model_copy(update={"database_url": url})
    return str(name)


@pytest.fixture
def run_cli(run_cli, deps: Deps, backend: str):  # type: ignore[no-untyped-def]
    """The shared runner, with a scripted screen and an empty stdin unless a test gives one."""
    reader = scripted_reader({SCRIPT[1]: "job_request"})
    deps.cached("mock_graph", lambda: build_graph(deps, open_checkpointer(deps.settings),
                                                  reader_factory=lambda _r: reader))
    return lambda *argv, stdin="": run_cli(*argv, stdin=stdin)


def script_file(tmp_path: Path, lines: list[str]) -> str:
    path = tmp_path / "turns.txt"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return str(path)


def test_script_mode_prints_the_json_contract(run_cli, fake_llm, tmp_path) -> None:  # type: ignore[no-untyped-def]
    fake_llm.default = FactWords()
    code, out, err = run_cli("mock", "--contact-role", "UX researcher", "--contact-name", "Ana Ruiz",
                             "--script", script_file(tmp_path, SCRIPT), "--json")
    assert code == 0, err
    payload = json.loads(out)
    assert {"transcript", "feedback"} <= set(payload)
    roles = [m["role"] for m in payload["transcript"]]
    assert roles == ["user", "contact"] * 4
    assert [m["text"] for m in payload["transcript"][::2]] == SCRIPT
    feedback = payload["feedback"]
    assert {"strengths", "improvements", "flagged"} <= set(feedback)
    assert feedback["flagged"] == [{"turn": 1, "kind": "job_request", "text": SCRIPT[1],
                                    "detail": feedback["flagged"][0]["detail"]}]
    assert all(p["turns"] for p in feedback["strengths"] + feedback["improvements"])
    assert out.count("\n") == 1


def test_interactive_mode_reads_lines_until_end(run_cli, fake_llm) -> None:  # type: ignore[no-untyped-def]
    words = FactWords()
    fake_llm.default = words
    stdin = SCRIPT[0] + "\n/end\n" + SCRIPT[3] + "\n"
    code, out, err = run_cli("mock", "--contact-role", "UX researcher", stdin=stdin)
    assert code == 0, err
    assert words.said[0] in out and "Feedback" in out and "no_thanks" in out


@pytest.mark.parametrize("backend", ["sqlite", "postgres"], indirect=True)
def test_a_session_can_be_continued_by_thread_id(  # type: ignore[no-untyped-def]
        run_cli, fake_llm, deps, tmp_path, backend) -> None:
    from agent.mock.graph import mock_graph, send_turn, start_session
    from agent.mock.state import MockRequest

    fake_llm.default = FactWords()
    thread = start_session(deps, MockRequest(contact_role="Teacher"))
    list(send_turn(deps, thread, SCRIPT[0], graph=mock_graph(deps)))
    code, out, err = run_cli("mock", "--thread", thread, "--script",
                             script_file(tmp_path, SCRIPT[2:]), "--json")
    assert code == 0, err
    payload = json.loads(out)
    assert payload["thread_id"] == thread and len(payload["transcript"]) == 6
    code, _, err = run_cli("mock", "--thread", thread, "--json")
    assert code == 2 and "has ended" in err
    assert deps.settings.checkpoint_path.exists() == (backend == "sqlite")  # the one it used


@pytest.mark.parametrize(("argv", "needle"), [
    (["mock"], "--contact-role is required"),
    (["mock", "--contact-role", "Nurse", "--minutes", "2"], "minutes"),
    (["mock", "--contact-role", "Nurse", "--script", "/nonexistent/turns.txt"], "no such script"),
    (["mock", "--contact-id", "999"], "no contact with id 999"),
    (["mock", "--thread", "mock-unknown"], "no rehearsal"),
])
def test_bad_input_is_one_line_and_exit_2(run_cli, argv, needle) -> None:  # type: ignore[no-untyped-def]
    code, out, err = run_cli(*argv)
    assert code == 2 and out == ""
    assert needle in err and len(err.strip().splitlines()) == 1


def test_empty_script_is_rejected_before_anything_starts(run_cli, tmp_path, deps) -> None:  # type: ignore[no-untyped-def]
    code, _, err = run_cli("mock", "--contact-role", "Nurse", "--script", script_file(tmp_path, ["", "  "]))
    assert code == 2 and "has no lines" in err
    from agent.mock.graph import mock_graph

    assert list(mock_graph(deps).checkpointer.list(None)) == []


def test_bio_objective_and_style_reach_the_contact_and_the_feedback(run_cli, fake_llm, deps,  # type: ignore[no-untyped-def]
                                                                   tmp_path) -> None:
    fake_llm.default = FactWords()
    bio = tmp_path / "ana.txt"
    bio.write_text("Ana Ruiz moved into UX research in 2020 after six years teaching science.\n",
                   encoding="utf-8")
    cid = deps.mine.add_contact("Ana Ruiz", role="UX researcher")
    code, out, err = run_cli("mock", "--contact-id", str(cid), "--bio", str(bio), "--style", "busy",
                             "--objective", "how teachers move into UX research",
                             "--script", script_file(tmp_path, [SCRIPT[0], SCRIPT[3]]), "--json")
    assert code == 0, err
    payload = json.loads(out)
    first = payload["transcript"][1]
    assert first["role"] == "contact" and "2020" in first["text"]
    assert {"text", "source"} <= set(first["facts"][0]) and first["facts"][0]["source"] == "bio"
    assert 0 < payload["feedback"]["talk_share"] < 1
    assert payload["feedback"]["objective"]["met"] in ("yes", "partly")
    assert deps.mine.get_contact(cid)["bio"].startswith("Ana Ruiz moved into UX research")


@pytest.mark.parametrize(("content", "needle"), [
    (b"", "empty"), (b"   \n", "empty"), (b"\x00\x01bin", "binary"), (b"x" * 20_001, "20 KB"),
    ("caf\xe9".encode("latin-1"), "UTF-8"),
])
def test_a_bad_bio_file_is_one_line_and_exit_2(run_cli, tmp_path, deps, content, needle) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "bio.txt"
    path.write_bytes(content)
    code, out, err = run_cli("mock", "--contact-role", "Nurse", "--bio", str(path),
                             "--script", script_file(tmp_path, SCRIPT))
    assert code == 2 and needle in err and err.count("\n") == 1 and out == ""
    code, _, err = run_cli("mock", "--contact-role", "Nurse", "--bio", str(tmp_path / "nope.txt"))
    assert code == 2 and "no such bio file" in err
