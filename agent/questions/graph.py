"""The question-preparation workflow as a LangGraph graph: one straight line of nodes."""

from __future__ import annotations

import functools
from collections.abc import Iterator
from typing import Any

from agent import workflow
from agent.deps import Deps
from agent.questions import nodes
from agent.questions.state import QuestionPlan, QuestionsRequest, QuestionsState

ORDER = ("retrieve_candidates", "score_and_screen", "rank_and_fit", "phrase_with_model", "finish")


@functools.cache
def build_graph() -> Any:
    """Compiled once per process; the deps arrive with each run as its context."""
    return workflow.linear_graph(QuestionsState, {name: getattr(nodes, name) for name in ORDER}, ORDER)


def prepare_questions(deps: Deps, request: QuestionsRequest) -> QuestionPlan:
    """Ranked, screened questions for one conversation, as many as fit its minutes."""
    return workflow.run(build_graph(), deps, request, "plan")  # type: ignore[no-any-return]


def stream_questions(deps: Deps, request: QuestionsRequest) -> Iterator[dict[str, Any]]:
    """Yield {'stage', ...} progress events, then {'plan': QuestionPlan}."""
    return workflow.stream(build_graph(), deps, request, "plan")
