"""The Store: opens (and migrates) the database and joins every part of the store API."""

from __future__ import annotations

from pathlib import Path

from core.paths import default_db_path
from core.store.answers import AnswersMixin
from core.store.backups import BackupInfo, list_backups
from core.store.changes import ChangesMixin
from core.store.connection import BUSY_TIMEOUT_MS, prepare, schema_version
from core.store.devices import DevicesMixin
from core.store.findings import FindingsMixin
from core.store.housekeeping import HousekeepingMixin
from core.store.scans import ScansMixin
from core.store.sites import SitesMixin
from core.store.transfer import TransferMixin


class Store(SitesMixin, ScansMixin, DevicesMixin, FindingsMixin, AnswersMixin, ChangesMixin,
            TransferMixin, HousekeepingMixin):
    """The local database. Share one Store across threads: each thread gets its own connection."""

    @classmethod
    def open(cls, path: Path | str | None = None, *, daily_backup: bool = True,
             busy_timeout_ms: int = BUSY_TIMEOUT_MS) -> Store:
        """Open (creating if needed) and migrate the database at `path` (default: user data).

        Raises DatabaseTooNewError, DatabaseCorruptError (see list_backups/restore_backup)
        or DatabaseBusyError (another writer held the file longer than busy_timeout_ms).
        """
        db_path = Path(path) if path else default_db_path()
        db_path.parent.mkdir(parents=True, exist_ok=True)
        store = cls(db_path, busy_timeout_ms)
        try:
            prepare(store._db(), db_path, daily_backup=daily_backup)
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
