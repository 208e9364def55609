"""Words to put into a question template: the contact's role, their field and their industry.

Templates say `{role}`, `{field}`, `{industry}` and `{company}`. A role title rarely names the field
directly ('Emergency Department Charge Nurse' is emergency nursing), so the field is derived from
the title's head noun and its specialty words, keeping acronyms such as UX or HR as typed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from agent.text.grammar import article, repeated_phrase
from agent.text.roles import case_phrase, field_for, plural, role_phrase

__all__ = ["Slots", "article", "field_for", "fill", "make_slots", "plural", "role_phrase"]


@dataclass(frozen=True)
class Slots:
    """What fills a template; `company` is None when the user gave none."""

    role: str
    field: str
    industry: str
    company: str | None


def make_slots(role: str | None, industry: str | None = None, company: str | None = None) -> Slots:
    """Slot values from the user's inputs; a missing industry falls back to the field."""
    if not role:
        return Slots(role="professional", field="this field", industry=industry or "this industry",
                     company=company)
    field = field_for(role)
    return Slots(role=role_phrase(role), field=field, industry=(industry or field).strip(),
                 company=company)


PLACEHOLDER = re.compile(r"(?P<art>\b[Aa]n?\s+)?\{(?P<name>role|field|industry|company)\}(?P<plural>s\b)?")


AFTER_PREPOSITION = re.compile(r"\b(in|into|within|across|of|about|around|from|before|to) \{field\}")


SCOPE_PHRASE = re.compile(r"\s+(?:in|within|across)\s+\{(?:field|industry)\}")


def fill(template: str, slots: Slots) -> str | None:
    """Fill a template; None when it needs a company we were not given.

    When the role already names the field ('How do data analysts in data analysis…'), the
    'in {field}' phrase that would repeat it is left out.
    """
    text = _fill(template, slots)
    if text is not None and repeated_phrase(text) and SCOPE_PHRASE.search(template):
        return _fill(SCOPE_PHRASE.sub("", template), slots)
    return text


def _fill(template: str, slots: Slots) -> str | None:
    if "{company}" in template and not slots.company:
        return None

    def put(match: re.Match[str]) -> str:
        name = match.group("name")
        value = getattr(slots, name)
        if name == "industry" and value != "this industry" and not value.isupper():
            value = case_phrase(value)
        if match.group("plural"):
            value = plural(value)
        art = match.group("art")
        if art:
            word = article(value)
            word = word.capitalize() if art[0].isupper() else word
            return f"{word} {value}"
        return value

    if slots.field.startswith("work as "):
        template = AFTER_PREPOSITION.sub(r"\1 this line of work", template)
    text = PLACEHOLDER.sub(put, template)
    return text[:1].upper() + text[1:]
