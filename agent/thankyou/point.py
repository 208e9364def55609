"""Choosing the one thing the contact said that the thank-you note will name, and turning it to
address them ("She recommended I learn Procore" → "your advice to learn Procore").

A thank-you note earns its keep by naming a specific point and how you will use it (Yale; RCEL).
Candidates are the sentences of the notes that record the contact's advice or an insight about the
field; sentences that talk to a model instead of recording the conversation are never candidates,
nor are introductions, logistics, job talk or feedback about the user. When the note-sentence
classifier of the SWOT workflow is available it ranks the candidates; otherwise sharp cues do.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from agent.text.injection import looks_like_instruction
from agent.text.job_talk import JOB_TALK, job_words
from agent.text.notes import HTML_COMMENT, parse_note
from agent.text.words import content_stems, stem, words
from agent.thankyou.state import Point

LEADING_FILLER = re.compile(r"^(?:also|and|then|plus|maybe|definitely|first|next)\s*,?\s+", re.I)

ADVICE_HEADING = re.compile(r"\b(advice|advised|recommend\w*|suggest\w*|tips?|ideas?)\b", re.I)
PLAN_HEADING = re.compile(r"\b(next steps?|to[- ]?do|action items?|plans?|follow[- ]?ups?)\b", re.I)
ME_HEADING = re.compile(
    r"\b(me|my|myself|strengths?|weak\w*|gaps?|liked|flagged|feedback|what i (bring|lack))\b", re.I)

ADVICE_LEADS = [
    re.compile(r"^(?:(?:she|he|they|[A-Z][\w'’-]+(?:\s+[A-Z][\w'’-]+)?)\s+)?(?:also\s+)?(?:strongly\s+)?(?:recommended|suggested|advised|"
               r"urged|encouraged|told|wants|wanted|pushed)\s+(?:that\s+)?(?:I|me)\s+(?:to\s+|should\s+)?"
               r"(?P<vp>.+)$", re.I),
    re.compile(r"^(?:she|he|they)\s+(?:also\s+)?(?:said|says)\s+(?:that\s+)?(?:I\s+should\s+|to\s+)"
               r"(?P<vp>.+)$", re.I),
    re.compile(r"^(?:she|he|they)\s+(?:thinks?|feels?|believes?)\s+(?:that\s+)?I\s+(?:should|ought to|"
               r"need to)\s+(?P<vp>.+)$", re.I),
    re.compile(r"^(?:her|his|their)\s+(?:advice|tip|suggestion|recommendation)\s*(?::|was to|is to|"
               r"was that I|to)\s+(?P<vp>.+)$", re.I),
]
INSIGHT_LEAD = re.compile(
    r"^(?:she|he|they)\s+(?:also\s+)?(?:said|says|thinks|mentioned|explained|noted|pointed out|warned|"
    r"stressed|emphasi[sz]ed|told me)\s+(?:that\s+)?(?P<clause>.+)$", re.I)
PLAN_LEAD = re.compile(
    r"^(?:so\s+)?I(?:'ll|\s+will|\s+should|\s+need to|\s+plan to|'m going to|\s+am going to|"
    r"\s+want to|\s+must)\s+(?P<vp>.+)$", re.I)
IMPERATIVE_VERBS = frozenset("""
    build volunteer learn take join read write attend get contribute rewrite run look use do start
    pick try ask offer shadow bring practise practice study watch listen follow sign register find
    focus keep put create make go visit check prepare pitch consider enrol enroll complete finish redo
