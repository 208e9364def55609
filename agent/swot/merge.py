"""Several interviews into one picture: merge points that say the same thing, and report where
sources disagree instead of averaging them away.

Career guides insist on hearing several people, current and former employees, and on weighing
conflicting accounts rather than picking the pleasant one (MAPP Your Career; Job-Hunt.org). So a
conflict is shown with both claims and who made them; the user decides.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from agent.swot.state import Claim, Conflict, Labelled, SwotItem
from agent.text.words import stem, words

MERGE_SIMILARITY = 0.8
TOPIC_SIMILARITY = 0.5
ENTITY_TOPIC_SIMILARITY = 0.3
ASPECT_TOPIC_SIMILARITY = 0.25
MAX_CONFLICTS = 8
POLARITY = {"strength": 1, "opportunity": 1, "weakness": -1, "threat": -1}
SUBJECT = {"strength": "me", "weakness": "me", "opportunity": "field", "threat": "field"}

STOP = set(
    "a an the and or but of to in on at for with from by as is are was were be been being it its this "
    "that these those i me my you your we our they their he she his her them us am do did does have has "
    "had will would could should can may might not no so if than then there here about into over also "
    "just very more most some any all each which who whom what when where how why up out off again only "
    "own same too said says say thinks think thought told tell mentioned noted felt found described "
    "people person team teams company companies work job jobs role roles year years lot lots really "
    "still even though because since while much many every almost now new get got make makes made "
    "well good bad real way things thing isn't aren't don't doesn't didn't can't won't i'd i'm i've "
    "he's she's they're it's there's honestly apparently one two three four five six seven eight nine "
    "ten dozen hundred hundreds thousand first second third last next".split()
)
NEGATION = re.compile(
    r"\b(not|no|never|isn't|aren't|wasn't|weren't|don't|doesn't|didn't|won't|can't|cannot|"
    r"without|hardly|optional|unnecessary)\b", re.IGNORECASE,
)
ENTITY = re.compile(r"\b[A-ZÀ-ÖØ-Þ][\w'’&\-]*(?:\s+(?:of\s+|&\s+)?[A-ZÀ-ÖØ-Þ][\w'’&\-]*)*")
NOT_ENTITY = {"I", "AI", "He", "She", "They", "We", "It", "The", "His", "Her", "Their", "My", "Our",
              "Says", "Honestly", "Apparently", "Also", "Monday", "Tuesday", "Wednesday", "Thursday",
              "Friday", "Saturday", "Sunday"}
ASPECTS = {
    "culture": r"culture|calm|supportive|stress\w*|burn\w*|morale|toxic|friendly|managers?|atmosphere",
    "workload": r"hours|overtime|on-call|weekends?|nights|deadlines?|workload|pace",
    "pay": r"pay|salar\w+|rates?|compensation|wages?|earn\w*",
    "demand": r"grow\w*|shrink\w*|hiring|hires?|demand|cut\w*|layoffs?|adding|openings?|rare\w*",
    "qualifications": r"degree|master's|masters|certificat\w*|licen[cs]\w*|credentials?|phd",
}


@dataclass
class Cluster:
    label: str
    members: list[Labelled]
    vector: np.ndarray


def clean_text(sentence: str) -> str:
    """The item's wording: the sentence itself, tidied (capital first letter, final stop)."""
    text = re.sub(r"\s+", " ", sentence).strip().strip("-–—•* ")
    if not text:
        return text
    text = text[0].upper() + text[1:]
    return text if text[-1] in ".!?" else text + "."


def merge_labelled(labelled: list[Labelled], label: str) -> list[tuple[SwotItem, np.ndarray]]:
    """Group same-quadrant sentences that say the same thing (cosine > MERGE_SIMILARITY)."""
    clusters: list[Cluster] = []
    for entry in labelled:
        if entry.label != label:
            continue
        best, best_sim = None, MERGE_SIMILARITY
        for cluster in clusters:
            sim = float(entry.vector @ cluster.vector)
            if sim > best_sim:
                best, best_sim = cluster, sim
        if best is None:
            clusters.append(Cluster(label, [entry], entry.vector))
        elif all(m.sentence.text != entry.sentence.text or m.sentence.source != entry.sentence.source
                 for m in best.members):
            best.members.append(entry)
    out = []
    for cluster in clusters:
        first = cluster.members[0]
        item = SwotItem(
            text=clean_text(first.sentence.text),
            evidence=[m.sentence.text for m in cluster.members],
            sources=[m.sentence.source for m in cluster.members],
            kind="note",
            confidence=round(max(m.confidence for m in cluster.members), 3),
        )
        out.append((item, cluster.vector))
    return out


def _content_stems(text: str) -> dict[str, str]:
    """Stem → first surface form, for the words that can name a topic."""
    found: dict[str, str] = {}
    for word in words(text):
        low = word.lower().strip("'’")
        if low in STOP or len(low) < 3 or low.isdigit():
            continue
        found.setdefault(stem(low), word)
    return found


def entities(text: str) -> set[str]:
    """Capitalised names inside a sentence (employers, products), not its first word alone."""
    found = set()
    for match in ENTITY.finditer(text):
        name = match.group(0)
        if match.start() == 0 and " " not in name:
            continue
        parts = [p for p in name.split() if p not in NOT_ENTITY]
        if parts:
            found.add(" ".join(parts))
    return found


