"""Voice in the Mock tab: speak a turn into the microphone, hear the contact answer.

A recording is checked and transcribed (Whisper tiny.en) when the user stops it; the text is sent
through the same rehearsal graph as a typed line, with the figures of how it was spoken, or, with
"review" ticked, left in the text box to be corrected and sent by hand. While the contact's reply
streams, each finished sentence is synthesised (Piper) and sent to the browser as a WAV clip, so the
first sentence plays before the reply is complete; a small script queues the clips on one audio
element. Clips travel in a hidden text box whose value only ever grows during a reply (a key line,
then one data URL per line, then "." when the reply is complete), so Gradio sends each update as an
append and no clip is lost if two updates arrive together.

Handlers are plain functions; the tab passes in its own send handler, so typed and spoken turns go
through exactly the same path.
"""

from __future__ import annotations

import base64
import contextlib
import html
import os
import re
import secrets
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import gradio as gr

from agent.deps import Deps
from agent.errors import CoachError
from agent.mock.persona import ACKS
from agent.mock.state import MAX_TURN_CHARS
from agent.mock.validate import reply_problems
from agent.text.words import words
from agent.voice.reply import ReplySpeech
from agent.voice.speech import SpeechFeedback
from ui.render import error_markdown

VOICE_GROUP = "voice-stt"
MODEL_GROUP = "embedded-model"
REVIEW_HINT = "Check what was heard, correct it if needed, then press **Send**."
NO_SPEECH = "No speech was heard in the recording; try again closer to the microphone."
END_MARK = "."
SendHandler = Callable[..., Iterator[tuple[Any, ...]]]

# Plays the clips of the current reply in order on one <audio>; a new key (new reply, or a reply the
# validators replaced) stops what is playing and starts again. data-state is for people and tests.
PLAYER_JS = """(payload) => {
  const v = (window.coachVoice ??= {key: null, next: 0, queue: [], busy: false, ended: false});
  const audio = document.querySelector('#mock-voice-player audio');
  if (!audio) return;
  const lines = (payload || '').split('\\n').filter(Boolean);
  const key = lines.length ? lines[0] : null;
  if (key !== v.key) {
    v.key = key; v.next = 0; v.queue = []; v.busy = false; v.ended = false;
    audio.pause(); audio.dataset.state = key ? 'waiting' : 'idle';
  }
  if (!key) return;
  const clips = lines.slice(1).filter((l) => l !== '.');
  v.ended = lines[lines.length - 1] === '.';
  while (v.next < clips.length) v.queue.push(clips[v.next++]);
  const playNext = () => {
    const src = v.queue.shift();
    if (!src) { v.busy = false; if (v.ended) audio.dataset.state = 'done'; return; }
    v.busy = true; audio.dataset.state = 'playing';
    audio.dataset.clips = String(Number(audio.dataset.clips || 0) + 1);
    audio.src = src;
    audio.play().catch(() => { audio.dataset.blocked = 'yes'; playNext(); });
  };
  audio.onended = playNext;
  if (!v.busy) playNext();
}"""
MUTE_JS = """(speak) => {
  if (speak) return;
  const v = window.coachVoice; if (v) { v.queue = []; v.busy = false; }
  const audio = document.querySelector('#mock-voice-player audio'); if (audio) audio.pause();
}"""


@dataclass
class VoiceControls:
    mic: Any
    review: Any = None
    speak: Any = None
    player: Any = None
    clips: Any = None
    heard: Any = None


def build_microphone() -> VoiceControls:
    """The microphone, to sit beside the text box."""
    mic = gr.Audio(sources=["microphone"], type="filepath", label="…or say it", elem_id="mock-mic",
                   editable=False, scale=2,
                   waveform_options=gr.WaveformOptions(show_recording_waveform=False))
    return VoiceControls(mic=mic)


def build_options(controls: VoiceControls) -> VoiceControls:
    """The voice settings and the player, under the buttons."""
    with gr.Row():
        controls.review = gr.Checkbox(False, label="Review what was heard before it is sent",
                                      elem_id="mock-review")
        controls.speak = gr.Checkbox(True, label="Speak the contact's replies", elem_id="mock-speak")
        controls.player = gr.HTML("<audio controls preload='auto' data-state='idle'></audio>",
                                  elem_id="mock-voice-player", padding=False)
    controls.clips = gr.Textbox(visible="hidden", elem_id="mock-voice-clips", max_length=20_000)
    controls.heard = gr.State(None)
    return controls


