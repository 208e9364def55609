"""The Mock tab's voice handlers as plain functions: a recording becomes the user's line (sent at once,
or left for review), the reply comes back as WAV clips in an append-only stream while its text
streams, speaking can be switched off, and the feedback shows how the turns were spoken."""

from __future__ import annotations

import base64
import io
import wave
from pathlib import Path

import pytest
from langgraph.checkpoint.memory import InMemorySaver

from agent.mock.graph import build_graph
from agent.text.words import sentences
from agent.voice.speech import measure_turn
from tests.unit.mock_helpers import FactWords, scripted_reader
from tests.unit.voice_audio import tone, write_wav
from ui.tabs import mock as tab
from ui.tabs import mock_voice as voice

QUESTION = "Hi Dana, I am Jordan, and I teach high school math. What does a typical week look like for you?"


def grounded() -> FactWords:
    """A model that words the facts it is given, so the grounding check keeps its reply."""
    return FactWords()


@pytest.fixture
def ui_deps(voice_deps):  # type: ignore[no-untyped-def]
    voice_deps.cached("mock_graph", lambda: build_graph(voice_deps, InMemorySaver(),
                                                        reader_factory=lambda _r: scripted_reader()))
    return voice_deps


@pytest.fixture
def spoken_question(tmp_path: Path, voice_speaker) -> Path:  # type: ignore[no-untyped-def]
    path = tmp_path / "question.wav"
    path.write_bytes(voice_speaker.wav(QUESTION))
    return path


def started(ui_deps) -> str:  # type: ignore[no-untyped-def]
    thread, *_ = tab.start_handler(ui_deps, "", "Dana Park", "UX researcher", "", 20)
    return thread  # type: ignore[no-any-return]


def test_a_recording_becomes_the_line_and_is_then_deleted(ui_deps, spoken_question) -> None:  # type: ignore[no-untyped-def]
    thread = started(ui_deps)
    line, heard, status, mic = voice.transcribe_handler(ui_deps, str(spoken_question), thread, False)
    assert "typical week look like for you" in line and status == "" and mic is None
    assert heard["heard"] == line and heard["speech"]["words"] >= 18
    assert heard["speech"]["words_per_minute"] > 100
    assert not spoken_question.exists()


def test_review_leaves_the_line_to_be_corrected_and_sent_by_hand(ui_deps, spoken_question, fake_llm) -> None:  # type: ignore[no-untyped-def]
    thread = started(ui_deps)
    line, heard, status, _ = voice.transcribe_handler(ui_deps, str(spoken_question), thread, True)
    assert "Send" in status
    skipped = list(voice.auto_send_handler(ui_deps, tab.send_handler, thread, line, [], heard, True, False))
    assert len(skipped) == 1 and fake_llm.calls == []
    corrected = line.replace("math", "mathematics")
    assert voice.speech_for(heard, corrected) == heard["speech"]
    assert voice.speech_for(heard, "Thanks so much for your time today!") is None


@pytest.mark.parametrize(("make", "message"), [
    (lambda p: write_wav(p, tone(1.0) * 0), "is silent"),
    (lambda p: p.write_bytes(b"not audio at all") and p, "cannot be read as audio"),
])
def test_a_bad_recording_is_one_visible_line(ui_deps, tmp_path, make, message) -> None:  # type: ignore[no-untyped-def]
    thread = started(ui_deps)
    path = tmp_path / "take.wav"
    make(path)
    line, heard, status, _ = voice.transcribe_handler(ui_deps, str(path), thread, False)
    assert heard is None and "⚠️" in status and message in status


def test_speaking_needs_a_started_rehearsal(ui_deps, spoken_question) -> None:  # type: ignore[no-untyped-def]
    _, heard, status, _ = voice.transcribe_handler(ui_deps, str(spoken_question), "", False)
    assert heard is None and "Start a rehearsal" in status


def clips_of(payload: str) -> list[bytes]:
    return [base64.b64decode(line.split(",", 1)[1]) for line in payload.splitlines()
            if line.startswith("data:audio/wav;base64,")]


