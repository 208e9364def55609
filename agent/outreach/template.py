"""Slot templates for the request: every sentence can be built from the user's facts alone.

The model may rephrase one slot; when its text fails a rule, the sentence from here is used. The
fixed wording lives in `FIXED_TEXT` so the grounding check knows which words are ours.
"""

from __future__ import annotations

import re

from agent.outreach.rules import LINKEDIN_CHAR_LIMIT
from agent.outreach.state import OutreachRequest
from agent.text.checks import greeting_name
from agent.text.grammar import with_article
from agent.text.job_talk import JOB_WORDS
from agent.text.person import bio_sentences, path_sentences, second_person
from agent.text.roles import field_for, role_phrase
from agent.text.words import sentences, word_count

NAME_PLACEHOLDER = "[your name]"

CLAUSE_VERBS = re.compile(
    r"\b(suggested|recommended|referred|mentioned|told|met|read|saw|heard|studied|graduated|"
    r"attended|worked|work|both|am|are|was|were|follow|enjoyed|loved|noticed|found)\b",
    re.IGNORECASE,
)
REFERRER = re.compile(
    r"(?i:referred by|recommended by|suggested by|introduced by|via)\s+"
    r"(?P<a>[A-ZÀ-Ý][\w'’\-]+(?:\s+[A-ZÀ-Ý][\w'’\-]+){0,2})"
    r"|^(?P<b>[A-ZÀ-Ý][\w'’\-]+(?:\s+[A-ZÀ-Ý][\w'’\-]+)?)\s+(?:suggested|recommended|referred)",
)
SCHOOL = re.compile(
    r"\b(?:alum(?:na|nus|ni)?|graduates?|studied|went|classmates?)\b.*?\b(?:of|at|from)\s+"
    r"(?:the\s+)?(?P<school>[A-ZÀ-Ý][\w&'’\-]*(?:\s+(?:of\s+)?[A-ZÀ-Ý][\w&'’\-]*){0,4})"
    r"|\bfellow\s+(?P<school2>[A-ZÀ-Ý][\w&'’\-]*(?:\s+[A-ZÀ-Ý][\w&'’\-]*){0,3})\s+(?:alum|grad)",
)

FIXED_TEXT = [
    "Hi", "Thank you for considering it", "Best wishes", "I'm exploring", "I'm interested in",
    "I'd like to", "your name",
    "and would value hearing how you approach your work as", "a", "an",
    "Would you have minutes for a phone or video call in the coming weeks?",
    "I'm happy to fit around your schedule.", "We share a connection through",
    "suggested I reach out to you", "Learning about", "Referred by", "Fellow", "alum exploring",
    "exploring", "A little about me", "your perspective", "would", "value", "minutes",
    "whenever suits you", "Thank you", "the path into", "work", "as", "I", "I'm", "my",
    # Wishes and curiosity are not claims about the user's background.
    "learn learning love hear hearing hope curious keen eager excited interested interest",
    "appreciate grateful perspective insight insights advice field career explore understand",
    "journey ask question questions conversation chat talk grateful chance time thoughts",
]


def first_name(full: str) -> str:
    return greeting_name(full)


def strip_job_clauses(text: str | None) -> str:
    """Drop the clauses of user text that would put job words into the request."""
    if not text:
        return ""
    kept = []
    for sentence in sentences(text):
        clauses = re.split(r"(?<=[,;])\s+|\s+(?:and|but)\s+(?=(?:I|I'm|looking|seeking|hoping))",
                           sentence)
        good = [c.strip(" ,;") for c in clauses if c.strip(" ,;") and not JOB_WORDS.search(c)]
        if good:
            kept.append(", ".join(good).rstrip(".!?") + ".")
    return " ".join(kept)


def _sentence(text: str) -> str:
    text = text.strip().rstrip(".!?;,")
    return text[:1].upper() + text[1:] + "." if text else ""


def connection_sentence(connection: str | None) -> str:
    if not connection:
        return ""
    lead = re.match(r"(?i)\s*(?:referred|recommended|suggested|introduced) by\s+(.+)", connection)
    if lead:
        who = lead.group(1).strip().rstrip(".")
        who = f"{who}," if "," in who else who
        return f"{who[0].upper()}{who[1:]} suggested I reach out to you."
    if CLAUSE_VERBS.search(connection) or re.match(r"(?i)(i|we|you)\b", connection):
        return _sentence(connection)
    return f"We share a connection through {connection.rstrip('.')}."


def about_sentence(about_me: str | None, max_words: int = 24) -> str:
    text = strip_job_clauses(about_me)
    if not text:
        return ""
    first = sentences(text)[0]
    tokens = first.split()
    if len(tokens) > max_words:
        first = " ".join(tokens[:max_words]).rstrip(",;:") + "."
    if re.match(r"(?i)(i|i'm|i am|i've|my)\b", first):
        return _sentence(first)
    if re.match(r"(?i)(a|an)\b", first):
        return _sentence(f"I'm {first[0].lower()}{first[1:]}")
    return _sentence(f"A little about me: {first[0].lower()}{first[1:]}")


