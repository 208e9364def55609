"""The test engines themselves: an engine that cannot start fails the test that needs it, with the
reason and the fix, instead of skipping it; a started one is stopped and its folder removed."""

from __future__ import annotations

import pytest

from tests import engines


def test_a_missing_postgres_fails_with_the_fix(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(engines.glob, "glob", lambda _pattern: [])
    monkeypatch.setattr(engines.shutil, "which", lambda _name: None)
    with pytest.raises(engines.EngineUnavailable, match=r"initdb is not installed: run `make postgres`"):
        engines.start_postgres()
    with pytest.raises(pytest.fail.Exception, match="cannot start the test engine: .*make postgres"):
        with engines._engine(engines.start_postgres):
            pass


def test_a_chroma_server_is_stopped_and_its_folder_removed() -> None:
    server = engines.start_chroma()
    server.stop()
    assert server.process.poll() is not None and not server.folder.exists()
