"""The persona eval's dataset has the coverage issue 10 asks for, and its rules catch what they
name (a farewell to an opening, a self-referral, an invented year, a drifting repeat)."""

from __future__ import annotations

from collections import Counter

from agent.mock.persona import GENERIC_ROLE, match_brief
from evals.common import load_jsonl
from evals.mock_persona import DATASET, claims_in, coverage_share, score, unsupported

NEEDED = {"opening", "off_limits", "job_ask", "referral", "closing"}


def test_dataset_covers_roles_styles_bios_and_moves(encoder) -> None:  # type: ignore[no-untyped-def]
    cases = load_jsonl(DATASET)
    assert len(cases) >= 20
    splits = Counter(c["split"] for c in cases)
    assert set(splits) == {"dev", "heldout", "heldout2"}
    assert splits["dev"] == splits["heldout"] and splits["heldout2"] >= 10
    roles = {c["contact_role"] for c in cases}
    assert len(roles) >= 8
    assert sum(match_brief(r, encoder).role == GENERIC_ROLE for r in roles) >= 3
    assert all(n >= 4 for n in Counter(c["style"] for c in cases).values())
    assert len(Counter(c["style"] for c in cases)) == 3
    assert any(c["bio"] for c in cases) and any(not c["bio"] for c in cases)
    for case in cases:
        labels = case["labels"]
        assert len(labels) == len(case["turns"])
        assert NEEDED <= set(labels), case["id"]
        assert sum(label in ("path", "week", "tools", "skills") for label in labels) >= 2, case["id"]
        repeats = [label for label in labels if label.startswith("repeat:")]
        assert len(repeats) == 1 and labels[int(repeats[0].split(":")[1])] in ("path", "week", "tools",
                                                                              "skills")


def test_claims_are_numbers_years_and_names_not_sentence_starts() -> None:
    found = claims_in("Honestly, I joined Brightline Utilities in 2018 after four years. Python helps.")
    assert found == {"brightline utilities", "2018", "four"}
    assert unsupported(found, "I joined Brightline Utilities in 2018 after four years in a lab.") == []
    assert unsupported({"2019"}, "in 2018") == ["2019"]


def test_coverage_counts_content_words_found_in_the_facts() -> None:
    facts = "I build demand forecasts using Python."
    assert coverage_share("I build the forecasts in Python.", facts) == 1.0
    assert coverage_share("I wake at 5am and surf every morning.", "I build forecasts.") < 0.5


def _played(opening: str, referral: str, first: str, repeat: str, repeat_facts: list[str]) -> dict:  # type: ignore[type-arg]
    fact = {"text": "I joined Brightline Utilities in 2018.", "source": "bio"}
    replies = [
        {"text": opening, "facts": [], "route": "greeting", "origin": "template"},
        {"text": first, "facts": [fact], "route": "answer", "origin": "model"},
        {"text": referral, "facts": [], "route": "referral", "origin": "template"},
        {"text": repeat, "facts": [{"text": t, "source": "bio"} for t in repeat_facts],
         "route": "answer", "origin": "model"},
        {"text": "My pleasure, good luck!", "facts": [], "route": "goodbye", "origin": "template"},
    ]
    case = {"id": "x", "contact_name": "Marisol Vega", "contact_role": "Data scientist",
            "company": "Brightline Utilities", "bio": None,
            "turns": ["Hi Marisol, thanks for the time. I'm Devon.", "How did you get into data science?",
                      "Who else should I talk to?", "Sorry, how did you get started again?",
                      "Thanks so much!"],
            "labels": ["opening", "path", "referral", "repeat:1", "closing"]}
    return {"case": case, "replies": replies, "seconds": [0.1] * 5, "working_brief": False}


def test_score_passes_a_good_session_and_catches_each_failure(encoder) -> None:  # type: ignore[no-untyped-def]
    good = _played("Nice to meet you, Devon! What would you like to know?",
                   "You should talk to Tom Becker, a data engineer I work with.",
                   "I joined Brightline Utilities in 2018.",
                   "As I said, I joined Brightline Utilities in 2018.",
                   ["I joined Brightline Utilities in 2018."])
    metrics, problems = score([good], encoder)
    assert problems == []
    assert metrics["openings_greeted"] == 1.0 and metrics["closings_closed"] == 1.0
    assert metrics["hallucinated_claim_rate"] == 0.0 and metrics["consistency"] == 1.0

    bad = _played("You're very welcome, it was nice talking with you. Good luck!",
                  "You should talk to Marisol Chen, she knows everyone.",
                  "I joined Brightline Utilities in 2018.", "I started at Acme Corp in 2009.", [])
    metrics, problems = score([bad], encoder)
    assert metrics["farewells_to_openings"] == 1 and metrics["openings_greeted"] == 0.0
    assert metrics["self_referrals"] == 1
    assert metrics["consistency"] == 0.0
    assert metrics["hallucinated_claim_rate"] == 1 / 5
    assert metrics["character_breaks"] == 0
