"""`Deps.cached` builds each object once, even when threads ask for it at the same moment."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from agent.deps import Deps
from tests.conftest import make_settings


def _race(deps: Deps, key: str, factory, threads: int = 8) -> list[object]:  # type: ignore[no-untyped-def]
    start = threading.Barrier(threads)
    got: list[object] = []

    def ask() -> None:
        start.wait()
        got.append(deps.cached(key, factory))

    workers = [threading.Thread(target=ask) for _ in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    return got


def test_a_slow_factory_runs_once_for_concurrent_callers(tmp_path: Path) -> None:
    deps = Deps(make_settings(tmp_path))
    calls: list[int] = []

    def slow() -> object:
        calls.append(1)
        time.sleep(0.2)
        return object()

    got = _race(deps, "slow", slow)
    assert len(calls) == 1
    assert len(got) == 8 and all(g is got[0] for g in got)


def test_factories_may_use_other_cached_keys_and_a_failure_is_not_cached(tmp_path: Path) -> None:
    deps = Deps(make_settings(tmp_path))
    assert deps.cached("outer", lambda: ("outer", deps.cached("inner", lambda: "inner"))) == (
        "outer", "inner")
    attempts: list[int] = []

    def flaky() -> str:
        attempts.append(1)
        if len(attempts) == 1:
            raise RuntimeError("first try fails")
        return "built"

    with pytest.raises(RuntimeError):
        deps.cached("flaky", flaky)
    assert deps.cached("flaky", flaky) == "built" and len(attempts) == 2


def test_stores_are_built_once_across_threads(tmp_path: Path) -> None:
    deps = Deps(make_settings(tmp_path))
    start = threading.Barrier(6)
    seen: list[object] = []

    def ask() -> None:
        start.wait()
        seen.append(deps.db)

    workers = [threading.Thread(target=ask) for _ in range(6)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    assert len({id(d) for d in seen}) == 1
