"""Keeping a SWOT: the one place the CLI and the UI both save it, so they cannot drift.

With a contact, every interview the SWOT was built from is filed under that contact (once), in the
same transaction as the SWOT itself.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from agent.store.userdata import UserData


def save_swot(db: UserData, contact_id: int | None, notes: Sequence[str], payload: dict[str, Any]) -> int:
    return db.save_swot_from_notes(contact_id, notes, payload)
