"""What the user knows about a contact reaches the other tabs: up to two questions about the
person's own path, and one outreach line that shows homework; never anything the bio does not say."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from agent.contacts import service as contacts
from agent.outreach.graph import draft_outreach
from agent.outreach.state import OutreachRequest
from agent.questions.bio import bio_candidates
from agent.questions.graph import prepare_questions
from agent.questions.state import QuestionsRequest
from agent.text.checks import check_about_them
from agent.text.person import bio_name, path_sentences, second_person
from agent.text.words import content_stems
from ui.tabs import outreach as outreach_tab
from ui.tabs import questions as questions_tab

BIO = """Tomás Reyes is a hydrologist with the county water district.
He spent six years as a high-school chemistry teacher before he retrained in hydrology.
He completed a master's degree in water resources at Colorado State in 2017.
He has three children and coaches their football team.
His team models flood risk for the river towns along the valley."""


@pytest.mark.parametrize(("sentence", "said"), [
    ("Tomás Reyes joined the district in 2018.", "you joined the district in 2018"),
    ("She manages a team of four and reports to the director.",
     "you manage a team of four and report to the director"),
    ("The district was founded in 1990.", None),
])
def test_second_person(sentence: str, said: str | None) -> None:
    assert second_person(sentence, "Tomás Reyes") == said


def test_path_sentences_skip_private_life_and_keep_the_path() -> None:
    found = path_sentences(BIO, "Tomás Reyes", limit=5)
    assert found[0].startswith("you spent six years as a high-school chemistry teacher")
    assert any("master's degree" in s for s in found)
    assert not any("children" in s for s in found)
    assert bio_name(BIO) == "Tomás Reyes"


def test_bio_questions_are_at_most_two_and_use_only_the_bio() -> None:
    found = bio_candidates(BIO, None)
    assert 1 <= len(found) <= 2
    bio_stems = content_stems(BIO)
    for candidate in found:
        asked = candidate.text.split(" — ")[0]
        assert content_stems(asked) <= bio_stems | content_stems("you your")
        assert candidate.text.endswith("?") and candidate.family == "path_in"
    assert "what made you make that change" in found[0].text
    assert bio_candidates("Loves jazz.", "Tomás Reyes") == []


def test_a_bio_question_is_ranked_with_the_bank(deps) -> None:  # type: ignore[no-untyped-def]
    plain = prepare_questions(deps, QuestionsRequest(contact_role="Hydrologist", rephrase=False))
    known = prepare_questions(deps, QuestionsRequest(contact_role="Hydrologist", rephrase=False, bio=BIO))
    assert not any("bio" in q.rationale.lower() or "homework" in q.rationale for q in plain.questions)
    ours = [q for q in known.questions + known.reserve if "did your homework" in q.rationale]
    assert 1 <= len(ours) <= 2
    assert known.questions[0].text.startswith("You spent six years")  # their own path beats the generic one
    assert len(known.questions) == len(plain.questions)


INTEREST = json.dumps({"sentence": "I'm exploring flood modelling and would value your view on it."})


def test_outreach_line_comes_from_the_bio(deps, fake_llm) -> None:  # type: ignore[no-untyped-def]
    fake_llm.default = INTEREST
    base = dict(contact_name="Tomás Reyes", contact_role="Hydrologist", my_name="Ana",
                goal="learn how flood modelling work is done")
    draft = draft_outreach(deps, OutreachRequest(**base, bio=BIO))  # type: ignore[arg-type]
    assert "I read that you spent six years as a high-school chemistry teacher" in draft.body
    check = {c.rule: c for c in draft.checks}["about_them"]
    assert check.passed and "comes from what you know" in check.detail
    without = draft_outreach(deps, OutreachRequest(**base))  # type: ignore[arg-type]
    assert "I read that" not in without.body


def test_about_them_fails_on_what_the_bio_does_not_say() -> None:
    body = "Hi Tomás,\n\nI read that you founded a drone start-up in Denver. I'd like to learn more."
    check = check_about_them(body, BIO, ["Tomás Reyes"])
    assert not check.passed and "drone" in check.detail
    assert check_about_them("Hi Tomás, how do you approach your work?", None, []).passed


def test_cli_takes_the_bio_and_keeps_it_on_the_contact(run_cli, deps, fake_llm, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    fake_llm.default = INTEREST
    bio = tmp_path / "tomas.txt"
    bio.write_text(BIO, encoding="utf-8")
    cid = str(contacts.add_contact(deps.mine, contacts.ContactChange(fields=contacts.ContactFields(
        name="Tomás Reyes", role="Hydrologist"))))
    code, out, err = run_cli("questions", "--contact-id", cid, "--bio", str(bio), "--template-only",
                             "--json")
    assert code == 0, err
    texts = [q["text"] for q in json.loads(out)["questions"]]
    assert texts[0].startswith("You spent six years")
    assert "six years" in (deps.mine.get_contact(int(cid))["bio"] or "")
    code, out, err = run_cli("outreach", "--contact-id", cid, "--my-name", "Ana", "--json")
    assert code == 0, err
    assert "I read that you" in json.loads(out)["body"]


@pytest.mark.parametrize("command", ["questions", "outreach"])
def test_cli_bad_bio_is_one_line(run_cli, tmp_path: Path, command: str) -> None:  # type: ignore[no-untyped-def]
    binary = tmp_path / "bio.bin"
    binary.write_bytes(b"\x00\x01\x02abc")
    extra = ["--contact-name", "T"] if command == "outreach" else []
    code, _, err = run_cli(command, "--contact-role", "Hydrologist", *extra, "--bio", str(binary))
    assert code == 2 and err.count("\n") == 1 and "binary" in err
    code, _, err = run_cli(command, "--contact-id", "999")
    assert code == 2 and "no contact with id 999" in err


def test_tabs_take_the_bio(deps, fake_llm) -> None:  # type: ignore[no-untyped-def]
    fake_llm.default = INTEREST
    rows, line = list(questions_tab.prepare(deps, "Hydrologist", "", "", "", 20, False, BIO))[-1]
    assert rows is not None, line
    assert rows[0]["text"].startswith("You spent six years")
    _, line = list(questions_tab.prepare(deps, "Hydrologist", "", "", "", 20, False, "x" * 20_001))[-1]
    assert line.startswith("⚠️")
    message, cid = questions_tab.save(deps, rows, None, "Tomás Reyes", "Hydrologist", "", BIO)
    assert cid is not None and questions_tab.saved_bio(deps, cid) == BIO
    final = list(outreach_tab.draft_handler(deps, "Tomás Reyes", "Hydrologist", "", "", "email", 20,
                                            "Ana", "", "", BIO))[-1]
    assert "I read that you spent six years" in final[0]
