"""Interview notes as data: reading them safely, cutting them into verbatim sentences, and
spotting text that tries to talk to the model instead of recording the conversation.

Evidence in a SWOT must be the user's own words, so `split_sentences` never rewrites a sentence:
it only strips list markers and surrounding space, and every sentence it returns is a substring
of the notes. Pasted notes may carry instructions aimed at a model (copied from a web page, or
planted); `looks_like_instruction` is the filter that keeps them out of classification and
prompts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from agent.errors import InputError
from agent.text.words import deleet, normalise

MAX_NOTE_BYTES = 200_000
MAX_NOTES = 10
MAX_SENTENCES = 1500

BULLET = re.compile(r"^\s*(?:[-*•·–—>]+|\d{1,2}[.)]|[a-z][.)]|\[[ xX]?\])\s+")
HTML_COMMENT = re.compile(r"<!--.*?(?:-->|$)", re.DOTALL)
ABBREVIATIONS = {
    "dr", "mr", "mrs", "ms", "mx", "prof", "sr", "jr", "st", "vs", "etc", "e.g", "i.e", "approx",
    "dept", "inc", "ltd", "co", "corp", "no", "mt", "ft", "jan", "feb", "mar", "apr", "jun", "jul",
    "aug", "sep", "sept", "oct", "nov", "dec", "u.s", "u.k", "a.m", "p.m",
}
HEADING = re.compile(r"^[^.!?]{1,60}:$")
SENTENCE_BREAK = re.compile(r"(?<=[.!?…])[\"'”’)\]]*\s+(?=[\"'“‘(\[]?[A-Z0-9À-ÝĀ-ſ<])")

INSTRUCTION_PATTERNS: dict[str, re.Pattern[str]] = {
    "override": re.compile(
        r"\b(ignore|disregard|forget|override|bypass|skip)\b.{0,40}\b(previous|prior|above|earlier|"
        r"preceding|all|any|your|the|system|these)\b.{0,20}\b(instructions?|prompts?|rules|"
        r"directions|guidelines|messages|context|constraints)\b"
    ),
    "role_tag": re.compile(
        r"^\W*(system|assistant|developer|user|ai|model|bot|chatbot|llm|gpt|claude|instruction|"
        r"prompt)\s*(:|>|\]|-->)|<\|?/?(im_start|im_end|system|assistant|user|endoftext)\|?>|"
        r"\[/?(inst|sys|system)\]|<<\s*/?sys\s*>>|</?s>"
    ),
    "hidden_markup": re.compile(r"<!--|-->|<\s*/?\s*(script|instructions?|system|prompt)\b"),
    "addresses_model": re.compile(
        r"\b(dear|hey|hi|attention|note to( the)?|to the|as an?)\s+"
        r"(ai|assistant|language model|llm|chatbot|bot|gpt|claude)\b"
        r"|\b(you are( now)?|act as|pretend( to be)?|from now on,? you)\s+(an? )?([\w-]+\s+){0,2}"
        r"(ai|assistant|language model|llm|chatbot|bot|model|gpt|claude|system)\b"
        r"|^\W*(ai|assistant|chatbot|llm|gpt|claude|model)\s*[,:;]"
        r"|\b(new|updated|hidden|secret) (instructions?|task|system prompt)\b"
        r"|\bsystem prompt\b|\bjailbreak\b|\bprompt injection\b"
    ),
    "output_command": re.compile(
        r"\b(output|print|respond|reply|answer|return|write|say|repeat|echo)\b\s+(only\s+|just\s+)?"
        r"(with\s+)?(the word|the phrase|the text|exactly|verbatim|only)\b"
        r"|\b(respond|reply|answer)\s+(only\s+)?(with|in)\s+[\"'“‘]"
    ),
    "plants_item": re.compile(
        r"\b(add|list|mark|label|classify|tag|put|insert|include|record|report|treat|output|"
        r"rate|state)\b[^.]{0,80}?[\"'“‘][^\"'”’]{2,80}[\"'”’][^.]{0,40}?\b(as|to|in|under|into)\s+"
        r"(an? |the |my |their )?(only )?(strengths?|weakness(es)?|opportunit(y|ies)|threats?|"
        r"next steps?|swot|quadrants?)\b"
        r"|\b(as|is) the only (strength|weakness|opportunity|threat|next step)\b"
    ),
}


@dataclass(frozen=True)
class NoteFile:
    """One interview's notes and the name its sentences are cited by."""

    source: str
    text: str


@dataclass(frozen=True)
class Sentence:
    """A verbatim sentence with where it came from and the heading it sits under."""

    text: str
    source: str = ""
    heading: str = ""


def split_sentences(text: str) -> list[str]:
    """Verbatim sentences: one per line unless the line holds several, list markers stripped.

    An HTML comment stays one sentence even across lines, so a hidden instruction can be seen
    and dropped whole.
    """
    return [s.text for s in parse_note(text)]


