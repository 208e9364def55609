"""A user's own documents in the shared `user_docs` collection: every read and write names the
owner, one user's chunks never answer another's query, and chunks from before accounts are the
local user's."""

from __future__ import annotations

from pathlib import Path

import pytest

from agent.deps import Deps, acting_as
from agent.ingest.pipeline import ingest
from agent.retrieval import search
from agent.store.vectors import VectorStore, collection_name


def test_queries_and_writes_must_name_the_owner(tmp_path: Path, encoder) -> None:  # type: ignore[no-untyped-def]
    store = VectorStore(tmp_path / "chroma", encoder)
    store.upsert("user_docs", ["a1"], ["Ann's mentor said: bring three case studies."],
                 [{"source": "ann.md"}], owner=1)
    store.upsert("user_docs", ["b1"], ["Bo's mentor said: bring three case studies."],
                 [{"source": "bo.md"}], owner=2)
    with pytest.raises(ValueError, match="name the owner"):
        store.query("user_docs", "case studies")
    with pytest.raises(ValueError, match="name the owner"):
        store.upsert("user_docs", ["x"], ["x"], [{"source": "x.md"}])
    with pytest.raises(ValueError, match="name the owner"):
        store.delete_source("user_docs", "ann.md")
    assert [h.id for h in store.query("user_docs", "case studies", k=5, owner=1)] == ["a1"]
    assert [h.id for h in store.query("user_docs", "case studies", k=5, owner=2)] == ["b1"]
    assert store.query("user_docs", "case studies", k=5, owner=3) == []
    store.delete_source("user_docs", "ann.md", owner=2)  # not Bo's: nothing goes
    assert store.count("user_docs") == 2
    assert store.documents("user_docs", 2) == ["Bo's mentor said: bring three case studies."]


def test_chunks_from_before_accounts_are_the_local_users(tmp_path: Path, encoder) -> None:  # type: ignore[no-untyped-def]
    old = VectorStore(tmp_path / "chroma", encoder)
    col = old.client.get_or_create_collection(  # as an older version wrote it: no user_id
        name=collection_name("user_docs", encoder.name), embedding_function=None,
        metadata={"hnsw:space": "cosine", "encoder": encoder.name})
    col.upsert(ids=["old"], documents=["An old note about portfolio reviews."],
               metadatas=[{"source": "old.md"}], embeddings=encoder.encode(["portfolio"]).tolist())
    fresh = VectorStore(tmp_path / "chroma", encoder, client=old.client)
    assert [h.id for h in fresh.query("user_docs", "portfolio reviews", owner=0)] == ["old"]
    assert fresh.query("user_docs", "portfolio reviews", owner=1) == []


def test_search_is_the_acting_users(deps: Deps, tmp_path: Path) -> None:
    doc = tmp_path / "mentor.md"
    doc.write_text("## Advice\n\nZanzibar hospitals hire accessibility researchers in spring.\n")
    ingest(deps.vectors, deps.db, [doc])  # `coach ingest`: the local user's
    assert any("Zanzibar" in h.text for h in search(deps, "Zanzibar hospitals", kinds=("user_docs",)))
    with acting_as(7):
        assert search(deps, "Zanzibar hospitals", kinds=("user_docs",)) == []
