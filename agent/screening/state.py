"""What a screened question comes back as, and the fixed set of categories the screen knows."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

Verdict = Literal["ok", "flag", "review"]
Category = Literal[
    "job_request", "personal_compensation", "confidential_information", "politics_religion",
    "personal_life", "negativity",
]
CATEGORIES: tuple[str, ...] = (
    "job_request", "personal_compensation", "confidential_information", "politics_religion",
    "personal_life", "negativity",
)
OK = "ok"
LABELS: tuple[str, ...] = (*CATEGORIES, OK)


class ScreenResult(BaseModel):
    """One question's verdict. `review` means the screen could not decide: shown, never passed.

    For `review`, `category` is the screen's best guess, so the user sees what to look at.
    """

    question: str
    verdict: Verdict
    category: str | None = Field(None, description="One of CATEGORIES; None when ok")
    reason: str = Field("", description="One line for the user; empty when ok")
    rewrite: str | None = Field(None, description="A question with the same intent, within bounds")
    confidence: float = Field(..., ge=0.0, le=1.0)
