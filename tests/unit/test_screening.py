"""Screening: folding, cues, the decision rule, and the screen end to end on the real encoder."""

from __future__ import annotations

import numpy as np
import pytest

from agent.classify.screen_decide import decide
from agent.classify.screen_rules import LABELS, framing_softens, framing_vetoes, load_rules
from agent.errors import InputError, ModelError
from agent.screening import ScreenResult, screen_questions
from agent.text.words import fold


@pytest.mark.parametrize(("raw", "folded"), [
    ("How much do you MAKE?", "how much do you make?"),
    ("Are you h\u200bi\u200dring?", "are you hiring?"),
    ("Is your team hіring?", "is your team hiring?"),  # Cyrillic і
    ("Can you r3f3r m3?", "can you refer me?"),
    ("Are you h i r i n g?", "are you hiring?"),
    ("What is a 401k match like here?", "what is a 401k match like here?"),
    ("Any j.o.b openings?", "any job openings?"),
])
def test_fold_undoes_disguises_but_keeps_numbers(raw: str, folded: str) -> None:
    assert fold(raw) == folded


def test_cues_fire_on_folded_text_only_for_their_category() -> None:
    rules = load_rules()
    assert rules.flag_cues(fold("Wh4t's y0ur s4lary?")) == ["personal_compensation"]
    assert rules.flag_cues(fold("Is your department RECRUITING at the moment?")) == ["job_request"]
    assert rules.flag_cues(fold("What is the typical salary range for new nurses?")) == []
    assert rules.allowed(fold("What is the typical salary range for new nurses?"))
    assert rules.allowed(fold("Who else should I talk to?"))


def test_framing_vetoes() -> None:
    assert "confidential_information" in framing_vetoes(fold("What did the press release say?"))
    assert "confidential_information" in framing_vetoes(fold("What did your annual report say about growth?"))
    assert "negativity" in framing_vetoes(fold("How common is burnout among nurses?"))
    assert "negativity" not in framing_vetoes(fold("How common is it for your boss to shout?"))


def _probs(**mass: float) -> np.ndarray:
    p = np.zeros(len(LABELS))
    for label, value in mass.items():
        p[LABELS.index(label)] = value
    return p


def test_decide_cue_wins_over_embeddings() -> None:
    d = decide(_probs(ok=0.9, job_request=0.1), _probs(ok=1.0), 0.8, ["job_request"], False)
    assert (d.verdict, d.category) == ("flag", "job_request")


def test_decide_passes_clear_ok_and_flags_clear_category() -> None:
    assert decide(_probs(ok=0.9, negativity=0.1), _probs(ok=1.0), 0.8, [], False).verdict == "ok"
    d = decide(_probs(negativity=0.8, ok=0.2), _probs(negativity=0.9, ok=0.1), 0.8, [], False)
    assert (d.verdict, d.category) == ("flag", "negativity")


def test_decide_fails_closed_when_undecided_or_unfamiliar() -> None:
    d = decide(_probs(ok=0.45, personal_life=0.3, negativity=0.25),
               _probs(ok=0.5, personal_life=0.5), 0.8, [], False)
    assert (d.verdict, d.category) == ("review", "personal_life")
    far = decide(_probs(ok=0.95, job_request=0.05), _probs(ok=1.0), 0.1, [], False)
    assert far.verdict == "review"


def test_a_bare_public_only_softens_and_a_published_source_clears() -> None:
    before_public = fold("Can you share the Q3 revenue numbers before they're made public?")
    assert "confidential_information" not in framing_vetoes(before_public)
    assert framing_softens(fold("What revenue figures will go public next quarter?")) == {
        "confidential_information"}
    assert framing_softens(fold("What did your annual report say about growth?")) == set()
    strong = (_probs(confidential_information=0.7, ok=0.3), _probs(confidential_information=0.8, ok=0.2))
    soft = decide(*strong, 0.8, [], False, softened=frozenset({"confidential_information"}))
    assert (soft.verdict, soft.category) == ("review", "confidential_information")
    cleared = decide(*strong, 0.8, [], False, frozenset({"confidential_information"}))
    assert cleared.verdict == "ok"


@pytest.mark.parametrize("question", [
    "Can you share the Q3 revenue numbers before they're made public?",
    "Which of your upcoming product launches haven't been made public yet?",
    "What revenue figures will go public next quarter?",
])
def test_questions_about_what_is_not_yet_public_never_pass(deps, question: str) -> None:  # type: ignore[no-untyped-def]
    result = screen_questions(deps, [question])[0]
    assert result.verdict != "ok"
    assert result.category == "confidential_information"


