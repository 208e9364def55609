"""The SWOT workflow as a LangGraph graph: one straight line of nodes."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from agent import workflow
from agent.deps import Deps
from agent.swot.nodes import make_nodes
from agent.swot.state import SwotReport, SwotRequest, SwotState

ORDER = ("split_notes", "classify_notes", "extract_items", "compare_sources", "summarise_quadrants",
         "finish")


def build_graph(deps: Deps) -> Any:
    return workflow.linear_graph(SwotState, make_nodes(deps), ORDER)


def _graph(deps: Deps) -> Any:
    return deps.cached("swot_graph", lambda: build_graph(deps))


def run_swot(deps: Deps, request: SwotRequest) -> SwotReport:
    return workflow.run(_graph(deps), request, "report")  # type: ignore[no-any-return]


def stream_swot(deps: Deps, request: SwotRequest) -> Iterator[dict[str, Any]]:
    """Yield {'stage', ...} progress events, then {'report': SwotReport}."""
    return workflow.stream(_graph(deps), request, "report")
