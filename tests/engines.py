"""Real database engines for the tests: a throw-away PostgreSQL cluster and a `chroma run` server.

The server mode of the app (COACH_DATABASE_URL, COACH_CHROMA_URL) must be tested on the engines
it will meet, not on mocks, and the embedded and server paths must run the same tests so they
cannot drift apart. Both engines start lazily, once per session, only when a test asks for them,
and are stopped at the end of the session even when tests fail. A test that needs an engine that
cannot start fails with the reason (`make postgres` installs PostgreSQL); it is never skipped.

PostgreSQL's `initdb` refuses to run as root, so under root the cluster belongs to the Debian
`postgres` system user (`runuser -u postgres --`) in a temp folder it owns. The cluster runs with
`fsync=off`: it is thrown away, and durability is PostgreSQL's job, not this test's.
"""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

START_TIMEOUT = 60.0  # seconds for a server to come up on a busy two-core machine


class EngineUnavailable(RuntimeError):
    """An engine the test needs could not be started; the message says why and how to fix it."""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _pg_bin(name: str) -> str:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"),
                   key=lambda p: int(Path(p).parts[-3]) if Path(p).parts[-3].isdigit() else 0)
    if found:
        return found[-1]
    on_path = shutil.which(name)
    if on_path:
        return on_path
    raise EngineUnavailable(f"PostgreSQL's {name} is not installed: run `make postgres` "
                            "(apt-get install postgresql)")


def _as_owner() -> tuple[list[str], int | None]:
    """The command prefix and uid that run the cluster: ourselves, or `postgres` under root."""
    if os.geteuid() != 0:
        return [], None
    try:
        uid = pwd.getpwnam("postgres").pw_uid
    except KeyError as exc:
        raise EngineUnavailable("running as root and there is no `postgres` user to own the "
                                "test cluster: run `make postgres`") from exc
    return ["runuser", "-u", "postgres", "--"], uid


def _run(cmd: list[str], what: str) -> None:
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=START_TIMEOUT)
    if done.returncode != 0:
        detail = (done.stderr or done.stdout).strip().splitlines()[-3:]
        raise EngineUnavailable(f"{what} failed (exit {done.returncode}): {' | '.join(detail)}")


@dataclass
class Postgres:
    """A running throw-away cluster; `new_database()` gives each test its own empty database."""

    folder: Path
    port: int
    prefix: list[str]

    @property
    def admin_url(self) -> str:
        return f"postgresql://coach@127.0.0.1:{self.port}/postgres"

    def url(self, database: str) -> str:
        return f"postgresql://coach@127.0.0.1:{self.port}/{database}"

    def new_database(self) -> str:
        import psycopg

        name = f"t_{uuid.uuid4().hex[:12]}"
        with psycopg.connect(self.admin_url, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def stop(self) -> None:
        subprocess.run([*self.prefix, _pg_bin("pg_ctl"), "-D", str(self.folder / "db"),
                        "-m", "immediate", "stop"], capture_output=True, timeout=START_TIMEOUT)
        shutil.rmtree(self.folder, ignore_errors=True)


def start_postgres() -> Postgres:
    initdb, pg_ctl = _pg_bin("initdb"), _pg_bin("pg_ctl")
    prefix, uid = _as_owner()
    folder = Path(tempfile.mkdtemp(prefix="coach-pg-"))
    if uid is not None:
        os.chown(folder, uid, -1)
    server = Postgres(folder, free_port(), prefix)
    try:
        _run([*prefix, initdb, "-D", str(folder / "db"), "-U", "coach", "-A", "trust",
              "-E", "UTF8", "--no-sync", "--no-instructions"], "initdb")
        options = (f"-p {server.port} -k {folder} -c listen_addresses=127.0.0.1 "
                   "-c fsync=off -c synchronous_commit=off -c full_page_writes=off")
        _run([*prefix, pg_ctl, "-D", str(folder / "db"), "-l", str(folder / "log"), "-o", options,
              "-w", "-t", str(int(START_TIMEOUT)), "start"], "pg_ctl start")
    except BaseException:
        log = folder / "log"
        tail = log.read_text(errors="replace")[-400:] if log.exists() else ""
        server.stop()
        if tail:
            sys.stderr.write(f"PostgreSQL log: {tail}\n")
        raise
    return server


@dataclass
class ChromaServer:
    """A `chroma run` process on a free port with its data in a temp folder."""

    folder: Path
    port: int
    process: subprocess.Popen[bytes]

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=20)
        shutil.rmtree(self.folder, ignore_errors=True)


