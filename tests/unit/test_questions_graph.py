"""The questions graph with the real encoder and index and a scripted fake model."""

from __future__ import annotations

import json
from itertools import combinations

import pytest

from agent.classify.searchable import is_web_searchable
from agent.errors import ModelError
from agent.questions import rank
from agent.questions.graph import build_graph, prepare_questions, stream_questions
from agent.questions.state import QuestionsRequest
from agent.screening import screen_questions


def request(**overrides: object) -> QuestionsRequest:
    base = {"contact_role": "Data Scientist", "industry": "Fintech", "minutes": 20,
            "goal": "which skills a biology PhD needs to move into data science", "rephrase": False}
    return QuestionsRequest(**{**base, **overrides})  # type: ignore[arg-type]


def test_plan_fits_time_closes_with_referral_and_is_clean(deps, fake_llm) -> None:  # type: ignore[no-untyped-def]
    plan = prepare_questions(deps, request())
    texts = [q.text for q in plan.questions]
    assert len(texts) == rank.questions_that_fit(20)
    assert [q.priority for q in plan.questions] == list(range(1, len(texts) + 1))
    assert plan.questions[-1].category == "referrals"
    assert sum(q.category == "referrals" for q in plan.questions) == 1
    assert len({q.category for q in plan.questions}) == len(texts)
    assert all("{" not in t and t.endswith("?") for t in texts)
    assert all(q.rationale for q in plan.questions)
    assert all(r.verdict == "ok" for r in screen_questions(deps, texts))
    assert not any(is_web_searchable(deps, t) for t in texts)
    vectors = deps.encoder.encode(texts)
    assert max(float(vectors[a] @ vectors[b]) for a, b in combinations(range(len(texts)), 2)) <= 0.9
    assert len(plan.reserve) == rank.RESERVE and not set(texts) & {q.text for q in plan.reserve}
    assert fake_llm.calls == []


def test_role_words_are_filled_in(deps) -> None:  # type: ignore[no-untyped-def]
    plan = prepare_questions(deps, request(contact_role="Senior UX Designer", industry=None))
    joined = " ".join(q.text for q in [*plan.questions, *plan.reserve])
    assert "UX design" in joined or "senior UX designer" in joined


def test_goal_moves_matching_questions_up(deps) -> None:  # type: ignore[no-untyped-def]
    pay = prepare_questions(deps, request(goal="what starting salaries and pay progression look like"))
    none = prepare_questions(deps, request(goal=None))
    rank_of = {q.category: q.priority for q in pay.questions}
    rank_without = {q.category: q.priority for q in none.questions}
    assert rank_of["compensation_field"] < rank_without.get("compensation_field", 99)


def test_junior_contact_gets_no_leadership_questions(deps) -> None:  # type: ignore[no-untyped-def]
    docs, _, metas = deps.vectors.all_items("questions")
    senior = {str(m["id"]) for m in metas if m.get("level") == "senior"}
    plan = prepare_questions(deps, request(contact_role="Junior Analyst", minutes=60, goal=None))
    assert not senior & {q.source_id for q in [*plan.questions, *plan.reserve]}


def test_company_questions_only_with_a_company(deps) -> None:  # type: ignore[no-untyped-def]
    without = prepare_questions(deps, request(minutes=60))
    assert all("{company}" not in q.text for q in without.questions)
    with_company = prepare_questions(deps, request(minutes=120, company="Stripe"))
    assert len(with_company.questions) == rank.questions_that_fit(120)


def test_generic_questions_are_reworded_when_the_rewording_is_valid(deps, fake_llm) -> None:  # type: ignore[no-untyped-def]
    def reword(messages) -> str:  # type: ignore[no-untyped-def]
        question = messages[-1]["content"].split("Question: ", 1)[1].strip()
        if question == "How did you get into this line of work?":
            return json.dumps({"question": "How did you get into data science?"})
        if "least" in question:
            return json.dumps({"question": question.replace("least", "most")})
        return json.dumps({"question": "I love my job and my team is great."})

    fake_llm.default = reword
    plan = prepare_questions(deps, request(goal=None, minutes=30, rephrase=True))
    texts = [q.text for q in plan.questions]
    assert "How did you get into data science?" in texts
    assert "What do you like most about your job?" not in texts
    assert not any("I love my job" in t for t in texts)
    assert 0 < len(fake_llm.calls) <= 3
    first = fake_llm.calls[0]
    assert first.kwargs["max_tokens"] == 48
    assert [m["role"] for m in first.messages] == ["system", "user", "assistant", "user",
                                                   "assistant", "user"]


def test_model_failure_keeps_the_template_wording(deps, fake_llm) -> None:  # type: ignore[no-untyped-def]
    fake_llm.default = ModelError("server down")
    with_model = prepare_questions(deps, request(rephrase=True))
    without = prepare_questions(deps, request())
    assert [q.text for q in with_model.questions] == [q.text for q in without.questions]
    assert fake_llm.calls


def test_stream_yields_stages_then_the_plan(deps) -> None:  # type: ignore[no-untyped-def]
    events = list(stream_questions(deps, request()))
    assert [e["stage"] for e in events if "stage" in e][:3] == ["retrieved", "screened", "ranked"]
    assert "plan" in events[-1]


def test_graph_builds_per_call_site(deps) -> None:  # type: ignore[no-untyped-def]
    graph = build_graph()
    assert set(graph.get_graph().nodes) >= {"retrieve_candidates", "score_and_screen", "rank_and_fit",
                                            "phrase_with_model", "finish"}


@pytest.mark.parametrize("bad", [
    {"contact_role": ""}, {"contact_role": "x" * 5000}, {"minutes": -5}, {"minutes": 100000},
    {"minutes": 4}, {"goal": "g" * 301},
])
def test_request_limits(bad: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        request(**bad)
