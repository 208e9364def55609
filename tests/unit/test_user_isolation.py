"""Two users in one database never see or touch each other's rows, in every user-owned table, on
SQLite and on PostgreSQL; rows from before accounts belong to the local user."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from agent.accounts import store
from agent.errors import InputError
from agent.store.db import LOCAL_USER_ID, MIGRATIONS, Database, UserData, UserDatabase


def fill(mine: UserData, tag: str) -> int:
    cid = mine.save_contact(None, {"name": f"Contact {tag}", "role": "Nurse"},
                            [("created", "2025-05-12T09:00:00+00:00")])
    mine.save_profile(f"Me {tag}", "background", f"goal {tag}")
    mine.save_question_list(cid, [{"text": f"question {tag}"}])
    mine.add_interview(cid, f"notes {tag}")
    mine.save_draft("outreach", f"subject {tag}", f"body {tag}", contact_id=cid)
    mine.save_thank_you(cid, f"thank-you notes {tag}", "2025-05-12", f"thanks {tag}", "body")
    mine.save_swot_from_notes(cid, [f"swot notes {tag}"], {"tag": tag})
    return cid


def everything(mine: UserData) -> str:
    """All this user can read, as one text."""
    parts = [str(mine.get_profile()), str(mine.list_contacts()), str(mine.interviews()),
             str(mine.drafts()), str(mine.swots())]
    for c in mine.list_contacts():
        parts += [str(mine.contact_history(c["id"])), str(mine.get_question_list(c["id"]))]
    return "\n".join(parts)


def test_two_users_see_only_their_own_rows(user_db: UserDatabase) -> None:
    db = user_db
    a, b = db.for_user(store.add_user(db, "ann", "pw")), db.for_user(store.add_user(db, "bo", "pw"))
    a_contact, b_contact = fill(a, "AAA"), fill(b, "BBB")
    seen_by_a, seen_by_b = everything(a), everything(b)
    assert "AAA" in seen_by_a and "BBB" not in seen_by_a
    assert "BBB" in seen_by_b and "AAA" not in seen_by_b
    assert "AAA" not in everything(db.local_user()) and "BBB" not in everything(db.local_user())
    # B asking for A's contact by id finds nothing, exactly like an unknown id
    assert b.get_contact(a_contact) is None and b.get_contact(99999) is None
    assert (b.contact_history(a_contact), b.get_question_list(a_contact), b.interviews(a_contact),
            b.drafts(a_contact), b.swots(a_contact)) == ([], [], [], [], [])
    # ...and every write naming it is refused with the unknown-id line, leaving A's rows as they were
    before = everything(a)
    for write in (lambda: b.save_question_list(a_contact, [{"text": "x"}]),
                  lambda: b.add_interview(a_contact, "x"),
                  lambda: b.save_draft("outreach", "x", "x", contact_id=a_contact),
                  lambda: b.save_swot(a_contact, {"x": 1}),
                  lambda: b.file_interviews(a_contact, ["x"]),
                  lambda: b.save_thank_you(a_contact, "x", "2025-05-12", "x", "x"),
                  lambda: b.save_swot_from_notes(a_contact, ["x"], {"x": 1})):
        with pytest.raises(InputError, match=f"no contact with id {a_contact}"):
            write()
    with pytest.raises(KeyError):
        b.save_contact(a_contact, {"name": "Stolen"}, [("status:done", "2025-05-12")])
    assert everything(a) == before
    assert b.get_contact(b_contact) is not None


def test_removing_a_user_removes_their_rows_only(user_db: UserDatabase) -> None:
    db = user_db
    a, b = db.for_user(store.add_user(db, "ann", "pw")), db.for_user(store.add_user(db, "bo", "pw"))
    fill(a, "AAA")
    fill(b, "BBB")
    store.remove_user(db, "ann")
    with db.connect() as conn:
        for table in ("contacts", "contact_history", "question_lists", "interviews", "drafts", "swots",
                      "profiles"):
            owners = {r[0] for r in conn.execute(f"SELECT user_id FROM {table}")}
            assert owners == {b.user_id}, table


def test_rows_from_before_accounts_belong_to_the_local_user(tmp_path: Path) -> None:
    path = tmp_path / "coach.sqlite3"
    conn = sqlite3.connect(path)
    before = MIGRATIONS.index(next(m for m in MIGRATIONS if "CREATE TABLE users" in m))
    for index, script in enumerate(MIGRATIONS[:before], start=1):
        conn.executescript(f"BEGIN;\n{script}\nPRAGMA user_version = {index};\nCOMMIT;")
    conn.executescript("""
        INSERT INTO profile (id, name, background, goal, updated_at) VALUES (1, 'Sam', 'b', 'g', 't');
        INSERT INTO contacts (id, name, created_at, updated_at) VALUES (7, 'Old Contact', 't', 't');
        INSERT INTO drafts (contact_id, kind, body, created_at) VALUES (7, 'outreach', 'old body', 't');
        INSERT INTO interviews (contact_id, held_at, notes, created_at) VALUES (7, 't', 'old notes', 't');
        INSERT INTO swots (contact_id, payload, created_at) VALUES (7, '{"old": 1}', 't');
        INSERT INTO question_lists (contact_id, questions, updated_at) VALUES (7, '[{"text": "q"}]', 't');
        INSERT INTO contact_history (contact_id, event, at, created_at) VALUES (7, 'created', 't', 't');
    """)
    conn.close()
    db = Database(path)
    local = db.local_user()
    assert local.user_id == LOCAL_USER_ID
    assert local.get_profile() == {"name": "Sam", "background": "b", "goal": "g"}
    assert [c["name"] for c in local.list_contacts()] == ["Old Contact"]
    assert [d["body"] for d in local.drafts(7)] == ["old body"]
    assert [i["notes"] for i in local.interviews(7)] == ["old notes"]
    assert local.swots(7)[0]["payload"] == {"old": 1}
    assert local.get_question_list(7) == [{"text": "q"}]
    assert [h["event"] for h in local.contact_history(7)] == ["created"]
    assert "Old Contact" not in everything(db.for_user(store.add_user(db, "new", "pw")))
