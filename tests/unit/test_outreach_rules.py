"""Each outreach rule passes what it should and fails what it should."""

from __future__ import annotations

from agent.outreach import rules
from agent.outreach.state import OutreachRequest
from agent.outreach.template import (
    FIXED_TEXT,
    about_sentence,
    connection_sentence,
    strip_job_clauses,
)
from agent.text.roles import field_for as field_of


def test_length_limits_per_channel() -> None:
    assert rules.check_length("word " * 99, "email").passed
    assert not rules.check_length("word " * 100, "email").passed
    assert rules.check_length("x" * 300, "linkedin").passed
    assert not rules.check_length("x" * 301, "linkedin").passed


def test_job_words_are_caught_including_disguises() -> None:
    assert not rules.check_no_job_words("", "Is your team hiring?").passed
    assert not rules.check_no_job_words("Resume attached", "Hi").passed
    assert not rules.check_no_job_words("", "any open posіtions?").passed  # Cyrillic і
    assert rules.check_no_job_words("Learning about design", "I'd value your perspective.").passed


def test_time_ask_needs_ten_to_thirty_minutes() -> None:
    assert rules.check_time_ask("Would you have 15 minutes?").passed
    assert rules.check_time_ask("a 15-20 minute call").passed
    assert rules.check_time_ask("twenty minutes of your time").passed
    assert not rules.check_time_ask("Would you have 45 minutes?").passed
    assert not rules.check_time_ask("Could we talk sometime?").passed


def test_connection_must_be_in_first_two_sentences() -> None:
    body = "Hi Ann,\n\nLisa Grant suggested I reach out. I teach math."
    assert rules.check_connection_first(body, "Lisa Grant suggested I reach out").passed
    late = "Hi Ann,\n\nI teach math. I like data. I like charts. Lisa Grant suggested I write."
    assert not rules.check_connection_first(late, "Lisa Grant suggested I reach out").passed


def test_grounding_flags_invented_claims() -> None:
    allowed = ["I teach high-school math", "moving into UX research"]
    assert rules.check_grounded("I teach high-school math.", allowed).passed
    failed = rules.check_grounded("I have a PhD from Stanford.", allowed)
    assert not failed.passed and "stanford" in failed.detail


def test_paragraph_count_ignores_greeting_and_sign_off() -> None:
    body = ("Hi Ann,\n\nOne short paragraph here with words.\n\n"
            "A second paragraph asking for time.\n\nThank you,\nSam Lee")
    assert rules.check_paragraphs(body, "email").passed
    three = body.replace("time.", "time.\n\nA third paragraph that rambles on and on.")
    assert not rules.check_paragraphs(three, "email").passed


def test_slot_validator_rejects_prompt_echo_and_drift() -> None:
    allowed = ["moving into UX research", "UX researcher", *FIXED_TEXT]
    assert rules.slot_problems("Your role: UX researcher, fascinating topic.", allowed, 0.7)
    assert rules.slot_problems("I'm exploring moving into UX research.", allowed, 0.2)
    assert not rules.slot_problems("I'm exploring moving into UX research and value your perspective.",
                                   allowed, 0.8)


def test_template_helpers() -> None:
    assert field_of("Senior Product Manager") == "product management"
    assert field_of("Nurse") == "nursing"
    assert "job" not in strip_job_clauses("I teach math, and I'm looking for a job in data.")
    assert connection_sentence("Referred by Lisa Grant") == "Lisa Grant suggested I reach out to you."
    assert connection_sentence("Oberlin College alumni network").startswith("We share a connection")
    assert about_sentence("a nurse with ten years on cardiac wards").startswith("I'm a nurse")


def test_request_validation_trims_and_rejects_empty() -> None:
    req = OutreachRequest(contact_name="  Ann   Lee ", contact_role="Nurse")
    assert req.contact_name == "Ann Lee"
    import pytest
    from pydantic import ValidationError

    with pytest.raises(ValidationError):
        OutreachRequest(contact_name="   ", contact_role="Nurse")
    with pytest.raises(ValidationError):
        OutreachRequest(contact_name="Ann", contact_role="x" * 5000)
