"""Voice latency: from the end of a spoken question to its text, and to the first audio byte of the
contact's spoken reply, with the share of speech-to-text, the model and text-to-speech.

The path measured is the Mock tab's own: `transcribe_handler` (check, decode and transcribe the
recording Gradio hands over) then `voice_send_handler` (the rehearsal graph on the embedded model,
the reply's first complete sentence synthesised by Piper and put in the clip stream). The clock
starts when the recording is on the server: the user's click on Stop and the upload on loopback
come before it and are not counted. Questions are spoken by Piper, about five seconds each, with
half a second of silence after them as a recording has; each session is a fresh rehearsal with
another contact role on the real embedded model.

* `stt_s` — recording on the server → text (decode, VAD, Whisper tiny.en, the speech figures);
* `model_s` — text → the first sentence that may be spoken (the graph's screen and checks, time to
  the model's first token, the tokens up to the first sentence's end; for a behaviour template,
  the template);
* `tts_s` — that sentence → its WAV clip (Piper), the first audio byte the browser can play;
* `first_audio_s` = the three together; the target is ≤ 2.0 s for a five-second question. A reply
  to a question the model answers opens with a short acknowledgement ("Sure.", made ahead), said
  while the model starts, as a person would; so the first audio is often that, and
  `first_content_audio_s` is the first clip that says something of the answer itself.

Load times of the two models (import and load, in this process) come first. `--quick` runs one
session.
"""

from __future__ import annotations

import importlib
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from agent.bench.context import BenchContext
from agent.bench.report import summarise
from agent.bench.timing import TimingChatModel, local_tokenizer
from agent.deps import Deps
from agent.model_server import resolve_model_path

ROLES = ("data analyst", "UX researcher", "registered nurse", "civil engineer", "product manager",
         "high-school teacher", "pharmacist", "social worker")
QUESTIONS = (
    "Hi, I'm Sam, a chemistry teacher looking at data work. How did you first get into this field?",
    "What does a normal week look like for you, and which part of it takes the most energy?",
    "Which skills from your earlier jobs turned out to be the most useful in this one, looking back?",
    "How does your team decide what to work on first when several requests arrive at the same time?",
    "What do people who are new to this work usually get wrong about it in their first few months?",
)
TRAILING_SILENCE = 0.5


@dataclass
class TimedSpeaker:
    """The Piper speaker, recording when each sentence's synthesis starts and ends."""

    inner: Any
    spans: list[tuple[float, float]] = field(default_factory=list)
    said: list[str] = field(default_factory=list)

    @property
    def sample_rate(self) -> int:
        return int(self.inner.sample_rate)

    def sentence_wav(self, sentence: str) -> bytes:
        start = time.perf_counter()
        wav = self.inner.sentence_wav(sentence)
        self.spans.append((start, time.perf_counter()))
        self.said.append(sentence)
        return wav  # type: ignore[no-any-return]


def load_times() -> dict[str, Any]:
    """Import and load of each model in this process (cold unless an earlier group loaded them)."""
    out: dict[str, Any] = {}
    start = time.perf_counter()
    importlib.import_module("piper")
    out["tts_import_s"] = time.perf_counter() - start
    from agent.voice.models import ready_speaker

    speaker = ready_speaker()  # as the app loads it: the acknowledgements made ahead
    out["tts_load_s"] = speaker.load_seconds
    out["tts_prepare_acks_s"] = speaker.prepare_seconds
    start = time.perf_counter()
    importlib.import_module("faster_whisper")
    out["stt_import_s"] = time.perf_counter() - start
    from agent.voice.stt import Transcriber

    transcriber = Transcriber()
    out["stt_load_s"] = transcriber.load_seconds
    out["_models"] = (speaker, transcriber)
    return out


def recordings(speaker: Any, folder: Path) -> list[tuple[Path, float]]:
    """Each question as a WAV (with trailing silence), and its length in seconds."""
    from agent.voice.audio import wav_bytes

    made = []
    for i, text in enumerate(QUESTIONS):
        samples = speaker.samples(text)
        padded = np.concatenate([samples, np.zeros(int(TRAILING_SILENCE * speaker.sample_rate), np.int16)])
        path = folder / f"q{i}.wav"
        path.write_bytes(wav_bytes(padded, speaker.sample_rate))
        made.append((path, len(padded) / speaker.sample_rate))
    return made


