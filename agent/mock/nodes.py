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

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

import numpy as np
from langgraph.runtime import Runtime
from langgraph.types import interrupt
from pydantic import BaseModel, Field

import prompts
from agent.deps import Deps
from agent.errors import ModelError
from agent.mock.clock import exchange_minutes
from agent.mock.facts import (
    Fact,
    FactBank,
    FactFinder,
    SectionSearch,
    bio_facts,
    brief_bank,
)
from agent.mock.feedback import build_feedback, summary_facts, summary_problems
from agent.mock.grounding import extractive_reply, grounding_problems
from agent.mock.persona import (
    COMPANY_FIGURES,
    DECLINE,
    DEFAULT_SECTION,
    GENERIC_ROLE,
    SECTION_FOR,
    RoleBrief,
    ack_for,
    advice_from,
    asks_company_inside,
    brief_for,
    build_persona,
    referral_slots,
    template_reply,
    working_brief,
)
from agent.mock.state import MAX_TURN_CHARS, Feedback, MockState, ScreenView, TurnRecord
from agent.mock.styles import Style, deflects, facts_for_turn, good_question, style_for
from agent.mock.topics import TopicReader, sections_for
from agent.mock.turns import (
    FOLLOW_UP_ASK,
    NAMED_INTRO,
    PURPOSE_CLAUSE,
    PURPOSE_LEAD,
    TurnReader,
    load_priority,
    question_part,
    semantic_repeat,
)
from agent.mock.validate import early_stop, perspective_problems, reply_problems, tidy_reply
from agent.text.grammar import article
from agent.text.words import sentences, word_count
from agent.voice.speech import speech_feedback
from agent.workflow import Context, emit

ReaderFactory = Callable[[dict[str, Any]], TurnReader]
ANSWERS_KEPT = 30
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

    def user_content(self, persona: dict[str, Any], line: str, facts: list[Fact]) -> str: ...

    def request(self, state: MockState, facts: list[Fact], messages: list[dict[str, str]],
                sent_user: str) -> list[dict[str, str]]: ...


class StableLayout:
    """The persona's system prompt is fixed for the session and earlier turns are never
    re-rendered, so llama.cpp reuses the cached prefix and processes only the new turn (its line
    and the facts that answer it)."""

    def user_content(self, persona: dict[str, Any], line: str, facts: list[Fact]) -> str:
        return persona_messages(persona, line, facts)[1]["content"]

    def request(self, state: MockState, facts: list[Fact], messages: list[dict[str, str]],
                sent_user: str) -> list[dict[str, str]]:
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
    company = f" at {persona['company']}" if persona.get("company") else ""
    return f"{article(role)} {role}{company}"


def facts_block(facts: list[Fact]) -> str:
    return "\n".join(f"- {f['text']}" for f in facts) or "- (nothing specific: answer briefly and kindly)"


