"""Contacts tab handlers, called as plain functions (no server)."""

from __future__ import annotations

import json
from datetime import date

from agent.deps import Deps
from agent.errors import ModelError
from tests.fakes import FakeChatModel
from ui.tabs import contacts as tab

NOTES = """Notes from my call with Dana Ruiz (Fernwood Health), 12 May

Video, roughly 20 min. She moved from call-centre work into research after volunteering on app tests.
Research teams at hospitals are small and often share one recruiter for study participants.

About me:
- my patient intake work gives me real empathy for confused users
- I have never written up a study plan

She recommended I run three short hallway tests of our clinic's booking page and write up what I saw.
Thank-you note tonight.
"""


def test_add_then_edit_a_contact_and_see_it_due(deps: Deps) -> None:
    message, cid = tab.save_contact(deps, None, "Dana Ruiz", "UX researcher", "Fernwood Health",
                                    "Lisa Grant", "requested", "", "", "")
    assert cid is not None and "Added Dana Ruiz" in message
    rows = tab.table_rows(deps, date(2099, 1, 1))
    assert rows[0][:5] == [cid, "Dana Ruiz", "UX researcher", "Fernwood Health", "requested"]
    assert "Write to a second person at Fernwood Health" in tab.due_markdown(deps, date(2099, 1, 1))

    message, same = tab.save_contact(deps, cid, "Dana Ruiz", "Senior UX researcher", "Fernwood Health",
                                     "Lisa Grant", "scheduled", "prefers video", "2099-01-05T15:00", "")
    assert same == cid and message.startswith("Saved")
    values = tab.form_values(deps, cid)
    assert values[1] == "Senior UX researcher" and values[4] == "scheduled"
    assert values[6].startswith("2099-01-05T15:00")
    assert "Informational interview with Dana" in tab.due_markdown(deps, date(2099, 1, 5))


def test_form_errors_are_visible_lines_and_save_nothing(deps: Deps) -> None:
    message, cid = tab.save_contact(deps, None, "   ", "", "", "", "to_contact", "", "", "")
    assert message.startswith("⚠️") and cid is None
    message, cid = tab.save_contact(deps, None, "Ana", "", "", "", "to_contact", "", "next week", "")
    assert message.startswith("⚠️") and "Interview time" in message
    assert deps.mine.list_contacts() == []
    assert tab.record_marker(deps, None, "follow_up_sent").startswith("⚠️")


def test_contact_page_shows_everything_known(deps: Deps) -> None:
    _, cid = tab.save_contact(deps, None, "Dana Ruiz", "", "Fernwood", "", "done", "", "", "Kenji")
    deps.mine.save_question_list(cid, [{"text": "What surprised you most about research?"}])
    deps.mine.save_swot(cid, {"strengths": [{"text": "a"}], "threats": []})
    page = tab.page_markdown(deps, cid)
    for needle in ("## Dana Ruiz", "booster", "thank-you note", "What surprised you most",
                   "strengths 1", "Kenji"):
        assert needle in page, needle
    assert tab.record_marker(deps, cid, "checked_in").startswith("Recorded")
    assert "Kenji" not in tab.page_markdown(deps, cid).split("### Follow-ups")[1].split("###")[0]


def test_one_click_thank_you_from_the_contact_page(deps: Deps, fake_llm: FakeChatModel) -> None:
    fake_llm.outcomes = [ModelError("down")]
    deps.mine.save_profile("Sam Lee", "", "")  # the note is signed with the profile's name
    _, cid = tab.save_contact(deps, None, "Dana Ruiz", "UX researcher", "Fernwood Health", "",
                              "done", "", "2025-05-12T15:00:00+00:00", "")
    outputs = list(tab.draft_thank_you(deps, cid, NOTES))
    draft, checks, status = outputs[-1]
    assert draft.startswith("Subject: ") and "Hi Dana," in draft
    assert "✅" in checks and "❌" not in checks
    assert "Send by 2025-05-13 15:00" in status
    assert draft.rstrip().endswith("Sam Lee")
    assert [d["kind"] for d in deps.mine.drafts(cid)] == ["thank_you"]
    assert deps.mine.interviews(cid)[0]["notes"] == NOTES
    assert tab.latest_notes(deps, cid) == NOTES

    fake_llm.default = json.dumps({"sentence": "no"})
    list(tab.draft_thank_you(deps, cid, NOTES))
    assert len(deps.mine.interviews(cid)) == 1  # the same notes are not filed twice


def test_thank_you_needs_a_contact_and_real_notes(deps: Deps, fake_llm: FakeChatModel) -> None:
    assert list(tab.draft_thank_you(deps, None, NOTES))[-1][2].startswith("⚠️")
    _, cid = tab.save_contact(deps, None, "Dana", "", "", "", "done", "", "", "")
    assert "empty" in list(tab.draft_thank_you(deps, cid, "   "))[-1][2]
    assert "binary" in list(tab.draft_thank_you(deps, cid, "abc\x00def"))[-1][2]
    assert "200 KB" in list(tab.draft_thank_you(deps, cid, "x" * 200_001))[-1][2]
    assert fake_llm.calls == []


def test_app_builds_with_the_contacts_tab(deps: Deps) -> None:
    from ui.app import create_app

    app = create_app(deps)
    ids = {getattr(block, "elem_id", None) for block in app.blocks.values()}
    assert {"contacts-due", "contacts-table", "contact-form-name", "thankyou-button",
            "thankyou-draft"} <= ids
