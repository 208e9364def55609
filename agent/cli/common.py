"""Helpers shared by subcommands: settings and dependencies from the parsed arguments."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from agent.config import Settings
from agent.deps import Deps
from agent.errors import InputError
from agent.ingest.pipeline import index_is_built, ingest
from agent.text.person import BIO_MAX_BYTES


def settings_from(args: argparse.Namespace) -> Settings:
    data_dir = getattr(args, "data_dir", None)
    return Settings.load(data_dir=Path(data_dir) if data_dir else None,
                         local_model=getattr(args, "local_model", None))


def deps_from(args: argparse.Namespace) -> Deps:
    return Deps(settings_from(args))


def ensure_index(deps: Deps) -> None:
    """Build the built-in knowledge index on first use, so every command works out of the box."""
    if not index_is_built(deps.vectors, deps.db):
        ingest(deps.vectors, deps.db)


def add_json_flag(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="print one JSON object")


def read_text_arg(value: str, what: str, limit: int) -> str:
    text = value.strip()
    if not text:
        raise InputError(f"{what} must not be empty")
    if len(text) > limit:
        raise InputError(f"{what} is longer than {limit} characters")
    return text


def read_bio(path: str) -> str:
    """The bio file: UTF-8 text, not empty, at most 20 KB; anything else is one line, exit 2."""
    file = Path(path).expanduser()
    if not file.is_file():
        raise InputError(f"no such bio file: {path}")
    data = file.read_bytes()[:BIO_MAX_BYTES + 1]
    if len(data) > BIO_MAX_BYTES:
        raise InputError(f"bio file {file.name} is over {BIO_MAX_BYTES // 1000} KB")
    if b"\x00" in data:
        raise InputError(f"bio file {file.name} looks binary, not text")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(f"bio file {file.name} is not UTF-8 text") from exc
    if not any(ch.isalnum() for ch in text):
        raise InputError(f"bio file {file.name} is empty")
    return text.strip()


def saved_contact(deps: Deps, contact_id: int | None) -> dict[str, Any]:
    """The saved contact whose role, company, name and bio fill a command's missing flags ({}
    without an id); an unknown id is one line, exit 2."""
    if contact_id is None:
        return {}
    found = deps.mine.get_contact(contact_id)
    if found is None:
        raise InputError(f"no contact with id {contact_id}")
    return dict(found)
