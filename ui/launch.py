"""Serve the app: loopback only, no share link, monitoring off, bounded queue and uploads."""

from __future__ import annotations

import os
import signal
import sys
import threading
from typing import Any

from agent.deps import Deps
from agent.errors import CoachError
from agent.ingest.pipeline import index_is_built, ingest

# A two-minute microphone recording reaches the server as 16-bit WAV at 44.1 kHz: 10.6 MB. Text
# uploads keep their own, much smaller limits (e.g. 200 KB per notes file).
MAX_FILE_SIZE = "12mb"
QUEUE_MAX = 32  # one person's page: a few events pending at most
QUEUE_MAX_MULTI_USER = 2_000  # a page load fires about ten events; 50 students at once filled 32
# Gradio's queue keeps a record of each of the last 10,000 events and, after every event, rebuilds
# a pandas summary of all of them for its monitoring dashboard, which this app never serves
# (`enable_monitoring=False`). With 50 students that rebuild was the largest single holder of the
# GIL in the app; these two of Gradio's settings make it never recompute and keep few records.
GRADIO_ANALYTICS = {"GRADIO_ANALYTICS_CACHE_FREQUENCY": str(10**12), "GRADIO_ANALYTICS_MAX_EVENTS": "200"}
# With many students, short handlers (a save, a list) wait for the GIL behind threads doing CPU
# work for other students' rehearsal turns; CPython hands the GIL over every 5 ms by default, and
# a handler that needs it a few dozen times waits that long each time. 0.5 ms measured better.
MULTI_USER_SWITCH_INTERVAL_S = 0.0005


def quiet_telemetry() -> None:
    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
    os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    for var, value in GRADIO_ANALYTICS.items():
        os.environ.setdefault(var, value)
    # A proxy from the environment must never intercept Gradio's probe of its own loopback URL.
    for var in ("NO_PROXY", "no_proxy"):
        hosts = [h for h in os.environ.get(var, "").split(",") if h]
        os.environ[var] = ",".join(dict.fromkeys([*hosts, "127.0.0.1", "localhost"]))


WORKFLOWS = ("agent.outreach.graph", "agent.questions.graph", "agent.mock.graph", "agent.swot.graph",
             "agent.thankyou.graph", "agent.llm")


def warm_model(deps: Deps) -> None:
    """After the first page can be served: load the workflows (the tabs import them on first use),
    start the embedded model server and load the voice models, so the first click is as quick as
    the later ones."""
    import importlib

    for name in WORKFLOWS:
        importlib.import_module(name)
    try:
        _ = deps.llm
    except CoachError:
        pass  # The first request will show the error line.
    from agent.voice.models import warm

    warm(deps)  # the microphone's first recording and the first spoken reply do not wait for a load


def serve(deps: Deps, host: str = "127.0.0.1", port: int = 7860, block: bool = True) -> object:
    quiet_telemetry()
    from ui.app import create_app

    if not index_is_built(deps.vectors, deps.db):
        ingest(deps.vectors, deps.db)
    app = create_app(deps)
    if deps.multi_user:
        sys.setswitchinterval(MULTI_USER_SWITCH_INTERVAL_S)
    app.queue(max_size=QUEUE_MAX_MULTI_USER if deps.multi_user else QUEUE_MAX,
              default_concurrency_limit=4)
    options = launch_options(host, port, block=block, sessions=deps.settings.page_sessions(deps.multi_user))
    middleware = [guard_middleware(app)]
    if deps.multi_user:
        options.update(login_options(deps))
        middleware += client_address_middleware()
    options["app_kwargs"] = {"middleware": middleware}
    # Warm the model only once the server is up, so the model server's start-up never competes
    # with Gradio's own start on a busy machine.
    warm = threading.Thread(target=warm_model, args=(deps,), daemon=True)
    if not block:
        app.launch(**options)
        warm.start()
        return app
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, _interrupt)  # `kill` shuts down like Ctrl+C does
    timer = threading.Timer(2.0, warm.start)
    timer.daemon = True
    timer.start()
    try:
        app.launch(**options)
    finally:  # Ctrl+C or SIGTERM: stop the model server rather than leave it to the exit hooks
        timer.cancel()
        deps.close()
    return app


def guard_middleware(app: Any) -> Any:
    """The queue guard (`ui.guard`) as a Starlette middleware entry for `app`'s functions."""
    from starlette.middleware import Middleware

    from ui.guard import QueueGuard

    limits: dict[int, list[int | None]] = {}

    def known() -> dict[int, list[int | None]]:
        if len(limits) != len(app.fns):  # the functions are fixed once the app is launched
            limits.clear()
            limits.update(input_limits(app))
        return limits

    return Middleware(QueueGuard, known=known)


def input_limits(app: Any) -> dict[int, list[int | None]]:
    """Each function's per-input caps for the guard: a textbox's `max_length` (every input
    textbox declares one, see the UI policy test), `MAX_OTHER_INPUT` for other components, and
    none for `gr.State`, whose value the server holds and the browser only sends as null."""
    import gradio as gr

    from ui.guard import MAX_OTHER_INPUT

    def cap(block: Any) -> int | None:
        if isinstance(block, gr.State):
            return None
        if isinstance(block, gr.Textbox):
            return block.max_length or MAX_OTHER_INPUT
        return MAX_OTHER_INPUT

    return {index: [cap(block) for block in fn.inputs] for index, fn in app.fns.items()}


def login_options(deps: Deps) -> dict[str, Any]:
    """Gradio's login page in front of every route, checked against `coach users` accounts."""
    from agent.accounts.login import LoginCheck

    return {"auth": LoginCheck(deps.db),
            "auth_message": "Log in with the account `coach users add` made for you."}


def client_address_middleware() -> list[Any]:
    """Records each request's client address where the login check reads it (Gradio calls the
    check with the name and password only), and ties each page session to its login."""
    from starlette.middleware import Middleware

    from ui.accounts import ClientAddress, SessionOwner

    return [Middleware(ClientAddress), Middleware(SessionOwner)]


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def launch_options(host: str, port: int, *, block: bool, sessions: int = 64) -> dict[str, Any]:
    """The security defaults every launch uses. Gradio 6's run history is off: it would keep
    every run's inputs (your notes, your contacts) in the browser and offers to upload them to a
    Hugging Face bucket, a network path this offline app must not have.

    `sessions` caps the browser sessions whose page state Gradio keeps in memory. Each new
    session hash (every page load, every API client) costs about 1 MB (a copy of the page's
    config) plus the last value of every component an event updated; Gradio's default of 10,000
    let any local client grow the app by gigabytes (the surface probe took it to 5.3 GB). The
    oldest session is dropped first: a tab that old starts again from its defaults."""
    return {
        "state_session_capacity": sessions,
        "server_name": host, "server_port": port, "share": False, "max_file_size": MAX_FILE_SIZE,
        "enable_monitoring": False, "show_error": False, "prevent_thread_lock": not block,
        "quiet": True, "run_history": False,
        # Gradio's launch() heads its own URL with a 3 s timeout and, when that times out on a busy
        # machine, refuses to start without a share link ("When localhost is not accessible…"):
        # the kill loop saw `coach ui` fail to restart that way at a load average of 20. The app
        # binds 127.0.0.1 itself and never wants a share link, so that probe is skipped.
        "_frontend": False,
    }
