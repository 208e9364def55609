"""How a turn was spoken: pace, filler words and long pauses, and the feedback built from them.

Pure functions over what the recognizer heard and where the speech was, so every figure is tested on
known inputs. The definitions:

* **Pace** — words per minute over the speaking time, from the start of the first speech to the end of
  the last (pauses inside count; silence before and after does not). "um"/"uh" are not words.
  A turn needs at least `PACE_MIN_WORDS` words for its pace to be judged.
* **Fillers** — "um" (um, umm, uhm, erm, hmm), "uh" (uh, uhh, er), "like" and "you know" used as
  fillers, told apart from the verb and the preposition by their neighbours ("what do you like",
  "looks like a", "do you know anyone" are not fillers; "it's like hard", "like, the", "you know,"
  are). Whisper tiny.en drops many fillers even with its prompt, so the counts are a floor.
* **Long pauses** — silences of `LONG_PAUSE` seconds or more between two stretches of speech in the
  same turn (Silero VAD), not the silence before the user starts or after they stop.

The bands (`PACE_SLOW`-`PACE_FAST` words per minute, `FILLER_RATE` per 100 words) are this project's
choices for a conversational question, not a standard.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any, TypedDict

from pydantic import BaseModel, Field

LONG_PAUSE = 2.0
PACE_SLOW = 110.0
PACE_FAST = 170.0
PACE_MIN_WORDS = 8
FILLER_RATE = 3.0  # filler words per 100 words above which they are worth working on
MIN_SPEAKING_SECONDS = 1.0
FILLER_KINDS = ("um", "uh", "like", "you know")
UM = frozenset("um umm ummm uhm uhmm erm hmm hm mm mmm".split())
UH = frozenset("uh uhh uhhh er err".split())
LIKE_IS_A_VERB_AFTER = frozenset(
    "i you we they he she would i'd you'd we'd they'd do does did don't doesn't didn't feel feels felt "
    "look looks looked looking sound sounds sounded seem seems seemed something anything nothing "
    "everything things stuff much more really also it not to might will people someone somebody "
    "exactly kind sort".split())
LIKE_TAKES_AN_OBJECT = frozenset(
    "a an the this that these those my your his her our their its me you him us them it to what how "
    "when where who being working doing having some any each every other one someone something anyone "
    "anything people i we they she he".split())
KNOW_IS_A_VERB_AFTER = frozenset(
    "do did does don't didn't would if as could might will may whether what who how when i".split())
KNOW_TAKES_AN_OBJECT = frozenset(
    "what who where how if whether that about of the a an anyone someone any some my your his her "
    "anybody somebody".split())
TOKEN = re.compile(r"[A-Za-z]+(?:['’][A-Za-z]+)*|[,.;:!?…—–-]")
WORDISH = re.compile(r"[A-Za-z]")
CLAUSE_END = frozenset(".;:!?…")


class Pause(TypedDict):
    at: float
    seconds: float


class TurnSpeech(TypedDict):
    """The figures of one spoken turn, as stored with the rehearsal."""

    heard: str
    seconds: float
    speaking_seconds: float
    words: int
    words_per_minute: float | None
    fillers: dict[str, int]
    pauses: list[Pause]


def _tokens(text: str) -> list[str]:
    return [t.lower().replace("’", "'") for t in TOKEN.findall(text)]


def _neighbours(tokens: list[str], i: int, j: int) -> tuple[str | None, str | None, str | None, str | None]:
    """(word before, punctuation just before, punctuation just after, word after) of tokens[i..j]."""
    before_punct = tokens[i - 1] if i > 0 and not WORDISH.match(tokens[i - 1]) else None
    k = i - 1
    while k >= 0 and not WORDISH.match(tokens[k]):
        k -= 1
    before = tokens[k] if k >= 0 and (before_punct is None or before_punct == ",") else None
    after_punct = tokens[j + 1] if j + 1 < len(tokens) and not WORDISH.match(tokens[j + 1]) else None
    after = tokens[j + 1] if j + 1 < len(tokens) and after_punct is None else None
    return before, before_punct, after_punct, after


def _like_is_filler(tokens: list[str], i: int) -> bool:
    before, before_punct, after_punct, after = _neighbours(tokens, i, i)
    verb = before_punct is None and before in LIKE_IS_A_VERB_AFTER  # "you like", "looks like"
    if after_punct == ",":
        return not verb
    if after is None or verb or after in LIKE_TAKES_AN_OBJECT:
        return False
    return True


def _you_know_is_filler(tokens: list[str], i: int) -> bool:
    before, before_punct, after_punct, after = _neighbours(tokens, i, i + 1)
    if before_punct is None and before in KNOW_IS_A_VERB_AFTER:  # "do you know", "if you know"
        return False
    if after is None:
        return True  # "…, you know." / "you know, …"
    if before_punct == "," or before is None:
        return after not in KNOW_TAKES_AN_OBJECT
    return False


def filler_counts(text: str) -> dict[str, int]:
    """Filler words by kind (only the kinds that occur)."""
    tokens = _tokens(text)
    counts = dict.fromkeys(FILLER_KINDS, 0)
    for i, token in enumerate(tokens):
        if token in UM:
            counts["um"] += 1
        elif token in UH:
            counts["uh"] += 1
        elif token == "like" and _like_is_filler(tokens, i):
            counts["like"] += 1
        elif token == "you" and i + 1 < len(tokens) and tokens[i + 1] == "know" \
                and _you_know_is_filler(tokens, i):
            counts["you know"] += 1
    return {k: v for k, v in counts.items() if v}


def word_total(text: str) -> int:
    """Words spoken, leaving out 'um' and 'uh' sounds."""
    return sum(1 for t in _tokens(text) if WORDISH.match(t) and t not in UM and t not in UH)


def long_pauses(spans: Sequence[tuple[float, float]], threshold: float = LONG_PAUSE) -> list[Pause]:
    """Silences of at least `threshold` seconds between consecutive stretches of speech."""
    ordered = sorted(spans)
    found: list[Pause] = []
    for (_, end), (start, _) in zip(ordered, ordered[1:], strict=False):
        gap = start - end
        if gap >= threshold:
            found.append(Pause(at=round(end, 2), seconds=round(gap, 2)))
    return found


def measure_turn(heard: str, spans: Sequence[tuple[float, float]], seconds: float) -> TurnSpeech:
    """The figures of one recording from what was heard and where the speech was."""
    words = word_total(heard)
    speaking = (max(e for _, e in spans) - min(s for s, _ in spans)) if spans else 0.0
    wpm = words / (speaking / 60) if speaking >= MIN_SPEAKING_SECONDS and words else None
    return TurnSpeech(heard=heard, seconds=round(seconds, 2), speaking_seconds=round(speaking, 2),
                      words=words, words_per_minute=round(wpm, 1) if wpm is not None else None,
                      fillers=filler_counts(heard), pauses=long_pauses(spans))


class SpokenTurn(BaseModel):
    turn: int = Field(..., description="0-based index of the user turn")
    words: int
    speaking_seconds: float
    words_per_minute: float | None
    fillers: dict[str, int] = Field(default_factory=dict)
    long_pauses: list[float] = Field(default_factory=list, description="Seconds of each long pause")


class SpeechPoint(BaseModel):
    text: str
    turns: list[int] = Field(default_factory=list, description="0-based user turn indexes")


class SpeechFeedback(BaseModel):
    """How the spoken turns sounded; only turns that were recorded count."""

    turns: list[SpokenTurn] = Field(default_factory=list)
    words_per_minute: float | None = Field(default=None, description="All words over all speaking time")
    fillers: dict[str, int] = Field(default_factory=dict, description="Filler words by kind, all turns")
    fillers_per_100_words: float = 0.0
    long_pauses: int = 0
    strengths: list[SpeechPoint] = Field(default_factory=list)
    improvements: list[SpeechPoint] = Field(default_factory=list)
    note: str = ("Filler counts are a floor: the offline recognizer (Whisper tiny.en) leaves out "
                 "some of them.")

    def headline(self) -> str:
        """One line of figures: spoken turns, pace, filler words and long pauses."""
        n, fillers = len(self.turns), sum(self.fillers.values())
        pace = f"{self.words_per_minute:.0f} words per minute" if self.words_per_minute else "pace n/a"
        return (f"{n} spoken turn{'s' if n != 1 else ''} · {pace} · {fillers} filler "
                f"word{'s' if fillers != 1 else ''} · {self.long_pauses} long "
                f"pause{'s' if self.long_pauses != 1 else ''}")


def _cite(turns: Sequence[int]) -> str:
    return f"turn{'s' if len(turns) > 1 else ''} {', '.join(map(str, turns))}"


def _times(fillers: Mapping[str, int]) -> str:
    return ", ".join(f"“{k}” ×{v}" for k, v in sorted(fillers.items(), key=lambda kv: (-kv[1], kv[0])))


def speech_feedback(per_turn: Mapping[str, Mapping[str, Any]] | None) -> SpeechFeedback | None:
    """Feedback on pace, fillers and pauses of the spoken turns (keyed by turn index), or None
    when no turn was spoken."""
    if not per_turn:
        return None
    turns = [SpokenTurn(turn=int(k), words=int(v.get("words", 0)),
                        speaking_seconds=float(v.get("speaking_seconds", 0.0)),
                        words_per_minute=v.get("words_per_minute"), fillers=dict(v.get("fillers") or {}),
                        long_pauses=[float(p["seconds"]) for p in v.get("pauses") or []])
             for k, v in sorted(per_turn.items(), key=lambda kv: int(kv[0]))]
    words = sum(t.words for t in turns)
    speaking = sum(t.speaking_seconds for t in turns)
    fillers: dict[str, int] = {}
    for t in turns:
        for kind, n in t.fillers.items():
            fillers[kind] = fillers.get(kind, 0) + n
    n_fillers = sum(fillers.values())
    pace = words / (speaking / 60) if speaking >= MIN_SPEAKING_SECONDS and words else None
    feedback = SpeechFeedback(
        turns=turns, words_per_minute=round(pace, 1) if pace is not None else None,
        fillers=fillers, fillers_per_100_words=round(100 * n_fillers / words, 1) if words else 0.0,
        long_pauses=sum(len(t.long_pauses) for t in turns),
    )
    _pace_points(feedback)
    _filler_points(feedback, n_fillers, words)
    _pause_points(feedback)
    return feedback


def _pace_points(feedback: SpeechFeedback) -> None:
    judged = [t for t in feedback.turns if t.words >= PACE_MIN_WORDS and t.words_per_minute is not None]
    if not judged:
        return
    fast = [t for t in judged if (t.words_per_minute or 0) > PACE_FAST]
    slow = [t for t in judged if (t.words_per_minute or 0) < PACE_SLOW]
    if fast:
        rate = round(max(t.words_per_minute or 0 for t in fast))
        feedback.improvements.append(SpeechPoint(
            text=f"You spoke fast in {_cite([t.turn for t in fast])} (up to {rate} words per minute); "
                 f"slow down to {PACE_SLOW:.0f}–{PACE_FAST:.0f} so they can follow.",
            turns=[t.turn for t in fast]))
    if slow:
        rate = round(min(t.words_per_minute or 0 for t in slow))
        feedback.improvements.append(SpeechPoint(
            text=f"You spoke slowly in {_cite([t.turn for t in slow])} (down to {rate} words per "
                 "minute); knowing your questions well keeps the pace up.",
            turns=[t.turn for t in slow]))
    if not fast and not slow:
        feedback.strengths.append(SpeechPoint(
            text=f"An easy pace to follow: {feedback.words_per_minute:.0f} words per minute over your "
                 "spoken turns.", turns=[t.turn for t in judged]))


def _filler_points(feedback: SpeechFeedback, n_fillers: int, words: int) -> None:
    with_fillers = [t.turn for t in feedback.turns if t.fillers]
    if n_fillers and feedback.fillers_per_100_words >= FILLER_RATE:
        feedback.improvements.append(SpeechPoint(
            text=f"Filler words: {_times(feedback.fillers)} in {_cite(with_fillers)} "
                 f"({feedback.fillers_per_100_words:.1f} per 100 words); a short silent pause sounds "
                 "more confident.", turns=with_fillers))
    elif n_fillers:
        feedback.strengths.append(SpeechPoint(
            text=f"Few filler words: {_times(feedback.fillers)} in {_cite(with_fillers)}.",
            turns=with_fillers))
    elif words >= 20:
        feedback.strengths.append(SpeechPoint(
            text="No filler words heard.", turns=[t.turn for t in feedback.turns]))


def _pause_points(feedback: SpeechFeedback) -> None:
    paused = [t for t in feedback.turns if t.long_pauses]
    if not paused:
        return
    detail = ", ".join(f"{t.turn} ({max(t.long_pauses):.1f} s)" for t in paused)
    feedback.improvements.append(SpeechPoint(
        text=f"Long pauses ({LONG_PAUSE:.0f} s or more) in turn{'s' if len(paused) > 1 else ''} {detail}; "
             "keep your question list in view so you can glance at the next one.",
        turns=[t.turn for t in paused]))
