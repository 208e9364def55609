"""`coach mock`: rehearse an informational interview with the AI playing the contact, then get
coached on how it went.

Interactive by default (type your lines; `/end` or end of input finishes), or `--script FILE`
with one user turn per line. `--thread ID` continues a session that was interrupted.
"""

from __future__ import annotations

import argparse
import functools
import importlib
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from agent.cli import emit
from agent.cli.common import add_json_flag, deps_from, ensure_index
from agent.contacts import service as contacts
from agent.deps import Deps
from agent.errors import InputError
from agent.mock.state import BIO_MAX_BYTES, MAX_TURN_CHARS, Feedback, MockRequest

END_COMMAND = "/end"
MAX_SCRIPT_LINES = 200
MAX_SCRIPT_BYTES = 200_000


# The workflow loads LangGraph (~0.7 s), so it is imported on first use rather than at start-up.
workflow = functools.partial(importlib.import_module, "agent.mock.graph")


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("mock", help="rehearse an informational interview, then get feedback")
    p.add_argument("--contact-role", help="their job title (required unless --contact-id/--thread)")
    p.add_argument("--contact-name")
    p.add_argument("--company")
    p.add_argument("--contact-id", type=int, help="a saved contact: role, company and notes")
    p.add_argument("--minutes", type=int, default=20, help="agreed length of the call (5-60)")
    p.add_argument("--bio", help="text file: what you know about this person (their path, work, "
                   "employer); the contact answers from it and it is saved on --contact-id")
    p.add_argument("--objective", help="the one thing you most want to learn; feedback says if it was met")
    p.add_argument("--style", choices=["warm", "busy", "guarded"], default="warm",
                   help="how the contact talks (default: warm)")
    p.add_argument("--script", help="file with one user turn per line (instead of typing)")
    p.add_argument("--thread", help="continue an interrupted session by its thread id")
    add_json_flag(p)
    p.set_defaults(func=run)


def read_script(path: str) -> list[str]:
    """User turns from a file: one per line, blank lines skipped, stops at a `/end` line."""
    file = Path(path).expanduser()
    if not file.is_file():
        raise InputError(f"no such script file: {path}")
    if file.stat().st_size > MAX_SCRIPT_BYTES:
        raise InputError(f"script file is over {MAX_SCRIPT_BYTES // 1000} kB")
    try:
        text = file.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(f"{file.name} is not UTF-8 text") from exc
    lines = []
    for raw in text.splitlines():
        line = raw.strip()
        if line == END_COMMAND:
            break
        if line:
            if len(line) > MAX_TURN_CHARS:
                raise InputError(f"a script line is longer than {MAX_TURN_CHARS} characters")
            lines.append(line)
    if not lines:
        raise InputError(f"script {file.name} has no lines")
    if len(lines) > MAX_SCRIPT_LINES:
        raise InputError(f"script has more than {MAX_SCRIPT_LINES} lines")
    return lines


def interactive_lines(prompt: bool) -> Iterator[str]:
    while True:
        if prompt:
            sys.stderr.write("you> ")
            sys.stderr.flush()
        raw = sys.stdin.readline()
        if not raw:
            return
        line = raw.strip()
        if line == END_COMMAND:
            return
        yield line[:MAX_TURN_CHARS]


def read_bio(path: str) -> str:
    """The bio file: UTF-8 text, not empty, at most 20 KB; anything else is one line, exit 2."""
    file = Path(path).expanduser()
    if not file.is_file():
        raise InputError(f"no such bio file: {path}")
    data = file.read_bytes()[:BIO_MAX_BYTES + 1]
    if len(data) > BIO_MAX_BYTES:
        raise InputError(f"bio file {file.name} is over {BIO_MAX_BYTES // 1000} KB")
    if b"\x00" in data:
        raise InputError(f"bio file {file.name} looks binary, not text")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(f"bio file {file.name} is not UTF-8 text") from exc
    if not any(ch.isalnum() for ch in text):
        raise InputError(f"bio file {file.name} is empty")
    return text.strip()


