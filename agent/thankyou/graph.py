"""The thank-you workflow as a LangGraph graph: pick the specific point → template → model
phrasing → rules, with repair until the note passes (wiring in `agent.workflow`)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from agent import workflow
from agent.deps import Deps
from agent.thankyou.nodes import make_nodes, needs_repair
from agent.thankyou.state import ThankYouDraft, ThankYouRequest, ThankYouState


def build_graph(deps: Deps) -> Any:
    return workflow.drafting_graph(ThankYouState, make_nodes(deps), "choose_specific_point", needs_repair)


def _graph(deps: Deps) -> Any:
    return deps.cached("thankyou_graph", lambda: build_graph(deps))


def draft_thank_you(deps: Deps, request: ThankYouRequest) -> ThankYouDraft:
    return workflow.run(_graph(deps), request, "draft")  # type: ignore[no-any-return]


def stream_thank_you(deps: Deps, request: ThankYouRequest) -> Iterator[dict[str, Any]]:
    """Yield {'slot', 'text'} events while the model writes, then {'draft': ThankYouDraft}."""
    return workflow.stream(_graph(deps), request, "draft")
