"""`coach admin copy-to-postgres`: a data folder used on SQLite moves onto the PostgreSQL server
with nothing lost: the same rows and ids, new rows numbered after them, rehearsals that resume
where they stopped, the user's own documents on the Chroma server; a second copy is refused."""

from __future__ import annotations

import json

import psycopg
import pytest

from agent.accounts.passwords import verify_password
from agent.accounts.store import add_user, find_user
from agent.deps import Deps
from agent.errors import InputError, StorageError
from agent.mock.graph import (
    build_graph,
    end_session,
    open_checkpointer,
    send_turn,
    session_view,
    start_session,
)
from agent.mock.state import MockRequest
from agent.store.copy_to_pg import TABLES, copy_to_postgres
from agent.store.pg_db import PgDatabase
from agent.store.vectors import open_vectors
from tests.unit.conftest import invoke
from tests.unit.mock_helpers import FactWords, scripted_reader

OPENING = "Hi Dana, I'm Jordan, a nurse exploring UX research. How did you get into the field?"


def fill(deps: Deps) -> dict[str, object]:
    """A local install's worth of data: an account, a profile, two contacts (one deleted, so the
    ids have a gap), a question list, an interview, a SWOT, a draft, history, two rehearsals."""
    add_user(deps.db, "advisor", "a long enough password", admin=True)
    me = deps.db.local_user()
    me.save_profile("Jordan", "ICU nurse, 6 years", "move into UX research")
    gone = me.add_contact("Someone Else", role="Designer")
    dana = me.add_contact("Dana Park", role="UX researcher", company="Fernwood Health",
                          bio="Dana moved from nursing into research in 2019.")
    with deps.db.transaction() as conn:
        conn.execute("DELETE FROM contacts WHERE id = ?", (gone,))
    me.save_question_list(dana, [{"text": "How did you move from nursing into research?"}])
    me.add_interview(dana, "Dana said to start with usability tests on real patients' forms.")
    me.save_swot(dana, {"strengths": ["clinical empathy"], "next_steps": ["take a course"]})
    me.save_draft("thankyou", "Thank you", "Thank you for the call, Dana.", contact_id=dana)
    graph = build_graph(deps, open_checkpointer(deps.settings), reader_factory=lambda _r: scripted_reader())
    threads = []
    for finish in (False, True):
        thread = start_session(deps, MockRequest(contact_role="UX researcher", contact_name="Dana Park"),
                               graph=graph)
        list(send_turn(deps, thread, OPENING, graph=graph))
        if finish:
            end_session(deps, thread, graph=graph)
        threads.append(thread)
    before = {t: session_view(deps, t, graph=graph) for t in threads}
    return {"dana": dana, "threads": threads, "before": before}


def pg_rows(url: str, table: str) -> list[tuple[object, ...]]:
    with psycopg.connect(url) as conn:
        return sorted(conn.execute(f'SELECT * FROM "{table}"').fetchall(), key=repr)


def lite_rows(deps: Deps, table: str) -> list[tuple[object, ...]]:
    with deps.db.connect() as conn:
        return sorted((tuple(r) for r in conn.execute(f'SELECT * FROM "{table}"')), key=repr)


@pytest.fixture
def filled(deps: Deps, fake_llm) -> tuple[Deps, dict[str, object]]:  # type: ignore[no-untyped-def]
    fake_llm.default = FactWords()
    return deps, fill(deps)


