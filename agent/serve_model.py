"""Run llama-cpp-python's OpenAI-compatible server, and end it with the app that started it.

The app stops its model server on a clean exit. This covers the other exits: the app killed, or
interrupted while the server was still loading in a background thread. Without it such a server
is orphaned, holding ~300 MB and its port with nobody left to use it. Started as
`python -m agent.serve_model <llama_cpp.server arguments>`.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import sys
import threading
import time
from collections.abc import AsyncGenerator, Iterable
from typing import Any

import anyio

PARENT_ENV = "COACH_MODEL_SERVER_PARENT"


def watch_parent(parent: int, interval: float = 0.5) -> None:
    """Exit this process as soon as `parent` is no longer its parent (it died; we were re-parented)."""
    while os.getppid() == parent:
        time.sleep(interval)
    os._exit(0)


_END = object()


async def iterate_pipelined(iterable: Iterable[Any]) -> AsyncGenerator[Any, None]:
    """Stand-in for starlette's `iterate_in_threadpool` in the server's streaming path.

    The original fetches each token with its own round trip through a worker thread, and
    llama.cpp does not start on the next token until the event loop has sent the last one and
    asked again. On 2 busy cores that costs ~1.5 ms a token (decode ran at 0.86x the in-process
    speed in the bench). Here one thread drives the generator and hands tokens over as they come,
    so decoding overlaps the sending. Closing this iterator (a client that went away) stops the
    thread at its next token and waits for it, so the model is idle before its lock is released.
    """
    iterator = iter(iterable)
    loop = asyncio.get_running_loop()
    items: asyncio.Queue[tuple[Any, BaseException | None]] = asyncio.Queue()
    stop = threading.Event()

    def hand_over(item: Any, error: BaseException | None = None) -> None:
        with contextlib.suppress(RuntimeError):  # the loop already closed
            loop.call_soon_threadsafe(items.put_nowait, (item, error))

    def produce() -> None:
        try:
            for item in iterator:
                hand_over(item)
                if stop.is_set():
                    break
        except BaseException as exc:  # noqa: BLE001 - re-raised on the event loop's side
            hand_over(_END, exc)
            return
        finally:
            close = getattr(iterator, "close", None)
            if close is not None:
                close()
        hand_over(_END)

    thread = threading.Thread(target=produce, name="llama-stream", daemon=True)
    thread.start()
    try:
        while True:
            item, error = await items.get()
            if item is _END:
                if error is not None:
                    raise error
                return
            yield item
    finally:
        stop.set()
        with anyio.CancelScope(shield=True):
            await anyio.to_thread.run_sync(thread.join)


async def event_publisher(request: Any, inner_send_chan: Any, body: Any, body_model: str | None,
                          llama_call: Any, kwargs: Any) -> None:
    """llama-cpp-python 0.3.36's `get_event_publisher`, with the tokens pulled by
    `iterate_pipelined` and that iterator closed before the model's lock is given back."""
    from llama_cpp.server import app as server

    settings = next(server.get_server_settings())
    interrupt_requests = settings.interrupt_requests if settings else False
    async with contextlib.asynccontextmanager(server.get_llama_proxy)() as llama_proxy:
        llama = server.prepare_request_resources(body, llama_proxy, body_model, kwargs)
        async with inner_send_chan:
            try:
                iterator = await server.run_in_threadpool(llama_call, llama, **kwargs)
                async with contextlib.aclosing(iterate_pipelined(iterator)) as chunks:
                    async for chunk in chunks:
                        await inner_send_chan.send({"data": json.dumps(chunk)})
                        if await request.is_disconnected():
                            raise anyio.get_cancelled_exc_class()()
                        if interrupt_requests and server.llama_outer_lock.locked():
                            await inner_send_chan.send({"data": "[DONE]"})
                            raise anyio.get_cancelled_exc_class()()
                await inner_send_chan.send({"data": "[DONE]"})
            except anyio.get_cancelled_exc_class():
                raise  # the client went away; the aclosing block above has already stopped the model


def main() -> None:
    # The app passes its pid: if it died before this process got here, getppid() is already init's.
    parent = int(os.environ.get(PARENT_ENV) or os.getppid())
    threading.Thread(target=watch_parent, args=(parent,), daemon=True).start()
    import llama_cpp.server.app

    llama_cpp.server.app.get_event_publisher = event_publisher  # type: ignore[assignment]  # see above
    from llama_cpp.server.__main__ import main as serve

    sys.argv = ["llama_cpp.server", *sys.argv[1:]]
    serve()


if __name__ == "__main__":
    main()
