"""A timing proxy around the app's ChatModel: records each call's prompt, time to first delta and total.

The cached-prefix share is estimated as the tokens a request shares, from the start, with the
request sent just before it: llama.cpp keeps the previous prompt's evaluated tokens and the server's
RAM cache restores the longest matching prefix, so that much need not be processed again.
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel

from agent.bench.engine import chatml


@dataclass
class Call:
    kind: str
    tokens: list[int]
    started: float
    first: float | None = None
    ended: float | None = None
    cached_tokens: int = 0

    @property
    def prompt_tokens(self) -> int:
        return len(self.tokens)

    @property
    def ttft(self) -> float | None:
        return None if self.first is None else self.first - self.started

    @property
    def total(self) -> float | None:
        return None if self.ended is None else self.ended - self.started

    def as_dict(self) -> dict[str, Any]:
        share = self.cached_tokens / self.prompt_tokens if self.prompt_tokens else None
        return {"kind": self.kind, "prompt_tokens": self.prompt_tokens,
                "cached_prefix_tokens": self.cached_tokens, "cached_share": share, "ttft": self.ttft,
                "total": self.total}


def common_prefix(a: Sequence[int], b: Sequence[int]) -> int:
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    return n


@dataclass
class TimingChatModel:
    """Implements the ChatModel protocol by delegating to `inner` and timing every call."""

    inner: Any
    tokenize: Any
    max_tokens_cap: int | None = None
    calls: list[Call] = field(default_factory=list)
    _previous: list[int] = field(default_factory=list)
    model: str = ""

    def __post_init__(self) -> None:
        self.model = str(self.inner.model)

    def _cap(self, max_tokens: int) -> int:
        return min(max_tokens, self.max_tokens_cap) if self.max_tokens_cap else max_tokens

    def _begin(self, kind: str, messages: Sequence[Any]) -> Call:
        tokens = self.tokenize(chatml([dict(m) for m in messages]))
        call = Call(kind, tokens, time.perf_counter(), cached_tokens=common_prefix(tokens, self._previous))
        self._previous = tokens
        self.calls.append(call)
        return call

    def complete(self, messages: Sequence[Any], *, max_tokens: int, temperature: float = 0.3,
                 stop: Sequence[str] | None = None) -> str:
        call = self._begin("complete", messages)
        try:
            return str(self.inner.complete(messages, max_tokens=self._cap(max_tokens),
                                           temperature=temperature, stop=stop))
        finally:
            call.ended = time.perf_counter()

    def stream(self, messages: Sequence[Any], *, max_tokens: int, temperature: float = 0.3,
               stop: Sequence[str] | None = None, schema: type[BaseModel] | None = None) -> Iterator[str]:
        call = self._begin("stream", messages)
        try:
            for delta in self.inner.stream(messages, max_tokens=self._cap(max_tokens),
                                           temperature=temperature, stop=stop, schema=schema):
                if call.first is None:
                    call.first = time.perf_counter()
                yield delta
        finally:
            call.ended = time.perf_counter()

    def structured(self, messages: Sequence[Any], schema: type[Any], *, max_tokens: int,
                   temperature: float = 0.2) -> Any:
        call = self._begin("structured", messages)
        try:
            return self.inner.structured(messages, schema, max_tokens=self._cap(max_tokens),
                                         temperature=temperature)
        finally:
            call.ended = time.perf_counter()


def local_tokenizer(model_path: Any) -> Any:
    """The GGUF's own tokenizer, loaded without weights."""
    import llama_cpp

    vocab = llama_cpp.Llama(model_path=str(model_path), vocab_only=True, verbose=False)

    def tokenize(text: str) -> list[int]:
        return list(vocab.tokenize(text.encode("utf-8"), add_bos=False, special=True))

    return tokenize
