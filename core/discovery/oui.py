"""Vendor from a MAC address via netaddr's bundled IEEE registry, shortened to a friendly name."""

from __future__ import annotations

import functools
import re
from pathlib import Path

from core.datafiles import fields
from core.paths import resource

MAX_VENDOR_LEN = 60
VENDORS = "vendors.toml"
_SUFFIX = re.compile(r"[\w .,&-]+")
VendorTable = tuple[tuple[tuple[str, str], ...], tuple[str, ...]]


def is_random_mac(mac: str) -> bool:
    """True for a locally administered (private/random) address: bit 1 of the first octet set."""
    try:
        return bool(int(mac.split(":")[0], 16) & 0x02)
    except ValueError:
        return False


def registry_org(mac: str) -> str:
    """The IEEE registry's organisation for `mac`, or "" (unknown, random or malformed)."""
    if is_random_mac(mac):
        return ""
    return _lookup(mac.lower()[:8])


def vendor_for_mac(mac: str) -> str:
    """A short friendly vendor name ("Hikvision"), or "" when unknown or random."""
    return friendly_vendor(registry_org(mac))


def friendly_vendor(org: str) -> str:
    """Shorten a registry organisation name: alias table first, then strip legal suffixes."""
    org = " ".join(org.split())[:MAX_VENDOR_LEN * 2]
    if not org:
        return ""
    aliases, suffixes = _vendor_table()
    lowered = org.lower()
    for needle, friendly in aliases:
        if needle in lowered:
            return friendly
    name = org
    changed = True
    while changed:
        changed = False
        for suffix in suffixes:
            if name.lower().endswith(suffix) and len(name) > len(suffix) and \
                    (not suffix[0].isalpha() or not name[-len(suffix) - 1].isalnum()):
                name = name[: -len(suffix)].rstrip(" ,.&")
                changed = True
    return (name or org)[:MAX_VENDOR_LEN]


@functools.lru_cache(maxsize=4096)
def _lookup(prefix: str) -> str:
    import netaddr  # lazy: loads the registry index on first use

    try:
        return str(netaddr.EUI(prefix + ":00:00:00").oui.registration().org).strip()
    except (netaddr.NotRegisteredError, netaddr.AddrFormatError, ValueError, IndexError):
        return ""


@functools.cache
def _vendor_table() -> VendorTable:
    return read_vendor_table(resource(VENDORS))


def read_vendor_table(path: Path) -> VendorTable:
    """The aliases and legal suffixes in vendors.toml; DataFileError naming the key at fault."""
    data = fields.table(fields.read_toml(path, VENDORS), VENDORS, ("aliases", "suffixes"))
    aliases = data["aliases"]
    if not isinstance(aliases, dict):
        raise fields.fail(VENDORS, "aliases must map registry words to friendly names")
    friendly = tuple((k.lower(), fields.text(aliases, k, f"{VENDORS}: aliases")) for k in aliases)
    label = f"{VENDORS}: suffixes"
    strip = fields.strings(fields.table(data["suffixes"], label, ("strip",)), "strip", label)
    odd = [suffix for suffix in strip if not _SUFFIX.fullmatch(suffix)]
    if odd:
        raise fields.fail(label, f"strip {odd}: only letters, digits, spaces and .,&- allowed")
    suffixes = tuple(sorted((s.lower() for s in strip), key=len, reverse=True))
    return friendly, suffixes
