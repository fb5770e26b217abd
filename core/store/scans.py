"""Saving a scan in one transaction (devices, observations, finding lifecycle) and listing scans."""

from __future__ import annotations

import sqlite3
import uuid
from collections import Counter
from collections.abc import Iterable
from typing import Any

from sqlite_utils import Database

from core.errors import InvalidInputError, NotFoundError
from core.models import Device, ScanResult, Severity
from core.store.base import StoreBase, insert_row, normalise_mac, now_iso
from core.store.codec import (
    OBSERVATION_SELECT,
    device_from_row,
    observation_row,
    safe_device,
    safe_text,
)
from core.store.lifecycle import update_findings
from core.store.records import ConsentEnd, ScanSummary

_SEVERITIES = tuple(Severity)
_SUMMARY_SQL = (
    "SELECT id, site_id, started, finished, interface, network, mode, version, device_count, "
    "n_critical, n_high, n_medium, n_low, n_info, checks_run, cancelled, consent, kev_catalog, "
    "thorough "
    "FROM scans"
)


def summary_from_row(row: tuple[Any, ...]) -> ScanSummary:
    counts = tuple((sev, int(n or 0)) for sev, n in zip(_SEVERITIES, row[9:14], strict=True))
    return ScanSummary(
        id=row[0], site_id=row[1], started=row[2], finished=row[3] or "", interface=row[4] or "",
        network=row[5] or "", mode=row[6] or "", version=row[7] or "",
        device_count=int(row[8] or 0), finding_counts=tuple(c for c in counts if c[1]),
        checks_run=bool(row[14]), cancelled=bool(row[15]), consent=row[16] or "",
        kev_catalog=row[17] or "", thorough=bool(row[18]),
    )


def unique_devices(result: ScanResult) -> list[Device]:
    """The scan's devices with normalised MACs, first report of a MAC wins."""
    seen: dict[str, Device] = {}
    for device in result.devices:
        mac = normalise_mac(safe_text(device.mac))
        if mac and mac not in seen:
            seen[mac] = safe_device(device)
    return list(seen.values())


