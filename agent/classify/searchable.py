"""Would a web search answer this question? Then it wastes the contact's time (research first).

Guides on informational interviews agree: look up the company and the person before the call and
spend the minutes on what is not written down. The check is a nearest-neighbour vote over labelled
examples (`knowledge/questions/web_searchable.jsonl`: facts a search finds vs insider questions, plus
the question bank as insider questions), with lexical cues on both sides: asking for the contact's
own view or experience marks a question as insider; company facts (founding year, head office,
CEO, stock price...) mark it as searchable.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from agent.classify.banks import question_items
from agent.classify.neighbours import neighbour_votes
from agent.deps import Deps
from agent.text.words import fold

NEIGHBOURS = 7
SEARCHABLE_VOTE = 0.5

SEARCHABLE_CUES = re.compile(
    r"\b(when was (?:the|your) (?:company|firm|organi[sz]ation|agency|business) (?:founded|started)"
    r"|who (?:founded|owns|is the (?:current )?(?:ceo|founder|president))|headquarter(?:s|ed)"
    r"|how many (?:employees|people work|staff|offices|locations|stores|countries|users)"
    r"|stock price|ticker|market cap\w*|publicly traded|go(?:ne)? public|press release"
    r"|mission statement|slogan|website address|board of directors|annual report say"
    r"|what (?:products|services) does (?:the|your) (?:company|firm|agency|organi[sz]ation)"
    r"|what does (?:the|your) (?:company|firm|agency|organi[sz]ation) (?:do|sell|make|offer)\b"
    r"|where (?:is|are) (?:the|your) (?:company|offices?|headquarters)"
    r"|(?:median|average) (?:wage|salary|pay) (?:for|of) \w+s\b|official (?:job )?outlook"
    r"|where did you (?:go to|attend) (?:college|school|university)"
    r"|what does an? \w+(?: \w+)? (?:generally |usually |typically )?do"
    r"|what (?:degree|education|qualifications?|certifications?) "
    r"(?:do (?:you|i) need|is (?:usually |typically )?required|exist)"
    r"|difference between [\w ]+ and [\w ]+\?$"
    r"|what is your (?:current )?(?:job )?title|how long have you (?:worked|been) at"
    r"|which companies did you work for|is your (?:organi[sz]ation|company) a (?:nonprofit|charity|startup)"
    r"|listed (?:on|for|in)|careers page|market for)"
)
FIRST_HAND_CUES = re.compile(
    r"\b(what'?s it like|what is it like|in your (?:experience|view|opinion)|beyond what|in practice"
    r"|really|actually|surprised? you|compared? with what|(?:how|why) did you|what made you"
    r"|day[- ]to[- ]day|only after)\b"
)
INSIDER_CUES = re.compile(
    r"\b(in your (?:experience|view|opinion|eyes)|from (?:the inside|your (?:side|experience|seat))"
    r"|beyond what|not (?:written|on the website)|in practice|really|actually|surprised? you"
    r"|(?:how|what|why|when) (?:did|do|would|have) you (?:feel|find|learn|handle|deal|decide|wish"
    r"|enjoy|like|think|choose|get|see|notice|manage|cope|recommend|suggest|look)"
    r"|you (?:personally|yourself)|your (?:day|week|team|work|workload|role|career|first)"
    r"|would you|should i|for someone like me|advice)\b"
)


@dataclass
class SearchableIndex:
    vectors: np.ndarray
    searchable: np.ndarray

    def vote(self, vector: np.ndarray) -> float:
        """Similarity-weighted share of searchable questions among the nearest neighbours."""
        votes = neighbour_votes(self.vectors @ vector, self.searchable, 2, NEIGHBOURS)
        return float(votes[0, 1])


def searchable_index(deps: Deps) -> SearchableIndex:
    """Labelled vectors from the index, kept for the process (nothing is re-embedded)."""

    def build() -> SearchableIndex:
        _, vectors, metas = question_items(deps)
        flags = np.array([m.get("label") == "web_searchable" for m in metas], dtype=np.int64)
        return SearchableIndex(vectors=np.asarray(vectors, dtype=np.float32), searchable=flags)

    return deps.cached("searchable_index", build)


def cue_verdict(question: str) -> bool | None:
    """True/False when a cue decides, None when the embeddings must."""
    folded = fold(question)
    if FIRST_HAND_CUES.search(folded):
        return False
    if SEARCHABLE_CUES.search(folded):
        return True
    if INSIDER_CUES.search(folded):
        return False
    return None


def searchable_flags(deps: Deps, questions: list[str], vectors: np.ndarray | None = None) -> list[bool]:
    """Batch form of `is_web_searchable`; pass vectors of the folded questions if already encoded."""
    if not questions:
        return []
    decided = [cue_verdict(q) for q in questions]
    index = searchable_index(deps)
    if len(index.vectors) == 0:
        return [bool(d) for d in decided]
    if vectors is None and any(d is None for d in decided):
        vectors = deps.encoder.encode([fold(q) for q in questions])
    out = []
    for i, d in enumerate(decided):
        if d is not None:
            out.append(d)
        else:
            assert vectors is not None
            out.append(index.vote(vectors[i]) >= SEARCHABLE_VOTE)
    return out


def is_web_searchable(deps: Deps, question: str) -> bool:
    """True when a quick web search about the company or field would answer the question."""
    return searchable_flags(deps, [question])[0]
