"""Sentence embeddings: the offline MiniLM encoder by default, or a remote/Chroma backend.

Every backend returns L2-normalised float32 vectors, so cosine similarity is a dot product and
vectors from the offline encoder match Chroma's default MiniLM collections.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

import numpy as np

from agent.config import Settings
from agent.errors import ConfigError


class Encoder(Protocol):
    name: str
    dim: int

    def encode(self, texts: Sequence[str]) -> np.ndarray: ...


def normalise(vectors: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return (vectors / np.maximum(norms, 1e-12)).astype(np.float32)


class OpenAIEmbeddings:
    """Embeddings from an OpenAI-compatible `/embeddings` endpoint (OpenAI, Ollama, vLLM)."""

    def __init__(self, client: object, model: str, name: str) -> None:
        self.client = client
        self.model = model
        self.name = name
        self.dim = 0

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        response = self.client.embeddings.create(model=self.model, input=list(texts))  # type: ignore[attr-defined]
        vectors = normalise(np.array([d.embedding for d in response.data], dtype=np.float32))
        self.dim = vectors.shape[1]
        return vectors


class ChromaDefaultEmbeddings:
    """Chroma's own ONNX MiniLM. It downloads its model on first use, so it is opt-in only."""

    name = "chroma-default"
    dim = 384

    def __init__(self) -> None:
        from chromadb.utils.embedding_functions import DefaultEmbeddingFunction

        self._fn = DefaultEmbeddingFunction()

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return normalise(np.array(self._fn(list(texts)), dtype=np.float32))


def make_encoder(settings: Settings) -> Encoder:
    """Pick the backend named by `COACH_EMBEDDINGS`."""
    if settings.embeddings == "minilm":
        from agent.embeddings.minilm import MiniLMEncoder

        return MiniLMEncoder()
    if settings.embeddings == "chroma-default":
        return ChromaDefaultEmbeddings()
    if settings.embeddings in ("openai", "ollama"):
        from agent.llm import make_client

        if not settings.base_url:
            raise ConfigError(f"COACH_EMBEDDINGS={settings.embeddings} needs OPENAI_BASE_URL")
        default = "text-embedding-3-small" if settings.embeddings == "openai" else "all-minilm"
        model = settings.embedding_model or default
        return OpenAIEmbeddings(make_client(settings), model, name=f"{settings.embeddings}-{model}")
    raise ConfigError(f"unknown embeddings backend: {settings.embeddings}")
