"""When to act on each contact: pure functions over a contact's status and timestamps.

The rules come from the career-centre playbooks the coach teaches: Steve Dalton's 3B7 rule
(Duke Career Hub, SFU Career Services) for unanswered requests, a thank-you within 24 hours
(Yale, OSU), a check-in 7–10 days after an offered introduction, and keeping people posted later
(Yale). Dalton's boosters / obligates / curmudgeons label comes from how quickly someone answered.
The intervals and the business-day arithmetic are in `agent.timing`. Nothing here reads the
clock: every function takes `today`, so the same inputs always give the same schedule.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, Literal

from agent.timing import (
    BOOSTER_REPLY_DAYS,
    FOLLOW_UP_DAYS,
    INTRO_CHECK_IN_DAYS,
    KEEP_POSTED_DAYS,
    NO_HOLIDAYS,
    NO_REPLY_AFTER_FOLLOW_UP_DAYS,
    SECOND_CONTACT_DAYS,
    add_business_days,
    business_days_between,
    thank_you_due,
)

FollowUpKind = Literal[
    "second_contact", "follow_up", "interview", "thank_you", "intro_check_in", "keep_posted",
]
Responsiveness = Literal["booster", "obligate", "curmudgeon"]

REPLIED_STATUSES = ("scheduled", "done", "thanked")


def parse_moment(value: str) -> datetime:
    """An ISO timestamp as stored; a naive value is taken as local time."""
    moment = datetime.fromisoformat(value)
    return moment if moment.tzinfo else moment.astimezone()


def moment_date(value: str) -> date:
    """The calendar date of a stored timestamp, in the offset it was recorded with."""
    return parse_moment(value).date()


@dataclass(frozen=True)
class FollowUp:
    """One thing to do for a contact: listed from `opens`, due on `due`, late after `closes`."""

    kind: FollowUpKind
    due: date
    action: str
    reason: str
    opens: date
    closes: date | None = None
    due_at: datetime | None = None

    def is_listed(self, today: date) -> bool:
        return self.opens <= today

    def is_overdue(self, today: date) -> bool:
        return today > (self.closes or self.due)

    def as_dict(self, today: date) -> dict[str, Any]:
        return {
            "date": self.due.isoformat(),
            "action": self.action,
            "kind": self.kind,
            "reason": self.reason,
            "opens": self.opens.isoformat(),
            "closes": self.closes.isoformat() if self.closes else None,
            "due_at": self.due_at.isoformat(timespec="minutes") if self.due_at else None,
            "overdue": self.is_overdue(today),
        }


def _get(contact: Mapping[str, Any], key: str) -> str | None:
    value = contact.get(key)
    return str(value) if value else None


def _first_name(contact: Mapping[str, Any]) -> str:
    name = str(contact.get("name") or "").strip()
    return name.split()[0] if name else "them"


def colleagues_of(
    contact: Mapping[str, Any], contacts: Iterable[Mapping[str, Any]],
) -> list[Mapping[str, Any]]:
    """Other contacts at the same employer (company names compared case-insensitively)."""
    company = str(contact.get("company") or "").strip().casefold()
    if not company:
        return []
    return [c for c in contacts if c.get("id") != contact.get("id")
            and str(c.get("company") or "").strip().casefold() == company]


def _second_person_asked(contact: Mapping[str, Any], colleagues: Sequence[Mapping[str, Any]],
                         requested: date) -> bool:
    if _get(contact, "second_contact_at"):
        return True
    for other in colleagues:
        asked = _get(other, "requested_at")
        if asked and moment_date(asked) >= requested:
            return True
    return False


def _three_b_seven(contact: Mapping[str, Any], colleagues: Sequence[Mapping[str, Any]],
                   holidays: Collection[date]) -> list[FollowUp]:
    requested_at = _get(contact, "requested_at")
    if contact.get("status") != "requested" or not requested_at or _get(contact, "replied_at"):
        return []
    requested = moment_date(requested_at)
    items = []
    if not _second_person_asked(contact, colleagues, requested):
        day3 = add_business_days(requested, SECOND_CONTACT_DAYS, holidays)
        company = str(contact.get("company") or "").strip()
        where = company or "the same employer"
        waiting = [str(c.get("name")) for c in colleagues if c.get("status") == "to_contact"]
        suggestion = f" (on your list: {', '.join(waiting[:3])})" if waiting else ""
        items.append(FollowUp(
            kind="second_contact", due=day3, opens=day3,
            action=f"Write to a second person at {where}{suggestion}",
            reason=f"no reply from {_first_name(contact)} 3 business days after your request (3B7)",
        ))
    if not _get(contact, "follow_up_sent_at"):
        day7 = add_business_days(requested, FOLLOW_UP_DAYS, holidays)
        items.append(FollowUp(
            kind="follow_up", due=day7, opens=day7,
            action=f"Send {_first_name(contact)} one short follow-up, then stop",
            reason="no reply 7 business days after your request (3B7: follow up only once)",
        ))
    return items


def _interview(contact: Mapping[str, Any]) -> list[FollowUp]:
    at = _get(contact, "interview_at")
    if contact.get("status") != "scheduled" or not at:
        return []
    moment = parse_moment(at)
    return [FollowUp(
        kind="interview", due=moment.date(), opens=moment.date(), due_at=moment,
        action=(f"Informational interview with {_first_name(contact)} at {moment:%H:%M}: "
                "keep to the agreed time, then mark it done"),
        reason="interview scheduled",
    )]


def _thank_you(contact: Mapping[str, Any]) -> list[FollowUp]:
    held = _get(contact, "interview_at") or _get(contact, "done_at")
    if contact.get("status") != "done" or _get(contact, "thanked_at") or not held:
        return []
    moment = parse_moment(held)
    deadline = thank_you_due(moment)
    return [FollowUp(
        kind="thank_you", due=deadline.date(), opens=moment.date(), due_at=deadline,
        action=f"Send {_first_name(contact)} a short thank-you note by {deadline:%a %d %b %H:%M}",
        reason="thank-you within 24 hours of the conversation (Yale, OSU)",
    )]


def _intro_check_in(contact: Mapping[str, Any]) -> list[FollowUp]:
    offered = _get(contact, "intro_offered_at")
    if not offered or _get(contact, "intro_checked_at"):
        return []
    start = moment_date(offered)
    first, last = INTRO_CHECK_IN_DAYS
    to = str(contact.get("intro_to") or "").strip()
    about = f"the introduction to {to}" if to else "the introduction they offered"
    return [FollowUp(
        kind="intro_check_in", due=start + timedelta(days=first), opens=start + timedelta(days=first),
        closes=start + timedelta(days=last),
        action=f"Check in with {_first_name(contact)} about {about}, if you have not heard",
        reason="check in 7–10 days after an offered introduction",
    )]


def _keep_posted(contact: Mapping[str, Any]) -> list[FollowUp]:
    thanked = _get(contact, "thanked_at")
    if contact.get("status") != "thanked" or not thanked or _get(contact, "posted_at"):
        return []
    day = moment_date(thanked) + timedelta(days=KEEP_POSTED_DAYS)
    return [FollowUp(
        kind="keep_posted", due=day, opens=day,
        action=f"Send {_first_name(contact)} a short update on what you did with their advice",
        reason="keep them posted on your progress (Yale Office of Career Strategy)",
    )]


def follow_ups(
    contact: Mapping[str, Any], colleagues: Sequence[Mapping[str, Any]] = (),
    holidays: Collection[date] = NO_HOLIDAYS,
) -> list[FollowUp]:
    """Every pending follow-up for a contact, earliest due first (listed or not yet)."""
    items = [
        *_three_b_seven(contact, colleagues, holidays), *_interview(contact),
        *_thank_you(contact), *_intro_check_in(contact), *_keep_posted(contact),
    ]
    return sorted(items, key=lambda f: (f.due, f.kind))


def next_follow_up(
    contact: Mapping[str, Any], colleagues: Sequence[Mapping[str, Any]] = (),
    holidays: Collection[date] = NO_HOLIDAYS,
) -> FollowUp | None:
    items = follow_ups(contact, colleagues, holidays)
    return items[0] if items else None


def due_on(
    contacts: Sequence[Mapping[str, Any]], today: date, holidays: Collection[date] = NO_HOLIDAYS,
) -> list[tuple[Mapping[str, Any], FollowUp]]:
    """What is due today or overdue, across all contacts, most urgent first."""
    found = []
    for contact in contacts:
        for item in follow_ups(contact, colleagues_of(contact, contacts), holidays):
            if item.is_listed(today):
                found.append((contact, item))
    return sorted(found, key=lambda pair: (
        pair[1].due, pair[1].due_at.timestamp() if pair[1].due_at else 0.0, pair[0].get("id") or 0,
    ))


def responsiveness(
    contact: Mapping[str, Any], today: date, holidays: Collection[date] = NO_HOLIDAYS,
) -> Responsiveness | None:
    """Dalton's label from how the contact answered; None until there is a signal.

    booster: answered within 3 business days without a reminder, or offered an introduction;
    obligate: answered, but later or only after the follow-up; curmudgeon: still silent
    7 business days after the one follow-up.
    """
    if _get(contact, "intro_offered_at"):
        return "booster"
    requested_at, replied_at = _get(contact, "requested_at"), _get(contact, "replied_at")
    follow_up_at = _get(contact, "follow_up_sent_at")
    if requested_at and replied_at:
        replied = moment_date(replied_at)
        if follow_up_at and moment_date(follow_up_at) <= replied:
            return "obligate"
        waited = business_days_between(moment_date(requested_at), replied, holidays)
        return "booster" if waited <= BOOSTER_REPLY_DAYS else "obligate"
    if contact.get("status") == "requested" and follow_up_at:
        silent_until = add_business_days(moment_date(follow_up_at), NO_REPLY_AFTER_FOLLOW_UP_DAYS,
                                         holidays)
        if today >= silent_until:
            return "curmudgeon"
    return None


def waiting_note(contact: Mapping[str, Any], today: date,
                 holidays: Collection[date] = NO_HOLIDAYS) -> str:
    """A short line for a contact with nothing due: where it stands in the 3B7 sequence."""
    if contact.get("status") != "requested" or _get(contact, "replied_at"):
        return ""
    follow_up_at = _get(contact, "follow_up_sent_at")
    if follow_up_at:
        if responsiveness(contact, today, holidays) == "curmudgeon":
            return "no reply after your one follow-up: stop and spend the time on other contacts"
        return "follow-up sent: no more reminders; wait for a reply"
    requested_at = _get(contact, "requested_at")
    if requested_at:
        days = business_days_between(moment_date(requested_at), today, holidays)
        return f"waiting for a reply: business day {days} of 7"
    return ""
