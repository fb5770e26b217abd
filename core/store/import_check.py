"""Reading a site export safely: size cap, depth cap, and every value checked before any write."""

from __future__ import annotations

import ipaddress
import json
import re
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import Any, TypeVar

from core.errors import DataFileError
from core.models import ArpMode, Category, Device, Severity, Tag
from core.scan.jsonio import FINGERPRINT_KEYS, device_from_json
from core.store.base import normalise_mac
from core.store.records import FindingStatus

EXPORT_FORMAT = "iot-hygiene-site"
EXPORT_VERSION = 1
MAX_FILE_BYTES = 64 * 1024 * 1024
MAX_DEPTH = 10  # an export nests 8 deep (site > scans > scan > devices > device > services > txt)
MAX_ITEMS = 200_000  # of any one list (devices, scans, findings, answers, a scan's devices)
MAX_SMALL_LIST = 1_000  # a device's addresses, ports, services, refs...
NAME, SHORT, TEXT = 4_096, 65_536, 262_144  # string limits (network text can be long)
_HINT = "Choose a file made by Export site, or export the site again."
_MAC = re.compile(r"^[0-9a-f]{2}(:[0-9a-f]{2}){5}$")
_UID = re.compile(r"^[A-Za-z0-9._:-]{1,64}$")
_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}([T ][0-9:.]{2,18}(Z|[+-]\d{2}:\d{2})?)?$")
_E = TypeVar("_E", bound=StrEnum)


class BadValue(ValueError):
    """One value in the file is wrong; the message says where and why."""


def read_export(path: Path) -> dict[str, Any]:
    """The checked, normalised document of a site export; DataFileError names the first fault."""
    raw = _read_capped(path)
    try:
        doc = json.loads(raw.decode("utf-8"), parse_constant=_no_constant)
    except RecursionError:
        raise DataFileError(f"{path} nests too deeply to be a site export.", _HINT) from None
    except (UnicodeDecodeError, ValueError) as error:
        raise DataFileError(f"Cannot read {path} ({error}).", _HINT) from None
    try:
        return check_document(doc)
    except BadValue as error:
        raise DataFileError(f"{path} is not a valid site export: {error}.", _HINT) from None


def check_document(doc: Any) -> dict[str, Any]:
    """Check a parsed export; raises BadValue (nothing is written by this function)."""
    _check_depth(doc)
    top = _obj(doc, "the file")
    if top.get("format") != EXPORT_FORMAT:
        raise BadValue("it is not an IoT Hygiene site export")
    version = top.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise BadValue("its format version is missing")
    if version > EXPORT_VERSION:
        raise BadValue(f"it was made by a newer IoT Hygiene (format {version}); update first")
    consents = _items(top, "consents", _consent)
    known = {c["uid"] for c in consents}
    return {
        "site": _site(_obj(top.get("site"), "site")),
        "devices": _items(top, "devices", _device_row),
        "consents": consents,
        "scans": _items(top, "scans", lambda v, w: _scan(v, w, known)),
        "findings": _items(top, "findings", _finding_row),
        "answers": _items(top, "answers", _answer),
    }


def _read_capped(path: Path) -> bytes:
    try:
        with path.open("rb") as handle:
            raw = handle.read(MAX_FILE_BYTES + 1)
    except OSError as error:
        raise DataFileError(f"Cannot read {path} ({error}).", _HINT) from None
    if len(raw) > MAX_FILE_BYTES:
        raise DataFileError(f"{path} is larger than {MAX_FILE_BYTES // (1024 * 1024)} MB, too "
                            "large for a site export.", _HINT)
    return raw


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a number")


def _check_depth(doc: Any) -> None:
    stack = [(doc, 1)]
    while stack:
        value, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise BadValue(f"it nests deeper than {MAX_DEPTH} levels")
        if isinstance(value, dict):
            stack.extend((v, depth + 1) for v in value.values())
        elif isinstance(value, list):
            stack.extend((v, depth + 1) for v in value)


# -- the parts of an export


def _site(site: dict[str, Any]) -> dict[str, Any]:
    return {"name": _text(site.get("name"), "site name", NAME, required=True),
            "client": _text(site.get("client"), "site client", NAME),
            "notes": _text(site.get("notes"), "site notes", TEXT),
            "networks": _networks(site.get("networks"), "site networks"),
            "work_networks": _networks(site.get("work_networks"), "site work networks"),
            "network_roles": _roles(site.get("network_roles"), "site network roles")}


