"""Chroma collections, one per kind of document, with vectors we compute ourselves.

We never hand Chroma an embedding function: its default downloads a model at run time. Each
collection name carries the encoder's name, so switching `COACH_EMBEDDINGS` never mixes vectors of
different models in one index.

The index lives on disk in the data folder (embedded Chroma), or on a `chroma run` server when
`COACH_CHROMA_URL` is set, so several app processes can share one index. Both get the same
collections and the same vectors; a server that is down or stops answering is one `StorageError`
line naming its URL.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import numpy as np

from agent.config import Settings
from agent.embeddings import Encoder
from agent.errors import CoachError, StorageError
from agent.store.errors import INDEX, storage_error

KINDS = ("guidance", "roles", "questions", "exemplars", "user_docs")
# The one kind whose chunks belong to a user. They share one collection and carry `user_id`;
# every read and write of it names the owner or is refused (see README, "Accounts", for the
# measurement behind one filtered collection rather than one collection per user).
OWNED = "user_docs"
LOCAL_OWNER = 0  # the local user (agent.store.userdata.LOCAL_USER_ID)


def owned_where(kind: str, owner: int | None, where: dict[str, Any] | None = None) -> dict[str, Any] | None:
    """`where` narrowed to `owner`'s chunks for the owned kind; other kinds are shared."""
    if kind != OWNED:
        return where
    if owner is None:
        raise ValueError(f"{kind} is per user: name the owner")
    mine = {"user_id": int(owner)}
    return {"$and": [mine, where]} if where else mine


@dataclass
class Hit:
    """One retrieved document with its cosine similarity."""

    id: str
    text: str
    source: str
    score: float
    metadata: dict[str, Any] = field(default_factory=dict)


def _store_failure(exc: BaseException) -> bool:
    """Chroma's own errors (its Rust core reports SQLite and file failures as `InternalError`),
    SQLite's and the file system's: a problem of the index on disk, not of the caller."""
    return (isinstance(exc, (sqlite3.Error, OSError))
            or type(exc).__module__.startswith(("chromadb", "hnswlib")))


def _server_failure(exc: BaseException) -> bool:
    """What a client of a Chroma server meets when the server is down, gone or broken: the
    client's own "Could not connect" `ValueError`, HTTP errors and refused sockets."""
    module = type(exc).__module__
    return (isinstance(exc, (OSError, ConnectionError))
            or module.startswith(("chromadb", "httpx", "httpcore"))
            or "could not connect" in str(exc).lower())


def server_error(exc: BaseException, url: str) -> StorageError:
    first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
    return StorageError(
        f"cannot use {INDEX} on the Chroma server at {url} ({first[:100]}): check that "
        "`chroma run` is up and COACH_CHROMA_URL is right, then try again")


def collection_name(kind: str, encoder_name: str) -> str:
    slug = re.sub(r"[^a-z0-9_-]+", "-", encoder_name.lower()).strip("-")
    return f"{kind}__{slug}"[:60]


