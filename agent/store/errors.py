"""SQLite and Chroma failures turned into one line a user can act on (`StorageError`).

A read-only data folder, a full disk and a damaged file all surface deep inside the SQLite driver
as `sqlite3.OperationalError` / `DatabaseError` with terse texts ("attempt to write a readonly
database", "database or disk is full", "file is not a database"). Each store wraps its calls with
`storage_error`, so the CLI prints one line (exit 2) and the UI shows the message instead of a
generic error, and the line names the file and the repair.
"""

from __future__ import annotations

import errno
import sqlite3
from pathlib import Path

from agent.errors import StorageError

READ_ONLY = ("readonly", "read-only", "read only", "unable to open database file", "permission denied")
FULL = ("disk is full", "no space left", "file too large", "database or disk is full")
DAMAGED = ("not a database", "malformed", "disk image", "file is encrypted", "corrupt")


def folder_writable(folder: Path) -> bool:
    """True when a file can really be created in `folder` (root ignores permission bits, so
    `os.access` is not enough; a read-only mount is only found by trying)."""
    probe = folder / f".coach-write-probe-{id(folder)}"
    try:
        with open(probe, "wb") as handle:
            handle.write(b"x")
        probe.unlink()
        return True
    except OSError:
        return False


INDEX = "the knowledge index"


def describe(message: str, path: Path, what: str | None = None) -> str:
    """One line for a failure `message` on `path` (a SQLite file, or the Chroma folder when
    `what` is `INDEX`)."""
    text = message.lower()
    name = what or path.name
    folder = path.parent if path.suffix else path
    if what == INDEX:
        folder = path.parent
    if any(cue in text for cue in FULL):
        return (f"no space left to save to {name} in {folder}: the last change was not saved; "
                "free some disk space and try again")
    if what == INDEX and not path.exists():
        return (f"{INDEX} folder {path} is missing (deleted while the app was running?): restart "
                "the app or run `coach ingest` to rebuild it, or `coach doctor`")
    if any(cue in text for cue in DAMAGED) and what == INDEX:
        return (f"{INDEX} in {path} is damaged ({message.strip()[:60]}): run "
                "`coach doctor --rebuild-index`")
    if any(cue in text for cue in DAMAGED):
        return (f"{name} is damaged ({message.strip()[:60]}): run `coach doctor` to see what is "
                "wrong, then `coach restore BACKUP` to bring back your last backup")
    if "disk i/o error" in text or "input/output error" in text:
        return (f"could not write {name} in {folder} (disk I/O error: the disk may be full or "
                "failing, or the file over a size limit): the last change was not saved; free some "
                "space and try again, or run `coach doctor`")
    if any(cue in text for cue in READ_ONLY) or "dbmoved" in text or "1032" in text:
        if not folder.exists() or "dbmoved" in text or "1032" in text:
            return (f"{name} is gone from {folder} (deleted while the app was running?): "
                    "restart the app or run `coach doctor`")
        if what == INDEX:
            return (f"{INDEX} in {path} cannot be opened: the data folder {folder} is read-only "
                    "(Chroma must write to open it); make it writable or choose another folder "
                    "with --data-dir or COACH_DATA_DIR")
        if "unable to open" in text and folder_writable(folder):
            return f"cannot open {name} in {folder}: {message.strip()[:80]}; run `coach doctor`"
        return (f"the data folder {folder} is read-only, so {name} cannot be saved: make it "
                "writable, or choose another folder with --data-dir or COACH_DATA_DIR")
    return f"cannot use {name}: {message.strip()[:120]}; run `coach doctor`"


def is_storage_failure(exc: BaseException) -> bool:
    """A failure of the file or folder (locked, full, read-only, damaged), as opposed to a
    constraint or a programming error, which must keep its own type."""
    return isinstance(exc, sqlite3.OperationalError) or type(exc) is sqlite3.DatabaseError


def storage_error(exc: BaseException, path: Path, what: str | None = None) -> StorageError:
    """The `StorageError` for a SQLite/Chroma/OS failure on `path`."""
    if isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EFBIG):
        message = "no space left on device"
    elif isinstance(exc, OSError) and exc.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
        message = "read-only"
    else:
        message = str(exc) or type(exc).__name__
    return StorageError(describe(message, Path(path), what))