def spoken_turn(deps: Deps, timer: TimingChatModel, speaker: TimedSpeaker, thread: str,
                recording: Path, seconds: float, workdir: Path) -> dict[str, Any]:
    from ui.tabs import mock as tab
    from ui.tabs import mock_voice as voice

    handed_over = workdir / f"upload-{time.monotonic_ns()}.wav"
    shutil.copyfile(recording, handed_over)  # the handler deletes what it was given
    calls_before, spans_before = len(timer.calls), len(speaker.spans)
    clip_times: list[float] = []
    start = time.perf_counter()
    text, heard, status, _ = voice.transcribe_handler(deps, str(handed_over), thread, False)
    text_at = time.perf_counter()
    if not isinstance(heard, dict):
        return {"error": status}
    first_clip_at = reply_at = None
    restarts = 0
    for *_, clips, _heard in voice.voice_send_handler(deps, tab.send_handler, thread, text, [], heard, True):
        now = time.perf_counter()
        if isinstance(clips, str) and "data:audio" in clips and first_clip_at is None:
            first_clip_at = now
        if isinstance(clips, str) and clips.count("data:audio") > len(clip_times):
            clip_times += [now] * (clips.count("data:audio") - len(clip_times))
        if isinstance(clips, str) and clips.split("\n", 1)[0].split(":")[-1] not in ("0", ""):
            restarts = 1
    reply_at = time.perf_counter()
    calls = timer.calls[calls_before:]
    spans = speaker.spans[spans_before:]
    said = speaker.said[spans_before:]
    first_synth = spans[0] if spans else None
    acked = bool(said) and voice.is_ack(said[0])
    row: dict[str, Any] = {"question_s": round(seconds, 2), "heard": text,
                           "stt_s": text_at - start, "model_called": bool(calls),
                           "model_ttft_s": calls[0].ttft if calls else None,
                           "reply_done_s": reply_at - text_at, "restarted": bool(restarts)}
    if first_synth and first_clip_at:
        row.update({"model_s": first_synth[0] - text_at, "tts_s": first_synth[1] - first_synth[0],
                    "first_audio_s": first_clip_at - start,
                    "first_audio_before_reply_done": first_clip_at < reply_at - 1e-3,
                    "acknowledged": acked})
        content = 1 if acked else 0
        if len(clip_times) > content:  # the first clip that says something of the answer
            row["first_content_audio_s"] = clip_times[content] - start
    return row


def run(ctx: BenchContext) -> dict[str, Any]:
    from agent.mock.graph import start_session
    from agent.mock.state import MockRequest

    out: dict[str, Any] = load_times()
    speaker_model, transcriber_model = out.pop("_models")
    settings = ctx.indexed_settings("voice")
    deps = Deps(settings)
    timer = TimingChatModel(deps.llm, local_tokenizer(resolve_model_path(settings.model_path)))
    deps.llm_override = timer
    speaker = TimedSpeaker(speaker_model)
    deps.cached("voice:tts", lambda: speaker)
    deps.cached("voice:stt", lambda: transcriber_model)
    sessions = 1 if ctx.quick else ctx.repeats
    folder = ctx.workdir / "voice-clips"
    folder.mkdir(exist_ok=True)
    clips = recordings(speaker_model, folder)
    turns: list[dict[str, Any]] = []
    try:
        warm = start_session(deps, MockRequest(contact_role="librarian", minutes=60))  # server, caches
        spoken_turn(deps, timer, speaker, warm, *clips[1], folder)
        for n in range(sessions):
            thread = start_session(deps, MockRequest(contact_role=ROLES[n % len(ROLES)], minutes=60))
            for number, (path, seconds) in enumerate(clips, start=1):
                turns.append({"session": n, "turn": number,
                              **spoken_turn(deps, timer, speaker, thread, path, seconds, folder)})
        ctx.memory.record("model_server", deps.server.pid if deps.server else None, "voice")
        ctx.memory.record_self("voice")
    finally:
        deps.close()
    timed = [t for t in turns if "first_audio_s" in t]
    five = [t for t in timed if 4.0 <= t["question_s"] <= 6.5]
    for key in ("stt_s", "model_s", "tts_s", "first_audio_s"):
        out[key] = summarise(t[key] for t in timed)
    out["first_audio_5s_question_s"] = summarise(t["first_audio_s"] for t in five)
    out["first_content_audio_5s_question_s"] = summarise(
        t["first_content_audio_s"] for t in five if "first_content_audio_s" in t)
    out["turns_opened_with_acknowledgement"] = sum(bool(t.get("acknowledged")) for t in timed)
    totals = [t["first_audio_s"] for t in timed]
    if totals:
        for key in ("stt_s", "model_s", "tts_s"):
            out[f"share_{key.removesuffix('_s')}"] = round(
                sum(t[key] for t in timed) / sum(totals), 3)
    out["model_ttft_s"] = summarise(t["model_ttft_s"] for t in timed if t.get("model_ttft_s") is not None)
    out["reply_done_after_text_s"] = summarise(t["reply_done_s"] for t in timed)
    out["turns"] = len(turns)
    out["turns_with_model_reply"] = sum(bool(t.get("model_called")) for t in turns)
    out["first_audio_before_reply_done"] = sum(bool(t.get("first_audio_before_reply_done")) for t in timed)
    out["restarted_by_validators"] = sum(bool(t.get("restarted")) for t in turns)
    out["question_seconds"] = [round(s, 2) for _, s in clips]
    out["detail"] = turns
    return out
