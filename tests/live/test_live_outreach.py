"""The real embedded SmolLM2 server end to end: the CLI in a subprocess, and constrained JSON."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from pydantic import BaseModel

from agent.deps import Deps

pytestmark = pytest.mark.live


def test_cli_outreach_with_the_embedded_model(built_index: Path, tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(built_index, data)
    env = {**os.environ, "COACH_DATA_DIR": str(data), "HF_HUB_OFFLINE": "1"}
    env.pop("OPENAI_BASE_URL", None)
    proc = subprocess.run(
        [sys.executable, "-m", "agent.cli", "outreach", "--contact-name", "Jordan Park",
         "--contact-role", "Civil Engineer", "--connection", "Referred by Amara Osei",
         "--about-me", "I am a surveying technician", "--goal", "learning about bridge design",
         "--my-name", "Sam Lee",
         "--json"],
        capture_output=True, text=True, env=env, timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    payload = json.loads(proc.stdout)
    assert payload["subject"] == "Referred by Amara Osei"
    assert all(c["passed"] for c in payload["checks"]), payload["checks"]
    assert "Amara Osei" in payload["body"].split("\n\n")[1]


class Pick(BaseModel):
    sentence: str


def test_embedded_server_honours_the_json_schema(indexed_settings, encoder) -> None:  # type: ignore[no-untyped-def]
    deps = Deps(indexed_settings, encoder_override=encoder)
    try:
        result = deps.llm.structured(
            [{"role": "user", "content": "Write one sentence about learning from a nurse."}],
            Pick, max_tokens=60,
        )
        assert isinstance(result, Pick)
        streamed = "".join(deps.llm.stream([{"role": "user", "content": "Say hello."}], max_tokens=8))
        assert streamed.strip()
    finally:
        deps.close()
    assert deps.server is None
