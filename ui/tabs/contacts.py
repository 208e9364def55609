"""Contacts tab: what is due today, every contact with its next follow-up, an add/edit form, and a
contact page with its questions, drafts, interviews, SWOTs and a one-click thank-you draft.

Handlers are plain functions of `deps` and field values, so they are tested without a server. The
contact being edited lives in a per-session `gr.State`; nothing typed into the form is shared
between browser sessions until it is saved.
"""

from __future__ import annotations

import functools
import html
import importlib
from collections.abc import Iterator
from datetime import date
from typing import Any

import gradio as gr
from pydantic import ValidationError

from agent.cli import validation_line
from agent.contacts import service
from agent.contacts.service import MARKER_LABELS, STATUSES, ContactChange, ContactFields, parse_when
from agent.deps import Deps
from agent.errors import CoachError
from agent.text.notes_input import check_notes_text
from agent.thankyou.saving import save_thank_you
from agent.thankyou.state import ThankYouRequest
from ui.render import checks_markdown, error_markdown

MODEL_GROUP = "embedded-model"
TABLE_HEADERS = ["id", "name", "role", "company", "status", "responds as", "next follow-up", "action"]
STATUS_CHOICES = [(service.STATUS_LABELS[s], s) for s in STATUSES]
MARKER_CHOICES = [(label, key) for key, label in MARKER_LABELS.items()]
RESPONSIVENESS_NOTE = {
    "booster": "booster — answers fast and wants to help",
    "obligate": "obligate — helps, after a nudge",
    "curmudgeon": "curmudgeon — no reply after the follow-up; let it go",
}


# The workflow loads LangGraph (~0.7 s), so it is imported on first use rather than at start-up.
workflow = functools.partial(importlib.import_module, "agent.thankyou.graph")


def _today() -> date:
    return service.now_local().date()


def due_markdown(deps: Deps, today: date | None = None) -> str:
    today = today or _today()
    items = service.due_list(deps.mine, today)
    if not items:
        return f"### Due today ({today:%a %d %b})\n\nNothing due. Add contacts or record a request below."
    lines = [f"### Due today ({today:%a %d %b})", ""]
    for i in items:
        late = "**overdue** · " if i["overdue"] else ""
        lines.append(f"- {late}**{html.escape(str(i['name']))}** (#{i['contact_id']}): "
                     f"{html.escape(i['action'])} — _{html.escape(i['reason'])}_")
    return "\n".join(lines)


def table_rows(deps: Deps, today: date | None = None) -> list[list[Any]]:
    rows = []
    for c in service.list_contacts(deps.mine, today or _today()):
        nxt = c.get("next_follow_up") or {}
        rows.append([c["id"], c["name"], c["role"], c["company"], c["status_label"],
                     c.get("responsiveness") or "", nxt.get("date", ""),
                     nxt.get("action", "") or c.get("waiting", "")])
    return rows


def contact_choices(deps: Deps) -> list[tuple[str, int]]:
    return [(f"#{c['id']} {c['name']}" + (f" ({c['company']})" if c["company"] else ""), int(c["id"]))
            for c in deps.mine.list_contacts()]


def page_markdown(deps: Deps, contact_id: int | None, today: date | None = None) -> str:
    """The contact page: status, follow-ups, questions, drafts, interviews and SWOTs."""
    if contact_id is None:
        return "_Pick a contact to see their page._"
    try:
        page = service.contact_page(deps.mine, int(contact_id), today or _today())
    except CoachError as exc:
        return error_markdown(str(exc))
    esc = html.escape
    where = " · ".join(esc(x) for x in (page["role"], page["company"]) if x)
    label = RESPONSIVENESS_NOTE.get(page["responsiveness"] or "", "")
    lines = [f"## {esc(page['name'])}" + (f" — {where}" if where else ""),
             f"**Status:** {esc(page['status_label'])}" + (f" · **{esc(label)}**" if label else "")]
    if page["connection"]:
        lines.append(f"**Connection:** {esc(page['connection'])}")
    if page["notes"]:
        lines.append(f"**Notes:** {esc(page['notes'])}")
    lines.append("\n### Follow-ups")
    lines += [f"- {f['date']}: {esc(f['action'])} — _{esc(f['reason'])}_" for f in page["follow_ups"]] or [
        f"- {esc(page['waiting'])}" if page["waiting"] else "- nothing pending"]
    lines.append("\n### Questions")
    lines += [f"{n}. {esc(str(q.get('text', q)))}" for n, q in enumerate(page["questions"], 1)] or [
        "_No question list yet (Questions tab)._"]
    lines.append("\n### Drafts")
    lines += [f"- **{esc(d['kind'])}** {esc(d['created_at'][:10])}: {esc(d['subject'] or d['body'][:60])}"
              for d in page["drafts"]] or ["_No drafts yet._"]
    lines.append("\n### Interviews")
    lines += [f"- {esc(i['held_at'][:16])}: {esc(i['notes'][:160])}…" for i in page["interviews"]] or [
        "_No interview notes saved._"]
    lines.append("\n### SWOTs")
    for s in page["swots"]:
        payload = s["payload"]
        counts = ", ".join(f"{k} {len(payload.get(k, []))}" for k in
                           ("strengths", "weaknesses", "opportunities", "threats", "next_steps"))
        lines.append(f"- {esc(s['created_at'][:10])}: {esc(counts)}")
    if not page["swots"]:
        lines.append("_No SWOT yet (SWOT tab)._")
    lines.append("\n### History")
    lines.append(", ".join(f"{esc(h['event'])} {esc(h['at'][:16])}" for h in page["history"]) or "—")
    return "\n".join(lines)


