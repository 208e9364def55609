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

import knowledge
from agent.screening.state import CATEGORIES
from agent.text.words import deleet, normalise

SPACED_LETTERS = re.compile(r"\b(?:[a-z][ .\-_*]){2,}[a-z]\b")
TOKEN = re.compile(r"[\w@$]+")


def _deleet_token(match: re.Match[str]) -> str:
    token = match.group(0)
    digits = sum(ch.isdigit() for ch in token)
    letters = sum(ch.isalpha() for ch in token)
    if digits > letters or not letters:
        return token  # a number such as 401k or 2024, not a disguised word
    return deleet(token.replace("@", "a").replace("$", "s"))


def fold(text: str) -> str:
    """Lower-case, strip invisible characters, map look-alikes and undo leet and spaced letters."""
    folded = normalise(text)
    folded = SPACED_LETTERS.sub(lambda m: re.sub(r"[ .\-_*]", "", m.group(0)), folded)
    return TOKEN.sub(_deleet_token, folded)


# Framings that take a category off the table unless a sharp cue fires first: information a
# company has made public cannot be confidential, and asking how common a problem is across a
# field is not a complaint about anyone.
FRAMING_VETOES: dict[str, tuple[re.Pattern[str], ...]] = {
    "confidential_information": (
        re.compile(r"\b(publicly|public|published|announced|press release|annual report|showcased)\b"),
    ),
    "negativity": (
        re.compile(r"\b(how (common|widespread|often|usual)|(a )?(common|widespread|prevalent|frequent|"
                   r"known|typical) (problem|issue|complaint|challenge|reason)s?)\b"),
    ),
}
PERSONAL_TARGET = re.compile(
    r"\byour (boss|manager|company|employer|firm|co-?workers?|colleagues?|team|ceo|director|leadership)\b"
)


def framing_vetoes(folded: str) -> set[str]:
    """Categories ruled out by how the question is framed (see FRAMING_VETOES)."""
    vetoed = {c for c, patterns in FRAMING_VETOES.items() if any(p.search(folded) for p in patterns)}
    if "negativity" in vetoed and PERSONAL_TARGET.search(folded):
        vetoed.discard("negativity")
    return vetoed


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
