"""Frozen dataclasses and enums that every layer passes around (the engine's vocabulary)."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class Severity(StrEnum):
    CRITICAL = "critical"
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"
    INFO = "info"

    @property
    def rank(self) -> int:
        """4 for critical down to 0 for info: bigger is worse."""
        return _SEVERITY_RANK[self]


_SEVERITY_RANK = {
    Severity.CRITICAL: 4,
    Severity.HIGH: 3,
    Severity.MEDIUM: 2,
    Severity.LOW: 1,
    Severity.INFO: 0,
}


# Service types whose instance name is a person-chosen device name ("Front office printer").
_NAMED_SERVICE_TYPES = ("_ipp.", "_printer.", "_hap.", "_googlecast.", "_airplay.", "_raop.")


class Category(StrEnum):
    PRINTER = "printer"
    CAMERA = "camera"
    MEDIA = "media"  # speaker, TV, streamer
    SMART_HOME = "smart_home"  # hub or accessory
    NAS = "nas"
    ROUTER = "router"  # router or access point
    PHONE = "phone"  # phone or tablet
    COMPUTER = "computer"
    UNKNOWN = "unknown"


class Tag(StrEnum):
    HOME = "home"
    WORK = "work"
    GUEST = "guest"
    UNKNOWN = "unknown"


class ArpMode(StrEnum):
    RAW = "raw"
    KERNEL = "kernel"


class ScanPhase(StrEnum):
    STARTING = "starting"
    ARP = "arp"
    MDNS = "mdns"
    SSDP = "ssdp"
    NAMES = "names"
    CHECKS = "checks"
    DONE = "done"


@dataclass(frozen=True, slots=True)
class Interface:
    """A local IPv4 interface the user may scan from."""

    name: str
    ipv4: str
    prefix_len: int
    network: str  # CIDR, e.g. "192.168.1.0/24"
    mac: str
    is_up: bool
    is_default: bool = False  # carries the default route
    tunnel: str = ""  # why this is no local link (VPN/tunnel), empty for Ethernet and Wi-Fi


@dataclass(frozen=True, slots=True)
class ArpEntry:
    """One live host seen by ARP (raw or from the kernel neighbour table)."""

    ip: str
    mac: str


@dataclass(frozen=True, slots=True)
class MdnsService:
    """One resolved DNS-SD service instance."""

    type: str  # "_ipp._tcp.local."
    name: str  # instance name
    port: int
    host: str = ""  # "printer.local."
    addresses: tuple[str, ...] = ()
    txt: tuple[tuple[str, str], ...] = ()  # decoded, ordered key/value pairs

    def txt_dict(self) -> dict[str, str]:
        return dict(self.txt)


@dataclass(frozen=True, slots=True)
class UpnpInfo:
    """What a UPnP device description (the SSDP LOCATION) says about a device."""

    location: str
    device_type: str = ""
    friendly_name: str = ""
    manufacturer: str = ""
    model_name: str = ""
    model_number: str = ""
    serial: str = ""
    firmware: str = ""
    services: tuple[str, ...] = ()  # serviceType URNs
    server: str = ""  # SSDP SERVER header


@dataclass(frozen=True, slots=True)
class WsdInfo:
    """What a WS-Discovery ProbeMatch said (ONVIF cameras, printers, Windows machines)."""

    xaddrs: tuple[str, ...] = ()  # service addresses, e.g. "http://10.0.0.5/onvif/device_service"
    types: tuple[str, ...] = ()  # "dn:NetworkVideoTransmitter", "wsdp:Device" ...
    scopes: tuple[str, ...] = ()
    manufacturer: str = ""  # from ONVIF scopes (.../manufacturer/..., .../mfr/...)
    model: str = ""  # from ONVIF scopes (.../hardware/..., .../model/...)
    name: str = ""  # from ONVIF scopes (.../name/...)


@dataclass(frozen=True, slots=True)
class NetbiosInfo:
    """A NetBIOS node status answer: the machine's names and workgroup (UDP 137)."""

    name: str = ""  # the computer name (unique name, suffix 0x00)
    workgroup: str = ""  # workgroup or domain (group name, suffix 0x00)
    names: tuple[str, ...] = ()  # every name as "NAME<20>" (group names marked "<group>")
    mac: str = ""  # the unit id the answer reports (may be zeros)


