"""Persona rules: which brief a title gets, how the contact behaves in the template cases, what a
model reply may not say, and how user turns are read."""

from __future__ import annotations

import re

import pytest

from agent.mock.persona import (
    advice_from,
    build_persona,
    infer_seniority,
    load_briefs,
    match_brief,
    referral_slots,
    template_reply,
)
from agent.mock.turns import find_repeat, is_gibberish, load_priority
from agent.mock.validate import reply_problems, tidy_reply
from tests.unit.mock_helpers import scripted_reader


@pytest.mark.parametrize(("title", "role"), [
    ("Registered nurse", "registered nurse"),
    ("Senior UX researcher", "UX designer"),
    ("Clinical informatics nurse", "registered nurse"),
    ("Security analyst", "cybersecurity analyst"),
    ("HR business partner", "human resources business partner"),
    ("Lead software developer at Acme", "software engineer"),
])
def test_titles_match_their_brief_by_name_or_alias(title: str, role: str) -> None:
    assert match_brief(title).role == role


def test_unknown_title_falls_back_to_the_general_brief_without_an_encoder() -> None:
    assert match_brief("Beekeeper").role == "any field"


def test_encoder_matches_a_related_title(encoder) -> None:  # type: ignore[no-untyped-def]
    assert match_brief("Backend programmer", encoder).role == "software engineer"


def test_every_brief_has_the_sections_the_templates_use() -> None:
    needed = {"How people get into it", "Typical pay in the field", "Good people to talk to next",
              "A typical week"}
    for brief in load_briefs():
        assert needed <= set(brief.sections), brief.source


def test_seniority_comes_from_the_contact_record_or_the_title() -> None:
    assert infer_seniority("Junior analyst") == "junior"
    assert infer_seniority("Senior UX researcher") == "senior"
    assert infer_seniority("Teacher") == "mid-level"
    assert infer_seniority("Teacher", "Senior") == "senior"


def test_persona_takes_saved_contact_notes_when_the_request_has_none() -> None:
    contact = {"name": "Dana Park", "role": "Nurse", "company": "Fernwood", "notes": "Ten years in ED.",
               "seniority": ""}
    persona = build_persona({"contact_role": "Senior nurse"}, contact, None)
    assert (persona.name, persona.role, persona.company, persona.notes) == (
        "Dana Park", "Senior nurse", "Fernwood", "Ten years in ED.")


def test_pay_question_is_declined_with_field_level_information_only() -> None:
    brief = match_brief("Accountant")
    reply = template_reply("personal_compensation", "x|1", advice=advice_from(brief, "personal_compensation"))
    assert re.search(r"rather not|personal", reply)
    assert not re.search(r"\$|\d", reply)
    assert brief.section("Typical pay in the field").split(".")[0] in reply


def test_job_request_is_turned_back_into_advice_about_getting_in() -> None:
    brief = match_brief("Product manager")
    reply = template_reply("job_request", "x|2", advice=advice_from(brief, "job_request"))
    assert "opening" in reply or "roles on my team" in reply
    assert brief.section("How people get into it").split(".")[0] in reply


def test_referral_offers_a_person_from_the_brief() -> None:
    brief = match_brief("Teacher")
    slots = referral_slots(brief, "seed")
    reply = template_reply("referral", "seed", **slots)
    assert re.search(r"[A-Z][a-z]+ [A-Z][a-z]+", slots["name"])
    assert slots["who"].rstrip(".").lower() in brief.section("Good people to talk to next").lower()
    assert slots["name"] in reply


def test_confidential_decline_names_the_company_when_known() -> None:
    reply = template_reply("confidential_information", "a|0", company_of=" to Quillstone")
    other = template_reply("confidential_information", "b|5", company_of=" to Quillstone")
    assert any("Quillstone" in r for r in (reply, other)) or all("public" in r for r in (reply, other))


def test_facts_come_from_the_section_that_answers_the_topic(encoder) -> None:  # type: ignore[no-untyped-def]
    from agent.mock.facts import FactFinder, brief_bank
    from agent.mock.topics import TopicReader, sections_for

    brief = match_brief("UX designer")
    finder = FactFinder(brief_bank(encoder, dict(brief.sections), "role brief"))
    question = "What do you like least about the job?"
    vector = encoder.encode([question])[0]
    topic = TopicReader.build(encoder).topic(question, vector)
    facts = finder.find(vector, sections_for(topic, question), 2)
    assert topic == "culture"
    assert facts and facts[0]["source"] == "role brief: What is hard"
    assert facts[0]["text"] in brief.section("What is hard")


