"""Mock interview tab: you lead the conversation, the AI answers as your contact; then feedback.

The chat streams the contact's replies; the clock shows the rehearsal minutes against the agreed
time; the contact's saved question list sits beside the chat. The session's thread id is kept in
`gr.State` for this page and in the browser's local storage (`gr.BrowserState`, whose value arrives
as a change event once the tab is shown), so reloading the page or restarting the app picks the same
rehearsal up from the checkpointer. Handlers are plain functions.
"""

from __future__ import annotations

import functools
import html
import importlib
import math
import os
import secrets
from collections.abc import Iterator
from typing import Any

import gradio as gr
from pydantic import ValidationError

from agent.cli import validation_line
from agent.contacts import service as contacts
from agent.deps import Deps
from agent.errors import CoachError
from agent.mock.clock import ClockReading
from agent.mock.state import BIO_MAX_BYTES, MAX_TURN_CHARS, Feedback, MockRequest
from ui.render import error_markdown
from ui.tabs import mock_voice

MODEL_GROUP = "embedded-model"
NO_CONTACT = "(no saved contact)"
STORAGE_KEY = "coach-mock-thread"
Chat = list[dict[str, str]]


# The workflow loads LangGraph (~0.7 s), so it is imported on first use rather than at start-up.
workflow = functools.partial(importlib.import_module, "agent.mock.graph")


def contact_choices(deps: Deps) -> list[tuple[str, str]]:
    choices = [(NO_CONTACT, "")]
    for c in deps.mine.list_contacts():
        label = c["name"] + (f" — {c['role']}" if c.get("role") else "")
        choices.append((label, str(c["id"])))
    return choices


def questions_markdown(questions: list[dict[str, Any]]) -> str:
    if not questions:
        return "_No saved question list for this contact. Build one in the Questions tab._"
    ordered = sorted(questions, key=lambda q: int(q.get("priority") or 99))
    lines = ["**Your questions (ask the first ones first)**", ""]
    lines += [f"{i}. {html.escape(str(q.get('text', '')))}" for i, q in enumerate(ordered, 1)]
    return "\n".join(lines)


def prefill(deps: Deps, contact_id: str) -> tuple[str, str, str, str, str]:
    """(name, role, company, question list, what you know about them) for the chosen contact."""
    if not contact_id:
        return "", "", "", questions_markdown([]), ""
    contact = deps.mine.get_contact(int(contact_id)) or {}
    questions = deps.mine.get_question_list(int(contact_id))
    return (contact.get("name", ""), contact.get("role", ""), contact.get("company", ""),
            questions_markdown(questions), contact.get("bio", "") or "")


def clock_markdown(elapsed: float, limit: int) -> str:
    reading = ClockReading(elapsed, limit)
    icon = "⏰" if reading.over else "🕒"
    return f"{icon} **{reading.label()}** by the rehearsal clock"


def to_chat(transcript: list[dict[str, str]]) -> Chat:
    return [{"role": "user" if m["role"] == "user" else "assistant", "content": m["text"] or "…"}
            for m in transcript]


def feedback_markdown(feedback: Feedback) -> str:
    def cite(turns: list[int]) -> str:
        return f" _(turn {', '.join(map(str, turns))})_" if turns else ""

    lines = ["### Feedback", "", html.escape(feedback.summary), ""]
    share = f"**Your share of the talking:** {feedback.talk_share:.0%}"
    lines += [share + (" (aim for under 40%)" if feedback.talk_share > 0.4 else ""), ""]
    if feedback.objective is not None:
        mark = {"yes": "✅", "partly": "🟡", "no": "❌"}[feedback.objective.met]
        lines += [f"**Your objective:** {mark} {feedback.objective.met} — "
                  f"{html.escape(feedback.objective.reason)}", ""]
    if feedback.strengths:
        lines += ["**What went well**", ""]
        lines += [f"- ✅ {html.escape(p.text)}{cite(p.turns)}" for p in feedback.strengths]
        lines.append("")
    if feedback.improvements:
        lines += ["**To work on**", ""]
        lines += [f"- 🔧 {html.escape(p.text)}" for p in feedback.improvements]
        lines.append("")
    if feedback.flagged:
        lines += ["**Flagged turns**", ""]
        for f in feedback.flagged:
            said = html.escape(f.text) if f.text else "(nothing said)"
            lines.append(f"- ⚠️ turn {f.turn} · `{f.kind}` — “{said}”: {html.escape(f.detail)}")
    lines.append(mock_voice.speech_markdown(feedback.speech))
    return "\n".join(lines)


