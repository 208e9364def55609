"""A queued-outcome fake model: tests script what the 'model' says and count the calls."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel

from agent.llm import parse_structured

Outcome = str | Exception | Callable[[Sequence[dict[str, str]]], str]


@dataclass
class Call:
    kind: str
    messages: list[dict[str, str]]
    kwargs: dict[str, Any]


@dataclass
class FakeChatModel:
    outcomes: list[Outcome] = field(default_factory=list)
    model: str = "fake-model"
    calls: list[Call] = field(default_factory=list)
    default: Outcome | None = None

    def _next(self, kind: str, messages: Sequence[dict[str, str]], **kwargs: Any) -> str:
        self.calls.append(Call(kind, list(messages), kwargs))
        if self.outcomes:
            outcome = self.outcomes.pop(0)
        elif self.default is not None:
            outcome = self.default
        else:
            raise AssertionError(f"unexpected model call #{len(self.calls)} ({kind})")
        if isinstance(outcome, Exception):
            raise outcome
        if callable(outcome):
            return outcome(messages)
        return outcome

    def complete(self, messages: Sequence[dict[str, str]], **kwargs: Any) -> str:
        return self._next("complete", messages, **kwargs)

    def stream(self, messages: Sequence[dict[str, str]], **kwargs: Any) -> Iterator[str]:
        text = self._next("stream", messages, **kwargs)
        for start in range(0, len(text), 7):
            yield text[start:start + 7]

    def structured(
        self, messages: Sequence[dict[str, str]], schema: type[BaseModel], **kwargs: Any
    ) -> BaseModel:
        return parse_structured(self._next("structured", messages, **kwargs), schema)
