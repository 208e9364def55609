"""The SWOT workflow as a LangGraph graph: one straight line of nodes."""

from __future__ import annotations

import functools
from collections.abc import Iterator
from typing import Any

from agent import workflow
from agent.deps import Deps
from agent.swot import nodes
from agent.swot.state import SwotReport, SwotRequest, SwotState

ORDER = ("split_notes", "classify_notes", "extract_items", "compare_sources", "summarise_quadrants",
         "finish")


@functools.cache
def build_graph() -> Any:
    """Compiled once per process; the deps arrive with each run as its context."""
    return workflow.linear_graph(SwotState, {name: getattr(nodes, name) for name in ORDER}, ORDER)


def run_swot(deps: Deps, request: SwotRequest) -> SwotReport:
    return workflow.run(build_graph(), deps, request, "report")  # type: ignore[no-any-return]


def stream_swot(deps: Deps, request: SwotRequest) -> Iterator[dict[str, Any]]:
    """Yield {'stage', ...} progress events, then {'report': SwotReport}."""
    return workflow.stream(build_graph(), deps, request, "report")
