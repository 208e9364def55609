"""Questions about the contact's own path, drawn from what the user knows about them.

A question that shows you read about the person ("You moved from lab work into analytics — what
made you make that change?") is one of the best an informational interview can open with. The
sentence comes from the user's bio of the contact, turned to the second person by rule, and the
follow-up is chosen by what the sentence is about; nothing is added that the user did not write.
The candidates then go through the same screen and ranking as the bank's questions.
"""

from __future__ import annotations

import re

from agent.questions.state import Candidate
from agent.text.person import bio_name, path_sentences

MAX_BIO_QUESTIONS = 2
BIO_VALUE = 5.5  # above the bank's best (5): their own path beats "How did you get into this line of work?"
FOLLOW_UPS = (
    (re.compile(r"\b(moved|switched|transitioned|left|became|retrained|changed)\b", re.I),
     "what made you make that change?"),
    (re.compile(r"\b(studied|graduated|degree|certif\w*|course|bootcamp|trained|taught)\b", re.I),
     "how much of that training do you use in your work today?"),
    (re.compile(r"\b(joined|started|began|first|intern\w*)\b", re.I),
     "what did that step teach you that still helps?"),
)
DEFAULT_FOLLOW_UP = "how did that shape the work you do now?"


def bio_question(said: str) -> str:
    """'you joined St. Mary's in 2019 after …' → 'You joined St. Mary's in 2019 after … — what
    did that step teach you that still helps?'"""
    follow = next((text for cue, text in FOLLOW_UPS if cue.search(said)), DEFAULT_FOLLOW_UP)
    return f"{said[:1].upper()}{said[1:]} — {follow}"


def bio_candidates(bio: str | None, name: str | None) -> list[Candidate]:
    """Up to two path questions from the bio, as candidates ranked like the bank's."""
    found = []
    name = name or bio_name(bio)
    for i, said in enumerate(path_sentences(bio, name, limit=MAX_BIO_QUESTIONS), start=1):
        text = bio_question(said)
        found.append(Candidate(id=f"bio{i}", template=text, text=text, family="path_in",
                               value=BIO_VALUE, level="any", tags=["bio", "career_path"]))
    return found
