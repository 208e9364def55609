"""Nodes of the rehearsal graph: open → (await user turn → classify → reply)* → finish.

`await_user_turn` pauses the graph with `interrupt()` until the user's next line arrives, so a
session lives in the checkpointer between turns and survives a restart. The contact's reply is a
behaviour template when the turn calls for one (a screened question, a request for names, time up,
a line nobody could answer) and otherwise the model's answer in persona, streamed and validated,
with a template answer from the role brief as the fallback.

The model's message list is append-only and byte-stable: the persona's system prompt is fixed for
the session and earlier turns are never re-rendered, so the llama.cpp server reuses its cached
prefix and only the new turn is processed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

from langgraph.runtime import Runtime
from langgraph.types import interrupt
from pydantic import BaseModel, Field

import prompts
from agent.deps import Deps
from agent.errors import ModelError
from agent.mock.clock import exchange_minutes
from agent.mock.feedback import build_feedback, summary_facts, summary_problems
from agent.mock.persona import (
    BriefIndex,
    RoleBrief,
    advice_from,
    asks_company_inside,
    brief_digest,
    brief_for,
    build_persona,
    referral_slots,
    template_reply,
)
from agent.mock.state import MAX_TURN_CHARS, Feedback, MockState, TurnRecord
from agent.mock.turns import NAMED_INTRO, TurnReader, load_priority
from agent.mock.validate import early_stop, reply_problems, tidy_reply
from agent.text.words import sentences, word_count
from agent.voice.speech import speech_feedback
from agent.workflow import Context, emit

ReaderFactory = Callable[[dict[str, Any]], TurnReader]
REPLY_MAX_TOKENS = 80
HISTORY_TOKEN_BUDGET = 1500
HISTORY_TOKEN_TARGET = 1000
STOP = ["<|im_end|>", "\n\n", "\nUser:", "\nYou:"]
MIN_RELEVANCE = 0.12
EXTRA_TURNS_AFTER_TIME = 2


class SummaryText(BaseModel):
    summary: str = Field(..., max_length=700, description="One short paragraph to the user")


def default_reader_factory(deps: Deps) -> ReaderFactory:
    """The real screen and web-search check, bound to the contact's role. The screen is the
    deterministic one: a model call between turns would cost seconds and, on the embedded server,
    evict the session's cached prompt prefix."""

    def factory(request: dict[str, Any]) -> TurnReader:
        from agent.classify.screen import screen_without_model
        from agent.classify.searchable import is_web_searchable

        role = request.get("contact_role")
        priority = deps.cached("mock_priority", lambda: load_priority(deps.vectors, deps.encoder))
        return TurnReader(
            screen=lambda qs: screen_without_model(deps, qs, role=role),
            searchable=lambda q: is_web_searchable(deps, q),
            priority=priority,
        )

    return factory


class PromptLayout(Protocol):
    """How one turn's request to the model is laid out (the benchmark swaps in another)."""

    def user_content(self, persona: dict[str, Any], line: str) -> str: ...

    def request(self, state: MockState, index: BriefIndex, question_vector: Any, used: list[str],
                messages: list[dict[str, str]], sent_user: str) -> list[dict[str, str]]: ...


class StableLayout:
    """The persona's system prompt is fixed for the session and earlier turns are never
    re-rendered, so llama.cpp reuses the cached prefix and processes only the new turn."""

    def user_content(self, persona: dict[str, Any], line: str) -> str:
        return persona_messages(persona, line)[1]["content"]

    def request(self, state: MockState, index: BriefIndex, question_vector: Any, used: list[str],
                messages: list[dict[str, str]], sent_user: str) -> list[dict[str, str]]:
        return [*messages, {"role": "user", "content": sent_user}]


@dataclass(frozen=True)


class MockContext(Context):
    """The run's context: the deps, how a user turn is read, and how prompts are laid out."""

    readers: ReaderFactory = field(default=None)  # type: ignore[assignment]
    layout: PromptLayout = field(default_factory=StableLayout)

    def __post_init__(self) -> None:
        if self.readers is None:
            object.__setattr__(self, "readers", default_reader_factory(self.deps))


def role_line(persona: dict[str, Any]) -> str:
    role = persona["role"]
    role = role[:1].lower() + role[1:] if len(role) > 1 and role[1].islower() else role
    article = "an" if role[:1].lower() in "aeiou" else "a"
    company = f" at {persona['company']}" if persona.get("company") else ""
    return f"{article} {role}{company}"


def persona_notes(persona: dict[str, Any]) -> str:
    if persona.get("notes"):
        return str(persona["notes"])
    return {
        "junior": "You are early in your career, about two years into the role.",
        "senior": "You have more than ten years of experience and mentor others.",
    }.get(persona["seniority"], "You have about six years of experience in the role.")


def persona_messages(persona: dict[str, Any], line: str) -> list[dict[str, str]]:
    """[system, user] for the stable layout; the system part never changes within a session."""
    return prompts.load("mock_persona").messages(
        name=persona["name"], role_line=role_line(persona), notes=persona_notes(persona),
        digest=brief_digest(brief_for(persona)), line=line,
    )


