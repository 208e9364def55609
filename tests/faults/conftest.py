"""Fault-injection tests: the real app and CLI as subprocesses, faults injected for real.

Every test here carries the `faults` marker. Processes are started through `evals.faults.app`,
which ends each one by its own pid. The data folders are private copies of the session's built
index (`built_index` in tests/conftest.py), so no test pays for a first ingest.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from evals.faults.app import ROOT, Proc, base_env, start_app, start_fake_model


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.faults)


@pytest.fixture
def data_dir(built_index: Path, tmp_path: Path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(built_index, target)
    return target


@pytest.fixture(scope="session")
def fake_model(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Proc]:
    proc = start_fake_model(tmp_path_factory.mktemp("fake-model"))
    yield proc
    proc.stop()


@pytest.fixture
def apps(tmp_path: Path) -> Iterator[Callable[..., Proc]]:
    """`apps(data_dir, model_url=..., extra_env=...)` starts `coach ui`; all are stopped after."""
    started: list[Proc] = []

    def start(folder: Path, **kw: Any) -> Proc:
        app = start_app(folder, tmp_path, **kw)
        started.append(app)
        return app

    yield start
    for app in started:
        app.stop()


Run = subprocess.CompletedProcess[str]


def cli(data_dir: Path, *argv: str, env: dict[str, str] | None = None, prefix: list[str] | None = None,
        preexec: Callable[[], None] | None = None, timeout: float = 300, stdin: str | None = None) -> Run:
    """`coach *argv` as a subprocess on `data_dir`."""
    return subprocess.run([*(prefix or []), sys.executable, "-m", "agent.cli", *argv],
                          env=base_env(data_dir, **(env or {})), cwd=ROOT, capture_output=True,
                          text=True, timeout=timeout, preexec_fn=preexec, input=stdin)


def one_line_error(run: Run) -> str:
    """The CLI contract for a failure: exit 2 and exactly one line on stderr, no traceback."""
    assert run.returncode == 2, (run.returncode, run.stdout[-300:], run.stderr[-600:])
    assert run.stderr.count("\n") == 1 and run.stderr.startswith("coach: error: "), run.stderr
    assert "Traceback" not in run.stderr + run.stdout
    return run.stderr


def one_json(run: Run) -> dict[str, Any]:
    assert run.returncode == 0, (run.returncode, run.stderr[-600:])
    lines = [ln for ln in run.stdout.splitlines() if ln.strip()]
    assert len(lines) == 1, run.stdout[-500:]
    return dict(json.loads(lines[0]))
