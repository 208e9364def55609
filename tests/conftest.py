"""Shared fixtures: isolated settings, the real offline encoder, a built index, a fake model.

Unit tests must never reach a real model: an autouse guard makes any attempt to start the
embedded server or build a real client fail loudly, except in cassette/live/e2e/faults tests.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from agent.config import Settings, default_data_dir  # noqa: E402

# Tests use throwaway data folders; a chunked local model (Qwen) is assembled once into the usual
# per-user models folder instead of once per folder. Subprocesses (CLI, `coach ui`) inherit this.
os.environ.setdefault("COACH_MODELS_DIR", str(default_data_dir() / "models"))
from agent.deps import Deps  # noqa: E402
from tests.fakes import FakeChatModel  # noqa: E402

REAL_MODEL_MARKERS = {"cassette", "live", "e2e", "faults"}

# PostgreSQL and `chroma run` for the server-mode tests; started only by tests that ask for them.
from tests.engines import (  # noqa: E402,F401 - fixtures
    checkpoint_url,
    chroma_backend,
    chroma_server,
    chroma_url,
    postgres_server,
    postgres_url,
    user_db,
    user_db_url,
)


@pytest.fixture(autouse=True)
def _guard_real_model(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    if REAL_MODEL_MARKERS & {m.name for m in request.node.iter_markers()}:
        return

    def refuse(*_: object, **__: object) -> None:
        raise AssertionError("unit tests must inject a FakeChatModel, not reach a real model")

    monkeypatch.setattr("agent.deps.Deps._make_llm", refuse)
    monkeypatch.setattr("agent.model_server.EmbeddedModelServer.start", refuse)


def make_settings(data_dir: Path, **overrides: object) -> Settings:
    overrides.setdefault("models_dir", Path(os.environ["COACH_MODELS_DIR"]))
    return Settings.load(env={}, dotenv=Path("/nonexistent/.env"), data_dir=data_dir, **overrides)


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return make_settings(tmp_path / "data")


@pytest.fixture(scope="session")
def encoder():  # type: ignore[no-untyped-def]
    from agent.embeddings.minilm import MiniLMEncoder

    return MiniLMEncoder()


@pytest.fixture(scope="session")
def built_index(tmp_path_factory: pytest.TempPathFactory, encoder) -> Path:  # type: ignore[no-untyped-def]
    """The built-in knowledge indexed once per session; tests get a private copy."""
    from agent.ingest.pipeline import ingest

    data = tmp_path_factory.mktemp("index") / "data"
    deps = Deps(make_settings(data), encoder_override=encoder)
    ingest(deps.vectors, deps.db)
    return data


@pytest.fixture
def indexed_settings(built_index: Path, tmp_path: Path) -> Settings:
    target = tmp_path / "data"
    shutil.copytree(built_index, target)
    return make_settings(target)


@pytest.fixture
def fake_llm() -> FakeChatModel:
    return FakeChatModel()


@pytest.fixture
def deps(indexed_settings: Settings, encoder, fake_llm: FakeChatModel) -> Deps:  # type: ignore[no-untyped-def]
    return Deps(indexed_settings, llm_override=fake_llm, encoder_override=encoder)


@pytest.fixture(scope="session")
def voice_speaker():  # type: ignore[no-untyped-def]
    """The Piper voice, loaded once for the whole run (about a second)."""
    from agent.voice.tts import Speaker

    return Speaker()


@pytest.fixture(scope="session")
def voice_transcriber():  # type: ignore[no-untyped-def]
    """Whisper tiny.en, loaded once for the whole run (about a second)."""
    from agent.voice.stt import Transcriber

    return Transcriber(threads=2)


@pytest.fixture
def voice_deps(deps, voice_speaker, voice_transcriber) -> Deps:  # type: ignore[no-untyped-def]
    """`deps` whose voice models are the session's, so no test pays for loading them again."""
    deps.cached("voice:tts", lambda: voice_speaker)
    deps.cached("voice:stt", lambda: voice_transcriber)
    return deps  # type: ignore[no-any-return]
