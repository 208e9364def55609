"""`coach admin prune`: finished rehearsals older than the cutoff are deleted, on SQLite and on
PostgreSQL; unfinished ones (whatever their age) and recent finished ones are kept."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from agent.mock.graph import (
    build_graph,
    end_session,
    open_checkpointer,
    send_turn,
    session_view,
    start_session,
)
from agent.mock.state import MockRequest
from agent.store.prune import parse_age, prune_finished
from tests.unit.conftest import invoke
from tests.unit.mock_helpers import FactWords, scripted_reader

OPENING = "Hi Dana, I'm Jordan, a nurse exploring UX research. How did you get into the field?"


def rehearse(deps, graph, finish: bool) -> str:  # type: ignore[no-untyped-def]
    thread = start_session(deps, MockRequest(contact_role="UX researcher", contact_name="Dana Park"),
                           graph=graph)
    list(send_turn(deps, thread, OPENING, graph=graph))
    if finish:
        end_session(deps, thread, graph=graph)
    return thread


@pytest.fixture
def threads(deps, fake_llm, checkpoint_url):  # type: ignore[no-untyped-def]
    """Three rehearsals in this order: unfinished, finished, then (after `cutoff`) finished again.
    The cutoff is read from the clock between the second and third, so the first two are "older"
    than it and the third is not, without waiting or faking the clock."""
    deps.settings = deps.settings.model_copy(update={"database_url": checkpoint_url})
    fake_llm.default = FactWords()
    saver = open_checkpointer(deps.settings)
    graph = build_graph(deps, saver, reader_factory=lambda _r: scripted_reader())
    unfinished = rehearse(deps, graph, finish=False)
    old = rehearse(deps, graph, finish=True)
    cutoff = datetime.now(UTC)
    recent = rehearse(deps, graph, finish=True)
    yield deps, graph, saver, cutoff, {"unfinished": unfinished, "old": old, "recent": recent}
    saver.close()


def test_old_finished_threads_are_pruned_and_the_rest_kept(threads) -> None:  # type: ignore[no-untyped-def]
    deps, graph, saver, cutoff, ids = threads
    old_checkpoints = saver.thread_checkpoint_counts()[ids["old"]]
    assert old_checkpoints > 2

    dry = prune_finished(saver, cutoff, dry_run=True)
    assert (dry.pruned_threads, dry.deleted_checkpoints) == (1, old_checkpoints)
    assert session_view(deps, ids["old"], graph=graph) is not None  # a dry run deletes nothing

    report = prune_finished(saver, cutoff)
    assert report.backend == ("postgresql" if deps.settings.database_url else "sqlite")
    assert (report.threads, report.pruned_threads, report.deleted_checkpoints) == (3, 1, old_checkpoints)
    assert (report.kept_unfinished, report.kept_recent) == (1, 1)
    assert ids["old"] not in saver.thread_checkpoint_counts()
    assert session_view(deps, ids["old"], graph=graph) is None
    kept = session_view(deps, ids["unfinished"], graph=graph)
    assert kept is not None and kept.open and len(kept.transcript) == 2
    recent = session_view(deps, ids["recent"], graph=graph)
    assert recent is not None and not recent.open and recent.feedback is not None
    list(send_turn(deps, ids["unfinished"], "What does a typical week look like?", graph=graph))

    again = prune_finished(saver, cutoff)
    assert (again.threads, again.pruned_threads) == (2, 0)


def test_cli_prints_the_counts_as_json(threads, monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]
    deps, graph, saver, _cutoff, ids = threads
    if deps.settings.database_url:
        monkeypatch.setenv("COACH_DATABASE_URL", deps.settings.database_url)
    else:
        monkeypatch.delenv("COACH_DATABASE_URL", raising=False)
    data = str(deps.settings.data_dir)

    code, out, err = invoke(capsys, "--data-dir", data, "admin", "prune", "--older-than", "30d")
    assert code == 0 and err == ""
    report = json.loads(out)
    assert report["older_than"] == "30d" and report["pruned_threads"] == 0
    assert (report["kept_unfinished"], report["kept_recent"]) == (1, 2)

    code, out, _ = invoke(capsys, "--data-dir", data, "admin", "prune", "--older-than", "0h")
    report = json.loads(out)
    assert code == 0 and (report["pruned_threads"], report["kept_unfinished"]) == (2, 1)
    assert set(saver.thread_checkpoint_counts()) == {ids["unfinished"]}


@pytest.mark.parametrize("text", ["30", "30x", "-1d", "1.5d", "d", "", "30 days"])
def test_a_malformed_age_is_one_line_and_exit_2(text: str, tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    code, out, err = invoke(capsys, "--data-dir", str(tmp_path), "admin", "prune",
                               f"--older-than={text}")
    assert code == 2 and out == "" and err.count("\n") == 1 and "30d or 12h" in err
    assert not (tmp_path / "checkpoints.sqlite3").exists()


def test_ages_in_days_and_hours() -> None:
    assert parse_age("30d") == timedelta(days=30)
    assert parse_age(" 12H ") == timedelta(hours=12)
    assert parse_age("0h") == timedelta(0)
