"""Private files: folders 0700, files 0600, written via an exclusive temp file then a rename."""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import sys
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

PRIVATE_DIR_MODE = 0o700
PRIVATE_FILE_MODE = 0o600
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_CLOEXEC = getattr(os, "O_CLOEXEC", 0)
_POSIX = sys.platform != "win32"


def make_private_dir(path: Path) -> Path:
    """Create `path` (and missing parents) readable by this user only; existing ones are kept."""
    missing = [p for p in (path, *path.parents) if not p.exists()]
    for folder in reversed(missing):
        with contextlib.suppress(FileExistsError):
            folder.mkdir(mode=PRIVATE_DIR_MODE)
            _chmod(folder, PRIVATE_DIR_MODE)
    return path


def own_private_dir(path: Path) -> Path:
    """An app-owned folder (data, logs, backups): created if needed and always made 0700."""
    make_private_dir(path)
    _chmod(path, PRIVATE_DIR_MODE)
    return path


def create_private_file(path: Path) -> bool:
    """Create an empty 0600 file unless it exists (never through a symlink); True if created."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW | _CLOEXEC,
                     PRIVATE_FILE_MODE)
    except FileExistsError:
        return False
    os.close(fd)
    _chmod(path, PRIVATE_FILE_MODE)
    return True


def make_private(path: Path) -> None:
    """Make an existing file 0600 (a symlink itself is left alone, its target untouched)."""
    if path.exists() and not path.is_symlink():
        _chmod(path, PRIVATE_FILE_MODE)


def exclusive_temp(target: Path) -> tuple[int, Path]:
    """A new 0600 temp file next to `target`, created with O_EXCL (never an existing file)."""
    for _ in range(100):
        temp = target.with_name(f".{target.name}.{secrets.token_hex(8)}.tmp")
        try:
            fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW | _CLOEXEC
                         | getattr(os, "O_BINARY", 0), PRIVATE_FILE_MODE)
        except FileExistsError:
            continue
        if _POSIX:
            os.fchmod(fd, PRIVATE_FILE_MODE)
        return fd, temp
    raise FileExistsError(f"no free temporary name next to {target}")


def write_private(target: Path, data: bytes | str) -> Path:
    """Write `data` to `target` (0600): temp file, fsync, rename over (replacing any symlink)."""
    payload = data.encode("utf-8") if isinstance(data, str) else data
    return _replace(target, lambda handle: handle.write(payload))


def write_document(target: Path, data: bytes) -> Path:
    """Write a document the user keeps (a report) the same safe way; it keeps the mode of the
    file it replaces, else gets rw-r--r-- like any file the user saves."""
    return _replace(target, lambda handle: handle.write(data), _mode_of(target))


def copy_private(source: Path, target: Path) -> Path:
    """Copy `source` to `target` (0600) the same way write_private writes, in chunks."""
    with source.open("rb") as reading:
        return _replace(target, lambda handle: shutil.copyfileobj(reading, handle, 1 << 20))


def _replace(target: Path, fill: Callable[[BinaryIO], object],
             mode: int = PRIVATE_FILE_MODE) -> Path:
    """An exclusive temp file beside `target`, filled, synced, given `mode`, renamed over it
    (the rename replaces a symlink itself, never writes through it)."""
    make_private_dir(target.parent)
    fd, temp = exclusive_temp(target)
    try:
        with os.fdopen(fd, "wb") as handle:
            fill(handle)
            handle.flush()
            os.fsync(handle.fileno())
            if _POSIX and mode != PRIVATE_FILE_MODE:
                os.fchmod(handle.fileno(), mode)
        os.replace(temp, target)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    return target


def _mode_of(path: Path) -> int:
    """The permissions of the file at `path`, else rw-r--r--."""
    try:
        return path.stat().st_mode & 0o777
    except OSError:
        return 0o644


def _chmod(path: Path, mode: int) -> None:
    if _POSIX:
        os.chmod(path, mode)
