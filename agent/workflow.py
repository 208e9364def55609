"""Graph wiring the workflows share, so each graph module states only what is its own.

Two shapes cover them: a straight line of nodes (questions, SWOT) and the drafting loop (outreach,
thank-you), where a template draft is phrased by the model, checked against the rules and repaired
until it passes or repair gives up. Every workflow ends in a node named `finish` whose update holds
the result under one key; callers either wait for it or stream the nodes' progress events first.

Nodes are module-level functions `node(state, runtime)`: what they need besides the state (the
model, the encoder, the stores) arrives as the run's context (`runtime.context.deps`, LangGraph's
`context_schema`), so a graph is compiled once per process and any node can be tested alone.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from langgraph.config import get_stream_writer
from langgraph.graph import END, START, StateGraph
from langgraph.runtime import Runtime

from agent.deps import Deps

FINISH = "finish"


@dataclass(frozen=True)
class Context:
    """What every node may use besides the state: the process's shared dependencies."""

    deps: Deps


NodeRuntime = Runtime[Context]


def linear_graph(state: type, nodes: Mapping[str, Any], order: Sequence[str]) -> Any:
    """Compile `order` as one straight line from START to END."""
    graph: Any = StateGraph(state, context_schema=Context)
    for name in order:
        graph.add_node(name, nodes[name])
    graph.add_edge(START, order[0])
    for before, after in zip(order, order[1:], strict=False):
        graph.add_edge(before, after)
    graph.add_edge(order[-1], END)
    return graph.compile()


def drafting_graph(state: type, nodes: Mapping[str, Any], first: str,
                   needs_repair: Callable[[Any], bool]) -> Any:
    """`first` → compose_from_template → phrase_with_model → check_rules, then back through
    repair_failures while `needs_repair(state)`, else finish."""

    def route_after_check(s: Any) -> Literal["repair_failures", "finish"]:
        return "repair_failures" if needs_repair(s) else "finish"

    graph: Any = StateGraph(state, context_schema=Context)
    for name, fn in nodes.items():
        graph.add_node(name, fn)
    graph.add_edge(START, first)
    graph.add_edge(first, "compose_from_template")
    graph.add_edge("compose_from_template", "phrase_with_model")
    graph.add_edge("phrase_with_model", "check_rules")
    graph.add_conditional_edges("check_rules", route_after_check)
    graph.add_edge("repair_failures", "check_rules")
    graph.add_edge(FINISH, END)
    return graph.compile()


def emit(event: dict[str, Any]) -> None:
    """Send a progress event to whoever streams the run; nothing when the graph is invoked."""
    try:
        get_stream_writer()(event)
    except RuntimeError:
        pass  # Called outside a streaming run.


def run(graph: Any, deps: Deps, request: Any, key: str) -> Any:
    """Run to the end and return the result `finish` stored under `key`."""
    return graph.invoke({"request": request}, context=Context(deps))[key]


def stream(graph: Any, deps: Deps, request: Any, key: str) -> Iterator[dict[str, Any]]:
    """Yield the nodes' progress events as they happen, then {key: result}."""
    for mode, payload in graph.stream({"request": request}, context=Context(deps),
                                      stream_mode=["custom", "updates"]):
        if mode == "custom":
            yield payload
        elif mode == "updates" and FINISH in payload:
            yield {key: payload[FINISH][key]}
