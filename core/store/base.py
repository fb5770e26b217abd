"""Per-thread connections and the read/write transaction helpers every store part builds on."""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from core.errors import NotFoundError, StoreError
from core.models import Device
from core.store.connection import BUSY_TIMEOUT_MS, connect, is_busy, translate_errors

# How long a write (a person's edit, or a scan's save) keeps retrying while another one holds
# the database, on top of each try's busy_timeout: saving a very large scan takes seconds, and
# an answer typed meanwhile must land afterwards, never be dropped.
WRITE_PATIENCE_S = 120.0
_RETRY_PAUSE_S = 0.05


def now_iso() -> str:
    """Now as ISO 8601 UTC ("…Z", like scan times) with microseconds, so times sort as text."""
    return datetime.now(UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")


class _Unchanged:
    def __repr__(self) -> str:
        return "UNCHANGED"


UNCHANGED = _Unchanged()  # "leave this field as it is" in update_* calls


class StoreBase:
    """Owns the file path and one SQLite connection per live thread.

    Connections are keyed by the OS thread id, not by `threading.local`: a thread Python did
    not start (a Qt pool's worker) gets a fresh Python thread state, and so a fresh
    `threading.local`, for every task it runs, which opened a new connection per task and never
    closed it (~1 MB each: the window grew while watching).
    """

    def __init__(self, path: Path, busy_timeout_ms: int = BUSY_TIMEOUT_MS,
                 write_patience_s: float = WRITE_PATIENCE_S) -> None:
        self.path = path
        self.busy_timeout_ms = busy_timeout_ms
        self.write_patience_s = write_patience_s
        self._lock = threading.Lock()
        self._connections: dict[int, tuple[threading.Thread, Database]] = {}
        self._closed = False
        # Per site: the decoded latest observation of each device, by observation id.
        self._observation_cache: dict[int, dict[int, Device]] = {}

    def _db(self) -> Database:
        ident = threading.get_ident()
        with self._lock:
            if self._closed:
                raise StoreError("The database has been closed.")
            held = self._connections.get(ident)
            if held is not None:
                if held[0] is not threading.current_thread():  # the id of an ended thread
                    self._connections[ident] = (threading.current_thread(), held[1])
                return held[1]
            self._close_orphans()
            db = connect(self.path, self.busy_timeout_ms)
            self._connections[ident] = (threading.current_thread(), db)
            return db

    def close(self) -> None:
        """Close every thread's connection; the Store cannot be used afterwards."""
        with self._lock:
            self._closed = True
            for _, db in self._connections.values():
                db.conn.close()
            self._connections.clear()

    def open_connections(self) -> int:
        """How many connections are open (one per thread that used the store and lives)."""
        with self._lock:
            return len(self._connections)

    def _close_orphans(self) -> None:
        """Close connections of Python threads that have ended (a foreign thread, e.g. a Qt
        pool's, cannot be told to have ended: its id is reused by the next one instead)."""
        for ident, (thread, db) in list(self._connections.items()):
            if not isinstance(thread, threading._DummyThread) and not thread.is_alive():
                db.conn.close()
                del self._connections[ident]

    @contextmanager
    def _read(self) -> Iterator[sqlite3.Connection]:
        """A consistent snapshot for several SELECTs (joins an open transaction)."""
        conn = self._db().conn
        with translate_errors(self.path):
            if conn.in_transaction:
                yield conn
                return
            conn.execute("BEGIN")
            try:
                yield conn
            finally:
                if conn.in_transaction:  # an error may already have ended it
                    conn.execute("COMMIT")

    @contextmanager
    def _write(self) -> Iterator[Database]:
        """One IMMEDIATE transaction: all or nothing, committed (and fsynced) on exit."""
        db = self._db()
        with translate_errors(self.path):
            if db.conn.in_transaction:
                yield db
                return
            # IMMEDIATE takes the write lock up front, so busy_timeout applies instead of a
            # deadlock-style SQLITE_BUSY when a read transaction tries to upgrade.
            self._begin_immediate(db.conn)
            try:
                yield db
                db.conn.execute("COMMIT")
            except BaseException:
                # Never leave this thread's connection inside a transaction: every later
                # write would silently join it and never be committed.
                if db.conn.in_transaction:
                    db.conn.execute("ROLLBACK")
                raise

    def _begin_immediate(self, conn: sqlite3.Connection) -> None:
        """BEGIN IMMEDIATE, retried while another writer holds the lock (up to the patience)."""
        deadline = time.monotonic() + self.write_patience_s
        while True:
            try:
                conn.execute("BEGIN IMMEDIATE")
                return
            except sqlite3.OperationalError as error:
                if not is_busy(error) or time.monotonic() >= deadline:
                    raise
            time.sleep(_RETRY_PAUSE_S)

    def _fetch(self, sql: str, params: tuple[Any, ...] = ()) -> list[sqlite3.Row]:
        """All rows of one SELECT as sqlite3.Row (column access by name)."""
        with self._read() as conn:
            cursor = conn.execute(sql, params)
            cursor.row_factory = sqlite3.Row
            return cursor.fetchall()

    def _site_exists(self, conn: sqlite3.Connection, site_id: int) -> None:
        if conn.execute("SELECT 1 FROM sites WHERE id = ?", (site_id,)).fetchone() is None:
            raise NotFoundError(f"There is no site with id {site_id}.")

    def _device_id(self, conn: sqlite3.Connection, site_id: int, mac: str) -> int:
        row = conn.execute("SELECT id FROM devices WHERE site_id = ? AND mac = ?",
                           (site_id, normalise_mac(mac))).fetchone()
        if row is None:
            raise NotFoundError(f"This site has no device {mac}.")
        return int(row[0])


def insert_row(db: Database, table: str, row: dict[str, Any]) -> int:
    """Insert one row with sqlite-utils and return its new id."""
    return int(db.table(table).insert(row).last_rowid or 0)


def normalise_mac(mac: str) -> str:
    """Lower case with colons: the one spelling the store keys devices by."""
    return mac.strip().lower().replace("-", ":")
