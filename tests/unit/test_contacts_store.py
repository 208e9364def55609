"""Contacts on both user databases (SQLite, PostgreSQL): round-trips, status transitions with
timestamps, history, SWOTs, export."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest

from agent.contacts import service
from agent.contacts.export import to_csv, to_markdown
from agent.contacts.service import ContactChange, ContactFields
from agent.errors import InputError
from agent.store.db import MIGRATIONS, Database, UserData, UserDatabase
from agent.store.pg_db import PG_MIGRATIONS
from tests.engines import open_user_db

TZ = timezone(timedelta(hours=2))
NOW = datetime(2025, 5, 12, 9, 0, tzinfo=TZ)  # a Monday


@pytest.fixture
def db(user_db: UserDatabase) -> UserData:
    return user_db.local_user()


def add(db: UserData, name: str = "Dana Ruiz", **kw: object) -> int:
    fields = ContactFields(name=name, role=kw.pop("role", "UX researcher"),  # type: ignore[arg-type]
                           company=kw.pop("company", "Fernwood Health"))  # type: ignore[arg-type]
    return service.add_contact(db, ContactChange(fields=fields, **kw), now=NOW)  # type: ignore[arg-type]


def test_schema_is_migrated_to_the_latest_version(db: UserData) -> None:
    with db.db.connect() as conn:
        if isinstance(db.db, Database):
            assert conn.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)
            assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        else:
            assert conn.execute("SELECT version FROM schema_version").fetchone()[0] == len(PG_MIGRATIONS)


def test_contact_round_trip_survives_reopening(db: UserData, user_db_url: str | None,
                                               tmp_path: Path) -> None:
    cid = service.add_contact(db, ContactChange(fields=ContactFields(
        name="  Dana   Ruiz ", role="Senior UX researcher", company="Fernwood Health",
        connection="Lisa Grant", notes="Met at the\nmeetup.",
    )), now=NOW)
    reopened = open_user_db(user_db_url, tmp_path)
    again = reopened.local_user().get_contact(cid)
    reopened.close()
    assert again is not None
    assert (again["name"], again["role"], again["company"], again["connection"], again["notes"],
            again["status"]) == ("Dana Ruiz", "Senior UX researcher", "Fernwood Health",
                                 "Lisa Grant", "Met at the\nmeetup.", "to_contact")


def test_status_transitions_record_timestamps_and_history(db: UserData) -> None:
    cid = add(db)
    service.update_contact(db, cid, ContactChange(status="requested"), now=NOW)
    replied = NOW + timedelta(days=2)
    interview = NOW + timedelta(days=5, hours=6)
    c = service.update_contact(db, cid, ContactChange(status="scheduled", interview_at=interview),
                               now=replied)
    assert c["requested_at"] == NOW.isoformat() and c["replied_at"] == replied.isoformat()
    assert c["scheduled_at"] == replied.isoformat() and c["interview_at"] == interview.isoformat()
    c = service.update_contact(db, cid, ContactChange(status="done"), now=interview)
    c = service.update_contact(db, cid, ContactChange(status="thanked", at=interview + timedelta(hours=3)))
    assert c["done_at"] == interview.isoformat()
    assert c["thanked_at"] == (interview + timedelta(hours=3)).isoformat()
    events = [h["event"] for h in db.contact_history(cid)]
    assert events == ["created", "status:requested", "status:scheduled", "replied", "interview_at",
                      "status:done", "status:thanked"]
    summary = service.summarise(c, db.list_contacts(), date(2025, 5, 20))
    assert summary["responsiveness"] == "booster"


def test_invalid_status_is_an_input_error_and_saves_nothing(db: UserData) -> None:
    cid = add(db)
    with pytest.raises(InputError, match="unknown status"):
        service.update_contact(db, cid, ContactChange(fields=ContactFields(role="PM"), status="ghosted"))
    assert db.get_contact(cid)["role"] == "UX researcher"  # type: ignore[index]
    with pytest.raises(InputError, match="no contact"):
        service.update_contact(db, 999, ContactChange(status="done"))


def test_a_new_request_restarts_3b7(db: UserData) -> None:
    cid = add(db, status="requested")
    service.update_contact(db, cid, ContactChange(markers=["follow_up_sent"]), now=NOW)
    service.update_contact(db, cid, ContactChange(status="to_contact"), now=NOW)
    c = service.update_contact(db, cid, ContactChange(status="requested"), now=NOW + timedelta(days=30))
    assert c["follow_up_sent_at"] is None
    kinds = [f["kind"] for f in service.contact_page(db, cid, date(2025, 7, 1))["follow_ups"]]
    assert kinds == ["second_contact", "follow_up"]


def test_intro_to_implies_an_offered_introduction(db: UserData) -> None:
    cid = add(db, status="done")
    c = service.update_contact(db, cid, ContactChange(fields=ContactFields(intro_to="Kenji Watanabe")),
                               now=NOW)
    assert c["intro_offered_at"] == NOW.isoformat() and c["intro_to"] == "Kenji Watanabe"


def test_contact_page_collects_questions_drafts_interviews_and_swots(db: UserData) -> None:
    cid = add(db, status="done")
    other = add(db, name="Raj Malhotra")
    db.save_question_list(cid, [{"text": "How did you get into research?", "priority": 1}])
    db.save_draft("thank_you", "Thank you", "Hi Dana, thanks.", contact_id=cid)
    db.save_draft("outreach", "Hello", "Hi Raj", contact_id=other)
    db.add_interview(cid, "She recommended two case studies.", held_at=NOW.isoformat())
    db.save_swot(cid, {"strengths": [{"text": "patient intake", "evidence": ["x"]}]})
    page = service.contact_page(db, cid, date(2025, 5, 12))
    assert page["questions"][0]["text"].startswith("How did you")
    assert [d["kind"] for d in page["drafts"]] == ["thank_you"]
    assert page["interviews"][0]["notes"].startswith("She recommended")
    assert page["swots"][0]["payload"]["strengths"][0]["text"] == "patient intake"
    assert page["next_follow_up"]["kind"] == "thank_you"


def test_swots_round_trip_per_contact(db: UserData) -> None:
    a, b = add(db), add(db, name="Raj")
    db.save_swot(a, {"opportunities": [], "note": "ünïcode ✓"})
    db.save_swot(None, {"threats": []})
    assert [s["payload"] for s in db.swots(a)] == [{"opportunities": [], "note": "ünïcode ✓"}]
    assert db.swots(b) == []
    assert len(db.swots()) == 2


def test_deleting_a_contact_cascades(db: UserData) -> None:
    cid = add(db)
    db.save_swot(cid, {"x": 1})
    with db.db.transaction() as conn:
        conn.execute("DELETE FROM contacts WHERE id = ?", (cid,))
    assert db.swots(cid) == [] and db.contact_history(cid) == []


def test_save_contact_rejects_unknown_columns(db: UserData) -> None:
    with pytest.raises(ValueError, match="unknown contact fields"):
        db.save_contact(None, {"name": "x", "salary": "1"})


def test_save_is_one_transaction(db: UserData) -> None:
    """A failing history insert rolls back the contact row written in the same save."""
    with pytest.raises(db.db.IntegrityError):
        db.save_contact(None, {"name": "Half"}, [("created", None)])  # type: ignore[list-item]
    assert db.list_contacts() == []


def test_export_csv_and_markdown(db: UserData) -> None:
    add(db, name="Dana Ruiz", status="requested")
    cid = add(db, name="=HYPERLINK(\"http://x\")", company="A | B")
    db.update_contact(cid, notes="line one\nline two")
    rows = service.list_contacts(db, date(2025, 5, 15))
    parsed = list(csv.DictReader(io.StringIO(to_csv(rows))))
    assert [r["name"] for r in parsed] == ["Dana Ruiz", "'=HYPERLINK(\"http://x\")"]
    assert parsed[0]["status"] == "requested" and parsed[0]["next follow-up"] == "2025-05-15"
    assert parsed[1]["notes"] == "line one\nline two"
    md = to_markdown(rows, "2025-05-15")
    assert "| Dana Ruiz |" in md and "A \\| B" in md and "line one line two" in md
    assert to_markdown([], "2025-05-15").count("No contacts") == 1
