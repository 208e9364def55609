"""Nodes of the thank-you graph: choose point → compose → phrase → check → (repair → check) → finish.

Each node is a verb-first function returning a partial state update. On the embedded default the
model may only rephrase the 'point' sentence, and it sees that one sentence, never the notes; with
a capable model it drafts the whole note from the notes with injected instructions removed.
Validators decide what survives, and the template is always there to fall back to.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from pydantic import BaseModel, Field

import prompts
from agent.classify.note_sentences import classify_sentences
from agent.deps import Deps
from agent.errors import CoachError, ModelError, fallback_notice
from agent.text.checks import Check, check_grounded
from agent.text.partial_json import partial_string_field
from agent.text.words import word_count
from agent.thankyou import template as tpl
from agent.thankyou.point import HTML_COMMENT, Classifier, choose_point, is_instruction, note_sentences
from agent.thankyou.rules import THANK_YOU_WORD_LIMIT, point_slot_problems, run_checks
from agent.thankyou.state import ThankYouDraft, ThankYouState
from agent.timing import thank_you_due
from agent.workflow import NodeRuntime, emit

MAX_REPAIRS = 2
WARM_WORDS = ("really truly so much especially exactly needed helpful useful great valuable insightful "
              "practical")
THANKING = re.compile(r"\b(thank|thanks|appreciat\w*|grateful)\b", re.I)
CLAUSE_CUT = re.compile(
    r",\s+(?:since|because|which|so|and|then|starting|even|like)\b|\s+(?:so that|because)\s")


class PointSentence(BaseModel):
    sentence: str = Field(..., max_length=300, description="One sentence to the contact")


class FullNote(BaseModel):
    subject: str = Field(..., max_length=120)
    body: str = Field(..., max_length=1500)


def clean_notes(notes: str) -> str:
    """The notes without sentences aimed at a model: the only notes text a prompt may hold."""
    kept = [c.sentence for c in note_sentences(HTML_COMMENT.sub(" ", notes))
            if not is_instruction(c.sentence)]
    return "\n".join(kept)


def allowed_text(state: ThankYouState) -> list[str]:
    r = state["request"]
    return [clean_notes(r.notes), r.contact_name, r.contact_role or "", r.my_name or "",
            tpl.when_phrase(r.interview_time, r.written_at), *tpl.FIXED_TEXT]


def note_classifier(deps: Deps) -> Classifier:
    """The note-sentence classifier (shared with the SWOT) as a ranking aid for the point; if it
    cannot run (say the index is damaged) the sharp cues alone choose, and the note still comes."""

    def classify(sentences: Sequence[str]) -> list[tuple[str, float]] | None:
        try:
            return [(str(label), float(conf)) for label, conf in classify_sentences(deps, list(sentences))]
        except (CoachError, OSError, ValueError, RuntimeError):
            return None

    return classify


def choose_specific_point(state: ThankYouState, runtime: NodeRuntime) -> dict[str, Any]:
    deps = runtime.context.deps
    return {"point": choose_point(state["request"].notes, note_classifier(deps))}


def compose_from_template(state: ThankYouState) -> dict[str, Any]:
    slots = tpl.template_slots(state["request"], state.get("point"))
    return {"slots": dict(slots), "template_slots": slots,
            "origin": dict.fromkeys(slots, "template"), "attempts": 0}


def phrase_with_model(state: ThankYouState, runtime: NodeRuntime) -> dict[str, Any]:
    deps = runtime.context.deps
    if deps.settings.capable_model:
        return _phrase_full(deps, state)
    if state.get("point") is None:
        return {}
    return _phrase_point(deps, state)


def _phrase_point(deps: Deps, state: ThankYouState) -> dict[str, Any]:
    point = state["point"]
    assert point is not None
    template_sentence = state["template_slots"]["point"]
    lead = "your advice to" if point.kind == "advice" else "your point that"
    messages = prompts.load("thankyou_point").messages(point=f"{lead} {point.clause}")
    buffer = ""
    try:
        for delta in deps.llm.stream(messages, max_tokens=80, temperature=0.3, schema=PointSentence):
            buffer += delta
            emit({"slot": "point", "text": partial_string_field(buffer, "sentence")})
        sentence = PointSentence.model_validate_json(buffer).sentence.strip()
    except ModelError as exc:
        return {"origin": {**state["origin"], "point": "template"}, "model_error": str(exc)}
    except ValueError:
        return {"origin": {**state["origin"], "point": "template"}}
    sentence = sentence if sentence.endswith((".", "!")) else sentence.rstrip(",;:") + "."
    vectors = deps.encoder.encode([sentence, template_sentence])
    similarity = float(vectors[0] @ vectors[1])
    problems = point_slot_problems(sentence, point, [*allowed_text(state), WARM_WORDS], similarity)
    if not THANKING.search(sentence):
        problems.append("does not thank them")
    if problems:
        emit({"slot": "point", "text": template_sentence})
        return {"origin": {**state["origin"], "point": "template"}}
    return {"slots": {**state["slots"], "point": sentence},
            "origin": {**state["origin"], "point": "model"}}


def _phrase_full(deps: Deps, state: ThankYouState) -> dict[str, Any]:
    r, point = state["request"], state.get("point")
    messages = prompts.load("thankyou_full").messages(
        notes=clean_notes(r.notes)[:6000],
        point=point.sentence if point else "(none found: pick one piece of their advice)",
        contact_name=r.contact_name, role=f", {r.contact_role}" if r.contact_role else "",
        when=tpl.when_phrase(r.interview_time, r.written_at), my_name=r.my_name or "(not given)",
    )
    buffer = ""
    try:
        for delta in deps.llm.stream(messages, max_tokens=400, schema=FullNote):
            buffer += delta
            emit({"slot": "body", "text": partial_string_field(buffer, "body")})
        note = FullNote.model_validate_json(buffer)
    except ModelError as exc:
        return {"model_error": str(exc)}
    except ValueError:
        return {}
    return {"subject": note.subject.strip(), "body": note.body.strip(),
            "origin": {**state["origin"], "body": "model"}}


def check_rules(state: ThankYouState) -> dict[str, Any]:
    r = state["request"]
    if state.get("origin", {}).get("body") == "model":
        subject, body = state.get("subject", ""), state.get("body", "")
    else:
        subject, body = tpl.subject_line(state.get("point")), tpl.assemble(state["slots"])
    checks = run_checks(subject, body, r.contact_name, state.get("point"), allowed_text(state))
    return {"subject": subject, "body": body, "checks": checks}


def repair_failures(state: ThankYouState) -> dict[str, Any]:
    """Fall back part by part: the model's text first, then shorten the point."""
    slots, origin = dict(state["slots"]), dict(state["origin"])
    failed = {c.rule for c in state["checks"] if not c.passed}
    if origin.get("body") == "model":
        origin.pop("body")
        slots = dict(state["template_slots"])
    elif origin.get("point") == "model":
        slots["point"] = state["template_slots"]["point"]
        origin["point"] = "template"
    elif "length" in failed:
        slots = shorten(slots, state)
    elif "grounded" in failed and not check_grounded(slots["use"], allowed_text(state)).passed:
        slots["use"] = tpl.use_sentence(None)
    return {"slots": slots, "origin": origin, "attempts": state.get("attempts", 0) + 1}


