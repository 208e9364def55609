"""The contact answers from facts: bio first, then the role brief, then what it already said; the
conversational moves (opening, referral, closing) are done right; styles change length, not rules."""

from __future__ import annotations

import pytest

from agent.mock.facts import bio_facts, first_person
from agent.mock.feedback import objective_check, talk_share
from agent.mock.graph import end_session, send_turn, session_view, start_session
from agent.mock.grounding import claims, coverage, grounding_problems
from agent.mock.state import MockRequest
from tests.unit.mock_helpers import FactWords
from tests.unit.test_mock_graph import make_graph, replies

BIO = ("Priya Raman joined St. Mary's Hospital in 2019 after four years as a lab technician.\n"
       "She builds Tableau dashboards for the emergency department every week.\n"
       "Her team of three analysts reports to the chief nursing officer.")
OPENING = "Hi Priya, thank you so much for taking the time. I'm Sam, a biology graduate exploring " \
          "data analysis in healthcare."


def request(**overrides: object) -> MockRequest:
    base: dict[str, object] = {"contact_role": "Data Analyst", "contact_name": "Priya Raman",
                               "company": "St. Mary's Hospital", "bio": BIO}
    return MockRequest(**{**base, **overrides})  # type: ignore[arg-type]


@pytest.mark.parametrize(("third", "first"), [
    ("Priya Raman joined St. Mary's in 2019.", "I joined St. Mary's in 2019."),
    ("She manages three analysts and reports to the CIO.", "I manage three analysts and report to the CIO."),
    ("Her first job was in a lab.", "My first job was in a lab."),
    ("Colleagues describe her as patient.", "Colleagues describe me as patient."),
    ("Priya's team uses SQL daily.", "My team uses SQL daily."),
])
def test_bio_sentences_are_said_in_the_first_person(third: str, first: str) -> None:
    assert first_person(third, "Priya Raman") == first


def test_bio_facts_keep_abbreviations_inside_one_sentence() -> None:
    facts = bio_facts(BIO, "Priya Raman")
    assert facts[0] == {"text": "I joined St. Mary's Hospital in 2019 after four years as a lab technician.",
                        "source": "bio"}
    assert len(facts) == 3


def test_grounding_catches_invented_numbers_names_and_words() -> None:
    facts = [{"text": "I joined St. Mary's Hospital in 2019 after four years as a lab technician.",
              "source": "bio"}]
    assert grounding_problems("I joined St. Mary's Hospital in 2019, after four years in a lab.", facts) == []
    assert any("claims" in p for p in grounding_problems("I joined Google in 2015.", facts))
    invented = "I usually wake up at dawn and work until midnight, every day except Mondays."
    assert any("ungrounded" in p for p in grounding_problems(invented, facts))
    assert coverage("Honestly, it was a great question.", facts) == 1.0
    assert {"2019", "st. mary's hospital"} <= claims(facts[0]["text"])


def test_thanks_in_an_opening_is_a_greeting_not_a_goodbye(deps, fake_llm) -> None:  # type: ignore[no-untyped-def]
    graph = make_graph(deps)
    thread = start_session(deps, request(), graph=graph)
    (reply,) = replies(list(send_turn(deps, thread, OPENING, graph=graph)))
    assert reply["route"] == "greeting"
    assert "meet you" in reply["text"].lower() and "?" in reply["text"]
    assert not any(w in reply["text"].lower() for w in ("good luck", "let me know how it goes"))
    assert fake_llm.calls == []


def test_answers_come_from_the_bio_and_a_repeat_gets_the_same_facts(deps, fake_llm) -> None:  # type: ignore[no-untyped-def]
    graph = make_graph(deps)
    fake_llm.default = FactWords()
    thread = start_session(deps, request(), graph=graph)
    list(send_turn(deps, thread, OPENING, graph=graph))
    (first,) = replies(list(send_turn(deps, thread, "How did you get into data analysis?", graph=graph)))
    assert first["facts"][0]["source"] == "bio" and "2019" in first["text"]
    (again,) = replies(list(send_turn(deps, thread, "How did you get into data analysis?", graph=graph)))
    assert again["route"] == "repeat"
    assert [f["text"] for f in again["facts"]] == [f["text"] for f in first["facts"]]
    assert "2019" in again["text"]
    view = session_view(deps, thread, graph=graph)
    assert view is not None and view.transcript[3]["facts"] == first["facts"]