def transcribe_handler(deps: Deps, path: str | None, thread_id: str, review: bool
                       ) -> tuple[Any, Any, str, None]:
    """(text box, what was heard, status, microphone) once the user stops recording."""
    from agent.voice.audio import read_audio
    from agent.voice.models import transcriber

    if not path:
        return gr.skip(), gr.skip(), gr.skip(), None
    try:
        if not thread_id:
            return gr.skip(), None, error_markdown("Start a rehearsal first, then speak."), None
        try:
            result = transcriber(deps).transcribe(read_audio(path))
        except CoachError as exc:
            return gr.skip(), None, error_markdown(str(exc)), None
        if not result.text:
            return gr.skip(), None, error_markdown(NO_SPEECH), None
        heard = {"heard": result.text, "speech": dict(result.speech or {})}
        return result.text[:MAX_TURN_CHARS], heard, REVIEW_HINT if review else "", None
    finally:
        with contextlib.suppress(OSError):  # the recording is not kept once it is read
            os.remove(path)


def speech_for(heard: dict[str, Any] | None, text: str) -> dict[str, Any] | None:
    """The figures of the last recording if `text` is still mostly what was heard (reviewed or
    corrected), else None: a line typed over it was not spoken."""
    if not heard or not text.strip():
        return None
    said = {w.lower() for w in words(str(heard.get("heard", "")))}
    sent = {w.lower() for w in words(text)}
    if not said or len(said & sent) / len(said) < 0.5:
        return None
    return dict(heard.get("speech") or {}) or None


def speakable(sentence: str) -> bool:
    """A streamed sentence may be spoken before the reply is validated only if it breaks none of
    the reply rules a single sentence can break."""
    return not set(reply_problems(sentence, question="")) - {"empty"}


def is_ack(sentence: str) -> bool:
    """A spoken reply's opening acknowledgement ("Sure."): complete as soon as it is shown."""
    return sentence.strip() + " " in ACKS


FIRST_CLAUSE = re.compile(r"^(.+?[,;:])\s+(.+)$")
LONG_FIRST_SENTENCE = 10  # words


def clause_chunks(sentence: str) -> list[str]:
    """The reply's first sentence, when long, as its first clause and the rest: Piper's time grows
    with the text, so the first audio starts after the clause is synthesised, not the sentence."""
    match = FIRST_CLAUSE.match(sentence)
    if len(sentence.split()) <= LONG_FIRST_SENTENCE or not match:
        return [sentence]
    head, rest = match.group(1), match.group(2)
    if len(head.split()) < 3 or len(rest.split()) < 3:
        return [sentence]
    return [head, rest]


def clip_line(wav: bytes) -> str:
    return "data:audio/wav;base64," + base64.b64encode(wav).decode("ascii") + "\n"


def voice_send_handler(deps: Deps, send: SendHandler, thread_id: str, text: str, chat: Any,
                       heard: dict[str, Any] | None, speak: bool) -> Iterator[tuple[Any, ...]]:
    """Yield (chat, clock, status, text box, clips, heard): the tab's own send handler's updates,
    plus the reply's sentences as audio clips while it streams (when speaking is on)."""
    speech = speech_for(heard, text)
    speaker, note = _speaker(deps) if speak else (None, "")
    plan = ReplySpeech(speakable=speakable, settled=is_ack)
    key = secrets.token_hex(6)
    clips = f"{key}:0\n" if speaker is not None else ""
    kept: Any = heard
    content_started = False
    for chat_out, clock, status, box in send(deps, thread_id, text, chat, speech=speech,
                                             aloud=speaker is not None):
        final = isinstance(clock, str)
        if final:
            kept = None
        last = chat_out[-1] if chat_out else {}
        reply = _text_of(last.get("content")) if last.get("role") == "assistant" else ""
        todo: list[str] = []
        if speaker is not None and reply:
            if final:
                restart, todo = plan.finish(reply)
                if restart:
                    clips, content_started = f"{key}:{plan.generation}\n", False
            else:
                todo = plan.feed(reply)
        yield chat_out, clock, status or note, box, clips, kept
        chunks: list[str] = []
        for sentence in todo:  # the reply's first sentence after its acknowledgement: clause first
            if not content_started and not is_ack(sentence):
                chunks += clause_chunks(sentence)
                content_started = True
            else:
                chunks.append(sentence)
        for sentence in chunks:
            try:
                clips += clip_line(speaker.sentence_wav(sentence))  # type: ignore[union-attr]
            except Exception as exc:  # noqa: BLE001 - speech output must never break the rehearsal
                speaker, note = None, error_markdown(f"Speech output stopped: {exc}")
                break
            yield gr.skip(), gr.skip(), gr.skip(), gr.skip(), clips, kept
        if final and speaker is not None:
            clips += END_MARK + "\n"
            yield gr.skip(), gr.skip(), gr.skip(), gr.skip(), clips, kept


