"""Is every claim in the contact's reply backed by a fact we hold?

The model only phrases facts. A reply is accepted when its content words are covered by the
facts it was given, the user's own line and a short list of conversational words (`coverage`),
and when every number, year, name and employer it mentions appears in those facts
(`unsupported_claims`). Otherwise the contact says the best fact itself (`extractive_reply`).
The coverage threshold was picked on the dev half of the persona eval
(`python -m evals.mock_persona --dev --sweep`), never on its held-out half: with SmolLM2, 0.5 kept
8 of 52 model wordings but the eval found only half of those covered; 0.8 is the lowest threshold
at which every kept wording was (4 kept; 0.8-1.0 kept the same ones).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from agent.mock.facts import Fact
from agent.text.notes import split_sentences
from agent.text.words import STOPWORDS, stem, words

COVERAGE_MIN = 0.8  # chosen on the persona eval's dev half (see above)
# What anyone says on a call without it being a claim about the world.
CONVERSATIONAL = frozenset(stem(w) for w in """
    yes yeah sure course really honestly definitely probably maybe actually basically generally
    usually often sometimes always mostly pretty quite bit lot lots kind sort thing things stuff
    think thought guess mean say said tell told know knew feel felt find found see saw hope
    great good nice glad happy fun interesting important useful helpful hard easy tricky
    question questions answer point way ways part parts side day days week weeks time times year
    years work worked working job jobs role field career people person someone everyone anyone
    team teams colleague colleagues get got getting make made making take took use used using
    help helped helps want need start started starting keep come came go went going look looked
    experience experiences learn learned learning love enjoy enjoyed like liked well also still
    just even though although because since while when where which what how who lot much many
    more most less least first last next new old own right real really big small
    one two three
    hello hi thanks thank welcome pleasure meet meeting call chat talk talking ask asked
""".split())
NUMBER = re.compile(r"\b\d[\d,.]*%?|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|"
                    r"twelve|fifteen|twenty|thirty|forty|fifty|hundred|thousand|dozen)\b", re.I)
NAME = re.compile(r"\b([A-Z][a-zA-Z'’&.-]+(?:\s+[A-Z][a-zA-Z'’&.-]+)*)")
NOT_NAMES = frozenset("I I'm I've I'd I'll OK".split())


def _stems(text: str) -> set[str]:
    return {stem(w) for w in words(text.lower()) if w.lower() not in STOPWORDS and len(w) > 2}


def content_stems(text: str) -> set[str]:
    """The words that carry a claim: not function words, not conversational filler."""
    return {s for s in _stems(text) if s not in CONVERSATIONAL}


def coverage(reply: str, facts: Sequence[Fact], user_line: str = "") -> float:
    """Share of the reply's content words found in the facts or the user's line (1.0 when the
    reply has none)."""
    said = content_stems(reply)
    if not said:
        return 1.0
    known = set().union(*(_stems(f["text"]) for f in facts), _stems(user_line))
    return len(said & known) / len(said)


def claims(text: str) -> set[str]:
    """Numbers, years and proper names (employers, people, places, products) in a text."""
    found = {m.group(0).lower().rstrip(".,") for m in NUMBER.finditer(text)}
    for sentence in split_sentences(text):
        for match in NAME.finditer(sentence):
            name = match.group(1).strip(".")
            if name.split()[0] not in NOT_NAMES and match.start() > 0:
                found.add(name.lower())
    return found


def unsupported_claims(reply: str, facts: Sequence[Fact], allowed: Iterable[str] = ()) -> list[str]:
    """Claims in the reply that no fact (or allowed text, such as the user's name) mentions."""
    source = " ".join([*(f["text"] for f in facts), *allowed]).lower()
    missing = []
    for claim in sorted(claims(reply)):
        parts = claim.split()
        if not all(re.search(rf"(?<!\w){re.escape(p)}(?!\w)", source) for p in parts):
            missing.append(claim)
    return missing


def grounding_problems(reply: str, facts: Sequence[Fact], user_line: str = "",
                       allowed: Iterable[str] = (), minimum: float = COVERAGE_MIN) -> list[str]:
    """Why the reply is not backed by the facts (empty list = it is)."""
    problems = []
    share = coverage(reply, facts, user_line)
    if share < minimum:
        problems.append(f"ungrounded ({share:.2f} of its content words come from the facts)")
    unsupported = unsupported_claims(reply, facts, [user_line, *allowed])
    if unsupported:
        problems.append(f"claims not in the facts: {', '.join(unsupported[:4])}")
    return problems


def extractive_reply(facts: Sequence[Fact], opener: str = "", limit: int = 2) -> str:
    """The contact says the best facts themselves: the fallback when the model's wording fails."""
    said = " ".join(_without_repeated_leads([f["text"] for f in facts[:limit]])).strip()
    if not said:
        return ""
    if opener:
        first = said[:1].lower() + said[1:] if not re.match(r"I\b|[A-Z]{2}", said) else said
        return f"{opener}{first}"
    return said


def _without_repeated_leads(texts: list[str]) -> list[str]:
    """'Something that matters a lot is SQL.' then 'Something that matters a lot is data
    cleaning.' → the second becomes 'Also, data cleaning.', a third 'And …': a person does not
    repeat the frame. Each text is compared with the one before it as written, so a third item
    with the same frame is caught too."""
    out: list[str] = []
    joined = 0
    for previous, text in zip([None, *texts], texts, strict=False):
        if previous is not None:
            before, words = previous.split(), text.split()
            shared = 0
            while shared < min(len(before), len(words)) - 1 and before[shared] == words[shared]:
                shared += 1
            if shared >= 3:
                rest = " ".join(words[shared:])
                rest = rest if re.match(r"[A-Z]{2}|I\b", rest) else rest[:1].lower() + rest[1:]
                text = f"{('Also,', 'And', 'Plus,')[joined % 3]} {rest}"
                joined += 1
        out.append(text)
    return out
