"""What every request model does to the short text fields a user types: fold runs of white space
(pasted text brings newlines and tabs), and treat a blank answer as no answer."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BeforeValidator


def optional_text(value: Any) -> Any:
    """Folded text, or None when nothing but white space was given; non-strings pass through for
    the field's own type check."""
    if isinstance(value, str):
        return " ".join(value.split()) or None
    return value


def required_text(value: Any) -> Any:
    """Folded text; blank is refused with the message the CLI and UI show."""
    if isinstance(value, str):
        folded = " ".join(value.split())
        if not folded:
            raise ValueError("must not be empty")
        return folded
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
