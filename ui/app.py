"""`create_app(deps)`: the Blocks app, one builder per tab, no server started here.

Two policies are applied to every event once the tabs are built, so no tab can forget them:

* **A clear message, never a generic error.** A `CoachError` (bad input, the model down, the data
  folder read-only or full, a damaged file) that a handler did not turn into its own status line
  becomes a `gr.Error` with the same one line, shown in the page without a traceback.
* **A small public API.** Only the actions a script would drive are named and listed in
  `/gradio_api/info` (`PUBLIC_API`); the per-row and refresh plumbing the page itself fires is
  "private": hidden from the API page and refused by the Gradio client libraries. The browser still
  calls those by their index, like any HTTP client could, so handlers validate what they get.

A third policy depends on where the model runs. The tabs put every event that calls the model in
one concurrency group (`MODEL_GROUP`) limited to one at a time: the embedded llama.cpp server
answers one request at a time, and queueing in Gradio keeps the page's progress honest. A remote
server (OPENAI_BASE_URL, e.g. vLLM) batches many requests, so there the group's limit is
`Settings.model_concurrency` (COACH_MODEL_CONCURRENCY, default 16) instead of 1.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable, Iterator
from typing import Any

import gradio as gr

from agent.config import Settings
from agent.deps import Deps
from agent.errors import CoachError
from ui.gradio_fixes import keep_replacement_ids
from ui.tabs.contacts import build_contacts_tab
from ui.tabs.mock import build_mock_tab
from ui.tabs.outreach import build_outreach_tab
from ui.tabs.questions import build_questions_tab
from ui.tabs.swot import build_swot_tab

# In the order of the job seeker's journey: ask, prepare, rehearse, debrief, follow up.
TAB_BUILDERS = [build_outreach_tab, build_questions_tab, build_mock_tab, build_swot_tab, build_contacts_tab]

# The endpoints left in the public API, and why: each is one user action a script (the
# benchmark, the soak test, your own automation) needs; everything else is page plumbing.
PUBLIC_API = {
    "draft_outreach": "draft an outreach request (benchmark concurrency, soak)",
    "prepare_questions": "prepare and screen a question list (soak)",
    "save_contact": "add or update a contact",
    "build_swot": "turn notes into a SWOT and save it",
    "draft_thank_you": "draft a thank-you note for a saved contact",
    "mock_start": "start a rehearsal (soak)",
    "mock_send": "say one line in a rehearsal (soak)",
    "mock_end": "end a rehearsal and get the feedback (soak)",
}


def shows_errors(fn: Callable[..., Any]) -> Callable[..., Any]:
    """`fn` with every `CoachError` it lets out turned into a `gr.Error` carrying the same line.

    The wrapper is a generator exactly when `fn` is one (Gradio streams generators), and keeps
    `fn`'s signature (`functools.wraps`), which Gradio reads for special arguments."""
    if inspect.isgeneratorfunction(fn):
        @functools.wraps(fn)
        def stream(*args: Any, **kwargs: Any) -> Iterator[Any]:
            try:
                yield from fn(*args, **kwargs)
            except CoachError as exc:
                raise gr.Error(str(exc), print_exception=False) from exc
        return stream
    if inspect.iscoroutinefunction(fn) or inspect.isasyncgenfunction(fn):
        return fn

    @functools.wraps(fn)
    def call(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except CoachError as exc:
            raise gr.Error(str(exc), print_exception=False) from exc
    return call


def apply_event_policies(app: gr.Blocks) -> None:
    for block_fn in app.fns.values():
        if block_fn.fn is None:
            continue
        block_fn.fn = shows_errors(block_fn.fn)
        if block_fn.api_name not in PUBLIC_API:
            block_fn.api_visibility = "private"


MODEL_GROUP = "embedded-model"  # the tabs' concurrency_id for events that call the model


def model_group_limit(settings: Settings) -> int:
    """One model call at a time for the embedded server; the configured number for a remote one."""
    return 1 if settings.embedded else settings.model_concurrency


def apply_model_concurrency(app: gr.Blocks, settings: Settings) -> None:
    """Give the model group its limit before the queue is created (it reads each function's
    limit when the app is queued), so a remote model is not throttled by the embedded one's lock."""
    limit = model_group_limit(settings)
    for block_fn in app.fns.values():
        if block_fn.concurrency_id == MODEL_GROUP:
            block_fn.concurrency_limit = limit


def create_app(deps: Deps) -> gr.Blocks:
    keep_replacement_ids()
    with gr.Blocks(title="Informational-interview coach", analytics_enabled=False) as app:
        gr.Markdown("# Informational-interview coach")
        with gr.Tabs():
            for build in TAB_BUILDERS:
                build(deps)
    apply_event_policies(app)
    apply_model_concurrency(app, deps.settings)
    return app