def test_the_copy_keeps_every_row_id_and_rehearsal(filled, postgres_url: str) -> None:  # type: ignore[no-untyped-def]
    deps, made = filled
    settings = deps.settings.model_copy(update={"database_url": postgres_url})
    report = copy_to_postgres(settings)
    assert report.tables["contacts"] == 1 and report.tables["users"] == 1
    assert report.rehearsal_threads == 2 and report.checkpoints > 4
    for table in TABLES:
        assert pg_rows(postgres_url, table) == lite_rows(deps, table), table

    on_server = Deps(settings, llm_override=deps.llm, encoder_override=deps.encoder)
    me = on_server.db.local_user()
    dana = made["dana"]
    assert [c["name"] for c in me.list_contacts()] == ["Dana Park"]
    assert me.get_contact(dana)["bio"].startswith("Dana moved")  # type: ignore[index]
    assert me.add_contact("Sam Lee") > dana  # the identity continues after the copied ids
    account = find_user(on_server.db, "advisor")
    assert account is not None and verify_password(account["password_hash"], "a long enough password")

    graph = build_graph(on_server, open_checkpointer(settings), reader_factory=lambda _r: scripted_reader())
    unfinished, finished = made["threads"]  # type: ignore[misc]
    for thread in (unfinished, finished):
        was, now = made["before"][thread], session_view(on_server, thread, graph=graph)  # type: ignore[index]
        assert now is not None
        assert (now.transcript, now.open, now.feedback) == (was.transcript, was.open, was.feedback)
    list(send_turn(on_server, unfinished, "What does a typical week look like?", graph=graph))
    resumed = session_view(on_server, unfinished, graph=graph)
    assert resumed is not None and len(resumed.transcript) == len(made["before"][unfinished].transcript) + 2  # type: ignore[index]


def test_a_second_copy_and_a_missing_url_are_one_line(filled, postgres_url: str, monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]
    deps, _ = filled
    data = str(deps.settings.data_dir)
    monkeypatch.setenv("COACH_MODELS_DIR", str(deps.settings.models_dir))
    monkeypatch.delenv("COACH_DATABASE_URL", raising=False)
    code, out, err = invoke(capsys, "--data-dir", data, "admin", "copy-to-postgres")
    assert code == 2 and out == "" and "COACH_DATABASE_URL" in err and "Traceback" not in err

    monkeypatch.setenv("COACH_DATABASE_URL", postgres_url)
    code, out, _ = invoke(capsys, "--data-dir", data, "admin", "copy-to-postgres", "--dry-run")
    assert code == 0 and json.loads(out)["dry_run"] is True
    assert pg_rows(postgres_url, "contacts") == []  # a dry run copies nothing

    code, out, _ = invoke(capsys, "--data-dir", data, "admin", "copy-to-postgres")
    assert code == 0 and json.loads(out)["tables"]["contacts"] == 1
    code, out, err = invoke(capsys, "--data-dir", data, "admin", "copy-to-postgres")
    assert code == 2 and out == "" and "already holds data" in err and len(err.strip().splitlines()) == 1
    assert len(pg_rows(postgres_url, "contacts")) == 1  # nothing duplicated


def test_a_failed_copy_leaves_the_server_empty(filled, postgres_url: str) -> None:  # type: ignore[no-untyped-def]
    deps, _ = filled
    with psycopg.connect(postgres_url, autocommit=True) as conn:
        PgDatabase(postgres_url).close()
        # a table copied after others fails: those before it must not stay
        conn.execute("ALTER TABLE swots ADD CONSTRAINT no_swots CHECK (false)")
    settings = deps.settings.model_copy(update={"database_url": postgres_url})
    with pytest.raises(StorageError, match="nothing was copied"):
        copy_to_postgres(settings)
    for table in TABLES:
        assert pg_rows(postgres_url, table) == [], table


def test_own_documents_move_to_the_chroma_server(deps: Deps, postgres_url: str, chroma_url: str) -> None:
    text = "Hospital analytics teams mostly clean admissions data before any modelling."
    deps.vectors.upsert("user_docs", ["notes.md#0"], [text], [{"source": "notes.md"}], owner=0)
    deps.db.record_ingest("user_docs", deps.encoder.name, "notes.md", "0" * 64, 1)
    settings = deps.settings.model_copy(update={"database_url": postgres_url, "chroma_url": chroma_url})
    target = open_vectors(settings, deps.encoder)
    report = copy_to_postgres(settings, vectors=deps.vectors, target_vectors=target)
    assert report.document_chunks == 1 and "Chroma server" in report.documents_to
    got = target.collection("user_docs").get(include=["documents", "metadatas"])
    assert got["documents"] == [text] and got["metadatas"][0]["user_id"] == 0
    manifest = {r[0] for r in pg_rows(postgres_url, "ingest_manifest")}
    assert manifest == {"user_docs"}  # the built-in knowledge is indexed into the server at start


def test_nothing_to_copy_is_one_line(settings, postgres_url: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(InputError, match="does not exist"):
        copy_to_postgres(settings.model_copy(update={"database_url": postgres_url}))