def test_a_referral_is_never_to_the_contact_and_ties_to_the_users_goal(deps, fake_llm) -> None:  # type: ignore[no-untyped-def]
    graph = make_graph(deps)
    thread = start_session(deps, request(), graph=graph)
    list(send_turn(deps, thread, OPENING, graph=graph))
    (reply,) = replies(list(send_turn(deps, thread, "Who else would you suggest I talk to?", graph=graph)))
    assert reply["route"] == "referral"
    assert "Priya" not in reply["text"] and "Raman" not in reply["text"]
    assert "exploring data analysis in healthcare" in reply["text"]


def test_a_busy_contact_says_so_and_answers_from_one_fact(deps, fake_llm) -> None:  # type: ignore[no-untyped-def]
    graph = make_graph(deps)
    fake_llm.default = FactWords()
    thread = start_session(deps, request(style="busy", minutes=15), graph=graph)
    (hello,) = replies(list(send_turn(deps, thread, OPENING, graph=graph)))
    assert "15 minutes" in hello["text"] or "pressed for time" in hello["text"]
    (reply,) = replies(list(send_turn(deps, thread, "What does a typical week look like?", graph=graph)))
    assert len(reply["facts"]) == 1 and ("short on time" in reply["text"] or "few minutes" in reply["text"])
    assert fake_llm.calls[-1].kwargs["max_tokens"] <= 48


def test_a_guarded_contact_deflects_inside_questions_and_opens_up_to_good_ones(deps, fake_llm) -> None:  # type: ignore[no-untyped-def]
    graph = make_graph(deps)
    fake_llm.default = FactWords()
    thread = start_session(deps, request(style="guarded", bio=None), graph=graph)
    (inside,) = replies(list(send_turn(deps, thread, "How is morale on your team these days?", graph=graph)))
    assert inside["route"] == "guarded_deflect" and len(inside["facts"]) == 1
    (short,) = replies(list(send_turn(deps, thread, "Is the work busy?", graph=graph)))
    assert len(short["facts"]) == 1
    good = "What skills made the biggest difference for you when you started out in analytics?"
    (opened,) = replies(list(send_turn(deps, thread, good, graph=graph)))
    assert len(opened["facts"]) == 2


def test_feedback_reports_talk_share_and_whether_the_objective_was_met(deps, fake_llm) -> None:  # type: ignore[no-untyped-def]
    graph = make_graph(deps)
    fake_llm.default = FactWords()
    thread = start_session(deps, request(objective="how people move from lab work into analytics"),
                           graph=graph)
    long_turn = ("I have been thinking a lot about my options, because my degree was in biology and "
                 "I spent two summers in a lab, and I keep wondering whether analytics is a better fit "
                 "for me than staying at the bench for the next few years of my career. What do you think?")
    for line in (OPENING, long_turn, "How did you move from the lab into analytics?"):
        list(send_turn(deps, thread, line, graph=graph))
    fake_llm.default = None
    fake_llm.outcomes.append("{}")  # the summary wording fails validation; the template stands
    feedback = end_session(deps, thread, graph=graph)
    assert 0.0 < feedback.talk_share < 1.0
    goal = feedback.objective
    assert goal is not None and goal.met == "yes" and 2 in goal.turns


def test_talk_share_counts_words_on_both_sides() -> None:
    transcript = [{"role": "user", "text": "one two three"}, {"role": "contact", "text": "a b c d e f g"}]
    assert talk_share(transcript) == 0.3
    assert talk_share([]) == 0.0


def test_an_objective_nobody_asked_about_is_not_met(encoder) -> None:  # type: ignore[no-untyped-def]
    turns = [{"index": 0, "text": "What does a typical week look like?", "asks": True}]
    result = objective_check("what salaries look like for new analysts", turns, [], encoder)  # type: ignore[arg-type]
    assert result.met == "no" and result.turns == [] and "turn 0" in result.reason


