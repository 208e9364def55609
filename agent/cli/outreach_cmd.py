"""`coach outreach`: draft the request for an informational interview and check it."""

from __future__ import annotations

import argparse

from agent.cli import emit, warn_notice
from agent.cli.common import add_json_flag, deps_from, ensure_index, read_bio, saved_contact
from agent.contacts import service as contacts
from agent.deps import Deps
from agent.errors import InputError
from agent.outreach.state import OutreachDraft, OutreachRequest


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("outreach", help="draft an outreach email or LinkedIn note")
    p.add_argument("--contact-name", help="their name (required unless --contact-id)")
    p.add_argument("--contact-role", help="their job title (required unless --contact-id)")
    p.add_argument("--contact-id", type=int, help="a saved contact: name, role, company and bio")
    p.add_argument("--bio", help="text file: what you know about them; one line of the draft shows "
                   "you did your homework (saved on --contact-id)")
    p.add_argument("--company")
    p.add_argument("--connection", help="how you are connected (referrer, school, article)")
    p.add_argument("--about-me", help="one or two sentences about you (default: saved profile)")
    p.add_argument("--goal", help="what you want to learn about (default: saved profile)")
    p.add_argument("--channel", choices=["email", "linkedin"], default="email")
    p.add_argument("--my-name", help="your name for the sign-off (default: saved profile)")
    p.add_argument("--minutes", type=int, default=20, help="length of the call to ask for (10-30)")
    add_json_flag(p)
    p.set_defaults(func=run)


def render(draft: OutreachDraft) -> str:
    lines = [f"Subject: {draft.subject}", ""] if draft.subject else []
    lines += [draft.body, "", "Checks:"]
    lines += [f"  [{'x' if c.passed else ' '}] {c.rule}: {c.detail}" for c in draft.checks]
    if draft.sources:
        lines += ["", "Guidance used: " + ", ".join(draft.sources)]
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    from agent.outreach.graph import draft_outreach  # workflows load langgraph (~0.7 s): only when run
    from agent.outreach.saving import save_outreach

    bio = read_bio(args.bio) if args.bio else None
    deps = deps_from(args)
    try:
        request = build_request(args, deps, bio)
    except BaseException:
        deps.close()
        raise
    if bio and args.contact_id is not None:
        contacts.update_contact(deps.mine, args.contact_id, contacts.ContactChange(
            fields=contacts.ContactFields(bio=bio)))
    deps.preflight()
    ensure_index(deps)
    try:
        draft = draft_outreach(deps, request)
    finally:
        deps.close()
    save_outreach(deps.mine, draft, contact_id=args.contact_id)
    payload = draft.model_dump(include={"subject", "body", "channel", "checks", "sources"})
    if draft.notice:  # only when the model failed, so the usual object keeps its keys
        payload["notice"] = draft.notice
    warn_notice(draft.notice)
    emit(args, payload, render(draft))
    return 0


def build_request(args: argparse.Namespace, deps: Deps, bio: str | None) -> OutreachRequest:
    """The flags, filled from the saved contact (name, role, company, bio) and the profile."""
    contact = saved_contact(deps, args.contact_id)
    name = args.contact_name or contact.get("name")
    role = args.contact_role or contact.get("role")
    if not name or not role:
        raise InputError("--contact-name and --contact-role are required (or a --contact-id with both)")
    profile = deps.mine.get_profile()
    return OutreachRequest(
        contact_name=name, contact_role=role, company=args.company or contact.get("company") or None,
        connection=args.connection, about_me=args.about_me or profile["background"] or None,
        goal=args.goal or profile["goal"] or None, channel=args.channel,
        my_name=args.my_name or profile["name"] or None, minutes=args.minutes,
        bio=bio or contact.get("bio") or None,
    )
