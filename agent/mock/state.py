"""Typed contracts of the mock interview: the request, one analysed user turn, the feedback.

The graph state holds plain dicts and lists only (the checkpointer stores them as JSON-like data,
so a session written by one version of the app can be resumed by the next without unpickling
classes); the pydantic models here validate what goes in and what the CLI and UI get out.
"""

from __future__ import annotations

from typing import Any, Literal, TypedDict

from pydantic import BaseModel, Field

from agent.text.fields import BioText, OptionalText, RequiredText
from agent.text.person import BIO_MAX_BYTES
from agent.voice.speech import SpeechFeedback

FlagKind = Literal[
    "job_request", "personal_compensation", "confidential_information", "politics_religion",
    "personal_life", "negativity", "no_introduction", "no_thanks", "no_referral_ask", "over_time",
    "low_priority_first", "web_searchable",
]
TurnKind = Literal["empty", "gibberish", "question", "statement"]
Priority = Literal["core", "minor", "web"]
MAX_TURN_CHARS = 1000


class MockRequest(BaseModel):
    """Who the user is rehearsing with, and for how long."""

    contact_role: RequiredText = Field(..., min_length=2, max_length=120, description="Their job title")
    contact_name: OptionalText = Field(default=None, max_length=100, description="Their name, if known")
    company: OptionalText = Field(default=None, max_length=120, description="Their employer (optional)")
    contact_id: int | None = Field(default=None, ge=1, description="A saved contact to take notes from")
    minutes: int = Field(default=20, ge=5, le=60, description="The agreed length of the call")
    seniority: OptionalText = Field(default=None, max_length=40, description="junior, mid-level, senior...")
    notes: OptionalText = Field(default=None, max_length=1500, description="The user's notes on them")
    bio: BioText = Field(default=None, max_length=BIO_MAX_BYTES,
                            description="What the user knows about this person; the contact's own facts")
    objective: OptionalText = Field(default=None, max_length=300,
                                    description="The one thing the user most wants to learn")
    style: Literal["warm", "busy", "guarded"] = Field(default="warm", description="How the contact talks")



class ScreenView(TypedDict):
    verdict: str
    category: str | None
    reason: str
    rewrite: str | None


class TurnRecord(TypedDict, total=False):
    """What the coach noticed about one user turn (and, after the reply, how long it took)."""

    index: int
    text: str
    kind: TurnKind
    asks: bool
    greeting: bool
    self_intro: bool
    purpose: bool
    thanks: bool
    referral_ask: bool
    name_permission: bool
    wrap_up: bool
    time_ack: bool
    repeat_of: int | None
    screen: ScreenView | None
    web_searchable: bool
    priority: Priority | None
    route: str
    reply_origin: Literal["model", "template"]
    minutes_after: float


class Point(BaseModel):
    """A strength or an improvement, with the turns it is about."""

    text: str
    turns: list[int] = Field(default_factory=list, description="0-based user turn indexes")


class FlaggedTurn(BaseModel):
    turn: int = Field(..., description="0-based index of the user turn")
    kind: FlagKind
    text: str = Field(..., description="What the user said at that turn")
    detail: str = Field(..., description="Why it is flagged and what to do instead")


class Objective(BaseModel):
    """Whether the questions asked served the one thing the user wanted to learn."""

    met: Literal["yes", "partly", "no"]
    turns: list[int] = Field(default_factory=list, description="User turns that served it")
    reason: str


class Feedback(BaseModel):
    strengths: list[Point] = Field(default_factory=list)
    improvements: list[Point] = Field(default_factory=list)
    flagged: list[FlaggedTurn] = Field(default_factory=list)
    summary: str = ""
    summary_origin: Literal["model", "template"] = "template"
    minutes_used: float = 0.0
    minutes_agreed: int = 20
    talk_share: float = Field(0.0, ge=0.0, le=1.0, description="The user's share of all words spoken")
    objective: Objective | None = None
    speech: SpeechFeedback | None = Field(default=None, description="How the spoken turns sounded")


class MockState(TypedDict, total=False):
    request: dict[str, Any]
    persona: dict[str, Any]
    messages: list[dict[str, str]]
    transcript: list[dict[str, str]]
    turns: list[TurnRecord]
    pending: str | None
    aloud: bool  # the pending turn's reply will be spoken (voice output on)
    ended: bool
    clock: dict[str, Any]
    answers: list[dict[str, Any]]
    opened_up: bool
    feedback: dict[str, Any]
    speech: dict[str, dict[str, Any]]  # turn index -> figures of a spoken turn (agent.voice.speech)
