"""Questions tab handlers, called as plain functions (no server)."""

from __future__ import annotations

from ui.tabs import questions as tab


def prepared(deps):  # type: ignore[no-untyped-def]
    events = list(tab.prepare(deps, "Registered Nurse", "", "Healthcare", "", 15, False))
    rows, line = events[-1]
    assert rows is not None, line
    return rows


def test_prepare_yields_screened_numbered_rows(deps, fake_llm) -> None:  # type: ignore[no-untyped-def]
    rows = prepared(deps)
    assert [r["priority"] for r in rows] == list(range(1, len(rows) + 1))
    assert all(r["verdict"] == "ok" for r in rows)
    assert rows[-1]["category"] == "referrals"
    assert fake_llm.calls == []


def test_prepare_rejects_bad_input_with_a_visible_line(deps) -> None:  # type: ignore[no-untyped-def]
    rows, line = list(tab.prepare(deps, "   ", "", "", "", 20, False))[-1]
    assert rows is None and line.startswith("⚠️") and "contact-role" in line


def test_editing_into_a_job_request_flags_the_row_and_offers_a_rewrite(deps) -> None:  # type: ignore[no-untyped-def]
    rows = prepared(deps)
    edited = tab.edit_row(deps, rows, 0, "Can you refer me for a job on your ward?", "Registered Nurse")
    row = edited[0]
    assert (row["verdict"], row["flag"]) == ("flag", "job_request")
    assert row["rewrite"] and tab.row_classes(row) == ["q-flag"]
    html = tab.status_html(row)
    assert "q-box flag" in html and "job_request" in html and "q-rewrite" in html
    assert rows[0]["verdict"] == "ok"  # the old list is not mutated

    accepted = tab.accept_rewrite(deps, edited, 0, "Registered Nurse")
    assert accepted[0]["text"] == row["rewrite"] and accepted[0]["verdict"] == "ok"
    assert tab.row_classes(accepted[0]) == []


def test_empty_edit_is_neither_passed_nor_flagged(deps) -> None:  # type: ignore[no-untyped-def]
    rows = tab.edit_row(deps, prepared(deps), 1, "   ", None)
    assert rows[1]["verdict"] == "empty" and "Type a question" in tab.status_html(rows[1])


def test_move_delete_add_renumber_priorities() -> None:
    rows = tab.renumber([tab.new_row(t) for t in ("a?", "b?", "c?")])
    moved = tab.move(rows, 2, -1)
    assert [r["text"] for r in moved] == ["a?", "c?", "b?"]
    assert [r["priority"] for r in moved] == [1, 2, 3]
    assert tab.move(rows, 0, -1) == rows
    assert [r["text"] for r in tab.delete(moved, 0)] == ["c?", "b?"]
    added, message = tab.add(rows)
    assert len(added) == 4 and added[-1]["priority"] == 4 and message == ""
    full = tab.renumber([tab.new_row("q?") for _ in range(tab.MAX_ROWS)])
    assert tab.add(full)[0] == full and "at most" in tab.add(full)[1]


def test_save_to_a_new_contact_then_load(deps) -> None:  # type: ignore[no-untyped-def]
    rows = tab.edit_row(deps, prepared(deps), 0, "Do you have kids?", "Registered Nurse")
    rows = [*rows, tab.new_row()]
    message, contact_id = tab.save(deps, rows, None, "Ana Ruiz", "Registered Nurse", "")
    assert contact_id is not None and "1 still flagged" in message
    saved = deps.mine.get_question_list(contact_id)
    assert len(saved) == len(rows) - 1
    assert saved[0]["text"] == "Do you have kids?" and saved[0]["screen"] == "flag"
    assert deps.mine.get_contact(contact_id)["role"] == "Registered Nurse"
    loaded, line = tab.load(deps, contact_id, "Registered Nurse")
    assert [r["text"] for r in loaded] == [q["text"] for q in saved] and "Loaded" in line
    assert loaded[0]["verdict"] == "flag"


def test_save_needs_questions_and_a_contact(deps) -> None:  # type: ignore[no-untyped-def]
    assert "no questions" in tab.save(deps, [tab.new_row()], None, "Ana", "", "")[0]
    assert "Pick a contact" in tab.save(deps, prepared(deps), None, "", "", "")[0]
    assert "No contact" in tab.save(deps, prepared(deps), 999, "", "", "")[0]
    assert deps.mine.list_contacts() == []


def test_tab_builds(deps) -> None:  # type: ignore[no-untyped-def]
    import gradio as gr

    with gr.Blocks():
        parts = tab.build_questions_tab(deps)
    assert set(parts) == {"rows", "status"}


def test_reconcile_replaces_a_stale_verdict_with_one_for_the_words_on_screen(deps) -> None:  # type: ignore[no-untyped-def]
    rows = prepared(deps)
    accepted_text = rows[0]["text"]
    # A late screen of the job request the user typed before accepting the rewrite left the state
    # describing words no longer in the box.
    stale = tab.edit_row(deps, rows, 0, "Could you refer me for an open position on your team?",
                         "Registered Nurse")
    assert stale[0]["verdict"] == "flag"
    on_screen = [r["text"] for r in rows]
    fixed = tab.reconcile(deps, stale, on_screen, "Registered Nurse")
    assert fixed[0]["text"] == accepted_text and fixed[0]["verdict"] == "ok"
    assert fixed[1:] == stale[1:]
    assert tab.reconcile(deps, fixed, on_screen, "Registered Nurse") is fixed  # nothing to redo
    assert 'data-screened="' in tab.status_html(fixed[0])
