"""The person the user rehearses with: a role brief for their world, templates for their manners.

The brief (`knowledge/roles/*.md`) gives the persona facts to answer from; the templates make it
behave as a real professional would when the tiny default model cannot be trusted to: decline
questions about their own pay or their employer's secrets, keep politics and private life out,
turn a job request back into advice, offer a name when asked who else to talk to, and say so when
the agreed time is up. Template answers built from the best-matching brief section are also the
fallback whenever the model's reply fails a validator.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import numpy as np

import knowledge
from agent.ingest.chunking import sections_from_markdown, split_front_matter
from agent.text.injection import persona_notes
from agent.text.words import normalise, sentences

GENERIC_ROLE = "any field"
SENIOR_WORDS = re.compile(r"\b(senior|sr|lead|principal|staff|chief|head|director|vp|vice president|"
                          r"partner|manager)\b", re.IGNORECASE)
JUNIOR_WORDS = re.compile(r"\b(junior|jr|associate|assistant|intern|trainee|entry[- ]level|graduate|"
                          r"apprentice|coordinator)\b", re.IGNORECASE)
SENIORITY_PREFIX = re.compile(
    r"^(senior|sr\.?|junior|jr\.?|lead|principal|staff|chief|head of|associate|assistant|"
    r"clinical|vp of|vice president of|director of)\s+", re.IGNORECASE)
# An employer's own figures: what an employee does not discuss (the contact declines them when
# asked about their employer), and what a junior person cannot speak to.
COMPANY_FIGURES = re.compile(
    r"\b(revenues?|profits?|margins?|earnings|turnover|valuation|finances|financials|"
    r"quarterly results|sales (?:figures|numbers))\b", re.IGNORECASE)
# The rest of a company's inside: plans and decisions above a junior person's level.
COMPANY_INSIDE = re.compile(
    r"\b(budgets?|funding|strategy|roadmap|board|acquisitions?|layoffs?|finance)\b", re.IGNORECASE)
REFERRAL_NAMES = (
    "Maya Chen", "Daniel Okafor", "Priya Raman", "Tom Becker", "Lucia Moreno", "Sam Whitfield",
    "Aisha Karim", "Jonas Lindqvist", "Rosa Delgado", "Kenji Watanabe", "Nadia Haddad",
    "Owen Gallagher", "Ines Costa", "Marcus Reid", "Hana Novak", "Elif Demir",
)
DEFAULT_SECTION = "How people get into it"
SECTION_FOR = {
    "job_request": "How people get into it",
    "personal_compensation": "Typical pay in the field",
    "too_junior": "A typical week",
    "referral": "Good people to talk to next",
}


@dataclass(frozen=True)
class RoleBrief:
    """One field's brief: the role, its other names, and its sections by heading."""

    role: str
    aliases: tuple[str, ...]
    source: str
    sections: dict[str, str] = field(default_factory=dict)

    def section(self, heading: str) -> str:
        return self.sections.get(heading, "")


@lru_cache(maxsize=1)
def load_briefs() -> tuple[RoleBrief, ...]:
    """Every built-in role brief, parsed once per process."""
    briefs = []
    for path in sorted((knowledge.root() / "roles").glob("*.md")):
        meta, body = split_front_matter(path.read_text(encoding="utf-8"))
        sections = {s.heading: "\n\n".join(s.blocks) for s in sections_from_markdown(body)}
        aliases = tuple(str(a) for a in meta.get("aliases") or [])
        briefs.append(RoleBrief(str(meta.get("role", path.stem)), aliases, f"roles/{path.name}",
                                sections))
    return tuple(briefs)


def generic_brief() -> RoleBrief:
    return next(b for b in load_briefs() if b.role == GENERIC_ROLE)


def base_role(role: str) -> str:
    """'Senior UX researcher at Fernwood' → 'ux researcher'."""
    text = normalise(role).split(" at ")[0].strip(" ,.")
    while SENIORITY_PREFIX.match(text):
        text = SENIORITY_PREFIX.sub("", text, count=1)
    return text


def _names(brief: RoleBrief) -> list[str]:
    return [normalise(n) for n in (brief.role, *brief.aliases)]


