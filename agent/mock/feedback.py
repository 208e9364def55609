"""Coaching feedback after a rehearsal: deterministic checks over the analysed turns.

Every flag, strength and improvement cites the user turns it is about, so the user can scroll back
and see what happened. The rules come from career-centre practice: never ask for a job, nor what
the person earns, nor confidential or private matters (Schofield; Louisville; Udacity career
material); open with who you are and why (Steve Dalton's small talk → questions → next steps);
ask the important questions first and do not spend the time on what a web search answers; ask
who else to talk to (Richard Bolles); keep to the agreed time (Pomona College; RCEL); thank them.
The model may only word the closing summary, and only when its words stay within these facts.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from agent.mock.state import Feedback, FlaggedTurn, Objective, Point, TurnRecord
from agent.text.words import stem, word_count, words

SCREEN_KINDS = ("job_request", "personal_compensation", "confidential_information",
                "politics_religion", "personal_life", "negativity")
DETAIL = {
    "job_request": "Asking for a job or a résumé hand-off turns a learning conversation into a pitch; "
                   "ask how people usually get into the field instead.",
    "personal_compensation": "What this person earns is too personal to ask; the typical range in the "
                             "field is fine to ask about.",
    "confidential_information": "Margins, unreleased products and internal plans are confidential; if it "
                                "slips out, apologise and move on.",
    "politics_religion": "Personal politics and religion do not belong in a professional conversation.",
    "personal_life": "Their private life is off limits; keep the questions on their work.",
    "negativity": "Complaining about an employer or fishing for gossip reflects on you; stay neutral "
                  "and positive.",
    "no_introduction": "The call opened without saying who you are; start with a greeting, your name, "
                       "and what you are exploring before the first question.",
    "no_thanks": "The call ended without a thank-you; thank them for their time before you hang up.",
    "no_referral_ask": "You never asked who else to talk to; ask for a name or two and whether you may "
                       "mention them.",
    "over_time": "The call ran past the agreed {limit} minutes (about {elapsed:.1f} min by the "
                 "rehearsal clock) and carried on; when time is up, say so and offer to stop.",
    "low_priority_first": "A minor question came before any question about their work; ask your "
                          "most important questions first.",
    "web_searchable": "A web search answers this; look it up beforehand and spend the call on what "
                      "only they can tell you.",
}
ADVICE = {
    "job_request": "Keep the call about learning the field: no job or résumé requests",
    "personal_compensation": "Ask about typical pay in the field, never their own salary",
    "confidential_information": "Stay away from company-confidential matters",
    "politics_religion": "Leave politics and religion out",
    "personal_life": "Keep personal-life questions out",
    "negativity": "Keep complaints about employers out of the conversation",
    "no_introduction": "Open with your name and what you are exploring",
    "no_thanks": "Close by thanking them for their time",
    "no_referral_ask": "Before you finish, ask who else you should talk to",
    "over_time": "Watch the clock and offer to stop at the agreed time",
    "low_priority_first": "Put your most important questions first",
    "web_searchable": "Research facts a web search answers before the call",
}


def _substantive(turns: Sequence[TurnRecord]) -> list[TurnRecord]:
    return [t for t in turns if t.get("kind") in ("question", "statement")]


def _flag(turn: TurnRecord, kind: str, detail: str) -> FlaggedTurn:
    return FlaggedTurn(turn=turn["index"], kind=kind, text=turn.get("text", ""),  # type: ignore[arg-type]
                       detail=detail)


def _screen_flags(turns: Sequence[TurnRecord]) -> list[FlaggedTurn]:
    flags = []
    for t in turns:
        screen = t.get("screen")
        if screen and screen.get("verdict") == "flag" and screen.get("category") in SCREEN_KINDS:
            kind = str(screen["category"])
            detail = DETAIL[kind]
            rewrite = screen.get("rewrite")
            if rewrite:
                detail += f" Try instead: “{rewrite}”"
            flags.append(_flag(t, kind, detail))
    return flags


def _closing_window(said: list[TurnRecord]) -> list[TurnRecord]:
    if len(said) <= 1:
        return said
    return said[1:][-2:]


def over_time_turn(said: Sequence[TurnRecord], limit: int) -> TurnRecord | None:
    """The first turn that carried the call past the agreed time, unless it was wrapping up."""
    for t in said:
        if t.get("minutes_after", 0.0) > limit + 1e-9:
            closing = (t.get("wrap_up") or t.get("time_ack") or t.get("route") == "goodbye"
                       or (t.get("thanks") and not t.get("asks")))
            if not closing:
                return t
    return None


def low_priority_turns(said: Sequence[TurnRecord]) -> list[TurnRecord]:
    """Minor or web-searchable questions asked before the first question about the work."""
    early = []
    for t in said:
        priority = t.get("priority")
        if priority == "core":
            break
        if priority in ("minor", "web"):
            early.append(t)
    return early


def check_turns(turns: Sequence[TurnRecord], limit: int) -> list[FlaggedTurn]:
    """Every flag, in turn order: what was asked, how the call opened, closed and kept time."""
    said = _substantive(turns)
    flags = _screen_flags(turns)
    if not said:
        return flags
    opening, last = said[0], said[-1]
    if not opening.get("self_intro"):
        flags.append(_flag(opening, "no_introduction", DETAIL["no_introduction"]))
    if not any(t.get("thanks") for t in _closing_window(said)):
        flags.append(_flag(last, "no_thanks", DETAIL["no_thanks"]))
    if not any(t.get("referral_ask") for t in said):
        flags.append(_flag(last, "no_referral_ask", DETAIL["no_referral_ask"]))
    late = over_time_turn(said, limit)
    if late is not None:
        flags.append(_flag(late, "over_time", DETAIL["over_time"].format(
            limit=limit, elapsed=late.get("minutes_after", 0.0))))
    for t in low_priority_turns(said):
        flags.append(_flag(t, "low_priority_first", DETAIL["low_priority_first"]))
    for t in said:
        if t.get("web_searchable"):
            flags.append(_flag(t, "web_searchable", DETAIL["web_searchable"]))
    order = list(DETAIL)
    return sorted(flags, key=lambda f: (f.turn, order.index(f.kind)))


def _strengths(turns: Sequence[TurnRecord], flags: list[FlaggedTurn], limit: int) -> list[Point]:
    said = _substantive(turns)
    if not said:
        return []
    kinds = {f.kind for f in flags}
    points = []
    opening = said[0]
    if opening.get("self_intro") and opening.get("purpose"):
        points.append(Point(text="Introduced yourself and what you are exploring at the start.",
                            turns=[opening["index"]]))
    elif opening.get("self_intro"):
        points.append(Point(text="Introduced yourself at the start.", turns=[opening["index"]]))
    first_core = next((t for t in said if t.get("priority") == "core"), None)
    if first_core is not None and "low_priority_first" not in kinds:
        points.append(Point(text="Led with a question about their work rather than logistics.",
                            turns=[first_core["index"]]))
    referral = [t["index"] for t in said if t.get("referral_ask")]
    if referral:
        points.append(Point(text="Asked who else you could talk to.", turns=referral))
    permission = [t["index"] for t in said if t.get("name_permission")]
    if permission:
        points.append(Point(text="Asked permission to mention their name.", turns=permission))
    closing_thanks = [t["index"] for t in _closing_window(said) if t.get("thanks")]
    if closing_thanks:
        points.append(Point(text="Thanked them at the close.", turns=closing_thanks))
    used = said[-1].get("minutes_after", 0.0)
    if "over_time" not in kinds and used:
        points.append(Point(text=f"Kept within the agreed {limit} minutes (about {used:.1f} min).",
                            turns=[said[-1]["index"]]))
    asked = [t["index"] for t in said if t.get("asks")]
    if asked and not kinds & set(SCREEN_KINDS):
        points.append(Point(text="Every question stayed on appropriate ground: nothing personal, "
                                 "confidential or job-seeking.", turns=asked))
    return points


def _improvements(turns: Sequence[TurnRecord], flags: list[FlaggedTurn]) -> list[Point]:
    points = []
    by_kind: dict[str, list[int]] = {}
    for f in flags:
        by_kind.setdefault(f.kind, []).append(f.turn)
    for kind, cited in by_kind.items():
        label = "turn" if len(cited) == 1 else "turns"
        points.append(Point(text=f"{ADVICE[kind]} ({label} {', '.join(map(str, cited))}).",
                            turns=cited))
    said = _substantive(turns)
    if said and said[0].get("self_intro") and not said[0].get("purpose"):
        points.append(Point(text="Say in a sentence what you are exploring, so they can tailor "
                                 "their answers.", turns=[said[0]["index"]]))
    repeats = [t["index"] for t in said if t.get("repeat_of") is not None]
    if repeats:
        points.append(Point(text="Some questions repeated an earlier one; note the answer and move "
                                 "to the next question on your list.", turns=repeats))
    return points


TALK_SHARE_MAX = 0.4  # an informational interview is the contact's talk
LONG_TURN_WORDS = 40
OBJECTIVE_SERVES = 0.45  # a question serves the objective when this close to it
OBJECTIVE_ANSWERED = 0.40  # …and the reply answered it when one of its facts is this close


def talk_share(transcript: Sequence[dict[str, Any]]) -> float:
    """The user's share of all words spoken in the rehearsal (0..1)."""
    mine = sum(word_count(str(m.get("text", ""))) for m in transcript if m.get("role") == "user")
    theirs = sum(word_count(str(m.get("text", ""))) for m in transcript if m.get("role") != "user")
    return round(mine / (mine + theirs), 3) if mine + theirs else 0.0


