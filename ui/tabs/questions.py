"""Questions tab: prepare a ranked list for a contact, edit it, and keep every edit screened.

The list lives in a per-session `gr.State` (a list of row dicts). Rows are a fixed pool of
components shown or hidden as the list grows, so typing in one row never re-renders the others.
Every edit is screened at once: a flagged row turns red with the reason and an "Accept rewrite"
button; a row the screen cannot decide is marked "needs review", never passed silently. Handlers
are plain functions of `deps` and values, tested without a server.
"""

from __future__ import annotations

import functools
import html
import importlib
from collections.abc import Iterator
from typing import Any

import gradio as gr
from pydantic import ValidationError

from agent.classify.screen import MAX_QUESTION_CHARS
from agent.cli import validation_line
from agent.contacts import service as contacts
from agent.deps import Deps
from agent.errors import CoachError
from agent.questions.state import QuestionsRequest
from agent.screening import screen_questions
from agent.text.person import BIO_MAX_BYTES
from ui.render import error_markdown

MODEL_GROUP = "embedded-model"
MAX_ROWS = 30
OWN = "your own"
STYLE = """<style>
.q-flag textarea, .q-flag input { background: #fde8e8 !important; border-color: #c81e1e !important; }
.q-review textarea, .q-review input { background: #fff6e0 !important; border-color: #b7791f !important; }
.q-box { border-radius: 6px; padding: 6px 10px; margin: 0 0 4px 0; font-size: 0.92em; }
.q-box.flag { background: #fde8e8; color: #7f1d1d; border-left: 4px solid #c81e1e; }
.q-box.review { background: #fff6e0; color: #744210; border-left: 4px solid #b7791f; }
.q-box.ok { color: #4b5563; }
</style>"""

Row = dict[str, Any]


# The workflow loads LangGraph (~0.7 s), so it is imported on first use rather than at start-up.
workflow = functools.partial(importlib.import_module, "agent.questions.graph")


def new_row(text: str = "", category: str = OWN, rationale: str = "") -> Row:
    return {"text": text, "category": category, "rationale": rationale, "verdict": "empty",
            "flag": None, "reason": "", "rewrite": None}


def renumber(rows: list[Row]) -> list[Row]:
    """Priority follows the order on screen: 1 = ask first."""
    return [{**r, "priority": i + 1} for i, r in enumerate(rows)]


def screen_rows(deps: Deps, rows: list[Row], role: str | None) -> list[Row]:
    """Screen every non-empty row in one batch (used after preparing or loading a list)."""
    texts = [r["text"] for r in rows if r["text"].strip()]
    results = iter(screen_questions(deps, texts, role=role or None) if texts else [])
    out = []
    for r in rows:
        out.append(_apply(r, next(results)) if r["text"].strip() else {**r, "verdict": "empty"})
    return out


def _apply(row: Row, result: Any) -> Row:
    return {**row, "text": result.question, "verdict": result.verdict, "flag": result.category,
            "reason": result.reason, "rewrite": result.rewrite}


def edit_row(deps: Deps, rows: list[Row], index: int, text: str, role: str | None) -> list[Row]:
    """The user typed in row `index`: store the text and screen it again."""
    if index >= len(rows):
        return rows
    rows = [dict(r) for r in rows]
    text = text[:MAX_QUESTION_CHARS]
    if not text.strip():
        rows[index] = {**rows[index], "text": text, "verdict": "empty", "flag": None, "reason": "",
                       "rewrite": None}
        return rows
    result = screen_questions(deps, [text], role=role or None)[0]
    rows[index] = _apply({**rows[index], "text": text}, result)
    return rows


