"""Events as Elastic Common Schema (ECS 8.x) documents, one JSON line each."""

from __future__ import annotations

import json
import socket
from dataclasses import dataclass
from typing import Any

from core import __version__
from core.models import Severity
from core.monitoring.events import STATES, Event, EventKind, now_iso

ECS_VERSION = "8.11.0"
DATASET_EVENTS = "iot_hygiene.events"
DATASET_STATE = "iot_hygiene.inventory"
# event.severity is numeric in ECS; these are the numbers Elastic's own rules use.
SEVERITY_NUMBER = {Severity.CRITICAL: 99, Severity.HIGH: 73, Severity.MEDIUM: 47,
                   Severity.LOW: 21, Severity.INFO: 1}

# event.action -> (event.category, event.type), using ECS's allowed values.
_CATEGORIES: dict[EventKind, tuple[tuple[str, ...], tuple[str, ...]]] = {
    EventKind.NEW_DEVICE: (("host", "network"), ("start",)),
    EventKind.NEW_PRIVATE_DEVICES: (("host", "network"), ("start",)),
    EventKind.DEVICE_GONE: (("host", "network"), ("end",)),
    EventKind.PRIVATE_DEVICES_GONE: (("host", "network"), ("end",)),
    EventKind.DEVICE_RETURNED: (("host", "network"), ("start",)),
    EventKind.PORT_OPENED: (("host",), ("change",)),
    EventKind.PORT_CLOSED: (("host",), ("change",)),
    EventKind.FINDING_OPENED: (("vulnerability",), ("info",)),
    EventKind.FINDING_FIXED: (("vulnerability",), ("info",)),
    EventKind.FINDING_ACCEPTED: (("vulnerability",), ("info",)),
    EventKind.IDENTITY_CHANGED: (("host",), ("change",)),
    EventKind.GATEWAY_MAC_CHANGED: (("network", "intrusion_detection"), ("info",)),
    EventKind.ON_OUTSIDE_HOURS: (("host",), ("info",)),
    EventKind.BASELINE: (("host",), ("info",)),
    EventKind.SCAN_STARTED: (("network",), ("start",)),
    EventKind.SCAN_FINISHED: (("network",), ("end",)),
    EventKind.SCAN_FAILED: (("network",), ("end",)),
    EventKind.EVENTS_DROPPED: (("configuration",), ("info",)),
    EventKind.INVENTORY: (("host",), ("info",)),
    EventKind.OPEN_FINDING: (("vulnerability",), ("info",)),
}


@dataclass(frozen=True, slots=True)
class Observer:
    """The computer that watches: ECS `observer.*`."""

    hostname: str = ""
    interface: str = ""
    ip: str = ""
    mac: str = ""

    @classmethod
    def here(cls, interface: str = "", ip: str = "", mac: str = "") -> Observer:
        return cls(hostname=socket.gethostname(), interface=interface, ip=ip, mac=mac)


def ecs_mac(mac: str) -> str:
    """ECS spells MAC addresses upper case with hyphens (RFC 7042)."""
    return mac.upper().replace(":", "-")


def to_ecs(event: Event, observer: Observer | None = None) -> dict[str, Any]:
    """The ECS document of one event (empty fields left out)."""
    categories, types = _CATEGORIES.get(event.kind, (("host",), ("info",)))
    kind = "state" if event.kind in STATES else ("alert" if event.is_alert else "event")
    ev: dict[str, Any] = {
        "id": event.id, "kind": kind, "category": list(categories), "type": list(types),
        "action": event.kind.value, "module": "iot_hygiene",
        "dataset": DATASET_STATE if event.kind in STATES else DATASET_EVENTS,
        "provider": "iot-hygiene", "created": now_iso(),
    }
    if event.severity is not None:
        ev["severity"] = SEVERITY_NUMBER[event.severity]
    if event.kind in (EventKind.SCAN_FINISHED, EventKind.SCAN_FAILED):
        ev["outcome"] = "success" if event.kind is EventKind.SCAN_FINISHED else "failure"
    doc: dict[str, Any] = {"@timestamp": event.timestamp, "ecs": {"version": ECS_VERSION},
                           "message": event.message, "event": ev}
    labels: dict[str, str] = {"site": event.site}
    if event.client:
        labels["client"] = event.client
    if event.scan_id is not None:
        labels["scan_id"] = str(event.scan_id)
    doc["organization"] = {"name": event.client or event.site}
    related_ips: list[str] = []
    if event.device is not None:
        device = event.device
        host: dict[str, Any] = {"mac": [ecs_mac(device.mac)]}
        if device.ip:
            host["ip"] = [device.ip]
            related_ips.append(device.ip)
        if device.name:
            host["name"] = device.name
        if device.category:
            host["type"] = device.category
            labels["device_category"] = device.category
        doc["host"] = host
        model = {k: v for k, v in (("identifier", device.model), ("name", device.model)) if v}
        dev: dict[str, Any] = {"id": ecs_mac(device.mac)}
        if device.vendor:
            dev["manufacturer"] = device.vendor
        if model:
            dev["model"] = model
        doc["device"] = dev
        if device.mac_random:
            labels["mac_random"] = "true"
    if event.finding is not None:
        finding = event.finding
        vuln: dict[str, Any] = {
            "id": finding.id, "severity": finding.severity.value.capitalize(),
            "description": finding.title, "category": ["iot"],
            "classification": "IoT Hygiene finding", "enumeration": "IOT-HYGIENE",
            "scanner": {"vendor": "IoT Hygiene"},
            "reference": "; ".join(finding.refs) if finding.refs
            else f"docs/findings.md#{finding.id}",
        }
        doc["vulnerability"] = vuln
        labels["finding_status"] = finding.status
    if observer is not None:
        obs: dict[str, Any] = {"vendor": "IoT Hygiene", "product": "iot-hygiene",
                               "version": __version__, "type": "scanner"}
        if observer.hostname:
            obs["hostname"] = observer.hostname
        if observer.interface:
            obs["ingress"] = {"interface": {"name": observer.interface}}
        if observer.ip:
            obs["ip"] = [observer.ip]
        if observer.mac:
            obs["mac"] = [ecs_mac(observer.mac)]
        doc["observer"] = obs
    extra: dict[str, Any] = {}
    if event.ports:
        extra["ports"] = list(event.ports)
    if event.kind is EventKind.INVENTORY:
        extra["score"] = event.count  # the device score, 0-100
    elif event.count:
        extra["count"] = event.count
    if event.macs:
        extra["macs"] = [ecs_mac(m) for m in event.macs]
    if event.changed_field:
        extra["field"] = event.changed_field
    if event.old or event.new:
        extra["old"], extra["new"] = event.old, event.new
    if event.finding is not None and event.finding.fix:
        extra["fix"] = event.finding.fix
    if extra:
        doc["iot_hygiene"] = extra
    if related_ips:
        doc["related"] = {"ip": related_ips}
    doc["labels"] = labels
    return doc


def to_json_line(event: Event, observer: Observer | None = None) -> str:
    """One compact ASCII JSON line (no newline): safe in syslog, files and any terminal."""
    return json.dumps(to_ecs(event, observer), ensure_ascii=True, separators=(",", ":"),
                      sort_keys=False)
