"""`coach thank-you NOTES_FILE --contact-name N`: draft the thank-you note and check it.

The note is due 24 hours after the conversation (`--interview-time`, default: the contact's
recorded interview time, else now). With `--contact-id` the draft is filed on the contact's page.
"""

from __future__ import annotations

import argparse

from agent.cli import emit, warn_notice
from agent.cli.common import add_json_flag, deps_from, ensure_index
from agent.contacts.service import get_contact_or_fail, parse_when
from agent.text.notes_input import MAX_NOTE_BYTES, read_notes_file
from agent.thankyou.state import ThankYouDraft, ThankYouRequest


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("thank-you", help="draft a thank-you note from your interview notes")
    p.add_argument("notes_file", metavar="NOTES_FILE",
                   help=f"UTF-8 text notes of one conversation, at most {MAX_NOTE_BYTES // 1000} KB "
                        "('-' reads standard input)")
    p.add_argument("--contact-name", required=True)
    p.add_argument("--contact-id", type=int, help="file the draft on this contact (see `coach contacts`)")
    p.add_argument("--contact-role", help="their role, for the opening line (optional)")
    p.add_argument("--interview-time", help="ISO date-time of the conversation (default: now)")
    p.add_argument("--my-name", help="your name for the sign-off (default: saved profile)")
    add_json_flag(p)
    p.set_defaults(func=run)


def render(draft: ThankYouDraft) -> str:
    lines = [f"Subject: {draft.subject}", "", draft.body, "", f"Send by: {draft.due}", "", "Checks:"]
    lines += [f"  [{'x' if c.passed else ' '}] {c.rule}: {c.detail}" for c in draft.checks]
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    from agent.thankyou.graph import draft_thank_you  # workflows load langgraph (~0.7 s): only when run
    from agent.thankyou.saving import save_thank_you

    notes = read_notes_file(args.notes_file)
    interview_time = parse_when(args.interview_time, "--interview-time")
    deps = deps_from(args)
    contact = get_contact_or_fail(deps.mine, args.contact_id) if args.contact_id is not None else None
    if interview_time is None and contact is not None:
        interview_time = parse_when(contact.get("interview_at") or contact.get("done_at"), "interview time")
    profile = deps.mine.get_profile()
    fields = {"interview_time": interview_time} if interview_time else {}
    request = ThankYouRequest(
        notes=notes, contact_name=args.contact_name,
        contact_role=args.contact_role or (contact or {}).get("role") or None,
        my_name=args.my_name or profile["name"] or None, **fields,
    )
    ensure_index(deps)
    try:
        draft = draft_thank_you(deps, request)
    finally:
        deps.close()
    save_thank_you(deps.mine, request, draft, args.contact_id)
    payload = draft.model_dump(include={"subject", "body", "checks", "due", "point"})
    if draft.notice:  # only when the model failed, so the usual object keeps its keys
        payload["notice"] = draft.notice
    warn_notice(draft.notice)
    emit(args, payload, render(draft))
    return 0
