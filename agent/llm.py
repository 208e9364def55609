"""The one model client: an `openai.OpenAI` wrapped with timeouts, limits and typed output.

Every node receives a `ChatModel`; none builds a client. Errors from the server (down, hung, HTTP
failure, malformed JSON, a stream that breaks off or is not JSON) surface as `ModelError` with one
readable line, so callers can fall back to their template text instead of crashing.

Two guards keep a broken server from costing more than one wait: after a call times out, calls
fail at once for `HUNG_COOLDOWN` seconds (a hung server would otherwise cost every node of every
request `COACH_TIMEOUT` × (retries + 1)); and an optional `before_request` hook runs first, which
the embedded server uses to start itself again after it died.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from typing import Any, Literal, Protocol, TypeVar

import httpx
import openai
from pydantic import BaseModel, ValidationError

from agent.config import Settings
from agent.errors import ModelError

T = TypeVar("T", bound=BaseModel)
Message = dict[str, str]
JsonMode = Literal["llamacpp", "openai"]
HUNG_COOLDOWN = 30.0


def make_client(settings: Settings, base_url: str | None = None) -> openai.OpenAI:
    """One factory for every call site. The SDK's defaults (600 s read, 2 retries) are replaced."""
    url = base_url or settings.base_url
    if not url:
        raise ModelError("no model server URL: start the embedded server or set OPENAI_BASE_URL")
    return openai.OpenAI(
        base_url=url,
        api_key=settings.api_key or "not-needed-for-local",
        timeout=openai.Timeout(settings.request_timeout, connect=5.0),
        max_retries=settings.max_retries,
    )


class ChatModel(Protocol):
    """What nodes need from a model; the fake client in tests implements the same."""

    model: str

    def complete(
        self, messages: Sequence[Message], *, max_tokens: int, temperature: float = 0.3,
        stop: Sequence[str] | None = None,
    ) -> str: ...

    def stream(
        self, messages: Sequence[Message], *, max_tokens: int, temperature: float = 0.3,
        stop: Sequence[str] | None = None, schema: type[BaseModel] | None = None,
    ) -> Iterator[str]: ...

    def structured(
        self, messages: Sequence[Message], schema: type[T], *, max_tokens: int,
        temperature: float = 0.2,
    ) -> T: ...


def response_format(schema: type[BaseModel], mode: JsonMode) -> dict[str, Any]:
    """JSON-schema constrained output in the dialect the server speaks."""
    json_schema = schema.model_json_schema()
    if mode == "llamacpp":
        return {"type": "json_object", "schema": json_schema}
    return {
        "type": "json_schema",
        "json_schema": {"name": schema.__name__, "schema": json_schema, "strict": False},
    }


def parse_structured(text: str, schema: type[T]) -> T:
    """Validate model text into the schema; anything else is a `ModelError`."""
    try:
        return schema.model_validate(json.loads(text))
    except (json.JSONDecodeError, ValidationError, TypeError) as exc:
        snippet = text.strip().replace("\n", " ")[:80]
        raise ModelError(f"model returned malformed output for {schema.__name__}: {snippet!r}") from exc


class OpenAIChatModel:
    """`ChatModel` over an OpenAI-compatible HTTP server (embedded llama.cpp or remote)."""

    def __init__(self, client: openai.OpenAI, model: str, *, json_mode: JsonMode = "openai",
                 before_request: Callable[[], None] | None = None,
                 hung_cooldown: float = HUNG_COOLDOWN) -> None:
        self.client = client
        self.model = model
        self.json_mode = json_mode
        self.before_request = before_request
        self.hung_cooldown = hung_cooldown
        self._hung_until = 0.0
        self._lock = threading.Lock()

    def _check_not_hung(self) -> None:
        with self._lock:
            left = self._hung_until - time.monotonic()
        if left > 0:
            raise ModelError(f"model server did not answer a moment ago; not waiting on it again "
                             f"for {left:.0f} s")

    def _mark_hung(self) -> None:
        with self._lock:
            self._hung_until = time.monotonic() + self.hung_cooldown

    def _request(
        self, messages: Sequence[Message], *, max_tokens: int, temperature: float,
        stop: Sequence[str] | None, schema: type[BaseModel] | None, stream: bool,
    ) -> Any:
        kwargs: dict[str, Any] = {
            "model": self.model,
            "messages": list(messages),
            "max_tokens": max_tokens,
            "temperature": temperature,
            "stream": stream,
        }
        if stop:
            kwargs["stop"] = list(stop)
        if schema is not None:
            kwargs["response_format"] = response_format(schema, self.json_mode)
        self._check_not_hung()
        if self.before_request is not None:
            self.before_request()
        try:
            return self.client.chat.completions.create(**kwargs)
        except openai.APITimeoutError as exc:
            self._mark_hung()
            raise ModelError("model server timed out; is it overloaded or hung?") from exc
        except openai.APIConnectionError as exc:
            raise ModelError(f"model server unreachable at {self.client.base_url}") from exc
        except openai.APIStatusError as exc:
            raise ModelError(f"model server returned HTTP {exc.status_code}") from exc
        except (openai.APIError, ValueError) as exc:  # a body that is not JSON, or not a completion
            raise ModelError("model server returned a reply that is not a completion") from exc

    def complete(
        self, messages: Sequence[Message], *, max_tokens: int, temperature: float = 0.3,
        stop: Sequence[str] | None = None,
    ) -> str:
        response = self._request(
            messages, max_tokens=max_tokens, temperature=temperature, stop=stop, schema=None,
            stream=False,
        )
        return _message_text(response)

    def stream(
        self, messages: Sequence[Message], *, max_tokens: int, temperature: float = 0.3,
        stop: Sequence[str] | None = None, schema: type[BaseModel] | None = None,
    ) -> Iterator[str]:
        chunks = self._request(
            messages, max_tokens=max_tokens, temperature=temperature, stop=stop, schema=schema,
            stream=True,
        )
        finished = False
        try:
            for chunk in chunks:
                choices = getattr(chunk, "choices", None)
                if not choices or not isinstance(choices, list):
                    continue
                finished = finished or bool(getattr(choices[0], "finish_reason", None))
                delta = getattr(choices[0], "delta", None)
                content = getattr(delta, "content", None)
                if isinstance(content, str) and content:
                    yield content
        except httpx.TimeoutException as exc:
            self._mark_hung()
            raise ModelError("model server stopped sending in the middle of a reply") from exc
        except (httpx.HTTPError, openai.APIError) as exc:  # openai 2.x lets httpx's errors through
            raise ModelError("model server stream broke off") from exc
        except (ValueError, AttributeError, TypeError) as exc:  # an event that is not a JSON chunk
            raise ModelError("model server sent a malformed stream") from exc
        if not finished:  # a server that died between events closes the stream like an end
            raise ModelError("model server stream ended before the reply was complete")

    def structured(
        self, messages: Sequence[Message], schema: type[T], *, max_tokens: int,
        temperature: float = 0.2,
    ) -> T:
        response = self._request(
            messages, max_tokens=max_tokens, temperature=temperature, stop=None, schema=schema,
            stream=False,
        )
        return parse_structured(_message_text(response), schema)


def _message_text(response: Any) -> str:
    try:
        content = response.choices[0].message.content
    except (AttributeError, IndexError, TypeError) as exc:
        raise ModelError("model server returned a response without a message") from exc
    if not isinstance(content, str):
        raise ModelError("model server returned an empty message")
    return content