""".split())

EXCLUDE = re.compile(
    r"\bthank|\bintroduc|\bintros?\b(?!\s+(?:\w+\s+)?(?:course|class|workshop|level|session))|"
    r"\bconnect (?:me|us)\b|\bconnect with\b|\brefer|\bpass (?:on |along )?"
    r"my name|\buse (?:his|her|their|\w+'s) name\b|\bmention (?:his|her|their) name\b|"
    r"\b(?:talk|speak|reach out|write|reply|get in touch|check back|check in)\s+(?:to|with|in with)\b|"
    r"\b(?:email|e-mail|message|call|contact|send|text|ask)\s+(?:her|him|them)\b|\bwatch for\b|"
    r"\b(?:to|for|with) (?:him|her|them)\b|\b\d+\s*(?:min|mins|minutes)\b",
    re.I,
)
# The line that says who the notes are about ("Chat with Ines Duarte, 3 June", "Coffee w/ Sam —
# planner at Elm") records the meeting, not anything the contact said.
MEETING_HEADER = re.compile(
    r"^(?:(?:my |our )?(?:informational |info )?(?:interview|call|chat|coffee|meeting|conversation|"
    r"zoom|video call|phone call|lunch|talk|notes?|debrief)(?: notes?)?(?: from| on| of)?(?: (?:the|my) \w+)?"
    r"\s+(?:with|w/|w\.)\s)", re.I)
# Prefixes of note-taking styles that are not part of what was said: "Q:", "A:", "10:08 –".
SPEAKER_PREFIX = re.compile(r"^(?:[QA]\s*[:.)\-–—]|\d{1,2}[:.]\d{2}\s*(?:am|pm)?\s*[-–—:]?)\s*", re.I)
# Applying to a course or a degree is study, not a job: the point may mention it.
STUDY_APPLICATION = re.compile(
    r"\b(?:apply|applying|applied|application)\b[^.]{0,40}\b(?:school|programmes?|programs?|courses?|"
    r"master'?s|graduate|grad|universit(?:y|ies)|college|degree|mba|phd|scholarships?|fellowships?|"
    r"grants?|certificat(?:e|ion)s?|bootcamps?|residenc(?:y|ies)|apprenticeships?)\b", re.I)
FEEDBACK_ON_ME = re.compile(
    r"\b(?:I|I'm|I've|I'd)\s+(?:don't|do not|can't|cannot|haven't|have never|never|got|get|am not|"
    r"only|still|already|was)\b|\bmy\b.*\b(?:is|are|was|were|reads?|counts?|means?|shows?)\b|"
    r"\b(?:liked|likes|thinks I|said I|says I|thought I)\b", re.I)
OPPORTUNITY_CUES = re.compile(
    r"\b(grow\w*|demand|expand\w*|adding|keeps? opening|opening up|invest\w*|shortage|desperate|"
    r"need(?:s|ed)? more|more \w+ (?:than|projects)|values?|valued|hires on|looking for|in demand|"
    r"isn't needed|not needed|matters?|still need)\b", re.I)
THREAT_CUES = re.compile(
    r"\b(shrink\w*|cuts?|cutting|layoffs?|laid off|clos\w+|low|slow\w*|burn\w*|hostile|stress\w*|"
    r"freez\w*|fierce|crowded|rare\w*|drag|pressure|debt|declin\w*|dropp\w*|outsourc\w*|modest|"
    r"hard|hardest|downside|warn\w*|criticism)\b", re.I)
NAMED_PERSON = re.compile(
    r"\b(?:[Cc]ontact|[Ee]-?mail|[Mm]essage|[Cc]all|[Tt]alk to|[Ss]peak to|[Rr]each out to|[Mm]eet(?: with)?|"
    r"[Ff]ollow up with|[Aa]sk)\s+[A-Z][a-z]")
VAGUE_REFERENCE = re.compile(r"\b(it|them|this|that|these|those)$|\bto (?:build|do|use|make) it\b", re.I)
THIRD_PERSON = re.compile(r"\b(she|he|him|her|his|hers|she's|he's|she'll|he'll)\b", re.I)
YOU_VERBS = re.compile(r"\b(?:she|he|they)\s+(mentioned|recommended|suggested|described|used|uses|"
                       r"use|told me about|showed me)\b", re.I)
POSSESSIVE = re.compile(r"\b(?:her|his)\s+(?=(?:old\s+|own\s+|current\s+|former\s+)?[a-z])", re.I)
THANK_TOPIC = re.compile(
    r"thank[- ]?you\b.*?\b(?:mention(?:ing)?|about|note about|with a note about|and mention)\s+"
    r"(?:the\s+|her\s+|his\s+|my\s+)?(?P<topic>[\w' -]{2,40}?)(?:\s+(?:tip|advice|idea|point)|[.,;]|$)",
    re.I)
TIMEFRAME = re.compile(r"\b(this|next) (week|month|summer|spring|fall|autumn|winter|year)\b|\btoday\b|"
                       r"\btonight\b|\bby (monday|tuesday|wednesday|thursday|friday)\b", re.I)
GENERIC_STEMS = frozenset(stem(w) for w in """
    said says think thinks really also told recommended suggested advised mentioned point advice
    she he her his they them something thing things lot way get got make made
