"""Interview notes cut into verbatim sentences, each with the heading of the list it sits under.

Evidence in a SWOT and the point of a thank-you note must be the user's own words, so nothing
here rewrites a sentence: list markers and surrounding space are stripped, and every sentence is a
substring of the notes. An HTML comment stays one sentence even across lines, so a hidden
instruction can be seen and dropped whole.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

BULLET = re.compile(r"^\s*(?:[-*•·–—>]+|\d{1,2}[.)]|[a-z][.)]|\[[ xX]?\])\s+")


HTML_COMMENT = re.compile(r"<!--.*?(?:-->|$)", re.DOTALL)


ABBREVIATIONS = {
    "dr", "mr", "mrs", "ms", "mx", "prof", "sr", "jr", "st", "vs", "etc", "e.g", "i.e", "approx",
    "dept", "inc", "ltd", "co", "corp", "no", "mt", "ft", "jan", "feb", "mar", "apr", "jun", "jul",
    "aug", "sep", "sept", "oct", "nov", "dec", "u.s", "u.k", "a.m", "p.m",
}


HEADING = re.compile(r"^[^.!?]{1,60}:$")


SENTENCE_BREAK = re.compile(r"(?<=[.!?…])[\"'”’)\]]*\s+(?=[\"'“‘(\[]?[A-Z0-9À-ÝĀ-ſ<])")


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
            parts = split_line(line)
            if len(parts) == 1 and HEADING.match(parts[0]):
                out.append(Sentence(parts[0], source, heading))
                heading = parts[0]
                previous_bulleted = False
                continue
            out.extend(Sentence(part, source, heading) for part in parts)
            previous_bulleted = bulleted
    return out


def split_line(line: str) -> list[str]:
    """The sentences of one line, verbatim (abbreviations such as "Dr." do not end one)."""
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