class VectorStore:
    """Upsert and query by kind; the Chroma client is created on first use.

    `url` (http://host:port) selects a Chroma server instead of the folder `path`."""

    def __init__(self, path: Path, encoder: Encoder, client: Any | None = None,
                 url: str | None = None) -> None:
        self.path = Path(path)
        self.encoder = encoder
        self.url = url
        self._client = client
        self._collections: dict[str, Any] = {}

    @contextmanager
    def guarded(self) -> Iterator[None]:
        """Turn a failure of the index (on disk: read-only, full, deleted, damaged; on a server:
        down, unreachable, erroring) into one `StorageError` line; anything else keeps its type."""
        try:
            yield
        except CoachError:
            raise
        except Exception as exc:
            if self.url and _server_failure(exc):
                raise server_error(exc, self.url) from exc
            if not _store_failure(exc):
                raise
            raise storage_error(exc, self.path, INDEX) from exc

    @property
    def client(self) -> Any:
        if self._client is None:
            import chromadb
            from chromadb.config import Settings as ChromaSettings

            # Telemetry stays off in both modes; the client sends nothing but our own requests.
            chroma_settings = ChromaSettings(anonymized_telemetry=False, allow_reset=False)
            with self.guarded():
                if self.url:
                    parts = urlsplit(self.url)
                    self._client = chromadb.HttpClient(
                        host=parts.hostname or "localhost", port=parts.port or 8000,
                        ssl=parts.scheme == "https", settings=chroma_settings)
                else:
                    self.path.mkdir(parents=True, exist_ok=True)
                    self._client = chromadb.PersistentClient(
                        path=str(self.path), settings=chroma_settings)
        return self._client

    def collection(self, kind: str) -> Any:
        if kind not in KINDS:
            raise ValueError(f"unknown document kind: {kind}")
        if kind not in self._collections:
            with self.guarded():
                col = self.client.get_or_create_collection(
                    name=collection_name(kind, self.encoder.name),
                    embedding_function=None,
                    metadata={"hnsw:space": "cosine", "encoder": self.encoder.name},
                )
                if kind == OWNED:
                    _claim_unowned(col)
                self._collections[kind] = col
        return self._collections[kind]

    def upsert(
        self, kind: str, ids: Sequence[str], texts: Sequence[str],
        metadatas: Sequence[dict[str, Any]], batch: int = 256, owner: int | None = None,
    ) -> None:
        """Add or replace chunks. A user's chunk keeps the `user_id` its metadata has (a restored
        backup) or gets `owner`; one with neither is refused, never stored ownerless."""
        if kind == OWNED:
            if owner is None and any("user_id" not in m for m in metadatas):
                raise ValueError(f"{kind} is per user: name the owner")
            metadatas = [{**m, "user_id": int(m["user_id"] if "user_id" in m else owner)}  # type: ignore[arg-type]
                         for m in metadatas]
        col = self.collection(kind)
        for start in range(0, len(ids), batch):
            chunk = slice(start, start + batch)
            vectors = self.encoder.encode(list(texts[chunk]))
            with self.guarded():
                col.upsert(
                    ids=list(ids[chunk]), documents=list(texts[chunk]),
                    metadatas=list(metadatas[chunk]), embeddings=vectors.tolist(),
                )

    def delete_source(self, kind: str, source: str, owner: int | None = None) -> None:
        col = self.collection(kind)
        with self.guarded():
            col.delete(where=owned_where(kind, owner, {"source": source}))

    def forget_owner(self, owner: int) -> int:
        """Delete every chunk of `owner`'s documents (their account is removed); how many went."""
        col = self.collection(OWNED)
        with self.guarded():
            mine = col.get(where=owned_where(OWNED, owner), include=[])["ids"]
            if mine:
                col.delete(ids=mine)
        return len(mine)

    def count(self, kind: str) -> int:
        col = self.collection(kind)
        with self.guarded():
            return int(col.count())

    def query(
        self, kind: str, text: str, k: int = 5, where: dict[str, Any] | None = None,
        owner: int | None = None,
    ) -> list[Hit]:
        vector = self.encoder.encode([text])
        return self.query_vector(kind, vector[0], k=k, where=where, owner=owner)

    def query_vector(
        self, kind: str, vector: np.ndarray, k: int = 5, where: dict[str, Any] | None = None,
        owner: int | None = None,
    ) -> list[Hit]:
        where = owned_where(kind, owner, where)
        col = self.collection(kind)
        with self.guarded():
            total = col.count()
            if total == 0:
                return []
            result = col.query(
                query_embeddings=[np.asarray(vector, dtype=np.float32).tolist()],
                n_results=min(k, total), where=where,
                include=["documents", "metadatas", "distances"],
            )
        hits = []
        for id_, doc, meta, dist in zip(
            result["ids"][0], result["documents"][0], result["metadatas"][0],
            result["distances"][0], strict=True,
        ):
            meta = dict(meta or {})
            hits.append(Hit(id=id_, text=doc, source=str(meta.get("source", "")),
                            score=round(1.0 - float(dist), 4), metadata=meta))
        return hits

    def documents(self, kind: str, owner: int | None = None) -> list[str]:
        """Every chunk's text of `kind` (of `owner`'s, for the owned kind), for lexical statistics."""
        col = self.collection(kind)
        with self.guarded():
            return list(col.get(where=owned_where(kind, owner), include=["documents"])["documents"] or [])

    def all_items(self, kind: str) -> tuple[list[str], np.ndarray, list[dict[str, Any]]]:
        """Every document with its stored vector, for in-memory nearest-neighbour classifiers."""
        col = self.collection(kind)
        with self.guarded():
            got = col.get(include=["documents", "embeddings", "metadatas"])
        docs = list(got["documents"] or [])
        vectors = np.asarray(got["embeddings"] if len(docs) else np.zeros((0, 0)), dtype=np.float32)
        return docs, vectors, [dict(m or {}) for m in got["metadatas"] or []]


def open_vectors(settings: Settings, encoder: Encoder) -> VectorStore:
    """The index `settings` ask for: the `chroma` folder in the data folder, or the Chroma server
    of `COACH_CHROMA_URL`."""
    return VectorStore(settings.chroma_dir, encoder, url=settings.chroma_url)


def _claim_unowned(col: Any, batch: int = 5_000) -> None:
    """Chunks indexed before accounts carry no `user_id`: they are the local user's. Stamped once
    (the next opening finds none to stamp), so a filtered query finds them."""
    got = col.get(include=["metadatas"])
    ids = [i for i, m in zip(got["ids"], got["metadatas"] or [], strict=True) if "user_id" not in (m or {})]
    metas = [{**(m or {}), "user_id": LOCAL_OWNER}
             for m in got["metadatas"] or [] if "user_id" not in (m or {})]
    for start in range(0, len(ids), batch):
        col.update(ids=ids[start:start + batch], metadatas=metas[start:start + batch])