""".split())
ADVICE_LABELS = ("next_step", "opportunity")
ACTED_ON_BONUS = 1.0

Classifier = Callable[[Sequence[str]], "Sequence[tuple[str, float]] | None"]


@dataclass
class Candidate:
    sentence: str
    heading: str
    index: int


def is_instruction(sentence: str) -> bool:
    """True for text aimed at a model rather than recording the conversation."""
    return looks_like_instruction(sentence)


def note_sentences(notes: str) -> list[Candidate]:
    """Verbatim sentences with the heading of the list they sit under (if they are list items);
    hidden comments and the heading lines themselves are not candidates."""
    found: list[Candidate] = []
    for sentence in parse_note(HTML_COMMENT.sub(" ", notes)):
        text = SPEAKER_PREFIX.sub("", sentence.text, count=1)
        if not text or text.endswith(":") and len(words(text)) <= 8:
            continue
        found.append(Candidate(text, sentence.heading, len(found)))
    return found


def _lower_first(text: str, notes: str) -> str:
    first = text.split()[0] if text.split() else ""
    proper = first[:1].isupper() and (
        first.isupper() or re.search(rf"(?<![.!?]\s)(?<!^)\b{re.escape(first)}\b", notes[1:]) is not None)
    return text if proper or len(first) > 1 and first[1:2].isupper() else text[:1].lower() + text[1:]


def _tidy_clause(text: str) -> str:
    text = LEADING_FILLER.sub("", text.strip()).strip()
    return text.rstrip(" .;:!")


def to_second_person(text: str) -> str | None:
    """Turn 'the course he mentioned' / 'her team' into 'the course you mentioned' / 'your team'.

    None when third-person references to the contact remain, since the note speaks to them.
    """
    def _verb(m: re.Match[str]) -> str:
        verb = m.group(1)
        return "you " + {"uses": "use"}.get(verb.lower(), verb)

    text = YOU_VERBS.sub(_verb, text)
    text = POSSESSIVE.sub("your ", text)
    return None if THIRD_PERSON.search(text) else text


def advice_clause(sentence: str, heading: str) -> str | None:
    """The verb phrase of the contact's advice ('learn Procore, since …'), or None."""
    plain = _tidy_clause(sentence)
    for lead in ADVICE_LEADS:
        match = lead.match(plain)
        if match:
            return to_second_person(_tidy_clause(match.group("vp")))
    first = plain.split()[0].lower() if plain.split() else ""
    if first in IMPERATIVE_VERBS and not PLAN_HEADING.search(heading) and not ME_HEADING.search(heading):
        return to_second_person(plain[:1].lower() + plain[1:])
    return None


def insight_clause(sentence: str, heading: str, notes: str) -> str | None:
    """A statement about the field ('demand is strong because …'), turned to address them."""
    if ME_HEADING.search(heading) or PLAN_HEADING.search(heading):
        return None
    plain = _tidy_clause(sentence)
    match = INSIGHT_LEAD.match(plain)
    if not match and re.match(r"(?:she|he|they)\b", plain, re.I):
        return None
    clause = _tidy_clause(match.group("clause")) if match else plain
    if re.search(r"\b(I|I'm|I've|I'd|me|my)\b", clause):
        return None
    converted = to_second_person(clause)
    return _lower_first(converted, notes) if converted else None


def plan_clause(sentence: str, heading: str) -> str | None:
    """The user's own next step ('take a free intro SQL course this summer'), or None."""
    plain = _tidy_clause(sentence)
    match = PLAN_LEAD.match(plain)
    if match:
        vp = _tidy_clause(match.group("vp"))
    elif PLAN_HEADING.search(heading) and plain.split() and plain.split()[0].lower() in IMPERATIVE_VERBS:
        vp = plain[:1].lower() + plain[1:]
    else:
        return None
    return vp if not THIRD_PERSON.search(vp) else None


def thank_you_topics(candidates: Sequence[Candidate]) -> set[str]:
    """Stems of what the user wrote they want to mention ('mention the diary study tip')."""
    topics: set[str] = set()
    for c in candidates:
        match = THANK_TOPIC.search(c.sentence)
        if match:
            topics |= content_stems(match.group("topic"))
    return topics


