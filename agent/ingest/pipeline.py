"""`coach ingest`: index built-in knowledge and user files into Chroma, idempotently.

A file whose bytes are unchanged since the last run with the same encoder is skipped; any other
file has its old chunks deleted and its new ones upserted under content-hash IDs, so re-running
never duplicates. The manifest is kept per encoder because each encoder has its own collections:
switching `COACH_EMBEDDINGS` re-indexes everything into the new encoder's collections. Every
input is validated before anything is written, so a bad path leaves the index as it was.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import knowledge
from agent.errors import InputError
from agent.ingest import chunking
from agent.ingest.chunking import Chunk, chunk_document, chunk_id
from agent.store.db import LOCAL_USER_ID, UserDatabase
from agent.store.vectors import KINDS, VectorStore
from agent.text.injection import sanitise_document

USER_SUFFIXES = {".md", ".markdown", ".txt"}
MAX_FILE_BYTES = 2_000_000
BUILTIN_FOLDERS = {"guidance": "guidance", "roles": "roles"}
BUILTIN_BANKS = {"questions": "questions", "exemplars": "exemplars"}
# Part of a user file's manifest hash: raising it re-indexes user documents (not the built-in
# knowledge) after a change to what `sanitise_document` removes.
USER_FILTER_VERSION = 1


@dataclass
class IngestReport:
    added: int = 0
    unchanged: int = 0
    chunks: int = 0
    removed: int = 0
    dropped: int = 0  # hidden text and instruction-like sentences left out of user documents

    def as_dict(self) -> dict[str, int]:
        return {"added": self.added, "unchanged": self.unchanged, "chunks": self.chunks,
                "removed": self.removed, "dropped": self.dropped}


@dataclass
class SourceFile:
    path: Path
    source: str
    kind: str


def _sha(data: bytes, kind: str = "") -> str:
    """What the manifest compares: the file's bytes and the chunker (and, for the user's own
    documents, the filter) that cut them."""
    salt = f"chunker-{chunking.CHUNKER_VERSION}"
    if kind == "user_docs":
        salt += f"-filter-{USER_FILTER_VERSION}"
    return hashlib.sha256(f"{salt}\0".encode() + data).hexdigest()


def builtin_files() -> list[SourceFile]:
    root = knowledge.root()
    files: list[SourceFile] = []
    for folder, kind in BUILTIN_FOLDERS.items():
        for path in sorted((root / folder).glob("*.md")):
            files.append(SourceFile(path, f"{folder}/{path.name}", kind))
    for folder, kind in BUILTIN_BANKS.items():
        for path in sorted((root / folder).glob("*.jsonl")):
            files.append(SourceFile(path, f"{folder}/{path.name}", kind))
    return files


def user_files(paths: Sequence[str | Path]) -> list[SourceFile]:
    """Expand files and folders; reject what we cannot read before touching the index."""
    found: list[SourceFile] = []
    for raw in paths:
        path = Path(raw).expanduser()
        if not path.exists():
            raise InputError(f"no such file or folder: {raw}")
        if path.is_dir():
            candidates = sorted(p for p in path.rglob("*") if p.suffix.lower() in USER_SUFFIXES)
        else:
            if path.suffix.lower() == ".pdf":
                raise InputError(f"PDF is not supported; save {path.name} as .txt or .md first")
            if path.suffix.lower() not in USER_SUFFIXES:
                raise InputError(f"unsupported file type {path.suffix or '(none)'}: use .md or .txt")
            candidates = [path]
        for file in candidates:
            if file.stat().st_size > MAX_FILE_BYTES:
                raise InputError(f"{file.name} is over the {MAX_FILE_BYTES // 1_000_000} MB limit")
            found.append(SourceFile(file, str(file.resolve()), "user_docs"))
    return found


def _read_text(file: SourceFile, data: bytes) -> str:
    if b"\x00" in data[:4096]:
        raise InputError(f"{file.path.name} looks binary, not text")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(f"{file.path.name} is not UTF-8 text") from exc


def bank_chunks(text: str, source: str) -> list[Chunk]:
    """One chunk per JSONL record: its `text` is embedded, the other fields become metadata."""
    chunks = []
    for line_no, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            record: dict[str, Any] = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InputError(f"{source} line {line_no} is not valid JSON") from exc
        body = str(record.get("text", "")).strip()
        if not body:
            continue
        meta = {"source": source, "bank": Path(source).stem}
        for key, value in record.items():
            if key == "text":
                continue
            meta[key] = ",".join(map(str, value)) if isinstance(value, list) else value
        chunks.append(Chunk(id=chunk_id(source, str(record.get("label", "")), body),
                            text=body, metadata=meta))
    return chunks


def chunks_for(file: SourceFile, text: str) -> list[Chunk]:
    if file.path.suffix == ".jsonl":
        return bank_chunks(text, file.source)
    return chunk_document(text, file.source, plain_text=file.path.suffix.lower() == ".txt")


def user_text(file: SourceFile, text: str) -> tuple[str, int]:
    """The user's documents are data: what reads as an instruction to a model (or is hidden) is
    left out before chunking, so it can neither be retrieved nor quoted. Built-in knowledge is
    ours and is indexed as written."""
    if file.kind != "user_docs":
        return text, 0
    clean, dropped = sanitise_document(text)
    return clean, len(dropped)


def _dedupe(chunks: Iterable[Chunk]) -> list[Chunk]:
    seen: dict[str, Chunk] = {}
    for chunk in chunks:
        seen.setdefault(chunk.id, chunk)
    return list(seen.values())


def ingest(
    vectors: VectorStore, db: UserDatabase, paths: Sequence[str | Path] | None = None,
    owner: int = LOCAL_USER_ID,
) -> IngestReport:
    """Index `paths` (user files, `owner`'s) or, with none, the built-in knowledge. The manifest
    of user files is the local user's: only `coach ingest` adds them so far."""
    files = user_files(paths) if paths else builtin_files()
    prepared: list[tuple[SourceFile, str, list[Chunk]]] = []
    report = IngestReport()
    for file in files:
        data = file.path.read_bytes()
        text, dropped = user_text(file, _read_text(file, data))
        report.dropped += dropped
        prepared.append((file, _sha(data, file.kind), _dedupe(chunks_for(file, text))))

    encoder = vectors.encoder.name
    # A collection holding fewer chunks than its manifest lists lost them (its folder was deleted
    # or replaced): every file of that kind is indexed again instead of skipped as unchanged.
    manifests: dict[str, dict[str, str]] = dict.fromkeys(missing_kinds(vectors, db), {})
    for file, sha, chunks in prepared:
        manifest = manifests.setdefault(file.kind, db.manifest(file.kind, encoder))
        report.chunks += len(chunks)
        if manifest.get(file.source) == sha:
            report.unchanged += 1
            continue
        # Also when the manifest has no row: chunks may be left from before it was kept per encoder.
        vectors.delete_source(file.kind, file.source, owner=owner)
        if chunks:
            vectors.upsert(file.kind, [c.id for c in chunks], [c.text for c in chunks],
                           [c.metadata for c in chunks], owner=owner)
        db.record_ingest(file.kind, encoder, file.source, sha, len(chunks))
        report.added += 1

    if not paths:
        report.removed = _drop_stale_builtin(vectors, db, files)
    return report


def _drop_stale_builtin(vectors: VectorStore, db: UserDatabase, files: list[SourceFile]) -> int:
    """Built-in files deleted from `knowledge/` are removed from the index too."""
    current = {(f.kind, f.source) for f in files}
    encoder = vectors.encoder.name
    removed = 0
    for kind in {*BUILTIN_FOLDERS.values(), *BUILTIN_BANKS.values()}:
        for source in db.manifest(kind, encoder):
            if (kind, source) not in current:
                vectors.delete_source(kind, source)
                db.drop_ingest(kind, encoder, source)
                removed += 1
    return removed


def missing_kinds(vectors: VectorStore, db: UserDatabase) -> list[str]:
    """Kinds whose collection holds fewer chunks than the manifest says were indexed."""
    encoder = vectors.encoder.name
    missing = []
    for kind in KINDS:
        expected = db.manifest_chunks(kind, encoder)
        if expected and vectors.count(kind) < expected:
            missing.append(kind)
    return missing


def index_is_built(vectors: VectorStore, db: UserDatabase) -> bool:
    """True when the built-in knowledge is indexed for the encoder in use and its collections
    still hold what the manifest lists (a deleted Chroma folder is rebuilt, not trusted)."""
    if not db.manifest("guidance", vectors.encoder.name):
        return False
    return not set(missing_kinds(vectors, db)) - {"user_docs"}
