"""Feedback checks on scripted transcripts: each mistake is flagged at its turn, clean sessions and
stress turns (empty, gibberish, repeated) raise nothing, and strengths cite the turns."""

from __future__ import annotations

from agent.mock.clock import QUESTION_EXCHANGE_MINUTES, exchange_minutes, run_clock
from agent.mock.feedback import build_feedback, check_turns, summary_problems
from agent.mock.state import TurnRecord
from agent.mock.turns import TurnReader
from tests.unit.mock_helpers import scripted_reader

CONTACT_REPLY = "That is a good question, and the answer depends on the team and the year."

CLEAN = [
    "Hi Dana, thanks for making time. I'm Jordan, a nurse exploring UX research. How did you start?",
    "What does a typical week look like?",
    "What do you like least about the work?",
    "Is there anyone else you'd suggest I talk to?",
    "Thank you so much, this was really helpful.",
]


def analyse(lines: list[str], reader: TurnReader | None = None, limit: int = 20) -> list[TurnRecord]:
    """Run the reader over a script and stamp the clock as the graph would."""
    reader = reader or scripted_reader()
    records: list[TurnRecord] = []
    for i, line in enumerate(lines):
        records.append(reader.read(line, i, [r["text"] for r in records]))
    readings = run_clock([(r["text"], CONTACT_REPLY, r["asks"]) for r in records], limit)
    for record, reading in zip(records, readings, strict=True):
        record["minutes_after"] = reading.elapsed
    return records


def kinds_at(lines: list[str], **kwargs: object) -> set[tuple[str, int]]:
    limit = int(kwargs.pop("limit", 20))  # type: ignore[call-overload]
    return {(f.kind, f.turn) for f in check_turns(analyse(lines, limit=limit, **kwargs), limit)}  # type: ignore[arg-type]


def test_clean_session_raises_no_flags_and_cites_strengths() -> None:
    feedback = build_feedback(analyse(CLEAN), 20)
    assert feedback.flagged == []
    texts = {p.text: p.turns for p in feedback.strengths}
    assert texts["Introduced yourself and what you are exploring at the start."] == [0]
    assert texts["Asked who else you could talk to."] == [3]
    assert texts["Thanked them at the close."] == [4]
    assert all(p.turns for p in feedback.strengths)


def test_no_introduction_is_flagged_at_the_opening_turn() -> None:
    lines = ["So what tools do you use every day?", *CLEAN[1:]]
    assert ("no_introduction", 0) in kinds_at(lines)


def test_introduction_without_a_stated_purpose_is_an_improvement_not_a_flag() -> None:
    lines = ["Hi Carla, I'm Morgan, a nursing student. How did you choose the ED?", *CLEAN[1:]]
    feedback = build_feedback(analyse(lines), 20)
    assert "no_introduction" not in {f.kind for f in feedback.flagged}
    assert any("what you are exploring" in p.text and p.turns == [0] for p in feedback.improvements)


def test_missing_thanks_and_referral_ask_are_flagged_at_the_last_turn() -> None:
    lines = [CLEAN[0], CLEAN[1], CLEAN[2], "Okay, that's everything. Bye."]
    assert {("no_thanks", 3), ("no_referral_ask", 3)} <= kinds_at(lines)


def test_thanks_only_at_the_start_does_not_count_as_closing_thanks() -> None:
    lines = [CLEAN[0], CLEAN[1], CLEAN[3], "What certifications helped?"]
    assert ("no_thanks", 3) in kinds_at(lines)


def test_screen_flags_keep_the_category_and_turn() -> None:
    ask = "Is your team hiring? I could send my resume."
    pay = "How much do you make?"
    reader = scripted_reader({ask: "job_request", pay: "personal_compensation"})
    lines = [CLEAN[0], ask, CLEAN[1], pay, CLEAN[3], CLEAN[4]]
    found = {(f.kind, f.turn) for f in check_turns(analyse(lines, reader), 20)}
    assert found == {("job_request", 1), ("personal_compensation", 3)}


def test_a_job_request_mentioning_referral_is_not_a_referral_ask() -> None:
    ask = "Could you refer me for the open junior role on your team?"
    reader = scripted_reader({ask: "job_request"})
    lines = [CLEAN[0], ask, CLEAN[4]]
    found = {(f.kind, f.turn) for f in check_turns(analyse(lines, reader), 20)}
    assert ("no_referral_ask", 2) in found