def point_keywords(clause: str) -> set[str]:
    return {s for s in content_stems(clause) if s not in GENERIC_STEMS}


def specificity(clause: str) -> float:
    tokens = words(clause)
    proper = sum(1 for t in tokens[1:] if t[:1].isupper())
    digits = any(ch.isdigit() for ch in clause)
    size = len(point_keywords(clause))
    return 0.15 * min(size, 12) + 0.5 * min(proper, 2) + (0.3 if digits else 0.0) - 0.1 * max(
        0, len(tokens) - 28)


def _job_talk(sentence: str) -> bool:
    found = set(job_words(sentence))
    if found and found <= {"apply", "applying", "application", "applications"} and \
            STUDY_APPLICATION.search(sentence):
        found = set()
    return bool(found) or JOB_TALK.search(sentence) is not None


def _eligible(sentence: str) -> bool:
    return (
        4 <= len(words(sentence)) <= 45 and not sentence.rstrip().endswith(":")
        and not is_instruction(sentence) and not EXCLUDE.search(sentence)
        and not MEETING_HEADER.search(sentence) and not NAMED_PERSON.search(sentence)
        and not _job_talk(sentence)
    )


def choose_point(notes: str, classify: Classifier | None = None) -> Point | None:
    """The most specific piece of advice (or, failing that, insight) the contact gave."""
    candidates = note_sentences(notes)
    eligible = [c for c in candidates if _eligible(c.sentence)]
    labels: dict[int, tuple[str, float]] = {}
    if classify is not None and eligible:
        result = classify([c.sentence for c in eligible])
        if result is not None:
            labels = {c.index: (lab, conf) for c, (lab, conf) in zip(eligible, result, strict=True)}
    topics = thank_you_topics(candidates)
    scored: list[tuple[float, Point]] = []
    for c in eligible:
        label = labels.get(c.index, (None, 0.0))[0]
        advice = advice_clause(c.sentence, c.heading)
        if advice:
            score = 4.0 if advice_lead(c.sentence) else 3.5
            if label and label not in ADVICE_LABELS:
                score -= 1.5
            kind, clause = "advice", advice
        else:
            if FEEDBACK_ON_ME.search(c.sentence):
                continue
            insight = insight_clause(c.sentence, c.heading, notes)
            if not insight or THREAT_CUES.search(insight):
                continue
            if labels:
                score = {"opportunity": 2.0, "other": 1.0}.get(str(label), 0.2)
            else:
                score = 2.0 if OPPORTUNITY_CUES.search(insight) else 1.0
            kind, clause = "insight", insight
        if topics and topics & point_keywords(clause):
            score += 2.0
        score += specificity(clause) - (1.0 if VAGUE_REFERENCE.search(clause) else 0.0)
        point = Point(sentence=c.sentence, kind="advice" if kind == "advice" else "insight",
                      clause=clause, label=label, use=None)
        scored.append((score, point))
    if not scored:
        return None
    # Advice the user says they will act on comes first: it gives the note its "how I'll use it".
    planned = [(score + (ACTED_ON_BONUS if p.kind == "advice" and related_plan(candidates, p) else 0.0), p)
               for score, p in scored]
    best = max(planned, key=lambda pair: pair[0])[1]
    return best.model_copy(update={"use": related_plan(candidates, best)})


def advice_lead(sentence: str) -> bool:
    plain = _tidy_clause(sentence)
    return any(lead.match(plain) for lead in ADVICE_LEADS)


def related_plan(candidates: Sequence[Candidate], point: Point) -> str | None:
    """A next step from the notes that acts on the point (shares a key word with it)."""
    want = point_keywords(point.clause)
    best: tuple[int, str] | None = None
    for c in candidates:
        if c.sentence == point.sentence or not _eligible(c.sentence):
            continue
        vp = plan_clause(c.sentence, c.heading)
        if not vp or len(words(vp)) > 24:
            continue
        overlap = len(want & point_keywords(vp))
        if overlap and (best is None or overlap > best[0]):
            best = (overlap, vp)
    return best[1] if best else None


def has_timeframe(text: str) -> bool:
    return TIMEFRAME.search(text) is not None
