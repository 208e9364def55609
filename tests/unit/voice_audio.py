"""Audio files for the voice tests, made here with PyAV (which ships its own FFmpeg): a tone in each
container the coach accepts and in a few it refuses. No speech model is needed to make them."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from agent.voice.audio import wav_bytes


def tone(seconds: float, rate: int = 16_000, level: float = 0.3) -> np.ndarray:
    t = np.arange(int(seconds * rate)) / rate
    return (level * np.sin(2 * np.pi * 220 * t) * (0.6 + 0.4 * np.sin(2 * np.pi * 3 * t))).astype(np.float32)


def write_wav(path: Path, samples: np.ndarray, rate: int = 16_000) -> Path:
    path.write_bytes(wav_bytes(samples, rate))
    return path


def encode(path: Path, container: str, codec: str, samples: np.ndarray, rate: int) -> Path:
    """`samples` (float32 mono at `rate`) encoded with `codec` into `container`."""
    import av

    with av.open(str(path), "w", format=container) as out:
        stream = out.add_stream(codec, rate=rate)
        stream.layout = "mono"
        frame = av.AudioFrame.from_ndarray((samples * 32767).astype(np.int16).reshape(1, -1),
                                           format="s16", layout="mono")
        frame.sample_rate = rate
        for packet in stream.encode(frame):
            out.mux(packet)
        for packet in stream.encode(None):
            out.mux(packet)
    return path


# name → (container, codec, sample rate) for the formats browsers and recorders produce
ACCEPTED = {
    "clip.flac": ("flac", "flac", 16_000),
    "clip.mp3": ("mp3", "libmp3lame", 22_050),
    "clip.ogg": ("ogg", "libopus", 48_000),
    "clip.webm": ("webm", "libopus", 48_000),
}
REFUSED = {
    "clip.m4a": ("mp4", "aac", 44_100),
    "clip.aiff": ("aiff", "pcm_s16be", 16_000),
}


def make(path: Path, container: str, codec: str, rate: int, seconds: float = 2.0) -> Path:
    return encode(path, container, codec, tone(seconds, rate), rate)
