"""Typed input and output of the outreach workflow, and the graph's internal state."""

from __future__ import annotations

from typing import Any, Literal, TypedDict

from pydantic import BaseModel, Field

from agent.text.checks import Check
from agent.text.fields import BioText, OptionalText, RequiredText
from agent.text.person import BIO_MAX_BYTES

Channel = Literal["email", "linkedin"]


class OutreachRequest(BaseModel):
    """What the user tells us; limits keep a pasted essay from becoming a prompt."""

    contact_name: RequiredText = Field(..., min_length=1, max_length=100)
    contact_role: RequiredText = Field(..., min_length=1, max_length=120)
    company: OptionalText = Field(None, max_length=120)
    connection: OptionalText = Field(None, max_length=240)
    about_me: OptionalText = Field(None, max_length=600)
    goal: OptionalText = Field(None, max_length=300)
    channel: Channel = "email"
    my_name: OptionalText = Field(None, max_length=80)
    minutes: int = Field(20, ge=10, le=30)
    bio: BioText = Field(None, max_length=BIO_MAX_BYTES,
                         description="What the user knows about the contact: one homework line")


class OutreachDraft(BaseModel):
    subject: str
    body: str
    channel: Channel
    checks: list[Check]
    sources: list[str]
    phrasing: dict[str, str] = Field(
        default_factory=dict, description="Per slot: 'model' or 'template' (after repair)"
    )
    notice: str | None = Field(
        default=None, description="Set when the model failed and the template wording was used"
    )


class OutreachState(TypedDict, total=False):
    request: OutreachRequest
    guidance: list[dict[str, Any]]
    sources: list[str]
    slots: dict[str, str]
    template_slots: dict[str, str]
    origin: dict[str, str]
    subject: str
    body: str
    checks: list[Check]
    attempts: int
    model_error: str
    draft: OutreachDraft
