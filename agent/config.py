"""Settings from explicit arguments, then the environment, then a `.env` file.

Explicit values always win: an environment variable must never silently override what a caller or
test passed in. Nothing is read at import time; call `Settings.load()`.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit

from pydantic import BaseModel, Field, field_validator, model_validator

from agent.local_models import DEFAULT_LOCAL_MODEL, LocalModelName, alias_for

EmbeddingsBackend = Literal["minilm", "openai", "ollama", "chroma-default"]

_ENV_FIELDS: dict[str, str] = {
    "OPENAI_BASE_URL": "base_url",
    "OPENAI_API_KEY": "api_key",
    "COACH_MODEL": "model",
    "COACH_MODEL_PATH": "model_path",
    "COACH_LOCAL_MODEL": "local_model",
    "COACH_MODELS_DIR": "models_dir",
    "COACH_EMBEDDINGS": "embeddings",
    "COACH_EMBEDDING_MODEL": "embedding_model",
    "COACH_DATA_DIR": "data_dir",
    "COACH_TIMEOUT": "request_timeout",
    "COACH_MAX_RETRIES": "max_retries",
    "COACH_CAPABLE_MODEL": "capable_model",
    "COACH_THREADS": "threads",
    "COACH_CONTEXT": "n_ctx",
    "COACH_UI_SESSIONS": "ui_sessions",
    "COACH_DATABASE_URL": "database_url",
    "COACH_CHROMA_URL": "chroma_url",
    "COACH_MODEL_CONCURRENCY": "model_concurrency",
}


def default_data_dir() -> Path:
    """A per-user data folder following the XDG convention."""
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "informational-interview-coach"


def read_dotenv(path: Path) -> dict[str, str]:
    """Parse KEY=VALUE lines; comments and blank lines are ignored, quotes stripped."""
    values: dict[str, str] = {}
    if not path.is_file():
        return values
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, _, value = line.partition("=")
        values[key.strip().removeprefix("export ").strip()] = value.strip().strip("'\"")
    return values


class Settings(BaseModel):
    """Everything configurable. `base_url=None` means: start the embedded model server."""

    base_url: str | None = Field(None, description="OpenAI-compatible server; None = embedded")
    api_key: str | None = Field(None, description="Key for the remote server, never logged")
    model: str = Field("", description="Model name sent in requests; empty = the local model's alias")
    local_model: LocalModelName = Field(
        DEFAULT_LOCAL_MODEL, description="Which packaged GGUF the embedded server runs")
    model_path: Path | None = Field(None, description="GGUF for the embedded server; wins over local_model")
    models_dir: Path | None = Field(
        None, description="Where a chunked local model is assembled; None = <data_dir>/models")
    embeddings: EmbeddingsBackend = "minilm"
    embedding_model: str | None = Field(None, description="Remote embedding model name")
    data_dir: Path = Field(default_factory=default_data_dir)
    request_timeout: float = Field(60.0, gt=0, description="Seconds before a model call fails")
    max_retries: int = Field(1, ge=0, le=5, description="Client retries; no graph retries on top")
    capable_model: bool = Field(False, description="Give the model larger roles in drafts")
    threads: int = Field(default_factory=lambda: os.cpu_count() or 2, ge=1)
    n_ctx: int = Field(4096, ge=512)
    ui_sessions: int | None = Field(
        None, ge=1, le=100_000,
        description="Browser sessions whose page state the web UI keeps in memory (about 1 MB "
        "each); None = 64, or 1,000 with --multi-user")
    database_url: str | None = Field(
        None, description="postgresql://… for the user data and rehearsal checkpoints; "
        "None = SQLite in data_dir")
    chroma_url: str | None = Field(
        None, description="http://host:port of a `chroma run` server; None = embedded Chroma")
    model_concurrency: int = Field(
        16, ge=1, le=256,
        description="UI model calls run at once with a remote model (the embedded one: always 1)")

    @field_validator("database_url")
    @classmethod
    def _postgres_url(cls, value: str | None) -> str | None:
        """Only PostgreSQL is supported as a server database: a typo such as `postgress://` or a
        MySQL URL should fail at start-up, not on the first saved rehearsal turn."""
        if value and not value.startswith(("postgresql://", "postgres://")):
            raise ValueError("must start with postgresql:// (e.g. postgresql://coach@db:5432/coach)")
        return value or None

    @field_validator("chroma_url")
    @classmethod
    def _chroma_url(cls, value: str | None) -> str | None:
        """`http(s)://host:port` with a port, because the Chroma client takes host and port apart."""
        if not value:
            return None
        parsed = urlsplit(value)
        try:
            port = parsed.port
        except ValueError:
            port = None
        if parsed.scheme not in ("http", "https") or not parsed.hostname or port is None:
            raise ValueError("must look like http://host:port (e.g. http://chroma:8000)")
        return value

    @model_validator(mode="after")
    def _model_follows_local_model(self) -> Settings:
        """Unless a model name is given, requests name the local model the server runs."""
        if not self.model:
            self.model = alias_for(self.local_model)
        return self

    def page_sessions(self, multi_user: bool) -> int:
        """How many browser sessions' page state the UI keeps: one person's tabs, or a group's."""
        return self.ui_sessions or (1_000 if multi_user else 64)

    @property
    def embedded(self) -> bool:
        return not self.base_url

    @classmethod
    def load(
        cls,
        env: Mapping[str, str] | None = None,
        dotenv: Path | None = None,
        **explicit: Any,
    ) -> Settings:
        """Build settings: explicit keyword values > environment > `.env` > defaults."""
        env = os.environ if env is None else env
        merged: dict[str, Any] = {}
        file_values = read_dotenv(dotenv if dotenv is not None else Path.cwd() / ".env")
        for source in (file_values, env):
            for var, field in _ENV_FIELDS.items():
                value = source.get(var)
                if value not in (None, ""):
                    merged[field] = value
        merged.update({k: v for k, v in explicit.items() if v is not None})
        return cls(**merged)

    @property
    def model_store(self) -> Path:
        """The folder holding assembled model files (shared by throwaway data folders if set)."""
        return self.models_dir or self.data_dir / "models"

    @property
    def chroma_dir(self) -> Path:
        return self.data_dir / "chroma"

    @property
    def db_path(self) -> Path:
        return self.data_dir / "coach.sqlite3"

    @property
    def checkpoint_path(self) -> Path:
        return self.data_dir / "checkpoints.sqlite3"
