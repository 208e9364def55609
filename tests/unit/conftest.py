"""Fixtures for the CLI tests: run `coach` in-process against the test's `Deps`."""

from __future__ import annotations

import importlib
import io
from collections.abc import Callable

import pytest

from agent import cli
from agent.deps import Deps

RunCli = Callable[..., tuple[int, str, str]]


def invoke(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    """`coach *argv` in-process → (exit status, stdout, stderr)."""
    try:
        code = cli.main(list(argv))
    except SystemExit as exc:
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def run_cli(deps: Deps, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> RunCli:
    """`run_cli(*argv, stdin=None)` → (exit status, stdout, stderr); every subcommand gets `deps`
    (the fake model and the prebuilt index) instead of building its own."""
    for name in cli.COMMAND_MODULES:
        module = importlib.import_module(name)
        if hasattr(module, "deps_from"):
            monkeypatch.setattr(module, "deps_from", lambda args: deps)

    def run(*argv: str, stdin: str | None = None) -> tuple[int, str, str]:
        if stdin is not None:
            monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
        return invoke(capsys, *argv)

    return run
