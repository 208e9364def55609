"""`coach ui`: serve the Gradio app on loopback (no share link, monitoring off).

`--multi-user` asks everyone for an account (`coach users add`) and keeps each one's data apart.
Serving on an address other computers can reach without it would hand the local user's
contacts and notes to anyone on the network, so that needs `--i-know-this-is-public`.
"""

from __future__ import annotations

import argparse
import ipaddress

from agent.errors import InputError


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("ui", help="start the web app")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=7860)
    p.add_argument("--multi-user", action="store_true",
                   help="require a login (accounts from `coach users`) and keep each user's data apart")
    p.add_argument("--i-know-this-is-public", dest="public_ok", action="store_true",
                   help="serve a non-loopback --host without --multi-user (no login: anyone who can "
                        "reach the port sees and changes your data)")
    p.set_defaults(func=run)


def is_loopback(host: str) -> bool:
    if host.strip().lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip().strip("[]")).is_loopback
    except ValueError:
        return False  # a host name: it may resolve to anything


def check_exposure(host: str, multi_user: bool, public_ok: bool) -> None:
    if not is_loopback(host) and not multi_user and not public_ok:
        raise InputError(f"--host {host} is reachable from other computers and nothing asks for a "
                         "login: add --multi-user (accounts: coach users add NAME), or "
                         "--i-know-this-is-public")


def run(args: argparse.Namespace) -> int:
    check_exposure(args.host, args.multi_user, args.public_ok)
    from agent.cli.common import deps_from
    from ui.launch import serve

    if args.multi_user:
        from agent.accounts.store import list_users

        deps = deps_from(args)
        if not list_users(deps.db):
            raise InputError("--multi-user needs at least one account: coach users add NAME")
        deps.multi_user = True
    else:
        deps = deps_from(args)
    serve(deps, host=args.host, port=args.port)
    return 0