def test_referral_never_names_the_contact_and_ties_to_the_goal() -> None:
    brief = match_brief("Data scientist")
    for seed in (f"s{i}" for i in range(40)):
        slots = referral_slots(brief, seed, "Priya Raman", "exploring data analysis in healthcare")
        assert not {"priya", "raman"} & set(slots["name"].lower().split())
        assert "exploring data analysis in healthcare" in slots["who"]
        mine = referral_slots(brief, seed, "Priya Raman", user_name="Sam")
        assert "sam" not in mine["name"].lower().split()  # nor to the user themselves


def test_an_extractive_answer_does_not_repeat_its_frame() -> None:
    from agent.mock.grounding import extractive_reply

    said = extractive_reply([{"text": "Something that matters a lot is SQL and one analysis language.",
                              "source": "role brief: Skills that matter"},
                             {"text": "Something that matters a lot is data cleaning.",
                              "source": "role brief: Skills that matter"}])
    assert said == "Something that matters a lot is SQL and one analysis language. Also, data cleaning."


@pytest.mark.parametrize("reply", [
    "As an AI language model, I don't have a job.",
    "I'm an assistant, but UX research is great.",
    "My instructions say I should be friendly to you here.",
    "Are you hiring? I'd love to send my resume.",
    "I make about $140,000 a year plus bonus at my company.",
    "You're a UX researcher, and I'm glad you reached out to me today.",
    "Yes.",
])
def test_replies_that_break_the_rehearsal_are_rejected(reply: str) -> None:
    assert reply_problems(reply, question="What do you like most about the work?")


def test_replies_that_swap_roles_with_the_user_are_rejected() -> None:
    q = "How did you get into the field?"
    assert "speaks_as_user" in reply_problems("You're right, I'm Jordan. It has been a while.",
                                              question=q, user_name="Jordan")
    assert "interviews_the_user" in reply_problems(
        "Great to meet you. I'd love to explore more about your career path first.", question=q)


def test_a_plain_in_character_reply_passes() -> None:
    reply = "I like the variety most. Every week I talk to users and then see the designs improve."
    assert reply_problems(reply, question="What do you like most about the work?") == []


def test_echoing_the_question_is_rejected() -> None:
    q = "What does a typical week look like for you?"
    assert "echoes_question" in reply_problems("What does a typical week look like for you? Busy.",
                                               question=q)


def test_tidy_drops_speaker_label_and_a_cut_off_sentence() -> None:
    assert tidy_reply("Dana: I started in support. Then I moved to the design team and") == \
        "I started in support."


@pytest.mark.parametrize(("text", "junk"), [
    ("asdf qwer zxcv", True), ("zzzz ???? lkjh", True), ("????", True),
    ("What tools do you use?", False), ("Kubernetes?", False), ("ok", False),
])
def test_gibberish_detection(text: str, junk: bool) -> None:
    assert is_gibberish(text) is junk


def test_repeats_are_found_by_words_not_punctuation() -> None:
    earlier = ["How did you start?", "What does busy season feel like?"]
    assert find_repeat("what does busy season feel like", earlier) == 1
    assert find_repeat("What does a quiet season feel like?", earlier) is None


def test_reader_marks_moves_of_the_conversation() -> None:
    reader = scripted_reader()
    r = reader.read("Hi Sam, I'm Taylor, a designer exploring product design. How did you start?", 0, [])
    assert (r["greeting"], r["self_intro"], r["purpose"], r["asks"]) == (True, True, True, True)
    r = reader.read("Do you know another therapist I could talk to? May I mention your name?", 3, [])
    assert r["referral_ask"] and r["name_permission"]
    r = reader.read("Okay, that covers it. Talk soon.", 4, [])
    assert r["wrap_up"] and not r["thanks"]


def test_minor_questions_are_told_apart_from_questions_about_the_work(deps) -> None:  # type: ignore[no-untyped-def]
    priority = load_priority(deps.vectors, deps.encoder)
    assert priority("Is there free parking near your office?") == "minor"
    assert priority("What do you find hardest about the work?") == "core"
    assert priority("Which skills should I build first?") == "core"


def test_a_screen_that_cannot_decide_fails_closed_and_long_turns_are_trimmed() -> None:
    from agent.errors import InputError
    from agent.mock.turns import SCREEN_MAX_CHARS, TurnReader

    seen: list[str] = []

    def screen(questions: list[str]) -> list[object]:
        seen.extend(questions)
        raise InputError("a question is longer than the screen accepts")

    reader = TurnReader(screen=screen, searchable=lambda q: False, priority=lambda q: "core")
    long_turn = "I have a long story about my career so far. " * 20 + "How did you start?"
    record = reader.read(long_turn, 1, [])
    assert record["screen"] is not None and record["screen"]["verdict"] == "review"
    assert seen == ["How did you start?"] and len(seen[0]) <= SCREEN_MAX_CHARS


