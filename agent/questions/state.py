"""Typed input and output of question preparation, and the graph's internal state."""

from __future__ import annotations

from typing import TypedDict

from pydantic import BaseModel, Field

from agent.text.fields import BioText, OptionalText, RequiredText
from agent.text.person import BIO_MAX_BYTES

MIN_MINUTES = 5
MAX_MINUTES = 120


class QuestionsRequest(BaseModel):
    """What the user tells us about the conversation; limits keep pasted essays out of prompts."""

    contact_role: RequiredText = Field(..., min_length=1, max_length=120)
    company: OptionalText = Field(None, max_length=120)
    industry: OptionalText = Field(None, max_length=120)
    goal: OptionalText = Field(None, max_length=300)
    minutes: int = Field(20, ge=MIN_MINUTES, le=MAX_MINUTES)
    rephrase: bool = Field(True, description="Let the model reword questions (validated)")
    contact_name: OptionalText = Field(None, max_length=100)
    bio: BioText = Field(None, max_length=BIO_MAX_BYTES,
                         description="What the user knows about the contact: up to two path questions")


class PreparedQuestion(BaseModel):
    text: str
    priority: int = Field(..., ge=1, description="1 = ask first")
    category: str = Field(..., description="Question family, e.g. path_in, trends, referrals")
    rationale: str = Field(..., description="Why it is on the list, in one short line")
    source_id: str = Field("", description="Bank id of the template, empty for the user's own")
    phrasing: str = Field("template", description="'model' when a validated rephrase was kept")


class QuestionPlan(BaseModel):
    minutes: int
    minutes_per_question: float
    overhead_minutes: float
    questions: list[PreparedQuestion]
    reserve: list[PreparedQuestion] = Field(
        default_factory=list, description="Next best questions, for when answers are short"
    )
    notice: str | None = Field(
        default=None, description="Set when the model failed and the bank wording was kept"
    )


class Candidate(BaseModel):
    """A bank question filled for this contact, with what ranking needs to know."""

    id: str
    template: str
    text: str
    family: str
    value: float
    level: str
    tags: list[str]
    relevance: float = Field(default=0.0, description="Cosine of the question's topic to the goal")
    fits_goal: bool = False
    score: float = 0.0
    phrasing: str = "template"


class QuestionsState(TypedDict, total=False):
    request: QuestionsRequest
    candidates: list[Candidate]
    dropped: dict[str, int]
    selected: list[Candidate]
    reserve: list[Candidate]
    model_error: str
    plan: QuestionPlan
