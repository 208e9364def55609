"""Business-day arithmetic and the follow-up rules (3B7, thank-you, introductions, Dalton labels)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from agent.contacts.schedule import (
    due_on,
    follow_ups,
    next_follow_up,
    responsiveness,
    waiting_note,
)
from agent.timing import add_business_days, business_days_between

MON, TUE, WED, THU, FRI, SAT, SUN = (date(2025, 5, d) for d in range(12, 19))


@pytest.mark.parametrize(
    ("start", "days", "expected"),
    [
        (FRI, 3, date(2025, 5, 21)),   # Fri + 3 = Wed
        (MON, 3, THU),                 # Mon + 3 = Thu
        (MON, 7, date(2025, 5, 21)),   # Mon + 7 = next Wed
        (FRI, 1, date(2025, 5, 19)),   # Fri + 1 = Mon
        (SAT, 1, date(2025, 5, 19)),   # a weekend start counts from Monday
        (SUN, 3, date(2025, 5, 21)),
        (THU, 7, date(2025, 5, 26)),   # crosses one weekend
        (FRI, 10, date(2025, 5, 30)),  # crosses two weekends
        (WED, 0, WED),
    ],
)
def test_add_business_days_skips_weekends(start: date, days: int, expected: date) -> None:
    assert add_business_days(start, days) == expected


def test_add_business_days_never_lands_on_a_weekend() -> None:
    for offset in range(14):
        start = MON + timedelta(days=offset)
        for days in range(1, 12):
            assert add_business_days(start, days).weekday() < 5


def test_holidays_push_the_date_out() -> None:
    memorial_day = date(2025, 5, 26)
    thursday = date(2025, 5, 22)
    assert add_business_days(thursday, 3) == memorial_day + timedelta(days=1)
    assert add_business_days(thursday, 3, holidays={memorial_day}) == date(2025, 5, 28)


def test_negative_days_are_rejected() -> None:
    with pytest.raises(ValueError):
        add_business_days(MON, -1)


def test_business_days_between_counts_only_weekdays() -> None:
    assert business_days_between(FRI, date(2025, 5, 19)) == 1
    assert business_days_between(FRI, date(2025, 5, 21)) == 3
    assert business_days_between(MON, MON) == 0
    assert business_days_between(WED, MON) == 0
    assert business_days_between(MON, date(2025, 5, 26)) == 10
    assert business_days_between(MON, date(2025, 5, 26), holidays={date(2025, 5, 26)}) == 9


def contact(**fields: object) -> dict[str, object]:
    return {"id": 1, "name": "Dana Ruiz", "company": "Fernwood Health", "status": "to_contact",
            **fields}


def kinds(items: list) -> list[str]:  # type: ignore[type-arg]
    return [i.kind for i in items]


def test_nothing_is_due_before_a_request_is_sent() -> None:
    assert follow_ups(contact()) == []
    assert next_follow_up(contact()) is None


def test_3b7_second_person_on_day_3_and_one_follow_up_on_day_7() -> None:
    c = contact(status="requested", requested_at="2025-05-16T10:00:00+02:00")  # a Friday
    items = follow_ups(c)
    assert kinds(items) == ["second_contact", "follow_up"]
    assert items[0].due == date(2025, 5, 21)   # Fri + 3 business days = Wed
    assert items[1].due == date(2025, 5, 27)   # Fri + 7 business days = Tue
    assert "Fernwood Health" in items[0].action
    assert "only once" in items[1].reason


def test_3b7_items_are_listed_only_from_their_day() -> None:
    c = contact(status="requested", requested_at="2025-05-12T09:00:00+00:00")
    assert due_on([c], date(2025, 5, 14)) == []
    assert kinds([i for _, i in due_on([c], THU)]) == ["second_contact"]
    late = due_on([c], date(2025, 5, 22))
    assert kinds([i for _, i in late]) == ["second_contact", "follow_up"]
    assert late[0][1].is_overdue(date(2025, 5, 22))
    assert not late[1][1].is_overdue(date(2025, 5, 21))


def test_follow_up_is_sent_only_once_then_stop() -> None:
    c = contact(status="requested", requested_at="2025-05-12T09:00:00+00:00",
                second_contact_at="2025-05-15T09:00:00+00:00",
                follow_up_sent_at="2025-05-21T09:00:00+00:00")
    assert follow_ups(c) == []
    assert responsiveness(c, date(2025, 5, 22)) is None
    assert "no more reminders" in waiting_note(c, date(2025, 5, 22))
    assert responsiveness(c, date(2025, 5, 30)) == "curmudgeon"
    assert "stop" in waiting_note(c, date(2025, 5, 30))


def test_a_colleague_asked_after_the_request_satisfies_day_3() -> None:
    dana = contact(status="requested", requested_at="2025-05-12T09:00:00+00:00")
    kenji = {"id": 2, "name": "Kenji Watanabe", "company": "fernwood health ",
             "status": "requested", "requested_at": "2025-05-15T09:00:00+00:00"}
    assert kinds(follow_ups(dana, [kenji])) == ["follow_up"]


def test_day_3_suggests_colleagues_waiting_on_the_list() -> None:
    dana = contact(status="requested", requested_at="2025-05-12T09:00:00+00:00")
    kenji = {"id": 2, "name": "Kenji Watanabe", "company": "Fernwood Health", "status": "to_contact"}
    [(_, item)] = [p for p in due_on([dana, kenji], THU) if p[0]["id"] == 1]
    assert "Kenji Watanabe" in item.action


def test_a_reply_ends_3b7() -> None:
    c = contact(status="scheduled", requested_at="2025-05-12T09:00:00+00:00",
                replied_at="2025-05-13T09:00:00+00:00")
    assert "second_contact" not in kinds(follow_ups(c))
    assert "follow_up" not in kinds(follow_ups(c))


def test_thank_you_is_due_24_hours_after_the_interview() -> None:
    c = contact(status="done", interview_at="2025-05-16T15:30:00+02:00",
                done_at="2025-05-16T16:00:00+02:00")
    [item] = follow_ups(c)
    assert item.kind == "thank_you"
    assert item.due_at is not None and item.due_at.isoformat() == "2025-05-17T15:30:00+02:00"
    assert item.is_listed(FRI) and not item.is_overdue(SAT) and item.is_overdue(SUN)


def test_thank_you_falls_back_to_when_it_was_marked_done() -> None:
    c = contact(status="done", done_at="2025-05-12T18:00:00+00:00")
    assert follow_ups(c)[0].due == TUE


def test_thanked_contacts_owe_no_thank_you_but_a_later_update() -> None:
    c = contact(status="thanked", interview_at="2025-05-12T10:00:00+00:00",
                thanked_at="2025-05-12T20:00:00+00:00")
    [item] = follow_ups(c)
    assert item.kind == "keep_posted" and item.due == date(2025, 6, 11)
    assert follow_ups({**c, "posted_at": "2025-06-10T10:00:00+00:00"}) == []


def test_intro_check_in_window_is_7_to_10_days() -> None:
    c = contact(status="thanked", thanked_at="2025-05-12T20:00:00+00:00",
                intro_offered_at="2025-05-12T10:00:00+00:00", intro_to="Kenji Watanabe",
                posted_at="2025-05-13T10:00:00+00:00")
    [item] = follow_ups(c)
    assert item.kind == "intro_check_in" and "Kenji Watanabe" in item.action
    assert (item.due, item.closes) == (date(2025, 5, 19), date(2025, 5, 22))
    assert not item.is_listed(date(2025, 5, 18))
    assert item.is_listed(date(2025, 5, 19)) and not item.is_overdue(date(2025, 5, 22))
    assert item.is_overdue(date(2025, 5, 23))
    assert follow_ups({**c, "intro_checked_at": "2025-05-20T10:00:00+00:00"}) == []


def test_scheduled_interview_shows_on_its_day() -> None:
    c = contact(status="scheduled", interview_at="2025-05-14T11:00:00+00:00")
    assert [i.kind for _, i in due_on([c], WED)] == ["interview"]
    assert due_on([c], TUE) == []


def test_next_follow_up_is_the_earliest() -> None:
    c = contact(status="done", interview_at="2025-05-20T10:00:00+00:00",
                intro_offered_at="2025-05-12T10:00:00+00:00")
    assert next_follow_up(c).kind == "intro_check_in"  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("fields", "today", "label"),
    [
        ({"status": "scheduled", "requested_at": "2025-05-16T09:00:00+00:00",
          "replied_at": "2025-05-20T09:00:00+00:00"}, WED, "booster"),      # 2 business days
        ({"status": "scheduled", "requested_at": "2025-05-12T09:00:00+00:00",
          "replied_at": "2025-05-19T09:00:00+00:00"}, WED, "obligate"),     # 5 business days
        ({"status": "scheduled", "requested_at": "2025-05-12T09:00:00+00:00",
          "follow_up_sent_at": "2025-05-13T09:00:00+00:00",
          "replied_at": "2025-05-14T09:00:00+00:00"}, WED, "obligate"),     # only after a nudge
        ({"status": "done", "intro_offered_at": "2025-05-12T09:00:00+00:00"}, WED, "booster"),
        ({"status": "requested", "requested_at": "2025-05-12T09:00:00+00:00"}, WED, None),
        ({"status": "to_contact"}, WED, None),
    ],
)
def test_responsiveness_labels(fields: dict[str, str], today: date, label: str | None) -> None:
    assert responsiveness(contact(**fields), today) == label


def test_due_list_is_ordered_most_urgent_first() -> None:
    a = contact(id=1, status="requested", requested_at="2025-05-05T09:00:00+00:00")
    b = contact(id=2, name="Raj", company="Ironvale", status="done",
                interview_at="2025-05-13T09:00:00+00:00")
    found = due_on([a, b], date(2025, 5, 14))
    dues = [item.due for _, item in found]
    assert dues == sorted(dues)
    assert {item.kind for _, item in found} == {"second_contact", "follow_up", "thank_you"}
