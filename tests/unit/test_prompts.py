"""The prompt loader fails loudly, and every prompt file renders with exactly its variables."""

from __future__ import annotations

from importlib import resources

import pytest

import prompts


def test_missing_and_extra_variables_raise() -> None:
    prompt = prompts.load("outreach_interest")
    names = prompt.variables()
    values = dict.fromkeys(names, "x")
    missing = dict(values)
    missing.pop(sorted(names)[0])
    with pytest.raises(prompts.PromptError, match="missing"):
        prompt.messages(**missing)
    with pytest.raises(prompts.PromptError, match="unknown"):
        prompt.messages(**values, surprise="y")


def test_unknown_prompt_name_raises() -> None:
    with pytest.raises(prompts.PromptError):
        prompts.load("no_such_prompt")


def test_every_prompt_file_renders_system_then_user() -> None:
    files = [p.name for p in resources.files("prompts").iterdir() if p.name.endswith(".txt")]
    assert files
    for name in files:
        prompt = prompts.load(name.removesuffix(".txt"))
        messages = prompt.messages(**dict.fromkeys(prompt.variables(), "VALUE"))
        assert messages[-1]["role"] == "user"
        assert all("$" not in m["content"] for m in messages), name
