"""Typed input and output of the outreach workflow, and the graph's internal state."""

from __future__ import annotations

from typing import Any, Literal, TypedDict

from pydantic import BaseModel, Field, field_validator

from agent.text.fields import optional_text, required_text

Channel = Literal["email", "linkedin"]


class OutreachRequest(BaseModel):
    """What the user tells us; limits keep a pasted essay from becoming a prompt."""

    contact_name: str = Field(..., min_length=1, max_length=100)
    contact_role: str = Field(..., min_length=1, max_length=120)
    company: str | None = Field(None, max_length=120)
    connection: str | None = Field(None, max_length=240)
    about_me: str | None = Field(None, max_length=600)
    goal: str | None = Field(None, max_length=300)
    channel: Channel = "email"
    my_name: str | None = Field(None, max_length=80)
    minutes: int = Field(20, ge=10, le=30)

    @field_validator("contact_name", "contact_role", mode="before")
    @classmethod
    def _required_text(cls, value: Any) -> Any:
        return required_text(value)

    @field_validator("company", "connection", "about_me", "goal", "my_name", mode="before")
    @classmethod
    def _optional_text(cls, value: Any) -> Any:
        return optional_text(value)


class Check(BaseModel):
    rule: str = Field(..., description="Short rule id, e.g. word_limit")
    passed: bool
    detail: str = Field("", description="Why it passed or failed, for the user")


class OutreachDraft(BaseModel):
    subject: str
    body: str
    channel: Channel
    checks: list[Check]
    sources: list[str]
    phrasing: dict[str, str] = Field(
        default_factory=dict, description="Per slot: 'model' or 'template' (after repair)"
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
    draft: OutreachDraft
