"""`coach ingest [PATH ...]`: index user files, or the built-in knowledge when none are given."""

from __future__ import annotations

import argparse

from agent.cli import emit
from agent.cli.common import add_json_flag, deps_from
from agent.ingest.pipeline import ingest


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("ingest", help="index knowledge files (.md, .txt) into Chroma")
    p.add_argument("paths", nargs="*", help="files or folders; none = built-in knowledge")
    add_json_flag(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    deps = deps_from(args)
    report = ingest(deps.vectors, deps.db, args.paths or None).as_dict()
    human = (f"{report['added']} file(s) indexed, {report['unchanged']} unchanged, "
             f"{report['chunks']} chunk(s)")
    if report["dropped"]:
        human += (f"; {report['dropped']} hidden or instruction-like passage(s) left out "
                  "(your documents are data, never instructions)")
    emit(args, report, human)
    return 0