def test_over_time_flags_the_first_question_that_runs_past_the_limit() -> None:
    questions = [f"What is your view on topic number {i}?" for i in range(1, 9)]
    lines = [CLEAN[0], *questions, CLEAN[3], CLEAN[4]]
    records = analyse(lines, limit=10)
    first_over = next(r["index"] for r in records if r["minutes_after"] > 10)
    assert ("over_time", first_over) in {(f.kind, f.turn) for f in check_turns(records, 10)}
    assert first_over == int(10 // QUESTION_EXCHANGE_MINUTES)


def test_closing_thanks_past_the_limit_is_not_over_time() -> None:
    questions = [f"What is your view on topic number {i}?" for i in range(1, 5)]
    lines = [CLEAN[0], *questions, CLEAN[3], CLEAN[4]]
    records = analyse(lines, limit=10)
    records[-1]["minutes_after"] = 10.4
    assert "over_time" not in {f.kind for f in check_turns(records, 10)}


def test_low_priority_questions_before_the_first_core_question_are_flagged() -> None:
    snack = "What snacks are in the office kitchen?"
    founded = "What year was the paper founded?"
    reader = scripted_reader(searchable=[founded], minor=[snack])
    intro = "Hi Grace, I'm Avery, a geology graduate exploring consulting."
    lines = [intro, snack, founded, CLEAN[1], snack, CLEAN[3], CLEAN[4]]
    found = {(f.kind, f.turn) for f in check_turns(analyse(lines, reader), 20)}
    assert {("low_priority_first", 1), ("low_priority_first", 2), ("web_searchable", 2)} <= found
    assert ("low_priority_first", 4) not in found


def test_stress_turns_raise_no_flags() -> None:
    lines = [CLEAN[0], "", "asdf qwer zxcv", "zzzz ???? lkjh", CLEAN[1], CLEAN[1], CLEAN[1],
             CLEAN[3], "", CLEAN[4]]
    records = analyse(lines)
    assert [r["kind"] for r in records][1:4] == ["empty", "gibberish", "gibberish"]
    assert check_turns(records, 20) == []
    feedback = build_feedback(records, 20)
    assert any(p.turns == [5, 6] for p in feedback.improvements)


def test_empty_session_gives_empty_feedback() -> None:
    feedback = build_feedback([], 20)
    assert feedback.flagged == [] and feedback.strengths == []


def test_every_flag_and_point_cites_a_turn_that_exists() -> None:
    lines = ["What's the dress code?", "How did you start?", "Bye."]
    feedback = build_feedback(analyse(lines, scripted_reader(minor=["dress code"])), 20)
    kinds = {f.kind for f in feedback.flagged}
    assert {"no_introduction", "low_priority_first", "no_thanks", "no_referral_ask"} <= kinds
    for point in [*feedback.strengths, *feedback.improvements]:
        assert point.turns and all(0 <= t < len(lines) for t in point.turns)


def test_clock_counts_questions_at_least_the_minimum_and_talk_by_words() -> None:
    assert exchange_minutes("How did you start?", "Short.", asks=True) == QUESTION_EXCHANGE_MINUTES
    long_answer = "word " * 390
    assert exchange_minutes("Why?", long_answer, asks=True) > 3
    assert exchange_minutes("Thank you!", "You're welcome.", asks=False) < 0.5
    readings = run_clock([("Q?", "A.", True)] * 14, 20)
    assert not readings[12].over and readings[13].over


def test_model_summary_must_stay_within_the_facts() -> None:
    facts = "- went well: Asked who else you could talk to.\n- to improve: Put your most important " \
            "questions first (turn 1)."
    assert summary_problems("Great work: you asked who else you could talk to. Next time, put your "
                            "most important questions first.", facts) == []
    problems = summary_problems("You impressed the hiring manager with your portfolio and should "
                                "expect an offer soon, well done overall.", facts)
    assert any(p.startswith("ungrounded") for p in problems)
    assert "new numbers" in summary_problems(
        "You asked who else you could talk to in 7 minutes; put your important questions first.", facts)
