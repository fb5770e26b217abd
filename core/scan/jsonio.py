"""Convert scan results to and from the stable JSON document described in docs/scan-json.md."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from core.errors import DataFileError
from core.models import (
    ArpMode,
    Category,
    Device,
    Finding,
    Fingerprint,
    MdnsService,
    NetbiosInfo,
    ScanInfo,
    ScanResult,
    Severity,
    UpnpInfo,
    WsdInfo,
)

SCHEMA_VERSION = 1


def scan_to_json(result: ScanResult) -> dict[str, Any]:
    """The scan as the documented JSON document (plain dicts, lists, str, int, bool)."""
    info = result.info
    return {
        "schema": SCHEMA_VERSION,
        "scan": {
            "interface": info.interface,
            "network": info.network,
            "mode": info.mode.value,
            "mode_reason": info.mode_reason,
            "started": info.started,
            "finished": info.finished,
            "version": info.version,
            "checks_run": info.checks_run,
            "consent": info.consent,
            "cancelled": result.cancelled,
            "limits": list(info.limits),
            "limits_hit": limits_hit(result),
            "kev_catalog": info.kev_catalog,
            "thorough": info.thorough,
        },
        "devices": [device_to_json(d) for d in result.devices],
    }


LIMIT_FINDINGS = ("checks-unfinished", "host-drops-connections", "discovery-capped",
                  "checks-incomplete")


def limits_hit(result: ScanResult) -> list[dict[str, Any]]:
    """Every cap or budget hit, with the device it hit (scan-wide ones have an empty mac)."""
    hits: list[dict[str, Any]] = [{"ip": "", "mac": "", "id": "scan-limit", "evidence": text}
                                  for text in result.info.limits]
    hits += [{"ip": d.ip, "mac": d.mac, "id": f.id, "evidence": f.evidence}
             for d in result.devices for f in d.findings if f.id in LIMIT_FINDINGS]
    return hits


def device_to_json(device: Device) -> dict[str, Any]:
    return {
        "ip": device.ip,
        "ips": list(device.ips),
        "mac": device.mac,
        "mac_random": device.mac_random,
        "vendor": device.vendor,
        "label": device.label,
        "hostnames": list(device.hostnames),
        "category": device.category.value,
        "model": device.model,
        "services": [
            {
                "type": s.type,
                "name": s.name,
                "port": s.port,
                "host": s.host,
                "addresses": list(s.addresses),
                "txt": dict(s.txt),
            }
            for s in device.services
        ],
        "upnp": _upnp_to_json(device.upnp),
        "open_ports": list(device.open_ports),
        "findings": [finding_to_json(f) for f in device.findings],
        "sources": list(device.sources),
        "is_self": device.is_self,
        "fingerprints": [_fingerprint_to_json(f) for f in device.fingerprints],
        "wsd": _wsd_to_json(device.wsd),
        "netbios": _netbios_to_json(device.netbios),
    }


def finding_to_json(finding: Finding) -> dict[str, Any]:
    return {
        "id": finding.id,
        "severity": finding.severity.value,
        "title": finding.title,
        "evidence": finding.evidence,
        "fix": finding.fix,
        "refs": list(finding.refs),
        "port": finding.port,
    }


def scan_from_json(doc: dict[str, Any]) -> ScanResult:
    """Rebuild a ScanResult from its JSON document (tolerates missing optional fields)."""
    scan = doc.get("scan", {})
    info = ScanInfo(
        interface=str(scan.get("interface", "")),
        network=str(scan.get("network", "")),
        mode=ArpMode(scan.get("mode", "kernel")),
        started=str(scan.get("started", "")),
        finished=str(scan.get("finished", "")),
        version=str(scan.get("version", "")),
        mode_reason=str(scan.get("mode_reason", "")),
        checks_run=bool(scan.get("checks_run", False)),
        consent=str(scan.get("consent", "")),
        limits=tuple(str(t) for t in scan.get("limits", [])),
        kev_catalog=str(scan.get("kev_catalog", "")),
        thorough=bool(scan.get("thorough", False)),
    )
    devices = tuple(device_from_json(d) for d in doc.get("devices", []))
    return ScanResult(info=info, devices=devices, cancelled=bool(scan.get("cancelled", False)))


def device_from_json(d: dict[str, Any]) -> Device:
    ips = d.get("ips") or ([d["ip"]] if d.get("ip") else [])
    return Device(
        mac=str(d["mac"]),
        ips=tuple(str(i) for i in ips),
        mac_random=bool(d.get("mac_random", False)),
        vendor=str(d.get("vendor", "")),
        hostnames=tuple(str(h) for h in d.get("hostnames", [])),
        category=Category(d.get("category", "unknown")),
        model=str(d.get("model", "")),
        services=tuple(
            MdnsService(
                type=str(s["type"]),
                name=str(s.get("name", "")),
                port=int(s.get("port", 0)),
                host=str(s.get("host", "")),
                addresses=tuple(str(a) for a in s.get("addresses", [])),
                txt=tuple((str(k), str(v)) for k, v in (s.get("txt") or {}).items()),
            )
            for s in d.get("services", [])
        ),
        upnp=_upnp_from_json(d.get("upnp")),
        open_ports=tuple(int(p) for p in d.get("open_ports", [])),
        findings=tuple(finding_from_json(f) for f in d.get("findings", [])),
        sources=tuple(str(s) for s in d.get("sources", [])),
        is_self=bool(d.get("is_self", False)),
        fingerprints=tuple(fingerprint_from_json(f) for f in d.get("fingerprints") or []),
        wsd=wsd_from_json(d.get("wsd")),
        netbios=netbios_from_json(d.get("netbios")),
    )


def finding_from_json(f: dict[str, Any]) -> Finding:
    port = f.get("port")
    return Finding(
        id=str(f["id"]),
        severity=Severity(f.get("severity", "info")),
        title=str(f.get("title", "")),
        evidence=str(f.get("evidence", "")),
        fix=str(f.get("fix", "")),
        refs=tuple(str(r) for r in f.get("refs", [])),
        port=int(port) if port is not None else None,
    )


FINGERPRINT_KEYS = ("part", "vendor", "product", "version", "device_type", "cpe", "evidence")


def _fingerprint_to_json(fingerprint: Fingerprint) -> dict[str, str]:
    return {key: str(getattr(fingerprint, key)) for key in FINGERPRINT_KEYS}


def fingerprint_from_json(f: dict[str, Any]) -> Fingerprint:
    return Fingerprint(**{key: str(f.get(key, "")) for key in FINGERPRINT_KEYS})


def _wsd_to_json(wsd: WsdInfo | None) -> dict[str, Any] | None:
    if wsd is None:
        return None
    return {"xaddrs": list(wsd.xaddrs), "types": list(wsd.types), "scopes": list(wsd.scopes),
            "manufacturer": wsd.manufacturer, "model": wsd.model, "name": wsd.name}


def wsd_from_json(w: dict[str, Any] | None) -> WsdInfo | None:
    if not w:
        return None
    return WsdInfo(xaddrs=tuple(str(x) for x in w.get("xaddrs", [])),
                   types=tuple(str(t) for t in w.get("types", [])),
                   scopes=tuple(str(s) for s in w.get("scopes", [])),
                   manufacturer=str(w.get("manufacturer", "")), model=str(w.get("model", "")),
                   name=str(w.get("name", "")))


def _netbios_to_json(info: NetbiosInfo | None) -> dict[str, Any] | None:
    if info is None:
        return None
    return {"name": info.name, "workgroup": info.workgroup, "names": list(info.names),
            "mac": info.mac}


def netbios_from_json(n: dict[str, Any] | None) -> NetbiosInfo | None:
    if not n:
        return None
    return NetbiosInfo(name=str(n.get("name", "")), workgroup=str(n.get("workgroup", "")),
                       names=tuple(str(x) for x in n.get("names", [])), mac=str(n.get("mac", "")))


def _upnp_to_json(upnp: UpnpInfo | None) -> dict[str, Any] | None:
    if upnp is None:
        return None
    return {
        "location": upnp.location,
        "device_type": upnp.device_type,
        "friendly_name": upnp.friendly_name,
        "manufacturer": upnp.manufacturer,
        "model_name": upnp.model_name,
        "model_number": upnp.model_number,
        "serial": upnp.serial,
        "firmware": upnp.firmware,
        "services": list(upnp.services),
        "server": upnp.server,
    }


def _upnp_from_json(u: dict[str, Any] | None) -> UpnpInfo | None:
    if not u:
        return None
    return UpnpInfo(
        location=str(u.get("location", "")),
        device_type=str(u.get("device_type", "")),
        friendly_name=str(u.get("friendly_name", "")),
        manufacturer=str(u.get("manufacturer", "")),
        model_name=str(u.get("model_name", "")),
        model_number=str(u.get("model_number", "")),
        serial=str(u.get("serial", "")),
        firmware=str(u.get("firmware", "")),
        services=tuple(str(s) for s in u.get("services", [])),
        server=str(u.get("server", "")),
    )


def read_scan_file(path: Path) -> ScanResult:
    """The scan a `scan --json` file holds; a clear DataFileError for anything else."""
    hint = "Give the file that `iot-hygiene scan --json` wrote."
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise DataFileError(f"Cannot read the scan file {path}: {error}", hint) from error
    if not isinstance(doc, dict) or "devices" not in doc:
        raise DataFileError(f"{path} is not a scan JSON document.", hint)
    try:
        return scan_from_json(doc)
    except (KeyError, TypeError, ValueError, AttributeError) as error:
        raise DataFileError(f"{path} is not a valid scan JSON document ({error!r}).",
                            hint) from error
