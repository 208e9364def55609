"""The question-preparation workflow as a LangGraph graph: one straight line of nodes."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from agent import workflow
from agent.deps import Deps
from agent.questions.nodes import make_nodes
from agent.questions.state import QuestionPlan, QuestionsRequest, QuestionsState

ORDER = ("retrieve_candidates", "score_and_screen", "rank_and_fit", "phrase_with_model", "finish")


def build_graph(deps: Deps) -> Any:
    return workflow.linear_graph(QuestionsState, make_nodes(deps), ORDER)


def _graph(deps: Deps) -> Any:
    return deps.cached("questions_graph", lambda: build_graph(deps))


def prepare_questions(deps: Deps, request: QuestionsRequest) -> QuestionPlan:
    """Ranked, screened questions for one conversation, as many as fit its minutes."""
    return workflow.run(_graph(deps), request, "plan")  # type: ignore[no-any-return]


def stream_questions(deps: Deps, request: QuestionsRequest) -> Iterator[dict[str, Any]]:
    """Yield {'stage', ...} progress events, then {'plan': QuestionPlan}."""
    return workflow.stream(_graph(deps), request, "plan")
