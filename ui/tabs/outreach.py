"""Outreach tab: profile, the request form, a streamed draft, its checks and the guidance used."""

from __future__ import annotations

import functools
import importlib
from collections.abc import Iterator
from typing import Any

import gradio as gr
from pydantic import ValidationError

from agent.cli import validation_line
from agent.deps import Deps
from agent.errors import CoachError
from agent.outreach.saving import save_outreach
from agent.outreach.state import OutreachRequest
from agent.outreach.template import template_slots
from agent.text.person import BIO_MAX_BYTES
from ui.render import checks_markdown, error_markdown, sources_markdown

MODEL_GROUP = "embedded-model"


# The workflow loads LangGraph (~0.7 s), so it is imported on first use rather than at start-up.
workflow = functools.partial(importlib.import_module, "agent.outreach.graph")


def save_profile(deps: Deps, name: str, background: str, goal: str) -> str:
    name, background, goal = (v if isinstance(v, str) else "" for v in (name, background, goal))
    if len(name) > 80 or len(background) > 600 or len(goal) > 300:
        return error_markdown("Profile fields are too long (name 80, background 600, goal 300).")
    deps.mine.save_profile(name.strip(), background.strip(), goal.strip())
    return "Profile saved."


def draft_handler(
    deps: Deps, contact_name: str, contact_role: str, company: str, connection: str,
    channel: str, minutes: float, my_name: str, background: str, goal: str, bio: str = "",
) -> Iterator[tuple[str, str, str, str]]:
    """Yield (draft, checks, sources, status) as the draft is written."""
    if not isinstance(bio, str) or len(bio.encode("utf-8")) > BIO_MAX_BYTES:
        yield "", "", "", error_markdown(f"What you know about them is over {BIO_MAX_BYTES // 1000} KB.")
        return
    try:
        request = OutreachRequest.model_validate({  # the form's strings, checked by the model
            "contact_name": contact_name, "contact_role": contact_role, "company": company or None,
            "connection": connection or None, "channel": channel, "minutes": int(minutes),
            "my_name": my_name or None, "about_me": background or None, "goal": goal or None,
            "bio": bio or None,
        })
    except ValidationError as exc:
        yield "", "", "", error_markdown(validation_line(exc))
        return
    slots = template_slots(request)
    yield "", "_Checking…_", "", "Drafting…"
    try:
        for event in workflow().stream_outreach(deps, request):
            if "draft" in event:
                draft = event["draft"]
                text = (f"Subject: {draft.subject}\n\n" if draft.subject else "") + draft.body
                save_outreach(deps.mine, draft)
                passed = sum(c.passed for c in draft.checks)
                status = f"Draft ready: {passed}/{len(draft.checks)} checks pass."
                if any(c.rule == "signed" and not c.passed for c in draft.checks):
                    status += " Add your name under “Your profile” so the draft is signed."
                if draft.notice:
                    status += " " + error_markdown(draft.notice)
                yield text, checks_markdown(draft.checks), sources_markdown(draft.sources), status
            elif event.get("slot") == "interest":
                partial = {**slots, "interest": event["text"]}
                preview = " ".join(p for p in (partial["connection"], partial["homework"],
                                               partial["about"], partial["interest"]) if p)
                yield f"{partial['greeting']}\n\n{preview}", "_Checking…_", "", "Writing…"
            elif event.get("slot") == "body":
                yield event["text"], "_Checking…_", "", "Writing…"
    except CoachError as exc:
        yield "", "", "", error_markdown(str(exc))


def build_outreach_tab(deps: Deps) -> dict[str, Any]:
    profile = deps.mine.get_profile()
    with gr.Tab("Outreach", id="outreach"):
        gr.Markdown("Draft a short request for an informational interview. The checks below "
                    "show which rules the draft meets.")
        with gr.Accordion("Your profile (saved and reused)", open=not profile["name"]):
            # Read on each page load, as the visitor (their own profile once logged in).
            my_name = gr.Textbox(label="Your name", value=lambda: deps.mine.get_profile()["name"],
                                 max_length=80)
            background = gr.Textbox(label="About you", lines=2, max_length=600,
                                    value=lambda: deps.mine.get_profile()["background"])
            goal = gr.Textbox(label="What you want to learn about", max_length=300,
                              value=lambda: deps.mine.get_profile()["goal"])
            save_btn = gr.Button("Save profile", size="sm")
            profile_status = gr.Markdown(elem_id="profile-status")
        with gr.Row():
            contact_name = gr.Textbox(label="Contact name", elem_id="contact-name", max_length=100)
            contact_role = gr.Textbox(label="Contact role", elem_id="contact-role", max_length=120)
            company = gr.Textbox(label="Company (optional)", max_length=120)
        connection = gr.Textbox(label="How you are connected (optional)", elem_id="connection",
                                max_length=240)
        bio = gr.Textbox(label="What you know about them (optional: one line of the draft is "
                         "taken from it)", lines=2, max_lines=8, max_length=BIO_MAX_BYTES,
                         elem_id="outreach-bio")
        with gr.Row():
            channel = gr.Radio(["email", "linkedin"], value="email", label="Channel")
            minutes = gr.Slider(10, 30, value=20, step=5, label="Minutes to ask for")
        draft_btn = gr.Button("Draft request", variant="primary", elem_id="draft-button")
        status = gr.Markdown(elem_id="outreach-status")
        draft = gr.Textbox(label="Draft", lines=12, interactive=True, buttons=["copy"],
                           elem_id="outreach-draft")
        checks = gr.Markdown(elem_id="outreach-checks")
        sources = gr.Markdown(elem_id="outreach-sources")

    save_btn.click(lambda n, b, g: save_profile(deps, n, b, g), [my_name, background, goal],
                   [profile_status])
    draft_btn.click(
        lambda *a: (yield from draft_handler(deps, *a)),
        [contact_name, contact_role, company, connection, channel, minutes, my_name, background,
         goal, bio],
        [draft, checks, sources, status],
        concurrency_id=MODEL_GROUP, concurrency_limit=1, api_name="draft_outreach",
    )
    return {"draft": draft, "checks": checks}
