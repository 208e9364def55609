"""Typed input, output and graph state of the SWOT workflow.

The output keeps the public contract of `coach swot --json`: five lists of items, each with its
exact evidence sentences, and the conflicts between sources. Extra fields (each evidence
sentence's source, suggested contacts, ignored text, summaries) are additions, never renames.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal, TypedDict

import numpy as np
from pydantic import BaseModel, Field, field_validator

from agent.config import Settings
from agent.text.notes import Sentence
from agent.text.notes_input import MAX_NOTE_BYTES, MAX_NOTES

Quadrant = Literal["strength", "weakness", "opportunity", "threat", "next_step"]
QUADRANT_KEYS: dict[str, str] = {
    "strength": "strengths", "weakness": "weaknesses", "opportunity": "opportunities",
    "threat": "threats", "next_step": "next_steps",
}


class NoteInput(BaseModel):
    """One interview's notes and how its sentences are cited (file name, 'Interview 2', a date)."""

    source: str = Field(..., min_length=1, max_length=200)
    text: str = Field(..., min_length=1)

    @field_validator("text")
    @classmethod
    def _size(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("notes must not be empty")
        if len(value.encode("utf-8")) > MAX_NOTE_BYTES:
            raise ValueError(f"notes are over the {MAX_NOTE_BYTES // 1000} KB limit")
        return value


class SwotRequest(BaseModel):
    notes: list[NoteInput] = Field(..., min_length=1, max_length=MAX_NOTES)
    summarise: bool | None = Field(
        None, description="Let the model word one summary line per quadrant; None = only when a "
        "capable or remote model is configured (the tiny embedded default cannot)",
    )


class SwotItem(BaseModel):
    text: str = Field(..., description="The point, worded from the evidence")
    evidence: list[str] = Field(..., min_length=1, description="Exact sentences from the notes")
    sources: list[str] = Field(..., description="The source of each evidence sentence, same order")
    kind: Literal["note", "skill_gap", "referral"] = Field(
        "note", description="'note': a classified sentence; the others are derived next steps"
    )
    confidence: float = Field(1.0, ge=0, le=1)


class Claim(BaseModel):
    text: str = Field(..., description="The exact sentence from the notes")
    source: str
    quadrant: str = ""


class Conflict(BaseModel):
    topic: str
    claims: list[Claim] = Field(..., min_length=2)


class SuggestedContact(BaseModel):
    name: str
    source: str = Field(..., description="Where the name first came up")
    evidence: list[str]
    sources: list[str] = Field(default_factory=list, description="The source of each evidence sentence")


class Ignored(BaseModel):
    text: str
    source: str
    reason: str


class SwotReport(BaseModel):
    strengths: list[SwotItem] = Field(default_factory=list)
    weaknesses: list[SwotItem] = Field(default_factory=list)
    opportunities: list[SwotItem] = Field(default_factory=list)
    threats: list[SwotItem] = Field(default_factory=list)
    next_steps: list[SwotItem] = Field(default_factory=list)
    conflicts: list[Conflict] = Field(default_factory=list)
    suggested_contacts: list[SuggestedContact] = Field(default_factory=list)
    ignored: list[Ignored] = Field(default_factory=list)
    summaries: dict[str, str] = Field(
        default_factory=dict, description="Per quadrant key, a model-worded line that passed checks"
    )
    sources: list[str] = Field(default_factory=list)

    def items(self, key: str) -> list[SwotItem]:
        return list(getattr(self, key))

    def payload(self) -> dict[str, Any]:
        return self.model_dump()


@dataclass
class Labelled:
    sentence: Sentence
    label: str
    confidence: float
    vector: np.ndarray


class SwotState(TypedDict, total=False):
    request: SwotRequest
    sentences: list[Sentence]
    ignored: list[Ignored]
    labelled: list[Labelled]
    items: dict[str, list[SwotItem]]
    item_vectors: dict[str, list[np.ndarray]]
    contacts: list[SuggestedContact]
    conflicts: list[Conflict]
    summaries: dict[str, str]
    report: SwotReport


def default_summarise(settings: Settings) -> bool:
    """Summaries by default only where a model can write them: measured on the embedded
    SmolLM2, every summary line failed the grounding check and the call cost most of the run."""
    return settings.capable_model or not settings.embedded
