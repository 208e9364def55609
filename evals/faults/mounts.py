"""Real storage faults: a read-only view of a data folder and a small, full file system.

Both use mounts when the process may make them (root in this sandbox can: a read-only bind mount
and a tmpfs of a few MB). Where mounting is refused (an unprivileged CI runner) they fall back to
another real mechanism, and say which was used:

* read-only — the CLI runs as `nobody` (`setpriv`) on a folder whose files are mode 0555/0444;
* disk full — the CLI runs with `RLIMIT_FSIZE` capping every file it writes and SIGXFSZ ignored,
  so the write-ahead log cannot grow: writes fail with EFBIG, which SQLite reports as a disk I/O
  error (ENOSPC on a real full disk is SQLITE_FULL); both must end as one line, nothing saved.
"""

from __future__ import annotations

import contextlib
import os
import resource
import shutil
import signal
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path


def _run(*argv: str) -> bool:
    return subprocess.run(list(argv), capture_output=True).returncode == 0


@contextlib.contextmanager
def read_only_view(source: Path, mount_point: Path) -> Iterator[str]:
    """`mount_point` shows `source` read-only; yields the mechanism ("bind-mount" or "chmod+nobody").
    The caller runs its commands through `as_user(mechanism)`."""
    mount_point.mkdir(parents=True, exist_ok=True)
    if _run("mount", "--bind", str(source), str(mount_point)):
        try:
            if _run("mount", "-o", "remount,bind,ro", str(mount_point)):
                yield "bind-mount"
                return
        finally:
            _run("umount", str(mount_point))
    shutil.rmtree(mount_point)
    shutil.copytree(source, mount_point)
    for path in [mount_point, *mount_point.rglob("*")]:
        path.chmod(0o555 if path.is_dir() else 0o444)
    try:
        yield "chmod+nobody"
    finally:
        for path in [mount_point, *mount_point.rglob("*")]:
            path.chmod(0o755 if path.is_dir() else 0o644)


def as_user(mechanism: str) -> list[str]:
    """The command prefix that makes the read-only view read-only for the command."""
    if mechanism == "chmod+nobody" and os.geteuid() == 0:
        return ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "--"]
    return []


@contextlib.contextmanager
def small_filesystem(mount_point: Path, size_mb: int) -> Iterator[bool]:
    """A tmpfs of `size_mb` at `mount_point`; yields False (and a plain folder) if not allowed."""
    mount_point.mkdir(parents=True, exist_ok=True)
    if not _run("mount", "-t", "tmpfs", "-o", f"size={size_mb}m", "tmpfs", str(mount_point)):
        yield False
        return
    try:
        yield True
    finally:
        _run("umount", "-l", str(mount_point))


def fill(folder: Path) -> int:
    """Fill the file system under `folder` to the last byte (until the kernel says ENOSPC);
    returns the bytes written. Delete `folder / "filler.bin"` to free the space again."""
    written = 0
    with (folder / "filler.bin").open("wb", buffering=0) as handle:
        for size in (1 << 20, 1 << 16, 1 << 12, 1 << 9, 1):
            block = b"\0" * size
            while True:
                try:
                    written += handle.write(block)
                except OSError:
                    break
    return written


def file_size_limit(limit: int) -> Callable[[], None]:
    """A `preexec_fn` capping every file the child writes at `limit` bytes (EFBIG past it)."""
    def apply() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    return apply
