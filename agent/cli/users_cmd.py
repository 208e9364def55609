"""`coach users add|list|remove|passwd`: the accounts `coach ui --multi-user` logs in with.

Passwords come from standard input (`--password-stdin`, the first line) or are typed twice at a
prompt; never from an argument, which the process list and the shell history would show.
`list` never prints a hash. Removing an account removes what it owns.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from agent.cli.common import add_json_flag, settings_from
from agent.config import Settings
from agent.errors import InputError


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("users", help="accounts for `coach ui --multi-user`")
    actions = p.add_subparsers(dest="action", required=True, parser_class=type(p))

    a = actions.add_parser("add", help="create an account")
    a.add_argument("name", metavar="NAME")
    a.add_argument("--password-stdin", action="store_true", help="read the password from stdin")
    a.add_argument("--admin", action="store_true", help="mark the account as an administrator")
    add_json_flag(a)

    a = actions.add_parser("list", help="the accounts (never their password hashes)")
    add_json_flag(a)

    a = actions.add_parser("remove", help="delete an account and everything it owns")
    a.add_argument("name", metavar="NAME")
    add_json_flag(a)

    a = actions.add_parser("passwd", help="set a new password")
    a.add_argument("name", metavar="NAME")
    a.add_argument("--password-stdin", action="store_true", help="read the password from stdin")
    add_json_flag(a)
    p.set_defaults(func=run)


def read_password(from_stdin: bool) -> str:
    """The first line of stdin, or the password typed twice at a hidden prompt."""
    if from_stdin:
        line = sys.stdin.readline()
        return line[:-1] if line.endswith("\n") else line
    import getpass

    first = getpass.getpass("Password: ")
    if getpass.getpass("Password again: ") != first:
        raise InputError("the two passwords differ")
    return first


def run(args: argparse.Namespace) -> int:
    from agent.accounts import store
    from agent.accounts.names import check_name
    from agent.accounts.passwords import check_password
    from agent.cli import emit
    from agent.store.db import open_database

    if args.action != "list":
        check_name(args.name)  # before a prompt or opening the database
    settings = settings_from(args)
    db = open_database(settings)
    if args.action == "add":
        password = check_password(read_password(args.password_stdin))
        user_id = store.add_user(db, args.name, password, admin=args.admin)
        user = {"id": user_id, "name": args.name, "admin": bool(args.admin)}
        emit(args, {"user": user}, f"added user {args.name}" + (" (admin)" if args.admin else ""))
    elif args.action == "list":
        users = store.list_users(db)
        human = "\n".join(f"{u['name']}{' (admin)' if u['admin'] else ''}" for u in users)
        emit(args, {"users": users}, human or "no users yet: coach users add NAME")
    elif args.action == "remove":
        user_id = store.remove_user(db, args.name)
        gone = forget_outside_sql(settings, user_id)
        emit(args, {"removed": args.name, **gone}, f"removed user {args.name} and their data")
    elif args.action == "passwd":
        if store.find_user(db, args.name) is None:
            raise InputError(f"no user named {args.name}")
        store.set_password(db, args.name, check_password(read_password(args.password_stdin)))
        emit(args, {"user": args.name, "changed": True}, f"changed the password of {args.name}")
    return 0


def forget_outside_sql(settings: Settings, user_id: int) -> dict[str, int]:
    """What the account owned outside the SQL tables: its rehearsal threads in the checkpointer
    and its documents' chunks in the index. Run after the rows are gone, so a failure here leaves
    orphans nobody can reach (no login maps to the id, and ids are never reused), not a half
    account."""
    from agent.deps import Deps
    from agent.mock.graph import open_checkpointer, thread_owner

    saver: Any = open_checkpointer(settings)
    threads = [t for t in saver.thread_checkpoint_counts() if thread_owner(t) == user_id]
    for thread_id in threads:
        saver.delete_thread(thread_id)
    deps = Deps(settings)
    try:
        chunks = deps.vectors.forget_owner(user_id)
    finally:
        deps.close()
    return {"rehearsals_deleted": len(threads), "document_chunks_deleted": chunks}
