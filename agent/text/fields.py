"""What every request model does to the short text fields a user types: fold runs of white space
(pasted text brings newlines and tabs), treat a blank answer as no answer, and refuse text written
to an AI model rather than about the user ("ignore previous instructions and…"): these fields go
into templates and prompts, and what a user types is data, never instructions."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BeforeValidator

from agent.text.injection import instruction_reason

INSTRUCTION_REFUSAL = ("reads like an instruction to an AI model, not information about you or "
                       "your contact; write it in your own words")


def refuse_instructions(text: str) -> str:
    if instruction_reason(text):
        raise ValueError(INSTRUCTION_REFUSAL)
    return text


def optional_text(value: Any) -> Any:
    """Folded text, or None when nothing but white space was given; non-strings pass through for
    the field's own type check."""
    if isinstance(value, str):
        folded = " ".join(value.split())
        return refuse_instructions(folded) if folded else None
    return value


def required_text(value: Any) -> Any:
    """Folded text; blank is refused with the message the CLI and UI show."""
    if isinstance(value, str):
        folded = " ".join(value.split())
        if not folded:
            raise ValueError("must not be empty")
        return refuse_instructions(folded)
    return value


# Field types for request models: the clean-up runs before the field's own length checks.
OptionalText = Annotated[str | None, BeforeValidator(optional_text)]
RequiredText = Annotated[str, BeforeValidator(required_text)]


def bio_text(value: Any) -> Any:
    """A pasted bio keeps its lines (each may be a fact); blank is no bio, NUL bytes are refused."""
    if isinstance(value, str):
        if "\x00" in value:
            raise ValueError("the bio contains binary data")
        return value.strip() or None
    return value


# What the user knows about a contact, many lines long: see agent/text/person.py.
BioText = Annotated[str | None, BeforeValidator(bio_text)]
