"""Rank, de-duplicate and fit questions to the time the contact gave.

Guides agree the conversation is short (15–20 minutes is typical), so the list is prioritised: the
most valuable questions first, spread across question families so one topic does not eat the call,
pitched at what this person's level lets them know, and always closing with a request for other
people to talk to (Bolles: ask for more than one name). Everything here is plain arithmetic on
scores and vectors, so it is easy to test and to explain.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence

import numpy as np

from agent.questions.state import Candidate

MINUTES_PER_QUESTION = 2.0  # one question and its answer
OVERHEAD_SHARE = 0.1  # small talk at the start, thanks and next steps at the end
OVERHEAD_MAX = 3.0
MIN_QUESTIONS = 2  # one question and the closing referral question
RESERVE = 3
DUPLICATE_SIMILARITY = 0.9

RELEVANCE_WEIGHT = 8.0
NEW_FAMILY_BONUS = 1.5
REPEAT_FAMILY_PENALTY = 1.0
CLOSING_FAMILY = "referrals"
CLOSING_TAGS = ("names", "bolles_core")

JUNIOR = re.compile(r"(?i)\b(junior|jr|associate|assistant|intern|trainee|apprentice|entry[- ]level|"
                    r"graduate|new grad|resident|fellow|postdoc\w*)\b")
SENIOR = re.compile(r"(?i)\b(senior|sr|lead|principal|staff|head|director|vp|vice president|chief|"
                    r"partner|manager|supervisor|group)\b")
LEADER = re.compile(r"(?i)\b(head|director|vp|vice president|chief|partner|manager|supervisor|"
                    r"group|principal|lead)\b")


def overhead_minutes(minutes: int) -> float:
    return round(min(OVERHEAD_MAX, OVERHEAD_SHARE * minutes), 1)


def questions_that_fit(minutes: int) -> int:
    """How many questions fit: the call minus its opening and close, at two minutes each."""
    return max(MIN_QUESTIONS, math.floor((minutes - overhead_minutes(minutes)) / MINUTES_PER_QUESTION))


def seniority(role: str) -> str:
    """'leader', 'senior', 'junior' or 'mid' from words in the title (rule: match the level)."""
    if LEADER.search(role):
        return "leader"
    if JUNIOR.search(role):
        return "junior"
    if SENIOR.search(role):
        return "senior"
    return "mid"


def level_penalty(question_level: str, role_level: str) -> float:
    """Questions a person at this level cannot answer well lose points."""
    if question_level == "senior":
        return {"leader": 0.0, "senior": 1.0, "mid": 2.5, "junior": 4.0}[role_level]
    if question_level == "experienced":
        return {"leader": 0.0, "senior": 0.0, "mid": 0.5, "junior": 2.0}[role_level]
    return 0.0


def base_score(candidate: Candidate, role_level: str, typical_relevance: float = 0.0) -> float:
    """Bank value (1–5), plus closeness to the goal relative to the other candidates, minus the
    level mismatch."""
    return (candidate.value + RELEVANCE_WEIGHT * (candidate.relevance - typical_relevance)
            - level_penalty(candidate.level, role_level))


def drop_near_duplicates(
    candidates: Sequence[Candidate], vectors: np.ndarray, threshold: float = DUPLICATE_SIMILARITY,
) -> tuple[list[Candidate], np.ndarray]:
    """Keep the higher-scored of any pair more similar than `threshold` (greedy, best first)."""
    order = sorted(range(len(candidates)), key=lambda i: -candidates[i].score)
    kept: list[int] = []
    for i in order:
        if all(float(vectors[i] @ vectors[j]) <= threshold for j in kept):
            kept.append(i)
    return [candidates[i] for i in kept], vectors[kept] if kept else vectors[:0]


def is_closing(candidate: Candidate) -> bool:
    return candidate.family == CLOSING_FAMILY and any(t in candidate.tags for t in CLOSING_TAGS)


def select(candidates: Sequence[Candidate], count: int, reserve: int = RESERVE) -> tuple[
        list[Candidate], list[Candidate]]:
    """Pick `count` questions: greedy by score with a bonus for families not yet covered, and the
    best referral question as the last one. Returns (in asking order, reserve)."""
    closing = max((c for c in candidates if is_closing(c)), key=lambda c: c.score, default=None)
    pool = [c for c in candidates if c is not closing and c.family != CLOSING_FAMILY]
    wanted = count - (1 if closing else 0)
    picked: list[Candidate] = []
    families: Counter[str] = Counter()
    while pool and len(picked) < wanted + reserve:
        best = max(pool, key=lambda c: adjusted(c, families))
        pool.remove(best)
        picked.append(best)
        families[best.family] += 1
    main, spare = picked[:wanted], picked[wanted:]
    if closing:
        main.append(closing)
    return main, spare


def adjusted(candidate: Candidate, families: Counter[str]) -> float:
    seen = families[candidate.family]
    bonus = NEW_FAMILY_BONUS if seen == 0 else -REPEAT_FAMILY_PENALTY * seen
    return candidate.score + bonus
