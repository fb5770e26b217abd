"""Monitoring events: what the watch loop reports, made from a store Changes and a scan."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum

from core.models import Device, Finding, Severity
from core.store import Changes, DeviceRef, ScanSummary


class EventKind(StrEnum):
    """What happened (the `event.action` of the feed)."""

    NEW_DEVICE = "new_device"  # never seen at this site before
    NEW_PRIVATE_DEVICES = "new_private_devices"  # N random-MAC devices, grouped per scan
    DEVICE_GONE = "device_gone"
    PRIVATE_DEVICES_GONE = "private_devices_gone"  # N random-MAC devices, grouped per scan
    DEVICE_RETURNED = "device_returned"
    PORT_OPENED = "port_opened"
    PORT_CLOSED = "port_closed"
    FINDING_OPENED = "finding_opened"
    FINDING_FIXED = "finding_fixed"
    FINDING_ACCEPTED = "finding_accepted"
    IDENTITY_CHANGED = "identity_changed"
    GATEWAY_MAC_CHANGED = "gateway_mac_changed"
    ON_OUTSIDE_HOURS = "on_outside_hours"
    BASELINE = "baseline"  # first scan of a site: no per-device alerts, the inventory follows
    SCAN_STARTED = "scan_started"
    SCAN_FINISHED = "scan_finished"
    SCAN_FAILED = "scan_failed"
    EVENTS_DROPPED = "events_dropped"  # the delivery queue was full: oldest messages dropped
    INVENTORY = "inventory"  # state: one device as the latest scan saw it
    OPEN_FINDING = "open_finding"  # state: one finding still open after the latest scan


ALERTS = frozenset({
    EventKind.NEW_DEVICE, EventKind.NEW_PRIVATE_DEVICES, EventKind.PORT_OPENED,
    EventKind.FINDING_OPENED, EventKind.IDENTITY_CHANGED, EventKind.GATEWAY_MAC_CHANGED,
    EventKind.ON_OUTSIDE_HOURS,
})  # what a person should hear about (tray notifications, SIEM alerts)
STATES = frozenset({EventKind.INVENTORY, EventKind.OPEN_FINDING})


@dataclass(frozen=True, slots=True)
class EventDevice:
    """The device an event is about, as far as it is known."""

    mac: str
    ip: str = ""
    name: str = ""
    vendor: str = ""
    model: str = ""
    category: str = ""
    mac_random: bool = False


@dataclass(frozen=True, slots=True)
class EventFinding:
    """The finding an event is about."""

    id: str
    severity: Severity
    title: str = ""
    refs: tuple[str, ...] = ()
    port: int | None = None
    status: str = "open"
    fix: str = ""


@dataclass(frozen=True, slots=True)
class Event:
    """One thing the watch reports; `severity` says how much it matters (None: routine)."""

    kind: EventKind
    site: str
    timestamp: str  # ISO 8601 UTC "…Z"
    message: str
    client: str = ""
    scan_id: int | None = None
    device: EventDevice | None = None
    finding: EventFinding | None = None
    ports: tuple[int, ...] = ()
    count: int = 0  # grouped events: how many devices; dropped: how many messages
    macs: tuple[str, ...] = ()  # grouped events: which devices
    old: str = ""  # identity / gateway changes: the value before
    new: str = ""  # ... and after
    changed_field: str = ""  # identity changes: vendor | category | model
    severity: Severity | None = None
    id: str = field(default_factory=lambda: str(uuid.uuid4()))

    @property
    def is_alert(self) -> bool:
        return self.kind in ALERTS


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def event_device(ref: DeviceRef, devices: Mapping[str, Device]) -> EventDevice:
    """A change's DeviceRef, completed with what the scan knew about the device."""
    seen = devices.get(ref.mac)
    if seen is None:
        return EventDevice(mac=ref.mac, ip=ref.ip, name=ref.name)
    return EventDevice(mac=ref.mac, ip=ref.ip or seen.ip, name=ref.name or seen.label,
                       vendor=seen.vendor, model=seen.model, category=seen.category.value,
                       mac_random=seen.mac_random)


def device_of(device: Device, name: str = "") -> EventDevice:
    return EventDevice(mac=device.mac.lower(), ip=device.ip, name=name or device.label,
                       vendor=device.vendor, model=device.model,
                       category=device.category.value, mac_random=device.mac_random)


def finding_of(finding: Finding, status: str = "open") -> EventFinding:
    return EventFinding(id=finding.id, severity=finding.severity, title=finding.title,
                        refs=finding.refs, port=finding.port, status=status, fix=finding.fix)


