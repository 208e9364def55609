"""The scorecard fails when an eval cannot be imported or crashes, instead of skipping it."""

from __future__ import annotations

import sys
import types

import pytest

from evals import scorecard


class NoDeps:
    def close(self) -> None:
        pass


@pytest.fixture(autouse=True)
def _no_index(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(scorecard, "eval_deps", NoDeps)


def fake_module(monkeypatch: pytest.MonkeyPatch, name: str, run: object, thresholds: dict) -> None:  # type: ignore[type-arg]
    module = types.ModuleType(f"evals.{name}")
    module.run = run  # type: ignore[attr-defined]
    module.THRESHOLDS = thresholds  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, f"evals.{name}", module)


def test_a_passing_eval_passes(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    fake_module(monkeypatch, "fake_ok", lambda deps: {"score": 1.0}, {"score": (">=", 0.9)})
    assert scorecard.main(["--only", "fake_ok"]) == 0
    assert "all thresholds met" in capsys.readouterr().out


def test_an_eval_that_cannot_be_imported_is_a_failure(capsys: pytest.CaptureFixture[str]) -> None:
    assert scorecard.main(["--only", "no_such_eval_module"]) == 1
    out = capsys.readouterr().out
    assert "all thresholds met" not in out and "no_such_eval_module: did not run" in out


def test_an_eval_whose_own_imports_fail_is_a_failure(monkeypatch: pytest.MonkeyPatch,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    real_import = scorecard.importlib.import_module

    def import_module(name: str) -> types.ModuleType:
        if name == "evals.fake_needs_missing":
            raise ModuleNotFoundError("No module named 'langgraph'", name="langgraph")
        return real_import(name)

    fake_module(monkeypatch, "fake_ok", lambda deps: {"score": 1.0}, {"score": (">=", 0.9)})
    monkeypatch.setattr(scorecard.importlib, "import_module", import_module)
    assert scorecard.main(["--only", "fake_needs_missing,fake_ok"]) == 1
    out = capsys.readouterr().out
    assert "all thresholds met" not in out and "fake_needs_missing: did not run" in out


def test_an_eval_that_crashes_while_running_is_a_failure(monkeypatch: pytest.MonkeyPatch,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    fake_module(monkeypatch, "fake_ok", lambda deps: {"score": 1.0}, {"score": (">=", 0.9)})

    def broken(deps: object) -> dict[str, float]:
        import a_package_that_is_not_installed  # type: ignore[import-not-found]  # noqa: F401
        return {}

    fake_module(monkeypatch, "fake_broken", broken, {})
    assert scorecard.main(["--only", "fake_ok,fake_broken"]) == 1
    out = capsys.readouterr().out
    assert "fake_broken: did not run (ModuleNotFoundError" in out and "score" in out


def test_a_missed_threshold_is_a_failure(monkeypatch: pytest.MonkeyPatch) -> None:
    fake_module(monkeypatch, "fake_low", lambda deps: {"score": 0.5}, {"score": (">=", 0.9)})
    assert scorecard.main(["--only", "fake_low"]) == 1
