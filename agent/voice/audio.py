"""Reading a recording safely: which files are accepted, and the one line a user gets when one is not.

Accepted: WAV, FLAC, MP3, OGG (Vorbis/Opus) and WebM (what browsers record), recognised by their
content rather than their name, decoded with PyAV's bundled FFmpeg libraries (no system ffmpeg), and
resampled to 16 kHz mono, what Whisper reads. Refused with an `InputError` (one line, exit status 2
in the CLI): a missing, empty, oversize, unreadable or corrupt file, another format, a recording
longer than two minutes, and one with no sound in it. Decoding stops once the limit is passed, so
a long file without a duration in its header cannot fill the memory.
"""

from __future__ import annotations

import io
import wave
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from agent.errors import InputError

SAMPLE_RATE = 16_000
MAX_SECONDS = 120.0
MAX_BYTES = 64 * 1024 * 1024
# FFmpeg's demuxer names for the accepted containers, and the name a user knows them by.
FORMATS = {"wav": "WAV", "flac": "FLAC", "mp3": "MP3", "ogg": "OGG", "matroska,webm": "WebM"}
ACCEPTED = "WAV, FLAC, MP3, OGG or WebM"
# What FFmpeg calls a few things people try, in words they would use.
KNOWN_OTHERS = {"tty": "text", "mov,mp4,m4a,3gp,3g2,mj2": "MP4/M4A", "aac": "AAC", "aiff": "AIFF",
                "image2": "an image", "png_pipe": "an image", "jpeg_pipe": "an image"}
# Below this level (about -50 dBFS in every 30 ms frame) a recording holds no audible sound.
SILENCE_RMS = 0.003
FRAME = 480
MIN_SECONDS = 0.2


@dataclass(frozen=True)
class Clip:
    """A decoded recording: 16 kHz mono float32 samples in [-1, 1]."""

    samples: np.ndarray
    format: str
    name: str

    @property
    def seconds(self) -> float:
        return len(self.samples) / SAMPLE_RATE


def loudest_frame_rms(samples: np.ndarray) -> float:
    """The RMS of the loudest 30 ms frame: a single click does not make a silent file 'sound'."""
    if samples.size == 0:
        return 0.0
    usable = samples[: samples.size - samples.size % FRAME] if samples.size >= FRAME else samples
    frames = usable.reshape(-1, FRAME) if usable.size >= FRAME else usable.reshape(1, -1)
    return float(np.sqrt(np.mean(np.square(frames, dtype=np.float64), axis=1)).max())


def is_silent(samples: np.ndarray) -> bool:
    return loudest_frame_rms(samples) < SILENCE_RMS


def _minutes(seconds: float) -> str:
    whole = int(round(seconds))
    return f"{whole // 60}:{whole % 60:02d}"


def read_audio(path: str | Path) -> Clip:
    """Check and decode one recording, or raise `InputError` saying what is wrong with it."""
    import av

    file = Path(path).expanduser()
    name = file.name
    if not file.is_file():
        raise InputError(f"no such audio file: {path}")
    size = file.stat().st_size
    if size == 0:
        raise InputError(f"{name} is empty")
    if size > MAX_BYTES:
        raise InputError(f"{name} is over {MAX_BYTES // (1024 * 1024)} MB")
    try:
        container = av.open(str(file), mode="r", metadata_errors="ignore")
    except (av.FFmpegError, UnicodeDecodeError, ValueError) as exc:
        raise InputError(f"{name} cannot be read as audio (corrupt, or not a recording); "
                         f"use {ACCEPTED}") from exc
    with container:
        fmt = container.format.name
        if fmt not in FORMATS:
            what = KNOWN_OTHERS.get(fmt, fmt)
            raise InputError(f"{name} is not a supported recording ({what}); use {ACCEPTED}")
        if not container.streams.audio:
            raise InputError(f"{name} has no audio track")
        declared = container.duration / 1_000_000 if container.duration else None
        if declared is not None and declared > MAX_SECONDS + 0.5:
            raise InputError(f"{name} is {_minutes(declared)} long; the limit is 2 minutes")
        samples = _decode(container, name)
    if samples.size == 0:
        raise InputError(f"{name} holds no audio samples")
    if samples.size < MIN_SECONDS * SAMPLE_RATE:
        raise InputError(f"{name} is too short to hold speech")
    if samples.size > MAX_SECONDS * SAMPLE_RATE + SAMPLE_RATE // 2:
        raise InputError(f"{name} is longer than 2 minutes; the limit is 2 minutes")
    if is_silent(samples):
        raise InputError(f"{name} is silent: no sound was recorded")
    return Clip(samples=samples, format=FORMATS[fmt], name=name)


def _decode(container: object, name: str) -> np.ndarray:
    """16 kHz mono float32, stopping just past the two-minute limit."""
    import av

    resampler = av.AudioResampler(format="s16", layout="mono", rate=SAMPLE_RATE)
    limit = int((MAX_SECONDS + 1) * SAMPLE_RATE)
    chunks: list[np.ndarray] = []
    total = 0
    try:
        for frame in container.decode(audio=0):  # type: ignore[attr-defined]
            frame.pts = None
            for out in resampler.resample(frame):
                chunk = out.to_ndarray().reshape(-1)
                chunks.append(chunk)
                total += chunk.size
            if total > limit:
                break
        else:
            for out in resampler.resample(None):
                chunks.append(out.to_ndarray().reshape(-1))
    except (av.FFmpegError, ValueError) as exc:
        raise InputError(f"{name} is corrupt: its audio cannot be decoded") from exc
    if not chunks:
        return np.zeros(0, dtype=np.float32)
    return np.concatenate(chunks).astype(np.float32) / 32768.0


def wav_bytes(samples: np.ndarray, sample_rate: int) -> bytes:
    """16-bit mono PCM WAV of int16 (or float in [-1, 1]) samples."""
    if samples.dtype != np.int16:
        samples = (np.clip(samples, -1.0, 1.0) * 32767).astype(np.int16)
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(sample_rate)
        out.writeframes(samples.tobytes())
    return buffer.getvalue()