def save_contact(
    deps: Deps, contact_id: int | None, name: str, role: str, company: str, connection: str,
    status: str, notes: str, interview_time: str, intro_to: str,
) -> tuple[str, int | None]:
    """Add (no contact selected) or update; returns (status line, the contact's id)."""
    try:
        fields = ContactFields(name=name, role=role, company=company, connection=connection,
                               notes=notes, intro_to=intro_to or None)
        change = ContactChange(fields=fields, status=status or None,
                               interview_at=parse_when(interview_time, "Interview time"))
        if contact_id is None:
            new_id = service.add_contact(deps.mine, change)
            return f"Added {html.escape(fields.name or '')} (#{new_id}).", new_id
        service.update_contact(deps.mine, int(contact_id), change)
        return f"Saved #{contact_id}.", int(contact_id)
    except ValidationError as exc:
        return error_markdown(validation_line(exc)), contact_id
    except CoachError as exc:
        return error_markdown(str(exc)), contact_id


def record_marker(deps: Deps, contact_id: int | None, marker: str | None) -> str:
    if contact_id is None or not marker:
        return error_markdown("Pick a contact and what happened first.")
    try:
        service.update_contact(deps.mine, int(contact_id), ContactChange(markers=[marker]))
    except CoachError as exc:
        return error_markdown(str(exc))
    return f"Recorded: {html.escape(MARKER_LABELS[marker])}."


def form_values(deps: Deps, contact_id: int | None) -> list[Any]:
    """Field values for the edit form (empty for a new contact)."""
    contact = deps.mine.get_contact(int(contact_id)) if contact_id is not None else None
    if contact is None:
        return ["", "", "", "", "to_contact", "", "", ""]
    return [contact["name"], contact["role"], contact["company"], contact["connection"],
            contact["status"], contact["notes"], contact.get("interview_at") or "",
            contact.get("intro_to") or ""]


def latest_notes(deps: Deps, contact_id: int | None) -> str:
    if contact_id is None:
        return ""
    interviews = deps.mine.interviews(int(contact_id))
    return str(interviews[-1]["notes"]) if interviews else ""


def draft_thank_you(deps: Deps, contact_id: int | None, notes: str) -> Iterator[tuple[str, str, str]]:
    """Yield (draft, checks, status): the note for the selected contact from the notes box."""
    if contact_id is None:
        yield "", "", error_markdown("Pick a contact first.")
        return
    contact = deps.mine.get_contact(int(contact_id))
    if contact is None:
        yield "", "", error_markdown(f"no contact with id {contact_id}")
        return
    try:
        text = check_notes_text(notes, "the interview notes")
        held = parse_when(contact.get("interview_at") or contact.get("done_at"), "interview time")
        request = ThankYouRequest(notes=text, contact_name=contact["name"],
                                  contact_role=contact["role"] or None,
                                  my_name=deps.mine.get_profile()["name"] or None,
                                  **({"interview_time": held} if held else {}))
    except ValidationError as exc:
        yield "", "", error_markdown(validation_line(exc))
        return
    except CoachError as exc:
        yield "", "", error_markdown(str(exc))
        return
    yield "", "_Checking…_", "Drafting…"
    try:
        for event in workflow().stream_thank_you(deps, request):
            if "draft" in event:
                draft = event["draft"]
                save_thank_you(deps.mine, request, draft, int(contact_id))
                passed = sum(c.passed for c in draft.checks)
                status = (f"Draft ready: {passed}/{len(draft.checks)} checks pass. "
                          f"Send by {draft.due[:16].replace('T', ' ')}.")
                if draft.notice:
                    status += " " + error_markdown(draft.notice)
                yield f"Subject: {draft.subject}\n\n{draft.body}", checks_markdown(draft.checks), status
            elif event.get("slot") == "point":
                yield event["text"], "_Checking…_", "Writing…"
            elif event.get("slot") == "body":
                yield event["text"], "_Checking…_", "Writing…"
    except CoachError as exc:
        yield "", "", error_markdown(str(exc))


