"""The rehearsal clock: how many minutes of a real call the typed conversation stands for.

Assumptions, stated so the user can judge them:

- People speak at about 130 words a minute, and every exchange has a short pause for thought.
- A question and its spoken answer take at least a minute and a half in a real call: the reply typed
  in the rehearsal is a condensed version of what the person would say out loud. So an exchange in
  which the user asks something counts `max(QUESTION_EXCHANGE_MINUTES, words / pace + pause)`.
- Exchanges without a question (a greeting, thanks, a line nobody could make out) count their words
  at the speaking pace plus the pause.

Twenty minutes therefore hold about thirteen questions, which is what career centres suggest
preparing for a short call.
"""

from __future__ import annotations

from dataclasses import dataclass

from agent.text.words import word_count

WORDS_PER_MINUTE = 130.0
PAUSE_MINUTES = 0.25
QUESTION_EXCHANGE_MINUTES = 1.5
DEFAULT_MINUTES = 20


def exchange_minutes(user_text: str, contact_text: str, *, asks: bool) -> float:
    """Minutes one user turn and the contact's reply take in a spoken call."""
    spoken = (word_count(user_text) + word_count(contact_text)) / WORDS_PER_MINUTE + PAUSE_MINUTES
    return max(QUESTION_EXCHANGE_MINUTES, spoken) if asks else spoken


@dataclass(frozen=True)
class ClockReading:
    """Where the call stands after an exchange."""

    elapsed: float
    limit: int

    @property
    def over(self) -> bool:
        return self.elapsed > self.limit + 1e-9

    @property
    def remaining(self) -> float:
        return max(0.0, self.limit - self.elapsed)

    def label(self) -> str:
        """'7.5 of 20 min' or '21.0 of 20 min (over time)'."""
        suffix = " (over time)" if self.over else ""
        return f"{self.elapsed:.1f} of {self.limit} min{suffix}"


def run_clock(exchanges: list[tuple[str, str, bool]], limit: int) -> list[ClockReading]:
    """Cumulative readings after each (user text, contact text, asks) exchange."""
    elapsed = 0.0
    readings = []
    for user_text, contact_text, asks in exchanges:
        elapsed += exchange_minutes(user_text, contact_text, asks=asks)
        readings.append(ClockReading(round(elapsed, 2), limit))
    return readings
