"""Finding lifecycle on saving a scan: new ones open, seen again reopen, gone ones become fixed."""

from __future__ import annotations

import sqlite3
from typing import Any

from core.models import Device, Finding
from core.store.base import normalise_mac
from core.store.codec import dumps, finding_key
from core.store.records import FindingStatus

_INSERT = (
    "INSERT INTO findings (device_id, key, finding_id, port, severity, title, evidence, fix, "
    "refs, status, reason, who, status_at, first_seen, last_seen, last_scan_id) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'open', '', '', ?, ?, ?, ?)"
)
_SEEN_AGAIN = (
    "UPDATE findings SET port = ?, severity = ?, title = ?, evidence = ?, fix = ?, refs = ?, "
    "last_seen = max(last_seen, ?), last_scan_id = ?, "
    "status = CASE status WHEN 'fixed' THEN 'open' ELSE status END, "
    "reason = CASE status WHEN 'fixed' THEN '' ELSE reason END, "
    "who = CASE status WHEN 'fixed' THEN '' ELSE who END, "
    "status_at = CASE status WHEN 'fixed' THEN ? ELSE status_at END WHERE id = ?"
)
_GONE = "UPDATE findings SET status = 'fixed', reason = ?, who = '', status_at = ? WHERE id = ?"


def _details(finding: Finding) -> tuple[Any, ...]:
    return (finding.port, finding.severity.value, finding.title, finding.evidence, finding.fix,
            dumps(list(finding.refs)))


def update_findings(conn: sqlite3.Connection, scan_id: int, devices: list[Device],
                    ids: dict[str, int], seen_at: str, *, mark_fixed: bool) -> None:
    """Apply one scan's findings to the lifecycle table (inside the caller's transaction)."""
    existing = {
        (int(dev), key): int(fid) for fid, dev, key in conn.execute(
            "SELECT id, device_id, key FROM findings WHERE device_id IN "
            "(SELECT device_id FROM observations WHERE scan_id = ?)", (scan_id,))
    }
    inserts: list[tuple[Any, ...]] = []
    updates: list[tuple[Any, ...]] = []
    seen: set[tuple[int, str]] = set()
    for device in devices:
        device_id = ids[normalise_mac(device.mac)]
        for finding in device.findings:
            slot = (device_id, finding_key(finding))
            if slot in seen:
                continue
            seen.add(slot)
            if slot in existing:
                updates.append((*_details(finding), seen_at, scan_id, seen_at, existing[slot]))
            else:
                inserts.append((device_id, slot[1], finding.id, *_details(finding),
                                seen_at, seen_at, seen_at, scan_id))
    conn.executemany(_INSERT, inserts)
    conn.executemany(_SEEN_AGAIN, updates)
    if mark_fixed:
        reason = f"Not found by the scan of {seen_at}."
        gone = [(reason, seen_at, fid) for slot, fid in existing.items() if slot not in seen]
        conn.executemany(_GONE + f" AND status != '{FindingStatus.FIXED.value}'", gone)