def test_the_reply_is_spoken_sentence_by_sentence_while_it_streams(ui_deps, fake_llm) -> None:  # type: ignore[no-untyped-def]
    fake_llm.outcomes.append(words := grounded())
    thread = started(ui_deps)
    heard = {"heard": QUESTION, "speech": dict(measure_turn(QUESTION, [(0.0, 5.5)], 6.0))}
    steps = list(voice.auto_send_handler(ui_deps, tab.send_handler, thread, QUESTION, [], heard, False, True))
    payloads = [s[4] for s in steps]
    assert all(b.startswith(a) for a, b in zip(payloads, payloads[1:], strict=False))  # append-only
    first_clip = next(i for i, p in enumerate(payloads) if "data:audio" in p)
    final_text = next(i for i, s in enumerate(steps) if isinstance(s[1], str))
    assert first_clip < final_text  # the first sentence is spoken before the reply is complete
    chat, clock, *_ , heard_after = steps[final_text]
    reply = chat[-1]["content"]
    clips = clips_of(payloads[-1])
    assert len(clips) == len(sentences(reply)) >= 2 and payloads[-1].endswith("\n.\n")
    for clip in clips:
        with wave.open(io.BytesIO(clip)) as wav:
            assert wav.getnframes() / wav.getframerate() > 0.5
    assert chat[-2]["content"] == QUESTION and reply.endswith(words.said[0]) and heard_after is None
    assert "1.5 of 20 min" in clock


def test_a_reply_the_validators_replace_restarts_the_player(ui_deps, fake_llm) -> None:  # type: ignore[no-untyped-def]
    fake_llm.outcomes.append("Sure thing. Happy to help you. I am an AI assistant, so I have no career.")
    thread = started(ui_deps)
    steps = list(voice.voice_send_handler(ui_deps, tab.send_handler, thread, "What is hard about the job?",
                                          [], None, True))
    keys = [s[4].split("\n", 1)[0] for s in steps]
    assert keys[0].endswith(":0") and keys[-1].endswith(":1")
    final_chat = next(s[0] for s in steps if isinstance(s[1], str))
    assert "AI" not in final_chat[-1]["content"]
    assert len(clips_of(steps[-1][4])) >= 1


def test_speech_output_off_sends_no_audio(ui_deps, fake_llm) -> None:  # type: ignore[no-untyped-def]
    fake_llm.outcomes.append(words := grounded())
    thread = started(ui_deps)
    steps = list(voice.voice_send_handler(ui_deps, tab.send_handler, thread, "What is a week like?", [],
                                          None, False))
    assert {s[4] for s in steps} == {""}
    assert steps[-1][0][-1]["content"] == words.said[0]


def test_the_feedback_shows_how_the_turns_were_spoken(ui_deps, fake_llm) -> None:  # type: ignore[no-untyped-def]
    fake_llm.default = grounded()
    thread = started(ui_deps)
    said = "Um, so, like, what does your week look like, you know, most of the time, um, on the team?"
    heard = {"heard": said, "speech": dict(measure_turn(said, [(0.0, 2.0), (4.5, 7.0)], 7.5))}
    list(voice.voice_send_handler(ui_deps, tab.send_handler, thread, said, [], heard, False))
    feedback, _ = tab.end_handler(ui_deps, thread)
    assert "### How you spoke" in feedback and "1 spoken turn" in feedback
    assert "“um” ×2" in feedback and "Long pauses" in feedback and "_(turn 0)_" in feedback
    assert "leaves out" in feedback


@pytest.mark.parametrize(("sentence", "chunks"), [
    ("In my first year, I mostly cleaned data and wrote small reports for the ward managers.",
     ["In my first year,", "I mostly cleaned data and wrote small reports for the ward managers."]),
    ("Most weeks mix analysis with meetings.", ["Most weeks mix analysis with meetings."]),
    ("Honestly, most weeks mix analysis with meetings and a lot of email.",
     ["Honestly, most weeks mix analysis with meetings and a lot of email."]),  # a clause too short
])
def test_a_long_first_sentence_is_spoken_clause_first(sentence: str, chunks: list[str]) -> None:
    assert voice.clause_chunks(sentence) == chunks


def test_only_the_replys_first_sentence_is_split(ui_deps, fake_llm) -> None:  # type: ignore[no-untyped-def]
    long_first = ("In my first year on the team, I mostly cleaned data and wrote small reports for "
                  "the ward managers.")
    fake_llm.outcomes.append(lambda messages: long_first)
    thread = started(ui_deps)
    spoken: list[str] = []
    real = voice._speaker

    def recording_speaker(deps):  # type: ignore[no-untyped-def]
        speaker, note = real(deps)

        class Recorder:
            def sentence_wav(self, text: str) -> bytes:
                spoken.append(text)
                return speaker.sentence_wav(text)  # type: ignore[no-any-return]
        return Recorder(), note

    voice._speaker = recording_speaker  # type: ignore[assignment]
    try:
        list(voice.voice_send_handler(ui_deps, tab.send_handler, thread, "What was your first year like?",
                                      [], None, True))
    finally:
        voice._speaker = real  # type: ignore[assignment]
    assert spoken and voice.is_ack(spoken[0])  # said at once, while the model starts
    content = spoken[1:]
    assert content[0].endswith(",") and len(content[0].split()) < len(long_first.split())
    assert not any(chunk.endswith(",") for chunk in content[1:])  # only the first sentence is split
