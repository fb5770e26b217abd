"""Turn what a device said (banners, headers, TXT, UPnP and WS-Discovery) into Fingerprints."""

from __future__ import annotations

import re
from collections.abc import Iterable

from core.fingerprints import recog
from core.models import Device, Fingerprint
from core.text import clean_text

PARTS = ("hw", "os", "service")
MAX_TEXTS = 32  # texts matched per device: a chatty device cannot make matching slow
_SSH_PREFIX = re.compile(r"^SSH-[0-9.]+-")
_FTP_CODE = re.compile(r"^220[- ]")


DISCOVERY_KEYS = ("http_header.server", "mdns.device-info.txt")  # what observed_texts gives


def preload() -> None:
    """Compile the Recog files discovery's texts are matched against (slow once, then cached)."""
    for key in DISCOVERY_KEYS:
        recog.database(key)


def observed_texts(device: Device) -> list[tuple[str, str]]:
    """Texts discovery already holds: the SSDP SERVER header and `_device-info` TXT pairs."""
    texts: list[tuple[str, str]] = []
    if device.upnp and device.upnp.server:
        texts.append(("http_header.server", device.upnp.server))
    for service in device.services:
        if service.type.startswith("_device-info."):
            texts += [("mdns.device-info.txt", f"{k}={v}") for k, v in service.txt]
    return texts


def banner_text(key: str, text: str) -> str:
    """`text` as Recog expects it for `key`: SSH without 'SSH-2.0-', FTP without '220 '."""
    text = text.strip()
    if key == "ssh.banner":
        return _SSH_PREFIX.sub("", text)
    if key == "ftp.banner":
        return _FTP_CODE.sub("", text)
    return text


def from_texts(texts: Iterable[tuple[str, str]]) -> list[Fingerprint]:
    """Every fingerprint the bundled Recog files find in (matcher key, text) pairs."""
    found: list[Fingerprint] = []
    for key, raw in list(dict.fromkeys(texts))[:MAX_TEXTS]:
        text = banner_text(key, raw)
        hit = recog.match(key, text) if key in recog.DATABASES and text else None
        if hit:
            shown = clean_text(text, 160, single_space=True).strip()
            found += from_params(hit[1], f"{key} {shown!r}")
    return found


def from_params(params: dict[str, str], evidence: str) -> list[Fingerprint]:
    """One Fingerprint per part (hw, os, service) the parameters name with some certainty."""
    found = []
    for part in PARTS:
        def get(name: str, part: str = part) -> str:
            return clean_text(params.get(f"{part}.{name}", ""), 120, single_space=True).strip()
        vendor, product = get("vendor"), get("product") or get("model")
        if not (vendor or product) or get("certainty") in ("0", "0.0"):
            continue
        found.append(Fingerprint(part, vendor, product, get("version"), get("device"),
                                 get("cpe23"), evidence))
    return found


def from_upnp(device: Device) -> list[Fingerprint]:
    """The device as its own UPnP description names it (manufacturer, model, firmware)."""
    upnp = device.upnp
    if not upnp or not (upnp.manufacturer and upnp.model_name):
        return []
    product = " ".join(dict.fromkeys(filter(None, (upnp.model_name, upnp.model_number))))
    evidence = f"upnp {upnp.manufacturer!r} {product!r}" + (
        f" firmware {upnp.firmware!r}" if upnp.firmware else "")
    return [Fingerprint("hw", upnp.manufacturer, product, upnp.firmware, "", "", evidence)]


def from_wsd(device: Device) -> list[Fingerprint]:
    """The device as its WS-Discovery (ONVIF) scopes name it: manufacturer and model."""
    wsd = device.wsd
    if not wsd or not (wsd.manufacturer and wsd.model):
        return []
    evidence = f"wsd {wsd.manufacturer!r} {wsd.model!r}"
    return [Fingerprint("hw", wsd.manufacturer, wsd.model, "", "", "", evidence)]


def fingerprint(device: Device, texts: Iterable[tuple[str, str]] = ()) -> tuple[Fingerprint, ...]:
    """Everything identified about `device`, one record per (part, vendor, product, version)."""
    found = from_upnp(device) + from_wsd(device) + from_texts([*observed_texts(device), *texts])
    unique: dict[tuple[str, str, str, str], Fingerprint] = {}
    for item in found:
        unique.setdefault((item.part, item.vendor.lower(), item.product.lower(),
                           item.version), item)
    return tuple(unique.values())