def test_decide_allow_cue_and_veto_overrule_a_weak_flag() -> None:
    weak = (_probs(personal_compensation=0.6, ok=0.4), _probs(personal_compensation=0.6, ok=0.4))
    assert decide(*weak, 0.8, [], False).verdict == "flag"
    assert decide(*weak, 0.8, [], True).verdict == "ok"
    vetoed = decide(*weak, 0.8, [], False, frozenset({"personal_compensation"}))
    assert vetoed.verdict == "ok"


def test_screen_flags_personal_pay_with_a_field_level_rewrite(deps) -> None:  # type: ignore[no-untyped-def]
    [result] = screen_questions(deps, ["What do you earn?"], role="Registered Nurse")
    assert isinstance(result, ScreenResult)
    assert (result.verdict, result.category) == ("flag", "personal_compensation")
    assert result.reason
    assert result.rewrite and "registered nurse" in result.rewrite.lower()
    assert screen_questions(deps, [result.rewrite])[0].verdict == "ok"


@pytest.mark.parametrize("question", [
    "What is the typical salary range for someone starting out in this field?",
    "How would you describe the culture on your team?",
    "What do you like least about your job?",
    "Who else should I talk to?",
])
def test_screen_passes_field_level_look_alikes(deps, question: str) -> None:  # type: ignore[no-untyped-def]
    assert screen_questions(deps, [question])[0].verdict == "ok"


@pytest.mark.parametrize(("question", "category"), [
    ("Could you refer me for the open role on your team?", "job_request"),
    ("Who did you vote for in the last election?", "politics_religion"),
    ("Do you have kids?", "personal_life"),
    ("Isn't your boss an idiot?", "negativity"),
    ("What profit margin does your flagship product make?", "confidential_information"),
    ("C4n y0u g3t m3 4n int3rvi3w?", "job_request"),
    ("Are you\u200b hіring?", "job_request"),
])
def test_screen_flags_each_category_even_disguised(deps, question: str, category: str) -> None:  # type: ignore[no-untyped-def]
    result = screen_questions(deps, [question])[0]
    assert (result.verdict, result.category) == ("flag", category)
    assert result.rewrite


def test_screen_keeps_input_order_and_text(deps) -> None:  # type: ignore[no-untyped-def]
    questions = ["Do you have kids?", "What does a typical day look like?", "Is your team hiring?"]
    results = screen_questions(deps, questions)
    assert [r.question for r in results] == questions
    assert [r.verdict for r in results] == ["flag", "ok", "flag"]


def test_gibberish_is_shown_for_review_not_passed(deps) -> None:  # type: ignore[no-untyped-def]
    result = screen_questions(deps, ["xq zzv plorf"])[0]
    assert result.verdict == "review"
    assert result.category is not None and "could not decide" in result.reason


def test_empty_question_is_bad_input(deps) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(InputError):
        screen_questions(deps, ["   "])


def test_default_model_is_never_asked(deps, fake_llm) -> None:  # type: ignore[no-untyped-def]
    screen_questions(deps, ["xq zzv plorf", "Do you have kids?"])
    assert fake_llm.calls == []


def test_capable_model_settles_review_and_failure_stays_review(deps, fake_llm) -> None:  # type: ignore[no-untyped-def]
    deps.settings.capable_model = True
    fake_llm.outcomes = ['{"label": "ok"}', ModelError("down")]
    assert screen_questions(deps, ["xq zzv plorf"])[0].verdict == "ok"
    assert screen_questions(deps, ["xq zzv plorf"])[0].verdict == "review"
    assert [c.kind for c in fake_llm.calls] == ["structured", "structured"]
    assert "<question>\nxq zzv plorf\n</question>" in fake_llm.calls[0].messages[-1]["content"]


def test_capable_model_rewrite_is_kept_only_if_it_screens_ok(deps, fake_llm) -> None:  # type: ignore[no-untyped-def]
    deps.settings.capable_model = True
    fake_llm.outcomes = [
        '{"question": "What salary range do people usually start at in nursing?"}',
        '{"question": "How much do you earn each year?"}',
    ]
    good = screen_questions(deps, ["What do you earn?"], role="Nurse")[0]
    assert good.rewrite == "What salary range do people usually start at in nursing?"
    bad = screen_questions(deps, ["What do you earn?"], role="Nurse")[0]
    assert bad.rewrite and "earn each year" not in bad.rewrite