def long_turns(turns: Sequence[TurnRecord]) -> list[int]:
    return [t["index"] for t in turns if word_count(t.get("text", "")) > LONG_TURN_WORDS]


def objective_check(objective: str, turns: Sequence[TurnRecord], transcript: Sequence[dict[str, Any]],
                    encoder: Any) -> Objective:
    """Did the questions asked serve the one thing the user wanted to learn? Each question is
    compared with the objective; a serving question counts fully when the contact's answer drew on a
    fact about it too."""
    asked = [t for t in turns if t.get("asks")]
    if not asked:
        return Objective(met="no", turns=[], reason="No questions were asked.")
    vectors = encoder.encode([objective, *(t.get("text", "") for t in asked)])
    goal, sims = vectors[0], vectors[1:] @ vectors[0]
    serving = [t for t, s in zip(asked, sims, strict=True) if float(s) >= OBJECTIVE_SERVES]
    if not serving:
        best = asked[int(sims.argmax())]
        return Objective(met="no", turns=[], reason=(
            f"None of the questions went to it; the closest was turn {best['index']} "
            f"(“{best.get('text', '')[:80]}”). Ask about it directly, early in the call."))
    answered = []
    for t in serving:
        position = 2 * t["index"] + 1
        facts = transcript[position].get("facts", []) if position < len(transcript) else []
        if facts and float((encoder.encode([f["text"] for f in facts]) @ goal).max()) >= OBJECTIVE_ANSWERED:
            answered.append(t["index"])
    cited = [t["index"] for t in serving]
    if answered:
        return Objective(met="yes", turns=cited, reason=(
            f"Turn {', '.join(map(str, cited))} asked about it, and the answer covered it."))
    return Objective(met="partly", turns=cited, reason=(
        f"Turn {', '.join(map(str, cited))} touched on it, but the answers stayed general; ask a "
        "sharper follow-up about exactly what you want to know."))


