"""Bundled default-credential data (resources/credentials/*.toml): load, check, pick per device."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from core.datafiles import fields
from core.models import Device
from core.paths import resource

SERVICES = frozenset({"http", "telnet", "rtsp", "snmp"})
_FILE_KEYS = ("vendor", "match")


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
    return tuple(read_file(path) for path in sorted(folder.glob("*.toml")))


def for_device(device: Device, data: tuple[VendorDefaults, ...]) -> list[DefaultLogin]:
    """The device's vendor's logins first, then the generic ones (match list empty)."""
    upnp = (device.upnp.manufacturer, device.upnp.model_name) if device.upnp else ()
    facts = " ".join([device.vendor, device.model, *upnp]).lower()
    vendor = [lg for v in data if v.match and any(m in facts for m in v.match) for lg in v.logins]
    generic = [lg for v in data if not v.match for lg in v.logins]
    return vendor + generic


def read_file(path: Path) -> VendorDefaults:
    """One vendor file, strictly; the DataFileError names file, login and key, never a password."""
    name = f"{path.parent.name}/{path.name}"
    doc = fields.table(fields.read_toml(path, name), name, _FILE_KEYS, ("source", "login"))
    vendor = fields.text(doc, "vendor", name)
    if "source" in doc:  # where the logins come from; your own lists may leave it out
        fields.text(doc, "source", name)
    match = tuple(m.lower() for m in fields.strings(doc, "match", name))
    logins = tuple(
        _login(vendor, raw, f"{name}: login #{index}")
        for index, raw in enumerate(fields.tables(doc, "login", name), 1)
    )
    return VendorDefaults(vendor, match, logins)


def _login(vendor: str, raw: Mapping[str, Any], label: str) -> DefaultLogin:
    fields.table(raw, label, ("user", "password", "services"), ("note",))
    for key in ("user", "password"):  # kept exactly as written; never shown in a message
        if not isinstance(raw[key], str):
            raise fields.fail(label, f"{key} must be text (may be empty)")
    services = fields.strings(raw, "services", label, non_empty=True)
    for service in services:
        fields.choice(service, "services", label, sorted(SERVICES))
    if "note" in raw:
        fields.text(raw, "note", label)
    return DefaultLogin(vendor, raw["user"], raw["password"], frozenset(services))