def persona_messages(persona: dict[str, Any], line: str, facts: list[Fact]) -> list[dict[str, str]]:
    """[system, user] for the stable layout; the system part never changes within a session."""
    style = style_for(persona.get("style"))
    return prompts.load("mock_persona").messages(
        name=persona["name"], role_line=role_line(persona), manner=style.description,
        sentences=style.sentences, line=line, facts=facts_block(facts),
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


def user_goal(request: dict[str, Any], turns: list[TurnRecord]) -> str:
    """What the user is after, in their words: the stated objective, else the purpose they gave
    when introducing themselves ('exploring data analysis in healthcare')."""
    if request.get("objective"):
        text = str(request["objective"]).strip().rstrip(".")
        return f"trying to learn {text[:1].lower()}{text[1:]}" if not PURPOSE_LEAD.match(text) else text
    for t in turns[:3]:
        match = PURPOSE_CLAUSE.search(t.get("text", ""))
        if match:
            return match.group(1).strip().rstrip(".,;")
    return ""


def brief_sections(persona: dict[str, Any]) -> tuple[dict[str, str], str]:
    """The sections the contact answers from, and how facts from them are cited."""
    if persona.get("working_sections"):
        return dict(persona["working_sections"]), "general knowledge of the field"
    return dict(brief_for(persona).sections), "role brief"


def fact_finder(deps: Deps, persona: dict[str, Any]) -> FactFinder:
    """Facts for this contact: the bio (encoded once per session), the brief (once per process)."""
    sections, label = brief_sections(persona)
    source = str(persona.get("brief_source"))
    key = "working:" + persona["role"] if persona.get("working_sections") else source
    bank = deps.cached(f"mock_brief_facts:{key}", lambda: brief_bank(deps.encoder, sections, label))
    bio = persona.get("bio_facts") or []
    bio_bank = deps.cached(f"mock_bio_facts:{hash(tuple(f['text'] for f in bio))}",
                           lambda: FactBank.of(deps.encoder, bio)) if bio else None
    search = None if persona.get("working_sections") else chroma_section_search(deps, source)
    return FactFinder(bank, bio_bank, search, persona.get("company"))


def chroma_section_search(deps: Deps, source: str) -> SectionSearch:
    """The brief's sections nearest a question, from Chroma's `roles` collection."""

    def search(vector: np.ndarray, k: int) -> list[str]:
        hits = deps.vectors.query_vector("roles", vector, k=k, where={"source": source})
        return [str(h.metadata.get("section", "")) for h in hits]

    return search


def open_session(state: MockState, runtime: Runtime[MockContext]) -> dict[str, Any]:
    deps = runtime.context.deps
    request = state["request"]
    contact = None
    if request.get("contact_id"):
        # The rehearsal's owner is in its thread id; their contact, never another user's.
        from langgraph.config import get_config

        from agent.mock.graph import thread_owner

        owner = thread_owner(str(get_config()["configurable"]["thread_id"]))
        contact = deps.db.for_user(owner).get_contact(int(request["contact_id"]))
    persona = build_persona(request, contact, deps.encoder).as_dict()
    if persona["brief_role"] == GENERIC_ROLE:
        persona["working_sections"] = working_brief(persona["role"], deps.encoder)
    persona["bio_facts"] = bio_facts(request.get("bio") or (contact or {}).get("bio"), persona["name"])
    system = persona_messages(persona, "", [])[0]
    runtime.context.readers(request).warm()
    fact_finder(deps, persona)
    topic_reader(deps)
    return {"persona": persona, "messages": [system], "transcript": [], "turns": [],
            "clock": {"elapsed": 0.0, "notice": False, "extra": 0},
            "answers": [], "opened_up": False, "pending": None, "ended": False}


def topic_reader(deps: Deps) -> TopicReader:
    return deps.cached("mock_topic_reader", lambda: TopicReader.build(deps.encoder))  # type: ignore[no-any-return]


def await_user_turn(state: MockState) -> dict[str, Any]:
    clock = state.get("clock", {})
    value = interrupt({"turn": len(state.get("turns", [])), "elapsed": clock.get("elapsed", 0.0),
                       "limit": state["request"]["minutes"]})
    if isinstance(value, dict) and value.get("end"):
        return {"pending": None, "ended": True}
    if isinstance(value, dict):  # a turn with options: how it sounded, whether the reply is spoken
        updates: dict[str, Any] = {"pending": str(value.get("text") or "")[:MAX_TURN_CHARS],
                                   "aloud": bool(value.get("aloud"))}
        if value.get("speech"):
            turn = str(len(state.get("turns", [])))
            updates["speech"] = {**state.get("speech", {}), turn: dict(value["speech"])}
        return updates
    return {"pending": str(value or "")[:MAX_TURN_CHARS], "aloud": False}


def classify_turn(state: MockState, runtime: Runtime[MockContext]) -> dict[str, Any]:
    turns = list(state.get("turns", []))
    reader = runtime.context.readers(state["request"])
    earlier = [t.get("text", "") for t in turns]
    core_seen = any(t.get("priority") == "core" for t in turns)
    record = reader.read(state.get("pending") or "", len(turns), earlier, need_priority=not core_seen)
    if record.get("repeat_of") is None and record.get("asks") and not record.get("referral_ask"):
        asked = [(t["index"], t.get("text", "")) for t in turns
                 if t.get("asks") and t.get("route") in ANSWERED_ROUTES]
        record["repeat_of"] = semantic_repeat(record["text"], asked, runtime.context.deps.encoder)
    return {"turns": [*turns, record]}


def reply_as_contact(state: MockState, runtime: Runtime[MockContext]) -> dict[str, Any]:
    context = runtime.context
    turns = list(state["turns"])
    record: TurnRecord = dict(turns[-1])  # type: ignore[assignment]
    persona, request = state["persona"], state["request"]
    clock = dict(state["clock"])
    brief = brief_for(persona)
    index = record["index"]
    seed = f"{persona['name']}|{index}"
    answers = list(state.get("answers", []))
    route, reply, facts = choose_route(record, state.get("transcript", []), turns, persona, brief,
                                       clock, seed, request, answers)
    origin = "template"
    user_line = record["text"] or "…"
    messages = list(state["messages"])
    opened_up = bool(state.get("opened_up"))
    sent_user = context.layout.user_content(persona, user_line, [])
    if route in ("answer", "one_more", "greet_answer"):
        style = style_for(persona.get("style"))
        question = question_part(record["text"])
        if deflects(style, question):
            route = "guarded_deflect"
        elif style.name == "guarded" and good_question(question):
            opened_up = True
        count = 1 if route == "guarded_deflect" else facts_for_turn(style, question, opened_up)
        facts = plan_facts(context.deps, persona, question, answers, count)
        sent_user = context.layout.user_content(persona, user_line, facts)
        ack = ack_for(str(persona.get("name", "")), index) if state.get("aloud") else ""
        frame = _framing(route, seed, style.name == "busy" and not any(a.get("busy_said") for a in answers),
                         user_name(turns), ack)
        answer, origin = answer_in_persona(context, state, record, question, sent_user, messages, facts,
                                           seed, style, frame)
        reply = frame(answer)
        answers.append({"turn": index, "question": question, "facts": facts,
                        "busy_said": style.name == "busy"})
    minutes = exchange_minutes(record["text"], reply, asks=bool(record.get("asks")))
    elapsed = round(clock["elapsed"] + minutes, 2)
    limit = int(request["minutes"])
    if clock["notice"] and route in ("one_more", "hard_stop"):
        clock["extra"] += 1
    if not clock["notice"] and elapsed > limit and route not in ("goodbye", "hard_stop"):
        reply += template_reply("time_note", seed, minutes=str(limit))
        facts = [*facts, {"text": f"The call is booked for {limit} minutes.", "source": "call length"}]
        clock["notice"] = True
    clock["elapsed"] = elapsed
    record.update({"route": route, "reply_origin": origin, "minutes_after": elapsed})  # type: ignore[typeddict-item]
    screen = record.get("screen")
    if route == "repeat" and screen and screen.get("verdict") == "flag":
        # The same question as one the contact answered: the feedback does not call it a misstep.
        record["screen"] = {"verdict": "ok", "category": None, "rewrite": None,
                            "reason": f"asks again what turn {record.get('repeat_of')} asked"}
    turns[-1] = record
    history = trim_history([*messages, {"role": "user", "content": sent_user},
                            {"role": "assistant", "content": reply}])
    transcript = [*state.get("transcript", []), {"role": "user", "text": record["text"]},
                  {"role": "contact", "text": reply, "facts": facts}]
    emit({"type": "reply", "turn": index, "text": reply, "origin": origin, "route": route,
          "elapsed": elapsed, "limit": limit, "facts": facts})
    return {"turns": turns, "transcript": transcript, "messages": history, "clock": clock,
            "answers": answers[-ANSWERS_KEPT:], "opened_up": opened_up, "pending": None}


def plan_facts(deps: Deps, persona: dict[str, Any], question: str, answers: list[dict[str, Any]],
               count: int) -> list[Fact]:
    """The facts that answer this question: its topic, then the finder's ranking (an earlier
    answer to the same question first, so the contact stays consistent)."""
    vector = deps.encoder.encode([question])[0]
    topic = topic_reader(deps).topic(question, vector)
    earlier = []
    if answers:
        vectors = deps.encoder.encode([a["question"] for a in answers])
        earlier = [(vectors[i], a["facts"], a["turn"]) for i, a in enumerate(answers) if a["facts"]]
    return fact_finder(deps, persona).find(vector, sections_for(topic, question), count, earlier, question)


def choose_route(record: TurnRecord, transcript: list[dict[str, Any]], turns: list[TurnRecord],
                 persona: dict[str, Any], brief: RoleBrief, clock: dict[str, Any], seed: str,
                 request: dict[str, Any], answers: list[dict[str, Any]]) -> tuple[str, str, list[Fact]]:
    """Which conversational move this turn calls for, its template text ('' = the facts are worded
    as an answer) and the facts a template reply uses."""
    kind = record["kind"]
    if kind in ("empty", "gibberish"):
        return kind, template_reply(kind, seed), []
    opening = record["index"] == 0 or bool(record.get("greeting") or record.get("self_intro"))
    follow_up = bool(record.get("asks") and FOLLOW_UP_ASK.search(record["text"]))
    # A parting wish on the first line is politeness, not a goodbye.
    closing = (record.get("wrap_up") and record["index"] > 0) or (
        record.get("thanks") and not opening and (not record.get("asks") or follow_up))
    if closing:
        return "goodbye", template_reply("goodbye_follow_up" if follow_up else "goodbye", seed), []
    if opening and (record.get("greeting") or record.get("self_intro")) and not record.get("asks"):
        # A greeting that asks nothing is answered in kind, whatever the screen made of it ("I'm
        # applying to programs this fall" is news, not a job ask; "busy with the plan update" is
        # small talk, not a question about it).
        busy = persona.get("style") == "busy"
        minutes = str(request.get("minutes", 20))
        # The busy contact names the call's length: a fact of the session, not an invention.
        text = template_reply("greeting_busy" if busy else "greeting", seed,
                              user=user_name(turns), minutes=minutes)
        length: list[Fact] = [{"text": f"The call is booked for {minutes} minutes.",
                               "source": "call length"}]
        return "greeting", text, length if f"{minutes} minutes" in text else []
    if clock.get("notice") and clock.get("extra", 0) >= EXTRA_TURNS_AFTER_TIME:
        return "hard_stop", template_reply("hard_stop", seed), []
    repeat_of = record.get("repeat_of")
    if repeat_of is not None and _route_of(turns, repeat_of) in ANSWERED_ROUTES:
        # Asked again in other words: answered the first time, so answered the same way now
        # (the screen may read the rewording differently: "ended up in tax" is not about pay).
        return _repeat(repeat_of, answers, transcript, seed)
    screen = record.get("screen")
    category = str(screen["category"]) if screen and screen.get("verdict") == "flag" and screen.get(
        "category") else ("confidential_information" if _employer_figures(screen, record, persona) else "")
    if category:
        company_of = f" to {persona['company']}" if persona.get("company") else ""
        advice = advice_from(brief, category)
        facts = [{"text": advice, "source": f"role brief: {SECTION_FOR.get(category, DEFAULT_SECTION)}"}]
        used = facts if "{advice}" in DECLINE.get(category, ("",))[0] else []
        return f"decline_{category}", template_reply(category, seed, advice=advice,
                                                     company_of=company_of), used
    if record.get("referral_ask"):
        slots = referral_slots(brief, seed, persona.get("name", ""), user_goal(request, turns),
                               user_name=user_name(turns).lstrip(", "))
        text = template_reply("referral", seed, **slots)
        fact = {"text": slots["who"].split(" Since you")[0],
                "source": "role brief: Good people to talk to next"}
        return "referral", text + " " + template_reply("name_permission", seed), [fact]
    if record.get("name_permission"):
        return "name_permission", template_reply("name_permission", seed), []
    if persona.get("seniority") == "junior" and asks_company_inside(record["text"]):
        advice = advice_from(brief, "too_junior")
        return "too_junior", template_reply("too_junior", seed, advice=advice), [
            {"text": advice, "source": "role brief: A typical week"}]
    if repeat_of is not None:
        return _repeat(repeat_of, answers, transcript, seed)
    if opening and (record.get("greeting") or record.get("self_intro")):
        return "greet_answer", "", []
    if clock.get("notice"):
        return "one_more", "", []
    return "answer", "", []


OWN_EMPLOYER = re.compile(r"\byour (?:company|firm|employer|organi[sz]ation|agency|team|"
                          r"department|business)\b", re.IGNORECASE)


def _employer_figures(screen: ScreenView | None, record: TurnRecord, persona: dict[str, Any]) -> bool:
    """A question about the contact's own employer's figures ("How much were Pinecrest's profits
    last quarter?", or anything the screen could not decide is confidential and that names the
    employer): a real contact declines to discuss their employer's numbers, and so does ours."""
    text = record["text"]
    if not record.get("asks") or not _names_own_employer(text, persona):
        return False
    unsure = screen is not None and screen.get("verdict") == "review" and (
        screen.get("category") == "confidential_information")
    return unsure or bool(COMPANY_FIGURES.search(text))


def _names_own_employer(text: str, persona: dict[str, Any]) -> bool:
    company = str(persona.get("company") or "").strip()
    names = [w for w in re.findall(r"[A-Z][\w&'’-]+", company)
             if w.lower() not in {"the", "of", "and", "inc", "llc", "ltd", "co"}]
    return bool(OWN_EMPLOYER.search(text)) or any(
        re.search(rf"\b{re.escape(name)}\b", text) for name in names)


ANSWERED_ROUTES = frozenset({"answer", "greet_answer", "one_more", "guarded_deflect", "repeat"})


def _route_of(turns: list[TurnRecord], index: int) -> str:
    return str(next((t.get("route", "") for t in turns if t.get("index") == index), ""))


def _repeat(repeat_of: int, answers: list[dict[str, Any]], transcript: list[dict[str, Any]],
            seed: str) -> tuple[str, str, list[Fact]]:
    """The same question again: the first answer's facts, said again (consistency)."""
    first = next((a for a in answers if a["turn"] == repeat_of and a["facts"]), None)
    if first is not None:
        recap = extractive_reply(first["facts"], limit=2)
        return "repeat", template_reply("repeat", seed, recap=recap), list(first["facts"])
    earlier = _contact_reply_to(transcript, repeat_of)
    recap = sentences(earlier)[0] if earlier else "it depends a lot on the team."
    return "repeat", template_reply("repeat", seed, recap=recap), []


def _framing(route: str, seed: str, busy_first: bool, user: str, ack: str = "") -> Callable[[str], str]:
    """The words around the model's answer (a greeting, "one more", a deflection, the busy note,
    the acknowledgement of a spoken question), known before the model starts, so the streamed text
    (and the speech made from it) already reads as the final reply will."""
    lead = {"one_more": template_reply("one_more", seed),
            "greet_answer": template_reply("greet_short", seed, user=user),
            "answer": ack}.get(route, "")

    def frame(answer: str) -> str:
        if route == "guarded_deflect":
            answer = template_reply("guarded_deflect", seed) + _lower_start(answer)
        if busy_first:
            answer = template_reply("busy_note", seed) + _lower_start(answer)
        return lead + answer

    return frame


def _lower_start(text: str) -> str:
    return text if re.match(r"I\b|[A-Z]{2}", text) else text[:1].lower() + text[1:]


def _contact_reply_to(transcript: list[dict[str, Any]], index: int) -> str:
    position = 2 * index + 1
    return str(transcript[position]["text"]) if position < len(transcript) else ""


def answer_in_persona(context: MockContext, state: MockState, record: TurnRecord, question: str,
                      sent_user: str, messages: list[dict[str, str]], facts: list[Fact], seed: str,
                      style: Style, frame: Callable[[str], str] = lambda answer: answer) -> tuple[str, str]:
    """The model's streamed wording of the facts, kept sentence by sentence: each sentence the
    model finishes is checked at once (the validators, the grounding in the facts, the point of
    view) and the reply is the sentences that passed, up to the first that did not, where the
    model is stopped. The text shown while streaming (each delta, inside its `frame`) only ever
    holds sentences that passed plus the one being written, so a sentence that is spoken while the
    reply streams is never taken back. When no sentence passes, or the kept sentences together
    fail (off topic, too short), the contact says the best facts themselves."""
    deps = context.deps
    request_messages = context.layout.request(state, facts, messages, sent_user)
    name = user_name(state["turns"]).lstrip(", ")
    earlier_user = [t.get("text", "") for t in state["turns"]]
    contact = str(state["persona"].get("name", ""))

    def sentence_problems(sentence: str) -> list[str]:
        problems = [p for p in reply_problems(sentence, question=question, user_lines=earlier_user,
                                              user_name=name) if p != "empty"]
        problems += grounding_problems(sentence, facts, record["text"], allowed=[name] if name else [])
        return problems + perspective_problems(sentence, facts, contact, name)

    kept: list[str] = []
    failed = False

    def take(done: list[str]) -> None:
        nonlocal failed
        for sentence in done[len(kept):]:
            if failed or len(kept) >= style.sentences or sentence_problems(sentence):
                failed = True
                return
            kept.append(sentence)

    buffer = ""
    if frame("").strip():  # the lead is known now: shown (and spoken) before the model's first word
        emit({"type": "delta", "turn": record["index"], "text": frame("")})
    try:
        for delta in deps.llm.stream(request_messages, max_tokens=style.max_tokens,
                                     temperature=0.4, stop=STOP):
            buffer += delta
            parts = sentences(tidy_reply(buffer, complete=False))
            take(parts[:-1])
            if failed or len(kept) >= style.sentences or early_stop(buffer):
                break
            emit({"type": "delta", "turn": record["index"], "text": frame(" ".join([*kept, *parts[-1:]]))})
        else:
            take(sentences(tidy_reply(buffer)))
    except ModelError as exc:
        kept = []  # the extractive answer below; the notice tells the UI/CLI why
        emit({"type": "notice", "turn": record["index"], "text": str(exc)})
    reply = " ".join(kept)
    problems = reply_problems(reply, question=question, user_lines=earlier_user, user_name=name)
    problems += grounding_problems(reply, facts, record["text"], allowed=[name] if name else [])
    if not problems and word_count(question) >= 3:
        vectors = deps.encoder.encode([reply, question])
        if float(vectors[0] @ vectors[1]) < MIN_RELEVANCE:
            problems.append("off_topic")
    if not problems:
        return reply, "model"
    opener = "" if frame("") else _pick_opener(seed, facts[0] if facts else None)
    fallback = extractive_reply(facts, opener=opener, limit=max(1, style.facts))
    return fallback or template_reply("no_facts", seed), "template"


PERSONAL_SOURCES = ("bio", "earlier turn", "company")


def _pick_opener(seed: str, first: Fact | None) -> str:
    """A few words before the contact's facts. None after a lead the frame already says ("I
    only have a few minutes, so briefly: good question." reads as a glitch), and none that frames
    a fact of their own life as an observation ("From what I've seen, I studied chemistry")."""
    opener = template_reply("opener", seed)
    if first is not None and first["source"].startswith(PERSONAL_SOURCES) and opener not in (
            "", "Good question. "):
        return ""
    return opener


def finish(state: MockState, runtime: Runtime[MockContext]) -> dict[str, Any]:
    deps = runtime.context.deps
    request = state["request"]
    feedback = build_feedback(state.get("turns", []), int(request["minutes"]),
                              transcript=state.get("transcript", []),
                              objective=request.get("objective"), encoder=deps.encoder)
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
