"""The real app and a fake model server as subprocesses: start, wait for HTTP 200, kill, clean up.

`coach ui` runs exactly as a user starts it (`python -m agent.cli ui --port P`), with its data
folder and model server chosen by environment variables. Every process started here is ended by
its own pid (`stop`), never by name.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from agent.bench.memory import children
from agent.model_server import free_port

ROOT = Path(__file__).resolve().parents[2]
START_TIMEOUT = 180.0


def base_env(data_dir: Path, **extra: str) -> dict[str, str]:
    env = {**os.environ, "COACH_DATA_DIR": str(data_dir), "GRADIO_ANALYTICS_ENABLED": "False",
           "ANONYMIZED_TELEMETRY": "False", "HF_HUB_OFFLINE": "1", "PYTHONPATH": str(ROOT)}
    for var in ("OPENAI_BASE_URL", "COACH_TIMEOUT", "COACH_MAX_RETRIES"):
        env.pop(var, None)
    env.update(extra)
    return env


def wait_http(url: str, proc: subprocess.Popen[bytes], timeout: float, log: Path) -> float:
    start = time.monotonic()
    while time.monotonic() - start < timeout:
        if proc.poll() is not None:
            tail = log.read_text(encoding="utf-8", errors="replace").strip().splitlines()[-3:]
            raise RuntimeError(f"{url} exited with {proc.returncode}: {' | '.join(tail)}")
        try:
            if httpx.get(url, timeout=2.0).status_code == 200:
                return time.monotonic() - start
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"{url} did not answer within {timeout:.0f} s")


@dataclass
class Proc:
    """One started process with its log; `stop()` ends it and any children it left."""

    proc: subprocess.Popen[bytes]
    url: str
    log: Path
    started_in: float = 0.0
    kids: list[int] = field(default_factory=list)

    @property
    def pid(self) -> int:
        return self.proc.pid

    def children(self) -> list[int]:
        return children(self.pid) if self.proc.poll() is None else []

    def kill(self, sig: int = signal.SIGKILL) -> None:
        self.kids = self.children() or self.kids
        if self.proc.poll() is None:
            os.kill(self.pid, sig)
        if sig == signal.SIGKILL:
            self.proc.wait(timeout=30)

    def stop(self) -> None:
        self.kids = self.children() or self.kids
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
        deadline = time.monotonic() + 10
        for pid in self.kids:  # a model server ends itself once its parent is gone; wait for it
            while time.monotonic() < deadline and Path(f"/proc/{pid}").exists() and _not_zombie(pid):
                time.sleep(0.1)
            if Path(f"/proc/{pid}").exists() and _not_zombie(pid):
                os.kill(pid, signal.SIGKILL)


def _not_zombie(pid: int) -> bool:
    try:
        return " Z " not in Path(f"/proc/{pid}/stat").read_text().split(")", 1)[1][:4]
    except OSError:
        return False


def start_app(data_dir: Path, workdir: Path, *, model_url: str | None = None,
              extra_env: dict[str, str] | None = None, port: int | None = None,
              args: tuple[str, ...] = ()) -> Proc:
    """`coach ui` on a free loopback port; with `model_url` it talks to that server instead of
    starting the embedded one."""
    port = port or free_port()
    env = base_env(data_dir, **(extra_env or {}))
    if model_url:
        env["OPENAI_BASE_URL"] = model_url
    log = workdir / f"ui-{port}-{int(time.time() * 1000)}.log"
    with log.open("wb") as sink:
        proc = subprocess.Popen([sys.executable, "-m", "agent.cli", "ui", "--port", str(port), *args],
                                env=env, stdout=sink, stderr=subprocess.STDOUT, cwd=ROOT)
    app = Proc(proc, f"http://127.0.0.1:{port}", log)
    try:
        app.started_in = wait_http(app.url + "/", proc, START_TIMEOUT, log)
    except RuntimeError:
        app.stop()
        raise
    return app


def start_fake_model(workdir: Path, mode: str = "ok", delay: float = 0.0) -> Proc:
    port = free_port()
    log = workdir / f"fake-model-{port}.log"
    with log.open("wb") as sink:
        proc = subprocess.Popen([sys.executable, "-m", "evals.faults.fake_model_server", "--port",
                                 str(port), "--mode", mode, "--delay", str(delay)],
                                stdout=sink, stderr=subprocess.STDOUT, cwd=ROOT,
                                env={**os.environ, "PYTHONPATH": str(ROOT)})
    fake = Proc(proc, f"http://127.0.0.1:{port}", log)
    fake.started_in = wait_http(fake.url + "/control", proc, 30, log)
    return fake


def set_mode(fake: Proc, mode: str, delay: float | None = None) -> None:
    body: dict[str, object] = {"mode": mode, "reset": True}
    if delay is not None:
        body["delay"] = delay
    httpx.post(fake.url + "/control", json=body, timeout=5)


def requests_seen(fake: Proc) -> int:
    return int(httpx.get(fake.url + "/control", timeout=5).json()["requests"])


def copy_index(index: Path, target: Path) -> Path:
    """A private copy of a built data folder (the built-in knowledge already indexed)."""
    shutil.copytree(index, target)
    return target