def start_handler(deps: Deps, contact_id: str, name: str, role: str, company: str,
                  minutes: float, bio: str = "", objective: str = "", style: str = "warm",
                  ) -> tuple[str, Chat, str, str, str]:
    """(thread id, chat, clock, status, feedback) for a new rehearsal. What the user knows about a
    saved contact is kept on the contact, so the Questions and Outreach tabs can use it too."""
    # Only a script sends other types; the page's boxes always send text.
    contact_id, name, role, company, bio, objective, style = (
        v if isinstance(v, str) else "" for v in (contact_id, name, role, company, bio, objective, style))
    if not isinstance(minutes, int | float) or not math.isfinite(minutes) or (
            contact_id and not contact_id.isdigit()):
        return "", [], "", error_markdown("Pick a saved contact and a call length from the page."), ""
    if len(bio.encode("utf-8")) > BIO_MAX_BYTES:
        too_long = f"Keep “what you know about them” under {BIO_MAX_BYTES // 1000} KB."
        return "", [], "", error_markdown(too_long), ""
    try:
        request = MockRequest(contact_role=role, contact_name=name or None, company=company or None,
                              contact_id=int(contact_id) if contact_id else None,
                              minutes=int(minutes), bio=bio or None, objective=objective or None,
                              style=style or "warm")  # type: ignore[arg-type]
    except ValidationError as exc:
        return "", [], "", error_markdown(validation_line(exc)), ""
    try:
        if request.contact_id is not None and request.bio:
            contacts.update_contact(deps.mine, request.contact_id, contacts.ContactChange(
                fields=contacts.ContactFields(bio=request.bio)))
        thread_id = workflow().start_session(deps, request)
    except CoachError as exc:
        return "", [], "", error_markdown(str(exc)), ""
    view = workflow().session_view(deps, thread_id)
    persona = view.persona if view else {}
    who = persona.get("name", "your contact")
    status = (f"The call with **{html.escape(who)}** has started. You lead: greet them, say who you "
              "are and what you are exploring, then ask your questions.")
    if persona.get("working_sections"):
        status += (f" _There is no brief for “{html.escape(persona.get('role', ''))}”: {html.escape(who)} "
                   "is working from general knowledge of the field, not from specifics._")
    return thread_id, [], clock_markdown(0.0, request.minutes), status, ""


def send_handler(deps: Deps, thread_id: str, text: str, chat: Chat | None,
                 speech: dict[str, Any] | None = None, aloud: bool = False
                 ) -> Iterator[tuple[Chat, str, str, str]]:
    """Yield (chat, clock, status, textbox) while the contact's reply streams in; a spoken line
    brings the figures of how it was said, and `aloud` says the reply will be spoken."""
    chat = list(chat or [])
    if not thread_id:
        yield chat, gr.skip(), error_markdown("Start a rehearsal first."), text
        return
    if len(text) > MAX_TURN_CHARS:
        yield chat, gr.skip(), error_markdown(f"Keep a turn under {MAX_TURN_CHARS} characters."), text
        return
    chat = [*chat, {"role": "user", "content": text.strip() or "…"},
            {"role": "assistant", "content": "…"}]
    yield list(chat), gr.skip(), "", ""
    # The box was emptied above; from here on it is left alone, so a next line typed while this
    # reply streams (or is spoken) is not wiped, and is sent when this turn is done.
    notice = ""
    try:
        for event in workflow().send_turn(deps, thread_id, text, speech=speech, aloud=aloud):
            if event.get("type") == "delta" and event.get("text"):
                chat[-1] = {"role": "assistant", "content": event["text"]}
                yield list(chat), gr.skip(), notice, gr.skip()
            elif event.get("type") == "notice":
                notice = error_markdown(model_notice(event.get("text", "")))
            elif event.get("type") == "reply":
                chat[-1] = {"role": "assistant", "content": event["text"]}
                yield list(chat), clock_markdown(event["elapsed"], event["limit"]), notice, gr.skip()
    except CoachError as exc:
        chat = chat[:-2]
        yield chat, gr.skip(), error_markdown(str(exc)), text


def model_notice(error: str) -> str:
    """The status line when the model failed during a turn: the reply is the extractive fallback,
    the contact's own facts (what you know about them, the role brief) said as they are written."""
    return (f"The model did not answer ({error.rstrip('.')}), so this reply repeats the contact's "
            "facts (what you know about them and the role brief) as written. Carry on: your next "
            "line tries the model again.")


def end_handler(deps: Deps, thread_id: str) -> tuple[str, str]:
    """(feedback, status) when the user ends the call."""
    if not thread_id:
        return "", error_markdown("Start a rehearsal first.")
    try:
        feedback = workflow().end_session(deps, thread_id)
    except CoachError as exc:
        return "", error_markdown(str(exc))
    return feedback_markdown(feedback), "The call has ended. Start a new rehearsal to try again."


