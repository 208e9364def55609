"""Markdown renderings shared by tabs (checks lists, sources, error lines)."""

from __future__ import annotations

import html
from collections.abc import Iterable
from typing import Any


def checks_markdown(checks: Iterable[Any]) -> str:
    lines = []
    for c in checks:
        mark = "✅" if c.passed else "❌"
        lines.append(f"- {mark} **{html.escape(c.rule)}** — {html.escape(c.detail)}")
    return "\n".join(lines) or "_No checks yet._"


def sources_markdown(sources: Iterable[str]) -> str:
    items = [f"- `{html.escape(s)}`" for s in sources]
    return ("**Guidance used**\n\n" + "\n".join(items)) if items else ""


def error_markdown(message: str) -> str:
    return f"⚠️ {html.escape(message)}"
