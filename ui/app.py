"""`create_app(deps)`: the Blocks app, one builder per tab, no server started here."""

from __future__ import annotations

import gradio as gr

from agent.deps import Deps
from ui.tabs.contacts import build_contacts_tab
from ui.tabs.mock import build_mock_tab
from ui.tabs.outreach import build_outreach_tab
from ui.tabs.questions import build_questions_tab
from ui.tabs.swot import build_swot_tab

# In the order of the job seeker's journey: ask, prepare, rehearse, debrief, follow up.
TAB_BUILDERS = [build_outreach_tab, build_questions_tab, build_mock_tab, build_swot_tab, build_contacts_tab]


def create_app(deps: Deps) -> gr.Blocks:
    with gr.Blocks(title="Informational-interview coach", analytics_enabled=False) as app:
        gr.Markdown("# Informational-interview coach")
        with gr.Tabs():
            for build in TAB_BUILDERS:
                build(deps)
    return app
