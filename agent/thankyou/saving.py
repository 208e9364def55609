"""Keeping a thank-you draft: the one place the CLI and the UI both save it, so they cannot drift.

With a contact, the notes the note was built from are filed as that contact's interview (once),
in the same transaction as the draft, so the dashboard and the SWOT tab can find them later.
"""

from __future__ import annotations

from agent.store.userdata import UserData
from agent.thankyou.state import ThankYouDraft, ThankYouRequest


def save_thank_you(db: UserData, request: ThankYouRequest, draft: ThankYouDraft,
                   contact_id: int | None = None) -> int:
    held_at = request.interview_time.isoformat(timespec="seconds")
    return db.save_thank_you(contact_id, request.notes, held_at, draft.subject, draft.body)