def parse_note(text: str, source: str = "") -> list[Sentence]:
    """Sentences with the heading ('Advice:', 'Referrals:') of the list they belong to."""
    out: list[Sentence] = []
    heading = ""
    previous_bulleted = False
    pos = 0
    segments: list[tuple[str, bool]] = []
    for comment in HTML_COMMENT.finditer(text):
        segments.append((text[pos:comment.start()], False))
        segments.append((comment.group(0), True))
        pos = comment.end()
    segments.append((text[pos:], False))
    for segment, is_comment in segments:
        if is_comment:
            if segment.strip():
                out.append(Sentence(segment.strip(), source, heading))
            continue
        for raw_line in segment.splitlines():
            bulleted = bool(BULLET.match(raw_line))
            line = BULLET.sub("", raw_line, count=1).strip()
            if not line:
                heading, previous_bulleted = "", False
                continue
            if previous_bulleted and not bulleted:
                heading = ""
            parts = _split_line(line)
            if len(parts) == 1 and HEADING.match(parts[0]):
                out.append(Sentence(parts[0], source, heading))
                heading = parts[0]
                previous_bulleted = False
                continue
            out.extend(Sentence(part, source, heading) for part in parts)
            previous_bulleted = bulleted
    return out


def _split_line(line: str) -> list[str]:
    found: list[str] = []
    start = 0
    for match in SENTENCE_BREAK.finditer(line):
        before = line[start:match.start()].rstrip("\"'”’)]")
        last_word = before.rsplit(None, 1)[-1].rstrip(".").lower() if before.split() else ""
        if last_word in ABBREVIATIONS or re.fullmatch(r"[a-z]", last_word):
            continue
        found.append(line[start:match.start()].strip())
        start = match.end()
    found.append(line[start:].strip())
    return [s for s in found if re.search(r"\w", s)]


def instruction_reason(sentence: str) -> str | None:
    """Which injection pattern a sentence trips, or None for an ordinary note."""
    folded = deleet(normalise(sentence))
    plain = normalise(sentence)
    for name, pattern in INSTRUCTION_PATTERNS.items():
        if pattern.search(folded) or pattern.search(plain):
            return name
    return None


def looks_like_instruction(sentence: str) -> bool:
    """True when the sentence addresses a model rather than recording the conversation."""
    return instruction_reason(sentence) is not None


def decode_note(data: bytes, name: str) -> str:
    """Bytes of one notes file → text; binary, non-UTF-8, oversize or empty is an InputError."""
    if len(data) > MAX_NOTE_BYTES:
        raise InputError(f"{name} is over the {MAX_NOTE_BYTES // 1000} KB limit for one interview's notes")
    if b"\x00" in data[:8192]:
        raise InputError(f"{name} looks binary, not text notes")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(f"{name} is not UTF-8 text") from exc
    if not re.search(r"\w", text):
        raise InputError(f"{name} is empty")
    return text


def read_note_files(paths: list[str]) -> list[NoteFile]:
    """Read every file before any work starts, so one bad file stops the run with nothing done."""
    if not paths:
        raise InputError("give at least one notes file")
    if len(paths) > MAX_NOTES:
        raise InputError(f"at most {MAX_NOTES} notes files at once (got {len(paths)})")
    notes: list[NoteFile] = []
    for raw in paths:
        path = Path(raw).expanduser()
        if not path.exists():
            raise InputError(f"no such notes file: {raw}")
        if not path.is_file():
            raise InputError(f"not a file: {raw}")
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise InputError(f"cannot read {raw}: {exc.strerror or exc}") from exc
        notes.append(NoteFile(source=path.name, text=decode_note(data, path.name)))
    return unique_sources(notes)


def unique_sources(notes: list[NoteFile]) -> list[NoteFile]:
    """Two files with the same name from different folders still need distinct citations."""
    seen: dict[str, int] = {}
    out = []
    for note in notes:
        count = seen.get(note.source, 0) + 1
        seen[note.source] = count
        out.append(note if count == 1 else NoteFile(f"{note.source} ({count})", note.text))
    return out


def check_pasted(texts: list[str], labels: list[str] | None = None) -> list[NoteFile]:
    """Pasted interviews from the UI, validated with the same limits as files."""
    labels = labels or [f"Interview {i}" for i in range(1, len(texts) + 1)]
    notes = [NoteFile(label, text) for label, text in zip(labels, texts, strict=True) if text.strip()]
    if not notes:
        raise InputError("paste the notes of at least one interview")
    if len(notes) > MAX_NOTES:
        raise InputError(f"at most {MAX_NOTES} interviews at once (got {len(notes)})")
    for note in notes:
        if len(note.text.encode("utf-8")) > MAX_NOTE_BYTES:
            raise InputError(f"{note.source} is over the {MAX_NOTE_BYTES // 1000} KB limit")
        if "\x00" in note.text:
            raise InputError(f"{note.source} contains binary data")
    return unique_sources(notes)
