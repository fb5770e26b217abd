"""Findings over time: list them per site or device, and record a person's decision on one."""

from __future__ import annotations

import json
import sqlite3
from typing import Any

from core.errors import InvalidInputError, NotFoundError
from core.models import Finding, Severity
from core.store.base import StoreBase, normalise_mac, now_iso
from core.store.records import FindingRecord, FindingStatus

_FINDING_SQL = (
    "SELECT d.mac, f.finding_id, f.severity, f.title, f.evidence, f.fix, f.refs, f.port, "
    "f.status, f.reason, f.who, f.first_seen, f.last_seen, f.status_at "
    "FROM findings f JOIN devices d ON d.id = f.device_id WHERE d.site_id = ?"
)


def finding_record(row: sqlite3.Row | tuple[Any, ...]) -> FindingRecord:
    finding = Finding(id=row[1], severity=Severity(row[2]), title=row[3] or "",
                      evidence=row[4] or "", fix=row[5] or "",
                      refs=tuple(json.loads(row[6] or "[]")), port=row[7])
    return FindingRecord(mac=row[0], finding=finding, status=FindingStatus(row[8]),
                         reason=row[9] or "", who=row[10] or "", first_seen=row[11] or "",
                         last_seen=row[12] or "", status_at=row[13] or "")


class FindingsMixin(StoreBase):
    """Finding methods of Store."""

    def findings(self, site_id: int, mac: str | None = None,
                 status: FindingStatus | str | None = None) -> tuple[FindingRecord, ...]:
        """A site's findings (optionally one device's, optionally one status), worst first."""
        sql = _FINDING_SQL
        params: list[Any] = [site_id]
        if mac is not None:
            sql += " AND d.mac = ?"
            params.append(normalise_mac(mac))
        if status is not None:
            sql += " AND f.status = ?"
            params.append(FindingStatus(status).value)
        with self._read() as conn:
            rows = conn.execute(sql + " ORDER BY d.mac, f.key", params).fetchall()
        records = [finding_record(row) for row in rows]
        records.sort(key=lambda r: -r.finding.severity.rank)  # stable: mac order kept within
        return tuple(records)

    def set_finding_status(self, site_id: int, mac: str, finding_id: str,
                           status: FindingStatus | str, reason: str = "", who: str = "",
                           port: int | None = None) -> tuple[FindingRecord, ...]:
        """Mark a device's finding open, fixed or accepted (accepting needs a reason).

        Without `port`, every finding with that id on the device changes.
        """
        status = FindingStatus(status)
        if status is FindingStatus.ACCEPTED and not reason.strip():
            raise InvalidInputError("Accepting a risk needs a reason.",
                                    "Say why this risk is acceptable here.")
        sql = ("UPDATE findings SET status = ?, reason = ?, who = ?, status_at = ? "
               "WHERE device_id = ? AND finding_id = ?")
        with self._write() as db:
            device_id = self._device_id(db.conn, site_id, mac)
            params: list[Any] = [status.value, reason.strip(), who, now_iso(), device_id,
                                 finding_id]
            if port is not None:
                sql += " AND port = ?"
                params.append(port)
            if db.conn.execute(sql, params).rowcount == 0:
                raise NotFoundError(f"Device {mac} has no finding {finding_id!r}.")
        return tuple(r for r in self.findings(site_id, mac) if r.finding.id == finding_id)
