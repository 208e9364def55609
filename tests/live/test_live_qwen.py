"""The Qwen2.5-Coder-0.5B local model end to end: the six installed part packages assembled and
verified, the real embedded server started on it, and a short JSON-schema constrained reply and a
streamed reply through the app's client (the chat template comes from the GGUF's own metadata).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Literal

import httpx
import pytest
from pydantic import BaseModel

from agent.config import Settings
from agent.deps import Deps
from agent.errors import ConfigError
from agent.local_models import LOCAL_MODELS, installed_parts, read_gguf_metadata

pytestmark = pytest.mark.live

QWEN = LOCAL_MODELS["qwen2.5-coder-0.5b"]


class Reply(BaseModel):
    answer: Literal["yes", "no"]
    reason: str


@pytest.fixture(scope="module")
def qwen_models_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    try:
        installed_parts(QWEN)
    except ConfigError as exc:
        pytest.skip(f"Qwen part packages not installed: {exc}")
    folder = tmp_path_factory.mktemp("models")
    yield folder
    for path in folder.glob("*.gguf*"):  # 491 MB: do not leave it in the temp folder
        path.unlink()


def test_qwen_is_assembled_verified_served_and_answers_in_json(  # type: ignore[no-untyped-def]
    qwen_models_dir: Path, tmp_path: Path, encoder,
) -> None:
    settings = Settings.load(env={}, dotenv=tmp_path / "none.env", data_dir=tmp_path / "data",
                             local_model="qwen2.5-coder-0.5b", models_dir=qwen_models_dir,
                             request_timeout=300, max_retries=0)  # a shared, busy CI machine is slow
    deps = Deps(settings, encoder_override=encoder)
    deps.preflight()  # assembles and verifies before any server starts
    gguf = qwen_models_dir / QWEN.filename
    assert gguf.stat().st_size == QWEN.size
    assert read_gguf_metadata(gguf, ("general.architecture",))["general.architecture"] == "qwen2"
    try:
        llm = deps.llm
        assert llm.model == "qwen2.5-coder-0.5b-instruct"
        assert deps.server is not None and deps.server.model_path == gguf
        served = httpx.get(deps.server.base_url + "/models", timeout=5).json()
        assert [m["id"] for m in served["data"]] == ["qwen2.5-coder-0.5b-instruct"]
        result = llm.structured(
            [{"role": "system", "content": "You answer questions about careers."},
             {"role": "user", "content": "Is it polite to thank someone after an informational "
                                         "interview? Answer yes or no with a short reason."}],
            Reply, max_tokens=48, temperature=0.0,
        )
        assert isinstance(result, Reply) and result.answer in ("yes", "no")
        streamed = list(llm.stream(
            [{"role": "system", "content": "Be brief."},
             {"role": "user", "content": "Say hello to Dana in a few words."}], max_tokens=12))
        assert len(streamed) > 1 and "".join(streamed).strip()  # tokens arrive one by one
        assert "<|im_" not in "".join(streamed)  # ChatML control tokens end the turn, never leak
    finally:
        deps.close()
    assert deps.server is None
