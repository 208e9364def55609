"""Fault 3: `kill -9` of `coach ui` during a contact save, a SWOT save and a rehearsal turn.

`make test` runs a short loop (3 kills at random moments and 3 aimed at the moment the app holds
SQLite's write lock, one of each kind per mode); `evals/robustness.py` runs 50 random kills plus
the aimed ones and reports how many landed mid-transaction. After every kill: integrity and
foreign-key checks, every acknowledged save present, every save whole or absent, and (for the
rehearsal) the thread resumed through the app from its last checkpoint."""

from __future__ import annotations

from pathlib import Path

from evals.faults.app import Proc, set_mode
from evals.faults.kill_loop import kill_loop


def test_kill_9_during_saves_loses_nothing_and_resumes(data_dir: Path, fake_model: Proc,
                                                       tmp_path: Path) -> None:
    set_mode(fake_model, "ok")
    report = kill_loop(data_dir, tmp_path, fake_model.url + "/v1", rounds=3, targeted=3)
    summary = report.summary()
    assert summary["rounds"] == 6
    assert summary["problems"] == [] and summary["survived"] == 6, summary
    assert summary["lost_saves"] == 0
    targeted = [r for r in report.rounds if r.mode == "targeted"]
    assert sum(r.mid_transaction for r in targeted) >= 2, summary  # the aimed kills do land
    mocks = [r for r in report.rounds if r.kind == "mock"]
    assert any(r.resumed for r in mocks), "a rehearsal was never resumed after a kill"
