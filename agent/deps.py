"""The objects a workflow needs, built lazily and shared: settings, model, encoder, stores.

Tests pass fakes in; the CLI and UI build one `Deps` per process. Nothing here starts a model
server or opens a database until it is first asked for.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from agent.config import Settings
from agent.embeddings import Encoder, make_encoder
from agent.errors import InputError
from agent.store.db import LOCAL_USER_ID, UserData, UserDatabase, open_database
from agent.store.vectors import VectorStore, open_vectors

# The account a web request acts for, set by the UI around each event (`ui.app`) from Gradio's
# login, never from anything the browser sends. Unset: the CLI, the tests, the single-user app.
_acting_user: ContextVar[int | None] = ContextVar("coach_acting_user", default=None)

# Owns no rows: what a multi-user page is built with before anyone has logged in.
NOBODY = -1


@contextmanager
def acting_as(user_id: int) -> Iterator[None]:
    """Within the block, `Deps.mine` and `Deps.current_user` mean `user_id`."""
    token = _acting_user.set(int(user_id))
    try:
        yield
    finally:
        _acting_user.reset(token)


if TYPE_CHECKING:  # the openai SDK takes ~0.5 s to import; only a model call needs it
    from agent.llm import ChatModel
    from agent.model_server import EmbeddedModelServer


@dataclass
class Deps:
    settings: Settings
    llm_override: ChatModel | None = None
    encoder_override: Encoder | None = None
    # Whose data `mine` reaches outside a web request (the CLI, the single-user app).
    user_id: int = LOCAL_USER_ID
    # `coach ui --multi-user`: a request without a logged-in name is refused, never the local user.
    multi_user: bool = False
    _llm: ChatModel | None = field(default=None, init=False, repr=False)
    _encoder: Encoder | None = field(default=None, init=False, repr=False)
    _vectors: VectorStore | None = field(default=None, init=False, repr=False)
    _db: UserDatabase | None = field(default=None, init=False, repr=False)
    _server: EmbeddedModelServer | None = field(default=None, init=False, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, init=False, repr=False)
    _cache: dict[str, Any] = field(default_factory=dict, init=False, repr=False)
    _key_locks: dict[str, threading.Lock] = field(default_factory=dict, init=False, repr=False)

    @property
    def llm(self) -> ChatModel:
        if self.llm_override is not None:
            return self.llm_override
        if self._llm is None:
            self._llm = self.cached("deps:llm", self._make_llm)
        return self._llm

    def _make_llm(self) -> ChatModel:
        from agent.llm import OpenAIChatModel, make_client
        from agent.model_server import EmbeddedModelServer, model_file

        s = self.settings
        if s.embedded:
            self._server = EmbeddedModelServer(
                model_file(s), alias=s.model, threads=s.threads, n_ctx=s.n_ctx
            ).start()
            client = make_client(s, self._server.base_url)
            return OpenAIChatModel(client, s.model, json_mode="llamacpp",
                                   before_request=self._server.ensure_running)
        return OpenAIChatModel(make_client(s), s.model, json_mode="openai")

    def preflight(self) -> None:
        """Fail fast on a missing or unverifiable model file, before any slow work or any write.

        For the chunked local model this is also where it is assembled, once per data folder."""
        if self.llm_override is None and self.settings.embedded:
            from agent.model_server import model_file

            model_file(self.settings)

    @property
    def encoder(self) -> Encoder:
        if self.encoder_override is not None:
            return self.encoder_override
        if self._encoder is None:
            self._encoder = self.cached("deps:encoder", lambda: make_encoder(self.settings))
        return self._encoder

    @property
    def vectors(self) -> VectorStore:
        if self._vectors is None:
            self._vectors = self.cached(
                "deps:vectors", lambda: open_vectors(self.settings, self.encoder))
        return self._vectors

    @property
    def db(self) -> UserDatabase:
        """The user database (SQLite, or PostgreSQL with COACH_DATABASE_URL), opened once per
        process: on PostgreSQL it holds the connection pool every request shares."""
        if self._db is None:
            self._db = self.cached("deps:db", lambda: open_database(self.settings))
        return self._db

    @property
    def current_user(self) -> int:
        """Whose data this call may touch: the account the web request acts for, else `user_id`
        (the local user). In multi-user mode there is no fallback: a call outside a logged-in
        request is refused rather than shown the local user's rows."""
        acting = _acting_user.get()
        if acting is not None:
            return acting
        if self.multi_user:
            raise InputError("log in first")
        return self.user_id

    @property
    def mine(self) -> UserData:
        """The current user's rows (profile, contacts, drafts...); every query carries the id."""
        return self.db.for_user(self.current_user)

    def cached(self, key: str, factory: Any) -> Any:
        """Per-process memo for derived objects (classifiers, compiled graphs, the stores).

        Each key is built exactly once even when Gradio's worker threads ask for it together: the
        factory runs under that key's own lock, so factories may themselves use `cached` for other
        keys. A factory that raises caches nothing, and the next caller tries again.
        """
        with self._lock:
            if key in self._cache:
                return self._cache[key]
            key_lock = self._key_locks.setdefault(key, threading.Lock())
        with key_lock:
            if key not in self._cache:
                value = factory()
                with self._lock:
                    self._cache[key] = value
            return self._cache[key]

    @property
    def server(self) -> EmbeddedModelServer | None:
        return self._server

    def close(self) -> None:
        if self._server is not None:
            self._server.stop()
            self._server = None
        self._llm = None
        with self._lock:
            self._cache.pop("deps:llm", None)
