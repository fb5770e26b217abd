"""Opening SQLite safely: pragmas, migrations with a backup first, and typed database errors."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlite_utils import Database

from core.errors import (
    DatabaseBusyError,
    DatabaseCorruptError,
    DatabaseTooNewError,
    ForeignDatabaseError,
    StoreError,
)
from core.store.backups import list_backups, make_backup
from core.store.schema import KNOWN_MIGRATIONS, MIGRATION_SET, SCHEMA_VERSION, migrations

MIGRATIONS_TABLE = migrations.migrations_table

BUSY_TIMEOUT_MS = 5000
DAILY = timedelta(days=1)
_CORRUPT_WORDS = ("malformed", "not a database", "disk image", "corrupt", "file is encrypted")
_FILE_WORDS = ("unable to open", "readonly", "disk i/o", "disk is full", "out of memory")
_BUSY_WORDS = ("database is locked", "database is busy", "database table is locked")


def connect(path: Path, busy_timeout_ms: int = BUSY_TIMEOUT_MS) -> Database:
    """One connection with the project's pragmas (call once per thread)."""
    with translate_errors(path):
        conn = sqlite3.connect(str(path), timeout=busy_timeout_ms / 1000,
                               isolation_level=None, check_same_thread=False)
    try:
        with translate_errors(path):
            conn.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
            refuse_foreign(conn, path)  # before the first pragma that could write to the file
            # WAL: readers never block the writer, and a killed writer leaves the file intact.
            conn.execute("PRAGMA journal_mode = WAL")
            # FULL (not NORMAL): in WAL mode NORMAL may lose the last commits on power loss, and
            # an answer must survive once given. Commits are few and human-paced: cheap fsyncs.
            conn.execute("PRAGMA synchronous = FULL")
            conn.execute("PRAGMA foreign_keys = ON")
    except BaseException:
        conn.close()
        raise
    return Database(conn, execute_plugins=False)


def is_busy(error: sqlite3.OperationalError) -> bool:
    """Whether SQLite gave up waiting for another connection's lock."""
    text = str(error).lower()
    return any(word in text for word in _BUSY_WORDS)


@contextmanager
def translate_errors(path: Path) -> Iterator[None]:
    """Turn sqlite3 errors a person can act on into typed StoreErrors."""
    try:
        yield
    except sqlite3.OperationalError as error:
        text = str(error).lower()
        if is_busy(error):
            raise DatabaseBusyError(
                f"The database {path} is busy: another IoT Hygiene window or command is "
                "writing to it.", "Wait a moment and try again, or close the other window."
            ) from error
        if any(word in text for word in _CORRUPT_WORDS):
            raise corrupt_error(path, error) from error
        if any(word in text for word in _FILE_WORDS):
            raise StoreError(f"Cannot use the database {path} ({error}).",
                             "Check that its folder exists, the disk has space, and that you "
                             "may write there; or choose another file with --db.") from error
        raise
    except sqlite3.DatabaseError as error:
        if isinstance(error, sqlite3.IntegrityError | sqlite3.ProgrammingError):
            raise
        raise corrupt_error(path, error) from error


def refuse_foreign(conn: sqlite3.Connection, path: Path) -> None:
    """Refuse a database made by something else: tables, but none of our migrations."""
    tables = {row[0] for row in conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")}
    if not tables:
        return  # empty or brand new: ours to set up
    if MIGRATIONS_TABLE in tables and conn.execute(
            f"SELECT 1 FROM {MIGRATIONS_TABLE} WHERE migration_set = ? LIMIT 1",
            (MIGRATION_SET,)).fetchone():
        return
    raise ForeignDatabaseError(
        f"The file {path} is a database made by another program, not by IoT Hygiene. "
        "It was not changed.", "Choose another file with --db, or leave it out to use the "
        "default database.")


def corrupt_error(path: Path, error: Exception) -> DatabaseCorruptError:
    backups = list_backups(path)
    hint = (f"The newest backup is {backups[0].path} ({backups[0].created}); "
            "restore it with Store.restore_backup() or choose another file."
            if backups else "No backup exists yet; open or create another database file.")
    return DatabaseCorruptError(f"The database {path} is damaged ({error}).", hint)


def prepare(db: Database, path: Path, *, daily_backup: bool = True) -> None:
    """Check the file is healthy and not too new, back it up, then run pending migrations."""
    with translate_errors(path):
        check_readable(db)
        refuse_if_too_new(db, path)
        has_data = _has_user_tables(db)
        if has_data and (migrations.pending(db) or (daily_backup and _backup_is_old(path))):
            make_backup(db.conn, path, _user_version(db))
        if not migrations.pending(db):
            return
        # One IMMEDIATE transaction: a second instance opening at the same time waits, then
        # finds nothing pending; a failure leaves the file exactly as it was.
        db.conn.execute("BEGIN IMMEDIATE")
        try:
            refuse_if_too_new(db, path)
            migrations.apply(db)
        except BaseException:
            db.conn.execute("ROLLBACK")
            raise
        db.conn.execute("COMMIT")


def _backup_is_old(path: Path) -> bool:
    backups = list_backups(path)
    if not backups:
        return True
    newest = datetime.fromisoformat(backups[0].created)
    return datetime.now(UTC) - newest > DAILY


def check_readable(db: Database) -> None:
    """Read the schema and the first pages: enough to catch a file that is not SQLite at all."""
    db.conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    row = db.conn.execute("PRAGMA quick_check(1)").fetchone()
    if row is None or row[0] != "ok":
        raise sqlite3.DatabaseError(f"integrity check failed: {row[0] if row else 'no answer'}")


def refuse_if_too_new(db: Database, path: Path) -> None:
    applied = [m.name for m in migrations.applied(db)]
    unknown = [name for name in applied if name not in KNOWN_MIGRATIONS]
    version = _user_version(db)
    if unknown or version > SCHEMA_VERSION:
        raise DatabaseTooNewError(
            f"The database {path} was written by a newer IoT Hygiene (schema {version}, "
            f"this version understands up to {SCHEMA_VERSION}). It was not changed.",
            "Update IoT Hygiene, or open a different database with --db.",
        )


def schema_version(db: Database) -> int:
    return _user_version(db)


def _user_version(db: Database) -> int:
    return int(db.conn.execute("PRAGMA user_version").fetchone()[0])


def _has_user_tables(db: Database) -> bool:
    row = db.conn.execute(
        "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
    ).fetchone()
    return bool(row[0])


__all__ = ["MIGRATION_SET", "connect", "prepare", "schema_version", "translate_errors"]
