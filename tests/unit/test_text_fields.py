"""The shared clean-up of typed text fields, and that each request model applies it."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from agent.mock.state import MockRequest
from agent.outreach.state import OutreachRequest
from agent.questions.state import QuestionsRequest
from agent.text.fields import optional_text, required_text


def test_white_space_is_folded_and_blank_means_none() -> None:
    assert optional_text("  Data\n\tScientist ") == "Data Scientist"
    assert optional_text(" \n ") is None
    assert optional_text(None) is None and optional_text(3) == 3
    assert required_text(" Ana \n Ruiz") == "Ana Ruiz"
    with pytest.raises(ValueError, match="must not be empty"):
        required_text("\t ")


def test_request_models_use_it() -> None:
    r = OutreachRequest(contact_name=" Ana\nRuiz ", contact_role="Nurse", company="  ")
    assert r.contact_name == "Ana Ruiz" and r.company is None
    assert QuestionsRequest(contact_role=" UX \n researcher").contact_role == "UX researcher"
    assert MockRequest(contact_role="Nurse", notes="   ").notes is None
    with pytest.raises(ValidationError, match="must not be empty"):
        QuestionsRequest(contact_role="   ")