def events_from_changes(site: str, changes: Changes, scan: ScanSummary,
                        devices: Mapping[str, Device] | None = None, *, client: str = "",
                        timestamp: str = "",
                        checked_changes: Changes | None = None) -> list[Event]:
    """The events of one saved scan, from its store Changes.

    `devices` (MAC -> Device, the new scan's and the previous one's) fills in vendor, model
    and category. Random-MAC (locally administered) devices that come or go are grouped into
    one event per scan. The first scan of a site (old_scan_id None) gives one baseline event
    instead of an alert per device. `checked_changes`, when given, is the comparison with the
    previous scan that ran checks: port and finding changes are taken from it (a light scan
    knows no ports or findings).
    """
    known = devices or {}
    at = timestamp or scan.finished or scan.started or now_iso()
    make = _Maker(site, client, scan.id, at)
    if changes.old_scan_id is None:
        return [make(EventKind.BASELINE, f"First scan of {site}: {scan.device_count} devices "
                     "recorded as the baseline.", count=scan.device_count)]
    events: list[Event] = []
    events += _arrivals(make, changes.new_devices, known, EventKind.NEW_DEVICE,
                        EventKind.NEW_PRIVATE_DEVICES, "New device", Severity.MEDIUM)
    events += _arrivals(make, changes.gone_devices, known, EventKind.DEVICE_GONE,
                        EventKind.PRIVATE_DEVICES_GONE, "Device gone", None)
    for ref in changes.returned_devices:
        if not _is_random(ref, known):
            device = event_device(ref, known)
            events.append(make(EventKind.DEVICE_RETURNED,
                               f"Device back: {_describe(device)}", device=device))
    for ident in changes.identity_changes:
        device = event_device(ident.device, known)
        events.append(make(EventKind.IDENTITY_CHANGED,
                           f"{_describe(device)} now reports {ident.field} {ident.new!r} "
                           f"(was {ident.old!r})", device=device, old=ident.old,
                           new=ident.new, changed_field=ident.field, severity=Severity.HIGH))
    checked = checked_changes if checked_changes is not None else changes
    if checked is not changes and checked.old_scan_id is None:
        return events  # the first scan with checks: its findings are the baseline
    events += _port_events(make, checked, known)
    events += _finding_events(make, checked, known)
    return events


class _Maker:
    def __init__(self, site: str, client: str, scan_id: int, at: str) -> None:
        self.site, self.client, self.scan_id, self.at = site, client, scan_id, at

    def __call__(self, kind: EventKind, message: str, **values: object) -> Event:
        return Event(kind=kind, site=self.site, client=self.client, scan_id=self.scan_id,
                     timestamp=self.at, message=message, **values)  # type: ignore[arg-type]


def _is_random(ref: DeviceRef, known: Mapping[str, Device]) -> bool:
    seen = known.get(ref.mac)
    return seen.mac_random if seen is not None else is_locally_administered(ref.mac)


def is_locally_administered(mac: str) -> bool:
    """True for a random ("private") MAC: the locally administered bit of the first octet."""
    try:
        return bool(int(mac.replace("-", ":").split(":")[0], 16) & 0x02)
    except ValueError:
        return False


def _arrivals(make: _Maker, refs: Sequence[DeviceRef], known: Mapping[str, Device],
              single: EventKind, grouped: EventKind, words: str,
              severity: Severity | None) -> list[Event]:
    events: list[Event] = []
    private: list[DeviceRef] = []
    for ref in refs:
        if _is_random(ref, known):
            private.append(ref)
            continue
        device = event_device(ref, known)
        events.append(make(single, f"{words}: {_describe(device)}", device=device,
                           severity=severity))
    if private:
        verb = "joined" if grouped is EventKind.NEW_PRIVATE_DEVICES else "left"
        events.append(make(grouped, f"{len(private)} devices with a private (random) address "
                           f"{verb}, most likely phones or laptops.", count=len(private),
                           macs=tuple(r.mac for r in private),
                           severity=Severity.LOW if severity else None))
    return events


def _port_events(make: _Maker, changes: Changes, known: Mapping[str, Device]) -> list[Event]:
    events: list[Event] = []
    for change in changes.port_changes:
        device = event_device(change.device, known)
        if change.opened:
            events.append(make(EventKind.PORT_OPENED,
                               f"{_describe(device)} opened port(s) {_ports(change.opened)}",
                               device=device, ports=change.opened, severity=Severity.MEDIUM))
        if change.closed:
            events.append(make(EventKind.PORT_CLOSED,
                               f"{_describe(device)} closed port(s) {_ports(change.closed)}",
                               device=device, ports=change.closed))
    return events


def _finding_events(make: _Maker, changes: Changes,
                    known: Mapping[str, Device]) -> list[Event]:
    events: list[Event] = []
    for kind, items, status in ((EventKind.FINDING_OPENED, changes.new_findings, "open"),
                                (EventKind.FINDING_FIXED, changes.fixed_findings, "fixed")):
        for item in items:
            device = event_device(item.device, known)
            finding = finding_of(item.finding, status)
            verb = "new finding" if status == "open" else "fixed"
            events.append(make(kind, f"{_describe(device)}: {verb}: {item.finding.title}",
                               device=device, finding=finding,
                               ports=(item.finding.port,) if item.finding.port else (),
                               severity=item.finding.severity if status == "open" else None))
    return events


def _describe(device: EventDevice) -> str:
    parts = [device.name or device.mac]
    if device.ip and device.ip != parts[0]:
        parts.append(device.ip)
    if device.mac != parts[0]:
        parts.append(device.mac)
    if device.vendor and device.vendor not in device.name:
        parts.append(device.vendor)
    return parts[0] + (f" ({', '.join(parts[1:])})" if len(parts) > 1 else "")


def _ports(ports: Iterable[int]) -> str:
    return ", ".join(str(p) for p in ports)
