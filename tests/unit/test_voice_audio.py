"""Recordings are checked before anything else happens: the accepted formats decode to 16 kHz mono,
and everything else (another format, empty, corrupt, silent, too short, over two minutes, missing)
is refused with one line that says what is wrong."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest

from agent.errors import InputError
from agent.voice.audio import MAX_SECONDS, SAMPLE_RATE, is_silent, read_audio, wav_bytes
from tests.unit.voice_audio import ACCEPTED, REFUSED, make, tone, write_wav


def test_wav_is_decoded_to_16k_mono_floats(tmp_path: Path) -> None:
    clip = read_audio(write_wav(tmp_path / "a.wav", tone(1.5, 44_100), 44_100))
    assert clip.format == "WAV" and clip.samples.dtype == np.float32
    assert abs(clip.seconds - 1.5) < 0.01 and 0.2 < float(np.abs(clip.samples).max()) <= 0.31


@pytest.mark.parametrize("name", sorted(ACCEPTED))
def test_browser_and_recorder_formats_are_accepted(tmp_path: Path, name: str) -> None:
    container, codec, rate = ACCEPTED[name]
    clip = read_audio(make(tmp_path / name, container, codec, rate))
    assert abs(clip.seconds - 2.0) < 0.1
    assert len(clip.samples) == pytest.approx(clip.seconds * SAMPLE_RATE)


def test_the_format_is_read_from_the_content_not_the_name(tmp_path: Path) -> None:
    container, codec, rate = ACCEPTED["clip.webm"]
    renamed = make(tmp_path / "recording.bin", container, codec, rate)
    assert read_audio(renamed).format == "WebM"


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_other_audio_formats_are_refused(tmp_path: Path, name: str) -> None:
    container, codec, rate = REFUSED[name]
    with pytest.raises(InputError, match=r"not a supported recording .*use WAV, FLAC, MP3, OGG or WebM"):
        read_audio(make(tmp_path / name, container, codec, rate))


@pytest.mark.parametrize(("name", "content", "message"), [
    ("empty.wav", b"", "is empty"),
    ("noise.wav", os.urandom(4096), "cannot be read as audio"),
    ("notes.txt", b"Notes from the call with Dana.\n" * 40, r"not a supported recording \(text\)"),
    ("header.wav", wav_bytes(np.zeros(0, np.float32), SAMPLE_RATE), "holds no audio samples"),
])
def test_empty_corrupt_and_non_audio_files_are_refused(tmp_path: Path, name: str, content: bytes,
                                                       message: str) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(InputError, match=message):
        read_audio(path)


def test_a_truncated_wav_is_refused(tmp_path: Path) -> None:
    whole = wav_bytes(tone(1.0), SAMPLE_RATE)
    path = tmp_path / "cut.wav"
    path.write_bytes(whole[:70])
    with pytest.raises(InputError, match="too short"):
        read_audio(path)


def test_silence_is_refused_but_quiet_speech_level_is_not(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="is silent"):
        read_audio(write_wav(tmp_path / "silent.wav", np.zeros(3 * SAMPLE_RATE, np.float32)))
    hiss = (np.random.default_rng(1).standard_normal(3 * SAMPLE_RATE) * 0.0005).astype(np.float32)
    assert is_silent(hiss)
    quiet = read_audio(write_wav(tmp_path / "quiet.wav", tone(2.0, level=0.02)))
    assert not is_silent(quiet.samples)


def test_over_two_minutes_is_refused_with_and_without_a_declared_length(tmp_path: Path) -> None:
    rate = 8_000
    long = np.tile(tone(1.0, rate), int(MAX_SECONDS) + 10)
    with pytest.raises(InputError, match=r"2:10 long; the limit is 2 minutes"):
        read_audio(write_wav(tmp_path / "long.wav", long, rate))
    # A WebM from a browser declares no length: decoding stops just past the limit.
    with pytest.raises(InputError, match="limit is 2 minutes"):
        read_audio(make(tmp_path / "long.webm", "webm", "libopus", 48_000, seconds=MAX_SECONDS + 6))
    assert read_audio(write_wav(tmp_path / "limit.wav", long[: int(MAX_SECONDS * rate)], rate)).seconds \
        == pytest.approx(MAX_SECONDS)


def test_a_missing_file_is_one_line(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such audio file"):
        read_audio(tmp_path / "nowhere.wav")


def test_a_segment_never_ends_after_the_recording() -> None:
    """Whisper rounds its last segment's end to its own time grid, past the audio's end."""
    from types import SimpleNamespace

    import numpy as np

    from agent.voice.audio import SAMPLE_RATE, Clip
    from agent.voice.stt import Transcriber

    class Overshooting:
        def transcribe(self, samples, **kwargs):  # type: ignore[no-untyped-def]
            return [SimpleNamespace(start=0.0, end=2.0, text=" How did you start?"),
                    SimpleNamespace(start=4.1, end=5.0, text=" Thanks.")], None

    transcriber = Transcriber.__new__(Transcriber)
    transcriber.model, transcriber.prompt = Overshooting(), None
    clip = Clip(np.zeros(int(4.86 * SAMPLE_RATE), dtype=np.float32), "wav", "q.wav")
    out = transcriber.transcribe(clip).as_json()
    assert out["seconds"] == 4.86 and out["segments"][-1]["end"] == 4.86
    assert out["segments"][0] == {"start": 0.0, "end": 2.0, "text": "How did you start?"}
