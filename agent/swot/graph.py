"""The SWOT workflow as a LangGraph graph, built per call site by `build_graph(deps)`."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from langgraph.graph import END, START, StateGraph

from agent.deps import Deps
from agent.swot.nodes import make_nodes
from agent.swot.state import SwotReport, SwotRequest, SwotState

ORDER = ("split_notes", "classify_notes", "extract_items", "compare_sources", "summarise_quadrants",
         "finish")


def build_graph(deps: Deps) -> Any:
    nodes = make_nodes(deps)
    graph = StateGraph(SwotState)
    for name in ORDER:
        graph.add_node(name, nodes[name])
    graph.add_edge(START, ORDER[0])
    for before, after in zip(ORDER, ORDER[1:], strict=False):
        graph.add_edge(before, after)
    graph.add_edge(ORDER[-1], END)
    return graph.compile()


def run_swot(deps: Deps, request: SwotRequest) -> SwotReport:
    graph = deps.cached("swot_graph", lambda: build_graph(deps))
    return graph.invoke({"request": request})["report"]  # type: ignore[no-any-return]


def stream_swot(deps: Deps, request: SwotRequest) -> Iterator[dict[str, Any]]:
    """Yield {'stage', ...} progress events, then {'report': SwotReport}."""
    graph = deps.cached("swot_graph", lambda: build_graph(deps))
    for mode, payload in graph.stream({"request": request}, stream_mode=["custom", "updates"]):
        if mode == "custom":
            yield payload
        elif mode == "updates" and "finish" in payload:
            yield {"report": payload["finish"]["report"]}
