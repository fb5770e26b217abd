"""Merges ARP, mDNS, SSDP, WS-Discovery, NetBIOS and names into one Device per MAC (thread-safe)."""

from __future__ import annotations

import ipaddress
import socket
import threading
from dataclasses import dataclass, field

from core.discovery import identify, oui
from core.discovery.mdns import INSTANCES_PER_RESPONDER
from core.models import (
    ArpEntry,
    Category,
    Device,
    Finding,
    Interface,
    MdnsService,
    NetbiosInfo,
    UpnpInfo,
    WsdInfo,
)

# WS-Discovery types that say what a device is (ONVIF cameras, WSD printers and scanners).
_WSD_CATEGORIES = (("networkvideotransmitter", Category.CAMERA), ("print", Category.PRINTER),
                   ("scan", Category.PRINTER), ("computer", Category.COMPUTER))


@dataclass
class _Record:
    """Everything seen so far for one MAC (mutable, private to the inventory)."""

    mac: str
    ips: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    services: dict[tuple[str, str], MdnsService] = field(default_factory=dict)
    upnp: UpnpInfo | None = None
    hostnames: list[str] = field(default_factory=list)
    notes: list[Finding] = field(default_factory=list)  # e.g. a discovery cap this device hit
    is_self: bool = False
    wsd: WsdInfo | None = None
    netbios: NetbiosInfo | None = None


class Inventory:
    """Collects observations as they arrive; each add_* returns the devices it changed."""

    def __init__(self, network: ipaddress.IPv4Network) -> None:
        self.network = network
        self._lock = threading.Lock()
        self._records: dict[str, _Record] = {}
        self._mac_of_ip: dict[str, str] = {}
        self._pending: dict[str, _Record] = {}  # by IP: seen by mDNS/SSDP before its MAC

    def add_self(self, iface: Interface) -> list[Device]:
        with self._lock:
            record = self._record_for_mac(iface.mac or "00:00:00:00:00:00", iface.ipv4, "self")
            record.is_self = True
            _add_unique(record.hostnames, _host(socket.gethostname()))
            return [self._build(record)]

    def add_arp(self, entry: ArpEntry, source: str = "arp") -> list[Device]:
        with self._lock:
            return [self._build(self._record_for_mac(entry.mac, entry.ip, source))]

    def add_service(self, service: MdnsService) -> list[Device]:
        with self._lock:
            records = self._records_for_ips(service.addresses, "mdns")
            for record in records:
                key = (service.type, service.name)
                # mDNS bills a service whose sender it could not tell to a shared allowance;
                # once merged by address it must still fit the device's own share
                if key in record.services or len(record.services) < INSTANCES_PER_RESPONDER:
                    record.services[key] = service
                _add_unique(record.hostnames, _host(service.host))
            return [self._build(r) for r in records]

    def add_upnp(self, ip: str, info: UpnpInfo) -> list[Device]:
        with self._lock:
            records = self._records_for_ips((ip,), "ssdp")
            for record in records:
                if record.upnp is None or (info.device_type and not record.upnp.device_type):
                    record.upnp = info
            return [self._build(r) for r in records]

    def add_wsd(self, ip: str, info: WsdInfo) -> list[Device]:
        with self._lock:
            records = self._records_for_ips((ip,), "wsd")
            for record in records:
                record.wsd = record.wsd or info
            return [self._build(r) for r in records]

    def add_netbios(self, ip: str, info: NetbiosInfo) -> list[Device]:
        with self._lock:
            records = self._records_for_ips((ip,), "netbios")
            for record in records:
                record.netbios = record.netbios or info
            return [self._build(r) for r in records]

    def add_llmnr(self, ip: str, name: str) -> list[Device]:
        """A name the device at `ip` gave for its own address over LLMNR."""
        with self._lock:
            records = self._records_for_ips((ip,), "llmnr")
            for record in records:
                _add_unique(record.hostnames, _host(name))
            return [self._build(r) for r in records]

    def add_hostname(self, ip: str, name: str) -> list[Device]:
        with self._lock:
            records = self._records_for_ips((ip,), "")
            for record in records:
                _add_unique(record.hostnames, _host(name))
            return [self._build(r) for r in records]

    def add_note(self, ip: str, note: Finding) -> list[Device]:
        """A finding about how discovery treated the device at `ip` (e.g. a cap it hit)."""
        with self._lock:
            records = self._records_for_ips((ip,), "")
            for record in records:
                if note not in record.notes:
                    record.notes.append(note)
            return [self._build(r) for r in records]

    def unresolved_ips(self) -> list[str]:
        """Addresses seen by mDNS/SSDP whose MAC is still unknown."""
        with self._lock:
            return list(self._pending)

    def all_ips(self) -> list[str]:
        with self._lock:
            return list(self._mac_of_ip) + list(self._pending)

    def devices(self) -> tuple[Device, ...]:
        """Every device, ordered by address (those without a known MAC last)."""
        with self._lock:
            built = [self._build(r) for r in (*self._records.values(), *self._pending.values())]
        return tuple(sorted(built, key=_order))

    # -- helpers (called with the lock held) ------------------------------------------
    def _record_for_mac(self, mac: str, ip: str, source: str) -> _Record:
        record = self._records.setdefault(mac, _Record(mac))
        _add_unique(record.ips, ip)
        _add_unique(record.sources, source)
        self._mac_of_ip[ip] = mac
        pending = self._pending.pop(ip, None)
        if pending:
            _absorb(record, pending)
        return record

    def _records_for_ips(self, ips: tuple[str, ...], source: str) -> list[_Record]:
        records: list[_Record] = []
        for ip in ips:
            if not _inside(ip, self.network):
                continue
            mac = self._mac_of_ip.get(ip)
            record = self._records[mac] if mac else self._pending.setdefault(ip, _Record("", [ip]))
            _add_unique(record.sources, source)
            if all(record is not r for r in records):
                records.append(record)
        return records

    def _build(self, record: _Record) -> Device:
        vendor = oui.vendor_for_mac(record.mac) if record.mac else ""
        services = tuple(record.services.values())
        hostnames = tuple(record.hostnames)
        facts = identify.Facts(vendor=vendor, services=services, upnp=record.upnp,
                               hostnames=hostnames)
        category, model = identify.identify(facts)
        category, model = _from_wsd(record.wsd, category, model)
        return Device(
            mac=record.mac, ips=tuple(record.ips), mac_random=oui.is_random_mac(record.mac),
            vendor=vendor, hostnames=hostnames, category=category, model=model,
            services=services, upnp=record.upnp, sources=tuple(s for s in record.sources if s),
            findings=tuple(record.notes), is_self=record.is_self, wsd=record.wsd,
            netbios=record.netbios,
        )


