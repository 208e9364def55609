"""Run llama-cpp-python's OpenAI-compatible server, and end it with the app that started it.

The app stops its model server on a clean exit. This covers the other exits: the app killed, or
interrupted while the server was still loading in a background thread. Without it such a server
is orphaned, holding ~300 MB and its port with nobody left to use it. Started as
`python -m agent.serve_model <llama_cpp.server arguments>`.
"""

from __future__ import annotations

import os
import sys
import threading
import time

PARENT_ENV = "COACH_MODEL_SERVER_PARENT"


def watch_parent(parent: int, interval: float = 0.5) -> None:
    """Exit this process as soon as `parent` is no longer its parent (it died; we were re-parented)."""
    while os.getppid() == parent:
        time.sleep(interval)
    os._exit(0)


def main() -> None:
    # The app passes its pid: if it died before this process got here, getppid() is already init's.
    parent = int(os.environ.get(PARENT_ENV) or os.getppid())
    threading.Thread(target=watch_parent, args=(parent,), daemon=True).start()
    from llama_cpp.server.__main__ import main as serve

    sys.argv = ["llama_cpp.server", *sys.argv[1:]]
    serve()


if __name__ == "__main__":
    main()
