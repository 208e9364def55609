"""Which sentences of a streaming reply to speak, and when.

The contact's reply arrives as growing text. A sentence is spoken as soon as the next one has begun
(so it is complete) and it passes the caller's checks; the first sentence can therefore play while
the model is still writing the rest. The validators judge the whole reply only at the end, and a
reply they reject is replaced by the role brief's answer: when the final text does not begin with
what was already spoken, the plan restarts (the player stops and the final reply is spoken from its
start), just as the text on screen is replaced. A streamed sentence that fails the checks is never
spoken; the rest waits for the final reply.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from agent.text.words import sentences


def _always(_: str) -> bool:
    return True


def _never(_: str) -> bool:
    return False


@dataclass
class ReplySpeech:
    """`settled` names a first sentence that is complete the moment it is shown (a template the
    reply opens with, such as an acknowledgement), so it is spoken before the next one begins."""

    speakable: Callable[[str], bool] = _always
    settled: Callable[[str], bool] = _never
    spoken: list[str] = field(default_factory=list)
    generation: int = 0
    held: bool = False

    def feed(self, partial: str) -> list[str]:
        """The sentences of the partial reply that are complete, new and fit to speak."""
        if self.held:
            return []
        parts = sentences(partial)
        done = parts if len(parts) == 1 and self.settled(parts[0]) else parts[:-1]
        if done[: len(self.spoken)] != self.spoken:
            self.held = True
            return []
        new: list[str] = []
        for sentence in done[len(self.spoken):]:
            if not self.speakable(sentence):
                self.held = True
                break
            new.append(sentence)
        self.spoken += new
        return new

    def finish(self, final: str) -> tuple[bool, list[str]]:
        """(restart, sentences still to speak) for the reply as the validators left it."""
        parts = sentences(final)
        if parts[: len(self.spoken)] == self.spoken:
            new = parts[len(self.spoken):]
            self.spoken = parts
            return False, new
        self.generation += 1
        self.spoken = parts
        return True, parts
