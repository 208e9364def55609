"""Notes → SWOT tab: paste notes or pick a contact's saved interviews, see the four quadrants with
their evidence, tick off next steps, review conflicts between sources, export Markdown.

Handlers are plain functions (testable without a server). The last result lives in a per-session
`gr.State`; nothing one visitor pastes is visible to another.
"""

from __future__ import annotations

import functools
import html
import importlib
import re
import tempfile
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import gradio as gr

from agent.contacts import service as contacts
from agent.deps import Deps
from agent.errors import CoachError
from agent.swot.report import report_markdown
from agent.swot.saving import save_swot
from agent.swot.state import NoteInput, SwotItem, SwotReport, SwotRequest, default_summarise
from agent.text.notes_input import MAX_NOTE_BYTES, MAX_NOTES, check_pasted
from ui.render import error_markdown

MODEL_GROUP = "embedded-model"
SEPARATOR = re.compile(r"^\s*-{3,}\s*$", re.MULTILINE)
QUADRANTS = [("strengths", "Strengths", "about you"), ("weaknesses", "Weaknesses", "about you"),
             ("opportunities", "Opportunities", "field or employer"),
             ("threats", "Threats", "field or employer")]
STAGES = {"split": "Reading the notes…", "classified": "Sorting sentences…",
          "compared": "Comparing sources…", "summarising": "Wording summaries…"}


# The workflow loads LangGraph (~0.7 s), so it is imported on first use rather than at start-up.
workflow = functools.partial(importlib.import_module, "agent.swot.graph")


def contact_choices(deps: Deps) -> list[tuple[str, int]]:
    out = []
    for c in deps.mine.list_contacts():
        detail = ", ".join(x for x in (c.get("role") or "", c.get("company") or "") if x)
        out.append((f"{c['name']} ({detail})" if detail else c["name"], int(c["id"])))
    return out


def interview_choices(deps: Deps, contact_id: int | None) -> list[tuple[str, int]]:
    if contact_id is None:
        return []
    out = []
    for row in deps.mine.interviews(int(contact_id)):
        first = " ".join(row["notes"].split())[:60]
        out.append((f"{row['held_at'][:10]}: {first}…", int(row["id"])))
    return out


def split_pasted(text: str) -> list[str]:
    """Several interviews in one box, separated by a line of three dashes."""
    return [part for part in SEPARATOR.split(text or "") if part.strip()]


def gather_notes(deps: Deps, contact_id: int | None, interview_ids: list[int] | None,
                 pasted: str) -> list[NoteInput]:
    """Picked interviews (cited by date) plus pasted ones (cited as 'Interview N')."""
    texts, labels = [], []
    if contact_id is not None and interview_ids:
        wanted = {int(i) for i in interview_ids}
        for row in deps.mine.interviews(int(contact_id)):
            if int(row["id"]) in wanted:
                texts.append(row["notes"])
                labels.append(f"Interview on {row['held_at'][:10]}")
    parts = split_pasted(pasted)
    texts += parts
    labels += [f"Interview {len(labels) + i}" for i in range(1, len(parts) + 1)]
    return [NoteInput(source=n.source, text=n.text) for n in check_pasted(texts, labels)]


def save_pasted(deps: Deps, contact_id: int | None, pasted: str) -> tuple[str, Any]:
    """File the pasted interviews under the chosen contact, so they can be picked later."""
    if contact_id is None:
        return error_markdown("Choose a contact first."), gr.update()
    try:
        notes = check_pasted(split_pasted(pasted))
    except CoachError as exc:
        return error_markdown(str(exc)), gr.update()
    known = {row["notes"] for row in deps.mine.interviews(int(contact_id))}
    new = [n for n in notes if n.text not in known]
    deps.mine.file_interviews(int(contact_id), [n.text for n in new])
    choices = interview_choices(deps, contact_id)
    message = f"Saved {len(new)} interview(s)." if new else "These notes were already saved."
    return message, gr.update(choices=choices, value=[v for _, v in choices[-len(new):]] if new else [])


def _evidence_html(item: SwotItem) -> str:
    rows = "".join(f"<li>“{html.escape(s)}” <em>— {html.escape(src)}</em></li>"
                   for s, src in zip(item.evidence, item.sources, strict=False))
    cited = len(set(item.sources))
    badge = f" <small>({cited} sources)</small>" if cited > 1 else ""
    return (f"<details><summary>{html.escape(item.text)}{badge}</summary>"
            f"<ul>{rows}</ul></details>")


