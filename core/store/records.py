"""Frozen records the store hands out: scans, devices, findings, answers, consents, changes."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from core.models import Device, Finding, MdnsService, Severity, Tag


class FindingStatus(StrEnum):
    OPEN = "open"
    FIXED = "fixed"
    ACCEPTED = "accepted"  # risk accepted by a person, with a reason


@dataclass(frozen=True, slots=True)
class ScanSummary:
    """One saved scan, as listed in a site's history."""

    id: int
    site_id: int
    started: str
    finished: str
    interface: str
    network: str
    mode: str
    version: str
    device_count: int
    finding_counts: tuple[tuple[Severity, int], ...]  # worst first, zero counts left out
    checks_run: bool = False
    cancelled: bool = False
    consent: str = ""
    kev_catalog: str = ""  # the known-exploited catalogue the checks used ("" if not recorded)
    thorough: bool = False  # the checks swept the 1,000 most common TCP ports

    def count(self, severity: Severity) -> int:
        return dict(self.finding_counts).get(severity, 0)


@dataclass(frozen=True, slots=True)
class DeviceRecord:
    """A device of a site: what people said about it plus its latest observation."""

    site_id: int
    mac: str
    label: str  # the name a person gave it, "" if none
    display_name: str  # label, else the latest observation's Device.label, else the MAC
    owner: str
    location: str
    tag: Tag
    notes: str
    support_end: str  # ISO date or ""
    review_date: str  # ISO date or ""
    retired: bool
    first_seen: str
    last_seen: str
    latest: Device | None  # the latest observation, with its findings
    kept: bool = False  # a person keeps it counted in the score though the latest scan missed it


@dataclass(frozen=True, slots=True)
class FindingRecord:
    """A finding on one device over time: when first and last seen, and what people decided."""

    mac: str
    finding: Finding
    status: FindingStatus
    reason: str
    who: str
    first_seen: str
    last_seen: str
    status_at: str = ""


@dataclass(frozen=True, slots=True)
class AnswerRecord:
    """One checklist answer as given (history keeps every one)."""

    mac: str  # "" for a site-wide item
    item_id: str
    value: str
    note: str
    who: str
    at: str


class ConsentEnd(StrEnum):
    """Why an authorisation stopped covering anything."""

    FINISHED = "scan finished"
    CANCELLED = "scan cancelled"
    FAILED = "scan failed"
    NETWORK_CHANGED = "network changed"
    WITHDRAWN = "withdrawn"


@dataclass(frozen=True, slots=True)
class ConsentRecord:
    """Who authorised consent-gated checks on which network, for which scan, and when it ended."""

    id: int
    site_id: int
    authorised_by: str
    network: str  # the network actually scanned (a CIDR)
    scope: str
    at: str
    scan_uid: str = ""  # the one scan it covers (save that scan with this uid)
    ended: str = ""  # "" while it still covers its scan
    end_reason: str = ""

    @property
    def active(self) -> bool:
        return not self.ended


@dataclass(frozen=True, slots=True)
class DeviceRef:
    """A device named in a change list: MAC, a readable name and its address."""

    mac: str
    name: str
    ip: str


@dataclass(frozen=True, slots=True)
class IpChange:
    device: DeviceRef
    old_ips: tuple[str, ...]
    new_ips: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class PortChange:
    device: DeviceRef
    opened: tuple[int, ...]
    closed: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class FindingChange:
    device: DeviceRef
    finding: Finding


@dataclass(frozen=True, slots=True)
class ServiceChange:
    device: DeviceRef
    service: MdnsService


@dataclass(frozen=True, slots=True)
class IdentityChange:
    """A known MAC that now says it is something else: vendor, category or model changed."""

    device: DeviceRef
    field: str  # "vendor" | "category" | "model"
    old: str
    new: str


@dataclass(frozen=True, slots=True)
class Changes:
    """What changed on a site between two scans (old_scan_id None: the first scan).

    The first group is what a person should act on (`is_empty` looks only at it); the details
    (address moves, new services, ephemeral ports, info items, unconfirmed absences) are kept
    for whoever asks for them.
    """

    site_id: int
    old_scan_id: int | None
    new_scan_id: int
    new_devices: tuple[DeviceRef, ...] = ()  # never seen at this site before
    gone_devices: tuple[DeviceRef, ...] = ()  # not found by a scan that would have seen it
    port_changes: tuple[PortChange, ...] = ()  # outside the ephemeral range
    new_findings: tuple[FindingChange, ...] = ()  # above info
    fixed_findings: tuple[FindingChange, ...] = ()  # above info
    identity_changes: tuple[IdentityChange, ...] = ()
    # -- details, on demand
    ip_changes: tuple[IpChange, ...] = ()
    new_services: tuple[ServiceChange, ...] = ()
    ephemeral_port_changes: tuple[PortChange, ...] = ()
    info_changes: tuple[FindingChange, ...] = ()  # info items that came or went
    unconfirmed_gone: tuple[DeviceRef, ...] = ()  # ARP-only, or outside what the scan covered
    returned_devices: tuple[DeviceRef, ...] = ()  # seen before, missing last time, back now

    @property
    def is_empty(self) -> bool:
        """Nothing a person should act on."""
        return not (self.new_devices or self.gone_devices or self.port_changes
                    or self.new_findings or self.fixed_findings or self.identity_changes)

    @property
    def detail_count(self) -> int:
        return (len(self.ip_changes) + len(self.new_services) + len(self.ephemeral_port_changes)
                + len(self.info_changes) + len(self.unconfirmed_gone)
                + len(self.returned_devices))


@dataclass(frozen=True, slots=True)
class ImportSummary:
    """What an import added (items already present are counted as skipped, never duplicated)."""

    site_id: int
    site_name: str
    site_created: bool
    devices_added: int = 0
    devices_updated: int = 0
    scans_added: int = 0
    scans_skipped: int = 0
    answers_added: int = 0
    answers_skipped: int = 0
    consents_added: int = 0
    findings_merged: int = 0
    warnings: tuple[str, ...] = field(default_factory=tuple)
    added_macs: tuple[str, ...] = ()
    updated_macs: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class ImportPreview:
    """What importing a file would change; nothing has been written yet."""

    site_name: str
    existing_site_id: int | None  # the local site it would merge into (needs merge=True)
    devices_added: tuple[str, ...]  # MACs
    devices_updated: tuple[str, ...]  # MACs whose labels/owner/tag... the file would replace
    scans_added: int
    scans_skipped: int
    answers_added: int
    answers_skipped: int
    consents_added: int
    findings_merged: int

    @property
    def needs_merge(self) -> bool:
        return self.existing_site_id is not None
