"""Sentences about a person, said by them or to them.

A bio the user pastes ("Priya joined St. Mary's in 2019 after four years as a lab technician") is
written about the contact. The rehearsal contact says it in the first person; a prepared question
and an outreach line say it to them, in the second. Both are rules, not a model: the words stay the
user's, so nothing is invented on the way.
"""

from __future__ import annotations

import re

from agent.text.injection import describes_person, without_instructions
from agent.text.notes import split_sentences

BIO_MAX_BYTES = 20_000
LIST_ITEM = re.compile(r"^\s*[-*+•]\s+")
# What a sentence about someone's path tends to say.
PATH_CUES = re.compile(
    r"\b(joined|started|began|studied|graduated|moved|switched|became|trained|retrained|"
    r"first (job|role)|worked as|years as|before (that|joining)|after \w+ (years|months)|degree|"
    r"bootcamp|intern\w*|promoted|career|transitioned|left|taught (herself|himself|themselves)|"
    r"course)\b", re.I)
PRIVATE = re.compile(r"\b(married|husband|wife|partner|kids?|children|son|daughter|divorc\w*|"
                     r"religio\w*|church|illness|diagnos\w*|salary|paid|earns?|age[ds]?|born)\b", re.I)

# Third person → first person, for bio sentences ("She joined …" → "I joined …").
SUBJECT_VERB = {
    "is": "am", "was": "was", "has": "have", "does": "do", "goes": "go", "isn't": "am not",
    "hasn't": "haven't", "doesn't": "don't", "wasn't": "wasn't",
}
CONTRACTIONS = {"she's": "I'm", "he's": "I'm", "they're": "I'm", "she'd": "I'd", "he'd": "I'd",
                "she'll": "I'll", "he'll": "I'll"}
PREPOSITIONS = frozenset("to for with about from at by of in on into over under after before as like "
                         "and or".split())
SECOND_VERB = re.compile(r"\b(and|or|but) ([a-z]{3,}s)\b(?=\s+(?:to|a|an|the|at|for|with|on|in|my|our|"
                         r"about|from|up|out|two|three|four|five|several|many|most|all)\b)")


def _third_singular_to_base(verb: str) -> str:
    lower = verb.lower()
    if lower in SUBJECT_VERB:
        return SUBJECT_VERB[lower]
    if re.fullmatch(r"[a-z]+(ches|shes|sses|xes|zes)", lower):
        return verb[:-2]
    if re.fullmatch(r"[a-z]+[^aeiou]ies", lower):
        return verb[:-3] + "y"
    if re.fullmatch(r"[a-z]{3,}s", lower) and not lower.endswith("ss"):
        return verb[:-1]
    return verb


def first_person(sentence: str, name: str) -> str:
    """Rewrite a sentence about the contact so the contact can say it ('Priya Raman joined St.
    Mary's in 2019' → 'I joined St. Mary's in 2019'). Pronouns and the name become I / my / me;
    the verb right after the subject loses its third-person -s."""
    parts = [p for p in re.split(r"\s+", name.strip()) if p]
    names = [re.escape(" ".join(parts)), *(re.escape(p) for p in parts if len(p) > 1)]
    text = sentence.strip()
    subject = re.compile(
        rf"(^|[.;]\s+|,\s+(?:and|but|so|then)\s+|\b(?:and|but|so|then|where|when|after|before|since)\s+)"
        rf"(?:{'|'.join(names)}|she|he|they)\s+(?:(also|now|still|usually|often|mostly|first|later|"
        rf"currently|recently|then|always|never)\s+)?([A-Za-z'’]+)", re.I)

    def subject_sub(m: re.Match[str]) -> str:
        lead, adverb, verb = m.group(1), m.group(2), m.group(3)
        low = verb.lower()
        if low in ("are", "were"):
            verb = {"are": "am", "were": "was"}[low]
        else:
            verb = _third_singular_to_base(verb)
        return f"{lead}I {adverb + ' ' if adverb else ''}{verb}"

    text = subject.sub(subject_sub, text)
    if text.startswith("I "):  # a second verb of the same subject: "I manage … and report to …"
        text = SECOND_VERB.sub(lambda m: f"{m.group(1)} {_third_singular_to_base(m.group(2))}", text)
    for third, first in CONTRACTIONS.items():
        text = re.sub(rf"\b{third}\b", first, text, flags=re.I)
    possessive = "|".join(names)
    text = re.sub(rf"\b(?:{possessive})['’]s\b", "my", text)
    text = re.sub(r"\b(?:his|their)\b", "my", text, flags=re.I)
    text = re.sub(r"\bher\b(?=\s+([A-Za-z]+))",
                  lambda m: "me" if m.group(1).lower() in PREPOSITIONS | {"a", "an", "the"} else "my",
                  text, flags=re.I)
    text = re.sub(r"\b(?:her|him|them)\b", "me", text, flags=re.I)
    text = re.sub(rf"\b(?:{possessive})\b", "I", text)
    text = re.sub(r"\bherself\b|\bhimself\b|\bthemselves\b", "myself", text, flags=re.I)
    text = re.sub(r"(^|[.!?]\s+)my\b", lambda m: m.group(1) + "My", text)
    text = re.sub(r"(^|[.!?]\s+)me\b", lambda m: m.group(1) + "Me", text)
    return text[:1].upper() + text[1:]