def build_feedback(turns: Sequence[TurnRecord], limit: int, *,
                   transcript: Sequence[dict[str, Any]] = (), objective: str | None = None,
                   encoder: Any | None = None) -> Feedback:
    """Flags, strengths and improvements; the summary is worded separately."""
    flags = check_turns(turns, limit)
    said = _substantive(turns)
    used = float(said[-1].get("minutes_after", 0.0)) if said else 0.0
    share = talk_share(transcript)
    improvements = _improvements(turns, flags)
    if share > TALK_SHARE_MAX:
        long = long_turns(said)
        where = f" (longest: turn {', '.join(map(str, long))})" if long else ""
        improvements.append(Point(
            text=f"You did {share:.0%} of the talking; let them talk, keep your turns short{where}.",
            turns=long))
    goal = objective_check(objective, said, transcript, encoder) if objective and encoder is not None \
        else None
    if goal is not None and goal.met != "yes":
        improvements.append(Point(text=f"Your objective was not fully met: {goal.reason}", turns=goal.turns))
    feedback = Feedback(strengths=_strengths(turns, flags, limit), improvements=improvements,
                        flagged=flags, minutes_used=round(used, 1), minutes_agreed=limit,
                        talk_share=share, objective=goal)
    feedback.summary = template_summary(feedback, questions=sum(bool(t.get("asks")) for t in said))
    return feedback


def template_summary(feedback: Feedback, *, questions: int) -> str:
    """The summary every session gets; the model may reword it, never add to it."""
    head = (f"You asked {questions} question{'s' if questions != 1 else ''} in about "
            f"{feedback.minutes_used:.1f} of {feedback.minutes_agreed} minutes.")
    good = "; ".join(p.text.rstrip(".").lower() for p in feedback.strengths[:3])
    work = "; ".join(p.text.split(" (turn")[0].rstrip(".").lower() for p in feedback.improvements[:3])
    parts = [head]
    if good:
        parts.append(f"Went well: {good}.")
    parts.append(f"To work on: {work}." if work else "Nothing to fix: a well-run conversation.")
    return " ".join(parts)


def summary_facts(feedback: Feedback) -> str:
    """The facts the model may use, one per line."""
    lines = [f"- minutes used: {feedback.minutes_used:.1f} of {feedback.minutes_agreed}"]
    lines += [f"- went well: {p.text}" for p in feedback.strengths]
    lines += [f"- to improve: {p.text}" for p in feedback.improvements]
    return "\n".join(lines)


SUMMARY_WORDS = set(
    "you your yours we i it its this that these those a an the and or but so of to in on at for with "
    "from by as is are was were be been has have had do did not no next time great good well nice "
    "strong overall keep kept remember try also work worked working call conversation rehearsal "
    "interview contact person them they their questions question asked asking ask job done "
    "practice focus clear really very more most some all each every one two first last".split()
)
BREAKS_ROLE = re.compile(r"\b(as an ai|language model|assistant|json|facts? (above|below))\b", re.IGNORECASE)


def summary_problems(text: str, facts: str) -> list[str]:
    """Why a model-worded summary cannot be shown: length, role breaks, or words not in the facts."""
    problems = []
    n = word_count(text)
    if n < 12 or n > 100:
        problems.append("length")
    if BREAKS_ROLE.search(text):
        problems.append("breaks_role")
    allowed = {stem(w) for w in words(facts)} | {stem(w) for w in SUMMARY_WORDS}
    new = {stem(w) for w in words(text) if len(w) > 2} - allowed
    if new:
        problems.append("ungrounded: " + ", ".join(sorted(new)[:5]))
    numbers = set(re.findall(r"\d+(?:\.\d+)?", text)) - set(re.findall(r"\d+(?:\.\d+)?", facts))
    if numbers:
        problems.append("new numbers")
    return problems
