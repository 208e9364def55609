"""The outreach workflow as a LangGraph graph: guidance → template → model phrasing → rules, with
repair until the draft passes (wiring in `agent.workflow`)."""

from __future__ import annotations

import functools
from collections.abc import Iterator
from typing import Any

from agent import workflow
from agent.deps import Deps
from agent.outreach import nodes
from agent.outreach.state import OutreachDraft, OutreachRequest, OutreachState

NODES = {name: getattr(nodes, name) for name in (
    "retrieve_guidance", "compose_from_template", "phrase_with_model", "check_rules",
    "repair_failures", "finish")}


@functools.cache
def build_graph() -> Any:
    """Compiled once per process; the deps arrive with each run as its context."""
    return workflow.drafting_graph(OutreachState, NODES, "retrieve_guidance", nodes.needs_repair)


def draft_outreach(deps: Deps, request: OutreachRequest) -> OutreachDraft:
    return workflow.run(build_graph(), deps, request, "draft")  # type: ignore[no-any-return]


def stream_outreach(deps: Deps, request: OutreachRequest) -> Iterator[dict[str, Any]]:
    """Yield {'slot', 'text'} events while the model writes, then {'draft': OutreachDraft}."""
    return workflow.stream(build_graph(), deps, request, "draft")
