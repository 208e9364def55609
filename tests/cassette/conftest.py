"""Cassette tests: real HTTP to the embedded llama.cpp server, recorded once, replayed in CI.

Replay (the default, `record_mode="none"`): no server runs; requests must match a recorded one on
method, path and body, so editing a prompt invalidates its cassette. Re-record with the real
embedded model:

    COACH_RECORD=1 .venv/bin/python -m pytest -m cassette      (or `make record`)

Authorization and cookie headers are never written to a cassette.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
import vcr
from vcr.record_mode import RecordMode

from agent.config import Settings
from agent.deps import Deps
from agent.llm import OpenAIChatModel, make_client
from agent.model_server import EmbeddedModelServer

CASSETTES = Path(__file__).resolve().parent.parent / "cassettes"
REPLAY_URL = "http://127.0.0.1:9/v1"  # never contacted during replay
RECORDING = os.environ.get("COACH_RECORD") == "1"


def _json_body(request: object) -> object:
    body = getattr(request, "body", None) or b""
    if isinstance(body, bytes):
        body = body.decode("utf-8", "replace")
    try:
        return json.loads(body) if body else None
    except json.JSONDecodeError:
        return body


def body_matcher(r1: object, r2: object) -> None:
    assert _json_body(r1) == _json_body(r2), "request body differs from the recorded one"


def path_matcher(r1: object, r2: object) -> None:
    assert r1.path == r2.path  # type: ignore[attr-defined]


def make_vcr() -> vcr.VCR:
    recorder = vcr.VCR(
        serializer="yaml",
        cassette_library_dir=str(CASSETTES),
        record_mode=RecordMode.ALL if RECORDING else RecordMode.NONE,
        match_on=["method", "coach_path", "coach_body"],
        filter_headers=["authorization", "cookie", "set-cookie", "x-api-key", "openai-organization"],
        decode_compressed_response=True,
    )
    recorder.register_matcher("coach_path", path_matcher)
    recorder.register_matcher("coach_body", body_matcher)
    return recorder


@pytest.fixture(scope="session")
def model_server() -> Iterator[EmbeddedModelServer | None]:
    if not RECORDING:
        yield None
        return
    with EmbeddedModelServer(threads=os.cpu_count() or 2) as server:
        yield server


@pytest.fixture
def cassette(request: pytest.FixtureRequest) -> Iterator[object]:
    """Use as `with cassette:`-free fixture: the whole test runs inside its cassette."""
    module = Path(request.node.fspath).stem
    path = Path(module) / f"{request.node.name}.yaml"
    if not RECORDING and not (CASSETTES / path).is_file():
        pytest.fail(f"missing cassette {path}; record it with COACH_RECORD=1 (see conftest)")
    if RECORDING:
        # vcrpy's ALL mode keeps the old interactions beside the new ones; a re-recording starts clean.
        (CASSETTES / path).unlink(missing_ok=True)
    with make_vcr().use_cassette(str(path)) as cas:
        yield cas


@pytest.fixture
def recorded_llm(model_server: EmbeddedModelServer | None, cassette: object) -> OpenAIChatModel:
    """The real OpenAI client, talking to the embedded server (recording) or the cassette."""
    settings = Settings.load(env={}, dotenv=Path("/nonexistent"), max_retries=0)
    url = model_server.base_url if model_server else REPLAY_URL
    return OpenAIChatModel(make_client(settings, url), settings.model, json_mode="llamacpp")


@pytest.fixture
def cassette_deps(indexed_settings: Settings, encoder, recorded_llm: OpenAIChatModel) -> Deps:  # type: ignore[no-untyped-def]
    return Deps(indexed_settings, llm_override=recorded_llm, encoder_override=encoder)
