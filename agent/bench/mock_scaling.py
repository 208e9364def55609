"""Mock-interview scaling: time to first token at turns 1, 5, 10 and 20 of a scripted rehearsal, for
the app's stable layout (fixed system prompt, history appended, so the server reuses the prefix) and
for a naive layout kept here for this comparison (`naive_layout.py`: per-turn text in the system
prompt, so every turn re-sends and re-processes the whole history). --quick stops at turn 10.

Replies are capped at a few tokens: only prompt processing decides the time to first token, and on a
shared 2-core machine full replies would make a 20-turn session take many minutes. A capped reply
usually fails the validators and the brief's answer is used, so the history still grows by realistic
turns.

Each session rehearses with a different contact role, as a user's next rehearsal would. The role is
in the persona's first line, so turn 1 pays for its whole prompt instead of finding it cached from the
session before (every session's turn-1 prompt would otherwise be a prefix of the last one's).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Literal

from agent.bench.context import BenchContext
from agent.bench.report import ratio, summarise
from agent.bench.timing import TimingChatModel, local_tokenizer
from agent.deps import Deps
from agent.model_server import model_file

TURNS = 20
QUICK_TURNS = 10
MARKS = (1, 5, 10, 20)
REPLY_CAP = 8
ROLES = ("data analyst", "UX researcher", "registered nurse", "civil engineer", "product manager",
         "software engineer", "high-school teacher", "financial analyst", "graphic designer",
         "pharmacist", "marketing manager", "social worker", "electrician")
BANK = Path(__file__).resolve().parents[2] / "knowledge" / "questions" / "bank.jsonl"


def script(n: int = TURNS) -> list[str]:
    """Distinct, open questions from the bank that need no slot filled in."""
    lines: list[str] = []
    for raw in BANK.read_text(encoding="utf-8").splitlines():
        item = json.loads(raw)
        text = str(item.get("text", ""))
        if not item.get("needs") and "{" not in text and text.endswith("?"):
            lines.append(text)
        if len(lines) == n:
            break
    return lines


def session(deps: Deps, timer: TimingChatModel, layout: Literal["stable", "naive"],
            questions: list[str], role: str = ROLES[0]) -> list[dict[str, Any]]:
    """Per turn: the model call's prompt tokens, cached prefix and time to first token (None if the
    turn was answered from a template without the model)."""
    from langgraph.checkpoint.memory import InMemorySaver

    from agent.bench.naive_layout import NaiveLayout
    from agent.mock.graph import build_graph, send_turn, start_session
    from agent.mock.state import MockRequest

    graph = build_graph(deps, InMemorySaver(), layout=NaiveLayout() if layout == "naive" else None)
    thread = start_session(deps, MockRequest(contact_role=role, minutes=60), graph=graph)
    turns: list[dict[str, Any]] = []
    for number, text in enumerate(questions, start=1):
        before = len(timer.calls)
        for _ in send_turn(deps, thread, text, graph=graph):
            pass
        calls = timer.calls[before:]
        call = calls[0].as_dict() if calls else {}
        turns.append({"turn": number, "model_called": bool(calls),
                      **{k: call.get(k) for k in ("prompt_tokens", "cached_prefix_tokens", "cached_share",
                                                  "ttft")}})
    return turns


def scaling(sessions: list[list[dict[str, Any]]]) -> dict[str, Any]:
    """TTFT at the marked turns over the sessions, and turn 10 over turn 1 paired per session."""
    at: dict[str, Any] = {}
    for mark in MARKS:
        values = [s[mark - 1]["ttft"] for s in sessions if len(s) >= mark and s[mark - 1]["ttft"] is not None]
        tokens = [s[mark - 1]["prompt_tokens"] for s in sessions
                  if len(s) >= mark and s[mark - 1]["prompt_tokens"] is not None]
        at[f"turn{mark}"] = {"ttft": summarise(values), "prompt_tokens": summarise(tokens)}
    out: dict[str, Any] = {"at": at}
    for mark in (10, 20):
        pairs = [ratio(s[mark - 1]["ttft"], s[0]["ttft"]) for s in sessions if len(s) >= mark]
        out[f"turn{mark}_over_turn1"] = summarise([p for p in pairs if p is not None])
    return out


def run(ctx: BenchContext) -> dict[str, Any]:
    questions = script(QUICK_TURNS if ctx.quick else TURNS)
    repeats = 1 if ctx.quick else ctx.repeats
    out: dict[str, Any] = {"turns": len(questions), "reply_token_cap": REPLY_CAP, "repeats": repeats}
    settings = ctx.indexed_settings("mock")
    deps = Deps(settings)
    timer = TimingChatModel(deps.llm, local_tokenizer(model_file(settings)),
                            max_tokens_cap=REPLY_CAP)
    deps.llm_override = timer
    try:
        roles = iter(ROLES * (2 * repeats // len(ROLES) + 2))
        session(deps, timer, "stable", questions[:2], next(roles))
        layouts: tuple[Literal["stable", "naive"], ...] = ("stable", "naive")
        for layout in layouts:
            sessions = [session(deps, timer, layout, questions, next(roles)) for _ in range(repeats)]
            out[layout] = {**scaling(sessions), "sessions": sessions}
        ctx.memory.record("model_server", deps.server.pid if deps.server else None, "mock_scaling")
        ctx.memory.record_self("mock_scaling")
    finally:
        deps.close()
    stable = out["stable"]["turn10_over_turn1"]["median"]
    naive = out["naive"]["turn10_over_turn1"]["median"]
    out["turn10_over_turn1"] = stable
    out["naive_turn10_over_turn1"] = naive
    out["turn20_over_turn1"] = out["stable"]["turn20_over_turn1"]["median"]
    out["naive_turn20_over_turn1"] = out["naive"]["turn20_over_turn1"]["median"]
    return out
