"""Structure-aware chunking: a heading stays with its text, a list stays with its lead-in.

Naive paragraph splits separate "Ask for a short time:" from the bullet list that answers it, and
drop the heading that says what a paragraph is about. Here every chunk carries its document title
and section heading, and blocks are packed whole up to a size budget.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from typing import Any

import yaml

HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
LIST_ITEM = re.compile(r"^\s*(?:[-*+•]|\d+[.)])\s+")
MAX_CHARS = 900


@dataclass
class Chunk:
    id: str
    text: str
    metadata: dict[str, Any] = field(default_factory=dict)


@dataclass
class Section:
    heading: str
    blocks: list[str]


def split_front_matter(text: str) -> tuple[dict[str, Any], str]:
    """YAML between leading `---` lines; malformed front matter is treated as body text."""
    if not text.startswith("---"):
        return {}, text
    parts = text.split("\n---", 1)
    if len(parts) != 2:
        return {}, text
    try:
        meta = yaml.safe_load(parts[0].removeprefix("---")) or {}
    except yaml.YAMLError:
        return {}, text
    if not isinstance(meta, dict):
        return {}, text
    return meta, parts[1].split("\n", 1)[1] if "\n" in parts[1] else ""


def _blocks(lines: list[str]) -> list[str]:
    """Group lines into blocks; a line ending in ':' and the list after it form one block."""
    raw: list[list[str]] = []
    current: list[str] = []
    for line in lines:
        if not line.strip():
            if current:
                raw.append(current)
                current = []
            continue
        if current and LIST_ITEM.match(line) and not LIST_ITEM.match(current[-1]):
            if not current[-1].rstrip().endswith(":"):
                raw.append(current)
                current = []
        current.append(line.rstrip())
    if current:
        raw.append(current)
    merged: list[list[str]] = []
    for block in raw:
        is_list = all(LIST_ITEM.match(ln) or ln.startswith("  ") for ln in block)
        if merged and is_list and (
            merged[-1][-1].rstrip().endswith(":") or LIST_ITEM.match(merged[-1][-1])
        ):
            merged[-1].extend(block)
        else:
            merged.append(block)
    return ["\n".join(b) for b in merged]


def _looks_like_heading(line: str, next_line: str | None) -> bool:
    text = line.strip()
    return (
        0 < len(text) <= 80
        and not text.endswith((".", "?", "!", ",", ";", ":"))
        and not LIST_ITEM.match(text)
        and len(text.split()) <= 10
        and next_line is not None
        and bool(next_line.strip())
    )


def sections_from_markdown(body: str, *, plain_text: bool = False) -> list[Section]:
    """Split a document into sections by heading (for plain text, by heading-like lines)."""
    sections: list[Section] = []
    heading = ""
    lines: list[str] = []
    source_lines = body.splitlines()
    for i, line in enumerate(source_lines):
        match = HEADING.match(line)
        nxt = next((ln for ln in source_lines[i + 1:i + 3] if ln.strip()), None)
        if plain_text and not match and _looks_like_heading(line, nxt):
            prev_blank = i == 0 or not source_lines[i - 1].strip()
            if prev_blank:
                match = re.match(r"()(.*)", line.strip())
        if match:
            if lines:
                sections.append(Section(heading, _blocks(lines)))
            heading = match.group(2).strip()
            lines = []
        else:
            lines.append(line)
    if lines:
        sections.append(Section(heading, _blocks(lines)))
    return [s for s in sections if s.blocks]


def _pack(blocks: list[str], budget: int) -> list[str]:
    packs: list[str] = []
    current = ""
    for block in blocks:
        if len(block) > budget:
            if current:
                packs.append(current)
                current = ""
            packs.extend(_split_long_block(block, budget))
            continue
        candidate = f"{current}\n\n{block}" if current else block
        if len(candidate) > budget and current:
            packs.append(current)
            current = block
        else:
            current = candidate
    if current:
        packs.append(current)
    return packs


def _split_long_block(block: str, budget: int) -> list[str]:
    """Split an oversize block between lines (list items), repeating a lead-in line."""
    lines = block.splitlines()
    lead = lines[0] if lines[0].rstrip().endswith(":") else ""
    items = lines[1:] if lead else lines
    if len(items) == 1:
        sentences = re.split(r"(?<=[.!?])\s+", items[0])
        items = sentences
    out: list[str] = []
    current = lead
    for item in items:
        candidate = f"{current}\n{item}" if current else item
        if len(candidate) > budget and current and current != lead:
            out.append(current)
            current = f"{lead}\n{item}" if lead else item
        else:
            current = candidate
    if current:
        out.append(current)
    return out


def chunk_id(source: str, heading: str, body: str) -> str:
    """Content-addressed: the same text at the same place always gets the same ID."""
    digest = hashlib.sha256(f"{source}\x1f{heading}\x1f{body}".encode()).hexdigest()
    return digest[:32]


def chunk_document(
    text: str, source: str, *, plain_text: bool = False, max_chars: int = MAX_CHARS,
) -> list[Chunk]:
    """Chunks of one document; each text starts with 'Title — Section'."""
    meta, body = split_front_matter(text)
    sections = sections_from_markdown(body, plain_text=plain_text)
    title = str(meta.get("title") or "")
    if not title and sections and sections[0].heading:
        title = sections[0].heading
    base = {k: str(v) for k, v in meta.items() if isinstance(v, str | int | float) and k != "title"}
    chunks: list[Chunk] = []
    for section in sections:
        for position, body_part in enumerate(_pack(section.blocks, max_chars)):
            parts = [p for p in (title, section.heading) if p]
            label = " — ".join(dict.fromkeys(parts))
            text_out = f"{label}\n{body_part}" if label else body_part
            chunks.append(Chunk(
                id=chunk_id(source, section.heading, body_part),
                text=text_out,
                metadata={**base, "source": source, "title": title,
                          "section": section.heading, "part": position},
            ))
    return chunks


def naive_paragraph_chunks(text: str, source: str) -> list[Chunk]:
    """The baseline we must beat: blank-line paragraphs, no headings, no front matter."""
    _, body = split_front_matter(text)
    chunks = []
    section = ""
    for para in re.split(r"\n\s*\n", body):
        para = para.strip()
        if not para:
            continue
        match = HEADING.match(para.splitlines()[0])
        if match:
            section = match.group(2).strip()
        chunks.append(Chunk(id=chunk_id(source, "", para), text=para,
                            metadata={"source": source, "section": section}))
    return chunks
