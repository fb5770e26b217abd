"""Compares two scans' devices: what a person should act on, and the details kept apart."""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from dataclasses import dataclass, field

from core.models import Device, Finding, Severity
from core.store.codec import finding_key
from core.store.records import (
    Changes,
    DeviceRef,
    FindingChange,
    IdentityChange,
    IpChange,
    PortChange,
    ServiceChange,
)

EPHEMERAL_PORTS = range(49152, 65536)  # IANA dynamic range: UPnP and friends pick these per boot
ARP_ONLY_SOURCES = frozenset({"arp"})
Observed = dict[str, tuple[Device, str]]  # MAC -> (device as seen, the name a person gave it)


@dataclass(frozen=True, slots=True)
class ScanScope:
    """What a scan could have seen: its network, whether it finished and ran checks."""

    network: str = ""
    checked: bool = True
    cancelled: bool = False
    seen_before: frozenset[str] = field(default_factory=frozenset)  # MACs of earlier scans

    def covers(self, device: Device) -> bool:
        """True when this scan would have found the device had it been there."""
        if self.cancelled:
            return False
        try:
            net = ipaddress.ip_network(self.network, strict=False)
            return any(ipaddress.ip_address(ip) in net for ip in device.ips) or not device.ips
        except ValueError:
            return True


def compare(site_id: int, old_id: int | None, new_id: int, old: Observed, new: Observed,
            old_scope: ScanScope, new_scope: ScanScope,
            before_old: Observed | None = None) -> Changes:
    """The pure comparison of two scans' devices, keyed by MAC.

    `before_old` (the scan before `old`) confirms ARP-only hosts: one missed sweep leaves them
    unconfirmed; missing from two covering scans in a row, they are gone.
    """
    appeared = sorted(new.keys() - old.keys())
    missing = sorted(old.keys() - new.keys())
    new_devices = [m for m in appeared if m not in new_scope.seen_before]
    returned = [m for m in appeared if m in new_scope.seen_before]
    gone, unconfirmed = _split_gone(missing, old, new_scope)
    gone += _confirmed_gone(before_old or {}, old, new, new_scope)
    both = sorted(old.keys() & new.keys())
    ports = [p for m in both for p in _ports(old[m][0], *new[m], old_scope, new_scope)]
    findings = [c for m in sorted(new) for c in _new_findings(old.get(m), *new[m])]
    fixed = [c for m in both for c in _fixed(old[m][0], *new[m], new_scope)]
    every = findings + fixed
    return Changes(
        site_id=site_id, old_scan_id=old_id, new_scan_id=new_id,
        new_devices=_refs(new, new_devices),
        gone_devices=_refs({**(before_old or {}), **old}, gone),
        port_changes=tuple(p for p in ports if not _ephemeral(p)),
        new_findings=tuple(c for c in findings if c.finding.severity is not Severity.INFO),
        fixed_findings=tuple(c for c in fixed if c.finding.severity is not Severity.INFO),
        identity_changes=tuple(c for m in both for c in _identity(old[m][0], *new[m])),
        ip_changes=tuple(c for m in both for c in _ips(old[m][0], *new[m])),
        new_services=tuple(c for m in sorted(new) for c in _services(old.get(m), *new[m])),
        ephemeral_port_changes=tuple(p for p in ports if _ephemeral(p)),
        info_changes=tuple(c for c in every if c.finding.severity is Severity.INFO),
        unconfirmed_gone=_refs(old, unconfirmed), returned_devices=_refs(new, returned))


def _ref(device: Device, label: str) -> DeviceRef:
    return DeviceRef(mac=device.mac, name=label or device.label, ip=device.ip)


def _refs(observed: Observed, macs: Iterable[str]) -> tuple[DeviceRef, ...]:
    return tuple(_ref(*observed[m]) for m in macs)


def _split_gone(missing: list[str], old: Observed,
                scope: ScanScope) -> tuple[list[str], list[str]]:
    """Gone only when the scan would have seen it; ARP-only hosts stay unconfirmed."""
    gone: list[str] = []
    unconfirmed: list[str] = []
    for mac in missing:
        device = old[mac][0]
        (unconfirmed if _arp_only(device) or not scope.covers(device) else gone).append(mac)
    return gone, unconfirmed


def _confirmed_gone(before_old: Observed, old: Observed, new: Observed,
                    scope: ScanScope) -> list[str]:
    """ARP-only hosts missed by the last scan and by this one: now they count as gone."""
    missed = sorted(before_old.keys() - old.keys() - new.keys())
    return [m for m in missed if _arp_only(before_old[m][0]) and scope.covers(before_old[m][0])]


def _arp_only(device: Device) -> bool:
    return set(device.sources) <= ARP_ONLY_SOURCES and not device.open_ports


def _ports(before: Device, after: Device, label: str, old_scope: ScanScope,
           new_scope: ScanScope) -> list[PortChange]:
    if not (old_scope.checked and new_scope.checked):
        return []  # a discovery-only scan knows no ports
    opened = set(after.open_ports) - set(before.open_ports)
    closed = set(before.open_ports) - set(after.open_ports)
    ref = _ref(after, label)
    steady = [PortChange(ref, tuple(sorted(p for p in opened if p not in EPHEMERAL_PORTS)),
                         tuple(sorted(p for p in closed if p not in EPHEMERAL_PORTS)))]
    flapping = [PortChange(ref, tuple(sorted(p for p in opened if p in EPHEMERAL_PORTS)),
                           tuple(sorted(p for p in closed if p in EPHEMERAL_PORTS)))]
    return [p for p in (*steady, *flapping) if p.opened or p.closed]


def _ephemeral(change: PortChange) -> bool:
    return all(p in EPHEMERAL_PORTS for p in (*change.opened, *change.closed))


def _keys(findings: Iterable[Finding]) -> set[str]:
    return {finding_key(f) for f in findings}


def _new_findings(before: tuple[Device, str] | None, after: Device,
                  label: str) -> list[FindingChange]:
    old_keys = _keys(before[0].findings) if before else set()
    return [FindingChange(_ref(after, label), f) for f in after.findings
            if finding_key(f) not in old_keys]


def _fixed(before: Device, after: Device, label: str, scope: ScanScope) -> list[FindingChange]:
    if not scope.checked:
        return []  # a scan without checks cannot say a finding went away
    new_keys = _keys(after.findings)
    return [FindingChange(_ref(after, label), f) for f in before.findings
            if finding_key(f) not in new_keys]


def _identity(before: Device, after: Device, label: str) -> list[IdentityChange]:
    pairs = (("vendor", before.vendor, after.vendor),
             ("category", before.category.value, after.category.value),
             ("model", before.model, after.model))
    # Only a change between two known values counts: learning a model is not a new identity.
    return [IdentityChange(_ref(after, label), name, old, new) for name, old, new in pairs
            if old and new and old != new and new != "unknown" and old != "unknown"]


def _ips(before: Device, after: Device, label: str) -> list[IpChange]:
    if set(before.ips) == set(after.ips):
        return []
    return [IpChange(_ref(after, label), before.ips, after.ips)]


def _services(before: tuple[Device, str] | None, after: Device,
              label: str) -> list[ServiceChange]:
    old = {(s.type, s.port) for s in before[0].services} if before else set()
    return [ServiceChange(_ref(after, label), s) for s in after.services
            if (s.type, s.port) not in old]
