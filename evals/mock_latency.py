"""Time to first token per rehearsal turn on the embedded model: the append-only prompt layout
against a naive one that rebuilds the system prompt every turn.

    .venv/bin/python -m evals.mock_latency [--turns 10] [--repeats 1]

The stable layout keeps the persona's system prompt fixed and only appends turns, so llama.cpp's
server reuses the cached prefix and processes just the new turn. The naive layout puts the brief
section retrieved for the new question and the clock into the system prompt, so every request
starts with different tokens and the whole history is processed again. Each session uses ten
questions that the contact answers with the model (no template turns), with the real question
screen in the loop, as in the app. Measured figures go to the README, never into assertions.
"""

from __future__ import annotations

import argparse
import statistics
import time
from typing import Any

from langgraph.checkpoint.memory import InMemorySaver

from agent.deps import Deps
from agent.mock.graph import build_graph, send_turn, start_session
from agent.mock.state import MockRequest
from evals.common import eval_deps

QUESTIONS = [
    "Hi Dana, I'm Jordan, I work in patient intake and I'm exploring UX research. "
    "How did you get into the field?",
    "What does a typical week look like for you?",
    "What do you enjoy most about the work?",
    "What do you like least about it?",
    "Which skills matter most for someone starting out?",
    "How is the field changing over the next few years?",
    "What tools do you use every day?",
    "How do you work with engineers and designers?",
    "What would you do first in my position?",
    "What is a common mistake newcomers make?",
    "How do you decide which research method to use?",
    "What does a good research report look like?",
]


def session_timings(deps: Deps, layout: str, turns: int) -> list[dict[str, Any]]:
    graph = build_graph(deps, InMemorySaver())
    request = MockRequest(contact_role="Senior UX researcher", contact_name="Dana Park",
                          company="Fernwood Health", minutes=60, layout=layout)  # type: ignore[arg-type]
    thread = start_session(deps, request, graph=graph)
    rows = []
    for line in QUESTIONS[:turns]:
        start = time.perf_counter()
        first: float | None = None
        origin = ""
        for event in send_turn(deps, thread, line, graph=graph):
            if first is None and event.get("type") == "delta":
                first = time.perf_counter() - start
            if event.get("type") == "reply":
                origin = event["origin"]
        rows.append({"ttft": first, "total": time.perf_counter() - start, "origin": origin})
    return rows


def run(deps: Deps, turns: int = 10, repeats: int = 1) -> dict[str, float]:
    deps.llm.complete([{"role": "user", "content": "Hello"}], max_tokens=4)
    metrics: dict[str, float] = {}
    for layout in ("stable", "naive"):
        runs = [session_timings(deps, layout, turns) for _ in range(repeats)]
        for turn in (1, 5, turns):
            values = [r[turn - 1]["ttft"] for r in runs if r[turn - 1]["ttft"] is not None]
            metrics[f"{layout}_ttft_turn{turn}_s"] = statistics.median(values) if values else -1.0
        first, last = metrics[f"{layout}_ttft_turn1_s"], metrics[f"{layout}_ttft_turn{turns}_s"]
        metrics[f"{layout}_turn{turns}_over_turn1"] = last / first if first > 0 else -1.0
        totals = [row["total"] for r in runs for row in r]
        metrics[f"{layout}_median_turn_total_s"] = statistics.median(totals)
        metrics[f"{layout}_model_replies_kept"] = sum(
            row["origin"] == "model" for r in runs for row in r) / len(totals)
    return metrics


def main() -> None:
    parser = argparse.ArgumentParser(prog="evals.mock_latency")
    parser.add_argument("--turns", type=int, default=10)
    parser.add_argument("--repeats", type=int, default=1)
    args = parser.parse_args()
    deps = eval_deps()
    try:
        for key, value in run(deps, args.turns, args.repeats).items():
            print(f"  {key:34s} {value:.3f}")
    finally:
        deps.close()


if __name__ == "__main__":
    main()
