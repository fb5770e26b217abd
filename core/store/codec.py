"""Turning a Device into observation columns and back (nested parts as compact JSON)."""

from __future__ import annotations

import json
from typing import Any

from core.models import Category, Device, Finding, MdnsService, Severity, UpnpInfo
from core.scan.jsonio import (
    device_from_json,
    device_to_json,
    fingerprint_from_json,
    netbios_from_json,
    wsd_from_json,
)


def dumps(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def safe_text(text: str) -> str:
    """Text SQLite can store: lone surrogates (from undecodable network bytes) become "?"."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return text.encode("utf-8", "replace").decode("utf-8")
    return text


def safe_device(device: Device) -> Device:
    """The device unchanged, or rebuilt with every undecodable character replaced."""
    text = json.dumps(device_to_json(device), ensure_ascii=False)
    fixed = safe_text(text)
    return device if fixed is text else device_from_json(json.loads(fixed))


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
        "fingerprints": dumps(doc["fingerprints"]),
        "wsd": dumps(doc["wsd"]),
        "netbios": dumps(doc["netbios"]),
    }


_PACKED = (("ips", "[]"), ("hostnames", "[]"), ("services", "[]"), ("upnp", "null"),
           ("open_ports", "[]"), ("findings", "[]"), ("sources", "[]"),
           ("fingerprints", "[]"), ("wsd", "null"), ("netbios", "null"))
# Selecting an observation: the JSON columns arrive packed into one array, so reading a
# 5,000-device list costs one json.loads per device instead of seven.
OBSERVATION_SELECT = (
    "o.vendor, o.category, o.model, o.mac_random, o.is_self, '[' || "
    + " || ',' || ".join(f"coalesce(o.{name}, '{empty}')" for name, empty in _PACKED)
    + " || ']' AS packed"
)
_SEVERITY = {s.value: s for s in Severity}
_CATEGORY = {c.value: c for c in Category}


def device_from_row(mac: str, row: Any) -> Device:
    """Rebuild the Device of one observation row selected with OBSERVATION_SELECT."""
    (ips, hostnames, services, upnp, ports, findings, sources, prints, wsd,
     netbios) = json.loads(row["packed"])
    return Device(
        mac=mac, ips=tuple(ips), mac_random=bool(row["mac_random"]), vendor=row["vendor"] or "",
        hostnames=tuple(hostnames), category=_CATEGORY.get(row["category"], Category.UNKNOWN),
        model=row["model"] or "", services=tuple(_service(s) for s in services),
        upnp=_upnp(upnp) if upnp else None, open_ports=tuple(ports),
        findings=tuple(_finding(f) for f in findings), sources=tuple(sources),
        is_self=bool(row["is_self"]),
        fingerprints=tuple(fingerprint_from_json(f) for f in prints),
        wsd=wsd_from_json(wsd), netbios=netbios_from_json(netbios),
    )


def _service(s: dict[str, Any]) -> MdnsService:
    return MdnsService(type=s["type"], name=s.get("name", ""), port=s.get("port", 0),
                       host=s.get("host", ""), addresses=tuple(s.get("addresses", ())),
                       txt=tuple((s.get("txt") or {}).items()))


def _upnp(u: dict[str, Any]) -> UpnpInfo:
    return UpnpInfo(**{**u, "services": tuple(u.get("services", ()))})


def _finding(f: dict[str, Any]) -> Finding:
    return Finding(id=f["id"], severity=_SEVERITY.get(f.get("severity", ""), Severity.INFO),
                   title=f.get("title", ""), evidence=f.get("evidence", ""),
                   fix=f.get("fix", ""), refs=tuple(f.get("refs", ())), port=f.get("port"))


def finding_key(finding: Finding) -> str:
    """One finding per device is identified by its id, plus the port when it has one."""
    return finding.id if finding.port is None else f"{finding.id}@{finding.port}"
