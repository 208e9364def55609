"""The facts a contact may say, and where each one comes from.

A reply is planned before it is worded: the facts that answer the question are chosen first, and
the model may only phrase them. Facts come, in this order, from what the user knows about this
person (their bio, turned to the first person by rule), the role brief for the field (retrieved by
question from Chroma's `roles` collection, one section at a time, never the whole brief), the
company's name, and what the contact has already said in this call (so later answers repeat the
same years, employer and tools instead of drifting).

A fact is a plain dict `{"text", "source"}` so the checkpointer stores it as data; `source` is
`bio`, `role brief: <section>`, `company` or `earlier turn N`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from agent.text.person import LIST_ITEM, bio_sentences, first_person
from agent.text.words import sentences

Fact = dict[str, str]
BIO_MIN_SIMILARITY = 0.30  # a bio sentence answers the question when at least this close…
BIO_CUED_SIMILARITY = 0.10  # …or this close when it speaks to the question's topic (`BIO_TOPIC_CUES`)
# What a bio sentence about each topic tends to say; embeddings alone rate "How did you end up in
# analytics?" far from "I joined St. Mary's in 2019 after four years as a lab technician".
BIO_TOPIC_CUES: dict[str, re.Pattern[str]] = {
    "How people get into it": re.compile(
        r"\b(joined|started|began|studied|graduated|moved|switched|became|trained|retrained|"
        r"first (job|role)|worked as|years as|before (that|joining)|after \w+ (years|months)|degree|"
        r"bootcamp|intern\w*|promoted|career)\b", re.I),
    "A typical week": re.compile(r"\b(every|each) (day|week|morning|month)|\b(meetings?|schedule|"
                                 r"shifts?|on call|daily|weekly)\b", re.I),
    "Skills that matter": re.compile(r"\b(uses?|using|works? (in|with)|tools?|software|certif\w*|"
                                     r"skills?|learned|course)\b", re.I),
}
EARLIER_MIN_SIMILARITY = 0.62  # an earlier answer is reused when its question was this close
SECTION_BONUS = 1.0  # sections that answer the topic come first, in their order; sentences by similarity

def bio_facts(bio: str | None, name: str) -> list[Fact]:
    """Each sentence of the bio, said by the contact. A bio is pasted text (a profile page, an
    article), so it is data: hidden text and sentences written to a model never become facts,
    which the extractive fallback would otherwise say word for word."""
    if not bio:
        return []
    return [{"text": first_person(sentence, name), "source": "bio"} for sentence in bio_sentences(bio)]


def company_fact(company: str | None) -> Fact | None:
    return {"text": f"I work at {company}.", "source": "company"} if company else None


def section_sentences(heading: str, body: str) -> list[str]:
    """A brief section as sayable sentences: prose sentences, and list items introduced by the
    section's own framing so they read as something a person says."""
    out = []
    for line in body.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if LIST_ITEM.match(line):
            item = LIST_ITEM.sub("", line).rstrip(".")
            lead = {"Skills that matter": "Something that matters a lot is",
                    "Good people to talk to next": "It helps to talk to"}.get(heading, "One thing:")
            item = item[:1].lower() + item[1:] if not re.match(r"[A-Z]{2}|I\b", item) else item
            out.append(f"{lead} {item}.")
        else:
            out += [s for s in sentences(line) if len(s.split()) >= 4]
    return out


SectionSearch = Callable[[np.ndarray, int], list[str]]
COMPANY_QUESTION = re.compile(
    r"\b(where do you work|who do you work for|work for|your (company|employer|organi[sz]ation|hospital|"
    r"firm|agency|school|studio|practice|clinic))\b", re.I)


@dataclass(frozen=True)
class FactBank:
    """Facts with their vectors, encoded once (a brief per process, a bio per session)."""

    facts: tuple[Fact, ...]
    vectors: np.ndarray

    @classmethod
    def of(cls, encoder: Any, facts: Sequence[Fact]) -> FactBank:
        texts = [f["text"] for f in facts]
        vectors = encoder.encode(texts) if texts else np.zeros((0, 384), dtype=np.float32)
        return cls(tuple(facts), vectors)


