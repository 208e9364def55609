"""Keeping an outreach draft: the one place the CLI and the UI both save it, so they cannot drift."""

from __future__ import annotations

from agent.outreach.state import OutreachDraft
from agent.store.userdata import UserData


def save_outreach(db: UserData, draft: OutreachDraft, contact_id: int | None = None) -> int:
    return db.save_draft("outreach", draft.subject, draft.body, contact_id=contact_id)
