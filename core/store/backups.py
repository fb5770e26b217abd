"""Copies of the database taken before migrations (and daily), listed and restored on request."""

from __future__ import annotations

import contextlib
import os
import re
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from core.errors import DataFileError
from core.files import copy_private, exclusive_temp, own_private_dir

KEEP_BACKUPS = 10
_NAME = re.compile(r"^(?P<stem>.+)-(?P<stamp>\d{8}T\d{12})-v(?P<version>\d+)\.sqlite3$")


@dataclass(frozen=True, slots=True)
class BackupInfo:
    """One backup file: where it is, when it was taken and its schema version."""

    path: Path
    created: str  # ISO 8601 UTC
    schema_version: int
    size: int


def backup_dir(db_path: Path) -> Path:
    return db_path.parent / "backups"


def make_backup(conn: sqlite3.Connection, db_path: Path, schema_version: int) -> Path:
    """A consistent copy (SQLite's online backup, WAL included) named by time and version."""
    folder = own_private_dir(backup_dir(db_path))
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%f")
    target = folder / f"{db_path.stem}-{stamp}-v{schema_version}.sqlite3"
    fd, partial = exclusive_temp(target)  # 0600 from the start, never an existing file
    os.close(fd)
    try:
        with contextlib.closing(sqlite3.connect(str(partial))) as dest:
            conn.backup(dest)
        partial.replace(target)  # only complete copies ever carry the .sqlite3 name
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    _prune(db_path)
    return target


def list_backups(db_path: Path) -> tuple[BackupInfo, ...]:
    """This database's backups, newest first."""
    folder = backup_dir(db_path)
    if not folder.is_dir():
        return ()
    found = []
    for path in folder.iterdir():
        match = _NAME.match(path.name)
        if not match or match["stem"] != db_path.stem:
            continue
        created = datetime.strptime(match["stamp"], "%Y%m%dT%H%M%S%f").replace(tzinfo=UTC)
        found.append(BackupInfo(path, created.isoformat(), int(match["version"]),
                                path.stat().st_size))
    return tuple(sorted(found, key=lambda b: b.created, reverse=True))


def restore_backup(db_path: Path, backup: Path) -> Path:
    """Put `backup` in place of the database; the replaced file is kept aside, never deleted.

    Returns where the replaced file was moved. Close every Store on db_path first.
    """
    _verify(backup)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%f")
    aside = db_path.with_name(f"{db_path.name}.replaced-{stamp}")
    if db_path.exists():
        db_path.replace(aside)
    for suffix in ("-wal", "-shm"):
        side = db_path.with_name(db_path.name + suffix)
        if side.exists():
            side.replace(aside.with_name(aside.name + suffix))
    copy_private(backup, db_path)
    return aside


def _verify(backup: Path) -> None:
    try:
        with contextlib.closing(sqlite3.connect(f"file:{backup}?mode=ro", uri=True)) as conn:
            row = conn.execute("PRAGMA quick_check(1)").fetchone()
    except sqlite3.DatabaseError as error:
        raise DataFileError(f"The backup {backup} cannot be read ({error}).") from error
    if not row or row[0] != "ok":
        raise DataFileError(f"The backup {backup} is damaged too.", "Choose an older backup.")


def _prune(db_path: Path) -> None:
    for old in list_backups(db_path)[KEEP_BACKUPS:]:
        old.path.unlink(missing_ok=True)
