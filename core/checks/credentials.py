"""Bundled default-credential data (resources/credentials/*.toml): load, check, pick per device."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

from core.errors import DataFileError
from core.models import Device
from core.paths import resource

SERVICES = frozenset({"http", "telnet", "rtsp", "snmp"})


@dataclass(frozen=True, slots=True)
class DefaultLogin:
    """One factory-default login from a vendor manual. Never logged, stored or reported."""

    vendor: str
    user: str
    password: str
    services: frozenset[str]

    def __repr__(self) -> str:  # keeps the secret out of tracebacks and debug output
        return f"DefaultLogin(vendor={self.vendor!r}, services={sorted(self.services)})"


@dataclass(frozen=True, slots=True)
class VendorDefaults:
    vendor: str
    match: tuple[str, ...]
    logins: tuple[DefaultLogin, ...]


def load(folder: Path | None = None) -> tuple[VendorDefaults, ...]:
    """Every vendor file in `folder` (default: the bundled one); DataFileError if one is bad."""
    folder = folder or resource("credentials")
    return tuple(_load_file(path) for path in sorted(folder.glob("*.toml")))


def for_device(device: Device, data: tuple[VendorDefaults, ...]) -> list[DefaultLogin]:
    """The device's vendor's logins first, then the generic ones (match list empty)."""
    upnp = (device.upnp.manufacturer, device.upnp.model_name) if device.upnp else ()
    facts = " ".join([device.vendor, device.model, *upnp]).lower()
    vendor = [lg for v in data if v.match and any(m in facts for m in v.match) for lg in v.logins]
    generic = [lg for v in data if not v.match for lg in v.logins]
    return vendor + generic


def _load_file(path: Path) -> VendorDefaults:
    try:
        doc = tomllib.loads(path.read_text(encoding="utf-8"))
        vendor = str(doc["vendor"])
        match = tuple(str(m).lower() for m in doc.get("match", []))
        logins = tuple(_login(vendor, item) for item in doc.get("login", []))
    except (OSError, UnicodeError, tomllib.TOMLDecodeError, KeyError, TypeError, ValueError) as exc:
        raise DataFileError(f"The credential list {path.name} cannot be read ({exc}).",
                            "Reinstall IoT Hygiene to restore its data files.") from None
    return VendorDefaults(vendor, match, logins)


def _login(vendor: str, item: dict[str, object]) -> DefaultLogin:
    services = frozenset(str(s) for s in item.get("services", []))  # type: ignore[attr-defined]
    unknown = services - SERVICES
    if unknown or not services:
        raise ValueError(f"unknown or missing services {sorted(unknown)}")
    return DefaultLogin(vendor, str(item.get("user", "")), str(item["password"]), services)
