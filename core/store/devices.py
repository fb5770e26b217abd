"""A site's devices: the list with each latest observation, one device, and people's edits."""

from __future__ import annotations

import sqlite3
from typing import Any

from core.errors import InvalidInputError, NotFoundError
from core.models import Device, Tag
from core.store.base import UNCHANGED, StoreBase, normalise_mac, now_iso
from core.store.codec import OBSERVATION_SELECT, device_from_row
from core.store.records import DeviceRecord

_DEVICE_SQL = (
    "SELECT d.site_id, d.mac, d.label, d.owner, d.location, d.tag, d.notes, d.support_end, "
    "d.review_date, d.retired, d.kept, d.first_seen, d.last_seen, o.id AS obs_id, "
    + OBSERVATION_SELECT + " FROM devices d LEFT JOIN observations o ON o.id = d.last_obs_id"
)
# Observations never change once saved, so their decoded Device can be kept: the GUI re-reads
# the device list after every edit and then only pays for the SQL. (Only the housekeeping
# deletes remove observations, and they clear this cache: a freed id may be reused.)
_CACHE_LIMIT = 50_000
_EDITABLE = ("label", "owner", "location", "tag", "notes", "support_end", "review_date", "retired",
             "kept")


def record_from_row(row: sqlite3.Row, cache: dict[int, Device] | None = None) -> DeviceRecord:
    """A DeviceRecord from one _DEVICE_SQL row; `cache` keeps decoded observations by id."""
    latest = _latest(row, {} if cache is None else cache)
    label = row["label"] or ""
    return DeviceRecord(
        site_id=row["site_id"], mac=row["mac"], label=label,
        display_name=label or (latest.label if latest else row["mac"]),
        owner=row["owner"] or "", location=row["location"] or "",
        tag=Tag(row["tag"] or "unknown"), notes=row["notes"] or "",
        support_end=row["support_end"] or "", review_date=row["review_date"] or "",
        retired=bool(row["retired"]), first_seen=row["first_seen"] or "",
        last_seen=row["last_seen"] or "", latest=latest, kept=bool(row["kept"]),
    )


def _latest(row: sqlite3.Row, cache: dict[int, Device]) -> Device | None:
    obs_id = row["obs_id"]
    if obs_id is None:
        return None
    device = cache.get(obs_id)
    if device is None:
        if len(cache) >= _CACHE_LIMIT:
            cache.clear()
        device = cache[obs_id] = device_from_row(row["mac"], row)
    return device


def _clean_edit(field: str, value: object) -> Any:
    if field == "tag":
        try:
            return Tag(str(value)).value
        except ValueError as error:
            raise InvalidInputError(f"{value!r} is not a tag.",
                                    "Use home, work, guest or unknown.") from error
    if field in ("retired", "kept"):
        return int(bool(value))
    return "" if value is None else str(value)


class DevicesMixin(StoreBase):
    """Device methods of Store."""

    def devices(self, site_id: int) -> tuple[DeviceRecord, ...]:
        """Every device of a site (retired ones too), most recently seen first."""
        rows = self._fetch(_DEVICE_SQL + " WHERE d.site_id = ? ORDER BY d.last_seen DESC, d.mac",
                           (site_id,))
        cache = self._observation_cache.setdefault(site_id, {})
        records = tuple(record_from_row(row, cache) for row in rows)
        # Keep only the observations that are still the latest: a watch adds one per device per
        # scan, and holding the old ones grew the app by ~0.6 MB a minute (250 devices, 60 s).
        current = {row["obs_id"] for row in rows}
        self._observation_cache[site_id] = {i: d for i, d in cache.items() if i in current}
        return records

    def device(self, site_id: int, mac: str) -> DeviceRecord:
        rows = self._fetch(_DEVICE_SQL + " WHERE d.site_id = ? AND d.mac = ?",
                           (site_id, normalise_mac(mac)))
        if not rows:
            raise NotFoundError(f"This site has no device {mac}.")
        return record_from_row(rows[0], self._observation_cache.setdefault(site_id, {}))

    def add_device(self, site_id: int, mac: str) -> DeviceRecord:
        """Record a device by hand (one no scan has seen yet); existing devices are kept."""
        clean = normalise_mac(mac)
        if not clean:
            raise InvalidInputError("A device needs a MAC address.")
        with self._write() as db:
            self._site_exists(db.conn, site_id)
            now = now_iso()
            db.conn.execute(
                "INSERT OR IGNORE INTO devices (site_id, mac, first_seen, last_seen, updated_at) "
                "VALUES (?, ?, ?, ?, ?)", (site_id, clean, now, now, now))
        return self.device(site_id, clean)

    def update_device(self, site_id: int, mac: str, *, label: object = UNCHANGED,
                      owner: object = UNCHANGED, location: object = UNCHANGED,
                      tag: object = UNCHANGED, notes: object = UNCHANGED,
                      support_end: object = UNCHANGED, review_date: object = UNCHANGED,
                      retired: object = UNCHANGED, kept: object = UNCHANGED) -> DeviceRecord:
        """Change what people said about a device; fields left UNCHANGED stay as they are.

        `kept` True keeps a device the latest scan did not see counted in the site score.
        """
        given = dict(zip(_EDITABLE, (label, owner, location, tag, notes, support_end,
                                     review_date, retired, kept), strict=True))
        changes = {f: _clean_edit(f, v) for f, v in given.items() if v is not UNCHANGED}
        with self._write() as db:
            device_id = self._device_id(db.conn, site_id, mac)
            if changes:
                changes["updated_at"] = now_iso()
                db.table("devices").update(device_id, changes)
        return self.device(site_id, mac)
