"""What changed between two scans of a site: devices, ports, findings, identity; details apart."""

from __future__ import annotations

import sqlite3

from core.errors import NotFoundError
from core.models import Device
from core.store.base import StoreBase
from core.store.codec import OBSERVATION_SELECT, device_from_row
from core.store.compare import ScanScope, compare
from core.store.records import Changes

_OBSERVED_SQL = (
    "SELECT d.mac, d.label, " + OBSERVATION_SELECT
    + " FROM observations o JOIN devices d ON d.id = o.device_id WHERE o.scan_id = ?"
)
_SCANS_SQL = ("SELECT id, checks_run, cancelled, network, started FROM scans WHERE site_id = ? "
              "ORDER BY started DESC, id DESC")
_SEEN_BEFORE_SQL = (
    "SELECT DISTINCT d.mac FROM observations o JOIN devices d ON d.id = o.device_id "
    "JOIN scans s ON s.id = o.scan_id WHERE s.site_id = ? AND s.id != ? "
    "AND (s.started < ? OR (s.started = ? AND s.id < ?))")


class ChangesMixin(StoreBase):
    """Change detection of Store."""

    def changes(self, site_id: int, old_scan_id: int | None = None,
                new_scan_id: int | None = None) -> Changes:
        """Differences from old to new scan (defaults: the site's last two scans).

        With a single scan (or no older one) old_scan_id is None and everything counts as new.
        """
        with self._read() as conn:
            rows = conn.execute(_SCANS_SQL, (site_id,)).fetchall()
            new_id, old_id = _pick_scans(rows, old_scan_id, new_scan_id)
            scopes = {int(r[0]): r for r in rows}
            new = observed_devices(conn, new_id)
            old = observed_devices(conn, old_id) if old_id is not None else {}
            earlier = _scan_before(rows, old_id)
            before_old = observed_devices(conn, earlier) if earlier is not None else None
            new_scope = _scope(scopes[new_id], _seen_before(conn, site_id, scopes[new_id]))
        old_scope = _scope(scopes[old_id]) if old_id is not None else ScanScope(checked=False)
        return compare(site_id, old_id, new_id, old, new, old_scope, new_scope, before_old)


def _pick_scans(rows: list[tuple[object, ...]], old_id: int | None,
                new_id: int | None) -> tuple[int, int | None]:
    order = [int(str(r[0])) for r in rows]
    if not order:
        raise NotFoundError("This site has no scans yet.", "Run a scan first.")
    for wanted in (old_id, new_id):
        if wanted is not None and wanted not in order:
            raise NotFoundError(f"Scan {wanted} does not belong to this site.")
    new = new_id if new_id is not None else order[0]
    if old_id is None:
        older = order[order.index(new) + 1:]
        old_id = older[0] if older else None
    return new, old_id


def _scan_before(rows: list[tuple[object, ...]], scan_id: int | None) -> int | None:
    order = [int(str(r[0])) for r in rows]
    if scan_id is None or scan_id not in order:
        return None
    older = order[order.index(scan_id) + 1:]
    return older[0] if older else None


def _scope(row: tuple[object, ...], seen_before: frozenset[str] = frozenset()) -> ScanScope:
    _, checks_run, cancelled, network, _ = row
    return ScanScope(network=str(network or ""), checked=bool(checks_run) and not cancelled,
                     cancelled=bool(cancelled), seen_before=seen_before)


def _seen_before(conn: sqlite3.Connection, site_id: int,
                 row: tuple[object, ...]) -> frozenset[str]:
    scan_id, started = row[0], row[4]
    found = conn.execute(_SEEN_BEFORE_SQL, (site_id, scan_id, started, started, scan_id))
    return frozenset(str(r[0]) for r in found)


def observed_devices(conn: sqlite3.Connection, scan_id: int) -> dict[str, tuple[Device, str]]:
    cursor = conn.execute(_OBSERVED_SQL, (scan_id,))
    cursor.row_factory = sqlite3.Row
    return {row["mac"]: (device_from_row(row["mac"], row), row["label"] or "")
            for row in cursor}
