"""Policies applied to every UI event: a CoachError reaches the page as its own line (never a
generic error), only the listed actions are in the public API, Gradio's run history is off, and
the queue refuses oversize bodies and unknown function indexes with a 4xx instead of a 500."""

from __future__ import annotations

import asyncio
import json
import threading
from typing import Any

import gradio as gr
import pytest

from agent.deps import Deps
from agent.errors import StorageError
from ui.app import PUBLIC_API, create_app, shows_errors
from ui.guard import MAX_EVENT_BYTES, QueueGuard, join_problem
from ui.launch import launch_options


def in_fresh_loop(coro: Any) -> None:
    """asyncio.run in a thread of its own: an earlier browser test may leave this thread's loop running."""
    failure: list[BaseException] = []

    def target() -> None:
        try:
            asyncio.run(coro)
        except BaseException as exc:  # noqa: BLE001 - re-raised in the test's thread
            failure.append(exc)

    worker = threading.Thread(target=target)
    worker.start()
    worker.join()
    if failure:
        raise failure[0]


def test_a_coach_error_becomes_a_gradio_error_with_the_same_line() -> None:
    def save() -> str:
        raise StorageError("no space left to save to coach.sqlite3 in /data")

    with pytest.raises(gr.Error, match="no space left"):
        shows_errors(save)()


def test_generators_stay_generators_and_keep_their_signature() -> None:
    def stream(a: str, b: int = 2):  # type: ignore[no-untyped-def]
        yield a
        raise StorageError("coach.sqlite3 is damaged")

    import inspect

    wrapped = shows_errors(stream)
    assert inspect.isgeneratorfunction(wrapped)
    assert list(inspect.signature(wrapped).parameters) == ["a", "b"]
    got = wrapped("first")
    assert next(got) == "first"
    with pytest.raises(gr.Error, match="damaged"):
        next(got)


def test_only_the_listed_actions_are_public(deps: Deps) -> None:
    app = create_app(deps)
    public = {f.api_name for f in app.fns.values() if f.api_visibility == "public"}
    assert public == set(PUBLIC_API)
    assert len(app.fns) > 100  # the per-row plumbing is there, only hidden
    assert all(f.fn.__wrapped__ for f in app.fns.values() if f.fn is not None)  # type: ignore[attr-defined]


def test_launch_turns_gradio_run_history_off() -> None:
    options = launch_options("127.0.0.1", 7860, block=False)
    assert options["run_history"] is False and options["share"] is False
    assert options["enable_monitoring"] is False and options["show_error"] is False


@pytest.mark.parametrize(("body", "status"), [
    (b"{not json", 422),
    (json.dumps({"fn_index": 9999, "data": []}).encode(), 422),
    (json.dumps({"fn_index": "1", "data": []}).encode(), 422),
    (json.dumps({"fn_index": True, "data": []}).encode(), 422),
    (b"[1, 2]", 422),
    (b"x" * (MAX_EVENT_BYTES + 1), 413),
])
def test_queue_join_problems(body: bytes, status: int) -> None:
    problem = join_problem(body, [0, 1, 2])
    assert problem is not None and problem[0] == status


def test_a_known_function_passes_through_with_its_body_intact() -> None:
    body = json.dumps({"fn_index": 1, "data": ["x"], "session_hash": "s"}).encode()
    assert join_problem(body, [0, 1]) is None
    seen: list[bytes] = []
    sent: list[dict] = []  # type: ignore[type-arg]

    async def app(scope, receive, send):  # type: ignore[no-untyped-def]
        message = await receive()
        seen.append(message["body"])

    async def run(payload: bytes) -> None:
        chunks = [{"type": "http.request", "body": payload[:10], "more_body": True},
                  {"type": "http.request", "body": payload[10:], "more_body": False}]

        async def receive():  # type: ignore[no-untyped-def]
            return chunks.pop(0)

        async def send(message):  # type: ignore[no-untyped-def]
            sent.append(message)

        guard = QueueGuard(app, known=lambda: [0, 1])
        await guard({"type": "http", "method": "POST", "path": "/gradio_api/queue/join"}, receive, send)

    in_fresh_loop(run(body))
    assert seen == [body] and sent == []
    in_fresh_loop(run(json.dumps({"fn_index": 7, "data": []}).encode()))
    assert sent[0]["status"] == 422 and b"unknown fn_index" in sent[1]["body"]


def test_profile_save_takes_missing_values_as_empty(deps: Deps) -> None:
    from ui.tabs.outreach import save_profile

    assert save_profile(deps, None, None, None) == "Profile saved."  # type: ignore[arg-type]
    assert deps.mine.get_profile()["name"] == ""


def test_restore_ignores_a_browser_value_that_is_not_a_thread_id(deps: Deps) -> None:
    from ui.tabs.mock import restore_handler

    for junk in ({"a": 1}, [1, 2], 12, "x" * 5000):
        assert restore_handler(deps, junk) == ("", [], "", "", "")  # type: ignore[arg-type]


@pytest.mark.parametrize(("base_url", "expected"), [(None, 1), ("http://vllm:8000/v1", 12)])
def test_the_model_group_is_one_at_a_time_only_for_the_embedded_model(  # type: ignore[no-untyped-def]
        deps: Deps, base_url, expected) -> None:
    from ui.app import MODEL_GROUP

    deps.settings = deps.settings.model_copy(update={"base_url": base_url, "model_concurrency": 12})
    app = create_app(deps)
    limits = {f.api_name: f.concurrency_limit for f in app.fns.values()
              if f.concurrency_id == MODEL_GROUP}
    assert {"draft_outreach", "prepare_questions", "mock_end", "build_swot", "draft_thank_you"} <= set(limits)
    assert set(limits.values()) == {expected}
    app.queue(max_size=4, default_concurrency_limit=4)
    for fn in app.fns.values():  # what Gradio's queue enforces (the lowest limit in a group)
        app._queue.create_event_queue_for_fn(fn)
    assert app._queue.event_queue_per_concurrency_id[MODEL_GROUP].concurrency_limit == expected