def reconcile(deps: Deps, rows: list[Row], texts: list[str], role: str | None) -> list[Row]:
    """Make the rows match the text boxes as the browser shows them now.

    Screening runs on every keystroke and "Accept rewrite" is a separate event, so a screen of
    an older text can finish last and leave the state describing words no longer on screen.
    Whatever runs after such an event (and saving) passes the boxes' current values here; only
    rows whose text differs are screened again."""
    for index, text in enumerate(texts[:len(rows)]):
        if (text or "")[:MAX_QUESTION_CHARS] != rows[index]["text"]:
            rows = edit_row(deps, rows, index, text or "", role)
    return rows


def accept_rewrite(deps: Deps, rows: list[Row], index: int, role: str | None) -> list[Row]:
    if index >= len(rows) or not rows[index].get("rewrite"):
        return rows
    return edit_row(deps, rows, index, rows[index]["rewrite"], role)


def move(rows: list[Row], index: int, step: int) -> list[Row]:
    target = index + step
    if not (0 <= index < len(rows) and 0 <= target < len(rows)):
        return rows
    rows = list(rows)
    rows[index], rows[target] = rows[target], rows[index]
    return renumber(rows)


def delete(rows: list[Row], index: int) -> list[Row]:
    return renumber([r for i, r in enumerate(rows) if i != index])


def add(rows: list[Row]) -> tuple[list[Row], str]:
    if len(rows) >= MAX_ROWS:
        return rows, error_markdown(f"The list holds at most {MAX_ROWS} questions.")
    return renumber([*rows, new_row()]), ""


def prepare(
    deps: Deps, role: str, company: str, industry: str, goal: str, minutes: float, rephrase: bool,
    bio: str = "",
) -> Iterator[tuple[list[Row] | None, str]]:
    """Yield (rows or None while working, status line)."""
    if not isinstance(bio, str) or len(bio.encode("utf-8")) > BIO_MAX_BYTES:
        yield None, error_markdown(f"What you know about them is over {BIO_MAX_BYTES // 1000} KB.")
        return
    try:
        request = QuestionsRequest(contact_role=role, company=company or None,
                                   industry=industry or None, goal=goal or None,
                                   minutes=int(minutes), rephrase=rephrase, contact_name=None,
                                   bio=bio or None)
    except ValidationError as exc:
        yield None, error_markdown(validation_line(exc))
        return
    yield None, "Preparing questions…"
    try:
        for event in workflow().stream_questions(deps, request):
            if "plan" in event:
                plan = event["plan"]
                rows = [new_row(q.text, q.category, q.rationale) for q in plan.questions][:MAX_ROWS]
                rows = renumber(screen_rows(deps, rows, request.contact_role))
                line = (f"{len(rows)} questions for {plan.minutes} minutes "
                        f"({plan.minutes_per_question:g} min each incl. the answer). "
                        "Edit, reorder or add your own; every edit is screened.")
                yield rows, line + (" " + error_markdown(plan.notice) if plan.notice else "")
            elif event.get("stage") == "phrased":
                yield None, "Adapting the wording to the role…"
    except CoachError as exc:
        yield None, error_markdown(str(exc))


def saved_bio(deps: Deps, contact_id: Any) -> str:
    """What the user saved about this contact, for the bio box ('' when none or not a contact)."""
    if not isinstance(contact_id, int) or isinstance(contact_id, bool):
        return ""
    found = deps.mine.get_contact(contact_id)
    return str(found.get("bio") or "") if found else ""


def contact_choices(deps: Deps) -> list[tuple[str, int]]:
    return [(f"#{c['id']} {c['name']}" + (f" ({c['role']})" if c["role"] else ""), int(c["id"]))
            for c in deps.mine.list_contacts()]


