"""Time to first token of each capability through its real workflow, with prompt size and cache share.

Each repeat changes the person or the notes, so a repeat is a new request (as a user's next draft
would be) rather than a replay the server's cache answers whole.
"""

from __future__ import annotations

import importlib
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from agent.bench.context import BenchContext
from agent.bench.report import summarise
from agent.bench.timing import TimingChatModel, local_tokenizer
from agent.deps import Deps
from agent.model_server import model_file

NOTES_DIR = Path(__file__).resolve().parents[2] / "evals" / "datasets" / "notes"
NAMES = ["Maria Lopez", "Raj Malhotra", "Chen Wei", "Amara Okafor", "Tom Becker", "Lena Novak", "Omar Haddad"]
ROLES = ["data analyst", "UX researcher", "product manager", "nurse educator", "civil engineer",
         "policy advisor", "software tester"]
SCREEN = ["Could you refer me for an opening on your team?", "How much do you earn in this role?",
          "What does a typical week look like for you?", "Can you pass my resume to the hiring manager?",
          "Which skills took you longest to learn?", "What do you dislike most about your boss?",
          "How did you find your first role in this field?"]


def _notes(i: int) -> str:
    files = sorted(NOTES_DIR.glob("*.txt"))
    return files[i % len(files)].read_text(encoding="utf-8")


def _consume(events: Iterator[Any]) -> None:
    for _ in events:
        pass


def capabilities() -> dict[str, Callable[[Deps, int], None] | str]:
    """name → runner(deps, i), or the reason it cannot run (module not available)."""
    found: dict[str, Callable[[Deps, int], None] | str] = {}

    def guard(name: str, module: str, build: Callable[[Any], Callable[[Deps, int], None]]) -> None:
        try:
            found[name] = build(importlib.import_module(module))
        except ImportError as exc:
            found[name] = f"not available ({exc.name})"

    def outreach(m: Any) -> Callable[[Deps, int], None]:
        from agent.outreach.state import OutreachRequest

        return lambda deps, i: _consume(m.stream_outreach(deps, OutreachRequest.model_validate({
            "contact_name": NAMES[i % len(NAMES)], "contact_role": ROLES[i % len(ROLES)],
            "connection": "we met at a career fair", "goal": "how people move into the field"})))

    def questions(m: Any) -> Callable[[Deps, int], None]:
        from agent.questions.state import QuestionsRequest

        return lambda deps, i: _consume(m.stream_questions(deps, QuestionsRequest.model_validate({
            "contact_role": ROLES[i % len(ROLES)], "goal": "what the first year is like"})))

    def screening(m: Any) -> Callable[[Deps, int], None]:
        return lambda deps, i: None if m.screen_questions(deps, [SCREEN[i % len(SCREEN)]]) else None

    def thank_you(m: Any) -> Callable[[Deps, int], None]:
        from agent.thankyou.state import ThankYouRequest

        return lambda deps, i: _consume(m.stream_thank_you(deps, ThankYouRequest(
            notes=_notes(i), contact_name=NAMES[i % len(NAMES)], my_name="Sam Lee")))

    def swot(m: Any) -> Callable[[Deps, int], None]:
        from agent.swot.state import NoteInput, SwotRequest

        return lambda deps, i: _consume(m.stream_swot(deps, SwotRequest.model_validate({
            "notes": [NoteInput(source=f"interview {i + 1}", text=_notes(i))]})))

    guard("outreach", "agent.outreach.graph", outreach)
    guard("questions", "agent.questions.graph", questions)
    guard("screening", "agent.screening.screen", screening)
    guard("thank_you", "agent.thankyou.graph", thank_you)
    guard("swot", "agent.swot.graph", swot)
    return found


def measure(run_once: Callable[[Deps, int], None], deps: Deps, timer: TimingChatModel,
            i: int) -> dict[str, Any]:
    """One workflow run: wall time to the first model delta (what the user waits for) and in total."""
    before = len(timer.calls)
    start = time.perf_counter()
    run_once(deps, i)
    total = time.perf_counter() - start
    calls = timer.calls[before:]
    first = next((c for c in calls if c.first is not None), None)
    return {
        "ttft": (first.first - start) if first and first.first else None,
        "total": total,
        "model_calls": len(calls),
        "prompt_tokens": sum(c.prompt_tokens for c in calls),
        "first_prompt_tokens": calls[0].prompt_tokens if calls else 0,
        "cached_prefix_tokens": sum(c.cached_tokens for c in calls),
        "calls": [c.as_dict() for c in calls],
    }


def summarise_runs(runs: list[dict[str, Any]]) -> dict[str, Any]:
    def col(key: str) -> list[float]:
        return [r[key] for r in runs if r.get(key) is not None]

    prompt = sum(col("prompt_tokens"))
    cached = sum(col("cached_prefix_tokens"))
    return {
        "ttft": summarise(col("ttft")),
        "total": summarise(col("total")),
        "prompt_tokens": summarise(col("prompt_tokens")),
        "first_prompt_tokens": summarise(col("first_prompt_tokens")),
        "model_calls": summarise(col("model_calls")),
        "cached_share": (cached / prompt) if prompt else None,
        "runs": runs,
    }


def run(ctx: BenchContext) -> dict[str, Any]:
    settings = ctx.indexed_settings("ttft")
    deps = Deps(settings)
    timer = TimingChatModel(deps.llm, local_tokenizer(model_file(settings)))
    deps.llm_override = timer
    out: dict[str, Any] = {"capable_model": settings.capable_model}
    try:
        for name, runner in capabilities().items():
            if isinstance(runner, str):
                out[name] = {"skipped": runner}
                continue
            measure(runner, deps, timer, 100)
            runs = [measure(runner, deps, timer, i) for i in range(ctx.repeats)]
            out[name] = summarise_runs(runs)
        ctx.memory.record("model_server", deps.server.pid if deps.server else None, "ttft")
        ctx.memory.record_self("ttft")
    finally:
        deps.close()
    return out