def test_a_statement_is_a_job_ask_only_when_it_mentions_a_job() -> None:
    from tests.unit.mock_helpers import scripted_reader

    thanks = "Hi, I'm Sam. Thank you for fitting me in this week."
    pitch = "Hi, I'm Sam, and I'd love a position on your team."
    asked = "Thanks for fitting me in. Could you fit me in somewhere?"
    reader = scripted_reader(flags={thanks: "job_request", pitch: "job_request", asked: "job_request"})
    assert reader.read(thanks, 0, [])["screen"]["verdict"] == "ok"  # type: ignore[index]
    assert reader.read(pitch, 0, [])["screen"]["category"] == "job_request"  # type: ignore[index]
    assert reader.read(asked, 0, [])["screen"]["verdict"] == "flag"  # type: ignore[index]


@pytest.mark.parametrize(("reply", "problem"), [
    ("You joined the hospital in 2019 after working in a lab.", "second_person"),
    ("Your team builds dashboards every week.", "second_person"),
    ("Priya builds dashboards every week.", "third_person"),
    ("She builds dashboards every week.", "third_person"),
])
def test_a_reply_in_the_wrong_person_is_caught(reply: str, problem: str) -> None:
    from agent.mock.validate import perspective_problems

    facts = [{"text": "I joined the hospital in 2019 after working in a lab.", "source": "bio"},
             {"text": "My team builds dashboards every week.", "source": "bio"}]
    assert perspective_problems(reply, facts, "Priya Raman") == [problem]


@pytest.mark.parametrize("reply", [
    "I joined the hospital in 2019, after a few years in a lab.",
    "I'm Priya, and my team builds dashboards every week.",
    "If you join a hospital team, you will build dashboards most weeks.",
])
def test_a_reply_in_the_first_person_passes_the_perspective_check(reply: str) -> None:
    from agent.mock.validate import perspective_problems

    facts = [{"text": "I joined the hospital in 2019 after working in a lab.", "source": "bio"},
             {"text": "My team builds dashboards every week.", "source": "bio"}]
    assert perspective_problems(reply, facts, "Priya Raman") == []


@pytest.mark.parametrize(("reply", "problem"), [
    ("You made the jump from the lab to data work in 2018.", "second_person"),
    ("Jordan chose teaching because the schedule suited family life.", "third_person"),
    ("I think he was in a public school at the time.", "third_person"),
])
def test_the_contact_does_not_tell_the_users_past_or_speak_of_them_as_a_third_person(
        reply: str, problem: str) -> None:
    from agent.mock.validate import perspective_problems

    assert problem in perspective_problems(reply, [], "Priya Raman", "Jordan")


@pytest.mark.parametrize("reply", [
    "You mentioned teaching, and that background helps a lot in this work.",
    "Jordan, you should look at a short course in SQL first.",
])
def test_talking_to_the_user_about_what_they_said_is_fine(reply: str) -> None:
    from agent.mock.validate import perspective_problems

    assert perspective_problems(reply, [], "Priya Raman", "Jordan") == []


def test_the_fallback_adds_no_opener_after_a_lead_or_before_a_fact_of_their_own_life() -> None:
    from agent.mock.nodes import _pick_opener
    from agent.mock.persona import OPENERS

    bio = {"text": "I studied chemistry in Portland.", "source": "bio"}
    brief = {"text": "Most weeks mix analysis and meetings.", "source": "role brief: A typical week"}
    seeds = [f"Dana|{i}" for i in range(40)]
    for_bio = {_pick_opener(s, bio) for s in seeds}
    for_brief = {_pick_opener(s, brief) for s in seeds}
    assert for_bio <= {"", "Good question. "} and for_brief == set(OPENERS)


def test_a_third_item_with_the_same_frame_does_not_repeat_it_either() -> None:
    from agent.mock.grounding import extractive_reply

    frame = "Something that matters a lot is"
    facts = [{"text": f"{frame} {item}.", "source": "role brief: Skills that matter"}
             for item in ("SQL", "data cleaning", "statistics")]
    said = extractive_reply(facts, limit=3)
    assert said.count(frame) == 1
    assert said == f"{frame} SQL. Also, data cleaning. And statistics."
