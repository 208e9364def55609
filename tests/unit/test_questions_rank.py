"""Ranking, de-duplication and time fitting: plain arithmetic, tested without the index."""

from __future__ import annotations

from collections import Counter

import numpy as np
import pytest

from agent.questions import rank
from agent.questions.state import Candidate


def cand(id_: str, family: str, value: int = 3, level: str = "any", tags: tuple[str, ...] = (),
         score: float | None = None) -> Candidate:
    c = Candidate(id=id_, template=id_, text=f"{id_}?", family=family, value=value, level=level,
                  tags=list(tags))
    c.score = float(value) if score is None else score
    return c


@pytest.mark.parametrize("minutes", range(rank.MIN_QUESTIONS * 2 + 1, 121))
def test_every_length_fits_its_questions(minutes: int) -> None:
    n = rank.questions_that_fit(minutes)
    assert n >= rank.MIN_QUESTIONS
    assert rank.overhead_minutes(minutes) + n * rank.MINUTES_PER_QUESTION <= minutes
    one_more = rank.overhead_minutes(minutes) + (n + 1) * rank.MINUTES_PER_QUESTION
    assert one_more > minutes


def test_typical_lengths() -> None:
    assert [rank.questions_that_fit(m) for m in (5, 15, 20, 30, 60)] == [2, 6, 9, 13, 28]


@pytest.mark.parametrize(("role", "level"), [
    ("Junior Data Analyst", "junior"), ("Associate Attorney", "junior"),
    ("Senior UX Designer", "senior"), ("Director of Nursing", "leader"),
    ("Group Product Manager", "leader"), ("Data Scientist", "mid"),
])
def test_seniority_from_title(role: str, level: str) -> None:
    assert rank.seniority(role) == level


def test_level_mismatch_costs_points() -> None:
    senior_q = cand("s", "trends", value=4, level="senior")
    assert rank.base_score(senior_q, "leader") == 4
    assert rank.base_score(senior_q, "junior") < rank.base_score(senior_q, "mid") < 4
    assert rank.base_score(cand("a", "trends", value=4), "junior") == 4


def test_relevance_counts_relative_to_the_typical_candidate() -> None:
    close, far = cand("c", "advice"), cand("f", "advice")
    close.relevance, far.relevance = 0.5, 0.1
    assert rank.base_score(close, "mid", 0.3) > 3 > rank.base_score(far, "mid", 0.3)


def test_near_duplicates_keep_the_better_one() -> None:
    a, b, c = cand("a", "advice", score=5), cand("b", "advice", score=4), cand("c", "trends", score=3)
    vectors = np.array([[1.0, 0.0], [0.995, 0.0998], [0.0, 1.0]], dtype=np.float32)
    kept, kept_vectors = rank.drop_near_duplicates([b, a, c], vectors[[1, 0, 2]])
    assert [k.id for k in kept] == ["a", "c"]
    assert kept_vectors.shape == (2, 2)


def test_selection_covers_families_and_closes_with_a_referral() -> None:
    pool = [cand(f"{f}{i}", f, score=10 - i + (0.5 if f == "advice" else 0))
            for f in ("advice", "trends", "path_in", "day_to_day") for i in range(4)]
    pool += [cand("r1", "referrals", 5, tags=("names",), score=5),
             cand("r2", "referrals", 4, tags=("names",), score=6),
             cand("r3", "referrals", 5, tags=("introductions",), score=9)]
    main, spare = rank.select(pool, 6, reserve=3)
    assert len(main) == 6 and len(spare) == 3
    assert main[-1].id == "r2"  # best closing question; r3 asks for no names
    assert sum(c.family == "referrals" for c in main) == 1
    assert set(Counter(c.family for c in main[:4])) == {"advice", "trends", "path_in", "day_to_day"}
    assert main[0].id == "advice0"


def test_selection_without_a_referral_still_fills_the_time() -> None:
    pool = [cand(f"t{i}", "trends", score=10 - i) for i in range(5)]
    main, _ = rank.select(pool, 3)
    assert [c.id for c in main] == ["t0", "t1", "t2"]
