"""`coach doctor`, `--rebuild-index` and `coach backup` when the stores are servers
(COACH_DATABASE_URL, COACH_CHROMA_URL): the doctor checks the servers instead of files that are
not used, and a rebuild on a Chroma server keeps the user's documents (backups refusing on
PostgreSQL: `test_pg_user_data`)."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from agent.ingest.pipeline import ingest
from agent.store.db import Database, open_database
from agent.store.health import diagnose, rebuild_index
from agent.store.userdata import LOCAL_USER_ID
from agent.store.vectors import collection_name, open_vectors
from tests.conftest import make_settings
from tests.engines import free_port


class HashEncoder:
    """Words hashed into 64 buckets: deterministic and instant. These tests are about where the
    vectors are kept and rebuilt, not about retrieval quality (the MiniLM tests cover that)."""

    name = "hash-test"
    dim = 64

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for row, text in enumerate(texts):
            for word in re.findall(r"\w+", text.lower()):
                out[row, hashlib.blake2b(word.encode(), digest_size=2).digest()[0] % self.dim] += 1
        norms = np.maximum(np.linalg.norm(out, axis=1, keepdims=True), 1e-12)
        return (out / norms).astype(np.float32)


def checks(settings, encoder):  # type: ignore[no-untyped-def]
    return {f.check: f for f in diagnose(settings, lambda: open_vectors(settings, encoder))}


def test_doctor_checks_the_servers_and_rebuild_keeps_the_users_documents(  # type: ignore[no-untyped-def]
        tmp_path: Path, postgres_url, chroma_url) -> None:
    settings = make_settings(tmp_path / "data", database_url=postgres_url, chroma_url=chroma_url)
    encoder = HashEncoder()
    vectors, db = open_vectors(settings, encoder), open_database(settings)
    ingest(vectors, db)
    doc = tmp_path / "mentor.md"
    doc.write_text("## Advice\n\nBring three accessibility case studies to every portfolio review.\n")
    ingest(vectors, db, [doc])

    found = checks(settings, encoder)
    assert not settings.chroma_dir.exists() and not settings.db_path.exists()  # all on the servers
    assert found["your data"].status == "ok" and "0 contacts" in found["your data"].detail
    assert found["rehearsals"].status == "ok"
    assert found["rehearsals"].detail.startswith("PostgreSQL at 127.0.0.1:")
    assert found["rehearsals"].detail.endswith(": 0 rehearsal(s)")
    assert found["knowledge index"].status == "ok", found["knowledge index"].detail

    vectors.client.delete_collection(collection_name("guidance", encoder.name))
    found = checks(settings, encoder)
    assert found["knowledge index"].status == "problem"
    assert "guidance" in found["knowledge index"].detail

    doc.unlink()  # the chunks can only come back from the server's old collection
    rebuilt = rebuild_index(settings, encoder)
    assert rebuilt["user_doc_chunks_salvaged"] == 1 and rebuilt["builtin"]["chunks"] > 100
    assert not settings.chroma_dir.exists()
    assert checks(settings, encoder)["knowledge index"].status == "ok"
    hits = open_vectors(settings, encoder).query("user_docs", "accessibility case studies",
                                                 owner=LOCAL_USER_ID)
    assert [h.source for h in hits] == [str(doc)]


def test_doctor_names_servers_that_are_down(tmp_path: Path) -> None:
    down_db = f"postgresql://coach:secret@127.0.0.1:{free_port()}/coach"
    down_chroma = f"http://127.0.0.1:{free_port()}"
    settings = make_settings(tmp_path / "data", database_url=down_db, chroma_url=down_chroma)
    settings.data_dir.mkdir(parents=True)
    Database(settings.db_path)
    found = checks(settings, HashEncoder())
    assert found["your data"].status == "problem" and "secret" not in found["your data"].detail
    assert "cannot use the database at 127.0.0.1:" in found["your data"].detail
    assert found["rehearsals"].status == "problem" and "secret" not in found["rehearsals"].detail
    assert "COACH_DATABASE_URL" in found["rehearsals"].fix
    assert found["knowledge index"].status == "problem"
    assert f"Chroma server at {down_chroma}" in found["knowledge index"].detail