def quadrant_markdown(report: SwotReport, key: str, title: str, hint: str) -> str:
    lines = [f"### {title} <small>({hint})</small>"]
    if report.summaries.get(key):
        lines.append(f"<p><em>{html.escape(report.summaries[key])}</em></p>")
    items = report.items(key)
    lines += [_evidence_html(i) for i in items] or ["<p><em>Nothing in the notes.</em></p>"]
    return "\n".join(lines)


def step_label(item: SwotItem) -> str:
    sources = ", ".join(dict.fromkeys(item.sources))
    return f"{item.text} ({sources})"


def conflicts_markdown(report: SwotReport) -> str:
    if not report.conflicts:
        return ""
    lines = ["### Where sources disagree",
             "_Weigh each view: who is closer to the work, how recent, how specific._"]
    for conflict in report.conflicts:
        claims = "".join(f"<li>“{html.escape(c.text)}” <em>— {html.escape(c.source)}</em></li>"
                         for c in conflict.claims)
        lines.append(f"<p><strong>{html.escape(conflict.topic)}</strong></p><ul>{claims}</ul>")
    return "\n".join(lines)


def contacts_markdown(report: SwotReport) -> str:
    parts = []
    if report.suggested_contacts:
        parts.append("### People to contact next")
        parts += [f"- **{html.escape(c.name)}** <em>({html.escape(c.source)})</em>"
                  for c in report.suggested_contacts]
    if report.ignored:
        parts.append("\n<details><summary>Ignored: "
                     f"{len(report.ignored)} line(s) that read like instructions to an AI</summary><ul>"
                     + "".join(f"<li>{html.escape(i.text)} <em>— {html.escape(i.source)}</em></li>"
                               for i in report.ignored)
                     + "</ul></details>")
    return "\n".join(parts)


Outputs = tuple[Any, ...]


def _blank(status: str) -> Outputs:
    return (status, "", "", "", "", gr.update(choices=[], value=[]), "", "", None)


def _shown(report: SwotReport, status: str) -> Outputs:
    quads = [quadrant_markdown(report, key, title, hint) for key, title, hint in QUADRANTS]
    steps = [step_label(i) for i in report.next_steps]
    return (status, *quads, gr.update(choices=steps, value=[]), conflicts_markdown(report),
            contacts_markdown(report), report.payload())


def build_swot(deps: Deps, contact_id: int | None, interview_ids: list[int] | None, pasted: str,
               summarise: bool) -> Iterator[Outputs]:
    """Yield the tab's outputs: progress lines, then the quadrants, steps and the result state."""
    try:
        notes = gather_notes(deps, contact_id, interview_ids, pasted)
        request = SwotRequest(notes=notes, summarise=bool(summarise))
    except (CoachError, ValueError) as exc:
        yield _blank(error_markdown(str(exc).splitlines()[0]))
        return
    yield _blank("Reading the notes…")
    try:
        for event in workflow().stream_swot(deps, request):
            if "report" in event:
                report: SwotReport = event["report"]
                save_swot(deps.mine, int(contact_id) if contact_id is not None else None,
                          [n.text for n in notes], report.payload())
                counts = ", ".join(f"{len(report.items(k))} {k.replace('_', ' ')}"
                                   for k in ("strengths", "weaknesses", "opportunities", "threats",
                                             "next_steps"))
                status = f"SWOT ready from {len(report.sources)} interview(s): {counts}."
                if report.conflicts:
                    status += f" {len(report.conflicts)} conflict(s) between sources."
                yield _shown(report, status)
            elif event.get("stage") in STAGES:
                yield _blank(STAGES[event["stage"]])
    except CoachError as exc:
        yield _blank(error_markdown(str(exc)))


def export_markdown(payload: dict[str, Any] | None, checked: list[str] | None) -> tuple[str | None, str]:
    """Write the last SWOT (with ticked steps marked done) to a Markdown file for download."""
    if not payload:
        return None, error_markdown("Build a SWOT first.")
    report = SwotReport.model_validate(payload)
    text = report_markdown(report)
    for label in checked or []:
        item_text = next((i.text for i in report.next_steps if step_label(i) == label), None)
        if item_text:
            text = text.replace(f"- [ ] {html.escape(item_text, quote=False)}",
                                f"- [x] {html.escape(item_text, quote=False)}", 1)
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    path = Path(tempfile.mkdtemp(prefix="coach-swot-")) / f"swot-{stamp}.md"
    path.write_text(text, encoding="utf-8")
    return str(path), f"Exported {path.name}."


