"""The Store: opens (and migrates) the database and joins every part of the store API."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from core.errors import StoreError
from core.files import create_private_file, make_private, make_private_dir
from core.paths import default_db_path
from core.store.answers import AnswersMixin
from core.store.backups import BackupInfo, list_backups
from core.store.base import WRITE_PATIENCE_S
from core.store.changes import ChangesMixin
from core.store.connection import BUSY_TIMEOUT_MS, prepare, schema_version
from core.store.devices import DevicesMixin
from core.store.findings import FindingsMixin
from core.store.housekeeping import HousekeepingMixin
from core.store.keys import KeysMixin
from core.store.scans import ScansMixin
from core.store.sites import SitesMixin
from core.store.transfer import TransferMixin

SIDE_FILES = ("-wal", "-shm", "-journal")


@contextmanager
def _file_errors(path: Path | str | None) -> Iterator[None]:
    """Folder and file-mode problems (e.g. a file of another user) as a plain StoreError."""
    try:
        yield
    except OSError as error:
        raise StoreError(f"Cannot use the database {path or 'in the data folder'} ({error}).",
                         "Check that you own the file and its folder, or choose another file "
                         "with --db.") from error


class Store(SitesMixin, ScansMixin, DevicesMixin, FindingsMixin, AnswersMixin, ChangesMixin,
            TransferMixin, KeysMixin, HousekeepingMixin):
    """The local database. Share one Store across threads: each thread gets its own connection."""

    @classmethod
    def open(cls, path: Path | str | None = None, *, daily_backup: bool = True,
             busy_timeout_ms: int = BUSY_TIMEOUT_MS,
             write_patience_s: float = WRITE_PATIENCE_S) -> Store:
        """Open (creating if needed) and migrate the database at `path` (default: user data).

        Raises DatabaseTooNewError, DatabaseCorruptError (see list_backups/restore_backup)
        or DatabaseBusyError (another writer held the file longer than busy_timeout_ms).
        A write waiting for another writer retries for write_patience_s before giving up.
        """
        with _file_errors(path):
            db_path = Path(path) if path else default_db_path()
            make_private_dir(db_path.parent)
            create_private_file(db_path)  # 0600 before SQLite writes a byte (-wal/-shm follow)
        store = cls(db_path, busy_timeout_ms, write_patience_s)
        try:
            db = store._db()  # refuses a database that is not ours before anything is written
            with _file_errors(db_path):
                for file in (db_path, *(db_path.with_name(db_path.name + s) for s in SIDE_FILES)):
                    make_private(file)
            prepare(db, db_path, daily_backup=daily_backup)
        except BaseException:
            store.close()
            raise
        return store

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def schema_version(self) -> int:
        return schema_version(self._db())

    def backups(self) -> tuple[BackupInfo, ...]:
        """This database's backups, newest first."""
        return list_backups(self.path)

    def check_integrity(self) -> bool:
        """Run SQLite's full integrity check (slow on big files); True when healthy."""
        with self._read() as conn:
            return bool(conn.execute("PRAGMA integrity_check(1)").fetchone()[0] == "ok")
