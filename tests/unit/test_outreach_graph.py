"""The outreach graph with a scripted fake model: the model's text is used only when it passes."""

from __future__ import annotations

import json

import pytest

from agent.deps import Deps
from agent.errors import ModelError
from agent.outreach.graph import draft_outreach, stream_outreach
from agent.outreach.state import OutreachRequest
from agent.text.words import word_count
from tests.fakes import FakeChatModel


def request(**overrides: object) -> OutreachRequest:
    base: dict[str, object] = dict(
        contact_name="Maria Lopez", contact_role="UX Researcher", company="Fernwood Health",
        connection="We both studied at Oberlin College", about_me="I teach high-school math",
        goal="moving into UX research", my_name="Sam Lee",
    )
    base.update(overrides)
    return OutreachRequest(**base)  # type: ignore[arg-type]


def sentence(text: str) -> str:
    return json.dumps({"sentence": text})


def failed(draft) -> list[str]:  # type: ignore[no-untyped-def]
    return [c.rule for c in draft.checks if not c.passed]


def test_good_model_sentence_is_used(deps: Deps, fake_llm: FakeChatModel) -> None:
    text = "I'm exploring moving into UX research and would value your perspective as a UX researcher."
    fake_llm.outcomes.append(sentence(text))
    draft = draft_outreach(deps, request())
    assert text in draft.body
    assert draft.phrasing["interest"] == "model"
    assert failed(draft) == []
    assert len(fake_llm.calls) == 1
    sent = fake_llm.calls[0]
    assert sent.kwargs["max_tokens"] <= 80 and sent.kwargs["schema"] is not None
    assert "moving into UX research" in sent.messages[-1]["content"]


@pytest.mark.parametrize("bad", [
    "I'd love to be considered for an opening on your team.",          # job words
    "I have a PhD from Stanford and ten years at Google.",             # invented claims
    "Role: UX researcher. Facts: moving into UX research.",            # prompt echo
    "Bananas.",                                                        # drift / too short
])
def test_bad_model_sentence_falls_back_to_template(deps: Deps, fake_llm: FakeChatModel, bad: str) -> None:
    fake_llm.outcomes.append(sentence(bad))
    draft = draft_outreach(deps, request())
    assert bad not in draft.body
    assert draft.phrasing["interest"] == "template"
    assert failed(draft) == []


def test_model_failure_and_garbage_fall_back(deps: Deps, fake_llm: FakeChatModel) -> None:
    fake_llm.outcomes += [ModelError("model server timed out"), "not json at all"]
    for _ in range(2):
        draft = draft_outreach(deps, request())
        assert failed(draft) == [] and draft.phrasing["interest"] == "template"


def test_job_seeking_about_me_never_reaches_the_draft(deps: Deps, fake_llm: FakeChatModel) -> None:
    fake_llm.default = "{}"
    draft = draft_outreach(deps, request(
        about_me="I'm a nurse with ten years of experience, and I'm looking for a job in health tech.",
        goal="getting hired as a product manager"))
    assert "job" not in draft.body.lower() and "hired" not in draft.body.lower()
    assert failed(draft) == []


def test_long_about_me_is_trimmed_under_the_limit(deps: Deps, fake_llm: FakeChatModel) -> None:
    fake_llm.default = "{}"
    long_about = ("I spent eight years managing logistics for a regional grocery chain, coordinating "
                  "drivers, warehouses and suppliers across three states while also running the "
                  "volunteer literacy program at my local library on weekends and evenings.")
    draft = draft_outreach(deps, request(about_me=long_about))
    assert word_count(draft.body) < 100
    assert failed(draft) == []


def test_linkedin_note_fits_300_characters(deps: Deps, fake_llm: FakeChatModel) -> None:
    fake_llm.default = "{}"
    draft = draft_outreach(deps, request(channel="linkedin", about_me="x " * 200))
    assert len(draft.body) <= 300 and draft.subject == ""
    assert "Oberlin College" in draft.body
    assert failed(draft) == []


def test_sources_name_outreach_guidance(deps: Deps, fake_llm: FakeChatModel) -> None:
    fake_llm.default = "{}"
    draft = draft_outreach(deps, request())
    assert draft.sources and all(s.startswith("guidance/") for s in draft.sources)
    assert any("outreach" in s for s in draft.sources)


def test_capable_model_writes_whole_draft_but_validators_still_rule(
    indexed_settings, encoder, fake_llm: FakeChatModel  # type: ignore[no-untyped-def]
) -> None:
    settings = indexed_settings.model_copy(update={"capable_model": True})
    deps = Deps(settings, llm_override=fake_llm, encoder_override=encoder)
    good_body = ("Hi Maria,\n\nWe both studied at Oberlin College. I teach high-school math and I'm "
                 "exploring UX research.\n\nWould you have 20 minutes for a call in the coming weeks? "
                 "I'm happy to fit around your schedule.\n\nThank you,\nSam Lee")
    fake_llm.outcomes.append(json.dumps({"subject": "Fellow Oberlin alum exploring UX research",
                                         "body": good_body}))
    draft = draft_outreach(deps, request())
    assert draft.body == good_body and failed(draft) == []
    assert "<guidance>" in fake_llm.calls[0].messages[0]["content"]

    fake_llm.outcomes.append(
        json.dumps({"subject": "Job inquiry", "body": "Please hire me. Resume attached."}))
    draft = draft_outreach(deps, request())
    assert "hire" not in draft.body and failed(draft) == []


def test_stream_yields_partial_text_then_the_draft(deps: Deps, fake_llm: FakeChatModel) -> None:
    fake_llm.outcomes.append(sentence("I'm exploring moving into UX research and would value your view."))
    events = list(stream_outreach(deps, request()))
    partial = [e["text"] for e in events if e.get("slot") == "interest"]
    assert len(partial) >= 2 and len(partial[0]) < len(partial[-1])
    assert "draft" in events[-1]