def build_contacts_tab(deps: Deps) -> dict[str, Any]:
    with gr.Tab("Contacts", id="contacts") as tab:
        gr.Markdown("Track who you talk to. Follow-ups follow the 3B7 rule (a second person at the "
                    "same employer after 3 business days without a reply, one follow-up after 7), a "
                    "thank-you within 24 hours, and a check-in 7–10 days after an offered introduction.")
        due = gr.Markdown(value=lambda: due_markdown(deps), elem_id="contacts-due")
        table = gr.Dataframe(value=lambda: table_rows(deps), headers=TABLE_HEADERS, interactive=False,
                             wrap=True, elem_id="contacts-table", label="Contacts")
        selected = gr.State(None)
        with gr.Row():
            picker = gr.Dropdown(choices=contact_choices(deps), value=None, label="Open a contact",
                                 elem_id="contact-picker", scale=3)
            new_btn = gr.Button("New contact", size="sm", scale=1, elem_id="contact-new")
        with gr.Accordion("Add or edit a contact", open=True):
            with gr.Row():
                name = gr.Textbox(label="Name", max_length=100, elem_id="contact-form-name")
                role = gr.Textbox(label="Role", max_length=120, elem_id="contact-form-role")
                company = gr.Textbox(label="Company", max_length=120, elem_id="contact-form-company")
            with gr.Row():
                connection = gr.Textbox(label="How you are connected", max_length=240,
                                        elem_id="contact-form-connection")
                status = gr.Dropdown(choices=STATUS_CHOICES, value="to_contact", label="Status",
                                     elem_id="contact-form-status-choice")
            with gr.Row():
                interview_time = gr.Textbox(label="Interview time (e.g. 2025-05-12T15:00)",
                                            max_length=40, elem_id="contact-form-interview")
                intro_to = gr.Textbox(label="They offered to introduce you to", max_length=100,
                                      elem_id="contact-form-intro")
            notes = gr.Textbox(label="Notes", lines=2, max_length=4000, elem_id="contact-form-notes")
            save_btn = gr.Button("Save contact", variant="primary", elem_id="contact-save")
            form_status = gr.Markdown(elem_id="contact-form-status")
        with gr.Row():
            marker = gr.Dropdown(choices=MARKER_CHOICES, value=None, label="Record what happened",
                                 elem_id="contact-marker", scale=3)
            mark_btn = gr.Button("Record", size="sm", scale=1, elem_id="contact-mark")
        page = gr.Markdown("_Pick a contact to see their page._", elem_id="contact-page")
        gr.Markdown("### Thank-you note")
        ty_notes = gr.Textbox(label="Interview notes (saved with the contact when you draft)", lines=8,
                              max_length=200_000, elem_id="thankyou-notes")
        ty_btn = gr.Button("Draft thank-you", variant="primary", elem_id="thankyou-button")
        ty_status = gr.Markdown(elem_id="thankyou-status")
        ty_draft = gr.Textbox(label="Thank-you note (edit freely, then copy)", lines=12, interactive=True,
                              buttons=["copy"], elem_id="thankyou-draft")
        ty_checks = gr.Markdown(elem_id="thankyou-checks")

    form = [name, role, company, connection, status, notes, interview_time, intro_to]

    def refresh(contact_id: int | None) -> tuple[Any, ...]:
        return (due_markdown(deps), table_rows(deps), page_markdown(deps, contact_id),
                gr.update(choices=contact_choices(deps), value=contact_id))

    def on_pick(contact_id: int | None) -> tuple[Any, ...]:
        return (contact_id, *form_values(deps, contact_id), page_markdown(deps, contact_id),
                latest_notes(deps, contact_id))

    def on_save(contact_id: int | None, *values: str) -> tuple[Any, ...]:
        message, new_id = save_contact(deps, contact_id, *values)
        return (message, new_id, *refresh(new_id))

    def on_mark(contact_id: int | None, what: str | None) -> tuple[Any, ...]:
        return (record_marker(deps, contact_id, what), *refresh(contact_id))

    picker.input(on_pick, [picker], [selected, *form, page, ty_notes])
    new_btn.click(lambda: (None, *form_values(deps, None), page_markdown(deps, None), "", None),
                  None, [selected, *form, page, ty_notes, picker])
    save_btn.click(on_save, [selected, *form], [form_status, selected, due, table, page, picker],
                   api_name="save_contact")
    mark_btn.click(on_mark, [selected, marker], [form_status, due, table, page, picker])
    tab.select(refresh, [selected], [due, table, page, picker])
    ty_btn.click(
        lambda cid, text: (yield from draft_thank_you(deps, cid, text)),
        [selected, ty_notes], [ty_draft, ty_checks, ty_status],
        concurrency_id=MODEL_GROUP, concurrency_limit=1, api_name="draft_thank_you",
    ).then(lambda cid: page_markdown(deps, cid), [selected], [page])
    return {"due": due, "table": table, "draft": ty_draft}
