"""`coach transcribe AUDIO`: what was said in a recording, offline (Whisper tiny.en), with the pace,
filler words and long pauses of the speech.

WAV, FLAC, MP3, OGG and WebM up to two minutes; anything else, or an empty, corrupt or silent file,
or one in which no speech is heard, gives one line on stderr and exit status 2.
"""

from __future__ import annotations

import argparse

from agent.cli import emit
from agent.cli.common import add_json_flag, deps_from
from agent.errors import InputError


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("transcribe", help="turn a recording (≤ 2 min) into text, offline")
    p.add_argument("audio", metavar="AUDIO", help="a WAV, FLAC, MP3, OGG or WebM file")
    add_json_flag(p)
    p.set_defaults(func=run)


def render(payload: dict) -> str:  # type: ignore[type-arg]
    lines = [payload["text"], ""]
    lines += [f"[{s['start']:6.2f}–{s['end']:6.2f}] {s['text']}" for s in payload["segments"]]
    wpm = payload["words_per_minute"]
    fillers = ", ".join(f"{k} ×{v}" for k, v in payload["fillers"].items()) or "none heard"
    lines += ["", f"{payload['seconds']:.1f} s · {payload['words']} words · "
                  f"{f'{wpm:.0f} words per minute' if wpm else 'pace n/a'} · fillers: {fillers} · "
                  f"long pauses: {len(payload['long_pauses'])}"]
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    from agent.voice.audio import read_audio
    from agent.voice.models import transcriber

    clip = read_audio(args.audio)
    result = transcriber(deps_from(args)).transcribe(clip)
    if not result.text:
        raise InputError(f"no speech heard in {clip.name}")
    payload = result.as_json()
    emit(args, payload, render(payload))
    return 0
