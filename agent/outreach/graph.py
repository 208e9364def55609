"""The outreach workflow as a LangGraph graph: guidance → template → model phrasing → rules, with
repair until the draft passes (wiring in `agent.workflow`)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from agent import workflow
from agent.deps import Deps
from agent.outreach.nodes import make_nodes, needs_repair
from agent.outreach.state import OutreachDraft, OutreachRequest, OutreachState


def build_graph(deps: Deps) -> Any:
    return workflow.drafting_graph(OutreachState, make_nodes(deps), "retrieve_guidance", needs_repair)


def _graph(deps: Deps) -> Any:
    return deps.cached("outreach_graph", lambda: build_graph(deps))


def draft_outreach(deps: Deps, request: OutreachRequest) -> OutreachDraft:
    return workflow.run(_graph(deps), request, "draft")  # type: ignore[no-any-return]


def stream_outreach(deps: Deps, request: OutreachRequest) -> Iterator[dict[str, Any]]:
    """Yield {'slot', 'text'} events while the model writes, then {'draft': OutreachDraft}."""
    return workflow.stream(_graph(deps), request, "draft")
