"""The thank-you workflow as a LangGraph graph: pick the specific point → template → model
phrasing → rules, with repair until the note passes (wiring in `agent.workflow`)."""

from __future__ import annotations

import functools
from collections.abc import Iterator
from typing import Any

from agent import workflow
from agent.deps import Deps
from agent.thankyou import nodes
from agent.thankyou.state import ThankYouDraft, ThankYouRequest, ThankYouState

NODES = {name: getattr(nodes, name) for name in (
    "choose_specific_point", "compose_from_template", "phrase_with_model", "check_rules",
    "repair_failures", "finish")}


@functools.cache
def build_graph() -> Any:
    """Compiled once per process; the deps arrive with each run as its context."""
    return workflow.drafting_graph(ThankYouState, NODES, "choose_specific_point", nodes.needs_repair)


def draft_thank_you(deps: Deps, request: ThankYouRequest) -> ThankYouDraft:
    return workflow.run(build_graph(), deps, request, "draft")  # type: ignore[no-any-return]


def stream_thank_you(deps: Deps, request: ThankYouRequest) -> Iterator[dict[str, Any]]:
    """Yield {'slot', 'text'} events while the model writes, then {'draft': ThankYouDraft}."""
    return workflow.stream(build_graph(), deps, request, "draft")