def build_request(args: argparse.Namespace, deps: Deps, bio: str | None = None) -> MockRequest:
    contact: dict[str, Any] = {}
    if args.contact_id is not None:
        found = deps.db.get_contact(args.contact_id)
        if found is None:
            raise InputError(f"no contact with id {args.contact_id}")
        contact = found
    role = args.contact_role or contact.get("role")
    if not role:
        raise InputError("--contact-role is required (or a --contact-id with a saved role)")
    if not 5 <= args.minutes <= 60:
        raise InputError("--minutes must be between 5 and 60")
    return MockRequest(
        contact_role=role, contact_name=args.contact_name or contact.get("name"),
        company=args.company or contact.get("company"), contact_id=args.contact_id,
        minutes=args.minutes, seniority=contact.get("seniority") or None,
        notes=contact.get("notes") or None, bio=bio or contact.get("bio") or None,
        objective=args.objective, style=args.style,
    )


def render_feedback(feedback: Feedback) -> str:
    lines = ["", "Feedback", "--------", feedback.summary, ""]
    if feedback.strengths:
        lines.append("Strengths:")
        lines += [f"  + {p.text} (turn {', '.join(map(str, p.turns))})" for p in feedback.strengths]
    if feedback.improvements:
        lines.append("To improve:")
        lines += [f"  - {p.text}" for p in feedback.improvements]
    lines.append(f"Your share of the talking: {feedback.talk_share:.0%}")
    if feedback.objective is not None:
        lines.append(f"Objective met: {feedback.objective.met} — {feedback.objective.reason}")
    if feedback.flagged:
        lines.append("Flagged turns:")
        lines += [f"  ! turn {f.turn} [{f.kind}] “{f.text}”: {f.detail}" for f in feedback.flagged]
    return "\n".join(lines)


def converse(deps: Deps, thread_id: str, lines: Iterable[str], speaker: str,
             echo: bool, out: Any) -> None:
    """Send each line; print the contact's replies as they come when `echo` is on."""
    for line in lines:
        reply, clock = "", ""
        for event in workflow().send_turn(deps, thread_id, line):
            if event.get("type") == "reply":
                reply = event["text"]
                clock = f"[{event['elapsed']:.1f}/{event['limit']} min]"
        if echo:
            out.write(f"{speaker}: {reply}  {clock}\n")
            out.flush()


def run(args: argparse.Namespace) -> int:
    script = read_script(args.script) if args.script else None
    bio = read_bio(args.bio) if args.bio else None
    deps = deps_from(args)
    try:
        ensure_index(deps)
        if args.thread:
            view = workflow().session_view(deps, args.thread)
            if view is None:
                raise InputError(f"no rehearsal with thread id {args.thread}")
            if not view.open:
                raise InputError(f"the rehearsal {args.thread} has ended; start a new one")
            thread_id = args.thread
        else:
            request = build_request(args, deps, bio)
            if bio and args.contact_id is not None:
                contacts.update_contact(deps.db, args.contact_id, contacts.ContactChange(
                    fields=contacts.ContactFields(bio=bio)))
            thread_id = workflow().start_session(deps, request)
            view = workflow().session_view(deps, thread_id)
        assert view is not None
        speaker = view.persona.get("name", "Contact").split()[0]
        interactive = script is None
        # Human output goes to stdout; with --json the conversation is shown on stderr (if typed).
        out = sys.stderr if args.json else sys.stdout
        echo = not args.json or (interactive and sys.stdin.isatty())
        if echo:
            out.write(f"Rehearsing with {view.persona.get('name')}, {view.persona.get('role')} "
                      f"({view.request['minutes']} min, {view.persona.get('style', 'warm')}). "
                      f"Thread: {thread_id}\n")
            if view.persona.get("working_sections"):
                out.write("There is no brief for this role: the contact answers from general "
                          "knowledge of the field.\n")
            if interactive:
                out.write(f"Type your lines; {END_COMMAND} or Ctrl-D ends and shows feedback.\n")
        lines = script if script is not None else interactive_lines(prompt=sys.stdin.isatty())
        converse(deps, thread_id, lines, speaker, echo, out)
        feedback = workflow().end_session(deps, thread_id)
        final = workflow().session_view(deps, thread_id)
    finally:
        deps.close()
    assert final is not None
    payload = {
        "thread_id": thread_id,
        "transcript": final.transcript,
        "feedback": feedback.model_dump(include={"strengths", "improvements", "flagged", "summary",
                                                 "minutes_used", "minutes_agreed", "talk_share",
                                                 "objective"}),
    }
    emit(args, payload, render_feedback(feedback))
    return 0
