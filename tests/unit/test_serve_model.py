"""The model server's launcher ends with the app that started it."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import pytest

CHILD = ("import sys; from agent.serve_model import watch_parent; "
         "watch_parent(int(sys.argv[1]), interval=0.05)")
# The "app": starts the watcher with its own pid, reports the watcher's pid, then dies without
# stopping it (possibly before the watcher has even started: that case must work too).
PARENT = ("import os, subprocess, sys; "
          f"p = subprocess.Popen([sys.executable, '-c', {CHILD!r}, str(os.getpid())], "
          "stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL); print(p.pid, flush=True)")


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie re-parented to an init that does not reap still answers kill(0).
    with open(f"/proc/{pid}/stat", encoding="utf-8") as stat:
        return stat.read().split(") ")[1][0] != "Z"


def test_server_process_exits_when_its_parent_dies() -> None:
    out = subprocess.run([sys.executable, "-c", PARENT], capture_output=True, text=True, check=True,
                         timeout=60)
    child = int(out.stdout.split()[0])
    deadline = time.monotonic() + 20
    while alive(child) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not alive(child)


def test_server_command_goes_through_the_launcher(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from agent.model_server import EmbeddedModelServer

    gguf = tmp_path / "m.gguf"
    gguf.write_bytes(b"GGUF")
    command = EmbeddedModelServer(gguf, alias="m", threads=2).command()
    assert command[1:3] == ["-m", "agent.serve_model"]
    assert command[command.index("--host") + 1] == "127.0.0.1"


def collect(iterator, limit: int | None = None):  # type: ignore[no-untyped-def]
    import asyncio
    import concurrent.futures

    from agent.serve_model import iterate_pipelined

    async def consume() -> list[object]:
        got: list[object] = []
        stream = iterate_pipelined(iterator)
        async for item in stream:
            got.append(item)
            if limit is not None and len(got) == limit:
                await stream.aclose()  # type: ignore[attr-defined]
                break
        return got

    # A fresh thread: a session-wide browser fixture may keep an event loop running in this one.
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, consume()).result()


def test_pipelined_stream_keeps_order_and_closes_the_generator() -> None:
    closed: list[bool] = []

    def tokens():  # type: ignore[no-untyped-def]
        try:
            yield from range(50)
        finally:
            closed.append(True)

    assert collect(tokens()) == list(range(50))
    assert closed == [True]


def test_pipelined_stream_raises_the_generators_error_on_the_loop() -> None:
    def tokens():  # type: ignore[no-untyped-def]
        yield "a"
        raise ValueError("llama failed")

    with pytest.raises(ValueError, match="llama failed"):
        collect(tokens())


def test_pipelined_stream_stops_generating_when_the_client_goes_away() -> None:
    import threading

    produced: list[int] = []
    release = threading.Event()

    def tokens():  # type: ignore[no-untyped-def]
        for i in range(1000):
            produced.append(i)
            yield i
            release.wait(0.01)

    assert collect(tokens(), limit=3) == [0, 1, 2]
    deadline = time.monotonic() + 10
    count = len(produced)
    while time.monotonic() < deadline:  # the producer thread winds down at its next token
        time.sleep(0.1)
        if len(produced) == count:
            break
        count = len(produced)
    assert len(produced) < 1000
