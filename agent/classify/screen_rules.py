"""Text folding and the sharp lexical cues of the screen, read from `knowledge/exemplars`.

People slip past word lists with capitals, zero-width characters, Cyrillic look-alikes, digits for
letters ('h1re') and spaced letters ('j o b'); every check runs on the folded text instead. The cue
patterns live in `screening_rules.json` next to the exemplar bank, so both are edited together.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

import knowledge

Verdict = Literal["ok", "flag", "review"]
Category = Literal[
    "job_request", "personal_compensation", "confidential_information", "politics_religion",
    "personal_life", "negativity",
]
CATEGORIES: tuple[str, ...] = (
    "job_request", "personal_compensation", "confidential_information", "politics_religion",
    "personal_life", "negativity",
)
OK = "ok"
LABELS: tuple[str, ...] = (*CATEGORIES, OK)


# Framings that take a category off the table unless a sharp cue fires first. Citing where the
# company published something ("in your annual report") means it cannot be confidential; asking how
# common a problem is across a field is not a complaint about anyone. A bare mention of "public" is
# weaker evidence ("…before they're made public?" asks for exactly what is not public yet), so it
# may only soften a flag to `review`, never pass the question.
PUBLISHED_SOURCE = re.compile(
    r"\b(annual reports?|press releases?|earnings calls?|public filings?|10-k|investor (day|presentation)s?"
    r"|(publicly|already|recently) (announced|released|reported|published|shared|available|listed)"
    r"|(said|stated|discussed|reported|announced) publicly"
    r"|published (reports?|stud(y|ies)|articles?|papers?|data|figures|case stud(y|ies))"
    r"|showcased|on (your|the|its) (company'?s )?website|in the news)\b"
)
NOT_YET_PUBLIC = re.compile(
    r"\b(before|ahead of|until|not yet|yet to|isn'?t|aren'?t|is not|are not|hasn'?t|haven'?t|has not"
    r"|have not|wasn'?t|weren'?t|never)\b[^.?!]{0,40}\b(public|announced|released|published|disclosed|"
    r"reported)\b|\b(made )?public yet\b"
)
PUBLIC_MENTION = re.compile(r"\b(public|publicly|published|announced|announcements?)\b")
FIELD_PREVALENCE = re.compile(
    r"\b(how (common|widespread|often|usual)|(a )?(common|widespread|prevalent|frequent|"
    r"known|typical) (problem|issue|complaint|challenge|reason)s?)\b"
)
PERSONAL_TARGET = re.compile(
    r"\byour (boss|manager|company|employer|firm|co-?workers?|colleagues?|team|ceo|director|leadership)\b"
)


def framing_vetoes(folded: str) -> set[str]:
    """Categories the framing rules out: the question may pass even if the embeddings lean that way."""
    vetoed = set()
    if PUBLISHED_SOURCE.search(folded) and not NOT_YET_PUBLIC.search(folded):
        vetoed.add("confidential_information")
    if FIELD_PREVALENCE.search(folded) and not PERSONAL_TARGET.search(folded):
        vetoed.add("negativity")
    return vetoed


def framing_softens(folded: str) -> set[str]:
    """Categories the framing points away from without proof: a flag becomes `review`, no more."""
    if PUBLIC_MENTION.search(folded) and "confidential_information" not in framing_vetoes(folded):
        return {"confidential_information"}
    return set()


@dataclass(frozen=True)
class CategoryRules:
    reason: str
    rewrites: tuple[str, ...]
    cues: tuple[re.Pattern[str], ...]


@dataclass(frozen=True)
class ScreeningRules:
    categories: dict[str, CategoryRules]
    allow_cues: tuple[re.Pattern[str], ...]

    def flag_cues(self, folded: str) -> list[str]:
        """Categories whose cue patterns match the folded text, in category order."""
        return [name for name, rules in self.categories.items()
                if any(p.search(folded) for p in rules.cues)]

    def allowed(self, folded: str) -> bool:
        """True when a field-level phrasing (typical pay, who else, like least...) is present."""
        return any(p.search(folded) for p in self.allow_cues)


@lru_cache(maxsize=1)
def load_rules() -> ScreeningRules:
    """Read and compile the rules file once per process."""
    raw = json.loads((knowledge.root() / "exemplars" / "screening_rules.json").read_text("utf-8"))
    categories = {
        name: CategoryRules(
            reason=raw[name]["reason"],
            rewrites=tuple(raw[name]["rewrites"]),
            cues=tuple(re.compile(p) for p in raw[name]["cues"]),
        )
        for name in CATEGORIES
    }
    return ScreeningRules(categories, tuple(re.compile(p) for p in raw.get("allow_cues", [])))
