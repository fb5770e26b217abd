"""Turning a Device into observation columns and back (nested parts as compact JSON)."""

from __future__ import annotations

import json
from typing import Any

from core.jsonio import device_from_json, device_to_json
from core.models import Device, Finding


def dumps(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def observation_row(scan_id: int, device_id: int, device: Device) -> dict[str, Any]:
    doc = device_to_json(device)
    return {
        "scan_id": scan_id,
        "device_id": device_id,
        "ip": device.ip,
        "ips": dumps(doc["ips"]),
        "hostnames": dumps(doc["hostnames"]),
        "vendor": device.vendor,
        "category": device.category.value,
        "model": device.model,
        "mac_random": int(device.mac_random),
        "services": dumps(doc["services"]),
        "upnp": dumps(doc["upnp"]),
        "open_ports": dumps(doc["open_ports"]),
        "findings": dumps(doc["findings"]),
        "sources": dumps(doc["sources"]),
        "is_self": int(device.is_self),
    }


OBSERVATION_COLUMNS = ("ips", "hostnames", "vendor", "category", "model", "mac_random",
                       "services", "upnp", "open_ports", "findings", "sources", "is_self")
_JSON_COLUMNS = ("ips", "hostnames", "services", "upnp", "open_ports", "findings", "sources")


def device_from_row(mac: str, row: Any) -> Device:
    """Rebuild the Device of one observation row (keys as in OBSERVATION_COLUMNS)."""
    doc: dict[str, Any] = {"mac": mac}
    for column in OBSERVATION_COLUMNS:
        value = row[column]
        doc[column] = json.loads(value) if column in _JSON_COLUMNS and value else value
    doc["vendor"] = doc["vendor"] or ""
    doc["model"] = doc["model"] or ""
    doc["category"] = doc["category"] or "unknown"
    return device_from_json(doc)


def finding_key(finding: Finding) -> str:
    """One finding per device is identified by its id, plus the port when it has one."""
    return finding.id if finding.port is None else f"{finding.id}@{finding.port}"
