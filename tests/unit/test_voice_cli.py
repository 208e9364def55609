"""`coach transcribe`, `coach speak` and `coach mock --audio-script`: the JSON contracts on recordings
made here with Piper, and bad input as one line with exit status 2."""

from __future__ import annotations

import io
import json
import re
import wave
from pathlib import Path

import numpy as np
import pytest

from agent.deps import Deps
from agent.mock.graph import build_graph, open_checkpointer
from tests.unit.mock_helpers import scripted_reader
from tests.unit.voice_audio import REFUSED, make, tone, write_wav

INTRO = "Hi Ana, I am Lee, and I teach science. How did you get into user research?"
THANKS = "Who else do you think I should talk to? Thank you so much for your time today."
GOOD = "I came in from customer support after a year of side projects. Mentors helped a lot."


@pytest.fixture
def run_cli(run_cli, voice_deps: Deps):  # type: ignore[no-untyped-def]
    voice_deps.cached("mock_graph", lambda: build_graph(voice_deps, open_checkpointer(voice_deps.settings),
                                                        reader_factory=lambda _r: scripted_reader()))
    return run_cli


@pytest.fixture(scope="module")
def recordings(tmp_path_factory: pytest.TempPathFactory, voice_speaker) -> Path:  # type: ignore[no-untyped-def]
    folder = tmp_path_factory.mktemp("takes")
    (folder / "01-intro.wav").write_bytes(voice_speaker.wav(INTRO))
    (folder / "2 thanks.wav").write_bytes(voice_speaker.wav(THANKS))
    (folder / "README.txt").write_text("not a turn", encoding="utf-8")
    return folder


def test_transcribe_prints_the_json_contract(run_cli, recordings) -> None:  # type: ignore[no-untyped-def]
    code, out, err = run_cli("transcribe", str(recordings / "01-intro.wav"), "--json")
    assert code == 0, err
    payload = json.loads(out)
    assert {"text", "seconds", "words_per_minute", "segments"} <= set(payload)
    assert "How did you get into user research?" in payload["text"]
    assert 3.0 < payload["seconds"] < 8.0 and 100 < payload["words_per_minute"] < 260
    assert payload["segments"] and set(payload["segments"][0]) == {"start", "end", "text"}
    assert payload["segments"][-1]["end"] <= payload["seconds"] + 0.1


def test_transcribe_human_output(run_cli, recordings) -> None:  # type: ignore[no-untyped-def]
    code, out, _ = run_cli("transcribe", str(recordings / "2 thanks.wav"))
    assert code == 0 and "Thank you so much" in out and "words per minute" in out


def put(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


@pytest.mark.parametrize(("setup", "message"), [
    (lambda d: d / "missing.wav", "no such audio file"),
    (lambda d: put(d / "empty.wav", b""), "is empty"),
    (lambda d: put(d / "corrupt.mp3", b"\xff\xfb" + bytes(range(256)) * 8), "corrupt|cannot be read"),
    (lambda d: make(d / "talk.m4a", *REFUSED["clip.m4a"]), "not a supported recording"),
    (lambda d: write_wav(d / "silent.wav", np.zeros(32_000, np.float32)), "is silent"),
    (lambda d: write_wav(d / "long.wav", np.tile(tone(1.0, 8_000), 125), 8_000), "limit is 2 minutes"),
    (lambda d: write_wav(d / "hum.wav", tone(3.0)), "no speech heard in hum.wav"),
])
def test_transcribe_refuses_bad_recordings_with_one_line(run_cli, tmp_path, setup, message) -> None:  # type: ignore[no-untyped-def]
    path = setup(tmp_path)
    code, out, err = run_cli("transcribe", str(path), "--json")
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and err.startswith("coach: error: ")
    assert re.search(message, err), err


def test_speak_writes_a_wav_from_an_argument_or_stdin(run_cli, tmp_path) -> None:  # type: ignore[no-untyped-def]
    target = tmp_path / "reply.wav"
    code, out, err = run_cli("speak", "Happy to help. Most of my week is interviews.", "--output",
                             str(target), "--json")
    assert code == 0, err
    payload = json.loads(out)
    with wave.open(io.BytesIO(target.read_bytes())) as wav:
        assert wav.getframerate() == payload["sample_rate"] == 22_050 and wav.getnchannels() == 1
        assert wav.getnframes() / wav.getframerate() == pytest.approx(payload["seconds"], abs=0.01)
    assert payload["seconds"] > 1.5
    code, out, _ = run_cli("speak", "-", "-o", str(tmp_path / "stdin.wav"), stdin="Thanks for asking.\n")
    assert code == 0 and "stdin.wav" in out and (tmp_path / "stdin.wav").stat().st_size > 10_000


@pytest.mark.parametrize(("argv", "stdin", "message"), [
    (["   "], None, "must not be empty"),
    (["-"], "", "must not be empty"),
    (["x" * 5001], None, "longer than 5000"),
    (["Hello."], None, "must name a .wav"),
])
def test_speak_refuses_bad_input_with_one_line(run_cli, tmp_path, argv, stdin, message) -> None:  # type: ignore[no-untyped-def]
    folder = tmp_path / "out"
    folder.mkdir()
    output = str(folder / ("out.mp3" if "must name" in message else "out.wav"))
    code, out, err = run_cli("speak", *argv, "--output", output, stdin=stdin)
    assert code == 2 and message in err and err.count("\n") == 1
    assert not list(folder.iterdir())


def test_speak_needs_an_existing_folder(run_cli, tmp_path) -> None:  # type: ignore[no-untyped-def]
    code, _, err = run_cli("speak", "Hello.", "--output", str(tmp_path / "no" / "out.wav"))
    assert code == 2 and "no such folder" in err


def test_mock_runs_from_numbered_recordings_and_reports_how_they_sounded(  # type: ignore[no-untyped-def]
        run_cli, fake_llm, recordings) -> None:
    fake_llm.default = GOOD
    code, out, err = run_cli("mock", "--contact-role", "UX researcher", "--contact-name", "Ana Ruiz",
                             "--audio-script", str(recordings), "--json")
    assert code == 0, err
    payload = json.loads(out)
    said = [m["text"] for m in payload["transcript"] if m["role"] == "user"]
    assert len(said) == 2 and "user research" in said[0] and "Thank you so much" in said[1]
    speech = payload["feedback"]["speech"]
    assert [t["turn"] for t in speech["turns"]] == [0, 1] and speech["words_per_minute"] > 100
    assert "Asked who else you could talk to." in [p["text"] for p in payload["feedback"]["strengths"]]


def test_mock_audio_script_refuses_a_bad_folder_before_anything_starts(  # type: ignore[no-untyped-def]
        run_cli, tmp_path, voice_speaker) -> None:
    code, _, err = run_cli("mock", "--contact-role", "Nurse", "--audio-script", str(tmp_path))
    assert code == 2 and "no numbered audio files" in err
    (tmp_path / "1.wav").write_bytes(voice_speaker.wav("Hello there, thanks for your time."))
    write_wav(tmp_path / "2.wav", np.zeros(16_000, np.float32))
    code, out, err = run_cli("mock", "--contact-role", "Nurse", "--audio-script", str(tmp_path), "--json")
    assert (code, out) == (2, "") and "2.wav is silent" in err
    code, _, err = run_cli("mock", "--contact-role", "Nurse", "--audio-script", str(tmp_path),
                           "--script", str(tmp_path / "1.wav"))
    assert code == 2 and "not both" in err
