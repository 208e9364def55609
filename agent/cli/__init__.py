"""The `coach` command line. Each subcommand lives in its own module with `register(sub)`.

Bad input never shows a traceback: one line on stderr and exit status 2. `--json` prints exactly
one JSON object on stdout.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from typing import Any, NoReturn

from pydantic import ValidationError

from agent.errors import CoachError, InputError

COMMAND_MODULES = [
    "agent.cli.ui_cmd",
    "agent.cli.ingest_cmd",
    "agent.cli.search_cmd",
    "agent.cli.outreach_cmd",
    "agent.cli.swot_cmd",
    "agent.cli.thankyou_cmd",
    "agent.cli.contacts_cmd",
    "agent.cli.mock_cmd",
    "agent.cli.questions_cmd",
    "agent.cli.screen_cmd",
    "agent.cli.bench_cmd",
    "agent.cli.doctor_cmd",
    "agent.cli.backup_cmd",
    "agent.cli.admin_cmd",
    "agent.cli.transcribe_cmd",
    "agent.cli.speak_cmd",
    "agent.cli.users_cmd",
]


class OneLineParser(argparse.ArgumentParser):
    """argparse prints usage plus the error; we print just the error, on one line."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    import importlib

    parser = OneLineParser(prog="coach", description="Informational-interview coach")
    parser.add_argument("--data-dir", help="data folder (default: $COACH_DATA_DIR or per-user)")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=OneLineParser)
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(sub)
    return parser


def emit(args: argparse.Namespace, payload: dict[str, Any], human: str) -> None:
    """Print the JSON object with --json, else the human rendering."""
    if getattr(args, "json", False):
        sys.stdout.write(json.dumps(payload, ensure_ascii=False) + "\n")
    else:
        sys.stdout.write(human.rstrip() + "\n")


def warn_notice(notice: str | None) -> None:
    """A fallback the user should know about, as one line on stderr (stdout keeps its one JSON
    object)."""
    if notice:
        sys.stderr.write(f"coach: warning: {notice}\n")


def validation_line(exc: ValidationError) -> str:
    err = exc.errors()[0]
    field = ".".join(str(p) for p in err.get("loc", ())).replace("_", "-") or "input"
    return f"invalid {field}: {err.get('msg', 'invalid value')}"


def fail(message: str, code: int = 2) -> NoReturn:
    sys.stderr.write(f"coach: error: {message}\n")
    raise SystemExit(code)


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        result = args.func(args)
        return int(result or 0)
    except InputError as exc:
        fail(str(exc))
    except ValidationError as exc:
        fail(validation_line(exc))
    except CoachError as exc:
        fail(str(exc))
    except KeyboardInterrupt:
        fail("interrupted", 130)
    except BrokenPipeError:
        return 0
    except Exception as exc:  # noqa: BLE001 - the last line of defence against a traceback
        if os.environ.get("COACH_DEBUG"):
            raise
        fail(f"unexpected {type(exc).__name__}: {exc} (set COACH_DEBUG=1 for details)", 1)


if __name__ == "__main__":
    raise SystemExit(main())
