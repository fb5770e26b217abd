"""Bundled default-credential data (resources/credentials/*.toml): load, check, pick per device."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from core.datafiles import fields
from core.models import Device
from core.paths import resource

SERVICES = frozenset({"http", "telnet", "rtsp", "snmp"})
MAX_SECRET = 64  # longest user name or password a file may hold
MIN_MATCH = 3  # shorter match words would hit unrelated names
_FILE_KEYS = ("vendor", "match")
_LOGIN_KEYS = ("user", "password", "services")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")  # would break the request lines a login is sent in


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
    data = tuple(read_file(path) for path in sorted(folder.glob("*.toml")))
    seen: set[str] = set()
    for vendor in data:
        if vendor.vendor.lower() in seen:
            raise fields.fail(f"{folder.name}/", f"vendor {vendor.vendor!r} is in two files")
        seen.add(vendor.vendor.lower())
    return data


def for_device(device: Device, data: tuple[VendorDefaults, ...],
               also: Iterable[str] = ()) -> list[DefaultLogin]:
    """The device's vendor's logins first, then the generic ones (match list empty).

    The vendor is matched, word by word, in the MAC registry name, the model, the UPnP
    manufacturer and model, and `also` (e.g. vendors and products fingerprints named).
    """
    upnp = (device.upnp.manufacturer, device.upnp.model_name) if device.upnp else ()
    facts = " ".join([device.vendor, device.model, *upnp, *also]).lower()
    vendor = [lg for v in data if v.match and _names_any(facts, v.match) for lg in v.logins]
    generic = [lg for v in data if not v.match for lg in v.logins]
    return vendor + generic


def for_service(logins: Iterable[DefaultLogin], service: str, limit: int) -> list[DefaultLogin]:
    """The first `limit` logins for `service`, in order, each user/password pair once."""
    chosen: dict[tuple[str, str], DefaultLogin] = {}
    for login in logins:
        if len(chosen) >= limit:
            break
        if service in login.services:
            chosen.setdefault((login.user, login.password), login)
    return list(chosen.values())


def read_file(path: Path) -> VendorDefaults:
    """One vendor file, strictly; the DataFileError names file, login and key, never a password."""
    name = f"{path.parent.name}/{path.name}"
    doc = fields.table(fields.read_toml(path, name), name, _FILE_KEYS, ("source", "login"))
    vendor = fields.text(doc, "vendor", name)
    if "source" in doc:  # where the logins come from; your own lists may leave it out
        fields.text(doc, "source", name)
    match = tuple(m.lower() for m in fields.strings(doc, "match", name))
    short = [m for m in match if len(m.strip()) < MIN_MATCH]
    if short:
        raise fields.fail(name, f"match words must be {MIN_MATCH} characters or more: {short}")
    logins = tuple(
        _login(vendor, raw, f"{name}: login #{index}")
        for index, raw in enumerate(fields.tables(doc, "login", name), 1)
    )
    _no_repeats(logins, name)
    return VendorDefaults(vendor, match, logins)


def _names_any(facts: str, words: tuple[str, ...]) -> bool:
    return any(re.search(rf"(?<!\w){re.escape(word)}(?!\w)", facts) for word in words)


def _login(vendor: str, raw: Mapping[str, Any], label: str) -> DefaultLogin:
    fields.table(raw, label, _LOGIN_KEYS, ("note", "source"))
    for key in ("user", "password"):  # kept exactly as written; never shown in a message
        value = raw[key]
        if not isinstance(value, str):
            raise fields.fail(label, f"{key} must be text (may be empty)")
        if len(value) > MAX_SECRET:
            raise fields.fail(label, f"{key} is longer than {MAX_SECRET} characters")
        if _CONTROL.search(value):
            raise fields.fail(label, f"{key} holds a control character")
    services = frozenset(fields.strings(raw, "services", label, non_empty=True))
    for service in sorted(services):
        fields.choice(service, "services", label, sorted(SERVICES))
    _check_user(raw["user"], services, label)
    for key in ("note", "source"):
        if key in raw:
            fields.text(raw, key, label)
    return DefaultLogin(vendor, raw["user"], raw["password"], services)


def _check_user(user: str, services: frozenset[str], label: str) -> None:
    """SNMP has a community (in password) and no user; every other service needs a user."""
    if "snmp" in services and services != {"snmp"}:
        raise fields.fail(label, "services: snmp (a community string) cannot share a login "
                          "with other services")
    if services == {"snmp"} and user:
        raise fields.fail(label, "user must be empty for snmp (the community is the password)")
    if services != {"snmp"} and not user.strip():
        raise fields.fail(label, "user must not be empty (only snmp logins have no user)")
    if ":" in user:
        raise fields.fail(label, "user must not hold ':' (HTTP Basic cannot send it)")


def _no_repeats(logins: tuple[DefaultLogin, ...], name: str) -> None:
    seen: dict[tuple[str, str], int] = {}
    for index, login in enumerate(logins, 1):
        first = seen.setdefault((login.user, login.password), index)
        if first != index:
            raise fields.fail(f"{name}: login #{index}", f"repeats login #{first}; list the "
                              "services of one login together")