def trim_history(messages: list[dict[str, str]]) -> list[dict[str, str]]:
    """Keep the whole conversation while it is short; past the budget drop the oldest exchanges
    in one go, so the cached prefix is broken rarely rather than on every turn."""

    def tokens(msgs: list[dict[str, str]]) -> int:
        return sum(len(m["content"]) for m in msgs) // 4

    system, history = messages[:1], messages[1:]
    if tokens(history) <= HISTORY_TOKEN_BUDGET:
        return messages
    while history and tokens(history) > HISTORY_TOKEN_TARGET:
        history = history[2:]
    return system + history


def user_name(turns: list[TurnRecord]) -> str:
    for t in turns[:2]:
        match = NAMED_INTRO.search(t.get("text", ""))
        if match:
            name = match.group(0).split()[-1]
            return f", {name}"
    return ""


def brief_index(deps: Deps, brief: RoleBrief) -> BriefIndex:
    return deps.cached(f"mock_brief_index:{brief.source}", lambda: BriefIndex(brief, deps.encoder))


def open_session(state: MockState, runtime: Runtime[MockContext]) -> dict[str, Any]:
    deps = runtime.context.deps
    request = state["request"]
    contact = None
    if request.get("contact_id"):
        contact = deps.db.get_contact(int(request["contact_id"]))
    persona = build_persona(request, contact, deps.encoder).as_dict()
    system = persona_messages(persona, "")[0]
    runtime.context.readers(request).warm()
    brief_index(deps, brief_for(persona))
    return {"persona": persona, "messages": [system], "transcript": [], "turns": [],
            "clock": {"elapsed": 0.0, "notice": False, "extra": 0}, "used_sections": [],
            "pending": None, "ended": False}


def await_user_turn(state: MockState) -> dict[str, Any]:
    clock = state.get("clock", {})
    value = interrupt({"turn": len(state.get("turns", [])), "elapsed": clock.get("elapsed", 0.0),
                       "limit": state["request"]["minutes"]})
    if isinstance(value, dict) and value.get("end"):
        return {"pending": None, "ended": True}
    if isinstance(value, dict):  # a spoken turn: its text and how it sounded
        turn = str(len(state.get("turns", [])))
        return {"pending": str(value.get("text") or "")[:MAX_TURN_CHARS],
                "speech": {**state.get("speech", {}), turn: dict(value.get("speech") or {})}}
    return {"pending": str(value or "")[:MAX_TURN_CHARS]}


def classify_turn(state: MockState, runtime: Runtime[MockContext]) -> dict[str, Any]:
    turns = list(state.get("turns", []))
    reader = runtime.context.readers(state["request"])
    earlier = [t.get("text", "") for t in turns]
    core_seen = any(t.get("priority") == "core" for t in turns)
    record = reader.read(state.get("pending") or "", len(turns), earlier, need_priority=not core_seen)
    return {"turns": [*turns, record]}


def reply_as_contact(state: MockState, runtime: Runtime[MockContext]) -> dict[str, Any]:
    turns = list(state["turns"])
    record: TurnRecord = dict(turns[-1])  # type: ignore[assignment]
    persona, request = state["persona"], state["request"]
    clock = dict(state["clock"])
    brief = brief_for(persona)
    index = record["index"]
    seed = f"{persona['name']}|{index}"
    used = list(state.get("used_sections", []))
    route, reply = choose_route(record, state.get("transcript", []), turns, persona, brief,
                                clock, seed)
    origin = "template"
    user_line = record["text"] or "…"
    messages = list(state["messages"])
    layout = runtime.context.layout
    sent_user = layout.user_content(persona, user_line)
    if route == "answer":
        reply, origin, heading = answer_in_persona(runtime.context, state, record, sent_user, messages, used,
                                                   seed)
        if heading:
            used.append(heading)
    elif route == "one_more":
        reply, origin, heading = answer_in_persona(runtime.context, state, record, sent_user, messages, used,
                                                   seed)
        reply = template_reply("one_more", seed) + reply
    minutes = exchange_minutes(record["text"], reply, asks=bool(record.get("asks")))
    elapsed = round(clock["elapsed"] + minutes, 2)
    limit = int(request["minutes"])
    if clock["notice"] and route in ("one_more", "hard_stop"):
        clock["extra"] += 1
    if not clock["notice"] and elapsed > limit and route not in ("goodbye", "hard_stop"):
        reply += template_reply("time_note", seed, minutes=str(limit))
        clock["notice"] = True
    clock["elapsed"] = elapsed
    record.update({"route": route, "reply_origin": origin, "minutes_after": elapsed})  # type: ignore[typeddict-item]
    turns[-1] = record
    history = trim_history([*messages, {"role": "user", "content": sent_user},
                            {"role": "assistant", "content": reply}])
    transcript = [*state.get("transcript", []), {"role": "user", "text": record["text"]},
                  {"role": "contact", "text": reply}]
    emit({"type": "reply", "turn": index, "text": reply, "origin": origin, "route": route,
           "elapsed": elapsed, "limit": limit})
    return {"turns": turns, "transcript": transcript, "messages": history, "clock": clock,
            "used_sections": used[-3:], "pending": None}


