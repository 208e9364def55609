"""The rules every draft to a contact follows (outreach and thank-you alike), each a check that
reports pass/fail with a reason the user can act on."""

from __future__ import annotations

import re
from collections.abc import Iterable

from pydantic import BaseModel, Field

from agent.text.grammar import grammar_problems
from agent.text.job_talk import job_words
from agent.text.words import content_stems, sentences


class Check(BaseModel):
    rule: str = Field(..., description="Short rule id, e.g. word_limit")
    passed: bool
    detail: str = Field("", description="Why it passed or failed, for the user")


FIRST_PERSON_CLAIM = re.compile(
    r"\b(i am|i'm|i have|i've|i worked|i work|i led|i built|i studied|i graduated|my)\b",
    re.IGNORECASE,
)


TITLE = re.compile(r"(?i)^(dr|prof|professor|mr|mrs|ms|mx)\.?$")


def greeting_name(full: str) -> str:
    """'Ana Ruiz' → 'Ana'; 'Dr. Priya Venkataraman-Shah' → 'Dr. Venkataraman-Shah'."""
    parts = full.split()
    if len(parts) > 1 and TITLE.match(parts[0]):
        title = parts[0] if parts[0].endswith(".") or len(parts[0]) > 3 else parts[0] + "."
        return f"{title} {parts[-1]}"
    return parts[0]


def check_no_job_words(subject: str, body: str) -> Check:
    hits = job_words(f"{subject}\n{body}")
    return Check(rule="no_job_words", passed=not hits,
                 detail=f"mentions {', '.join(hits)}" if hits else "no job, hiring or resume words")


def check_contact_named(body: str, contact_name: str) -> Check:
    first = greeting_name(contact_name)
    found = first.lower() in body.lower()
    return Check(rule="contact_named", passed=found,
                 detail=f"addresses {first}" if found else f"{first} is not named")


def check_no_attachment(body: str) -> Check:
    hit = re.search(r"\b(attach(?:ed|ment)?|enclosed)\b", body, re.IGNORECASE)
    return Check(rule="no_attachment", passed=hit is None,
                 detail="mentions an attachment" if hit else "nothing attached")


def check_grounded(body: str, allowed_text: Iterable[str]) -> Check:
    """Every claim about the user ('I am…', 'my…') must use words the user gave us."""
    allowed: set[str] = set()
    for text in allowed_text:
        allowed |= content_stems(text)
    novel: list[str] = []
    for sentence in sentences(body):
        if FIRST_PERSON_CLAIM.search(sentence):
            novel += [w for w in sorted(content_stems(sentence) - allowed) if not w.isdigit()]
    return Check(rule="grounded", passed=not novel,
                 detail="every claim about you comes from what you entered" if not novel
                 else f"claims not from your input: {', '.join(novel[:6])}")


NAME_PLACEHOLDER = "[your name]"


def check_signed(body: str) -> Check:
    """A draft is sent under the user's name; a visible placeholder means we did not know it."""
    if NAME_PLACEHOLDER in body:
        return Check(rule="signed", passed=False,
                     detail="no name under the sign-off: give your name (--my-name, or save it in "
                            "your profile) or replace [your name]")
    return Check(rule="signed", passed=True, detail="signed with your name")


def check_reads_well(subject: str, body: str) -> Check:
    """Every sentence built from slots reads as one sentence: right article, no repeated phrase."""
    problems = [p for text in (subject, *sentences(body)) for p in grammar_problems(text)]
    return Check(rule="reads_well", passed=not problems,
                 detail="every sentence reads as a sentence" if not problems else problems[0])


ABOUT_THEM = re.compile(
    r"(?i)\byou(?:'ve| have)? (?:\w+ly )?(joined|started|began|studied|graduated|moved|switched|"
    r"became|trained|led|built|wrote|presented|spoke|published|founded|ran|managed|spent|worked|"
    r"taught|won|launched)\b|\byour (talk|article|post|paper|book|podcast|move|switch|team|career)\b")


def check_about_them(body: str, bio: str | None, allowed_text: Iterable[str]) -> Check:
    """Anything the draft says the contact did must come from what the user knows about them: a
    homework line shows care only when it is true."""
    allowed = content_stems(bio or "")
    for text in allowed_text:
        allowed |= content_stems(text)
    novel: list[str] = []
    said = [s for s in sentences(body) if ABOUT_THEM.search(s)]
    for sentence in said:
        novel += [w for w in sorted(content_stems(sentence) - allowed) if not w.isdigit()]
    if novel:
        return Check(rule="about_them", passed=False,
                     detail=f"says things about them you did not give: {', '.join(novel[:6])}")
    detail = ("what it says about them comes from what you know about them" if said
              else "says nothing about them beyond their role")
    return Check(rule="about_them", passed=True, detail=detail)
