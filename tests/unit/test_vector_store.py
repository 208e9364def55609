"""The vector store on both Chroma modes (embedded on disk, and a `chroma run` server): the same
collections, our own vectors, nearest neighbours, filters and deletes, so the two cannot drift.
A server that is down or goes away is one `StorageError` line."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from agent.errors import StorageError
from agent.store.userdata import LOCAL_USER_ID as ME
from agent.store.vectors import VectorStore, open_vectors
from tests.conftest import make_settings
from tests.engines import free_port, start_chroma

DOCS = {
    "a1": ("Bring three accessibility case studies to every portfolio review.", "mentor.md"),
    "a2": ("Ask how the team measures research impact on the roadmap.", "mentor.md"),
    "b1": ("Nurses moving into UX often start with clinical workflow studies.", "switch.md"),
}


def store(tmp_path: Path, encoder, url: str | None) -> VectorStore:  # type: ignore[no-untyped-def]
    return open_vectors(make_settings(tmp_path / "data", chroma_url=url), encoder)


def fill(vectors: VectorStore) -> None:
    ids = list(DOCS)
    vectors.upsert("user_docs", ids, [DOCS[i][0] for i in ids],
                   [{"source": DOCS[i][1], "n": n} for n, i in enumerate(ids)], owner=ME)


def test_upsert_query_filter_and_delete(tmp_path: Path, encoder, chroma_backend) -> None:  # type: ignore[no-untyped-def]
    vectors = store(tmp_path, encoder, chroma_backend)
    assert vectors.url == chroma_backend
    assert vectors.count("user_docs") == 0 and vectors.query("user_docs", "anything", owner=ME) == []
    fill(vectors)
    fill(vectors)  # upserting the same ids again replaces, never duplicates
    assert vectors.count("user_docs") == 3

    (best, *_rest) = vectors.query("user_docs", "portfolio review with accessibility work", k=3, owner=ME)
    assert best.id == "a1" and best.source == "mentor.md" and 0.3 < best.score <= 1.0
    assert best.metadata["n"] == 0

    only = vectors.query("user_docs", "portfolio review", k=5, where={"source": "switch.md"}, owner=ME)
    assert [h.id for h in only] == ["b1"]

    docs, matrix, metas = vectors.all_items("user_docs")
    assert sorted(docs) == sorted(d for d, _ in DOCS.values())
    assert matrix.shape == (3, encoder.encode(["x"]).shape[1]) and len(metas) == 3
    # The stored vector is ours, not one Chroma computed: it matches the encoder's output.
    row = docs.index(DOCS["b1"][0])
    assert np.allclose(matrix[row], encoder.encode([DOCS["b1"][0]])[0], atol=1e-5)

    vectors.delete_source("user_docs", "mentor.md", owner=ME)
    assert vectors.count("user_docs") == 1
    assert vectors.path.exists() == (chroma_backend is None)  # the folder is only for embedded


def test_collections_are_named_per_kind_and_encoder(tmp_path: Path, encoder, chroma_backend) -> None:  # type: ignore[no-untyped-def]
    vectors = store(tmp_path, encoder, chroma_backend)
    fill(vectors)
    vectors.count("guidance")
    names = sorted(c.name for c in vectors.client.list_collections())
    assert names == [f"guidance__{encoder.name}", f"user_docs__{encoder.name}"]
    with pytest.raises(ValueError, match="unknown document kind"):
        vectors.collection("recipes")


def test_a_store_reopened_sees_what_was_written(tmp_path: Path, encoder, chroma_backend) -> None:  # type: ignore[no-untyped-def]
    fill(store(tmp_path, encoder, chroma_backend))
    again = store(tmp_path, encoder, chroma_backend)
    assert again.count("user_docs") == 3
    assert again.query("user_docs", "clinical workflow", k=1, owner=ME)[0].id == "b1"


def test_a_chroma_server_that_is_down_is_one_line(tmp_path: Path, encoder) -> None:  # type: ignore[no-untyped-def]
    url = f"http://127.0.0.1:{free_port()}"
    vectors = store(tmp_path, encoder, url)
    with pytest.raises(StorageError) as caught:
        vectors.count("guidance")
    line = str(caught.value)
    assert "\n" not in line and line.startswith(f"cannot use the knowledge index on the Chroma "
                                                f"server at {url}")
    assert "COACH_CHROMA_URL" in line


def test_a_chroma_server_that_goes_away_is_one_line(tmp_path: Path, encoder) -> None:  # type: ignore[no-untyped-def]
    server = start_chroma()
    try:
        vectors = store(tmp_path, encoder, server.url)
        fill(vectors)
    finally:
        server.stop()
    with pytest.raises(StorageError, match=f"Chroma server at {server.url}"):
        vectors.query("user_docs", "portfolio review", owner=ME)
    with pytest.raises(StorageError, match=f"Chroma server at {server.url}"):
        vectors.upsert("user_docs", ["c1"], ["One more."], [{"source": "x.md"}], owner=ME)
