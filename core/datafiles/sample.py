"""The sample office scan (resources/sample/office.json), read strictly against the scan schema."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from core.datafiles import fields
from core.datafiles.findings import NAME as FINDINGS
from core.datafiles.findings import Entry
from core.datafiles.references import Reference, check_refs
from core.models import ArpMode, Category, ScanResult, Severity
from core.scan.jsonio import SCHEMA_VERSION, scan_from_json

NAME = "sample/office.json"
_SCAN = ("interface", "network", "mode", "mode_reason", "started", "finished", "version",
         "checks_run", "consent", "cancelled")
_DEVICE = ("ip", "ips", "mac", "mac_random", "vendor", "hostnames", "category", "model",
           "services", "upnp", "open_ports", "findings", "sources", "is_self")
_SERVICE = ("type", "name", "port", "host", "addresses", "txt")
_UPNP = ("location", "device_type", "friendly_name", "manufacturer", "model_name",
         "model_number", "serial", "firmware", "services", "server")
_FINDING = ("id", "severity", "title", "evidence", "fix", "refs", "port")
SOURCES = ("arp", "mdns", "ssdp", "self")


def read_sample(
    path: Path, catalogue: Mapping[str, Entry], known_refs: Mapping[str, Reference]
) -> ScanResult:
    """The sample scan; DataFileError naming the file, the device or finding, and the key."""
    doc = fields.read_json(path, NAME)
    fields.table(doc, NAME, ("schema", "scan", "devices"))
    fields.integer(doc, "schema", NAME, SCHEMA_VERSION, SCHEMA_VERSION)
    _scan(doc["scan"], f"{NAME}: scan")
    devices = doc["devices"]
    if not isinstance(devices, list):
        raise fields.fail(NAME, "devices must be a list")
    for index, device in enumerate(devices, 1):
        label = f"{NAME}: device #{index}"
        if isinstance(device, dict):
            label += f" ({device.get('mac', '?')})"
        _device(device, label, catalogue, known_refs)
    return scan_from_json(doc)


def _scan(raw: Any, label: str) -> None:
    fields.table(raw, label, _SCAN)
    fields.enum(raw, "mode", label, ArpMode)
    for key in ("interface", "network", "started"):
        fields.text(raw, key, label)
    for key in ("mode_reason", "finished", "version", "consent"):
        fields.text(raw, key, label, empty=True)
    for key in ("checks_run", "cancelled"):
        fields.flag(raw, key, label)


def _device(raw: Any, label: str, catalogue: Mapping[str, Entry],
            known_refs: Mapping[str, Reference]) -> None:
    fields.table(raw, label, _DEVICE, ("label",))
    fields.enum(raw, "category", label, Category)
    fields.text(raw, "mac", label)
    for key in ("ip", "vendor", "model", "label"):
        fields.text(raw, key, label, empty=True, default="")
    for key in ("ips", "hostnames"):
        fields.strings(raw, key, label)
    for source in fields.strings(raw, "sources", label, non_empty=True):
        fields.choice(source, "sources", label, SOURCES)
    for key in ("mac_random", "is_self"):
        fields.flag(raw, key, label)
    ports = raw["open_ports"]
    if not isinstance(ports, list) or not all(_is_port(port) for port in ports):
        raise fields.fail(label, f"open_ports must be a list of port numbers, got {ports!r}")
    for index, service in enumerate(fields.tables(raw, "services", label), 1):
        _service(service, f"{label}: service #{index}")
    if raw["upnp"] is not None:
        fields.table(raw["upnp"], f"{label}: upnp", _UPNP)
    for index, finding in enumerate(fields.tables(raw, "findings", label), 1):
        where = f"{label}: finding #{index} {finding.get('id', '?')!r}"
        _finding(finding, where, catalogue, known_refs)


def _service(raw: Mapping[str, Any], label: str) -> None:
    fields.table(raw, label, _SERVICE)
    fields.text(raw, "type", label)
    if not _is_port(raw["port"]):
        raise fields.fail(label, f"port must be a port number, got {raw['port']!r}")
    if not isinstance(raw["txt"], dict):
        raise fields.fail(label, "txt must be a table of key = value")


def _finding(raw: Mapping[str, Any], label: str, catalogue: Mapping[str, Entry],
             known_refs: Mapping[str, Reference]) -> None:
    fields.table(raw, label, _FINDING)
    finding_id = fields.text(raw, "id", label)
    fields.known([finding_id], "id", label, catalogue.__contains__, FINDINGS)
    severity = fields.enum(raw, "severity", label, Severity)
    if severity is not catalogue[finding_id].severity:
        expected = catalogue[finding_id].severity.value
        raise fields.fail(label, f"severity {severity.value!r} differs from {FINDINGS} "
                                 f"({expected!r})")
    for key in ("title", "evidence", "fix"):
        fields.text(raw, key, label)
    check_refs(fields.strings(raw, "refs", label), label, known_refs)
    if raw["port"] is not None and not _is_port(raw["port"]):
        raise fields.fail(label, f"port must be a port number or null, got {raw['port']!r}")


def _is_port(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= 65535
