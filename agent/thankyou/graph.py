"""The thank-you workflow as a LangGraph graph, built per call site by `build_graph(deps)`."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, Literal

from langgraph.graph import END, START, StateGraph

from agent.deps import Deps
from agent.thankyou.nodes import make_nodes, needs_repair
from agent.thankyou.state import ThankYouDraft, ThankYouRequest, ThankYouState


def route_after_check(state: ThankYouState) -> Literal["repair_failures", "finish"]:
    return "repair_failures" if needs_repair(state) else "finish"


def build_graph(deps: Deps) -> Any:
    nodes = make_nodes(deps)
    graph = StateGraph(ThankYouState)
    for name, fn in nodes.items():
        graph.add_node(name, fn)
    graph.add_edge(START, "choose_specific_point")
    graph.add_edge("choose_specific_point", "compose_from_template")
    graph.add_edge("compose_from_template", "phrase_with_model")
    graph.add_edge("phrase_with_model", "check_rules")
    graph.add_conditional_edges("check_rules", route_after_check)
    graph.add_edge("repair_failures", "check_rules")
    graph.add_edge("finish", END)
    return graph.compile()


def draft_thank_you(deps: Deps, request: ThankYouRequest) -> ThankYouDraft:
    graph = deps.cached("thankyou_graph", lambda: build_graph(deps))
    return graph.invoke({"request": request})["draft"]


def stream_thank_you(deps: Deps, request: ThankYouRequest) -> Iterator[dict[str, Any]]:
    """Yield {'slot', 'text'} events while the model writes, then {'draft': ThankYouDraft}."""
    graph = deps.cached("thankyou_graph", lambda: build_graph(deps))
    for mode, payload in graph.stream({"request": request}, stream_mode=["custom", "updates"]):
        if mode == "custom":
            yield payload
        elif mode == "updates" and "finish" in payload:
            yield {"draft": payload["finish"]["draft"]}
