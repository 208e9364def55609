"""`coach search QUERY [-k 5]`: the guidance passages nearest in meaning to a question."""

from __future__ import annotations

import argparse

from agent.cli import emit
from agent.cli.common import add_json_flag, deps_from, ensure_index, read_text_arg
from agent.errors import InputError
from agent.retrieval import search


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("search", help="search the guidance and your documents")
    p.add_argument("query")
    p.add_argument("-k", type=int, default=5, help="number of results (1-50)")
    add_json_flag(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    query = read_text_arg(args.query, "query", 1000)
    if not 1 <= args.k <= 50:
        raise InputError("-k must be between 1 and 50")
    deps = deps_from(args)
    ensure_index(deps)
    hits = search(deps, query, k=args.k)
    results = [{"text": h.text, "source": h.source, "score": h.score} for h in hits]
    human = "\n\n".join(f"[{h.score:.2f}] {h.source}\n{h.text}" for h in hits) or "no results"
    emit(args, {"results": results}, human)
    return 0