BASE_VERB = re.compile(
    r"(?i)^(learn|understand|hear|find out|figure out|explore|see|know|get|discover|compare|decide|"
    r"test|check|ask|talk|move|switch|transition|break|become|build|start|return|pivot|change|enter)\b"
)
FIRST_PERSON_GOAL = re.compile(r"(?i)^(i|i'm|i am|i'd|i've|my)\b")


def _lower_first(text: str) -> str:
    first = text.split(" ", 1)[0]
    keep = len(first) > 1 and (first.isupper() or first[1:2].isupper())
    return text if keep else text[:1].lower() + text[1:]


def interest_sentence(request: OutreachRequest) -> str:
    """What the user wants to learn, in a frame that fits the words they typed: a verb goal after
    "I'd like to", an -ing goal after "I'm interested in", a topic after "I'm exploring"."""
    goal = strip_job_clauses(request.goal).rstrip(".").strip()
    tail = f"how you approach your work as {with_article(role_phrase(request.contact_role))}"
    if not goal:
        return f"I'm exploring {field_for(request.contact_role)} and would value hearing {tail}."
    if FIRST_PERSON_GOAL.match(goal):
        return f"{goal[:1].upper()}{goal[1:]}, and I would value hearing {tail}."
    topic = re.sub(r"(?i)^to\s+", "", _lower_first(goal))
    if re.match(r"(?i)(more )?about\b", topic):
        topic = f"learn {topic}"
    if BASE_VERB.match(topic):
        return f"I'd like to {topic}, and I would value hearing {tail}."
    if re.match(r"(?i)^\w+ing\b", topic):
        return f"I'm interested in {topic} and would value hearing {tail}."
    return f"I'm exploring {topic} and would value hearing {tail}."


def subject_line(request: OutreachRequest) -> str:
    topic = field_for(request.contact_role)
    if request.connection:
        ref = REFERRER.search(request.connection)
        if ref:
            return f"Referred by {ref.group('a') or ref.group('b')}"
        school = SCHOOL.search(request.connection)
        if school:
            name = (school.group("school") or school.group("school2")).strip()
            return f"Fellow {name} alum exploring {topic}"
    return f"Learning about {topic}"


def ask_sentence(minutes: int) -> str:
    return (f"Would you have {minutes} minutes for a phone or video call in the coming weeks? "
            "I'm happy to fit around your schedule.")


HOMEWORK_MAX_WORDS = 22


def homework_sentence(request: OutreachRequest) -> str:
    """One line that shows the user read about the contact, made by rule from their bio (its first
    sentence about the person's path, else about their work) and never from anything else."""
    if not request.bio:
        return ""
    name = request.contact_name
    said = path_sentences(request.bio, name, limit=1)
    if not said:
        said = [s for s in (second_person(x, name) for x in bio_sentences(request.bio)[:4]) if s]
    said = [s for s in said if len(s.split()) <= HOMEWORK_MAX_WORDS - 4]
    return f"I read that {said[0]}." if said else ""


def template_slots(request: OutreachRequest) -> dict[str, str]:
    return {
        "greeting": f"Hi {first_name(request.contact_name)},",
        "connection": connection_sentence(request.connection),
        "homework": homework_sentence(request),
        "about": about_sentence(request.about_me),
        "interest": interest_sentence(request),
        "ask": ask_sentence(request.minutes),
        "close": "Thank you for considering it,",
        "signature": request.my_name or NAME_PLACEHOLDER,
    }


def assemble_email(slots: dict[str, str]) -> str:
    first = " ".join(s for s in (slots["connection"], slots.get("homework", ""), slots["about"],
                                 slots["interest"]) if s)
    sign = slots["close"] + (f"\n{slots['signature']}" if slots.get("signature") else "")
    return f"{slots['greeting']}\n\n{first}\n\n{slots['ask']}\n\n{sign}"


def assemble_linkedin(slots: dict[str, str], request: OutreachRequest) -> str:
    """A note under 300 characters: drop the optional parts until it fits."""
    name = first_name(request.contact_name)
    ask = f"Would you have {request.minutes} minutes for a call, whenever suits you?"
    sign = f" {slots['signature']}" if slots.get("signature") else ""
    optional = [slots["connection"], slots.get("homework", ""), slots["about"], slots["interest"]]
    while True:
        body = " ".join(p for p in [f"Hi {name},", *optional, ask, f"Thank you!{sign}"] if p)
        if len(body) <= LINKEDIN_CHAR_LIMIT or not any(optional):
            return body
        # Keep the connection (it earns the reply) and the homework; shorten from the back.
        for index in (2, 3, 1, 0):
            if optional[index]:
                optional[index] = ""
                break


def shorten_for_limit(slots: dict[str, str], limit: int) -> dict[str, str]:
    """Trim the 'about' slot word by word until the email is under the limit."""
    slots = dict(slots)
    while word_count(assemble_email(slots)) >= limit and slots["about"]:
        tokens = slots["about"].rstrip(".").split()
        slots["about"] = " ".join(tokens[:-3]) + "." if len(tokens) > 6 else ""
    if word_count(assemble_email(slots)) >= limit:
        slots["homework"] = ""
    return slots
