"""The sharp lexical rules of the SWOT: cue patterns from `knowledge/exemplars/swot_cues.json`.

Embeddings are good at "what is this sentence about" and poor at "is it good or bad news" and
"is it an action for me"; these patterns answer the latter. Referral names and skill gaps come
from here too, so the debrief advice (record every name; turn each gap into a step) is checkable.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache

import knowledge

CUE_FILE = "exemplars/swot_cues.json"
CASE_SENSITIVE = {"referral"}

NOT_A_PERSON = {
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "january",
    "february", "march", "april", "may", "june", "july", "august", "september", "october",
    "november", "december", "linkedin", "google", "zoom", "teams", "slack", "github", "i", "the",
    "her", "him", "them", "hr", "it", "my", "his", "their", "our", "we", "you", "someone",
    "somebody", "people", "anyone", "everyone", "current", "former", "thank", "thanks",
}
NAME_DECLINED = re.compile(
    r"\b(isn't|is not|aren't|not taking|no point|don't|do not|won't|shouldn't|leaving|left the|"
    r"retired|unavailable|not available|no longer)\b", re.IGNORECASE,
)
REFERRAL_HEADING = re.compile(r"\b(referrals?|people to (meet|contact|call)|names|contacts?|intros?)\b",
                              re.IGNORECASE)
LEADING_NAME = re.compile(
    r"^((?:(?:Dr|Mr|Ms|Mrs|Mx|Prof)\.?\s+)?[A-ZÀ-ÖØ-Þ][a-zß-öø-ÿ]+\s+[A-ZÀ-ÖØ-Þ][A-Za-zÀ-ÖØ-öø-ÿ'’\-]+)"
    r"(?=\s*(?:,|\(|-|–|—|:|\bat\b|\bwho\b))"
)
GAP_TRIGGER = re.compile(
    r"\b(?:i\s+)?(?:still\s+)?(?:would\s+|'d\s+)?(?:need|needs|lack|lacks|am missing|'m missing|"
    r"don't know|do not know|don't have|do not have|have no|has no|haven't got|can't yet|"
    r"cannot yet|can't|no)\s+(?P<gap>[^,;]+)",
    re.IGNORECASE,
)
GAP_STOP = re.compile(
    r"\s+(?:to get|to pass|before|because|so that|so|which|and it|but|when|if|for most|within|"
    r"that|most of|like|at all|yet|outside)\b.*$", re.IGNORECASE,
)
GAP_LEAD = re.compile(r"^(?:any|a|an|the|my|real|some|enough)\s+", re.IGNORECASE)


@dataclass(frozen=True)
class Cues:
    """Compiled cue patterns by name."""

    patterns: dict[str, tuple[re.Pattern[str], ...]]

    def matches(self, name: str, text: str) -> bool:
        return any(p.search(text) for p in self.patterns.get(name, ()))

    def count(self, name: str, text: str) -> int:
        return sum(len(p.findall(text)) for p in self.patterns.get(name, ()))


@lru_cache(maxsize=1)
def load_cues() -> Cues:
    """Read and compile the cue file once per process (it is small and never changes at run time)."""
    raw = json.loads((knowledge.root() / CUE_FILE).read_text(encoding="utf-8"))
    compiled = {
        name: tuple(re.compile(p, 0 if name in CASE_SENSITIVE else re.IGNORECASE) for p in patterns)
        for name, patterns in raw.items()
    }
    return Cues(compiled)


def is_structure(sentence: str) -> bool:
    """Headings, the interview's title line and call logistics carry no SWOT fact."""
    return load_cues().matches("other", sentence)


def is_next_step(sentence: str) -> bool:
    return load_cues().matches("next_step", sentence)


def about_user(sentence: str) -> bool:
    return load_cues().matches("user_subject", sentence)


def field_polarity(sentence: str) -> int:
    """Good-news minus bad-news words about the field or employer."""
    cues = load_cues()
    return cues.count("field_positive", sentence) - cues.count("field_negative", sentence)


def user_polarity(sentence: str) -> int:
    """Positive when the sentence credits the user, negative when it names something missing."""
    cues = load_cues()
    if cues.matches("user_positive", sentence):
        return 1
    return -1 if cues.matches("user_negative", sentence) else 0


def referral_names(sentence: str, heading: str = "") -> list[str]:
    """People the notes say to contact next; names the notes rule out are left out."""
    names: list[str] = []
    for pattern in load_cues().patterns.get("referral", ()):
        for match in pattern.finditer(sentence):
            names.append(match.group(1))
    if not names and REFERRAL_HEADING.search(heading):
        lead = LEADING_NAME.match(sentence)
        if lead:
            names.append(lead.group(1))
    if NAME_DECLINED.search(sentence):
        return []
    kept: list[str] = []
    for name in names:
        name = name.strip().rstrip("'’")
        first = name.split()[0].rstrip(".").lower()
        if first in NOT_A_PERSON or name in kept:
            continue
        kept.append(name)
    return kept


def skill_gap(sentence: str) -> str | None:
    """The thing to acquire named by a weakness ('I don't know any SQL' → 'SQL'), if there is one."""
    match = GAP_TRIGGER.search(sentence)
    if not match:
        return None
    gap = GAP_STOP.sub("", match.group("gap")).strip(" .!?")
    gap = GAP_LEAD.sub("", gap).strip()
    if re.match(r"(?i)to\s", gap):
        return None
    words = gap.split()
    if not 1 <= len(words) <= 10:
        return None
    if re.search(r"(?i)\b(can't|cannot)\s*(yet\s*)?$", sentence[: match.start("gap")]):
        return f"the ability to {gap}"
    return gap
