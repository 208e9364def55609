"""Typed input and output of the thank-you workflow, and the graph's internal state."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Literal, TypedDict

from pydantic import BaseModel, Field, field_validator

from agent.text.checks import Check
from agent.text.fields import OptionalText, RequiredText
from agent.text.notes_input import MAX_NOTE_BYTES

PointKind = Literal["advice", "insight"]


def _now() -> datetime:
    return datetime.now(UTC).astimezone().replace(microsecond=0)


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo else value.astimezone()


class ThankYouRequest(BaseModel):
    """The notes of one conversation and who it was with; limits keep the prompt small."""

    notes: str = Field(..., min_length=1, max_length=MAX_NOTE_BYTES)
    contact_name: RequiredText = Field(..., min_length=1, max_length=100)
    contact_role: OptionalText = Field(default=None, max_length=120)
    my_name: OptionalText = Field(default=None, max_length=80)
    interview_time: datetime = Field(default_factory=_now, description="When the conversation was")
    written_at: datetime = Field(default_factory=_now, description="When the note is drafted")

    @field_validator("notes")
    @classmethod
    def _has_words(cls, value: str) -> str:
        if not any(ch.isalnum() for ch in value):
            raise ValueError("the notes are empty")
        return value

    @field_validator("interview_time", "written_at")
    @classmethod
    def _timezone(cls, value: datetime) -> datetime:
        return _aware(value)


class Point(BaseModel):
    """The one thing the contact said that the note names, taken verbatim from the notes."""

    sentence: str = Field(..., description="The notes sentence, exactly as written")
    kind: PointKind
    clause: str = Field(..., description="The sentence turned to address the contact")
    label: str | None = Field(default=None, description="Note-sentence label from the classifier, if any")
    use: str | None = Field(default=None, description="A plan from the notes that acts on the point")


class ThankYouDraft(BaseModel):
    subject: str
    body: str
    checks: list[Check]
    due: str = Field(..., description="ISO date-time: 24 hours after the conversation")
    point: str | None = Field(default=None, description="The notes sentence the note is built on")
    phrasing: dict[str, str] = Field(default_factory=dict, description="Per slot: model or template")
    notice: str | None = Field(default=None,
                               description="Set when the model failed and the template wording was used")


class ThankYouState(TypedDict, total=False):
    request: ThankYouRequest
    point: Point | None
    slots: dict[str, str]
    template_slots: dict[str, str]
    origin: dict[str, str]
    subject: str
    body: str
    checks: list[Check]
    attempts: int
    model_error: str
    draft: ThankYouDraft