def finish(state: ThankYouState) -> dict[str, Any]:
    r, point = state["request"], state.get("point")
    draft = ThankYouDraft(
        subject=state.get("subject", ""), body=state["body"], checks=state["checks"],
        due=thank_you_due(r.interview_time).isoformat(timespec="seconds"),
        point=point.sentence if point else None, phrasing=state.get("origin", {}),
        notice=fallback_notice(state["model_error"]) if state.get("model_error") else None,
    )
    return {"draft": draft}


def shorten(slots: dict[str, str], state: ThankYouState) -> dict[str, str]:
    """Drop the role from the thanks, then cut the point at its first subordinate clause."""
    slots = dict(slots)
    r = state["request"]
    if r.contact_role and word_count(tpl.assemble(slots)) >= THANK_YOU_WORD_LIMIT:
        slots["thanks"] = tpl.thanks_sentence(r.model_copy(update={"contact_role": None}))
    point = state.get("point")
    if point is not None and word_count(tpl.assemble(slots)) >= THANK_YOU_WORD_LIMIT:
        cut = CLAUSE_CUT.search(point.clause)
        if cut:
            shorter = point.model_copy(update={"clause": point.clause[:cut.start()]})
            slots["point"] = tpl.point_sentence(shorter)
    return slots


def needs_repair(state: ThankYouState) -> bool:
    checks: list[Check] = state.get("checks", [])
    return any(not c.passed for c in checks) and state.get("attempts", 0) < MAX_REPAIRS
