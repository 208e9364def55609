"""`coach contacts list|add|show|update|due|export`: the people you talk to and what is due.

Statuses run to_contact → requested → scheduled → done → thanked; each change records its time
(`--at`, default now), and the follow-up schedule (3B7, thank-you within 24 h, introduction
check-ins) is computed from those times. No model is involved, so every subcommand is instant.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from agent.cli import emit
from agent.cli.common import add_json_flag, settings_from
from agent.contacts import service
from agent.contacts.export import to_csv, to_markdown
from agent.contacts.service import (
    MARKER_LABELS,
    STATUSES,
    ContactChange,
    ContactFields,
    parse_day,
    parse_when,
)
from agent.errors import InputError
from agent.store.db import open_database
from agent.store.userdata import UserData

MARKER_FLAGS = {
    "replied": "--replied", "second_contact": "--second-contact-asked",
    "follow_up_sent": "--follow-up-sent", "intro_offered": "--intro-offered",
    "checked_in": "--checked-in", "posted": "--posted",
}


def _fields(p: argparse.ArgumentParser, *, name_required: bool) -> None:
    p.add_argument("--name", required=name_required)
    p.add_argument("--role")
    p.add_argument("--company")
    p.add_argument("--connection", help="how you are connected (referrer, school, group)")
    p.add_argument("--notes")
    p.add_argument("--status", help=f"one of {', '.join(STATUSES)}")
    p.add_argument("--at", help="when the status change or marker happened (ISO; default now)")
    p.add_argument("--interview-time", help="ISO date-time of the conversation")
    p.add_argument("--intro-to", help="who they offered to introduce you to")


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("contacts", help="your contacts, their status and follow-ups due")
    actions = p.add_subparsers(dest="action", required=True, parser_class=type(p))

    a = actions.add_parser("list", help="all contacts with status and next follow-up")
    a.add_argument("--today", help="date to compute follow-ups for (default today)")
    add_json_flag(a)

    a = actions.add_parser("add", help="add a contact")
    _fields(a, name_required=True)
    add_json_flag(a)

    a = actions.add_parser("show", help="one contact with questions, drafts, interviews, SWOTs")
    a.add_argument("contact_id", type=int, metavar="ID")
    a.add_argument("--today")
    add_json_flag(a)

    a = actions.add_parser("update", help="change fields or status, or record a follow-up")
    a.add_argument("contact_id", type=int, metavar="ID")
    _fields(a, name_required=False)
    for marker, flag in MARKER_FLAGS.items():
        a.add_argument(flag, dest=f"mark_{marker}", action="store_true", help=MARKER_LABELS[marker])
    add_json_flag(a)

    a = actions.add_parser("due", help="follow-ups due today (or overdue), with the reason")
    a.add_argument("--today", help="YYYY-MM-DD (default today)")
    add_json_flag(a)

    a = actions.add_parser("export", help="write all contacts as CSV or Markdown")
    a.add_argument("--format", choices=["csv", "md"], required=True)
    a.add_argument("--output", help="file to write (default: standard output)")
    a.add_argument("--today")
    add_json_flag(a)

    p.set_defaults(func=run)


def _change(args: argparse.Namespace) -> ContactChange:
    fields = ContactFields(name=args.name, role=args.role, company=args.company,
                           connection=args.connection, notes=args.notes, intro_to=args.intro_to)
    markers = [m for m in MARKER_FLAGS if getattr(args, f"mark_{m}", False)]
    return ContactChange(
        fields=fields, status=service.check_status(args.status), at=parse_when(args.at, "--at"),
        interview_at=parse_when(args.interview_time, "--interview-time"), markers=markers,
    )


def _line(c: dict[str, Any]) -> str:
    nxt = c.get("next_follow_up")
    where = " · ".join(x for x in (c.get("role"), c.get("company")) if x)
    label = f" [{c['responsiveness']}]" if c.get("responsiveness") else ""
    follow = f"\n     next: {nxt['date']} — {nxt['action']}" if nxt else (
        f"\n     {c['waiting']}" if c.get("waiting") else "")
    return f"#{c['id']} {c['name']}{f' ({where})' if where else ''} — {c['status_label']}{label}{follow}"


def _show(page: dict[str, Any]) -> str:
    lines = [_line(page)]
    for key in ("connection", "notes", "intro_to"):
        if page.get(key):
            lines.append(f"  {key.replace('_', ' ')}: {page[key]}")
    if page["follow_ups"]:
        lines.append("  follow-ups:")
        lines += [f"    {f['date']}: {f['action']} ({f['reason']})" for f in page["follow_ups"]]
    lines.append("  history: " + ", ".join(f"{h['event']} {h['at'][:16]}" for h in page["history"]))
    if page["questions"]:
        lines.append(f"  questions ({len(page['questions'])}):")
        lines += [f"    - {q.get('text', q)}" for q in page["questions"]]
    lines.append(f"  drafts: {len(page['drafts'])}, interviews: {len(page['interviews'])}, "
                 f"SWOTs: {len(page['swots'])}")
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    db = open_database(settings_from(args)).local_user()
    action = args.action
    if action == "add":
        cid = service.add_contact(db, _change(args))
        contact = service.summarise(service.get_contact_or_fail(db, cid), db.list_contacts(), parse_day(None))
        emit(args, {"contact": contact}, f"added {_line(contact)}")
    elif action == "update":
        service.update_contact(db, args.contact_id, _change(args))
        page = service.contact_page(db, args.contact_id, parse_day(None))
        emit(args, {"contact": page}, f"updated {_line(page)}")
    elif action == "list":
        contacts = service.list_contacts(db, parse_day(args.today))
        human = "\n".join(_line(c) for c in contacts) or "no contacts yet: coach contacts add --name …"
        emit(args, {"contacts": contacts}, human)
    elif action == "show":
        page = service.contact_page(db, args.contact_id, parse_day(args.today))
        emit(args, {"contact": page}, _show(page))
    elif action == "due":
        today = parse_day(args.today)
        items = service.due_list(db, today)
        human = "\n".join(
            f"{'OVERDUE ' if i['overdue'] else ''}{i['date']} #{i['contact_id']} {i['name']}: "
            f"{i['action']} — {i['reason']}" for i in items) or f"nothing due on {today}"
        emit(args, {"today": today.isoformat(), "due": items}, human)
    elif action == "export":
        return _export(args, db)
    return 0


def _export(args: argparse.Namespace, db: UserData) -> int:
    today = parse_day(args.today)
    contacts = service.list_contacts(db, today)
    text = to_csv(contacts) if args.format == "csv" else to_markdown(contacts, today.isoformat())
    if args.output:
        target = Path(args.output).expanduser()
        if target.is_dir():
            raise InputError(f"--output is a folder: {args.output}")
        try:
            target.write_text(text, encoding="utf-8")
        except OSError as exc:
            raise InputError(f"cannot write {args.output}: {exc.strerror or exc}") from exc
        emit(args, {"format": args.format, "output": str(target), "contacts": len(contacts)},
             f"wrote {len(contacts)} contact(s) to {target}")
    elif args.json:
        emit(args, {"format": args.format, "contacts": len(contacts), "content": text}, text)
    else:
        emit(args, {}, text)
    return 0