def test_a_repeated_question_reuses_the_closest_earlier_answer_not_the_first_close_one() -> None:
    import numpy as np

    from agent.mock.facts import FactBank, FactFinder

    def unit(*xs: float) -> np.ndarray:
        v = np.zeros(384, dtype=np.float32)
        v[: len(xs)] = xs
        return v / np.linalg.norm(v)

    finder = FactFinder(FactBank((), np.zeros((0, 384), dtype=np.float32)))
    path = [{"text": "I moved from the lab in 2018.", "source": "bio"}]
    week = [{"text": "My week is mostly forecasting.", "source": "role brief: A typical week"}]
    question = unit(1.0, 0.5)
    earlier = [(unit(1.0, 1.0), week, 2), (unit(1.0, 0.45), path, 1)]  # both above the bar
    chosen = finder.find(question, [], 1, earlier)
    assert chosen == [{"text": "I moved from the lab in 2018.", "source": "earlier turn 1"}]


def test_a_reworded_repeat_gets_the_first_answer_even_when_the_screen_misreads_it(  # type: ignore[no-untyped-def]
        deps, fake_llm) -> None:
    again = "Sorry, could you remind me how you ended up in analytics?"
    graph = make_graph(deps, flags={again: "personal_compensation"})
    fake_llm.outcomes.extend([FactWords(), FactWords(), FactWords()])
    thread = start_session(deps, request(), graph=graph)
    list(send_turn(deps, thread, OPENING, graph=graph))
    (first,) = replies(list(send_turn(deps, thread, "How did you get into data analysis?", graph=graph)))
    list(send_turn(deps, thread, "Which tools do you use every day?", graph=graph))
    (repeat,) = replies(list(send_turn(deps, thread, again, graph=graph)))
    assert repeat["route"] == "repeat"
    assert {f["text"] for f in repeat["facts"]} == {f["text"] for f in first["facts"]}
    view = session_view(deps, thread, graph=graph)
    assert view is not None and view.transcript[-1]["facts"] == repeat["facts"]
    feedback = end_session(deps, thread, graph=graph)
    kinds = {f.kind for f in feedback.flagged if f.turn == repeat["turn"]}
    assert "personal_compensation" not in kinds  # not called a pay question
    assert kinds <= {"no_thanks", "no_referral_ask"}


def test_a_new_question_that_mentions_again_is_not_a_repeat(deps, fake_llm) -> None:  # type: ignore[no-untyped-def]
    graph = make_graph(deps)
    fake_llm.outcomes.extend([FactWords(), FactWords(), FactWords()])
    thread = start_session(deps, request(), graph=graph)
    list(send_turn(deps, thread, OPENING, graph=graph))
    list(send_turn(deps, thread, "Which tools do you use every day?", graph=graph))
    (reply,) = replies(list(send_turn(
        deps, thread, "If you could start your career again, what would you do differently?", graph=graph)))
    assert reply["route"] == "answer"


def test_the_busy_contact_names_the_call_length_as_a_fact_of_the_session(  # type: ignore[no-untyped-def]
        deps, fake_llm) -> None:
    graph = make_graph(deps)
    seen = set()
    for name in ("Priya Raman", "Dana Park", "Lee Chen", "Ana Ruiz", "Tom Odell", "Mia Berg"):
        thread = start_session(deps, request(style="busy", minutes=25, contact_name=name), graph=graph)
        (reply,) = replies(list(send_turn(deps, thread, "Hi, I'm Sam. Thanks for making time.",
                                          graph=graph)))
        named = "25 minutes" in reply["text"]
        seen.add(named)
        assert reply["route"] == "greeting"
        assert reply["facts"] == ([{"text": "The call is booked for 25 minutes.", "source": "call length"}]
                                  if named else [])
    assert seen == {True, False}  # both wordings came up, with and without the length