def _text_of(content: Any) -> str:
    """A chat message's text: a string, or (after the page is reloaded and Gradio sends the chat
    back) a list of parts such as {"type": "text", "text": ...}."""
    if isinstance(content, str):
        return content
    if isinstance(content, dict):
        return str(content.get("text") or "")
    if isinstance(content, list):
        return " ".join(_text_of(part) for part in content).strip()
    return ""


def _speaker(deps: Deps) -> tuple[Any, str]:
    from agent.voice.models import speaker

    try:
        return speaker(deps), ""
    except (CoachError, OSError, RuntimeError) as exc:
        return None, error_markdown(f"Speech output is unavailable: {exc}")


def auto_send_handler(deps: Deps, send: SendHandler, thread_id: str, text: str, chat: Any,
                      heard: dict[str, Any] | None, review: bool, speak: bool
                      ) -> Iterator[tuple[Any, ...]]:
    """After a recording: send what was heard at once, unless the user reviews it first."""
    if review or not heard or heard.get("heard", "")[:MAX_TURN_CHARS] != text:
        yield (gr.skip(),) * 6
        return
    yield from voice_send_handler(deps, send, thread_id, text, chat, heard, speak)


def speech_markdown(speech: SpeechFeedback | None) -> str:
    """The "How you spoke" part of the feedback (empty when nothing was spoken)."""
    if speech is None:
        return ""

    def cite(turns: list[int]) -> str:
        return f" _(turn {', '.join(map(str, turns))})_" if turns else ""

    lines = ["", "### How you spoke", "", speech.headline(), ""]
    lines += [f"- ✅ {html.escape(p.text)}{cite(p.turns)}" for p in speech.strengths]
    lines += [f"- 🔧 {html.escape(p.text)}{cite(p.turns)}" for p in speech.improvements]
    lines += ["", f"_{html.escape(speech.note)}_"]
    return "\n".join(lines)


def wire(deps: Deps, controls: VoiceControls, send: SendHandler, *, thread: Any, line: Any, chat: Any,
         clock: Any, status: Any, send_btn: Any) -> None:
    """Typed lines, recordings and the player: every turn goes through `voice_send_handler`."""
    c = controls
    outputs = [chat, clock, status, line, c.clips, c.heard]
    for trigger, api_name in ((send_btn.click, "mock_send"), (line.submit, "mock_send_enter")):
        trigger(lambda t, x, ch, h, s: (yield from voice_send_handler(deps, send, t, x, ch, h, s)),
                [thread, line, chat, c.heard, c.speak], outputs, trigger_mode="always_last",
                concurrency_id=MODEL_GROUP, concurrency_limit=1, api_name=api_name)
    c.mic.stop_recording(
        lambda p, t, r: transcribe_handler(deps, p, t, r), [c.mic, thread, c.review],
        [line, c.heard, status, c.mic], concurrency_id=VOICE_GROUP, concurrency_limit=1,
    ).then(
        lambda t, x, ch, h, r, s: (yield from auto_send_handler(deps, send, t, x, ch, h, r, s)),
        [thread, line, chat, c.heard, c.review, c.speak], outputs,
        concurrency_id=MODEL_GROUP, concurrency_limit=1,
    )
    c.clips.change(None, [c.clips], None, js=PLAYER_JS)
    c.speak.change(None, [c.speak], None, js=MUTE_JS)
