"""Contacts as the CLI and UI see them: validated edits, status transitions, dashboard views.

A status change records when it happened (requested_at, scheduled_at, done_at, thanked_at) and
appends a history row in the same transaction, so the follow-up schedule can be recomputed at any
time from the stored facts. Moving a contact out of 'requested' marks when they replied, which is
what Dalton's booster / obligate / curmudgeon label is read from.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from pydantic import BaseModel, Field, field_validator

from agent.contacts.schedule import (
    REPLIED_STATUSES,
    colleagues_of,
    due_on,
    follow_ups,
    responsiveness,
    waiting_note,
)
from agent.errors import InputError
from agent.store.userdata import UserData
from agent.text.fields import refuse_instructions

STATUSES = ("to_contact", "requested", "scheduled", "done", "thanked")
STATUS_LABELS = {
    "to_contact": "to contact", "requested": "requested", "scheduled": "scheduled",
    "done": "done", "thanked": "thanked",
}
STATUS_TIMESTAMP = {
    "requested": "requested_at", "scheduled": "scheduled_at", "done": "done_at",
    "thanked": "thanked_at",
}
MARKERS = {
    "replied": "replied_at",
    "second_contact": "second_contact_at",
    "follow_up_sent": "follow_up_sent_at",
    "intro_offered": "intro_offered_at",
    "checked_in": "intro_checked_at",
    "posted": "posted_at",
}
MARKER_LABELS = {
    "replied": "they replied",
    "second_contact": "asked a second person at the same employer",
    "follow_up_sent": "sent the one follow-up",
    "intro_offered": "they offered an introduction",
    "checked_in": "checked in about the introduction",
    "posted": "sent a progress update",
}
RESTART_ON_REQUEST = ("replied_at", "second_contact_at", "follow_up_sent_at")


def _tidy(value: Any) -> Any:
    return " ".join(value.split()) if isinstance(value, str) else value


class ContactFields(BaseModel):
    """The user-typed fields of a contact; None means 'leave unchanged'."""

    name: str | None = Field(default=None, min_length=1, max_length=100)
    role: str | None = Field(default=None, max_length=120)
    company: str | None = Field(default=None, max_length=120)
    connection: str | None = Field(default=None, max_length=240)
    notes: str | None = Field(default=None, max_length=4000)
    intro_to: str | None = Field(default=None, max_length=100)
    bio: str | None = Field(default=None, max_length=20_000,
                            description="What the user knows about them: path, work, employer")

    @field_validator("name", "role", "company", "connection", "intro_to", mode="before")
    @classmethod
    def _one_line(cls, value: Any) -> Any:
        return _tidy(value)

    @field_validator("notes", "bio", mode="before")
    @classmethod
    def _strip(cls, value: Any) -> Any:
        return value.strip() if isinstance(value, str) else value

    @field_validator("name", "role", "company", "connection", "intro_to", "notes")
    @classmethod
    def _data_not_instructions(cls, value: Any) -> Any:
        # These fields reach the rehearsal's persona prompt and the drafts: data, never instructions.
        return refuse_instructions(value) if isinstance(value, str) and value else value

    def given(self) -> dict[str, str]:
        return {k: v for k, v in self.model_dump().items() if v is not None}


@dataclass
class ContactChange:
    """One save: typed fields, an optional new status, markers, and when it happened."""

    fields: ContactFields = field(default_factory=ContactFields)
    status: str | None = None
    at: datetime | None = None
    interview_at: datetime | None = None
    markers: Sequence[str] = ()


def now_local() -> datetime:
    return datetime.now(UTC).astimezone().replace(microsecond=0)


def iso(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds")


def parse_when(value: str | None, what: str) -> datetime | None:
    """A user-given date or date-time (ISO 8601); naive values are local time."""
    if value is None or not value.strip():
        return None
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError as exc:
        raise InputError(f"{what} must be an ISO date or date-time such as 2025-05-12T15:00") from exc
    return moment if moment.tzinfo else moment.astimezone()


def parse_day(value: str | None, what: str = "--today") -> date:
    if value is None or not value.strip():
        return now_local().date()
    try:
        return date.fromisoformat(value.strip())
    except ValueError as exc:
        raise InputError(f"{what} must be a date such as 2025-05-12") from exc


def check_status(value: str | None) -> str | None:
    if value is None:
        return None
    status = value.strip().lower().replace(" ", "_").replace("-", "_")
    if status not in STATUSES:
        raise InputError(f"unknown status {value!r}: use one of {', '.join(STATUSES)}")
    return status


def plan_change(
    current: Mapping[str, Any] | None, change: ContactChange, now: datetime,
) -> tuple[dict[str, Any], list[tuple[str, str]]]:
    """Column values and history events for one save (pure, so it is tested without a database)."""
    values: dict[str, Any] = dict(change.fields.given())
    events: list[tuple[str, str]] = []
    at = iso(change.at or now)
    old_status = str(current.get("status")) if current else None
    status = check_status(change.status)
    if status and status != old_status:
        values["status"] = status
        events.append((f"status:{status}", at))
        if status in STATUS_TIMESTAMP:
            values[STATUS_TIMESTAMP[status]] = at
        if status == "requested":
            values.update(dict.fromkeys(RESTART_ON_REQUEST))
        if old_status == "requested" and status in REPLIED_STATUSES and not (current or {}).get(
                "replied_at"):
            values["replied_at"] = at
            events.append(("replied", at))
    if change.interview_at is not None:
        values["interview_at"] = iso(change.interview_at)
        events.append(("interview_at", iso(change.interview_at)))
    markers = list(change.markers)
    if change.fields.intro_to and not (current or {}).get("intro_offered_at"):
        markers.append("intro_offered")
    for marker in dict.fromkeys(markers):
        if marker not in MARKERS:
            raise InputError(f"unknown marker {marker!r}: use one of {', '.join(MARKERS)}")
        values[MARKERS[marker]] = at
        events.append((marker, at))
    return values, events


def add_contact(db: UserData, change: ContactChange, now: datetime | None = None) -> int:
    if not change.fields.name:
        raise InputError("a contact needs a name")
    values, events = plan_change(None, change, now or now_local())
    values.setdefault("status", "to_contact")
    events.insert(0, ("created", iso(now or now_local())))
    return db.save_contact(None, values, events)


def get_contact_or_fail(db: UserData, contact_id: int) -> dict[str, Any]:
    contact = db.get_contact(contact_id)
    if contact is None:
        raise InputError(f"no contact with id {contact_id}")
    return contact


def update_contact(db: UserData, contact_id: int, change: ContactChange,
                   now: datetime | None = None) -> dict[str, Any]:
    current = get_contact_or_fail(db, contact_id)
    values, events = plan_change(current, change, now or now_local())
    if values or events:
        db.save_contact(contact_id, values, events)
    return get_contact_or_fail(db, contact_id)


def summarise(contact: Mapping[str, Any], contacts: Iterable[Mapping[str, Any]],
              today: date) -> dict[str, Any]:
    """A contact with its status, Dalton label and next follow-up {date, action, ...}."""
    pending = follow_ups(contact, colleagues_of(contact, contacts))
    return {
        **dict(contact),
        "status_label": STATUS_LABELS.get(str(contact.get("status")), str(contact.get("status"))),
        "responsiveness": responsiveness(contact, today),
        "next_follow_up": pending[0].as_dict(today) if pending else None,
        "waiting": waiting_note(contact, today),
    }


def list_contacts(db: UserData, today: date) -> list[dict[str, Any]]:
    contacts = db.list_contacts()
    return [summarise(c, contacts, today) for c in contacts]


def contact_page(db: UserData, contact_id: int, today: date) -> dict[str, Any]:
    """Everything known about one contact, for `contacts show` and the UI's contact page."""
    contact = get_contact_or_fail(db, contact_id)
    contacts = db.list_contacts()
    pending = follow_ups(contact, colleagues_of(contact, contacts))
    return {
        **summarise(contact, contacts, today),
        "follow_ups": [f.as_dict(today) for f in pending],
        "history": db.contact_history(contact_id),
        "questions": db.get_question_list(contact_id),
        "drafts": db.drafts(contact_id),
        "interviews": db.interviews(contact_id),
        "swots": db.swots(contact_id),
    }


def due_list(db: UserData, today: date) -> list[dict[str, Any]]:
    """What is due on `today` or overdue, with the reason, most urgent first."""
    return [
        {"contact_id": c.get("id"), "name": c.get("name"), "company": c.get("company"),
         "status": c.get("status"), **item.as_dict(today)}
        for c, item in due_on(db.list_contacts(), today)
    ]
