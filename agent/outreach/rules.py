"""The written rules of an outreach request, each a check that reports pass/fail with a reason.

Sources: the 5-point email (Steve Dalton, as taught by SFU Career Services and Pomona), NIH OITE
on length, and the career-centre rule that a request never mentions jobs.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from agent.outreach.state import OutreachRequest
from agent.text.checks import (
    Check,
    check_about_them,
    check_contact_named,
    check_grounded,
    check_no_attachment,
    check_no_job_words,
    check_reads_well,
    check_signed,
)
from agent.text.job_talk import job_words
from agent.text.words import content_stems, sentences, word_count

EMAIL_WORD_LIMIT = 100
LINKEDIN_CHAR_LIMIT = 300
SUBJECT_WORD_LIMIT = 10

DURATION = re.compile(
    r"\b(\d{1,2})(?:\s*(?:-|–|to|or)\s*(\d{1,2}))?\s*(?:-\s*)?(?:min(?:ute)?s?)\b", re.IGNORECASE
)
NUMBER_WORDS = {"ten": 10, "fifteen": 15, "twenty": 20, "twenty-five": 25, "thirty": 30}
WORD_DURATION = re.compile(
    r"\b(ten|fifteen|twenty|twenty-five|thirty)\s*(?:-\s*)?minutes?\b", re.IGNORECASE
)
SIGN_OFF = re.compile(r"(?i)\s*(thank|thanks|best|regards|kind regards|warmly|sincerely|cheers)\b")


def durations(text: str) -> list[tuple[int, int]]:
    found = [
        (int(m.group(1)), int(m.group(2) or m.group(1))) for m in DURATION.finditer(text)
    ]
    found += [(NUMBER_WORDS[m.group(1).lower()],) * 2 for m in WORD_DURATION.finditer(text)]
    return found


def check_length(body: str, channel: str) -> Check:
    if channel == "linkedin":
        n = len(body)
        return Check(rule="length", passed=n <= LINKEDIN_CHAR_LIMIT,
                     detail=f"{n} characters (LinkedIn note limit {LINKEDIN_CHAR_LIMIT})")
    n = word_count(body)
    return Check(rule="length", passed=n < EMAIL_WORD_LIMIT,
                 detail=f"{n} words (must be under {EMAIL_WORD_LIMIT} to read on a phone)")


def check_time_ask(body: str) -> Check:
    spans = durations(body)
    ok = [s for s in spans if 10 <= s[0] <= s[1] <= 30]
    if ok:
        lo, hi = ok[0]
        label = f"{lo}" if lo == hi else f"{lo}–{hi}"
        return Check(rule="time_ask", passed=True, detail=f"asks for {label} minutes")
    return Check(rule="time_ask", passed=False, detail="no specific 10–30 minute request")


def check_connection_first(body: str, connection: str | None) -> Check:
    if not connection:
        return Check(rule="connection_first", passed=True, detail="no connection given")
    opening = " ".join(sentences(body)[:2])
    want = content_stems(connection)
    have = content_stems(opening)
    share = len(want & have) / max(1, len(want))
    return Check(rule="connection_first", passed=share >= 0.6,
                 detail="connection stated in the opening" if share >= 0.6
                 else "the connection is not in the first two sentences")


def check_subject(subject: str, channel: str) -> Check:
    if channel == "linkedin":
        return Check(rule="subject_line", passed=True, detail="LinkedIn notes have no subject")
    n = word_count(subject)
    ok = 2 <= n <= SUBJECT_WORD_LIMIT
    return Check(rule="subject_line", passed=ok,
                 detail=f"descriptive subject of {n} words" if ok
                 else f"subject has {n} words (want 2–{SUBJECT_WORD_LIMIT})")


def check_paragraphs(body: str, channel: str) -> Check:
    blocks = [b for b in re.split(r"\n\s*\n", body.strip()) if b.strip()]
    if blocks and blocks[0].rstrip().endswith(",") and word_count(blocks[0]) <= 6:
        blocks = blocks[1:]  # the greeting line
    if blocks and SIGN_OFF.match(blocks[-1]) and word_count(blocks[-1]) <= 12:
        blocks = blocks[:-1]  # the sign-off and name
    paras = blocks
    ok = len(paras) <= 2 or channel == "linkedin"
    return Check(rule="paragraphs", passed=ok, detail=f"{len(paras)} paragraph(s) (at most 2)")


def run_checks(
    subject: str, body: str, request: OutreachRequest, allowed_text: Iterable[str],
) -> list[Check]:
    return [
        check_length(body, request.channel),
        check_no_job_words(subject, body),
        check_time_ask(body),
        check_contact_named(body, request.contact_name),
        check_connection_first(body, request.connection),
        check_subject(subject, request.channel),
        check_paragraphs(body, request.channel),
        check_no_attachment(body),
        check_grounded(body, allowed_text),
        check_about_them(body, request.bio, allowed_text),
        check_signed(body),
        check_reads_well(subject, body),
    ]


def slot_problems(sentence: str, allowed_text: Iterable[str], similarity: float) -> list[str]:
    """Why a model-written 'interest' sentence cannot be used (empty list = usable).

    `similarity` is the cosine between the model's sentence and the template sentence, so a
    rephrasing that drifts away from the meaning (or echoes the prompt) is rejected.
    """
    problems = []
    n = word_count(sentence)
    if not 6 <= n <= 32:
        problems.append(f"{n} words (want 6–32)")
    if not re.search(r"\b(I|I'm|I'd|I've|my)\b", sentence):
        problems.append("not in the first person")
    if re.search(r"[:{}<>#*]|\b(facts?|role|sentence|json)\b", sentence, re.IGNORECASE):
        problems.append("echoes the instructions")
    if job_words(sentence):
        problems.append("mentions jobs")
    if not check_grounded(sentence, allowed_text).passed:
        problems.append("claims something you did not enter")
    if similarity < 0.5:
        problems.append(f"drifts from the intended meaning (similarity {similarity:.2f})")
    return problems