def match_brief(role: str, encoder: Any | None = None, min_similarity: float = 0.6) -> RoleBrief:
    """The brief for a job title: exact name or alias, then a name inside the title, then MiniLM.

    Falls back to the general brief, so the persona always has a world to answer from.
    """
    wanted = base_role(role)
    briefs = [b for b in load_briefs() if b.role != GENERIC_ROLE]
    for brief in briefs:
        if wanted in _names(brief):
            return brief
    padded = f" {wanted} "
    contained = [(len(n), b) for b in briefs for n in _names(b) if len(n) > 3 and f" {n} " in padded]
    if contained:
        return max(contained, key=lambda pair: pair[0])[1]
    if encoder is not None:
        labels = [f"{b.role} ({', '.join(b.aliases)})" for b in briefs]
        vectors = encoder.encode([wanted, *labels])
        scores = vectors[1:] @ vectors[0]
        best = int(np.argmax(scores))
        if float(scores[best]) >= min_similarity:
            return briefs[best]
    return generic_brief()


WORKING_BRIEF_MIN_SIMILARITY = 0.45
SPECIFIC = re.compile(r"\d|\b[A-Z][a-z]+(?:\s+[A-Z][a-z]+)+\b|\b[A-Z]{2,}\b")


def has_brief(role: str, encoder: Any | None = None) -> bool:
    return match_brief(role, encoder).role != GENERIC_ROLE


def working_brief(role: str, encoder: Any) -> dict[str, str]:
    """A brief for a role the project has none for, built at session start: the general brief's
    sections, plus sentences from the nearest briefs that name nothing specific to their own field
    (no role words, numbers, products or organisations). The contact then speaks from general
    knowledge of the field and never from invented specifics."""
    general = generic_brief()
    sections = {h: body for h, body in general.sections.items()}
    briefs = [b for b in load_briefs() if b.role != GENERIC_ROLE]
    labels = [f"{b.role} ({', '.join(b.aliases)})" for b in briefs]
    vectors = encoder.encode([base_role(role), *labels])
    scores = vectors[1:] @ vectors[0]
    for index in np.argsort(-scores)[:2]:
        if float(scores[index]) < WORKING_BRIEF_MIN_SIMILARITY:
            break
        brief = briefs[int(index)]
        own_words = {w for n in _names(brief) for w in n.split() if len(w) > 3}
        for heading, body in brief.sections.items():
            if heading not in sections or heading == "Good people to talk to next":
                continue
            portable = [s for s in sentences(_flatten(body))
                        if not SPECIFIC.search(s) and not own_words & set(normalise(s).split())]
            if portable:
                sections[heading] = sections[heading] + "\n\n" + portable[0]
    return sections


def infer_seniority(role: str, given: str | None = None) -> str:
    if given:
        return given.strip().lower()
    if JUNIOR_WORDS.search(role):
        return "junior"
    if SENIOR_WORDS.search(role):
        return "senior"
    return "mid-level"


def _first_sentences(text: str, n: int) -> str:
    prose = [s for s in sentences(_flatten(text)) if s]
    return " ".join(prose[:n])


def _flatten(text: str) -> str:
    """A section as one paragraph: bullet items become a short run-on list."""
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    items = [re.sub(r"^[-*+•]\s+", "", ln).rstrip(".") for ln in lines if re.match(r"^[-*+•]\s", ln)]
    prose = [ln for ln in lines if not re.match(r"^[-*+•]\s", ln)]
    if items:
        listed = "; ".join(i[:1].lower() + i[1:] for i in items[:3])
        prose.append(f"A few things stand out: {listed}.")
    return " ".join(prose)


@dataclass(frozen=True)
class Persona:
    """Who the contact is in this rehearsal."""

    name: str
    role: str
    company: str | None
    seniority: str
    notes: str
    brief_role: str
    brief_source: str
    style: str = "warm"

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)

    @property
    def first_name(self) -> str:
        return self.name.split()[0]


def build_persona(request: dict[str, Any], contact: dict[str, Any] | None,
                  encoder: Any | None) -> Persona:
    """Merge the request with the saved contact (the request wins where both say something)."""
    contact = contact or {}
    role = request.get("contact_role") or contact.get("role") or "professional"
    brief = match_brief(role, encoder)
    # A saved contact's notes go into the persona prompt: only what describes the person.
    notes = persona_notes(request.get("notes") or contact.get("notes") or "")
    return Persona(
        name=request.get("contact_name") or contact.get("name") or "Alex Morgan",
        role=role,
        company=request.get("company") or contact.get("company") or None,
        seniority=infer_seniority(role, request.get("seniority") or contact.get("seniority")),
        notes=" ".join(notes.split()[:60]),
        brief_role=brief.role,
        brief_source=brief.source,
        style=str(request.get("style") or "warm"),
    )


