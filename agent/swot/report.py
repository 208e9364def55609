"""The SWOT as Markdown: the CLI's human output and the UI's export file.

Every item is followed by the sentences it rests on and their sources, so the document can be
checked against the notes. Note text is escaped: a pasted HTML comment or tag shows as text and
never becomes hidden markup in the exported file.
"""

from __future__ import annotations

import html

from agent.swot.state import SwotItem, SwotReport

TITLES = {
    "strengths": "Strengths (about you)",
    "weaknesses": "Weaknesses (about you)",
    "opportunities": "Opportunities (field or employer)",
    "threats": "Threats (field or employer)",
}


def escape(text: str) -> str:
    return html.escape(text, quote=False).replace("\n", " ")


def cite(item: SwotItem) -> list[str]:
    return [f"  > {escape(sentence)} — _{escape(source)}_"
            for sentence, source in zip(item.evidence, item.sources, strict=False)]


def report_markdown(report: SwotReport, title: str = "") -> str:
    """A self-contained Markdown document of the whole result."""
    n = len(report.sources)
    heading = escape(title) if title else f"SWOT from {n} interview{'s' if n != 1 else ''}"
    lines = [f"# {heading}", "", "Sources: " + ", ".join(escape(s) for s in report.sources), ""]
    for key, heading in TITLES.items():
        lines += [f"## {heading}", ""]
        if report.summaries.get(key):
            lines += [f"_{escape(report.summaries[key])}_", ""]
        items = report.items(key)
        if not items:
            lines += ["_Nothing in the notes._", ""]
        for item in items:
            lines.append(f"- {escape(item.text)}")
            lines += cite(item)
        lines.append("")
    lines += ["## Next steps", ""]
    if not report.next_steps:
        lines += ["_None found in the notes._", ""]
    for item in report.next_steps:
        lines.append(f"- [ ] {escape(item.text)}")
        lines += cite(item)
    lines.append("")
    if report.conflicts:
        lines += ["## Where sources disagree", ""]
        for conflict in report.conflicts:
            lines.append(f"- **{escape(conflict.topic)}**")
            lines += [f"  - {escape(c.text)} — _{escape(c.source)}_" for c in conflict.claims]
        lines += ["", "Weigh each view: who is closer to the work, how recent, how specific.", ""]
    if report.suggested_contacts:
        lines += ["## People to contact next", ""]
        for contact in report.suggested_contacts:
            lines.append(f"- **{escape(contact.name)}** — _{escape(contact.source)}_: "
                         f"{escape(contact.evidence[0])}")
        lines.append("")
    if report.ignored:
        lines += ["## Ignored (read like instructions to an AI, not notes)", ""]
        lines += [f"- {escape(i.text)} — _{escape(i.source)}_" for i in report.ignored]
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"
