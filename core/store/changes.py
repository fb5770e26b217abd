"""What changed between two scans of a site: devices, addresses, ports, findings, services."""

from __future__ import annotations

import sqlite3

from core.errors import NotFoundError
from core.models import Device
from core.store.base import StoreBase
from core.store.codec import OBSERVATION_SELECT, device_from_row, finding_key
from core.store.records import (
    Changes,
    DeviceRef,
    FindingChange,
    IpChange,
    PortChange,
    ServiceChange,
)

_OBSERVED_SQL = (
    "SELECT d.mac, d.label, " + OBSERVATION_SELECT
    + " FROM observations o JOIN devices d ON d.id = o.device_id WHERE o.scan_id = ?"
)


class ChangesMixin(StoreBase):
    """Change detection of Store."""

    def changes(self, site_id: int, old_scan_id: int | None = None,
                new_scan_id: int | None = None) -> Changes:
        """Differences from old to new scan (defaults: the site's last two scans).

        With a single scan (or no older one) old_scan_id is None and everything counts as new.
        """
        with self._read() as conn:
            new_id, old_id, checked = self._pick_scans(conn, site_id, old_scan_id, new_scan_id)
            new = observed_devices(conn, new_id)
            old = observed_devices(conn, old_id) if old_id is not None else {}
        return compare(site_id, old_id, new_id, old, new, new_scan_checked=checked[new_id],
                       old_scan_checked=old_id is not None and checked[old_id])

    @staticmethod
    def _pick_scans(conn: sqlite3.Connection, site_id: int, old_id: int | None,
                    new_id: int | None) -> tuple[int, int | None, dict[int, bool]]:
        rows = conn.execute("SELECT id, checks_run, cancelled FROM scans WHERE site_id = ? "
                            "ORDER BY started DESC, id DESC", (site_id,)).fetchall()
        order = [int(r[0]) for r in rows]
        checked = {int(r[0]): bool(r[1]) and not r[2] for r in rows}
        if not order:
            raise NotFoundError("This site has no scans yet.", "Run a scan first.")
        for wanted in (old_id, new_id):
            if wanted is not None and wanted not in checked:
                raise NotFoundError(f"Scan {wanted} does not belong to this site.")
        new = new_id if new_id is not None else order[0]
        if old_id is None:
            older = order[order.index(new) + 1:]
            old_id = older[0] if older else None
        return new, old_id, checked


def observed_devices(conn: sqlite3.Connection, scan_id: int) -> dict[str, tuple[Device, str]]:
    cursor = conn.execute(_OBSERVED_SQL, (scan_id,))
    cursor.row_factory = sqlite3.Row
    return {row["mac"]: (device_from_row(row["mac"], row), row["label"] or "")
            for row in cursor}


def _ref(device: Device, label: str) -> DeviceRef:
    return DeviceRef(mac=device.mac, name=label or device.label, ip=device.ip)


def compare(site_id: int, old_id: int | None, new_id: int,
            old: dict[str, tuple[Device, str]], new: dict[str, tuple[Device, str]],
            *, new_scan_checked: bool, old_scan_checked: bool = True) -> Changes:
    """The pure comparison of two scans' devices (keyed by MAC, each with its user label).

    Ports are compared only when both scans ran checks: a discovery-only scan knows no ports.
    """
    both = sorted(old.keys() & new.keys())
    ips, ports, new_findings, fixed, services = [], [], [], [], []
    for mac in sorted(new):
        device, label = new[mac]
        ref = _ref(device, label)
        before = old[mac][0] if mac in old else None
        old_keys = {finding_key(f) for f in before.findings} if before else set()
        new_keys = {finding_key(f) for f in device.findings}
        new_findings += [FindingChange(ref, f) for f in device.findings
                         if finding_key(f) not in old_keys]
        if before and new_scan_checked:
            fixed += [FindingChange(ref, f) for f in before.findings
                      if finding_key(f) not in new_keys]
        old_services = {(s.type, s.port) for s in before.services} if before else set()
        services += [ServiceChange(ref, s) for s in device.services
                     if (s.type, s.port) not in old_services]
    for mac in both:
        (before, _), (after, label) = old[mac], new[mac]
        ref = _ref(after, label)
        if set(before.ips) != set(after.ips):
            ips.append(IpChange(ref, before.ips, after.ips))
        if not (new_scan_checked and old_scan_checked):
            continue
        opened = tuple(sorted(set(after.open_ports) - set(before.open_ports)))
        closed = tuple(sorted(set(before.open_ports) - set(after.open_ports)))
        if opened or closed:
            ports.append(PortChange(ref, opened, closed))
    return Changes(
        site_id=site_id, old_scan_id=old_id, new_scan_id=new_id,
        new_devices=tuple(_ref(*new[m]) for m in sorted(new.keys() - old.keys())),
        gone_devices=tuple(_ref(*old[m]) for m in sorted(old.keys() - new.keys())),
        ip_changes=tuple(ips), port_changes=tuple(ports), new_findings=tuple(new_findings),
        fixed_findings=tuple(fixed), new_services=tuple(services),
    )
