"""The two voice models, loaded once per process and shared (through `Deps.cached`).

The UI loads them in the background after its first page is served (`warm`), so neither the page
nor the first click waits for them; the CLI loads only the one it needs, when it needs it.
"""

from __future__ import annotations

import logging
from typing import Any

from agent.deps import Deps
from agent.errors import CoachError
from agent.voice.stt import Transcriber
from agent.voice.tts import Speaker

log = logging.getLogger(__name__)


def transcriber(deps: Deps) -> Transcriber:
    return deps.cached("voice:stt", lambda: Transcriber(threads=deps.settings.threads))  # type: ignore[no-any-return]


def speaker(deps: Deps) -> Speaker:
    return deps.cached("voice:tts", lambda: ready_speaker(deps.settings.threads))  # type: ignore[no-any-return]


def ready_speaker(threads: int = 2) -> Speaker:
    """The voice, with the acknowledgements a spoken reply opens with already synthesised
    (six short phrases, about 0.3 s in all, paid once at load rather than on a reply)."""
    from agent.mock.persona import ACKS

    loaded = Speaker(threads=threads)
    loaded.prepare([ack.strip() for ack in ACKS])
    return loaded


def warm(deps: Deps) -> dict[str, Any]:
    """Load both models now (in a background thread of the UI); returns their load times."""
    times: dict[str, Any] = {}
    for name, load in (("tts", speaker), ("stt", transcriber)):
        try:
            times[name] = round(load(deps).load_seconds, 2)
        except (CoachError, OSError, RuntimeError) as exc:  # shown to the user on first use instead
            log.warning("voice model %s did not load: %s", name, exc)
            times[name] = None
    return times