def save(
    deps: Deps, rows: list[Row], contact_id: int | None, new_name: str, role: str, company: str,
    bio: str = "",
) -> tuple[str, int | None]:
    """Save the non-empty rows to a contact (created by name if needed), and what the user knows
    about them when given; returns (status, id)."""
    kept = [r for r in renumber([r for r in rows if r["text"].strip()])]
    if not kept:
        return error_markdown("There are no questions to save."), contact_id
    name = " ".join(new_name.split())
    if len(name) > 100:
        return error_markdown("The contact name is longer than 100 characters."), contact_id
    if name:
        contact_id = contacts.add_contact(deps.mine, contacts.ContactChange(fields=contacts.ContactFields(
            name=name, role=" ".join(role.split())[:120], company=" ".join(company.split())[:120])))
    if contact_id is None:
        return error_markdown("Pick a contact or type a new contact's name."), None
    if deps.mine.get_contact(int(contact_id)) is None:
        return error_markdown(f"No contact #{contact_id}."), None
    if isinstance(bio, str) and bio.strip() and len(bio.encode("utf-8")) <= BIO_MAX_BYTES:
        contacts.update_contact(deps.mine, int(contact_id), contacts.ContactChange(
            fields=contacts.ContactFields(bio=bio)))
    deps.mine.save_question_list(int(contact_id), [
        {"text": r["text"].strip(), "priority": r["priority"], "category": r["category"],
         "rationale": r["rationale"], "screen": r["verdict"], "flag": r["flag"]} for r in kept
    ])
    open_flags = sum(r["verdict"] in ("flag", "review") for r in kept)
    note = f" {open_flags} still flagged or needing review." if open_flags else ""
    return f"Saved {len(kept)} questions to contact #{contact_id}.{note}", int(contact_id)


def load(deps: Deps, contact_id: int | None, role: str) -> tuple[list[Row], str]:
    if contact_id is None:
        return [], error_markdown("Pick a contact to load its questions.")
    saved = deps.mine.get_question_list(int(contact_id))
    if not saved:
        return [], f"Contact #{contact_id} has no saved questions yet."
    rows = [new_row(str(q.get("text", "")), str(q.get("category", OWN)), str(q.get("rationale", "")))
            for q in saved][:MAX_ROWS]
    return renumber(screen_rows(deps, rows, role)), f"Loaded {len(rows)} questions."


def status_html(row: Row) -> str:
    """The line under a question: red with the rewrite when flagged, amber when undecided.

    `data-screened` carries the text the verdict belongs to, so a browser (or a test) can tell a
    verdict for the current words from one for words still being typed."""
    esc = html.escape
    screened = esc(str(row.get("text", "")), quote=True)
    if row["verdict"] == "flag":
        body = f"⛔ <b>{esc(str(row['flag']))}</b>: {esc(row['reason'])}"
    elif row["verdict"] == "review":
        body = f"⚠️ <b>needs review</b>: {esc(row['reason'])}"
    elif row["verdict"] == "ok":
        extra = f" · {esc(row['rationale'])}" if row.get("rationale") else ""
        return (f"<div class='q-box ok' data-screened=\"{screened}\">"
                f"✓ {esc(row['category'].replace('_', ' '))}{extra}</div>")
    else:
        return f"<div class='q-box ok' data-screened=\"{screened}\">Type a question.</div>"
    if row.get("rewrite"):
        body += f"<br>Try instead: <i class='q-rewrite'>{esc(row['rewrite'])}</i>"
    return f"<div class='q-box {row['verdict']}' data-screened=\"{screened}\">{body}</div>"


def row_classes(row: Row) -> list[str]:
    return {"flag": ["q-flag"], "review": ["q-review"]}.get(row["verdict"], [])