def brief_for(persona: dict[str, Any]) -> RoleBrief:
    return next((b for b in load_briefs() if b.source == persona["brief_source"]), generic_brief())


def _lower_first(text: str) -> str:
    """Lower-case the first letter unless it starts an acronym or is the word 'I'."""
    if re.match(r"I\b", text) or (len(text) > 1 and text[1].isupper()):
        return text
    return text[:1].lower() + text[1:]


def _digest(seed: str) -> int:
    return int(hashlib.sha256(seed.encode()).hexdigest()[:8], 16)


def _pick(options: tuple[str, ...], seed: str) -> str:
    return options[_digest(seed) % len(options)]


# Behaviour templates ---------------------------------------------------------------------------
DECLINE: dict[str, tuple[str, ...]] = {
    "job_request": (
        "I'm not the right person to ask about openings, and I'd like to keep today about the field "
        "itself. What I can tell you is how people tend to get in: {advice}",
        "I'd rather not get into roles on my team today, I hope that's okay. My honest advice on "
        "getting started: {advice}",
    ),
    "personal_compensation": (
        "I'd rather not share my own salary, if you don't mind. In general terms, though: {advice}",
        "That's a bit personal for me, so I'll skip my own numbers. What I can say about the field: "
        "{advice}",
    ),
    "confidential_information": (
        "I'm sorry, that's internal{company_of} and not something I can talk about. I'm happy to tell "
        "you what the work itself is like, though.",
        "I can't go into that one, it isn't public. Ask me anything about the day-to-day work and "
        "I'll gladly answer.",
    ),
    "politics_religion": (
        "I keep my politics and beliefs out of work conversations, so I'll pass on that one. Happy "
        "to talk about the work itself.",
        "I'd rather not go there, it's personal. Let's stick to the field; what else would you "
        "like to know?",
    ),
    "personal_life": (
        "I'd prefer to keep my personal life out of this, if that's all right. Is there something "
        "about the work I can help with?",
        "That's a private matter, so I'll leave it aside. Ask me anything about the job.",
    ),
    "negativity": (
        "I'd rather not criticise any employer or anyone in particular. What I'd say is that every "
        "workplace has trade-offs, and it's worth asking people directly about theirs.",
        "I don't think it's fair for me to judge that. I'm happy to talk about how to find a team "
        "that suits you, though.",
    ),
    "too_junior": (
        "Honestly, I'm not senior enough to see that side of things. What I can speak to is the "
        "day-to-day: {advice}",
    ),
}
EMPTY = ("Sorry, I didn't catch that. Go ahead whenever you're ready.",
         "I think you cut out for a second there. What did you want to ask?")
GIBBERISH = ("Sorry, I didn't quite follow that. Could you say it another way?",
             "I'm not sure I understood. What would you like to know?")
GREETING = ("Nice to meet you{user}! Happy to help. What would you like to know?",
            "Great to meet you{user}. I've set some time aside, so what would you like to know?")
GREETING_BUSY = ("Nice to meet you{user}. I only have about {minutes} minutes today, so let's dive "
                 "straight in: what would you like to know?",
                 "Hi{user}, good to meet you. I'm a bit pressed for time, so go ahead with your first "
                 "question.")
GREET_SHORT = ("Nice to meet you{user}, and happy to help. ", "Great to meet you{user}. ")
BUSY_NOTE = ("I only have a few minutes, so briefly: ", "Quick answer, since I'm short on time: ")
GUARDED_DEFLECT = ("I'd rather not go into how things work inside my organisation. Speaking generally, ",
                   "That's not something I'd discuss about my own employer. In general terms, ")
NO_FACTS = ("That's a good question, and honestly I'm not the best person to answer it. What else "
            "can I help with?",)
GOODBYE = ("You're very welcome, it was nice talking with you. Good luck, and do let me know how "
           "it goes.",
           "My pleasure. Keep me posted on how things go, and feel free to send me a note if "
           "something else comes up.")
