"""Nodes of the outreach graph: retrieve → compose → phrase → check → (repair → check) → finish.

Each node is a verb-first function returning a partial state update. The model only ever writes
the 'interest' slot on the embedded default, or the whole draft when a capable model is
configured; validators decide what survives.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

import prompts
from agent.deps import Deps
from agent.errors import ModelError, fallback_notice
from agent.outreach import template as tpl
from agent.outreach.rules import EMAIL_WORD_LIMIT, run_checks, slot_problems
from agent.outreach.state import OutreachDraft, OutreachState
from agent.retrieval import hybrid_query
from agent.text.checks import FIRST_PERSON_CLAIM, Check, check_grounded
from agent.text.job_talk import job_words
from agent.text.partial_json import partial_string_field
from agent.text.roles import field_for
from agent.text.words import word_count
from agent.workflow import NodeRuntime, emit

MAX_REPAIRS = 2


class InterestSentence(BaseModel):
    sentence: str = Field(..., max_length=240, description="One sentence, first person")


class FullDraft(BaseModel):
    subject: str = Field(..., max_length=120)
    body: str = Field(..., max_length=1500)


def allowed_text(state: OutreachState) -> list[str]:
    r = state["request"]
    return [r.contact_name, r.contact_role, r.company or "", r.connection or "", r.about_me or "",
            r.goal or "", r.my_name or "", field_for(r.contact_role), *tpl.FIXED_TEXT,
            "I read that"]


def retrieve_guidance(state: OutreachState, runtime: NodeRuntime) -> dict[str, Any]:
    deps = runtime.context.deps
    r = state["request"]
    query = (f"how to write a short {r.channel} asking a {r.contact_role} for an "
             "informational interview: connection first, time ask, subject line")
    hits = hybrid_query(deps, "guidance", query, k=4)
    outreach_first = sorted(hits, key=lambda h: h.metadata.get("capability") != "outreach")
    guidance = [{"text": h.text, "source": h.source, "section": h.metadata.get("section", ""),
                 "score": h.score} for h in outreach_first[:3]]
    sources = list(dict.fromkeys(f"{g['source']}#{g['section']}" for g in guidance))
    return {"guidance": guidance, "sources": sources}


def compose_from_template(state: OutreachState) -> dict[str, Any]:
    slots = tpl.template_slots(state["request"])
    return {"slots": dict(slots), "template_slots": slots,
            "origin": dict.fromkeys(slots, "template"), "attempts": 0}


def phrase_with_model(state: OutreachState, runtime: NodeRuntime) -> dict[str, Any]:
    deps = runtime.context.deps
    if deps.settings.capable_model:
        return _phrase_full(deps, state)
    return _phrase_interest(deps, state)


def _phrase_interest(deps: Deps, state: OutreachState) -> dict[str, Any]:
    r = state["request"]
    slots = dict(state["slots"])
    messages = prompts.load("outreach_interest").messages(
        role=r.contact_role.lower(),
        topic=tpl.strip_job_clauses(r.goal) or field_for(r.contact_role),
        about=tpl.strip_job_clauses(r.about_me) or "(not given)",
    )
    buffer = ""
    try:
        for delta in deps.llm.stream(messages, max_tokens=64, temperature=0.4,
                                     schema=InterestSentence):
            buffer += delta
            emit({"slot": "interest", "text": partial_string_field(buffer, "sentence")})
        sentence = InterestSentence.model_validate_json(buffer).sentence.strip()
    except ModelError as exc:
        return {"origin": {**state["origin"], "interest": "template"}, "model_error": str(exc)}
    except ValueError:
        return {"origin": {**state["origin"], "interest": "template"}}
    sentence = sentence if sentence.endswith((".", "!", "?")) else sentence + "."
    vectors = deps.encoder.encode([sentence, state["template_slots"]["interest"]])
    similarity = float(vectors[0] @ vectors[1])
    if slot_problems(sentence, allowed_text(state), similarity):
        emit({"slot": "interest", "text": state["template_slots"]["interest"]})
        return {"origin": {**state["origin"], "interest": "template"}}
    slots["interest"] = sentence
    return {"slots": slots, "origin": {**state["origin"], "interest": "model"}}


def _phrase_full(deps: Deps, state: OutreachState) -> dict[str, Any]:
    r = state["request"]
    guidance = "\n\n".join(g["text"] for g in state.get("guidance", []))
    messages = prompts.load("outreach_full").messages(
        minutes=r.minutes, guidance=guidance, channel=r.channel, contact_name=r.contact_name,
        role=r.contact_role, company=f" at {r.company}" if r.company else "",
        connection=r.connection or "(none)", about=r.about_me or "(not given)",
        goal=r.goal or "(not given)", my_name=r.my_name or "(not given)",
        homework=state["template_slots"].get("homework") or "(not given)",
    )
    buffer = ""
    try:
        for delta in deps.llm.stream(messages, max_tokens=400, schema=FullDraft):
            buffer += delta
            emit({"slot": "body", "text": partial_string_field(buffer, "body")})
        draft = FullDraft.model_validate_json(buffer)
    except ModelError as exc:
        return {"model_error": str(exc)}
    except ValueError:
        return {}
    return {"subject": draft.subject.strip(), "body": draft.body.strip(),
            "origin": {**state["origin"], "body": "model"}}


def check_rules(state: OutreachState) -> dict[str, Any]:
    r = state["request"]
    if state.get("origin", {}).get("body") == "model":
        subject, body = state.get("subject", ""), state.get("body", "")
    else:
        subject = tpl.subject_line(r) if r.channel == "email" else ""
        body = _assemble(state["slots"], r)
    return {"subject": subject, "body": body,
            "checks": run_checks(subject, body, r, allowed_text(state))}


def repair_failures(state: OutreachState) -> dict[str, Any]:
    """Fall back per failing part: the model's slot first, then trim the user's text."""
    r = state["request"]
    slots, origin = dict(state["slots"]), dict(state["origin"])
    failed = {c.rule for c in state["checks"] if not c.passed}
    if origin.get("body") == "model":
        origin.pop("body")
        origin["interest"] = "template"
        slots = dict(state["template_slots"])
    elif origin.get("interest") == "model" and _model_slot_bad(state, failed):
        slots["interest"] = state["template_slots"]["interest"]
        origin["interest"] = "template"
    if "length" in failed and r.channel == "email":
        slots = tpl.shorten_for_limit(slots, EMAIL_WORD_LIMIT)
    if "grounded" in failed and FIRST_PERSON_CLAIM.search(slots.get("about", "")):
        about_ok = check_grounded(slots["about"], allowed_text(state)).passed
        slots["about"] = slots["about"] if about_ok else ""
    return {"slots": slots, "origin": origin, "attempts": state.get("attempts", 0) + 1}


def _model_slot_bad(state: OutreachState, failed: set[str]) -> bool:
    sentence = state["slots"]["interest"]
    return bool(
        failed & {"length", "grounded", "no_job_words", "no_attachment", "time_ask", "reads_well"}
        or job_words(sentence) or word_count(sentence) > 32
    )


def finish(state: OutreachState) -> dict[str, Any]:
    r = state["request"]
    draft = OutreachDraft(
        subject=state.get("subject", ""), body=state["body"], channel=r.channel,
        checks=state["checks"], sources=state.get("sources", []),
        phrasing=state.get("origin", {}),
        notice=fallback_notice(state["model_error"]) if state.get("model_error") else None,
    )
    return {"draft": draft}


def _assemble(slots: dict[str, str], request: Any) -> str:
    if request.channel == "linkedin":
        return tpl.assemble_linkedin(slots, request)
    return tpl.assemble_email(slots)


def needs_repair(state: OutreachState) -> bool:
    checks: list[Check] = state.get("checks", [])
    return any(not c.passed for c in checks) and state.get("attempts", 0) < MAX_REPAIRS