def _chroma_cli() -> str:
    beside = Path(sys.executable).with_name("chroma")
    found = str(beside) if beside.exists() else shutil.which("chroma")
    if not found:
        raise EngineUnavailable("the `chroma` command is missing next to this Python: "
                                "reinstall chromadb (`make install`)")
    return found


def start_chroma() -> ChromaServer:
    folder = Path(tempfile.mkdtemp(prefix="coach-chroma-"))
    port = free_port()
    env = {**os.environ, "ANONYMIZED_TELEMETRY": "False"}
    log = open(folder / "log", "wb")  # noqa: SIM115 - the child writes to it until stopped
    process = subprocess.Popen(
        [_chroma_cli(), "run", "--path", str(folder / "data"), "--host", "127.0.0.1",
         "--port", str(port)], stdout=log, stderr=subprocess.STDOUT, env=env)
    log.close()
    server = ChromaServer(folder, port, process)
    deadline = time.monotonic() + START_TIMEOUT
    while True:
        if process.poll() is not None:
            tail = (folder / "log").read_text(errors="replace")[-300:]
            server.stop()
            raise EngineUnavailable(f"`chroma run` exited with {process.returncode}: {tail}")
        try:
            with urllib.request.urlopen(f"{server.url}/api/v2/heartbeat", timeout=2):
                return server
        except OSError as exc:
            if time.monotonic() > deadline:
                server.stop()
                raise EngineUnavailable(
                    f"`chroma run` did not answer within {START_TIMEOUT:.0f} s") from exc
            time.sleep(0.2)


@contextlib.contextmanager
def _engine(start):  # type: ignore[no-untyped-def]
    try:
        server = start()
    except EngineUnavailable as exc:
        pytest.fail(f"cannot start the test engine: {exc}", pytrace=False)
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[Postgres]:
    with _engine(start_postgres) as server:
        yield server


@pytest.fixture
def postgres_url(postgres_server: Postgres) -> str:
    """A fresh, empty database on the session's cluster."""
    return postgres_server.new_database()


@pytest.fixture(scope="session")
def chroma_server() -> Iterator[ChromaServer]:
    with _engine(start_chroma) as server:
        yield server


@pytest.fixture
def chroma_url(chroma_server: ChromaServer) -> Iterator[str]:
    """The session's Chroma server, emptied after the test so the next one starts clean."""
    yield chroma_server.url
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    client = chromadb.HttpClient(host="127.0.0.1", port=chroma_server.port,
                                 settings=ChromaSettings(anonymized_telemetry=False))
    for collection in client.list_collections():
        client.delete_collection(collection.name)


@pytest.fixture(params=["sqlite", "postgres"])
def checkpoint_url(request: pytest.FixtureRequest) -> str | None:
    """Run a test on both rehearsal checkpointers: None (SQLite in the data folder) and a fresh
    PostgreSQL database, so the two cannot drift apart."""
    if request.param == "sqlite":
        return None
    return str(request.getfixturevalue("postgres_url"))


@pytest.fixture(params=["embedded", "server"])
def chroma_backend(request: pytest.FixtureRequest) -> str | None:
    """Run a test on both Chroma modes: None (embedded, on disk) and a `chroma run` server URL."""
    if request.param == "embedded":
        return None
    return str(request.getfixturevalue("chroma_url"))


@pytest.fixture(params=["sqlite", "postgres"])
def user_db_url(request: pytest.FixtureRequest) -> str | None:
    """Run a test on both user databases: None (`coach.sqlite3` in the data folder) and a fresh
    PostgreSQL database (COACH_DATABASE_URL), so the SQL they share cannot drift apart."""
    if request.param == "sqlite":
        return None
    return str(request.getfixturevalue("postgres_url"))


def open_user_db(url: str | None, folder: Path):  # type: ignore[no-untyped-def]
    """The user database `url` names, or the SQLite file in `folder` without one."""
    from agent.store.db import Database
    from agent.store.pg_db import PgDatabase

    return PgDatabase(url) if url else Database(folder / "coach.sqlite3")


@pytest.fixture
def user_db(user_db_url: str | None, tmp_path: Path):  # type: ignore[no-untyped-def]
    """An empty, migrated user database on each engine; its connection pool closed afterwards."""
    db = open_user_db(user_db_url, tmp_path)
    yield db
    db.close()
