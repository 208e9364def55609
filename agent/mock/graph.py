"""The rehearsal as a resumable LangGraph thread, and the small session API the CLI and UI use.

Each user line resumes the thread with `Command(resume=text)`; ending it resumes with
`{"end": True}` and runs the feedback. Threads live in LangGraph's SQLite checkpointer under the
data folder (or on PostgreSQL with `COACH_DATABASE_URL`), so a session survives a restart of the
app and continues on the same thread id.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, Literal

from langgraph.checkpoint.base import BaseCheckpointSaver
from langgraph.graph import END, START, StateGraph
from langgraph.types import Command

from agent.config import Settings
from agent.deps import Deps
from agent.errors import InputError
from agent.mock import nodes
from agent.mock.clock import ClockReading
from agent.mock.nodes import MockContext, PromptLayout, ReaderFactory
from agent.mock.state import Feedback, MockRequest, MockState
from agent.store.userdata import LOCAL_USER_ID

WAITING_NODE = "await_user_turn"


def thread_for(user_id: int, session: str) -> str:
    """The checkpointer's thread id: the owner's id and the session's. The local user's threads
    keep the bare session id they always had, so rehearsals saved before accounts still resume."""
    return session if user_id == LOCAL_USER_ID else f"user{user_id}:{session}"


def thread_owner(thread_id: str) -> int:
    """Whose rehearsal a thread id names (the local user's when it carries no account)."""
    head, sep, _ = thread_id.partition(":")
    if sep and head.startswith("user") and head[4:].isdigit():
        return int(head[4:])
    return LOCAL_USER_ID


def owns_thread(deps: Deps, thread_id: str) -> bool:
    """Whether `deps`' user may see this thread; another user's id is treated as unknown."""
    return isinstance(thread_id, str) and thread_owner(thread_id) == deps.current_user


def route_after_wait(state: MockState) -> Literal["classify_turn", "finish"]:
    return "finish" if state.get("ended") else "classify_turn"


def open_checkpointer(settings: Settings) -> BaseCheckpointSaver[Any]:
    """The rehearsal checkpointer: `checkpoints.sqlite3` in the data folder, or PostgreSQL when
    `COACH_DATABASE_URL` is set; its storage failures arrive as `StorageError` lines (see
    `agent.store.checkpoints`)."""
    from agent.store.checkpoints import open_saver

    return open_saver(settings)


def compile_graph(checkpointer: BaseCheckpointSaver[Any]) -> Any:
    """The rehearsal graph on a checkpointer; what a run needs arrives as its `MockContext`."""
    graph: Any = StateGraph(MockState, context_schema=MockContext)
    for name in ("open_session", WAITING_NODE, "classify_turn", "reply_as_contact", "finish"):
        graph.add_node(name, getattr(nodes, name))
    graph.add_edge(START, "open_session")
    graph.add_edge("open_session", WAITING_NODE)
    graph.add_conditional_edges(WAITING_NODE, route_after_wait)
    graph.add_edge("classify_turn", "reply_as_contact")
    graph.add_edge("reply_as_contact", WAITING_NODE)
    graph.add_edge("finish", END)
    return graph.compile(checkpointer=checkpointer)


@dataclass(frozen=True)
class Rehearsals:
    """A compiled rehearsal graph with the context every run of it gets."""

    graph: Any
    context: MockContext

    @property
    def checkpointer(self) -> BaseCheckpointSaver[Any]:
        return self.graph.checkpointer  # type: ignore[no-any-return]

    def get_state(self, thread_id: str) -> Any:
        return self.graph.get_state(_config(thread_id))

    def invoke(self, value: Any, thread_id: str) -> Any:
        return self.graph.invoke(value, _config(thread_id), context=self.context)

    def stream(self, value: Any, thread_id: str) -> Iterator[tuple[str, Any]]:
        return self.graph.stream(value, _config(thread_id), context=self.context,  # type: ignore[no-any-return]
                                 stream_mode=["custom", "updates"])


def build_graph(deps: Deps, checkpointer: BaseCheckpointSaver[Any] | None = None,
                reader_factory: ReaderFactory | None = None,
                layout: PromptLayout | None = None) -> Rehearsals:
    """The rehearsal graph for `deps`; tests pass an in-memory saver and fake classifiers, the
    benchmark its own prompt layout."""
    context = MockContext(deps, readers=reader_factory,  # type: ignore[arg-type]
                          **({"layout": layout} if layout is not None else {}))
    return Rehearsals(compile_graph(checkpointer or open_checkpointer(deps.settings)), context)


def mock_graph(deps: Deps) -> Rehearsals:
    return deps.cached("mock_graph", lambda: build_graph(deps))  # type: ignore[no-any-return]


def _config(thread_id: str) -> dict[str, Any]:
    return {"configurable": {"thread_id": thread_id}}


@dataclass
class SessionView:
    """What a UI needs to show (or restore) a session."""

    thread_id: str
    request: dict[str, Any]
    persona: dict[str, Any]
    transcript: list[dict[str, str]] = field(default_factory=list)
    elapsed: float = 0.0
    open: bool = True
    feedback: Feedback | None = None

    @property
    def clock(self) -> ClockReading:
        return ClockReading(self.elapsed, int(self.request.get("minutes", 20)))


def start_session(deps: Deps, request: MockRequest, thread_id: str | None = None,
                  graph: Rehearsals | None = None) -> str:
    """Open a new thread and run it to the first pause (waiting for the user's opening line)."""
    graph = graph or mock_graph(deps)
    thread_id = thread_id or thread_for(deps.current_user, f"mock-{uuid.uuid4().hex[:12]}")
    if not owns_thread(deps, thread_id):
        raise InputError(f"thread {thread_id} belongs to another user")
    if request.contact_id is not None and deps.mine.get_contact(request.contact_id) is None:
        raise InputError(f"no contact with id {request.contact_id}")
    if graph.get_state(thread_id).values:
        raise InputError(f"thread {thread_id} already exists; resume it instead")
    graph.invoke({"request": request.model_dump()}, thread_id)
    return thread_id


def session_view(deps: Deps, thread_id: str, graph: Rehearsals | None = None) -> SessionView | None:
    graph = graph or mock_graph(deps)
    if not owns_thread(deps, thread_id):
        return None
    snapshot = graph.get_state(thread_id)
    values = snapshot.values or {}
    if not values.get("request"):
        return None
    feedback = Feedback.model_validate(values["feedback"]) if values.get("feedback") else None
    return SessionView(
        thread_id=thread_id, request=values["request"], persona=values.get("persona", {}),
        transcript=list(values.get("transcript", [])),
        elapsed=float(values.get("clock", {}).get("elapsed", 0.0)),
        open=not _ended(snapshot), feedback=feedback,
    )


def _ended(snapshot: Any) -> bool:
    """The call really ended (its feedback was made). A process killed after a step's writes were
    saved but before the next checkpoint leaves a snapshot with nothing `next` that has not ended:
    the user's line was read and not yet answered, and `_settle` carries it on."""
    values = snapshot.values or {}
    return bool(values.get("feedback")) or (not snapshot.next and bool(values.get("ended")))


def _settle(graph: Rehearsals, thread_id: str) -> Iterator[dict[str, Any]]:
    """Finish work a crash interrupted (a turn read but not yet answered) before taking new input."""
    for _ in range(3):
        snapshot = graph.get_state(thread_id)
        if _ended(snapshot) or snapshot.interrupts:
            return
        for mode, payload in graph.stream(None, thread_id):
            if mode == "custom":
                yield payload


def _require_open(graph: Rehearsals, thread_id: str) -> None:
    snapshot = graph.get_state(thread_id)
    if not (snapshot.values or {}).get("request"):
        raise InputError(f"no rehearsal with thread id {thread_id}")
    if _ended(snapshot):
        raise InputError(f"the rehearsal {thread_id} has ended; start a new one")


def send_turn(deps: Deps, thread_id: str, text: str, graph: Rehearsals | None = None,
              speech: dict[str, Any] | None = None, aloud: bool = False) -> Iterator[dict[str, Any]]:
    """Give the contact the user's line; yields {'type': 'delta'|'reply', ...} events. A spoken
    line brings its figures (`agent.voice.speech.TurnSpeech`) for the feedback; `aloud` says the
    reply will be spoken, so an answer opens with an acknowledgement said before the model starts."""
    graph = graph or mock_graph(deps)
    if not owns_thread(deps, thread_id):
        raise InputError(f"no rehearsal with thread id {thread_id}")
    _require_open(graph, thread_id)
    yield from _settle(graph, thread_id)
    value: Any = {"text": text, "speech": speech, "aloud": aloud} if speech or aloud else text
    for mode, payload in graph.stream(Command(resume=value), thread_id):
        if mode == "custom":
            yield payload


def end_session(deps: Deps, thread_id: str, graph: Rehearsals | None = None) -> Feedback:
    """End the call and compute the feedback (or return it again if the session already ended)."""
    graph = graph or mock_graph(deps)
    view = session_view(deps, thread_id, graph)
    if view is None:
        raise InputError(f"no rehearsal with thread id {thread_id}")
    if view.feedback is not None:
        return view.feedback
    for _attempt in range(2):  # a turn cut off mid-run is settled first, then the call ends
        for _ in _settle(graph, thread_id):
            pass
        values = graph.invoke(Command(resume={"end": True}), thread_id)
        if "feedback" in values:
            return Feedback.model_validate(values["feedback"])
    raise InputError(f"the rehearsal {thread_id} could not be ended; start a new one")
