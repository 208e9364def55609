"""Every save goes through its capability's service, so the CLI and the UI leave the same records."""

from __future__ import annotations

import json
from pathlib import Path

from agent.deps import Deps
from agent.swot.state import SuggestedContact, SwotReport
from tests.fakes import FakeChatModel
from ui.tabs import contacts as contacts_tab
from ui.tabs import questions as questions_tab
from ui.tabs import swot as swot_tab

NOTES = """Video call with Ines Duarte, landscape architect at Verde Studio.
- Ines recommended I learn QGIS before applying to graduate programmes.
- Most of her week is site visits and planting plans.
- I'll start the free QGIS tutorial this weekend.
"""


def test_a_contact_made_from_the_questions_tab_has_its_history(deps: Deps) -> None:
    rows = [questions_tab.new_row("How did you get into landscape architecture?")]
    _, contact_id = questions_tab.save(deps, rows, None, "Ines Duarte", "Landscape Architect", "")
    assert contact_id is not None
    assert [h["event"] for h in deps.mine.contact_history(contact_id)] == ["created"]
    assert deps.mine.get_contact(contact_id)["status"] == "to_contact"


def test_contacts_suggested_by_a_swot_have_their_history(deps: Deps) -> None:
    report = SwotReport(suggested_contacts=[SuggestedContact(
        name="Tomas Reyes", source="Interview 1", evidence=["Talk to Tomas Reyes about planting."])])
    assert "Tomas Reyes" in swot_tab.add_suggested(deps, report.payload())
    [contact] = deps.mine.list_contacts()
    assert contact["name"] == "Tomas Reyes" and contact["connection"] == "Suggested in Interview 1"
    assert [h["event"] for h in deps.mine.contact_history(contact["id"])] == ["created"]


def test_cli_and_ui_thank_you_leave_the_same_records(run_cli, deps: Deps, fake_llm: FakeChatModel,
                                                     tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    fake_llm.default = json.dumps({"sentence": "not usable"})
    notes_file = tmp_path / "ines.txt"
    notes_file.write_text(NOTES, encoding="utf-8")
    _, ui_id = contacts_tab.save_contact(deps, None, "Ines Duarte", "Landscape architect", "Verde Studio",
                                         "", "done", "", "2025-06-02T10:00:00+00:00", "")
    _, cli_id = contacts_tab.save_contact(deps, None, "Ines Duarte", "Landscape architect", "Verde Studio",
                                          "", "done", "", "2025-06-02T10:00:00+00:00", "")
    list(contacts_tab.draft_thank_you(deps, ui_id, NOTES))
    code, _, err = run_cli("--data-dir", str(deps.settings.data_dir), "thank-you", str(notes_file),
                           "--contact-name", "Ines Duarte", "--contact-id", str(cli_id), "--json")
    assert code == 0, err
    for cid in (ui_id, cli_id):
        assert [i["notes"] for i in deps.mine.interviews(cid)] == [NOTES]
        assert deps.mine.interviews(cid)[0]["held_at"] == "2025-06-02T10:00:00+00:00"
        assert [d["kind"] for d in deps.mine.drafts(cid)] == ["thank_you"]
    # A second draft from the same notes does not file the interview twice.
    list(contacts_tab.draft_thank_you(deps, ui_id, NOTES))
    assert len(deps.mine.interviews(ui_id)) == 1 and len(deps.mine.drafts(ui_id)) == 2
