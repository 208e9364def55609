"""`coach speak TEXT --output FILE.wav`: the contact's voice (Piper, en_US-joe-medium), offline.

`-` reads the text from stdin. Empty or overlong text, or an output that is not a `.wav` in an
existing folder, gives one line on stderr and exit status 2; the file is written whole or not at all.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

from agent.cli import emit
from agent.cli.common import add_json_flag, deps_from, read_text_arg
from agent.errors import InputError

MAX_CHARS = 5000


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("speak", help="say a text in the contact's voice, into a WAV file")
    p.add_argument("text", metavar="TEXT", help="what to say, or - to read it from stdin")
    p.add_argument("--output", "-o", required=True, metavar="FILE.wav", help="the WAV file to write")
    add_json_flag(p)
    p.set_defaults(func=run)


def output_path(value: str) -> Path:
    path = Path(value).expanduser()
    if path.suffix.lower() != ".wav":
        raise InputError("--output must name a .wav file")
    if not path.parent.is_dir():
        raise InputError(f"no such folder for --output: {path.parent}")
    if path.is_dir():
        raise InputError(f"--output is a folder: {value}")
    return path


def run(args: argparse.Namespace) -> int:
    from agent.voice.models import speaker

    raw = sys.stdin.read() if args.text == "-" else args.text
    text = read_text_arg(raw, "the text to speak", MAX_CHARS)
    path = output_path(args.output)
    voice = speaker(deps_from(args))
    samples = voice.samples(text)
    if samples.size == 0:
        raise InputError("nothing in the text can be spoken")
    from agent.voice.audio import wav_bytes

    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(wav_bytes(samples, voice.sample_rate))
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    seconds = round(samples.size / voice.sample_rate, 2)
    payload = {"output": str(path), "seconds": seconds, "sample_rate": voice.sample_rate,
               "voice": "en_US-joe-medium"}
    emit(args, payload, f"wrote {path} ({seconds:.1f} s)")
    return 0
