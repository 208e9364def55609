"""Accounts: names, Argon2 hashes, the login rate limit and the `coach users` contract."""

from __future__ import annotations

import io
import json
import logging
from pathlib import Path

import pytest

from agent.accounts import store
from agent.accounts.login import LoginCheck
from agent.accounts.names import check_name
from agent.accounts.passwords import hash_password, verify_password
from agent.accounts.ratelimit import LoginLimiter
from agent.errors import InputError
from agent.store.db import Database, UserDatabase
from tests.engines import open_user_db
from tests.unit.conftest import invoke


@pytest.mark.parametrize("name", ["a", "dana.ruiz", "x-1_Y", "z" * 64])
def test_good_names_pass(name: str) -> None:
    assert check_name(name) == name


@pytest.mark.parametrize("name", ["", "z" * 65, "dana ruiz", "dana/..", "dänä", "a\nb", "semi;colon", None])
def test_bad_names_are_one_line(name: object) -> None:
    with pytest.raises(InputError) as info:
        check_name(name)
    assert "\n" not in str(info.value) and "invalid user name" in str(info.value)


def test_hashes_are_argon2id_salted_and_verify_only_the_password() -> None:
    first, second = hash_password("correct horse"), hash_password("correct horse")
    assert first.startswith("$argon2id$") and first != second  # a fresh salt each time
    assert verify_password(first, "correct horse") and verify_password(second, "correct horse")
    assert not verify_password(first, "correct horse ")
    assert not verify_password("not a hash", "correct horse")
    with pytest.raises(InputError):
        hash_password("   ")


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_five_failures_lock_a_key_for_sixty_seconds() -> None:
    clock = Clock()
    limiter = LoginLimiter(clock=clock)
    for _ in range(4):
        limiter.failed("name:dana")
    assert limiter.locked("name:dana") == 0
    limiter.failed("name:dana")
    assert limiter.locked("name:dana") == 60
    assert limiter.locked("name:other") == 0
    clock.now += 59.5
    assert limiter.locked("name:dana") == pytest.approx(0.5)
    clock.now += 1
    assert limiter.locked("name:dana") == 0


@pytest.fixture
def db(user_db: UserDatabase) -> UserDatabase:
    return user_db


def test_login_is_limited_per_name_and_per_address(db: UserDatabase,
                                                   caplog: pytest.LogCaptureFixture) -> None:
    store.add_user(db, "dana", "right password")
    store.add_user(db, "raj", "raj's password")
    clock = Clock()
    login = LoginCheck(db, LoginLimiter(clock=clock))
    caplog.set_level(logging.INFO, logger="coach.accounts")
    assert login.check("dana", "right password", "10.0.0.1")
    for address in ("10.0.0.2", "10.0.0.3", "10.0.0.4", "10.0.0.5", "10.0.0.6"):
        assert not login.check("dana", "guess", address)  # five addresses, one name
    assert not login.check("dana", "right password", "10.0.0.1")  # the name is locked
    assert login.check("raj", "raj's password", "10.0.0.1")  # other names are not
    for name in ("a1", "a2", "a3", "a4", "raj"):
        assert not login.check(name, "guess", "10.9.9.9")  # five names, one address
    assert not login.check("raj", "raj's password", "10.9.9.9")  # the address is locked
    assert login.check("raj", "raj's password", "10.0.0.7")
    clock.now += 61
    assert login.check("dana", "right password", "10.0.0.1")
    assert login.check("raj", "raj's password", "10.9.9.9")
    text = caplog.text
    assert "login failed: dana from 10.0.0.2 (wrong password)" in text
    assert "login failed: a1 from 10.9.9.9 (unknown user)" in text
    assert "locked" in text
    assert "guess" not in text and "right password" not in text


def test_unknown_and_malformed_names_are_refused(db: UserDatabase) -> None:
    login = LoginCheck(db, LoginLimiter(clock=Clock()))
    assert not login.check("nobody", "x", "127.0.0.1")
    assert not login.check("bad name", "x", "127.0.0.1")
    assert not login.check("", "", "127.0.0.1")


def users(tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
          *argv: str, stdin: str | None = None) -> tuple[int, str, str]:
    if stdin is not None:
        monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    return invoke(capsys, "--data-dir", str(tmp_path), "users", *argv)


