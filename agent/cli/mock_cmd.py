"""`coach mock`: rehearse an informational interview with the AI playing the contact, then get
coached on how it went.

Interactive by default (type your lines; `/end` or end of input finishes), or `--script FILE`
with one user turn per line, or `--audio-script DIR` with one numbered recording per turn (spoken
turns: the feedback says how they sounded). `--thread ID` continues a session that was interrupted.
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
from agent.cli.common import add_json_flag, deps_from, ensure_index, read_bio, saved_contact
from agent.contacts import service as contacts
from agent.deps import Deps
from agent.errors import InputError
from agent.mock.state import MAX_TURN_CHARS, Feedback, MockRequest
from agent.text.injection import persona_notes
from agent.voice.script import SpokenLine, numbered_files, transcribe_script

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
    p.add_argument("--audio-script", metavar="DIR",
                   help="folder of numbered recordings (1.wav, 2.webm, …), one user turn each")
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


def build_request(args: argparse.Namespace, deps: Deps, bio: str | None = None) -> MockRequest:
    contact = saved_contact(deps, args.contact_id)
    role = args.contact_role or contact.get("role")
    if not role:
        raise InputError("--contact-role is required (or a --contact-id with a saved role)")
    if not 5 <= args.minutes <= 60:
        raise InputError("--minutes must be between 5 and 60")
    return MockRequest(
        contact_role=role, contact_name=args.contact_name or contact.get("name"),
        company=args.company or contact.get("company"), contact_id=args.contact_id,
        minutes=args.minutes, seniority=contact.get("seniority") or None,
        notes=persona_notes(contact.get("notes") or "")[:1500] or None,
        bio=bio or contact.get("bio") or None, objective=args.objective, style=args.style,
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
    if feedback.speech is not None:
        lines.append(f"How you spoke: {feedback.speech.headline()}")
        lines += [f"  + {p.text}" for p in feedback.speech.strengths]
        lines += [f"  - {p.text}" for p in feedback.speech.improvements]
        lines.append(f"  ({feedback.speech.note})")
    return "\n".join(lines)


def converse(deps: Deps, thread_id: str, lines: Iterable[str | SpokenLine], speaker: str,
             echo: bool, out: Any) -> None:
    """Send each line (typed, or spoken with its figures); print the contact's replies as they come
    when `echo` is on."""
    for line in lines:
        reply, clock = "", ""
        text, speech = (line.text, dict(line.speech)) if isinstance(line, SpokenLine) else (line, None)
        if echo and isinstance(line, SpokenLine):
            out.write(f"you ({line.file}): {text}\n")
        for event in workflow().send_turn(deps, thread_id, text, speech=speech):
            if event.get("type") == "notice":
                sys.stderr.write(f"coach: warning: the model did not answer ({event.get('text')}); "
                                 "this reply repeats the contact's facts (bio, role brief) as written\n")
            if event.get("type") == "reply":
                reply = event["text"]
                clock = f"[{event['elapsed']:.1f}/{event['limit']} min]"
        if echo:
            out.write(f"{speaker}: {reply}  {clock}\n")
            out.flush()


def run(args: argparse.Namespace) -> int:
    if args.script and args.audio_script:
        raise InputError("use --script or --audio-script, not both")
    script: list[str] | list[SpokenLine] | None = read_script(args.script) if args.script else None
    bio = read_bio(args.bio) if args.bio else None
    if args.audio_script:
        numbered_files(args.audio_script)  # a missing or empty folder fails before anything loads
    deps = deps_from(args)
    try:
        if args.audio_script:
            script = transcribe_script(deps, args.audio_script)
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
                contacts.update_contact(deps.mine, args.contact_id, contacts.ContactChange(
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
                                                 "objective", "speech"}),
    }
    emit(args, payload, render_feedback(feedback))
    return 0
