"""Slot template of the thank-you note: every sentence can be built from the notes alone.

Shape (Yale, OSU, RCEL): greet one person by name, thank them, name one specific point they made,
say how you will use it, close warmly. The model may rephrase the 'point' slot; when its text fails
a rule the sentence built here is used. `FIXED_TEXT` holds our own wording, so the grounding check
knows which words did not come from the user.
"""

from __future__ import annotations

from datetime import datetime

from agent.text.checks import NAME_PLACEHOLDER
from agent.text.grammar import article
from agent.thankyou.point import has_timeframe
from agent.thankyou.state import Point, ThankYouRequest

FIXED_TEXT = [
    "Hi", "Thank you for taking the time to talk with me", "today yesterday on about your work as a an",
    "I especially appreciated your advice to", "I especially appreciated your point that",
    "I especially appreciated hearing about your work",
    "I'm going to put it into practice this month, and I'll let you know how it goes.",
    "I'll keep it in mind as I plan my next steps, and I'll let you know how it goes.",
    "I'm going to", "Thanks again", "your name", "Thank you for your advice",
    "Thank you for our conversation",
    # Gratitude and intentions are not claims about the user's background.
    "thank thanks grateful appreciate appreciated advice tip suggestion suggesting point insight time",
    "conversation talk talking generous generosity sharing share plan planning going will use using",
    "act acting start starting try trying follow following helpful useful valuable mind keep",
]


def first_name(full: str) -> str:
    return full.split()[0]


def when_phrase(interview_time: datetime, written_at: datetime) -> str:
    """'today', 'yesterday', 'on Monday' (this week) or 'on 12 May'."""
    held = interview_time.astimezone(written_at.tzinfo).date()
    days = (written_at.date() - held).days
    if days <= 0:
        return "today"
    if days == 1:
        return "yesterday"
    if days < 7:
        return f"on {held:%A}"
    return f"on {held.day} {held:%B}"


def thanks_sentence(request: ThankYouRequest) -> str:
    when = when_phrase(request.interview_time, request.written_at)
    role = request.contact_role
    about = f" about your work as {article(role)} {role}" if role else ""
    return f"Thank you for taking the time to talk with me {when}{about}."


def point_sentence(point: Point | None) -> str:
    if point is None:
        return "I especially appreciated hearing about your work."
    if point.kind == "advice":
        return f"I especially appreciated your advice to {point.clause}."
    return f"I especially appreciated your point that {point.clause}."


def use_sentence(point: Point | None) -> str:
    if point is not None and point.use:
        return f"I'm going to {point.use}, and I'll let you know how it goes."
    if point is not None and point.kind == "advice":
        when = "" if has_timeframe(point.clause) else " this month"
        return f"I'm going to put it into practice{when}, and I'll let you know how it goes."
    return "I'll keep it in mind as I plan my next steps, and I'll let you know how it goes."


def subject_line(point: Point | None) -> str:
    return "Thank you for your advice" if point and point.kind == "advice" \
        else "Thank you for our conversation"


def template_slots(request: ThankYouRequest, point: Point | None) -> dict[str, str]:
    return {
        "greeting": f"Hi {first_name(request.contact_name)},",
        "thanks": thanks_sentence(request),
        "point": point_sentence(point),
        "use": use_sentence(point),
        "close": "Thanks again,",
        "signature": request.my_name or NAME_PLACEHOLDER,
    }


def assemble(slots: dict[str, str]) -> str:
    middle = " ".join(s for s in (slots["thanks"], slots["point"], slots["use"]) if s)
    sign = slots["close"] + (f"\n{slots['signature']}" if slots.get("signature") else "")
    return f"{slots['greeting']}\n\n{middle}\n\n{sign}"