def test_users_cli_contract(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                            monkeypatch: pytest.MonkeyPatch, user_db_url: str | None) -> None:
    """Add, list, passwd, remove on either engine (COACH_DATABASE_URL set for PostgreSQL)."""
    if user_db_url:
        monkeypatch.setenv("COACH_DATABASE_URL", user_db_url)

    def run(*argv: str, stdin: str | None = None) -> tuple[int, str, str]:
        return users(tmp_path, capsys, monkeypatch, *argv, stdin=stdin)

    code, out, _ = run("add", "dana", "--password-stdin", "--json", stdin="first pass\n")
    assert code == 0 and json.loads(out) == {"user": {"id": 1, "name": "dana", "admin": False}}
    code, out, _ = run("add", "raj", "--password-stdin", "--admin", stdin="raj pass\n")
    assert code == 0 and out == "added user raj (admin)\n"
    code, out, _ = run("list", "--json")
    listed = json.loads(out)["users"]
    assert [(u["name"], u["admin"]) for u in listed] == [("dana", False), ("raj", True)]
    assert "argon2" not in out and "hash" not in out
    code, out, _ = run("passwd", "dana", "--password-stdin", "--json", stdin="second pass\n")
    assert code == 0 and json.loads(out) == {"user": "dana", "changed": True}
    db = open_user_db(user_db_url, tmp_path)
    login = LoginCheck(db, LoginLimiter(clock=Clock()))
    assert login.check("dana", "second pass", "a") and not login.check("dana", "first pass", "b")
    db.close()
    assert (tmp_path / "coach.sqlite3").exists() is not bool(user_db_url)
    code, out, _ = run("remove", "raj", "--json")
    assert code == 0 and json.loads(out)["removed"] == "raj"
    code, out, _ = run("add", "raj", "--password-stdin", "--json", stdin="again\n")
    assert json.loads(out)["user"]["id"] == 3  # a new account never takes a removed one's id
    code, _, err = run("add", "raj", "--password-stdin", stdin="once more\n")
    assert code == 2 and err == "coach: error: user raj already exists\n"


@pytest.mark.parametrize(("argv", "stdin", "needle"), [
    (["add", "dana", "--password-stdin"], "x\n", "user dana already exists"),
    (["add", "new", "--password-stdin"], "\n", "password must not be empty"),
    (["add", "bad name", "--password-stdin"], "x\n", "invalid user name"),
    (["add", "z" * 65, "--password-stdin"], "x\n", "invalid user name"),
    (["remove", "nobody"], None, "no user named nobody"),
    (["passwd", "nobody", "--password-stdin"], "x\n", "no user named nobody"),
    (["passwd", "../etc", "--password-stdin"], "x\n", "invalid user name"),
])
def test_users_cli_bad_input_is_one_line_exit_2(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
        argv: list[str], stdin: str | None, needle: str) -> None:
    store.add_user(Database(tmp_path / "coach.sqlite3"), "dana", "pass")
    code, out, err = users(tmp_path, capsys, monkeypatch, *argv, stdin=stdin)
    assert code == 2 and out == ""
    assert needle in err and err.count("\n") == 1 and "Traceback" not in err


def test_prompted_passwords_must_match(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    typed = iter(["one", "two"])
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(typed))
    code, _, err = users(tmp_path, capsys, monkeypatch, "add", "dana")
    assert code == 2 and "the two passwords differ" in err
    typed = iter(["same", "same"])
    code, out, _ = users(tmp_path, capsys, monkeypatch, "add", "dana", "--json")
    assert code == 0 and json.loads(out)["user"]["name"] == "dana"


def test_removing_a_user_removes_their_rehearsals_and_documents_too(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
        encoder) -> None:  # type: ignore[no-untyped-def]
    """What an account owns outside the SQL tables goes with it; the others' stays."""
    from langgraph.checkpoint.base import empty_checkpoint

    from agent.config import Settings
    from agent.deps import Deps
    from agent.mock.graph import open_checkpointer, thread_for
    from agent.store.vectors import OWNED

    def run(*argv: str, stdin: str | None = None) -> tuple[int, str, str]:
        return users(tmp_path, capsys, monkeypatch, *argv, stdin=stdin)

    assert run("add", "dana", "--password-stdin", stdin="d pass\n")[0] == 0
    assert run("add", "raj", "--password-stdin", stdin="r pass\n")[0] == 0
    settings = Settings.load(env={}, dotenv=tmp_path / "none", data_dir=tmp_path)
    saver = open_checkpointer(settings)
    for n, owner in enumerate((1, 2, 2)):
        config = {"configurable": {"thread_id": thread_for(owner, f"mock-{n}"),
                                   "checkpoint_ns": ""}}
        saver.put(config, empty_checkpoint(), {}, {})  # type: ignore[arg-type]
    deps = Deps(settings, encoder_override=encoder)
    for owner in (1, 2):
        deps.vectors.upsert(OWNED, [f"doc-{owner}"], [f"Notes of user {owner}."],
                            [{"source": f"notes-{owner}.md"}], owner=owner)
    deps.close()

    code, out, err = run("remove", "raj", "--json")
    assert code == 0, err
    assert json.loads(out) == {"removed": "raj", "rehearsals_deleted": 2, "document_chunks_deleted": 1}
    left = open_checkpointer(settings).thread_checkpoint_counts()  # type: ignore[attr-defined]
    assert [t.split(":")[0] for t in left] == ["user1"]
    deps = Deps(settings, encoder_override=encoder)
    assert deps.vectors.documents(OWNED, owner=1) == ["Notes of user 1."]
    assert deps.vectors.documents(OWNED, owner=2) == []
    deps.close()
