"""Template slots: the field a role works in, articles, plurals, and what cannot be filled."""

from __future__ import annotations

import pytest

from agent.text.slots import article, field_for, fill, make_slots, plural


@pytest.mark.parametrize(("role", "field"), [
    ("Senior UX Designer", "UX design"),
    ("Emergency Department Charge Nurse", "emergency nursing"),
    ("Data Scientist", "data science"),
    ("Associate Attorney (Employment Law)", "employment law"),
    ("Brand Marketing Manager", "brand marketing"),
    ("Group Product Manager", "product management"),
    ("Head of Sales", "sales"),
    ("Enterprise Account Executive", "sales"),
    ("Equity Research Associate", "equity research"),
    ("Undertaker", "work as an undertaker"),
])
def test_field_for_role(role: str, field: str) -> None:
    assert field_for(role) == field


@pytest.mark.parametrize(("phrase", "word"), [
    ("engineer", "an"), ("UX designer", "a"), ("HR business partner", "an"),
    ("user researcher", "a"), ("urban planner", "an"), ("nurse", "a"), ("hour", "an"),
])
def test_article_follows_the_sound(phrase: str, word: str) -> None:
    assert article(phrase) == word


def test_plural_keeps_qualifiers() -> None:
    assert plural("attorney (employment law)") == "attorneys (employment law)"
    assert plural("head of sales") == "heads of sales"
    assert plural("actuary") == "actuaries"


def test_fill_uses_articles_plurals_and_industry() -> None:
    slots = make_slots("Audit Senior", "Accounting")
    text = fill("What is it like as a {role}, and how do {role}s see {industry}?", slots)
    assert text == "What is it like as an audit senior, and how do audit seniors see accounting?"


def test_company_template_is_skipped_without_a_company() -> None:
    assert fill("What made you choose {company}?", make_slots("Nurse")) is None
    assert fill("What made you choose {company}?", make_slots("Nurse", company="Acme")) == (
        "What made you choose Acme?")


def test_generic_field_reads_well_after_a_preposition() -> None:
    text = fill("Where do you see growth in {field}?", make_slots("Sous Chef"))
    assert text == "Where do you see growth in this line of work?"


@pytest.mark.parametrize(("role", "expected"), [
    ("Museum Registrar", "work as a museum registrar"),
    ("Translator (Spanish-English)", "Spanish-English translation"),
    ("SaaS Sales Manager", "SaaS sales"),
    ("DevOps Engineer", "DevOps engineering"),
])
def test_field_keeps_what_the_user_capitalised_on_purpose(role: str, expected: str) -> None:
    assert field_for(role) == expected
