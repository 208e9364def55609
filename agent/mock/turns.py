"""Reading one user turn: what kind of line it is, what it asks, and how the screen sees it.

Sharp lexical cues decide the conversational moves (greeting, introduction, thanks, asking for
names, wrapping up); the question screen decides what not to ask; MiniLM similarity to an
exemplar bank decides whether a question is a minor one (office perks, logistics) rather than a
question about the work. Screening and the web-search check are passed in, so the feedback logic
can be tested without depending on the classifiers' accuracy.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from agent.errors import CoachError
from agent.mock.grounding import claims
from agent.mock.state import MAX_TURN_CHARS, Priority, ScreenView, TurnRecord
from agent.text.words import normalise, sentences, words

ScreenFn = Callable[[list[str]], list[Any]]
SearchableFn = Callable[[str], bool]
PriorityFn = Callable[[str], Priority]
SCREEN_MAX_CHARS = 480

GREETING = re.compile(r"^\W*(hi|hello|hey|good (morning|afternoon|evening)|dear|greetings)\b|"
                      r"\bnice to (meet|e-?meet|finally meet)\b", re.IGNORECASE)
NAMED_INTRO = re.compile(r"\b(?:[Mm]y name is|I'm|I am|[Tt]his is)\s+(?:[A-ZÀ-Ý][\w'’-]+)")
ROLE_INTRO = re.compile(
    r"\bi(?:'m| am) (?:a|an|currently|studying|working|finishing|graduating|in my|in the|on the)\b|"
    r"\bi (?:work|worked|study|studied|teach|manage|run|volunteer|graduate|just finished|have been|"
    r"'ve been|'ve spent|spent|write|am in|'m in)\b", re.IGNORECASE,
)
PURPOSE = re.compile(
    r"\b(explor\w*|interested in|curious about|thinking (?:about|of)|looking into|"
    r"learn(?:ing)? (?:more )?about|consider\w* (?:a )?(?:move|switch|change|career)|hoping to|"
    r"switch\w* (?:in)?to|mov(?:e|ing) into|transition\w*|trying to (?:learn|understand|decide))\b",
    re.IGNORECASE,
)
# The purpose clause of a self-introduction: "… a nurse exploring UX research" → "exploring UX research".
PURPOSE_CLAUSE = re.compile(
    r"\b((?:exploring|interested in|curious about|thinking about|looking into|considering|hoping to|"
    r"trying to|moving into|switching (?:in)?to|transitioning (?:in)?to|learning about)\b[^.?!]{3,80})",
    re.IGNORECASE)
PURPOSE_LEAD = re.compile(r"^(exploring|interested|curious|thinking|looking|considering|hoping|trying|"
                          r"moving|switching|transitioning|learning)\b", re.IGNORECASE)
THANKS = re.compile(r"\b(thank(?:s| you)|thx|appreciate[sd]?|grateful|cheers)\b", re.IGNORECASE)
REFERRAL_ASK = re.compile(
    r"\b(anyone|anybody|someone|somebody|who) else\b|"
    r"\bother (?:people|person|folks|colleagues|contacts|professionals)\b|"
    r"\b(?:know|recommend|suggest|think of)\w* (?:of )?(?:anyone|anybody|someone|somebody|another|"
    r"a colleague|a few people|people|one or two|a couple)\b|"
    r"\bintroduc\w* me\b|\b(?:talk|speak) (?:to|with) next\b|"
    r"\bnames? of (?:people|anyone|someone)\b",
    re.IGNORECASE,
)
NAME_PERMISSION = re.compile(
    r"\b(?:mention|use|drop|say|give)\w* your name\b|\bsay (?:that )?you (?:suggested|sent|referred)\b|"
    r"\btell them (?:that )?(?:you|we)\b", re.IGNORECASE,
)
WRAP_UP = re.compile(
    r"\b(bye|goodbye|talk soon|that'?s (?:all|everything|it)|that covers it|i'?ll let you go|"
    r"wrap (?:up|things up)|those are all my questions|that was my last question|take care)\b|"
    # A parting wish: "Have a good week", "Enjoy the rest of your afternoon".
    r"\bhave an? (?:\w+ )?(?:day|week|weekend|morning|afternoon|evening|night|one|rest of)\b|"
    r"\benjoy (?:the rest of )?your (?:day|week|weekend|morning|afternoon|evening)\b",
    re.IGNORECASE,
)
# A closing that asks only whether the user may stay in touch: answered with a yes and a goodbye.
FOLLOW_UP_ASK = re.compile(
    r"\b(follow(?:ing)? up|keep in touch|stay in touch|touch base|send you (?:a|my|an)\b|"
    r"email you|write to you|reach out (?:again|later|if)|connect (?:with you )?on linkedin|"
    r"check (?:back )?in with you)", re.IGNORECASE)
TIME_ACK = re.compile(
    r"\brespect your time\b|\b(?:we'?re|we are) (?:at|over|almost at|nearly at|close to|about at) "
    r"(?:time|the time|our time|\d+ minutes)\b|\bout of time\b|\brunning (?:out of|short on|over) "
    r"(?:time)?\b|\bkeep you (?:too long|longer)\b|\b(?:one|a) (?:last|more|final) (?:quick )?"
    r"question\b|\bmindful of (?:the |your )?time\b", re.IGNORECASE,
)
ASK_START = re.compile(
    r"^(what|how|why|when|where|who|whom|which|is|are|was|were|do|does|did|can|could|would|will|"
    r"should|tell me|describe|explain|walk me|any (?:advice|tips))\b|"
    # "Have you…" asks; "Have a good week" wishes.
    r"^ha(?:ve|s) (?!an?\b|fun\b|a\s)", re.IGNORECASE,
)
# What a line must mention to be a job ask when it asks nothing: the screen's classifier was built
# on questions, and reads thanks such as "for fitting me in" as a pitch.
JOB_WORDS = re.compile(
    r"\b(jobs?|positions?|openings?|vacanc\w*|hir(?:e|es|ed|ing)|résumé|resume|cv|refer(?:ral)?|"
    r"recommend me|put (?:a good )?word in|apply\w*|application|interview(?:s|ing)? (?:me|for|with)|"
    r"work (?:for|with) you|join (?:you|your)|on your team|employ\w*)\b", re.IGNORECASE)
KEYBOARD_ROWS = ("qwertyuiop", "asdfghjkl", "zxcvbnm", "1234567890")
COMMON = set(
    "a an the and or but of to in on at for with from by as is are was were be it this that i me my "
    "you your we our they he she what how why when where who which do did does can could would "
    "will should have has had not no yes so if about hi hello hey thanks thank ok okay please "
    "work job day field".split()
)


def _junk_token(token: str) -> bool:
    t = token.lower()
    if len(t) >= 3 and len(set(t)) == 1:
        return True
    if len(t) >= 3 and any(t in row or t in row[::-1] for row in KEYBOARD_ROWS):
        return True
    return len(t) >= 3 and not re.search(r"[aeiouy]", t)


def is_gibberish(text: str) -> bool:
    """Keyboard mashing or punctuation only: nothing a listener could answer."""
    tokens = words(text)
    if not tokens:
        return bool(text.strip())
    if any(t.lower() in COMMON for t in tokens):
        return False
    return sum(_junk_token(t) for t in tokens) * 2 >= len(tokens)


def question_part(text: str) -> str:
    """The sentences that ask something; the whole text when none does."""
    asked = [s for s in sentences(text) if s.rstrip().endswith("?") or ASK_START.match(s)]
    return " ".join(asked) or text


def asks_something(text: str) -> bool:
    return "?" in text or any(ASK_START.match(s) for s in sentences(text))


def _signature(text: str) -> tuple[str, ...]:
    return tuple(w.lower() for w in words(normalise(text)))


def find_repeat(text: str, earlier: Sequence[str]) -> int | None:
    """Index of an earlier turn that says the same thing (same words, or nearly all the same)."""
    mine = _signature(text)
    if len(mine) < 3:
        return None
    for index, previous in enumerate(earlier):
        theirs = _signature(previous)
        if not theirs:
            continue
        if mine == theirs:
            return index
        a, b = set(mine), set(theirs)
        if len(a) >= 4 and len(a & b) / len(a | b) >= 0.85:
            return index
    return None


# "Sorry, how was it again that you got into product?": a user who asks again says so.
REMINDER = re.compile(r"\b(again|remind me|did you say|you (?:said|mentioned)|go (?:back )?over|"
                      r"once more|one more time|(?:walk|take|run|talk) me back through|recap)\b",
                      re.IGNORECASE)
# Cosines between a question and an earlier one (MiniLM, question parts), chosen on the persona
# eval's dev half: reworded repeats with a reminder scored 0.39-0.79 and lines without one that
# were not repeats at most 0.68; a repeat without a reminder must be nearly the same question.
REPEAT_WITH_REMINDER = 0.35
REPEAT_WITHOUT_REMINDER = 0.8


def semantic_repeat(text: str, earlier: Sequence[tuple[int, str]], encoder: Any) -> int | None:
    """Index of the earlier question this one asks again in other words, or None. `earlier` holds
    (turn index, text) of the earlier turns that asked something."""
    if not earlier or not asks_something(text):
        return None
    mine = claims(text)  # numbers and names: "topic 4" is not "topic 0", "at Google" not "at Meta"
    earlier = [(i, t) for i, t in earlier if claims(t) <= mine or not mine]
    if not earlier:
        return None
    bar = REPEAT_WITH_REMINDER if REMINDER.search(text) else REPEAT_WITHOUT_REMINDER
    vectors = encoder.encode([question_part(text), *(question_part(t) for _, t in earlier)])
    sims = vectors[1:] @ vectors[0]
    best = int(np.argmax(sims))
    return earlier[best][0] if float(sims[best]) >= bar else None



def screen_view(result: Any) -> ScreenView:
    return {"verdict": str(getattr(result, "verdict", "ok")),
            "category": getattr(result, "category", None),
            "reason": str(getattr(result, "reason", "") or ""),
            "rewrite": getattr(result, "rewrite", None) or None}


@dataclass
class TurnReader:
    """Builds a `TurnRecord` for each user line; the classifiers are injected."""

    screen: ScreenFn
    searchable: SearchableFn
    priority: PriorityFn

    def warm(self) -> None:
        """Load the classifiers now (at session start) rather than on the user's first turn."""
        probe = "How did you get into this line of work?"
        try:
            self.screen([probe])
            self.searchable(probe)
            self.priority(probe)
        except CoachError:
            pass

    def read(self, text: str, index: int, earlier: Sequence[str], *,
             need_priority: bool = True) -> TurnRecord:
        """Analyse one line. `need_priority` can be off once a question about the work has been
        asked: after that, whether a question is minor no longer matters to the feedback."""
        text = text.strip()[:MAX_TURN_CHARS]
        record: TurnRecord = {
            "index": index, "text": text, "kind": "statement", "asks": False, "greeting": False,
            "self_intro": False, "purpose": False, "thanks": False, "referral_ask": False,
            "name_permission": False, "wrap_up": False, "time_ack": False, "repeat_of": None,
            "screen": None, "web_searchable": False, "priority": None,
        }
        if not text:
            record["kind"] = "empty"
            return record
        if is_gibberish(text):
            record["kind"] = "gibberish"
            return record
        asks = asks_something(text)
        record.update({
            "kind": "question" if asks else "statement",
            "asks": asks,
            "greeting": bool(GREETING.search(text)),
            "self_intro": bool(NAMED_INTRO.search(text) or ROLE_INTRO.search(text)),
            "purpose": bool(PURPOSE.search(text)),
            "thanks": bool(THANKS.search(text)),
            "name_permission": bool(NAME_PERMISSION.search(text)),
            "wrap_up": bool(WRAP_UP.search(text)),
            "time_ack": bool(TIME_ACK.search(text)),
            "repeat_of": find_repeat(text, earlier),
        })
        screen = self._screen(text)
        if (not asks and screen["verdict"] == "flag" and screen["category"] == "job_request"
                and not JOB_WORDS.search(text)):
            screen = {"verdict": "ok", "category": None, "rewrite": None,
                      "reason": "a statement that mentions no job, so not a job ask"}
        record["screen"] = screen
        flagged = screen is not None and screen["verdict"] == "flag"
        record["referral_ask"] = (bool(REFERRAL_ASK.search(text)) and not (
            flagged and screen is not None and screen["category"] == "job_request"))
        if asks and not flagged and not record["referral_ask"]:
            asked = question_part(text)
            record["web_searchable"] = bool(self.searchable(asked))
            if record["web_searchable"]:
                record["priority"] = "web"
            elif need_priority:
                record["priority"] = self.priority(asked)
        return record


    def _screen(self, text: str) -> ScreenView:
        """Screen the turn (its questions only, when it is long); fail closed if it cannot."""
        target = text if len(text) <= SCREEN_MAX_CHARS else question_part(text)[:SCREEN_MAX_CHARS]
        try:
            results = self.screen([target])
        except CoachError as exc:
            return {"verdict": "review", "category": None, "reason": f"not screened: {exc}",
                    "rewrite": None}
        if not results:
            return {"verdict": "review", "category": None, "reason": "not screened", "rewrite": None}
        return screen_view(results[0])