class ScansMixin(StoreBase):
    """Scan methods of Store."""

    def save_scan(self, site_id: int, result: ScanResult, *, uid: str = "",
                  consent_id: int | None = None) -> int:
        """Store a scan for a site in one transaction; returns the scan id.

        Devices get first/last seen; findings seen are (re)opened, and when the scan ran
        checks and was not cancelled, a device's findings it no longer shows become "fixed".
        """
        devices = unique_devices(result)
        with self._write() as db:
            self._site_exists(db.conn, site_id)
            if consent_id is not None:
                uid = self._close_consent(db.conn, site_id, consent_id, uid, result.cancelled)
            scan_id = self._insert_scan(db, site_id, result, devices, uid, consent_id)
            seen_at = safe_text(result.info.finished or result.info.started)
            ids = self._upsert_devices(db, site_id, devices, seen_at)
            db.table("observations").insert_all(
                (observation_row(scan_id, ids[normalise_mac(d.mac)], d) for d in devices),
                batch_size=500,
            )
            self._point_to_latest(db.conn, scan_id, seen_at)
            checked = result.info.checks_run and not result.cancelled
            update_findings(db.conn, scan_id, devices, ids, seen_at, mark_fixed=checked)
        return scan_id

    def scans(self, site_id: int) -> tuple[ScanSummary, ...]:
        """A site's scans, newest first."""
        with self._read() as conn:
            rows = conn.execute(_SUMMARY_SQL + " WHERE site_id = ? ORDER BY started DESC, id DESC",
                                (site_id,)).fetchall()
        return tuple(summary_from_row(row) for row in rows)

    def recent_scans(self, site_id: int, limit: int) -> tuple[ScanSummary, ...]:
        """A site's last `limit` scans, newest first (a watch leaves thousands over time)."""
        with self._read() as conn:
            rows = conn.execute(_SUMMARY_SQL + " WHERE site_id = ? ORDER BY started DESC, id DESC "
                                "LIMIT ?", (site_id, max(0, int(limit)))).fetchall()
        return tuple(summary_from_row(row) for row in rows)

    def scan_macs(self, scan_ids: Iterable[int]) -> dict[int, frozenset[str]]:
        """Scan id -> the MACs it saw (light: no device is decoded); scans that saw none are
        left out."""
        ids = [int(i) for i in scan_ids]
        seen: dict[int, set[str]] = {}
        for start in range(0, len(ids), 500):  # SQLite's limit on bound parameters
            chunk = ids[start:start + 500]
            marks = ",".join("?" * len(chunk))
            sql = ("SELECT o.scan_id, d.mac FROM observations o JOIN devices d "
                   f"ON d.id = o.device_id WHERE o.scan_id IN ({marks})")
            for row in self._fetch(sql, tuple(chunk)):
                seen.setdefault(int(row["scan_id"]), set()).add(str(row["mac"]).lower())
        return {scan_id: frozenset(macs) for scan_id, macs in seen.items()}

    def scan(self, scan_id: int) -> ScanSummary:
        with self._read() as conn:
            row = conn.execute(_SUMMARY_SQL + " WHERE id = ?", (scan_id,)).fetchone()
        if row is None:
            raise NotFoundError(f"There is no scan with id {scan_id}.")
        return summary_from_row(row)

    def scan_devices(self, scan_id: int) -> tuple[Device, ...]:
        """Every device exactly as that scan observed it."""
        rows = self._fetch("SELECT d.mac, " + OBSERVATION_SELECT + " FROM observations o "
                           "JOIN devices d ON d.id = o.device_id WHERE o.scan_id = ? ORDER BY o.id",
                           (scan_id,))
        return tuple(device_from_row(row["mac"], row) for row in rows)

    @staticmethod
    def _close_consent(conn: sqlite3.Connection, site_id: int, consent_id: int, uid: str,
                       cancelled: bool) -> str:
        """The consent must be this site's and cover this scan; saving the scan ends it."""
        row = conn.execute("SELECT site_id, scan_uid FROM consents WHERE id = ?",
                           (consent_id,)).fetchone()
        if row is None or int(row[0]) != site_id:
            raise InvalidInputError("That authorisation belongs to another site.",
                                    "Authorise the password checks for this site.")
        uid = uid or row[1] or str(uuid.uuid4())
        if row[1] and row[1] != uid:
            raise InvalidInputError("That authorisation covers another scan.")
        reason = ConsentEnd.CANCELLED if cancelled else ConsentEnd.FINISHED
        conn.execute("UPDATE consents SET ended = ?, end_reason = ?, scan_uid = ? "
                     "WHERE id = ? AND ended = ''", (now_iso(), reason.value, uid, consent_id))
        return uid

    @staticmethod
    def _insert_scan(db: Database, site_id: int, result: ScanResult, devices: list[Device],
                     uid: str, consent_id: int | None) -> int:
        info = result.info
        counts = Counter(f.severity for d in devices for f in d.findings)
        texts = {"interface": info.interface, "network": info.network,
                 "mode_reason": info.mode_reason, "started": info.started,
                 "finished": info.finished, "version": info.version, "consent": info.consent,
                 "kev_catalog": info.kev_catalog}
        row: dict[str, Any] = {
            **{key: safe_text(value) for key, value in texts.items()},
            "uid": uid or str(uuid.uuid4()), "site_id": site_id, "mode": info.mode.value,
            "checks_run": int(info.checks_run), "cancelled": int(result.cancelled),
            "thorough": int(info.thorough), "device_count": len(devices),
            "consent_id": consent_id,
        }
        row.update({f"n_{sev.value}": counts.get(sev, 0) for sev in _SEVERITIES})
        return insert_row(db, "scans", row)

    @staticmethod
    def _upsert_devices(db: Database, site_id: int, devices: list[Device],
                        seen_at: str) -> dict[str, int]:
        conn = db.conn
        ids = {mac: int(i) for mac, i in conn.execute(
            "SELECT mac, id FROM devices WHERE site_id = ?", (site_id,))}
        macs = [normalise_mac(d.mac) for d in devices]
        db.table("devices").insert_all(
            {"site_id": site_id, "mac": mac, "first_seen": seen_at, "last_seen": seen_at}
            for mac in macs if mac not in ids)
        conn.executemany(
            "UPDATE devices SET first_seen = min(first_seen, ?), last_seen = max(last_seen, ?) "
            "WHERE id = ?", [(seen_at, seen_at, ids[mac]) for mac in macs if mac in ids])
        ids = {mac: int(i) for mac, i in conn.execute(
            "SELECT mac, id FROM devices WHERE site_id = ?", (site_id,))}
        return ids

    @staticmethod
    def _point_to_latest(conn: sqlite3.Connection, scan_id: int, seen_at: str) -> None:
        """Devices whose newest sighting is this scan now show this scan's observation."""
        conn.execute(
            "UPDATE devices SET last_obs_id = (SELECT o.id FROM observations o "
            "WHERE o.scan_id = :scan AND o.device_id = devices.id) "
            "WHERE id IN (SELECT device_id FROM observations WHERE scan_id = :scan) "
            "AND last_seen = :seen", {"scan": scan_id, "seen": seen_at})