def _device_row(d: Any, where: str) -> dict[str, Any]:
    d = _obj(d, where)
    return {"mac": _mac(d.get("mac"), f"{where} mac"),
            **{f: _text(d.get(f), f"{where} {f}", NAME) for f in ("label", "owner", "location")},
            "notes": _text(d.get("notes"), f"{where} notes", TEXT),
            "tag": _enum(d.get("tag") or "unknown", f"{where} tag", Tag).value,
            "support_end": _time(d.get("support_end"), f"{where} support_end"),
            "review_date": _time(d.get("review_date"), f"{where} review_date"),
            "retired": _flag(d.get("retired"), f"{where} retired"),
            "kept": _flag(d.get("kept", False), f"{where} kept"),  # absent before m005
            **{f: _time(d.get(f), f"{where} {f}")
               for f in ("first_seen", "last_seen", "updated_at")}}


def _consent(c: Any, where: str) -> dict[str, Any]:
    c = _obj(c, where)
    network = _text(c.get("network"), f"{where} network", NAME)
    return {"uid": _uid(c.get("uid"), f"{where} uid"),
            "authorised_by": _text(c.get("authorised_by"), f"{where} authorised_by", NAME,
                                   required=True),
            "network": _networks([network], f"{where} network")[0] if network else "",
            "scope": _text(c.get("scope"), f"{where} scope", SHORT),
            "at": _time(c.get("at"), f"{where} at", required=True),
            "scan_uid": _text(c.get("scan_uid"), f"{where} scan_uid", 64),
            "ended": _time(c.get("ended"), f"{where} ended"),
            "end_reason": _text(c.get("end_reason"), f"{where} end_reason", NAME)}


def _scan(s: Any, where: str, consents: set[str]) -> dict[str, Any]:
    s = _obj(s, where)
    consent_uid = s.get("consent_uid")
    if consent_uid is not None:
        consent_uid = _uid(consent_uid, f"{where} consent_uid")
        if consent_uid not in consents:  # never a link to a consent of another site
            raise BadValue(f"{where} names a consent record the file does not contain")
    return {"uid": _uid(s.get("uid"), f"{where} uid"),
            **{f: _text(s.get(f), f"{where} {f}", NAME)
               for f in ("interface", "network", "version")},
            "mode": _enum(s.get("mode") or "kernel", f"{where} mode", ArpMode).value,
            "mode_reason": _text(s.get("mode_reason"), f"{where} mode_reason", SHORT),
            "started": _time(s.get("started"), f"{where} started", required=True),
            "finished": _time(s.get("finished"), f"{where} finished"),
            "checks_run": _flag(s.get("checks_run"), f"{where} checks_run"),
            "cancelled": _flag(s.get("cancelled"), f"{where} cancelled"),
            "thorough": _flag(s.get("thorough"), f"{where} thorough"),
            "consent": _text(s.get("consent"), f"{where} consent", SHORT),
            "kev_catalog": _text(s.get("kev_catalog"), f"{where} kev_catalog", 64),
            "consent_uid": consent_uid,
            "devices": _items(s, "devices", _scan_device, where)}


def _finding_row(f: Any, where: str) -> dict[str, Any]:
    f = _obj(f, where)
    finding_id = _text(f.get("finding_id"), f"{where} finding_id", NAME, required=True)
    port = _port(f.get("port"), f"{where} port", optional=True)
    return {"mac": _mac(f.get("mac"), f"{where} mac"),
            "key": finding_id if port is None else f"{finding_id}@{port}",
            "finding_id": finding_id, "port": port,
            "severity": _enum(f.get("severity"), f"{where} severity", Severity).value,
            "title": _text(f.get("title"), f"{where} title", SHORT),
            "evidence": _text(f.get("evidence"), f"{where} evidence", TEXT),
            "fix": _text(f.get("fix"), f"{where} fix", TEXT),
            "refs": _strings(f.get("refs"), f"{where} refs", SHORT),
            "status": _enum(f.get("status"), f"{where} status", FindingStatus).value,
            "reason": _text(f.get("reason"), f"{where} reason", TEXT),
            "who": _text(f.get("who"), f"{where} who", NAME),
            "status_at": _time(f.get("status_at"), f"{where} status_at"),
            "first_seen": _time(f.get("first_seen"), f"{where} first_seen", required=True),
            "last_seen": _time(f.get("last_seen"), f"{where} last_seen")}


def _answer(a: Any, where: str) -> dict[str, Any]:
    a = _obj(a, where)
    mac = a.get("mac")
    return {"uid": _uid(a.get("uid"), f"{where} uid"),
            "mac": "" if mac in ("", None) else _mac(mac, f"{where} mac"),
            "item_id": _text(a.get("item_id"), f"{where} item_id", NAME, required=True),
            "value": _text(a.get("value"), f"{where} value", SHORT),
            "note": _text(a.get("note"), f"{where} note", TEXT),
            "who": _text(a.get("who"), f"{where} who", NAME),
            "at": _time(a.get("at"), f"{where} at", required=True)}


