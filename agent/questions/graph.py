"""The question-preparation workflow as a LangGraph graph, built per call site by `build_graph`."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from langgraph.graph import END, START, StateGraph

from agent.deps import Deps
from agent.questions.nodes import make_nodes
from agent.questions.state import QuestionPlan, QuestionsRequest, QuestionsState

ORDER = ("retrieve_candidates", "score_and_screen", "rank_and_fit", "phrase_with_model", "finish")


def build_graph(deps: Deps) -> Any:
    nodes = make_nodes(deps)
    graph = StateGraph(QuestionsState)
    for name in ORDER:
        graph.add_node(name, nodes[name])
    graph.add_edge(START, ORDER[0])
    for a, b in zip(ORDER, ORDER[1:], strict=False):
        graph.add_edge(a, b)
    graph.add_edge(ORDER[-1], END)
    return graph.compile()


def prepare_questions(deps: Deps, request: QuestionsRequest) -> QuestionPlan:
    """Ranked, screened questions for one conversation, as many as fit its minutes."""
    graph = deps.cached("questions_graph", lambda: build_graph(deps))
    return graph.invoke({"request": request})["plan"]


def stream_questions(deps: Deps, request: QuestionsRequest) -> Iterator[dict[str, Any]]:
    """Yield {'stage', ...} progress events, then {'plan': QuestionPlan}."""
    graph = deps.cached("questions_graph", lambda: build_graph(deps))
    for mode, payload in graph.stream({"request": request}, stream_mode=["custom", "updates"]):
        if mode == "custom":
            yield payload
        elif mode == "updates" and "finish" in payload:
            yield {"plan": payload["finish"]["plan"]}