class ExemplarPriority:
    """Minor question (perks, logistics) vs a question about the work, by nearest exemplars.

    Minor exemplars come from `knowledge/exemplars/mock_turns.jsonl`; questions about the work are
    the question bank's entries worth asking (value 3 and up). A question is minor only when it is
    clearly nearer the minor bank, so unusual questions about the work are never demoted.
    """

    MIN_SIMILARITY = 0.40
    MARGIN = 0.03

    def __init__(self, encoder: Any, minor: np.ndarray, core: np.ndarray) -> None:
        self.encoder = encoder
        self.minor = minor
        self.core = core

    def __call__(self, question: str) -> Priority:
        if not len(self.minor):
            return "core"
        vector = self.encoder.encode([question])[0]
        best_minor = float((self.minor @ vector).max())
        best_core = float((self.core @ vector).max()) if len(self.core) else 0.0
        if best_minor >= self.MIN_SIMILARITY and best_minor > best_core + self.MARGIN:
            return "minor"
        return "core"


def load_priority(vectors: Any, encoder: Any) -> ExemplarPriority:
    """Build the scorer from vectors already in the index (nothing is re-embedded)."""
    docs, vecs, metas = vectors.all_items("exemplars")
    minor = [i for i, m in enumerate(metas)
             if m.get("bank") == "mock_turns" and m.get("label") == "minor_question"]
    qdocs, qvecs, qmetas = vectors.all_items("questions")
    core = [i for i, m in enumerate(qmetas)
            if m.get("bank") == "bank" and int(m.get("value", 0) or 0) >= 3
            and m.get("family") != "referrals"]
    dim = encoder.dim if getattr(encoder, "dim", 0) else (vecs.shape[1] if len(docs) else 384)
    return ExemplarPriority(
        encoder,
        vecs[minor] if minor else np.zeros((0, dim), dtype=np.float32),
        qvecs[core] if core else np.zeros((0, dim), dtype=np.float32),
    )