def restore_handler(deps: Deps, saved: str | None, current: str = "") -> tuple[Any, ...]:
    """When the browser's stored thread id arrives (page load): bring that rehearsal back, unless
    this page is already showing it."""
    if saved and saved == current:
        return (gr.skip(),) * 5
    if not isinstance(saved, str) or len(saved) > 100:  # the browser's value: any JSON may arrive
        saved = None
    view = workflow().session_view(deps, saved) if saved else None
    if view is None:
        return "", [], "", "", ""
    clock = clock_markdown(view.elapsed, int(view.request.get("minutes", 20)))
    if view.feedback is not None:
        return (view.thread_id, to_chat(view.transcript), clock, "Your last rehearsal has ended.",
                feedback_markdown(view.feedback))
    who = html.escape(str(view.persona.get("name", "your contact")))
    return (view.thread_id, to_chat(view.transcript), clock,
            f"Resumed your rehearsal with **{who}**. Carry on where you left off.", "")


def browser_secret(deps: Deps) -> str:
    """A per-install key for the browser-stored thread id, so it survives app restarts."""
    path = deps.settings.data_dir / "ui-browser-secret"
    if path.is_file():
        return path.read_text(encoding="utf-8").strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    value = secrets.token_hex(16)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(value)
    return value


def build_mock_tab(deps: Deps) -> dict[str, Any]:
    with gr.Tab("Mock interview", id="mock") as tab:
        gr.Markdown("Rehearse the conversation: **you** lead it, and the coach answers as the person "
                    "you will meet. When you are done, end the call to get feedback on each turn.")
        thread = gr.State("")
        saved = gr.BrowserState("", storage_key=STORAGE_KEY, secret=browser_secret(deps))
        with gr.Row():
            contact = gr.Dropdown(contact_choices(deps), value="", label="Saved contact",
                                  elem_id="mock-contact", interactive=True)
            name = gr.Textbox(label="Their name (optional)", max_length=100, elem_id="mock-name")
            role = gr.Textbox(label="Their role", max_length=120, elem_id="mock-role")
            company = gr.Textbox(label="Company (optional)", max_length=120, elem_id="mock-company")
            minutes = gr.Slider(10, 60, value=20, step=5, label="Agreed minutes")
        with gr.Row():
            bio = gr.Textbox(label="What you know about them (optional)", lines=3, max_lines=8,
                             max_length=BIO_MAX_BYTES, elem_id="mock-bio",
                             placeholder="Their path, their work, their employer: from their profile "
                                         "or a talk. They answer from this and never invent more.")
            with gr.Column():
                objective = gr.Textbox(label="The one thing you most want to learn (optional)",
                                       max_length=300, elem_id="mock-objective")
                style = gr.Dropdown([("Warm: answers fully", "warm"),
                                     ("Busy: short answers, short on time", "busy"),
                                     ("Guarded: opens up to good questions", "guarded")],
                                    value="warm", label="How they talk", elem_id="mock-style")
        start_btn = gr.Button("Start rehearsal", variant="primary", elem_id="mock-start")
        status = gr.Markdown(elem_id="mock-status")
        with gr.Row():
            with gr.Column(scale=3):
                clock = gr.Markdown(elem_id="mock-clock")
                chat = gr.Chatbot(label="Call", height=420, elem_id="mock-chat", buttons=["copy_all"],
                                  feedback_options=None)
                with gr.Row(equal_height=True):
                    line = gr.Textbox(label="You say", placeholder="Type your line and press Enter",
                                      max_length=MAX_TURN_CHARS, elem_id="mock-line", scale=3)
                    voice = mock_voice.build_microphone()
                with gr.Row():
                    send_btn = gr.Button("Send", elem_id="mock-send")
                    end_btn = gr.Button("End and get feedback", variant="stop", elem_id="mock-end")
                mock_voice.build_options(voice)
            with gr.Column(scale=2):
                questions = gr.Markdown(questions_markdown([]), elem_id="mock-questions")
        feedback = gr.Markdown(elem_id="mock-feedback")

    tab.select(lambda: gr.update(choices=contact_choices(deps)), None, [contact])
    contact.change(lambda cid: prefill(deps, cid), [contact], [name, role, company, questions, bio])
    start_btn.click(
        lambda *a: start_handler(deps, *a),
        [contact, name, role, company, minutes, bio, objective, style],
        [thread, chat, clock, status, feedback], api_name="mock_start",
    ).then(lambda t: t, [thread], [saved])
    mock_voice.wire(deps, voice, send_handler, thread=thread, line=line, chat=chat, clock=clock,
                    status=status, send_btn=send_btn)
    end_btn.click(lambda t: end_handler(deps, t), [thread], [feedback, status],
                  concurrency_id=MODEL_GROUP, concurrency_limit=1, api_name="mock_end")
    saved.change(lambda s, t: restore_handler(deps, s, t), [saved, thread],
                 [thread, chat, clock, status, feedback])
    return {"chat": chat, "feedback": feedback, "thread": thread}