def _from_wsd(wsd: WsdInfo | None, category: Category, model: str) -> tuple[Category, str]:
    """Fill what the other sources left open from a WS-Discovery answer."""
    if wsd is None:
        return category, model
    if category is Category.UNKNOWN:
        types = " ".join(wsd.types).lower()
        category = next((c for word, c in _WSD_CATEGORIES if word in types), category)
    if not model and wsd.model:
        model = " ".join(dict.fromkeys(filter(None, (wsd.manufacturer, wsd.model))))
    return category, model


def _absorb(record: _Record, pending: _Record) -> None:
    for source in pending.sources:
        _add_unique(record.sources, source)
    for key, service in pending.services.items():
        if key in record.services or len(record.services) < INSTANCES_PER_RESPONDER:
            record.services[key] = service
    record.upnp = record.upnp or pending.upnp
    record.wsd = record.wsd or pending.wsd
    record.netbios = record.netbios or pending.netbios
    record.notes += [n for n in pending.notes if n not in record.notes]
    for name in pending.hostnames:
        _add_unique(record.hostnames, name)


def _add_unique(items: list[str], item: str) -> None:
    if item and item not in items:
        items.append(item)


def _host(name: str) -> str:
    """A host name without the trailing dot, bounded (hostile names can be 10 kB)."""
    return name.strip().rstrip(".")[:253]


def _inside(ip: str, network: ipaddress.IPv4Network) -> bool:
    try:
        return ipaddress.IPv4Address(ip) in network
    except ValueError:
        return False


def _order(device: Device) -> tuple[int, int]:
    try:
        return (0 if device.mac else 1, int(ipaddress.IPv4Address(device.ip)))
    except ValueError:
        return (2, 0)
