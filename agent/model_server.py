"""Start and stop the embedded model: llama-cpp-python's OpenAI-compatible server on loopback.

Running the model behind real HTTP means every call, embedded or remote, goes through the same
`openai` client, which is what the cassette tests record and replay.
"""

from __future__ import annotations

import atexit
import importlib.util
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING

import httpx

from agent.config import default_data_dir
from agent.errors import ConfigError, ModelError
from agent.local_models import DEFAULT_LOCAL_MODEL, alias_for, local_model_file
from agent.serve_model import PARENT_ENV

if TYPE_CHECKING:
    from agent.config import Settings


def model_file(settings: Settings) -> Path:
    """The GGUF for these settings: COACH_MODEL_PATH if given, else the chosen local model's file
    (for the chunked Qwen model: assembled and verified in the data folder on first use)."""
    return local_model_file(settings.local_model, settings.model_store, settings.model_path)


def resolve_model_path(model_path: Path | None) -> Path:
    """Check the GGUF exists before a server is started, so the error names the file.

    Without a path, the default local model's file under the default data folder.
    """
    return local_model_file(DEFAULT_LOCAL_MODEL, default_data_dir() / "models", model_path)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class EmbeddedModelServer:
    """A child process serving one GGUF on 127.0.0.1; stopped at exit."""

    def __init__(
        self,
        model_path: Path | None = None,
        *,
        alias: str | None = None,
        port: int | None = None,
        threads: int | None = None,
        n_ctx: int = 4096,
        startup_timeout: float = 90.0,
    ) -> None:
        self.model_path = resolve_model_path(model_path)
        self.alias = alias or alias_for(DEFAULT_LOCAL_MODEL)
        self.port = port or free_port()
        self.threads = threads or os.cpu_count() or 2
        self.n_ctx = n_ctx
        self.startup_timeout = startup_timeout
        self._proc: subprocess.Popen[bytes] | None = None
        self._log = tempfile.TemporaryFile()
        self._running = False  # started and not deliberately stopped
        self._restart_lock = threading.Lock()
        self._exit_hook = False
        self.restarts = 0

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    def command(self) -> list[str]:
        return [
            sys.executable, "-m", "agent.serve_model",  # llama_cpp.server, ended with its parent
            "--model", str(self.model_path),
            "--model_alias", self.alias,
            "--host", "127.0.0.1",
            "--port", str(self.port),
            "--n_ctx", str(self.n_ctx),
            "--n_threads", str(self.threads),
            "--n_threads_batch", str(self.threads),
            # The server's defaults cost ~15% of prompt speed and ~0.1 s per request here:
            # logits for every prompt token (only logprobs need them; we never ask) and a RAM
            # prompt cache that copies the whole state after each reply. llama.cpp already keeps
            # the last request's tokens and reuses the common prefix, which is what a session's
            # byte-stable prompts rely on.
            "--logits_all", "false",
            "--cache", "false",
            "--verbose", "false",
        ]

    def start(self) -> EmbeddedModelServer:
        if self._proc is not None:
            return self
        if importlib.util.find_spec("llama_cpp") is None:
            raise ConfigError("llama-cpp-python is not installed: run `make run` or `make install`")
        self._proc = subprocess.Popen(
            self.command(), stdout=self._log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            env={**os.environ, PARENT_ENV: str(os.getpid())},
        )
        if not self._exit_hook:
            atexit.register(self.stop)
            self._exit_hook = True
        self._running = True
        self._wait_ready()
        return self

    def ensure_running(self) -> None:
        """Start the server again, on the same port, if it died since it was started (crashed,
        killed, out of memory). Called before every request, so a rehearsal's next turn gets a
        model again instead of one failure after another; a deliberate `stop()` is left alone."""
        with self._restart_lock:
            proc = self._proc
            if not self._running or (proc is not None and proc.poll() is None):
                return
            self._proc = None
            self.restarts += 1
            self.start()

    def _wait_ready(self) -> None:
        deadline = time.monotonic() + self.startup_timeout
        url = f"http://127.0.0.1:{self.port}/v1/models"
        while time.monotonic() < deadline:
            assert self._proc is not None
            if self._proc.poll() is not None:
                raise ModelError(f"embedded model server exited: {self._last_log_line()}")
            try:
                if httpx.get(url, timeout=1.0).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        self.stop()
        self._running = True  # not a deliberate stop: the next request may try again
        raise ModelError(f"embedded model server not ready after {self.startup_timeout:.0f}s")

    def _last_log_line(self) -> str:
        self._log.seek(0)
        lines = [ln for ln in self._log.read().decode("utf-8", "replace").splitlines() if ln.strip()]
        return lines[-1][:200] if lines else "no output"

    @property
    def pid(self) -> int | None:
        return self._proc.pid if self._proc else None

    def stop(self) -> None:
        self._running = False
        proc, self._proc = self._proc, None
        if proc is None or proc.poll() is not None:
            return
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=5)

    def __enter__(self) -> EmbeddedModelServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