def bio_sentences(bio: str | None) -> list[str]:
    """The bio's sentences (list items too), each ending in a full stop; fragments under three
    words are left out. A bio is pasted text (a profile page, an article), so it is data: hidden
    text and sentences written to a model never come out of here."""
    if not bio:
        return []
    found = []
    for line in without_instructions(bio).splitlines():
        line = LIST_ITEM.sub("", line).strip()
        for sentence in split_sentences(line):
            if len(sentence.split()) >= 3 and describes_person(sentence):
                found.append(sentence.rstrip(".!?") + ".")
    return found


SECOND = [(r"\bI'm\b", "you're"), (r"\bI've\b", "you've"), (r"\bI'd\b", "you'd"),
          (r"\bI'll\b", "you'll"), (r"\bI am\b", "you are"), (r"\bI was\b", "you were"),
          (r"\bI\b", "you"), (r"\bmy\b", "your"), (r"\bMy\b", "Your"), (r"\bmyself\b", "yourself"),
          (r"\bme\b", "you"), (r"\bMe\b", "You")]


def second_person(sentence: str, name: str) -> str | None:
    """The sentence said to the person ('Priya joined St. Mary's in 2019' → 'you joined St. Mary's
    in 2019'), lower-cased at the start, without its full stop; None when it is not about them (no
    subject to turn into 'you')."""
    said = first_person(sentence, name)
    if not re.match(r"(?:I|My)\b", said):
        return None
    for pattern, replacement in SECOND:
        said = re.sub(pattern, replacement, said)
    said = said.rstrip(".!? ")
    return said[:1].lower() + said[1:]


def path_sentences(bio: str | None, name: str, limit: int = 2) -> list[str]:
    """Up to `limit` bio sentences about the person's own path (what they studied, where they
    started, what they moved from), in the second person; private matters are left out."""
    found = []
    for sentence in bio_sentences(bio):
        if not PATH_CUES.search(sentence) or PRIVATE.search(sentence) or len(sentence.split()) > 32:
            continue
        said = second_person(sentence, name)
        if said:
            found.append(said)
        if len(found) == limit:
            break
    return found


BIO_SUBJECT = re.compile(r"^([A-Z][\w'’-]+(?:\s+[A-Z][\w'’-]+){0,2})\s+(?:is|was|has|had|joined|works|"
                         r"worked|leads|led|started|began|spent|moved|manages|runs|studied)\b")


def bio_name(bio: str | None) -> str:
    """The name a bio opens with ("Priya Raman is a data analyst …" → "Priya Raman"), or ''."""
    for sentence in bio_sentences(bio)[:3]:
        found = BIO_SUBJECT.match(sentence)
        if found and found.group(1).split()[0] not in ("The", "She", "He", "They", "Her", "His"):
            return found.group(1)
    return ""
