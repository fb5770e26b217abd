"""Deleting a site, a scan or a device, each after an automatic backup that can bring it back."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from core.errors import NotFoundError
from core.store.backups import backup_dir, make_backup
from core.store.base import StoreBase, normalise_mac

# Deleting a scan keeps the store consistent: the scan's observations go; each device it saw
# gets its first/last seen and latest observation from the scans that remain; a device no
# remaining scan saw goes too, unless a person wrote something about it (a name, notes, a tag,
# answers), then it stays with no observation. Its findings are worked out again from the
# remaining scans: one no remaining scan showed goes; for the others first/last seen follow
# the remaining sightings, and the scans' own verdict (open, or fixed by a later checking scan)
# is recomputed, while a person's decision (accepted, or set by someone) stays as it was.


@dataclass(frozen=True, slots=True)
class Deletion:
    """What a delete removed, and the backup taken just before (None when none was asked for)."""

    what: str  # "site" | "scan" | "device"
    name: str
    scans: int = 0
    devices: int = 0
    findings: int = 0
    backup: Path | None = None


class HousekeepingMixin(StoreBase):
    """Delete methods of Store; each runs in one transaction after taking a backup."""

    @property
    def backup_folder(self) -> Path:
        """Where the automatic backups (the way back after a delete) are kept."""
        return backup_dir(self.path)

    def delete_site(self, site_id: int, *, backup: bool = True) -> Deletion:
        """Delete a site with its scans, devices, findings, answers and consents."""
        with self._write() as db:
            conn = db.conn
            row = conn.execute("SELECT name FROM sites WHERE id = ?", (site_id,)).fetchone()
            if row is None:
                raise NotFoundError(f"There is no site with id {site_id}.")
            saved = self._backup(conn) if backup else None
            devices = "SELECT id FROM devices WHERE site_id = ?"
            findings = conn.execute(f"DELETE FROM findings WHERE device_id IN ({devices})",
                                    (site_id,)).rowcount
            conn.execute("DELETE FROM observations WHERE scan_id IN "
                         "(SELECT id FROM scans WHERE site_id = ?)", (site_id,))
            scans = conn.execute("DELETE FROM scans WHERE site_id = ?", (site_id,)).rowcount
            count = conn.execute("DELETE FROM devices WHERE site_id = ?", (site_id,)).rowcount
            conn.execute("DELETE FROM answers WHERE site_id = ?", (site_id,))
            conn.execute("DELETE FROM consents WHERE site_id = ?", (site_id,))
            conn.execute("DELETE FROM sites WHERE id = ?", (site_id,))
        self._observation_cache.clear()  # observation ids may be reused from now on
        return Deletion("site", str(row[0]), scans, count, findings, saved)

    def delete_device(self, site_id: int, mac: str, *, backup: bool = True) -> Deletion:
        """Delete one device of a site: its observations in every scan, findings and answers.

        The scans stay (their device counts are not rewritten: they say what the scan saw)."""
        with self._write() as db:
            conn = db.conn
            device_id = self._device_id(conn, site_id, mac)
            saved = self._backup(conn) if backup else None
            findings = conn.execute("DELETE FROM findings WHERE device_id = ?",
                                    (device_id,)).rowcount
            conn.execute("DELETE FROM observations WHERE device_id = ?", (device_id,))
            conn.execute("DELETE FROM answers WHERE site_id = ? AND mac = ?",
                         (site_id, normalise_mac(mac)))
            conn.execute("DELETE FROM devices WHERE id = ?", (device_id,))
        self._observation_cache.clear()
        return Deletion("device", normalise_mac(mac), 0, 1, findings, saved)

    def delete_scan(self, scan_id: int, *, backup: bool = True) -> Deletion:
        """Delete one scan; devices and findings are worked out again from the scans left."""
        with self._write() as db:
            conn = db.conn
            row = conn.execute("SELECT site_id, started FROM scans WHERE id = ?",
                               (scan_id,)).fetchone()
            if row is None:
                raise NotFoundError(f"There is no scan with id {scan_id}.")
            site_id = int(row[0])
            saved = self._backup(conn) if backup else None
            touched = [int(r[0]) for r in conn.execute(
                "SELECT device_id FROM observations WHERE scan_id = ?", (scan_id,))]
            conn.execute("DELETE FROM observations WHERE scan_id = ?", (scan_id,))
            conn.execute("DELETE FROM scans WHERE id = ?", (scan_id,))
            findings = devices = 0
            for device_id in touched:
                gone_findings, gone = _recompute_device(conn, site_id, device_id)
                findings += gone_findings
                devices += gone
        self._observation_cache.clear()
        return Deletion("scan", str(row[1]), 1, devices, findings, saved)

    def _backup(self, conn: sqlite3.Connection) -> Path:
        """A backup taken inside the delete's write transaction, before it changes anything:
        exactly what is about to be deleted. (SQLite cannot copy through the connection that
        holds the transaction, so a second, read-only connection copies it; WAL lets it read.)"""
        version = int(conn.execute("PRAGMA user_version").fetchone()[0])
        reader = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True,
                                 timeout=self.busy_timeout_ms / 1000)
        try:
            return make_backup(reader, self.path, version)
        finally:
            reader.close()


_SIGHTINGS = (
    "SELECT o.id, s.id, coalesce(nullif(s.finished, ''), s.started) AS seen, s.checks_run, "
    "s.cancelled, o.findings FROM observations o JOIN scans s ON s.id = o.scan_id "
    "WHERE o.device_id = ? ORDER BY seen, s.id"
)


@dataclass(frozen=True, slots=True)
class _Sighting:
    """One remaining observation of a device: which scan, when, and the findings it showed."""

    obs_id: int
    scan_id: int
    seen: str
    checked: bool  # a finished scan that ran checks: it can say a finding went away
    keys: frozenset[str]


def _sightings(conn: sqlite3.Connection, device_id: int) -> list[_Sighting]:
    return [_Sighting(int(r[0]), int(r[1]), str(r[2] or ""), bool(r[3]) and not r[4],
                      _keys(r[5])) for r in conn.execute(_SIGHTINGS, (device_id,))]


def _keys(findings_json: str | None) -> frozenset[str]:
    keys = set()
    for f in json.loads(findings_json or "[]"):
        port = f.get("port")
        keys.add(str(f["id"]) if port is None else f"{f['id']}@{port}")  # codec.finding_key
    return frozenset(keys)


def _recompute_device(conn: sqlite3.Connection, site_id: int, device_id: int) -> tuple[int, int]:
    """Re-derive one device and its findings from its remaining observations.

    Returns (findings deleted, devices deleted)."""
    sightings = _sightings(conn, device_id)
    if not sightings and not _person_touched(conn, site_id, device_id):
        findings = conn.execute("DELETE FROM findings WHERE device_id = ?",
                                (device_id,)).rowcount
        conn.execute("DELETE FROM devices WHERE id = ?", (device_id,))
        return findings, 1
    if sightings:
        conn.execute("UPDATE devices SET first_seen = ?, last_seen = ?, last_obs_id = ? "
                     "WHERE id = ?", (sightings[0].seen, sightings[-1].seen,
                                      sightings[-1].obs_id, device_id))
    else:
        conn.execute("UPDATE devices SET last_obs_id = NULL WHERE id = ?", (device_id,))
    return _recompute_findings(conn, device_id, sightings), 0


def _person_touched(conn: sqlite3.Connection, site_id: int, device_id: int) -> bool:
    row = conn.execute("SELECT mac, updated_at FROM devices WHERE id = ?", (device_id,)).fetchone()
    answered = conn.execute("SELECT 1 FROM answers WHERE site_id = ? AND mac = ? LIMIT 1",
                            (site_id, row[0])).fetchone()
    return bool(row[1]) or answered is not None


def _recompute_findings(conn: sqlite3.Connection, device_id: int,
                        sightings: list[_Sighting]) -> int:
    deleted = 0
    for fid, key, status, who in conn.execute(
            "SELECT id, key, status, who FROM findings WHERE device_id = ?",
            (device_id,)).fetchall():
        seen = [i for i, s in enumerate(sightings) if key in s.keys]
        if not seen:
            conn.execute("DELETE FROM findings WHERE id = ?", (fid,))
            deleted += 1
            continue
        first, last = sightings[seen[0]], sightings[seen[-1]]
        conn.execute("UPDATE findings SET first_seen = ?, last_seen = ?, last_scan_id = ? "
                     "WHERE id = ?", (first.seen, last.seen, last.scan_id, fid))
        if status == "accepted" or who:
            continue  # a person's decision stays
        later = [s for s in sightings[seen[-1] + 1:] if s.checked]
        if later and status != "fixed":
            conn.execute("UPDATE findings SET status = 'fixed', reason = ?, status_at = ? "
                         "WHERE id = ?", (f"Not found by the scan of {later[0].seen}.",
                                          later[0].seen, fid))
        elif not later and status != "open":
            conn.execute("UPDATE findings SET status = 'open', reason = '', status_at = ? "
                         "WHERE id = ?", (last.seen, fid))
    return deleted