def brief_bank(encoder: Any, sections: dict[str, str], source_label: str) -> FactBank:
    """Every sayable sentence of a brief (referral lines excepted: those name people)."""
    facts = [{"text": s, "source": f"{source_label}: {heading}"}
             for heading, body in sections.items() if heading != "Good people to talk to next"
             for s in section_sentences(heading, body)]
    return FactBank.of(encoder, facts)


class FactFinder:
    """Ranks the facts that answer one question, for one contact, from the sources in order.

    `section_search` names the brief sections nearest the question (Chroma's `roles` collection
    for a built-in brief); only their sentences, and those of the sections that answer the
    question's topic, are candidates.
    """

    def __init__(self, brief: FactBank, bio: FactBank | None = None,
                 section_search: SectionSearch | None = None, company: str | None = None) -> None:
        self.company = company
        self.brief = list(brief.facts)
        self.brief_vectors = brief.vectors
        self.bio = list(bio.facts) if bio else []
        self.bio_vectors = bio.vectors if bio else np.zeros((0, 384), dtype=np.float32)
        self.section_search = section_search

    def find(self, question_vector: np.ndarray, sections: Sequence[str], count: int,
             earlier: Sequence[tuple[np.ndarray, list[Fact], int]] = (), question: str = "") -> list[Fact]:
        """Up to `count` facts: an earlier answer to the same question first (consistency), then
        the bio sentences that answer it, then the brief's best sentences for the topic."""
        chosen: list[Fact] = []
        closest = max(earlier, key=lambda e: float(e[0] @ question_vector), default=None)
        if closest is not None and float(closest[0] @ question_vector) >= EARLIER_MIN_SIMILARITY:
            vector, facts, turn = closest
            chosen += [{"text": f["text"], "source": f"earlier turn {turn}"} for f in facts]
        if len(self.bio):
            sims = self.bio_vectors @ question_vector
            cues = [BIO_TOPIC_CUES[s] for s in sections[:1] if s in BIO_TOPIC_CUES]
            ranked = []
            for i in range(len(self.bio)):
                fact, sim = self.bio[i], float(sims[i])
                cued = any(c.search(fact["text"]) for c in cues)
                if sim >= BIO_MIN_SIMILARITY or (cued and sim >= BIO_CUED_SIMILARITY):
                    ranked.append((cued, sim, fact))
            chosen += [fact for _, _, fact in sorted(ranked, key=lambda r: (r[0], r[1]), reverse=True)]
        if self.company and COMPANY_QUESTION.search(question):
            chosen.append(company_fact(self.company))  # type: ignore[arg-type]
        if self.brief:
            retrieved = self.section_search(question_vector, 2) if self.section_search else []
            allowed = set(sections) | set(retrieved)
            sims = self.brief_vectors @ question_vector
            for i in np.argsort(-(sims + self._bonus(sections))):
                fact = self.brief[int(i)]
                if allowed and _heading(fact) not in allowed:
                    continue
                chosen.append(fact)
                if len(chosen) >= count + 3:
                    break
        return _unique(chosen)[:count]

    def _bonus(self, sections: Sequence[str]) -> np.ndarray:
        """Sections that answer the topic rank higher, the first of them most."""
        return np.array([SECTION_BONUS * (len(sections) - sections.index(_heading(f))) / len(sections)
                         if _heading(f) in sections else 0.0 for f in self.brief])


def _heading(fact: Fact) -> str:
    return fact["source"].split(": ", 1)[-1]


def _unique(facts: Sequence[Fact]) -> list[Fact]:
    unique: list[Fact] = []
    seen: set[str] = set()
    for fact in facts:
        key = fact["text"].lower()
        if key not in seen:
            seen.add(key)
            unique.append(fact)
    return unique