def choose_route(record: TurnRecord, transcript: list[dict[str, str]], turns: list[TurnRecord],
                 persona: dict[str, Any], brief: RoleBrief, clock: dict[str, Any],
                 seed: str) -> tuple[str, str]:
    """Which behaviour this turn calls for, with its template text ('' = the model answers)."""
    kind = record["kind"]
    if kind in ("empty", "gibberish"):
        return kind, template_reply(kind, seed)
    closing = record.get("wrap_up") or (record.get("thanks") and not record.get("asks"))
    if closing:
        return "goodbye", template_reply("goodbye", seed)
    if clock.get("notice") and clock.get("extra", 0) >= EXTRA_TURNS_AFTER_TIME:
        return "hard_stop", template_reply("hard_stop", seed)
    screen = record.get("screen")
    if screen and screen.get("verdict") == "flag" and screen.get("category"):
        category = str(screen["category"])
        company_of = f" to {persona['company']}" if persona.get("company") else ""
        return f"decline_{category}", template_reply(
            category, seed, advice=advice_from(brief, category), company_of=company_of)
    if record.get("referral_ask"):
        text = template_reply("referral", seed, **referral_slots(brief, seed))
        return "referral", text + " " + template_reply("name_permission", seed)
    if record.get("name_permission"):
        return "name_permission", template_reply("name_permission", seed)
    if persona.get("seniority") == "junior" and asks_company_inside(record["text"]):
        return "too_junior", template_reply("too_junior", seed,
                                            advice=advice_from(brief, "too_junior"))
    repeat_of = record.get("repeat_of")
    if repeat_of is not None:
        earlier = _contact_reply_to(transcript, repeat_of)
        recap = (sentences(earlier)[0] if earlier else "it depends a lot on the team.")
        return "repeat", template_reply("repeat", seed, recap=recap)
    if not record.get("asks") and (record.get("greeting") or record.get("self_intro")):
        return "greeting", template_reply("greeting", seed, user=user_name(turns))
    if clock.get("notice"):
        return "one_more", ""
    return "answer", ""


def _contact_reply_to(transcript: list[dict[str, str]], index: int) -> str:
    position = 2 * index + 1
    return transcript[position]["text"] if position < len(transcript) else ""


def answer_in_persona(context: MockContext, state: MockState, record: TurnRecord, sent_user: str,
                      messages: list[dict[str, str]], used: list[str],
                      seed: str) -> tuple[str, str, str]:
    """The model's streamed answer if it passes the validators, else the brief's answer."""
    deps = context.deps
    persona = state["persona"]
    brief = brief_for(persona)
    index = brief_index(deps, brief)
    question = record["text"]
    qvec = deps.encoder.encode([question])[0]
    request_messages = context.layout.request(state, index, qvec, used, messages, sent_user)
    buffer = ""
    try:
        for delta in deps.llm.stream(request_messages, max_tokens=REPLY_MAX_TOKENS,
                                     temperature=0.5, stop=STOP):
            buffer += delta
            emit({"type": "delta", "turn": record["index"], "text": tidy_reply(buffer, complete=False)})
            if early_stop(buffer):
                break
    except ModelError:
        buffer = ""
    reply = tidy_reply(buffer)
    earlier_user = [t.get("text", "") for t in state["turns"]]
    problems = reply_problems(reply, question=question, user_lines=earlier_user,
                              user_name=user_name(state["turns"]).lstrip(", "))
    if not problems and word_count(question) >= 3:
        relevance = float(deps.encoder.encode([reply])[0] @ qvec)
        if relevance < MIN_RELEVANCE:
            problems.append("off_topic")
    if not problems:
        return reply, "model", ""
    fallback, heading = index.answer(qvec, used, seed, question)
    return fallback, "template", heading


def finish(state: MockState, runtime: Runtime[MockContext]) -> dict[str, Any]:
    deps = runtime.context.deps
    feedback = build_feedback(state.get("turns", []), int(state["request"]["minutes"]))
    feedback.speech = speech_feedback(state.get("speech"))
    word_summary(deps, feedback)
    return {"feedback": feedback.model_dump(), "ended": True}


def word_summary(deps: Deps, feedback: Feedback) -> None:
    """Let the model reword the template summary; keep it only if it adds nothing new."""
    if not feedback.flagged and not feedback.strengths:
        return
    messages = prompts.load("mock_summary").messages(facts=summary_facts(feedback))
    try:
        raw = "".join(deps.llm.stream(messages, max_tokens=140, temperature=0.3, schema=SummaryText))
        worded = SummaryText.model_validate_json(raw).summary.strip()
    except (ModelError, ValueError):
        return
    if not summary_problems(worded, summary_facts(feedback) + "\n" + feedback.summary):
        feedback.summary = worded
        feedback.summary_origin = "model"
