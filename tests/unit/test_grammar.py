"""Slots fitted to their sentences: articles by sound, frames that fit the user's words, no repeats."""

from __future__ import annotations

import pytest

from agent.classify.screen import template_rewrites
from agent.outreach import rules
from agent.outreach.state import OutreachRequest
from agent.outreach.template import assemble_email, interest_sentence, subject_line, template_slots
from agent.text.grammar import article, grammar_problems, repeated_phrase
from agent.text.slots import fill, make_slots


@pytest.mark.parametrize(("phrase", "expected"), [
    ("UX Researcher", "a"), ("MBA student", "an"), ("HR partner", "an"), ("university lecturer", "a"),
    ("hourly role", "an"), ("one-day course", "a"), ("18-month programme", "an"), ("SEO lead", "an"),
    ("European agency", "a"), ("engineer", "an"), ("teacher", "a"),
])
def test_article_by_sound(phrase: str, expected: str) -> None:
    assert article(phrase) == expected


def test_grammar_problems_name_what_reads_wrong() -> None:
    assert grammar_problems("I'm an UX researcher.") == ["'an UX' should be 'a UX'"]
    assert repeated_phrase("applying for environmental scientist positions in environmental science")
    assert grammar_problems("I'm exploring learning how field research careers start.")
    assert grammar_problems("Thank you for the the advice.")
    assert grammar_problems("I'm exploring UX research and would value hearing how you approach your "
                            "work as a UX researcher.") == []


def _request(**fields: object) -> OutreachRequest:
    return OutreachRequest.model_validate({"contact_name": "Maria Lopez", "contact_role": "UX Researcher",
                                           **fields})


@pytest.mark.parametrize(("goal", "opening"), [
    ("learning how field research careers start", "I'm interested in learning how field research"),
    ("become a data analyst", "I'd like to become a data analyst,"),
    ("to understand how studies are planned", "I'd like to understand how studies are planned,"),
    ("UX research for health apps", "I'm exploring UX research for health apps"),
    ("I want to move into UX research", "I want to move into UX research,"),
    ("more about accessibility work", "I'd like to learn more about accessibility work,"),
])
def test_the_interest_frame_fits_the_goal_as_typed(goal: str, opening: str) -> None:
    sentence = interest_sentence(_request(goal=goal))
    assert sentence.startswith(opening)
    assert sentence.endswith("how you approach your work as a UX researcher.")
    assert grammar_problems(sentence) == []


def test_subject_keeps_acronyms_and_a_missing_name_is_visible_and_fails() -> None:
    request = _request(goal="ux research")
    assert subject_line(request) == "Learning about UX research"
    body = assemble_email(template_slots(request))
    assert body.rstrip().endswith("[your name]")
    assert not rules.check_signed(body).passed
    signed = assemble_email(template_slots(_request(my_name="Sam Lee")))
    assert rules.check_signed(signed).passed and "[your name]" not in signed


def test_a_role_that_names_its_field_does_not_repeat_it() -> None:
    slots = make_slots("Environmental Scientist")
    text = fill("How do {role}s in {industry} usually split their time?", slots)
    assert text == "How do environmental scientists usually split their time?"
    for rewrite in template_rewrites("job_request", slots):
        assert grammar_problems(rewrite) == [], rewrite