def _scan_device(d: Any, where: str) -> Device:
    """A device as a scan observed it (the scan JSON's device object), rebuilt as a Device."""
    d = _obj(d, where)
    upnp = d.get("upnp")
    clean = {
        "mac": _mac(d.get("mac"), f"{where} mac"),
        "ip": _text(d.get("ip"), f"{where} ip", 64),
        "ips": _strings(d.get("ips"), f"{where} ips", 64),
        "mac_random": _flag(d.get("mac_random"), f"{where} mac_random"),
        "vendor": _text(d.get("vendor"), f"{where} vendor", SHORT),
        "hostnames": _strings(d.get("hostnames"), f"{where} hostnames", SHORT),
        "category": _enum(d.get("category") or "unknown", f"{where} category", Category).value,
        "model": _text(d.get("model"), f"{where} model", SHORT),
        "services": _small(d.get("services"), f"{where} services", _service),
        "upnp": None if upnp is None else _upnp(upnp, f"{where} upnp"),
        "open_ports": [_port(p, f"{where} open_ports") for p in
                       _list(d.get("open_ports"), f"{where} open_ports", MAX_SMALL_LIST)],
        "findings": _small(d.get("findings"), f"{where} findings", _scan_finding),
        "sources": _strings(d.get("sources"), f"{where} sources", NAME),
        "is_self": _flag(d.get("is_self"), f"{where} is_self"),
        **_identity(d, where),
    }
    return device_from_json(clean)


def _identity(d: dict[str, Any], where: str) -> dict[str, Any]:
    """Fingerprints, WS-Discovery and NetBIOS answers (absent in exports before m007)."""
    wsd, netbios = d.get("wsd"), d.get("netbios")
    return {"fingerprints": _small(d.get("fingerprints"), f"{where} fingerprints", _fingerprint),
            "wsd": None if wsd is None else _wsd(wsd, f"{where} wsd"),
            "netbios": None if netbios is None else _netbios(netbios, f"{where} netbios")}


def _fingerprint(f: Any, where: str) -> dict[str, Any]:
    f = _obj(f, where)
    _only(f, FINGERPRINT_KEYS, where)
    part = _text(f.get("part"), f"{where} part", 16, required=True)
    if part not in ("hw", "os", "service"):
        raise BadValue(f"{where} part must be one of hw, os, service")
    return {"part": part, **{k: _text(f.get(k), f"{where} {k}", SHORT)
                             for k in FINGERPRINT_KEYS if k != "part"}}


def _wsd(w: Any, where: str) -> dict[str, Any]:
    w = _obj(w, where)
    lists, texts = ("xaddrs", "types", "scopes"), ("manufacturer", "model", "name")
    _only(w, lists + texts, where)
    return {**{k: _strings(w.get(k), f"{where} {k}", SHORT) for k in lists},
            **{k: _text(w.get(k), f"{where} {k}", SHORT) for k in texts}}


def _netbios(n: Any, where: str) -> dict[str, Any]:
    n = _obj(n, where)
    _only(n, ("name", "workgroup", "names", "mac"), where)
    return {"name": _text(n.get("name"), f"{where} name", NAME),
            "workgroup": _text(n.get("workgroup"), f"{where} workgroup", NAME),
            "names": _strings(n.get("names"), f"{where} names", NAME),
            "mac": _text(n.get("mac"), f"{where} mac", 32)}


def _only(value: dict[str, Any], keys: tuple[str, ...], where: str) -> None:
    unknown = sorted(set(value) - set(keys))
    if unknown:
        raise BadValue(f"{where} has an unknown field {unknown[0][:40]!r}")


def _service(s: Any, where: str) -> dict[str, Any]:
    s = _obj(s, where)
    txt = _obj(s.get("txt") or {}, f"{where} txt")
    if len(txt) > MAX_SMALL_LIST:
        raise BadValue(f"{where} txt has too many entries")
    return {"type": _text(s.get("type"), f"{where} type", NAME, required=True),
            "name": _text(s.get("name"), f"{where} name", SHORT),
            "port": _port(s.get("port", 0), f"{where} port"),
            "host": _text(s.get("host"), f"{where} host", SHORT),
            "addresses": _strings(s.get("addresses"), f"{where} addresses", 64),
            "txt": {_text(k, f"{where} txt key", NAME): _text(v, f"{where} txt value", SHORT)
                    for k, v in txt.items()}}


