"""Chunking: structure-aware for markdown, sentence windows for plain text.

Markdown (the built-in knowledge, a user's .md notes): a heading stays with its text and a list
with its lead-in. Naive paragraph splits separate "Ask for a short time:" from the bullet list
that answers it, and drop the heading that says what a paragraph is about; here every chunk
carries its document title and section heading, and blocks are packed whole up to a size budget.

Plain text (.txt, often pasted from a web page or a PDF, usually without real headings): sections
are still cut at heading-like lines (a short line under a "…:" lead-in or above another bare line
is a list item, not a heading), but inside a section the text is cut into overlapping windows of
whole sentences, ~60-120 words, each window repeating the last sentence or two of the one before,
so a passage that falls on a window edge is whole in one of them. The sizes were chosen on the dev
half of evals/datasets/user_docs (see README, Evals).
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
# Bump when chunking changes: the ingest manifest keys files by it, so they are cut again.
CHUNKER_VERSION = 2
WINDOW_MIN_WORDS = 60
WINDOW_MAX_WORDS = 120
OVERLAP_WORDS = 30
OVERLAP_SENTENCES = 2
SENTENCE_END = re.compile(r"(?:(?<=[.!?…])|(?<=[.!?…][\"'”’)\]]))\s+(?=[\"'“‘(\[]?[A-Z0-9])")
TERMINAL = (".", "!", "?", "…", ":", ";", '"', "”", "’", ")")


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


def _is_list_line(lines: list[str], i: int) -> bool:
    """A short unpunctuated line that opens a list, not a heading: it follows a lead-in ending in
    ':' (a blank line between is common in pasted text), or the line right under it is as bare."""
    before = next((ln for ln in reversed(lines[:i]) if ln.strip()), "")
    after = lines[i + 1] if i + 1 < len(lines) else ""
    return before.rstrip().endswith(":") or (
        bool(after.strip()) and _looks_like_heading(after, after) and not HEADING.match(after)
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
            if prev_blank and not _is_list_line(source_lines, i):
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


@dataclass(frozen=True)
class _Unit:
    """One sentence (or list line) and what separated it from the previous unit in the source."""

    text: str
    sep: str
    words: int


def _lines_to_units(paragraph: str, first_sep: str) -> list[_Unit]:
    """Sentences of one paragraph; list lines stay lines, hard-wrapped lines are rejoined."""
    lines: list[str] = []
    for raw in paragraph.splitlines():
        line = raw.strip()
        if not line:
            continue
        wrapped = (lines and len(lines[-1]) > 50 and not lines[-1].endswith(TERMINAL)
                   and not LIST_ITEM.match(line))
        if wrapped:
            lines[-1] = f"{lines[-1]} {line}"
        else:
            lines.append(line)
    units: list[_Unit] = []
    for line_no, line in enumerate(lines):
        for i, sentence in enumerate(SENTENCE_END.split(line)):
            sentence = sentence.strip()
            if not sentence:
                continue
            sep = " " if i else ("\n" if line_no else first_sep)
            words = sentence.split()
            for start in range(0, len(words), WINDOW_MAX_WORDS):
                piece = words[start:start + WINDOW_MAX_WORDS]
                units.append(_Unit(" ".join(piece), sep if start == 0 else " ", len(piece)))
    return units


def sentence_units(blocks: list[str]) -> list[_Unit]:
    """The sentences of a section's blocks, in order, remembering paragraph and line breaks."""
    units: list[_Unit] = []
    for block in blocks:
        units += _lines_to_units(block, "\n\n")
    return units


def _join(units: list[_Unit]) -> str:
    return "".join((u.sep if i else "") + u.text for i, u in enumerate(units))


def sentence_windows(
    blocks: list[str], *, min_words: int = WINDOW_MIN_WORDS, max_words: int = WINDOW_MAX_WORDS,
    overlap_words: int = OVERLAP_WORDS, overlap_sentences: int = OVERLAP_SENTENCES,
) -> list[str]:
    """Windows of whole sentences, `min_words`..`max_words` long, ending at a paragraph end if one comes.

    A window takes sentences until the next would pass `max_words`, and stops early at the
    first paragraph end once it holds `min_words`. Each window after the first starts with the
    last one or two sentences of the one before (at most `overlap_words` words), so a passage on
    the edge is whole in one of them. A short tail (under half of `min_words`) is folded into the
    last window (up to `max_words + min_words // 2`) rather than left as a scrap. A sentence
    longer than `max_words` was already cut into `max_words` pieces.
    """
    units = sentence_units(blocks)
    windows: list[str] = []
    start = 0
    while start < len(units):
        end, words = start, 0
        while end < len(units) and (end == start or words + units[end].words <= max_words):
            words += units[end].words
            end += 1
            if words >= min_words and end < len(units) and units[end].sep == "\n\n":
                break
        rest = sum(u.words for u in units[end:])
        if rest and rest < min_words // 2 and words + rest <= max_words + min_words // 2:
            end = len(units)
        windows.append(_join(units[start:end]))
        if end >= len(units):
            break
        back, carried = end, 0
        while (back - 1 > start and end - back < overlap_sentences
               and carried + units[back - 1].words <= overlap_words):
            back -= 1
            carried += units[back].words
        start = back
    return windows


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
        bodies = sentence_windows(section.blocks) if plain_text else _pack(section.blocks, max_chars)
        for position, body_part in enumerate(bodies):
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
