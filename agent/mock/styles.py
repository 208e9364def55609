"""How the contact talks: warm, busy or guarded. A style changes how many facts a reply uses and
how long it is, never the rules (no invented facts, decline what must not be asked).

- warm answers fully, from up to three facts;
- busy answers in one or two sentences from one fact and says they are short of time;
- guarded deflects anything near the company's inside business, and answers briefly until the
  user asks a good question (open, specific, about the work), then opens up.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from agent.text.words import word_count

StyleName = Literal["warm", "busy", "guarded"]
STYLE_NAMES: tuple[str, ...] = ("warm", "busy", "guarded")
OPEN_QUESTION = re.compile(r"^\W*(how|what|why|which|in what|could you (walk|describe|tell)|"
                           r"can you (walk|describe|tell))\b", re.I)
CLOSED_QUESTION = re.compile(r"^\W*(is|are|do|does|did|can|could|would|will|have|has)\b(?! you (walk|"
                             r"describe|tell))", re.I)
NEAR_INSIDE = re.compile(
    r"\b(your (company|employer|firm|organi[sz]ation|hospital|agency|team)'?s?|internal|inside|"
    r"management|leadership|budget|restructur\w*|reorg\w*|politics|turnover|morale|clients?|"
    r"customers?|contracts?|plans?|strategy)\b", re.I)


@dataclass(frozen=True)
class Style:
    name: StyleName
    facts: int  # facts per answer
    sentences: int  # at most this many sentences
    max_tokens: int
    description: str  # how the persona prompt describes the manner


STYLES: dict[str, Style] = {
    "warm": Style("warm", 3, 3, 90, "You are generous with your time and answer fully and kindly."),
    "busy": Style("busy", 1, 2, 48, "You are short of time today: you answer in one or two sentences."),
    "guarded": Style("guarded", 1, 2, 60, "You are careful and reserved: you keep anything about your "
                     "employer's business to yourself and open up only to good questions."),
}


def style_for(name: str | None) -> Style:
    return STYLES.get(name or "warm", STYLES["warm"])


def good_question(text: str) -> bool:
    """Open, specific and about the work: the kind of question a guarded contact rewards."""
    return bool(OPEN_QUESTION.match(text)) and not CLOSED_QUESTION.match(text) and word_count(text) >= 7


def facts_for_turn(style: Style, question: str, opened_up: bool) -> int:
    """How many facts this reply may use."""
    if style.name == "guarded":
        return 2 if opened_up or good_question(question) else 1
    return style.facts


def deflects(style: Style, question: str) -> bool:
    """A guarded contact deflects questions that come near their employer's inside business."""
    return style.name == "guarded" and NEAR_INSIDE.search(question) is not None
