"""The page state Gradio keeps per browser session stays bounded: repeated events do not pile up
component copies (`ui.gradio_fixes`), the launch caps the number of sessions kept, and the queue
guard holds every input to its field's limit on the server, not only in the browser."""

from __future__ import annotations

import json
import os
import socket
from collections.abc import Iterator

import gradio as gr
import pytest

from agent.deps import Deps
from evals.faults.gradio_raw import RawGradio
from ui.app import create_app
from ui.guard import MAX_OTHER_INPUT, join_problem
from ui.launch import GRADIO_ANALYTICS, guard_middleware, input_limits, launch_options, quiet_telemetry


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def running(deps: Deps, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[gr.Blocks, str]]:
    for var in GRADIO_ANALYTICS:
        monkeypatch.delenv(var, raising=False)
    quiet_telemetry()  # as `coach ui` does before the queue reads Gradio's settings
    for var in GRADIO_ANALYTICS:
        monkeypatch.setenv(var, os.environ[var])  # restored after the test
    app = create_app(deps)
    app.queue()
    port = free_port()
    options = launch_options("127.0.0.1", port, block=False, sessions=3)
    options["app_kwargs"] = {"middleware": [guard_middleware(app)]}
    app.launch(**options)
    try:
        yield app, f"http://127.0.0.1:{port}"
    finally:
        app.close()


def session_blocks(app: gr.Blocks) -> list[int]:
    return [len(s.blocks_config.blocks) for s in app.state_holder.session_data.values()]  # type: ignore[attr-defined]


def test_repeated_row_checks_do_not_grow_the_session(running: tuple[gr.Blocks, str]) -> None:
    """The question list's row check updates all 30 row boxes, which are also its inputs: without
    the fix each call stored ~30 more component copies in the session."""
    app, url = running
    client = RawGradio(url)
    try:
        dep = next(d for d in client.dependencies() if d.get("api_name") == "on_reconcile")
        data = [None] + ["What does a typical week look like for you?"] * (len(dep["inputs"]) - 1)
        assert client.call(int(dep["id"]), data).success
        after_one = session_blocks(app)
        for _ in range(4):
            assert client.call(int(dep["id"]), data).success
        assert session_blocks(app) == after_one == [len(app.blocks)]
    finally:
        client.close()


def test_the_queue_never_rebuilds_its_unused_analytics(running: tuple[gr.Blocks, str]) -> None:
    """Gradio rebuilds a pandas summary of its last 10,000 events after every event, for a
    monitoring page this app does not serve; under 50 students that was the app's largest GIL
    holder. After many events the summary is still the empty one and few records are kept."""
    app, url = running
    client = RawGradio(url)
    try:
        dep = next(d for d in client.dependencies() if d.get("api_name") == "mock_end")
        limit = int(GRADIO_ANALYTICS["GRADIO_ANALYTICS_MAX_EVENTS"])
        for _ in range(limit + 20):
            assert client.call(int(dep["id"]), [None] * len(dep["inputs"])).success
        queue = app._queue
        assert queue.events_recorded >= limit + 20
        assert len(queue.event_analytics) <= limit
        assert queue.cached_event_analytics_summary == {"functions": {}}
    finally:
        client.close()


def test_sessions_beyond_the_cap_are_dropped_oldest_first(running: tuple[gr.Blocks, str]) -> None:
    app, url = running
    client = RawGradio(url)
    try:
        dep = next(d for d in client.dependencies() if d.get("api_name") == "mock_end")
        hashes = []
        for _ in range(5):
            client.new_session()
            hashes.append(client.session)
            client.call(int(dep["id"]), [None] * len(dep["inputs"]))
        assert list(app.state_holder.session_data) == hashes[-3:]  # type: ignore[attr-defined]
    finally:
        client.close()


def test_every_text_input_declares_its_limit(deps: Deps) -> None:
    app = create_app(deps)
    boxes = {b._id: b for fn in app.fns.values() for b in fn.inputs if isinstance(b, gr.Textbox)}
    assert boxes and all(b.max_length for b in boxes.values()), [
        b.elem_id or b.label for b in boxes.values() if not b.max_length]


def test_the_guard_holds_each_input_to_its_field_limit(deps: Deps) -> None:
    app = create_app(deps)
    limits = input_limits(app)
    index, fn = next((i, f) for i, f in app.fns.items() if f.api_name == "draft_outreach")
    slot, box = next((n, b) for n, b in enumerate(fn.inputs) if isinstance(b, gr.Textbox))
    data: list[object] = [None] * len(fn.inputs)

    def body(value: object) -> bytes:
        data[slot] = value
        return json.dumps({"fn_index": index, "data": data, "session_hash": "s"}).encode()

    assert join_problem(body("x" * box.max_length), limits) is None
    problem = join_problem(body("x" * (box.max_length + 1)), limits)
    assert problem is not None and problem[0] == 413 and f"input {slot}" in problem[1]
    other = next(n for n, b in enumerate(fn.inputs) if not isinstance(b, (gr.Textbox, gr.State)))
    data[slot] = ""
    data[other] = ["y" * MAX_OTHER_INPUT]
    problem = join_problem(json.dumps({"fn_index": index, "data": data}).encode(), limits)
    assert problem is not None and problem[0] == 413