GOODBYE_FOLLOW_UP = ("Of course, please do; I'd be glad to hear how it goes. It was nice talking with "
                     "you, and good luck!",
                     "Yes, absolutely, stay in touch. Thanks for reaching out, and good luck with it all.")
REPEAT = ("As I said a moment ago: {recap} Was there something else you wanted to know?",
          "Like I mentioned: {recap} Is there another side of it you'd like to hear about?")
NAME_OK = ("Yes, of course, feel free to mention that we spoke.",
           "Sure, you can tell them I suggested you get in touch.")
REFERRAL = ("You should talk to {name}, {who}", "One person comes to mind: {name}, {who}")
TIME_NOTE = (" I should mention we're at about our {minutes} minutes, and I have another call soon.",
             " I see we're right at the {minutes} minutes we agreed, so I'll need to wrap up shortly.")
ONE_MORE = ("I can stay for one more quick one. ", "Sure, quickly, since we're over time. ")
HARD_STOP = ("I'm sorry, I really do have to go now. Feel free to email me if anything else comes "
             "up. Good luck!",)
OPENERS = ("", "Good question. ", "In my experience, ", "Honestly, ", "From what I've seen, ")
# What a person says at once when a question reaches them by voice, while they think: a spoken
# reply starts with one (said before the model has written a word), a typed one never does.
ACKS = ("Good question. ", "Sure. ", "Hmm, let me think. ", "Right. ", "Oh, that's a good one. ",
        "Let me think about that. ")


def ack_for(name: str, turn: int) -> str:
    """The acknowledgement for a spoken turn: the contact's own rotation through `ACKS`, so two
    turns in a row never start the same way."""
    return ACKS[(_digest(name) + turn) % len(ACKS)]


def template_reply(kind: str, seed: str, **slots: str) -> str:
    """One of the fixed replies for a behaviour, chosen deterministically by `seed`."""
    table: dict[str, tuple[str, ...]] = {
        "empty": EMPTY, "gibberish": GIBBERISH, "greeting": GREETING, "goodbye": GOODBYE,
        "goodbye_follow_up": GOODBYE_FOLLOW_UP,
        "repeat": REPEAT, "name_permission": NAME_OK, "referral": REFERRAL, "time_note": TIME_NOTE,
        "one_more": ONE_MORE, "hard_stop": HARD_STOP, "greeting_busy": GREETING_BUSY,
        "greet_short": GREET_SHORT, "busy_note": BUSY_NOTE, "guarded_deflect": GUARDED_DEFLECT,
        "opener": OPENERS, "no_facts": NO_FACTS, **DECLINE,
    }
    return _pick(table[kind], seed).format(**slots)


def advice_from(brief: RoleBrief, kind: str) -> str:
    text = _first_sentences(brief.section(SECTION_FOR.get(kind, DEFAULT_SECTION)), 2)
    return text or _first_sentences(generic_brief().section("How people get into it"), 2)


def referral_slots(brief: RoleBrief, seed: str, contact_name: str = "", goal: str = "",
                   user_name: str = "") -> dict[str, str]:
    """A plausible name and who they are, from the brief's 'Good people to talk to next'.

    The name never shares a first or last name with the contact (nobody refers you to
    themselves) or with the user (nor to yourself), and when the user said what they are
    exploring, the reason ties to it.
    """
    lines = [re.sub(r"^[-*+•]\s+", "", ln.strip()) for ln in brief.section(
        "Good people to talk to next").splitlines() if re.match(r"^\s*[-*+•]\s", ln)]
    lines = lines or ["Someone a few years ahead of you on a similar path."]
    who = _pick(tuple(lines), seed + "who").rstrip(".")
    who = _lower_first(who)
    own = {part.lower() for part in f"{contact_name} {user_name}".split() if len(part) > 1}
    names = tuple(n for n in REFERRAL_NAMES if not own & {p.lower() for p in n.split()})
    reason = f" Since you're {goal}, they'd be a good next conversation." if goal else ""
    return {"name": _pick(names, seed), "who": f"{who}.{reason}"}


def asks_company_inside(text: str) -> bool:
    return bool(COMPANY_FIGURES.search(text) or COMPANY_INSIDE.search(text))
