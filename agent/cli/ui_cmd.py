"""`coach ui`: serve the Gradio app on loopback (no share link, monitoring off)."""

from __future__ import annotations

import argparse


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("ui", help="start the web app")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=7860)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from agent.cli.common import deps_from
    from ui.launch import serve

    serve(deps_from(args), host=args.host, port=args.port)
    return 0
