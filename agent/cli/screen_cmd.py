"""`coach screen`: flag questions that must not be asked, with a reason and a rewrite."""

from __future__ import annotations

import argparse
import sys

from agent.classify.screen import MAX_QUESTION_CHARS
from agent.cli import emit
from agent.cli.common import add_json_flag, deps_from, ensure_index
from agent.errors import InputError
from agent.screening import ScreenResult, screen_questions

MAX_QUESTIONS = 500


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("screen", help="check questions for what must not be asked")
    p.add_argument("questions", nargs="+", metavar="QUESTION",
                   help="questions to check, or - to read one per line from stdin")
    p.add_argument("--contact-role", help="tailor the suggested rewrites to this role")
    add_json_flag(p)
    p.set_defaults(func=run)


def read_questions(args: argparse.Namespace) -> list[str]:
    """Arguments, or stdin lines for '-'; every question checked before anything runs."""
    if args.questions == ["-"]:
        questions = [line.strip() for line in sys.stdin.read().splitlines() if line.strip()]
        if not questions:
            raise InputError("no questions on stdin")
    else:
        questions = [q.strip() for q in args.questions]
    if len(questions) > MAX_QUESTIONS:
        raise InputError(f"at most {MAX_QUESTIONS} questions at a time")
    for number, question in enumerate(questions, start=1):
        if not question:
            raise InputError(f"question {number} is empty")
        if len(question) > MAX_QUESTION_CHARS:
            raise InputError(f"question {number} is longer than {MAX_QUESTION_CHARS} characters")
    role = (args.contact_role or "").strip()
    if args.contact_role is not None and not 1 <= len(role) <= 120:
        raise InputError("--contact-role must be 1-120 characters")
    return questions


MARK = {"ok": "ok    ", "flag": "FLAG  ", "review": "REVIEW"}


def render(results: list[ScreenResult]) -> str:
    lines = []
    for r in results:
        label = f" ({r.category})" if r.category else ""
        lines.append(f"{MARK[r.verdict]} {r.question}{label if r.verdict != 'ok' else ''}")
        if r.verdict != "ok":
            lines.append(f"       {r.reason}")
            if r.rewrite:
                lines.append(f"       Try: {r.rewrite}")
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    questions = read_questions(args)
    deps = deps_from(args)
    ensure_index(deps)
    try:
        results = screen_questions(deps, questions, role=(args.contact_role or "").strip() or None)
    finally:
        deps.close()
    payload = {"results": [r.model_dump() for r in results]}
    emit(args, payload, render(results))
    return 0
