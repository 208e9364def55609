"""The `users` table: add, list, remove, change a password, find by name.

Plain SQL that SQLite and PostgreSQL both run (see `agent.store.db`). A removed account's rows
(contacts, drafts, profile...) go with it in the same transaction: ids are never reused, but data
nobody can log in to see is only a liability.
"""

from __future__ import annotations

from typing import Any

from agent.accounts.names import check_name
from agent.accounts.passwords import hash_password
from agent.errors import InputError
from agent.store.db import UserDatabase, now_iso
from agent.store.userdata import new_id


def add_user(db: UserDatabase, name: str, password: str, admin: bool = False) -> int:
    name = check_name(name)
    digest = hash_password(password)  # before the transaction: hashing takes a while
    stamp = now_iso()
    try:
        with db.transaction() as conn:
            cur = conn.execute(
                "INSERT INTO users (name, password_hash, admin, created_at, updated_at)"
                " VALUES (?, ?, ?, ?, ?) RETURNING id", (name, digest, int(admin), stamp, stamp))
            return new_id(cur)
    except db.IntegrityError as exc:  # the UNIQUE name, on either engine
        raise InputError(f"user {name} already exists") from exc


def list_users(db: UserDatabase) -> list[dict[str, Any]]:
    """Every account as {id, name, admin, created_at}: never the hash."""
    with db.connect() as conn:
        rows = conn.execute("SELECT id, name, admin, created_at FROM users ORDER BY name").fetchall()
    return [{"id": r["id"], "name": r["name"], "admin": bool(r["admin"]), "created_at": r["created_at"]}
            for r in rows]


def find_user(db: UserDatabase, name: str) -> dict[str, Any] | None:
    """{id, name, admin, password_hash} of the account called `name`, or None."""
    with db.connect() as conn:
        row = conn.execute("SELECT id, name, admin, password_hash FROM users WHERE name = ?",
                           (name,)).fetchone()
    return dict(row) if row else None


def remove_user(db: UserDatabase, name: str) -> int:
    """Delete the account and everything it owns; its id. An unknown name is an InputError."""
    name = check_name(name)
    with db.transaction() as conn:
        row = conn.execute("SELECT id FROM users WHERE name = ?", (name,)).fetchone()
        if row is None:
            raise InputError(f"no user named {name}")
        user_id = int(row["id"])
        db.for_user(user_id).forget_everything(conn)
        conn.execute("DELETE FROM users WHERE id = ?", (user_id,))
    return user_id


def set_password(db: UserDatabase, name: str, password: str) -> None:
    name = check_name(name)
    digest = hash_password(password)
    with db.transaction() as conn:
        cur = conn.execute("UPDATE users SET password_hash = ?, updated_at = ? WHERE name = ?",
                           (digest, now_iso(), name))
        if cur.rowcount == 0:
            raise InputError(f"no user named {name}")
