"""Ingestion is idempotent, skips unchanged files, replaces changed ones, and rejects bad input whole."""

from __future__ import annotations

from pathlib import Path

import pytest

from agent.deps import Deps
from agent.errors import InputError
from agent.ingest.pipeline import builtin_files, ingest
from agent.retrieval import search


def test_reingest_of_builtin_knowledge_is_a_noop(deps: Deps) -> None:
    before = {kind: deps.vectors.count(kind) for kind in ("guidance", "roles", "questions", "exemplars")}
    report = ingest(deps.vectors, deps.db)
    assert report.added == 0
    assert report.unchanged == len(builtin_files())
    after = {kind: deps.vectors.count(kind) for kind in before}
    assert after == before
    assert before["guidance"] > 30 and before["exemplars"] > 500


def test_user_file_added_changed_and_searchable(deps: Deps, tmp_path: Path) -> None:
    notes = tmp_path / "mentor.md"
    notes.write_text("## Portfolio reviews\n\nBring three case studies about accessibility audits.\n")
    first = ingest(deps.vectors, deps.db, [notes])
    assert (first.added, first.unchanged, first.chunks) == (1, 0, 1)
    assert ingest(deps.vectors, deps.db, [tmp_path]).unchanged == 1

    notes.write_text("## Portfolio reviews\n\nBring two case studies about onboarding research.\n")
    assert ingest(deps.vectors, deps.db, [notes]).added == 1
    assert deps.vectors.count("user_docs") == 1
    top = search(deps, "case studies for onboarding research", k=1)[0]
    assert "onboarding research" in top.text and top.source == str(notes.resolve())


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("paper.pdf", b"%PDF-1.4", "PDF"),
        ("blob.txt", b"\x00\x01\x02binary", "binary"),
        ("latin.txt", "caf\xe9".encode("latin-1"), "UTF-8"),
        ("data.csv", b"a,b", "unsupported"),
    ],
)
def test_bad_files_are_rejected_before_anything_is_written(
    deps: Deps, tmp_path: Path, name: str, content: bytes, message: str
) -> None:
    good = tmp_path / "good.md"
    good.write_text("## Fine\n\nA good note.\n")
    bad = tmp_path / name
    bad.write_bytes(content)
    with pytest.raises(InputError, match=message):
        ingest(deps.vectors, deps.db, [good, bad])
    assert deps.vectors.count("user_docs") == 0
    assert deps.db.manifest("user_docs", deps.vectors.encoder.name) == {}


def test_missing_path_is_an_input_error(deps: Deps, tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file"):
        ingest(deps.vectors, deps.db, [tmp_path / "nope.md"])


class _HashingEncoder:
    """Another encoder as the index sees it (its own name, so its own collections); hashed words keep
    it fast enough to re-index the whole knowledge folder in a unit test."""

    name = "hashed-words"
    dim = 256

    def encode(self, texts):  # type: ignore[no-untyped-def]
        import zlib

        import numpy as np

        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for row, text in enumerate(texts):
            for word in text.lower().split():
                out[row, zlib.crc32(word.encode()) % self.dim] += 1.0
        return out / np.maximum(np.linalg.norm(out, axis=1, keepdims=True), 1e-9)


def test_switching_encoders_reindexes_instead_of_leaving_an_empty_index(deps: Deps) -> None:
    from agent.ingest.pipeline import index_is_built

    other = Deps(deps.settings, llm_override=deps.llm_override, encoder_override=_HashingEncoder())
    assert not index_is_built(other.vectors, other.db)
    report = ingest(other.vectors, other.db)
    assert report.added == len(builtin_files()) and report.unchanged == 0
    assert index_is_built(other.vectors, other.db)
    assert other.vectors.count("guidance") == deps.vectors.count("guidance")
    assert search(other, "how long should the outreach email be", k=3)
    # Back to the first encoder: its index is still there and nothing needs redoing.
    again = ingest(deps.vectors, deps.db)
    assert again.added == 0 and again.unchanged == len(builtin_files())


def test_heading_less_text_file_is_windowed_and_reingest_is_a_noop(deps: Deps, tmp_path: Path) -> None:
    sentences = [f"Point {i} about asking a mentor for twenty minutes is written here plainly."
                 for i in range(40)]
    article = tmp_path / "pasted.txt"
    article.write_text(" ".join(sentences[:20]) + "\n\n" + " ".join(sentences[20:]) + "\n")
    first = ingest(deps.vectors, deps.db, [tmp_path])
    assert first.added == 1 and first.chunks >= 4
    ids = set(deps.vectors.collection("user_docs").get()["ids"])
    again = ingest(deps.vectors, deps.db, [tmp_path])
    assert (again.added, again.unchanged, again.chunks) == (0, 1, first.chunks)
    assert set(deps.vectors.collection("user_docs").get()["ids"]) == ids


def test_a_new_chunker_version_cuts_unchanged_files_again(deps: Deps, tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    from agent.ingest import chunking

    note = tmp_path / "mentor.txt"
    note.write_text("Ask for twenty minutes. Offer to call at their convenience.\n")
    assert ingest(deps.vectors, deps.db, [note]).added == 1
    assert ingest(deps.vectors, deps.db, [note]).unchanged == 1
    monkeypatch.setattr(chunking, "CHUNKER_VERSION", chunking.CHUNKER_VERSION + 1)
    report = ingest(deps.vectors, deps.db, [note])
    assert (report.added, report.unchanged) == (1, 0)
    assert deps.vectors.count("user_docs") == 1