def build_questions_tab(deps: Deps) -> dict[str, Any]:
    with gr.Tab("Questions", id="questions") as tab:
        gr.HTML(STYLE, padding=False)
        gr.Markdown("Prepare questions for an informational interview: the most valuable first, "
                    "spread across topics, ending with a request for other people to talk to. "
                    "Nothing a web search answers, nothing that must not be asked.")
        rows_state = gr.State([])
        with gr.Row():
            role = gr.Textbox(label="Contact role", elem_id="q-role", max_length=120)
            company = gr.Textbox(label="Company (optional)", max_length=120)
            industry = gr.Textbox(label="Industry (optional)", max_length=120)
        goal = gr.Textbox(label="What you most want to learn (optional)", max_length=300,
                          value=lambda: deps.mine.get_profile()["goal"])
        bio = gr.Textbox(label="What you know about them (optional: up to two questions about "
                         "their own path come from it)", lines=2, max_lines=8,
                         max_length=BIO_MAX_BYTES, elem_id="q-bio")
        with gr.Row():
            minutes = gr.Slider(5, 60, value=20, step=5, label="Minutes of the conversation")
            rephrase = gr.Checkbox(value=True, label="Let the model adapt the wording (slower)",
                                   elem_id="q-rephrase")
        prepare_btn = gr.Button("Prepare questions", variant="primary", elem_id="q-prepare")
        status = gr.Markdown(elem_id="q-status")
        groups, texts, boxes, accepts, ups, downs, drops = [], [], [], [], [], [], []
        for i in range(MAX_ROWS):
            with gr.Group(visible=False) as group:
                with gr.Row(equal_height=True):
                    texts.append(gr.Textbox(label=f"{i + 1}", show_label=True, lines=1, scale=8,
                                            max_length=MAX_QUESTION_CHARS, elem_id=f"q-text-{i}"))
                    ups.append(gr.Button("↑", size="sm", scale=0, min_width=40, elem_id=f"q-up-{i}"))
                    downs.append(gr.Button("↓", size="sm", scale=0, min_width=40,
                                           elem_id=f"q-down-{i}"))
                    drops.append(gr.Button("✕", size="sm", scale=0, min_width=40,
                                           elem_id=f"q-del-{i}"))
                with gr.Row(equal_height=True):
                    boxes.append(gr.HTML(elem_id=f"q-box-{i}", padding=False))
                    accepts.append(gr.Button("Accept rewrite", size="sm", scale=0, visible=False,
                                             elem_id=f"q-accept-{i}"))
            groups.append(group)
        add_btn = gr.Button("Add a question", size="sm", elem_id="q-add")
        with gr.Row():
            contact = gr.Dropdown(choices=contact_choices(deps), value=None, label="Contact",
                                  elem_id="q-contact", scale=3)
            new_name = gr.Textbox(label="…or a new contact's name", max_length=100, scale=3,
                                  elem_id="q-new-contact")
            refresh_btn = gr.Button("↻", size="sm", scale=0, min_width=40)
        with gr.Row():
            save_btn = gr.Button("Save to contact", variant="primary", elem_id="q-save")
            load_btn = gr.Button("Load saved list", elem_id="q-load")
        save_status = gr.Markdown(elem_id="q-save-status")

    row_outputs: list[Any] = [*groups, *texts, *boxes, *accepts]

    def render(rows: list[Row], values: bool = True) -> list[Any]:
        """Updates for every row; `values=False` leaves the boxes' words alone (the user may be
        typing in one of them)."""
        out: list[Any] = []
        out += [gr.update(visible=i < len(rows)) for i in range(MAX_ROWS)]
        out += [(gr.update(value=rows[i]["text"], label=f"{i + 1}", elem_classes=row_classes(rows[i]))
                 if values else gr.update(elem_classes=row_classes(rows[i])))
                if i < len(rows) else gr.update(value="", elem_classes=[]) for i in range(MAX_ROWS)]
        out += [status_html(rows[i]) if i < len(rows) else "" for i in range(MAX_ROWS)]
        out += [gr.update(visible=i < len(rows) and bool(rows[i].get("rewrite"))
                          and rows[i]["verdict"] != "ok") for i in range(MAX_ROWS)]
        return out

    def render_one(rows: list[Row], i: int) -> list[Any]:
        if i >= len(rows):  # an edit event for a hidden row (only a script can send one)
            return [rows, gr.update(), gr.update(), gr.update()]
        row = rows[i]
        return [rows, gr.update(elem_classes=row_classes(row)), status_html(row),
                gr.update(visible=bool(row.get("rewrite")) and row["verdict"] != "ok")]

    def on_prepare(*args: Any) -> Iterator[list[Any]]:
        current = args[-1]
        for rows, line in prepare(deps, *args[:-1]):
            if rows is None:
                yield [current, line, *[gr.update() for _ in row_outputs]]
            else:
                yield [rows, line, *render(rows)]

    prepare_btn.click(on_prepare, [role, company, industry, goal, minutes, rephrase, bio, rows_state],
                      [rows_state, status, *row_outputs],
                      concurrency_id=MODEL_GROUP, concurrency_limit=1, api_name="prepare_questions")
    model_screens = deps.settings.capable_model
    screen_kwargs: dict[str, Any] = (
        {"concurrency_id": MODEL_GROUP, "concurrency_limit": 1} if model_screens else {})
    def on_reconcile(rows: list[Row], r: str, *current: str) -> list[Any]:
        new = reconcile(deps, rows, list(current), r)
        if new is rows:
            return [rows, *[gr.update() for _ in row_outputs]]
        return [new, *render(new, values=False)]

    # Every event that changes a row is followed by a reconcile that reads the boxes afresh, so a
    # late screen of older words can never be the last word on what a row holds.
    settle = {"fn": on_reconcile, "inputs": [rows_state, role, *texts],
              "outputs": [rows_state, *row_outputs], "show_progress": "hidden", **screen_kwargs}
    for i in range(MAX_ROWS):
        gr.on([texts[i].input, texts[i].blur],
              lambda rows, text, r, i=i: render_one(edit_row(deps, rows, i, text, r), i),
              [rows_state, texts[i], role], [rows_state, texts[i], boxes[i], accepts[i]],
              trigger_mode="always_last", show_progress="hidden", **screen_kwargs).then(**settle)
        accepts[i].click(lambda rows, r, i=i: (lambda new: [new, *render(new)])(
            accept_rewrite(deps, rows, i, r)), [rows_state, role], [rows_state, *row_outputs],
            **screen_kwargs).then(**settle)
        ups[i].click(lambda rows, i=i: (lambda new: [new, *render(new)])(move(rows, i, -1)),
                     [rows_state], [rows_state, *row_outputs])
        downs[i].click(lambda rows, i=i: (lambda new: [new, *render(new)])(move(rows, i, 1)),
                       [rows_state], [rows_state, *row_outputs])
        drops[i].click(lambda rows, i=i: (lambda new: [new, *render(new)])(delete(rows, i)),
                       [rows_state], [rows_state, *row_outputs])

    def on_add(rows: list[Row]) -> list[Any]:
        new, message = add(rows)
        return [new, message, *render(new)]

    add_btn.click(on_add, [rows_state], [rows_state, save_status, *row_outputs])

    def on_save(rows: list[Row], contact_id: int | None, name: str, r: str, c: str, b: str,
                *current: str) -> list[Any]:
        rows = reconcile(deps, rows, list(current), r)  # save the words on screen, nothing older
        message, saved_id = save(deps, rows, contact_id, name, r, c, b)
        chosen = saved_id if saved_id is not None else contact_id
        return [message, gr.update(choices=contact_choices(deps), value=chosen),
                "" if saved_id is not None and name.strip() else name, rows,
                *render(rows, values=False)]

    save_btn.click(on_save, [rows_state, contact, new_name, role, company, bio, *texts],
                   [save_status, contact, new_name, rows_state, *row_outputs])

    def on_load(contact_id: int | None, r: str) -> list[Any]:
        rows, message = load(deps, contact_id, r)
        return [rows, message, *render(rows)]

    load_btn.click(on_load, [contact, role], [rows_state, save_status, *row_outputs], **screen_kwargs)
    refresh_btn.click(lambda: gr.update(choices=contact_choices(deps)), None, [contact])
    tab.select(lambda: gr.update(choices=contact_choices(deps)), None, [contact])
    contact.change(lambda cid, current: saved_bio(deps, cid) or current, [contact, bio], [bio])
    return {"rows": rows_state, "status": status}