def _negated_terms(text: str) -> set[str]:
    """Stems that sit within three words of a negation ('a master's isn't needed')."""
    tokens = re.findall(r"[\w'’\-]+", text.lower())
    negated = set()
    for i, token in enumerate(tokens):
        if NEGATION.fullmatch(token):
            for near in tokens[max(0, i - 3): i + 4]:
                if near not in STOP and not NEGATION.fullmatch(near):
                    negated.add(stem(near.strip("'’")))
    return negated


def _shared_phrase(a: str, b: str, around: str = "") -> str:
    """The longest run of `a`'s words shared with `b` (one function word may bridge two shared
    words: 'need to code'); with `around`, the run that holds that word."""
    b_stems = set(_content_stems(b))
    runs: list[list[str]] = []
    run: list[str] = []
    pending: list[str] = []
    for word in words(a):
        low = word.lower()
        if low not in STOP and len(low) >= 3 and stem(low.strip("'’")) in b_stems:
            run += pending + [word]
            pending = []
        elif low in STOP and run and not pending:
            pending = [word]
        else:
            if run:
                runs.append(run)
            run, pending = [], []
    if run:
        runs.append(run)
    if around:
        runs = [r for r in runs if around in r] or runs
    best = max(runs, key=lambda r: sum(w.lower() not in STOP for w in r), default=[])
    return " ".join(best)


def aspects_of(text: str) -> set[str]:
    return {name for name, pattern in ASPECTS.items()
            if re.search(rf"\b({pattern})\b", text, re.IGNORECASE)}


def _aspect(a: str, b: str) -> str:
    for name, pattern in ASPECTS.items():
        if re.search(rf"\b({pattern})\b", a, re.IGNORECASE) and re.search(rf"\b({pattern})\b", b,
                                                                          re.IGNORECASE):
            return name
    for name, pattern in ASPECTS.items():
        if re.search(rf"\b({pattern})\b", f"{a} {b}", re.IGNORECASE):
            return name
    return ""


def conflict_topic(a: str, b: str, negated: str = "") -> str:
    """A short name for what two claims disagree about."""
    shared_entities = sorted(entities(a) & entities(b), key=len, reverse=True)
    aspect = _aspect(a, b)
    if shared_entities:
        return f"{aspect} at {shared_entities[0]}" if aspect else shared_entities[0]
    if negated:
        return _shared_phrase(a, b, around=negated) or negated
    phrase = _shared_phrase(a, b)
    if phrase and aspect and aspect.lower() not in phrase.lower():
        return f"{phrase} ({aspect})"
    return phrase or aspect or "the same point"


def find_conflicts(labelled: list[Labelled]) -> list[Conflict]:
    """Pairs from different sources on one topic where one is good news and the other bad, or
    where one denies what the other asserts about the field. Each sentence joins one conflict."""
    facts = [x for x in labelled if x.label in POLARITY]
    if len({x.sentence.source for x in facts}) < 2:
        return []
    names = [entities(x.sentence.text) for x in facts]
    aspects = [aspects_of(x.sentence.text) for x in facts]
    stems = [set(_content_stems(x.sentence.text)) for x in facts]
    sims = np.stack([x.vector for x in facts]) @ np.stack([x.vector for x in facts]).T
    floor = min(ENTITY_TOPIC_SIMILARITY, ASPECT_TOPIC_SIMILARITY)
    candidates: list[tuple[float, Labelled, Labelled, str]] = []
    for i, j in zip(*np.nonzero(np.triu(sims >= floor, k=1)), strict=True):
        a, b = facts[i], facts[j]
        if a.sentence.source == b.sentence.source or SUBJECT[a.label] != SUBJECT[b.label]:
            continue
        sim = float(sims[i, j])
        shared_entity = bool(names[i] & names[j])
        same_aspect = bool(aspects[i] & aspects[j]) and bool(stems[i] & stems[j])
        if not (sim >= TOPIC_SIMILARITY or (shared_entity and sim >= ENTITY_TOPIC_SIMILARITY)
                or (same_aspect and sim >= ASPECT_TOPIC_SIMILARITY)):
            continue
        negated = (_negation_contrast(a.sentence.text, b.sentence.text)
                   if SUBJECT[a.label] == "field" else "")
        if POLARITY[a.label] == POLARITY[b.label] and not negated:
            continue
        bonus = (0.2 if shared_entity else 0.0) + (0.1 if same_aspect else 0.0)
        candidates.append((sim + bonus, a, b, negated))
    candidates.sort(key=lambda c: -c[0])
    used: set[tuple[str, str]] = set()
    conflicts: list[Conflict] = []
    for _, a, b, negated in candidates:
        keys = {(a.sentence.source, a.sentence.text), (b.sentence.source, b.sentence.text)}
        if keys & used:
            continue
        used |= keys
        conflicts.append(Conflict(
            topic=conflict_topic(a.sentence.text, b.sentence.text, negated),
            claims=[Claim(text=x.sentence.text, source=x.sentence.source, quadrant=x.label)
                    for x in (a, b)],
        ))
        if len(conflicts) >= MAX_CONFLICTS:
            break
    return conflicts


def _negation_contrast(a: str, b: str) -> str:
    """A shared content word negated in exactly one of the two sentences, or ''."""
    stems_a, stems_b = _content_stems(a), _content_stems(b)
    shared = set(stems_a) & set(stems_b)
    neg_a, neg_b = _negated_terms(a) & shared, _negated_terms(b) & shared
    one_sided = (neg_a - neg_b) | (neg_b - neg_a)
    for key in stems_a:
        if key in one_sided:
            return stems_a[key]
    return ""