def add_suggested(deps: Deps, payload: dict[str, Any] | None) -> str:
    """Add the people the notes suggested to the contact list (skipping names already there)."""
    if not payload:
        return error_markdown("Build a SWOT first.")
    report = SwotReport.model_validate(payload)
    existing = {c["name"].lower() for c in deps.mine.list_contacts()}
    added = []
    for person in report.suggested_contacts:
        if person.name.lower() in existing:
            continue
        contacts.add_contact(deps.mine, contacts.ContactChange(fields=contacts.ContactFields(
            name=person.name, connection=f"Suggested in {person.source}"[:240],
            notes=person.evidence[0][:500])))
        existing.add(person.name.lower())
        added.append(person.name)
    return f"Added {', '.join(added)} to contacts." if added else "No new people to add."


def build_swot_tab(deps: Deps) -> dict[str, Any]:
    with gr.Tab("Notes → SWOT", id="swot") as tab:
        gr.Markdown("Turn interview notes into strengths, weaknesses, opportunities, threats and "
                    "next steps. Every point shows the sentences it comes from. Paste one "
                    "interview, or several separated by a line with `---`, or pick saved ones.")
        with gr.Row():
            contact = gr.Dropdown(choices=contact_choices(deps), value=None, label="Contact (optional)",
                                  elem_id="swot-contact", allow_custom_value=False)
            interviews = gr.CheckboxGroup(choices=[], label="Saved interviews to include",
                                          elem_id="swot-interviews")
        # Ten interviews at the per-interview limit and their separators; one character more, so
        # a paste over it is cut where the notes check still names the limit instead of silently.
        pasted = gr.Textbox(label="Notes", lines=10, max_lines=30, elem_id="swot-notes",
                            max_length=MAX_NOTES * (MAX_NOTE_BYTES + 8) + 1,
                            placeholder="Paste your notes here. Separate interviews with ---")
        with gr.Row():
            summarise = gr.Checkbox(
                value=default_summarise(deps.settings),
                label="Let the model word a one-line summary per quadrant (kept only if it uses the "
                "notes' own words; off by default with the small built-in model)")
            save_btn = gr.Button("Save pasted notes to this contact", size="sm", elem_id="swot-save")
            run_btn = gr.Button("Build SWOT", variant="primary", elem_id="swot-button")
        status = gr.Markdown(elem_id="swot-status")
        with gr.Row():
            strengths = gr.Markdown(elem_id="swot-strengths")
            weaknesses = gr.Markdown(elem_id="swot-weaknesses")
        with gr.Row():
            opportunities = gr.Markdown(elem_id="swot-opportunities")
            threats = gr.Markdown(elem_id="swot-threats")
        steps = gr.CheckboxGroup(choices=[], label="Next steps (tick what you have done)",
                                 elem_id="swot-steps")
        conflicts = gr.Markdown(elem_id="swot-conflicts")
        people = gr.Markdown(elem_id="swot-people")
        with gr.Row():
            add_btn = gr.Button("Add suggested people to contacts", size="sm", elem_id="swot-add")
            export_btn = gr.Button("Export Markdown", size="sm", elem_id="swot-export")
        side_status = gr.Markdown(elem_id="swot-side-status")
        export_file = gr.File(label="SWOT as Markdown", interactive=False, elem_id="swot-file")
        result = gr.State(None)

    tab.select(lambda: gr.update(choices=contact_choices(deps)), None, [contact])
    contact.change(lambda c: gr.update(choices=interview_choices(deps, c), value=[]), [contact],
                   [interviews])
    save_btn.click(lambda c, p: save_pasted(deps, c, p), [contact, pasted], [side_status, interviews])
    run_btn.click(
        lambda *a: (yield from build_swot(deps, *a)),
        [contact, interviews, pasted, summarise],
        [status, strengths, weaknesses, opportunities, threats, steps, conflicts, people, result],
        concurrency_id=MODEL_GROUP, concurrency_limit=1, api_name="build_swot",
    )
    export_btn.click(export_markdown, [result, steps], [export_file, side_status])
    add_btn.click(lambda r: add_suggested(deps, r), [result], [side_status])
    return {"status": status, "steps": steps, "result": result}