class FirstFactThenInvention:
    """A fake model that says its first fact, then invents a sentence the facts do not hold."""

    def __init__(self) -> None:
        self.said = ""

    def __call__(self, messages) -> str:  # type: ignore[no-untyped-def]
        import re as _re

        block = messages[-1]["content"].split("<facts>")[-1]
        self.said = _re.findall(r"^- (.+)$", block, _re.M)[0]
        return f"{self.said} I also worked at Google for 12 years in Zurich."


def test_sentences_that_pass_are_kept_and_the_first_that_fails_ends_the_reply(  # type: ignore[no-untyped-def]
        deps, fake_llm) -> None:
    from agent.voice.reply import ReplySpeech

    graph = make_graph(deps)
    model = FirstFactThenInvention()
    fake_llm.outcomes.append(model)
    thread = start_session(deps, request(bio=None), graph=graph)
    events = list(send_turn(deps, thread, "What does a typical week look like for you?", graph=graph))
    (reply,) = replies(events)
    assert reply["origin"] == "model" and reply["text"].endswith(model.said)
    assert "Google" not in reply["text"]
    speech = ReplySpeech()
    spoken = [s for e in events if e["type"] == "delta" for s in speech.feed(e["text"])]
    restart, rest = speech.finish(reply["text"])
    assert not restart and "Google" not in " ".join(spoken + rest)  # nothing said is taken back


def test_a_first_sentence_that_fails_is_never_shown_complete_and_the_facts_are_said(  # type: ignore[no-untyped-def]
        deps, fake_llm) -> None:
    from agent.voice.reply import ReplySpeech

    graph = make_graph(deps)
    fake_llm.outcomes.append("I worked at Google for 12 years in Zurich. Then I moved here.")
    thread = start_session(deps, request(bio=None), graph=graph)
    events = list(send_turn(deps, thread, "What does a typical week look like for you?", graph=graph))
    (reply,) = replies(events)
    assert reply["origin"] == "template" and "Google" not in reply["text"]
    speech = ReplySpeech()
    spoken = [s for e in events if e["type"] == "delta" for s in speech.feed(e["text"])]
    assert spoken == []  # the invented sentence was never complete on the page, so never spoken
    assert fake_llm.calls and len([e for e in events if e["type"] == "delta"]) < 10  # stopped early


@pytest.mark.parametrize("goodbye", [
    "Many thanks, this was a real help. Have a lovely evening.",
    "I appreciate it. Enjoy the rest of your weekend!",
    "Thanks again, take care.",
])
def test_a_parting_wish_is_a_closing_not_a_question(goodbye, deps, fake_llm) -> None:  # type: ignore[no-untyped-def]
    graph = make_graph(deps)
    fake_llm.outcomes.append(FactWords())
    thread = start_session(deps, request(), graph=graph)
    list(send_turn(deps, thread, OPENING, graph=graph))
    list(send_turn(deps, thread, "How did you get into data analysis?", graph=graph))
    (reply,) = replies(list(send_turn(deps, thread, goodbye, graph=graph)))
    assert reply["route"] == "goodbye"


def test_have_you_still_asks_and_an_opening_wish_is_not_a_goodbye(deps, fake_llm) -> None:  # type: ignore[no-untyped-def]
    from agent.mock.turns import asks_something

    assert asks_something("Have you ever worked outside a hospital")
    assert not asks_something("Have a good week.")
    graph = make_graph(deps)
    thread = start_session(deps, request(), graph=graph)
    (reply,) = replies(list(send_turn(
        deps, thread, "Hi Priya, I hope you have a good day so far. I'm Sam.", graph=graph)))
    assert reply["route"] == "greeting"


def test_walk_me_back_through_is_a_repeat_even_when_the_screen_misreads_it(  # type: ignore[no-untyped-def]
        deps, fake_llm) -> None:
    again = "Could you walk me back through the steps into analytics?"
    graph = make_graph(deps, flags={again: "job_request"})
    fake_llm.outcomes.extend([FactWords(), FactWords()])
    thread = start_session(deps, request(), graph=graph)
    list(send_turn(deps, thread, OPENING, graph=graph))
    (first,) = replies(list(send_turn(deps, thread, "How did you get into data analysis?", graph=graph)))
    (repeat,) = replies(list(send_turn(deps, thread, again, graph=graph)))
    assert repeat["route"] == "repeat"
    assert {f["text"] for f in repeat["facts"]} == {f["text"] for f in first["facts"]}


