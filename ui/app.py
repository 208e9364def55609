"""`create_app(deps)`: the Blocks app, one builder per tab, no server started here.

Three policies are applied to every event once the tabs are built, so no tab can forget them:

* **A clear message, never a generic error.** A `CoachError` (bad input, the model down, the data
  folder read-only or full, a damaged file) that a handler did not turn into its own status line
  becomes a `gr.Error` with the same one line, shown in the page without a traceback.
* **A small public API.** Only the actions a script would drive are named and listed in
  `/gradio_api/info` (`PUBLIC_API`); the per-row and refresh plumbing the page itself fires is
  "private": hidden from the API page and refused by the Gradio client libraries. The browser still
  calls those by their index, like any HTTP client could, so handlers validate what they get.
* **Whose data.** Every event acts for the user Gradio's login put on the request
  (`request.username`), never for anything the browser sends: the handlers' `deps.mine` is that
  account's rows. Without `--multi-user` there is no login and it is the local user's.

A fourth depends on where the model runs. The tabs put every event that calls the model in
one concurrency group (`MODEL_GROUP`) limited to one at a time: the embedded llama.cpp server
answers one request at a time, and queueing in Gradio keeps the page's progress honest. A remote
server (OPENAI_BASE_URL, e.g. vLLM) batches many requests, so there the group's limit is
`Settings.model_concurrency` (COACH_MODEL_CONCURRENCY, default 16) instead of 1.
"""

from __future__ import annotations

import contextlib
import functools
import inspect
from collections.abc import Callable, Iterator
from typing import Any

import gradio as gr

from agent.config import Settings
from agent.deps import NOBODY, Deps, acting_as
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


def request_user(deps: Deps, request: gr.Request | None) -> int:
    """The user id an event acts for: the logged-in account, or the local user without a login.
    In multi-user mode a request without a known account (removed since login) is refused."""
    name = getattr(request, "username", None) if request is not None else None
    if name is None:
        if deps.multi_user:
            raise gr.Error("Log in first.", print_exception=False)
        return deps.user_id
    from agent.accounts.store import find_user

    user = find_user(deps.db, str(name))
    if user is None:
        raise gr.Error("Your account no longer exists: log in again.", print_exception=False)
    return int(user["id"])


def acts_for_request_user(deps: Deps, fn: Callable[..., Any]) -> Callable[..., Any]:
    """`fn` run as the request's user (`request_user`). Gradio passes the request to a first
    parameter annotated `gr.Request`, which the wrapper adds in front of `fn`'s own. A generator
    is resumed step by step, each step in a fresh context, so the user is set around every step."""
    signature = inspect.signature(fn)
    request_param = inspect.Parameter("coach_request", inspect.Parameter.POSITIONAL_OR_KEYWORD,
                                      annotation=gr.Request)
    wrapped_signature = signature.replace(parameters=[request_param, *signature.parameters.values()])

    if inspect.isgeneratorfunction(fn):
        @functools.wraps(fn)
        def stream(coach_request: gr.Request, *args: Any, **kwargs: Any) -> Iterator[Any]:
            user = request_user(deps, coach_request)
            with acting_as(user):
                steps = fn(*args, **kwargs)
            while True:
                with acting_as(user):
                    try:
                        value = next(steps)
                    except StopIteration:
                        return
                yield value
        wrapper: Callable[..., Any] = stream
    else:
        @functools.wraps(fn)
        def call(coach_request: gr.Request, *args: Any, **kwargs: Any) -> Any:
            with acting_as(request_user(deps, coach_request)):
                return fn(*args, **kwargs)
        wrapper = call
    wrapper.__signature__ = wrapped_signature  # type: ignore[attr-defined]
    wrapper.__annotations__ = {**getattr(fn, "__annotations__", {}), "coach_request": gr.Request}
    return wrapper


def apply_event_policies(app: gr.Blocks, deps: Deps | None = None) -> None:
    for block_fn in app.fns.values():
        if block_fn.fn is None:
            continue
        block_fn.fn = shows_errors(block_fn.fn)
        if deps is not None:
            block_fn.fn = acts_for_request_user(deps, block_fn.fn)
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
    """The app for `deps`. In multi-user mode the page is built as nobody (the choices and values
    computed at build time are empty) and each visitor's own rows arrive with the page's load."""
    keep_replacement_ids()
    with acting_as(NOBODY) if deps.multi_user else contextlib.nullcontext():
        with gr.Blocks(title="Informational-interview coach", analytics_enabled=False) as app:
            gr.Markdown("# Informational-interview coach")
            with gr.Tabs():
                for build in TAB_BUILDERS:
                    build(deps)
    apply_event_policies(app, deps)
    apply_model_concurrency(app, deps.settings)
    return app
