"""`coach questions`: a ranked, screened list of questions for one informational interview."""

from __future__ import annotations

import argparse

from agent.cli import emit, warn_notice
from agent.cli.common import add_json_flag, deps_from, ensure_index, read_bio, saved_contact
from agent.contacts import service as contacts
from agent.deps import Deps
from agent.errors import InputError
from agent.questions.state import PreparedQuestion, QuestionPlan, QuestionsRequest

FIELDS = {"text", "priority", "category", "rationale"}


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("questions", help="prepare questions that fit the contact and the time")
    p.add_argument("--contact-role", help="their job title (required unless --contact-id has one)")
    p.add_argument("--contact-name")
    p.add_argument("--contact-id", type=int, help="a saved contact: role, company, name and bio")
    p.add_argument("--bio", help="text file: what you know about this person; up to two questions "
                   "about their own path come from it (saved on --contact-id)")
    p.add_argument("--company")
    p.add_argument("--industry")
    p.add_argument("--goal", help="what you most want to learn (default: saved profile goal)")
    p.add_argument("--minutes", type=int, default=20, help="length of the conversation (5-120)")
    p.add_argument("--template-only", action="store_true",
                   help="skip the model's rewording (faster; the wording comes from the bank)")
    add_json_flag(p)
    p.set_defaults(func=run)


def _line(q: PreparedQuestion) -> str:
    return f"{q.priority:>2}. {q.text}\n    [{q.category}] {q.rationale}"


def render(plan: QuestionPlan) -> str:
    lines = [f"{len(plan.questions)} questions for {plan.minutes} minutes "
             f"({plan.minutes_per_question:g} min each incl. the answer, "
             f"{plan.overhead_minutes:g} min for the opening and close):", ""]
    lines += [_line(q) for q in plan.questions]
    if plan.reserve:
        lines += ["", "In reserve, if answers are short:"] + [_line(q) for q in plan.reserve]
    return "\n".join(lines)


def payload(plan: QuestionPlan) -> dict[str, object]:
    return {
        "minutes": plan.minutes,
        "minutes_per_question": plan.minutes_per_question,
        "overhead_minutes": plan.overhead_minutes,
        "questions": [q.model_dump(include=FIELDS) for q in plan.questions],
        "reserve": [q.model_dump(include=FIELDS) for q in plan.reserve],
    }


def run(args: argparse.Namespace) -> int:
    from agent.questions.graph import prepare_questions  # workflows load langgraph (~0.7 s): only when run

    bio = read_bio(args.bio) if args.bio else None
    deps = deps_from(args)
    try:
        request = build_request(args, deps, bio)
        if bio and args.contact_id is not None:
            contacts.update_contact(deps.mine, args.contact_id, contacts.ContactChange(
                fields=contacts.ContactFields(bio=bio)))
        ensure_index(deps)
        plan = prepare_questions(deps, request)
    finally:
        deps.close()
    body = payload(plan)
    if plan.notice:  # only when the model failed, so the usual object keeps its keys
        body["notice"] = plan.notice
    warn_notice(plan.notice)
    emit(args, body, render(plan))
    return 0


def build_request(args: argparse.Namespace, deps: Deps, bio: str | None) -> QuestionsRequest:
    """The flags, filled from the saved contact (role, company, name, bio) and the profile's goal."""
    contact = saved_contact(deps, args.contact_id)
    role = args.contact_role or contact.get("role")
    if not role:
        raise InputError("--contact-role is required (or a --contact-id with a saved role)")
    return QuestionsRequest(
        contact_role=role, company=args.company or contact.get("company") or None,
        industry=args.industry, goal=args.goal or deps.mine.get_profile()["goal"] or None,
        minutes=args.minutes, rephrase=not args.template_only,
        contact_name=args.contact_name or contact.get("name") or None,
        bio=bio or contact.get("bio") or None,
    )