def test_a_question_about_the_employers_own_figures_is_declined_even_when_the_screen_passes_it(  # type: ignore[no-untyped-def]
        deps, fake_llm) -> None:
    graph = make_graph(deps)
    fake_llm.outcomes.extend([FactWords(), FactWords()])
    thread = start_session(deps, request(), graph=graph)
    list(send_turn(deps, thread, OPENING, graph=graph))
    (reply,) = replies(list(send_turn(deps, thread, "What were St. Mary's profits last year?", graph=graph)))
    assert reply["route"] == "decline_confidential_information"
    (reply,) = replies(list(send_turn(deps, thread, "How do hospital budgets shape your projects?",
                                      graph=graph)))
    assert reply["route"] == "answer"  # budgets in general, not the employer's figures


@pytest.mark.parametrize(("question", "declined"), [
    ("How much were St. Mary's profits last quarter?", True),
    ("What is your team's budget for next year?", True),
    ("How do hospitals usually set analytics budgets?", False),
])
def test_an_undecided_screen_about_the_contacts_own_employer_is_declined(  # type: ignore[no-untyped-def]
        question, declined, deps, fake_llm) -> None:
    graph = make_graph(deps, reviews={question: "confidential_information"})
    fake_llm.outcomes.append(FactWords())
    thread = start_session(deps, request(), graph=graph)
    list(send_turn(deps, thread, OPENING, graph=graph))
    (reply,) = replies(list(send_turn(deps, thread, question, graph=graph)))
    assert (reply["route"] == "decline_confidential_information") is declined


def test_a_reply_to_be_spoken_opens_with_an_acknowledgement_before_the_model(deps, fake_llm) -> None:  # type: ignore[no-untyped-def]
    from agent.mock.persona import ACKS

    graph = make_graph(deps)
    fake_llm.outcomes.extend([FactWords(), FactWords(), FactWords()])
    thread = start_session(deps, request(), graph=graph)
    list(send_turn(deps, thread, OPENING, graph=graph))
    spoken = []
    for question in ("How did you get into data analysis?", "Which tools do you use every day?"):
        events = list(send_turn(deps, thread, question, graph=graph, aloud=True))
        first = next(e for e in events if e["type"] == "delta")
        (reply,) = replies(events)
        assert first["text"] in ACKS  # shown before the model's first word
        assert reply["text"].startswith(first["text"]) and len(reply["text"]) > len(first["text"]) + 10
        spoken.append(first["text"])
    assert spoken[0] != spoken[1]  # two turns in a row do not open the same way
    (typed,) = replies(list(send_turn(deps, thread, "What skills matter most early on?", graph=graph)))
    assert not any(typed["text"].startswith(ack) for ack in ACKS)
    view = session_view(deps, thread, graph=graph)
    assert view is not None and view.transcript[3]["text"].startswith(spoken[0])


def test_a_greeting_that_asks_nothing_is_greeted_whatever_the_screen_says(deps, fake_llm) -> None:  # type: ignore[no-untyped-def]
    opening = "Hi, thanks for taking my call. I'm Sam, and I'm applying to analytics programmes this fall."
    graph = make_graph(deps, flags={opening: "job_request"})
    thread = start_session(deps, request(), graph=graph)
    (reply,) = replies(list(send_turn(deps, thread, opening, graph=graph)))
    assert reply["route"] == "greeting" and "?" in reply["text"]
    pitch = "Hi Priya, I'm Sam. Could you refer me for the analyst opening on your team?"
    graph = make_graph(deps, flags={pitch: "job_request"})
    thread = start_session(deps, request(), graph=graph)
    (reply,) = replies(list(send_turn(deps, thread, pitch, graph=graph)))
    assert reply["route"] == "decline_job_request"  # an opening that asks is still screened