def _upnp(u: Any, where: str) -> dict[str, Any]:
    u = _obj(u, where)
    fields = ("location", "device_type", "friendly_name", "manufacturer", "model_name",
              "model_number", "serial", "firmware", "server")
    return {**{f: _text(u.get(f), f"{where} {f}", SHORT) for f in fields},
            "services": _strings(u.get("services"), f"{where} services", SHORT)}


def _scan_finding(f: Any, where: str) -> dict[str, Any]:
    f = _obj(f, where)
    return {"id": _text(f.get("id"), f"{where} id", NAME, required=True),
            "severity": _enum(f.get("severity"), f"{where} severity", Severity).value,
            "title": _text(f.get("title"), f"{where} title", SHORT),
            "evidence": _text(f.get("evidence"), f"{where} evidence", TEXT),
            "fix": _text(f.get("fix"), f"{where} fix", TEXT),
            "refs": _strings(f.get("refs"), f"{where} refs", SHORT),
            "port": _port(f.get("port"), f"{where} port", optional=True)}


# -- single values


def _obj(value: Any, where: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise BadValue(f"{where} must be an object")
    return value


def _list(value: Any, where: str, limit: int) -> list[Any]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise BadValue(f"{where} must be a list")
    if len(value) > limit:
        raise BadValue(f"{where} has more than {limit} entries")
    return value


def _items(parent: dict[str, Any], key: str, check: Callable[[Any, str], Any],
           prefix: str = "") -> list[Any]:
    where = f"{prefix} {key}".strip()
    values = _list(parent.get(key), where, MAX_ITEMS)
    return [check(value, f"{where}[{n}]") for n, value in enumerate(values)]


def _small(value: Any, where: str, check: Callable[[Any, str], Any]) -> list[Any]:
    return [check(v, f"{where}[{n}]") for n, v in enumerate(_list(value, where, MAX_SMALL_LIST))]


def _text(value: Any, where: str, limit: int, *, required: bool = False) -> str:
    if value is None and not required:
        return ""
    if not isinstance(value, str):
        raise BadValue(f"{where} must be text")
    if len(value) > limit:
        raise BadValue(f"{where} is longer than {limit} characters")
    if required and not value.strip():
        raise BadValue(f"{where} is empty")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise BadValue(f"{where} is not valid text") from None
    return value


def _strings(value: Any, where: str, limit: int) -> list[str]:
    return [_text(v, f"{where}[{n}]", limit) for n, v in
            enumerate(_list(value, where, MAX_SMALL_LIST))]


def _flag(value: Any, where: str) -> bool:
    if value is None:
        return False
    if isinstance(value, bool) or (isinstance(value, int) and value in (0, 1)):
        return bool(value)
    raise BadValue(f"{where} must be true or false")


def _port(value: Any, where: str, *, optional: bool = False) -> Any:
    if value is None and optional:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 65535:
        raise BadValue(f"{where} must be a port number")
    return value


def _enum(value: Any, where: str, kind: type[_E]) -> _E:
    try:
        return kind(value)
    except (ValueError, TypeError):
        allowed = ", ".join(member.value for member in kind)
        raise BadValue(f"{where} must be one of {allowed}") from None


def _time(value: Any, where: str, *, required: bool = False) -> str:
    text = _text(value, where, 40, required=required)
    if text and not _TIME.match(text):
        raise BadValue(f"{where} is not a date and time")
    return text


def _mac(value: Any, where: str) -> str:
    mac = normalise_mac(_text(value, where, 32, required=True))
    if not _MAC.match(mac):
        raise BadValue(f"{where} is not a MAC address")
    return mac


def _uid(value: Any, where: str) -> str:
    text = _text(value, where, 64, required=True)
    if not _UID.match(text):
        raise BadValue(f"{where} is not an identifier")
    return text


def _roles(value: Any, where: str) -> dict[str, str]:
    """Network -> work, home or guest (exports before network roles have none: {})."""
    if value is None:
        return {}
    if not isinstance(value, dict) or len(value) > 256:
        raise BadValue(f"{where} must map networks to work, home or guest")
    networks = _networks(list(value), where)
    roles = {}
    for network, role in zip(networks, value.values(), strict=False):
        if role not in ("work", "home", "guest"):
            raise BadValue(f"{where}: {network} has role {str(role)[:20]!r}, not work, home "
                           "or guest")
        roles[network] = role
    return roles


def _networks(value: Any, where: str) -> list[str]:
    cleaned = []
    for n, text in enumerate(_list(value, where, 256)):
        text = _text(text, f"{where}[{n}]", 64, required=True)
        try:
            cleaned.append(str(ipaddress.ip_network(text.strip(), strict=False)))
        except ValueError:
            raise BadValue(f"{where}[{n}] is not a network like 192.168.1.0/24") from None
    return list(dict.fromkeys(cleaned))
