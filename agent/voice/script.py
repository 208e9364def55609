"""A rehearsal read from a folder of numbered recordings (`coach mock --audio-script DIR`).

The files are taken in the order of the number their names start with (`1.wav`, `02-intro.webm`,
`10 thanks.mp3`); other files are ignored. Every recording is checked and transcribed before the
rehearsal starts, so a bad file stops the command before anything is saved.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from agent.deps import Deps
from agent.errors import InputError
from agent.voice.speech import TurnSpeech

NUMBERED = re.compile(r"^(\d+)")
MAX_FILES = 200


@dataclass(frozen=True)
class SpokenLine:
    file: str
    text: str
    speech: TurnSpeech


def numbered_files(folder: str | Path) -> list[Path]:
    """The numbered files of `folder`, in number order."""
    path = Path(folder).expanduser()
    if not path.is_dir():
        raise InputError(f"no such folder: {folder}")
    found = [(int(m.group(1)), f.name, f) for f in path.iterdir()
             if f.is_file() and (m := NUMBERED.match(f.name))]
    if not found:
        raise InputError(f"no numbered audio files in {folder} (name them 1.wav, 2.webm, …)")
    if len(found) > MAX_FILES:
        raise InputError(f"more than {MAX_FILES} recordings in {folder}")
    numbers = [n for n, _, _ in found]
    if len(set(numbers)) != len(numbers):
        twice = sorted({n for n in numbers if numbers.count(n) > 1})[0]
        raise InputError(f"two recordings in {folder} are numbered {twice}")
    return [f for _, _, f in sorted(found)]


def transcribe_script(deps: Deps, folder: str | Path) -> list[SpokenLine]:
    """Each recording's text and speech figures, or an `InputError` naming the first bad file."""
    from agent.voice.audio import read_audio
    from agent.voice.models import transcriber

    files = numbered_files(folder)
    clips = [read_audio(f) for f in files]
    model = transcriber(deps)
    lines = []
    for file, clip in zip(files, clips, strict=True):
        result = model.transcribe(clip)
        if not result.text or result.speech is None:
            raise InputError(f"no speech heard in {file.name}")
        lines.append(SpokenLine(file.name, result.text, result.speech))
    return lines
