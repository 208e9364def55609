"""Mock-interview tab handlers as plain functions: start, stream a turn, end, restore, and the
question list beside the chat."""

from __future__ import annotations

import gradio as gr
import pytest
from langgraph.checkpoint.memory import InMemorySaver

from agent.errors import ModelError
from agent.mock.graph import build_graph
from tests.unit.mock_helpers import FactWords, scripted_reader
from ui.tabs import mock as tab


@pytest.fixture
def ui_deps(deps):  # type: ignore[no-untyped-def]
    deps.cached("mock_graph", lambda: build_graph(deps, InMemorySaver(),
                                                  reader_factory=lambda _r: scripted_reader()))
    return deps


def test_contact_prefill_shows_the_saved_question_list_in_priority_order(ui_deps) -> None:  # type: ignore[no-untyped-def]
    cid = ui_deps.mine.add_contact("Dana Park", role="UX researcher", company="Fernwood")
    ui_deps.mine.save_question_list(cid, [{"text": "What is hard?", "priority": 2},
                                        {"text": "How did you start?", "priority": 1}])
    assert ("Dana Park — UX researcher", str(cid)) in tab.contact_choices(ui_deps)
    name, role, company, questions, bio = tab.prefill(ui_deps, str(cid))
    assert bio == ""
    assert (name, role, company) == ("Dana Park", "UX researcher", "Fernwood")
    assert questions.index("How did you start?") < questions.index("What is hard?")


def test_start_rejects_a_missing_role_visibly(ui_deps) -> None:  # type: ignore[no-untyped-def]
    thread, chat, _, status, _ = tab.start_handler(ui_deps, "", "Dana", "", "", 20)
    assert thread == "" and chat == [] and "⚠️" in status and "contact-role" in status


def test_a_turn_streams_into_the_chat_then_feedback_renders(ui_deps, fake_llm) -> None:  # type: ignore[no-untyped-def]
    words = FactWords()
    fake_llm.outcomes += [words]
    thread, *_ = tab.start_handler(ui_deps, "", "Dana Park", "UX researcher", "", 20)
    assert thread.startswith("mock-")
    steps = list(tab.send_handler(ui_deps, thread, "How did you get into the field?", []))
    assert len(steps) >= 3
    chat, clock, status, box = steps[-1]
    (said,) = words.said
    assert chat[-1] == {"role": "assistant", "content": said} and status == ""
    assert steps[0][3] == ""  # the sent line leaves the box at once…
    assert all(step[3] == gr.skip() for step in steps[1:])  # …and a next line typed meanwhile stays
    assert "1.5 of 20 min" in clock
    partial = steps[1][0][-1]["content"]
    assert said.startswith(partial) and partial != said
    fake_llm.outcomes.append(ModelError("no summary today"))
    feedback, status = tab.end_handler(ui_deps, thread)
    assert "Flagged turns" in feedback and "no_introduction" in feedback and "turn 0" in feedback
    assert "ended" in status


def test_restore_brings_back_an_open_session_and_ignores_unknown_ids(ui_deps, fake_llm) -> None:  # type: ignore[no-untyped-def]
    fake_llm.default = FactWords()
    thread, *_ = tab.start_handler(ui_deps, "", "Dana", "Teacher", "", 15)
    list(tab.send_handler(ui_deps, thread, "How did you start teaching?", []))
    restored, chat, clock, status, feedback = tab.restore_handler(ui_deps, thread)
    assert restored == thread and [m["role"] for m in chat] == ["user", "assistant"]
    assert "of 15 min" in clock and "Resumed" in status and feedback == ""
    assert tab.restore_handler(ui_deps, "mock-nope")[0] == ""
    assert all(v is not None and not isinstance(v, str) for v in tab.restore_handler(ui_deps, thread, thread))


def test_sending_without_a_session_is_an_error_line(ui_deps) -> None:  # type: ignore[no-untyped-def]
    (chat, _, status, box), = list(tab.send_handler(ui_deps, "", "Hello?", []))
    assert chat == [] and "⚠️" in status and box == "Hello?"


def test_tab_builds_inside_the_app(ui_deps) -> None:  # type: ignore[no-untyped-def]
    from ui.app import create_app

    app = create_app(ui_deps)
    assert any(getattr(b, "elem_id", None) == "mock-chat" for b in app.blocks.values())
    assert (ui_deps.settings.data_dir / "ui-browser-secret").read_text() == tab.browser_secret(ui_deps)


def test_what_you_know_is_saved_on_the_contact_and_answered_from(ui_deps, fake_llm) -> None:  # type: ignore[no-untyped-def]
    fake_llm.default = FactWords()
    cid = ui_deps.mine.add_contact("Priya Raman", role="Data analyst", company="St. Mary's Hospital")
    bio = "Priya joined St. Mary's Hospital in 2019 after four years as a lab technician."
    thread, _, _, status, _ = tab.start_handler(
        ui_deps, str(cid), "Priya Raman", "Data analyst", "St. Mary's Hospital", 20, bio,
        "how people move from the lab into analytics", "busy")
    assert thread.startswith("mock-") and "⚠️" not in status
    assert ui_deps.mine.get_contact(cid)["bio"] == bio
    assert tab.prefill(ui_deps, str(cid))[4] == bio
    steps = list(tab.send_handler(ui_deps, thread, "How did you end up in analytics?", []))
    reply = steps[-1][0][-1]["content"]
    assert "2019" in reply and "lab technician" in reply


def test_a_role_without_a_brief_says_it_works_from_general_knowledge(ui_deps) -> None:  # type: ignore[no-untyped-def]
    _, _, _, status, _ = tab.start_handler(ui_deps, "", "Rémy", "Sommelier", "", 20)
    assert "general knowledge" in status
    _, _, _, status, _ = tab.start_handler(ui_deps, "", "Dana", "UX researcher", "", 20)
    assert "general knowledge" not in status


def test_an_oversize_bio_is_refused_visibly(ui_deps) -> None:  # type: ignore[no-untyped-def]
    thread, _, _, status, _ = tab.start_handler(ui_deps, "", "Dana", "Teacher", "", 20, "x" * 20_001)
    assert thread == "" and "⚠️" in status and "20 KB" in status
