"""The voice benchmark's bookkeeping without timing anything real: the first-audio target is read
from its group, and the speaker proxy records when each sentence's synthesis ran."""

from __future__ import annotations

from agent.bench.report import summarise, targets
from agent.bench.voice_latency import QUESTIONS, TimedSpeaker
from agent.cli.bench_cmd import chosen_groups


class StubSpeaker:
    sample_rate = 22_050

    def sentence_wav(self, sentence: str) -> bytes:
        return sentence.encode()


def test_first_audio_target_comes_from_the_voice_group() -> None:
    result = {"groups": {"voice": {"first_audio_5s_question_s": summarise([1.4, 1.9, 2.6])}}}
    (voice,) = [t for t in targets(result) if t["figure"].startswith("voice.")]
    assert (voice["value"], voice["target"], voice["met"]) == (1.9, 2.0, True)
    assert chosen_groups("voice") == ["voice"]


def test_timed_speaker_passes_audio_through_and_records_spans() -> None:
    speaker = TimedSpeaker(StubSpeaker())
    assert speaker.sentence_wav("Hello there.") == b"Hello there." and speaker.sample_rate == 22_050
    (start, end), = speaker.spans
    assert end >= start
    assert all(14 <= len(q.split()) <= 20 for q in QUESTIONS)  # about five seconds each
