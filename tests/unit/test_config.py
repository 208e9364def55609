"""Settings precedence: explicit > environment > .env > defaults."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from agent.config import Settings


def test_explicit_beats_environment_beats_dotenv(tmp_path: Path) -> None:
    dotenv = tmp_path / ".env"
    dotenv.write_text("COACH_MODEL=from-dotenv\nCOACH_TIMEOUT=5\n# comment\nOPENAI_API_KEY='k1'\n")
    env = {"COACH_MODEL": "from-env"}
    assert Settings.load(env=env, dotenv=dotenv).model == "from-env"
    assert Settings.load(env=env, dotenv=dotenv, model="explicit").model == "explicit"
    loaded = Settings.load(env={}, dotenv=dotenv)
    assert loaded.model == "from-dotenv"
    assert loaded.request_timeout == 5.0
    assert loaded.api_key == "k1"


def test_defaults_mean_embedded_model_and_minilm(tmp_path: Path) -> None:
    s = Settings.load(env={}, dotenv=tmp_path / "missing")
    assert s.embedded and s.embeddings == "minilm"
    assert s.max_retries <= 2 and s.request_timeout < 600


def test_remote_server_from_environment(tmp_path: Path) -> None:
    s = Settings.load(env={"OPENAI_BASE_URL": "http://127.0.0.1:11434/v1"}, dotenv=tmp_path / "x")
    assert not s.embedded


def test_unknown_embeddings_backend_is_rejected(tmp_path: Path) -> None:
    with pytest.raises(ValidationError):
        Settings.load(env={"COACH_EMBEDDINGS": "word2vec"}, dotenv=tmp_path / "x")


def test_server_stores_follow_the_same_precedence(tmp_path: Path) -> None:
    dotenv = tmp_path / ".env"
    dotenv.write_text("COACH_DATABASE_URL=postgresql://file@db/coach\n"
                      "COACH_CHROMA_URL=http://file:8000\n")
    env = {"COACH_DATABASE_URL": "postgresql://env@db/coach"}
    s = Settings.load(env=env, dotenv=dotenv)
    assert (s.database_url, s.chroma_url) == ("postgresql://env@db/coach", "http://file:8000")
    s = Settings.load(env=env, dotenv=dotenv, database_url="postgresql://explicit@db/coach")
    assert s.database_url == "postgresql://explicit@db/coach"
    s = Settings.load(env={}, dotenv=tmp_path / "missing")
    assert s.database_url is None and s.chroma_url is None and s.model_concurrency == 16
    assert Settings.load(env={"COACH_MODEL_CONCURRENCY": "32"}, dotenv=dotenv).model_concurrency == 32


@pytest.mark.parametrize(("var", "value"), [
    ("COACH_DATABASE_URL", "mysql://coach@db/coach"),
    ("COACH_DATABASE_URL", "db:5432"),
    ("COACH_CHROMA_URL", "chroma:8000"),
    ("COACH_CHROMA_URL", "http://chroma"),
    ("COACH_CHROMA_URL", "http://chroma:port"),
])
def test_malformed_server_urls_are_rejected_at_load(tmp_path: Path, var: str, value: str) -> None:
    with pytest.raises(ValidationError):
        Settings.load(env={var: value}, dotenv=tmp_path / "x")
