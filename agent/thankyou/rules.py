"""The written rules of a thank-you note, each a check that reports pass/fail with a reason.

Sources: Yale Office of Career Strategy and OSU (within 24 hours; name what you learned), RCEL and
Princeton (short, one note per person, never a group message), the open textbook *Job Searching
in Six Steps* (no résumé unless asked) and the career-centre rule that these notes never ask for a
job. Job words, attachments, names and grounding reuse the outreach checks.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from agent.text.checks import (
    Check,
    check_contact_named,
    check_grounded,
    check_no_attachment,
    check_no_job_words,
    check_reads_well,
    check_signed,
)
from agent.text.job_talk import job_words
from agent.text.words import content_stems, normalise, sentences, word_count, words
from agent.thankyou.point import is_instruction, point_keywords
from agent.thankyou.state import Point

THANK_YOU_WORD_LIMIT = 150
POINT_COVERAGE = 0.6
JOB_ASK = re.compile(
    r"\b(keep me in mind|any (?:open )?roles?|opportunit(?:y|ies) (?:on|at|in|with) your|"
    r"pass (?:along|on) my|put in a (?:good )?word|hire me|work (?:for|with) you|join your team|"
    r"let me know if (?:anything|something) (?:opens|comes up)|(?:a|any) vacancy)\b", re.I)
RESUME = re.compile(r"\b(r[ée]sum[ée]s?|resumes?|cv|curriculum vitae|portfolio link attached)\b", re.I)
GROUP_GREETING = re.compile(
    r"^\s*(?:hi|hello|hey|dear|good (?:morning|afternoon))\s+(?:all|everyone|everybody|team|folks|"
    r"both|y'all|you all|guys|panel|colleagues)\b|\b(?:all of you|each of you|everyone)\b", re.I)
PLAN_PHRASE = re.compile(
    r"\b(?:I'll|I will|I'm going to|I am going to|I plan to|I'm planning to|I intend to|I'm starting|"
    r"I'm signing up|I've (?:already )?(?:signed up|started|registered|enrolled|booked|joined))\b", re.I)
REFERS_BACK = re.compile(r"\b(it|that|this|them|your (?:advice|tip|suggestion|point))\b", re.I)


def check_length(body: str) -> Check:
    n = word_count(body)
    return Check(rule="length", passed=n < THANK_YOU_WORD_LIMIT,
                 detail=f"{n} words (keep it under {THANK_YOU_WORD_LIMIT}: it should read in a minute)")


def check_specific_point(body: str, point: Point | None) -> Check:
    if point is None:
        return Check(rule="specific_point", passed=False,
                     detail="no specific point found in the notes: add a line with their advice")
    want = point_keywords(point.clause)
    have = content_stems(body)
    share = len(want & have) / max(1, len(want))
    ok = share >= POINT_COVERAGE
    return Check(rule="specific_point", passed=ok,
                 detail=f"names their point: “{point.sentence}”" if ok
                 else f"only {share:.0%} of the point's key words appear (“{point.sentence}”)")


def check_use_stated(body: str, point: Point | None) -> Check:
    """A first-person plan that refers to the point (by its words or by 'it' / 'that')."""
    want = point_keywords(point.clause) if point else set()
    for sentence in sentences(body):
        if PLAN_PHRASE.search(sentence) and (want & content_stems(sentence) or REFERS_BACK.search(sentence)):
            return Check(rule="use_stated", passed=True, detail="says how you will use it")
    return Check(rule="use_stated", passed=False, detail="does not say how you will use their point")


def check_no_resume(subject: str, body: str) -> Check:
    attached = check_no_attachment(body)
    hit = RESUME.search(normalise(f"{subject}\n{body}"))
    ok = attached.passed and hit is None
    return Check(rule="no_resume", passed=ok,
                 detail="no résumé or attachment" if ok
                 else f"mentions {hit.group(0) if hit else 'an attachment'}")


def check_no_job_ask(subject: str, body: str) -> Check:
    words_check = check_no_job_words(subject, body)
    hit = JOB_ASK.search(normalise(f"{subject}\n{body}"))
    ok = words_check.passed and hit is None
    detail = "no job request" if ok else (
        f"asks about work: “{hit.group(0)}”" if hit else words_check.detail)
    return Check(rule="no_job_ask", passed=ok, detail=detail)


def check_individual(body: str, contact_name: str) -> Check:
    opening = body.strip().splitlines()[0] if body.strip() else ""
    group = GROUP_GREETING.search(opening) or GROUP_GREETING.search(body)
    ok = group is None
    return Check(rule="individual", passed=ok,
                 detail=f"written to {contact_name.split()[0]} alone" if ok
                 else f"reads as a group note (“{group.group(0).strip()}”)" if group else "")


def check_no_instructions(body: str) -> Check:
    """Nothing that talks to a model (pasted into the notes) made it into the note."""
    bad = [s for s in sentences(body) if is_instruction(s)]
    return Check(rule="no_injected_text", passed=not bad,
                 detail="no instructions from the notes" if not bad
                 else f"contains text aimed at a model: “{bad[0][:60]}”")


def run_checks(subject: str, body: str, contact_name: str, point: Point | None,
               allowed_text: Iterable[str]) -> list[Check]:
    return [
        check_length(body),
        check_contact_named(body, contact_name),
        check_specific_point(body, point),
        check_use_stated(body, point),
        check_no_resume(subject, body),
        check_no_job_ask(subject, body),
        check_individual(body, contact_name),
        check_grounded(body, allowed_text),
        check_no_instructions(body),
        check_signed(body),
        check_reads_well(subject, body),
    ]


def point_slot_problems(sentence: str, point: Point, allowed_text: Iterable[str],
                        similarity: float) -> list[str]:
    """Why a model-written 'point' sentence cannot be used (empty list = usable).

    It must keep the point's key words, add no content words of its own, speak to the contact
    as 'you', and stay close in meaning to the template sentence.
    """
    problems = []
    n = word_count(sentence)
    if not 6 <= n <= 45:
        problems.append(f"{n} words (want 6–45)")
    want = point_keywords(point.clause)
    share = len(want & content_stems(sentence)) / max(1, len(want))
    if share < 0.7:
        problems.append(f"keeps only {share:.0%} of the point's key words")
    allowed: set[str] = set()
    for text in allowed_text:
        allowed |= content_stems(text)
    novel = sorted(content_stems(sentence) - allowed - content_stems(point.sentence))
    novel = [w for w in novel if not w.isdigit()]
    if novel:
        problems.append(f"adds words not in the notes: {', '.join(novel[:5])}")
    if not re.search(r"\b(you|your)\b", sentence, re.I):
        problems.append("does not speak to the contact as 'you'")
    if re.search(r"\b(she|he|him|her|his)\b", sentence, re.I):
        problems.append("talks about the contact in the third person")
    if re.search(r"[{}<>#*:]|\b(json|sentence|notes?)\b", sentence, re.I):
        problems.append("echoes the instructions")
    if job_words(sentence):
        problems.append("mentions jobs")
    if is_instruction(sentence):
        problems.append("looks like an instruction")
    if not check_grounded(sentence, [*allowed_text, point.sentence]).passed:
        problems.append("claims something about you that is not in the notes")
    if similarity < 0.6:
        problems.append(f"drifts from the intended meaning (similarity {similarity:.2f})")
    if len(words(sentence)) and sentence.count('"') % 2:
        problems.append("unbalanced quotes")
    return problems
