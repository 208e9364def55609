"""The timing rules of the craft, as constants and pure date arithmetic.

Steve Dalton's 3B7 rule (Duke Career Hub, SFU Career Services) counts business days for an
unanswered request; a thank-you goes out within 24 hours (Yale, OSU); an offered introduction gets
a check-in after 7–10 days; people are kept posted about a month later (Yale). The contacts
dashboard schedules follow-ups with these and the thank-you note states its due time with them,
so both read one definition. Business days skip Saturdays and Sundays; public holidays are optional
(`holidays=`) because the right calendar depends on the contact's country.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import date, datetime, timedelta

SECOND_CONTACT_DAYS = 3
FOLLOW_UP_DAYS = 7
NO_REPLY_AFTER_FOLLOW_UP_DAYS = 7
BOOSTER_REPLY_DAYS = 3
THANK_YOU_HOURS = 24
INTRO_CHECK_IN_DAYS = (7, 10)
KEEP_POSTED_DAYS = 30
NO_HOLIDAYS: frozenset[date] = frozenset()


def is_business_day(day: date, holidays: Collection[date] = NO_HOLIDAYS) -> bool:
    return day.weekday() < 5 and day not in holidays


def add_business_days(start: date, days: int, holidays: Collection[date] = NO_HOLIDAYS) -> date:
    """The date `days` business days after `start` (start itself is day 0, whatever weekday).

    A request sent on Friday reaches day 3 on Wednesday; one sent on Saturday also on Wednesday.
    """
    if days < 0:
        raise ValueError("days must not be negative")
    day, counted = start, 0
    while counted < days:
        day += timedelta(days=1)
        if is_business_day(day, holidays):
            counted += 1
    return day


def business_days_between(start: date, end: date, holidays: Collection[date] = NO_HOLIDAYS) -> int:
    """Business days in (start, end]; 0 when end is not after start."""
    count, day = 0, start
    while day < end:
        day += timedelta(days=1)
        if is_business_day(day, holidays):
            count += 1
    return count


def thank_you_due(interview_at: datetime) -> datetime:
    """The thank-you deadline: 24 hours after the conversation."""
    return interview_at + timedelta(hours=THANK_YOU_HOURS)