@dataclass(frozen=True, slots=True)
class Finding:
    """One thing that makes a device less safe, with evidence, a fix and references."""

    id: str  # stable id, documented in docs/findings.md
    severity: Severity
    title: str
    evidence: str = ""
    fix: str = ""
    refs: tuple[str, ...] = ()
    port: int | None = None


@dataclass(frozen=True, slots=True)
class Fingerprint:
    """One thing a fingerprint named (hardware, operating system or service), with its evidence."""

    part: str  # "hw", "os" or "service"
    vendor: str = ""
    product: str = ""
    version: str = ""  # firmware for hardware
    device_type: str = ""  # "IP Camera", "Printer" ...
    cpe: str = ""  # "cpe:/a:apache:http_server:2.4.49" when the fingerprint gives one
    evidence: str = ""  # what matched: "http_header.server 'Apache/2.4.49 (Unix)'"


@dataclass(frozen=True, slots=True)
class Device:
    """Everything learnt about one device in one scan, keyed by MAC."""

    mac: str
    ips: tuple[str, ...] = ()
    mac_random: bool = False
    vendor: str = ""
    hostnames: tuple[str, ...] = ()
    category: Category = Category.UNKNOWN
    model: str = ""
    services: tuple[MdnsService, ...] = ()
    upnp: UpnpInfo | None = None
    open_ports: tuple[int, ...] = ()
    findings: tuple[Finding, ...] = ()
    sources: tuple[str, ...] = ()  # "arp", "mdns", "ssdp", "wsd", "netbios", "llmnr", "self"
    is_self: bool = False
    fingerprints: tuple[Fingerprint, ...] = ()  # from banners, headers, TXT and UPnP fields
    wsd: WsdInfo | None = None  # WS-Discovery answer
    netbios: NetbiosInfo | None = None  # NetBIOS node status answer

    @property
    def ip(self) -> str:
        return self.ips[0] if self.ips else ""

    @property
    def label(self) -> str:
        """The friendliest name available for a person to read."""
        if self.upnp and self.upnp.friendly_name:
            return self.upnp.friendly_name
        for service in self.services:
            if service.type.startswith(_NAMED_SERVICE_TYPES):
                return service.name
        if self.hostnames:
            return self.hostnames[0].removesuffix(".").removesuffix(".local")
        if self.wsd and self.wsd.name:
            return self.wsd.name
        if self.netbios and self.netbios.name:
            return self.netbios.name
        if self.model:
            return self.model
        if self.mac_random:
            return "(private address)"
        return self.vendor or self.ip or self.mac


@dataclass(frozen=True, slots=True)
class ScanInfo:
    """How and when a scan ran."""

    interface: str
    network: str
    mode: ArpMode
    started: str  # ISO 8601 UTC
    finished: str = ""
    version: str = ""
    mode_reason: str = ""
    checks_run: bool = False
    consent: str = ""  # who authorised consent-gated checks, empty if nobody
    limits: tuple[str, ...] = ()  # scan-wide caps that were hit, in plain words
    kev_catalog: str = ""  # the known-exploited catalogue the checks used, e.g. "2025.08.25"
    thorough: bool = False  # the checks swept the 1,000 most common TCP ports


@dataclass(frozen=True, slots=True)
class ScanResult:
    """A finished (or cancelled) scan: how it ran and every device found."""

    info: ScanInfo
    devices: tuple[Device, ...] = ()
    cancelled: bool = False


@dataclass(frozen=True, slots=True)
class Progress:
    """A progress report from a long operation: phase, 0..1 fraction and words for a person."""

    phase: ScanPhase
    fraction: float
    message: str = ""


@dataclass(frozen=True, slots=True)
class Site:
    """A place that is scanned: an office, a home, a client."""

    id: int
    name: str
    notes: str = ""
    client: str = ""
    networks: tuple[str, ...] = ()
    work_networks: tuple[str, ...] = field(default_factory=tuple)
    guest_networks: tuple[str, ...] = field(default_factory=tuple)
    home_networks: tuple[str, ...] = field(default_factory=tuple)

    @property
    def network_roles(self) -> dict[str, str]:
        """Each network with a role: "work", "home" or "guest" (work wins a clash)."""
        roles: dict[str, str] = {}
        for role, networks in (("guest", self.guest_networks), ("home", self.home_networks),
                               ("work", self.work_networks)):
            roles.update(dict.fromkeys(networks, role))
        return roles
