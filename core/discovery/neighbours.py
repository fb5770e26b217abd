"""The OS neighbour (ARP) table, read without privileges: Linux, macOS/BSD and Windows parsers."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

from core.models import ArpEntry

LIVE_STATES = {"REACHABLE", "STALE", "DELAY", "PROBE", "PERMANENT"}
_MAC = re.compile(r"([0-9a-fA-F]{1,2}[:-]){5}[0-9a-fA-F]{1,2}")


def read_neighbours(iface: str) -> tuple[ArpEntry, ...]:
    """The OS neighbour table's complete IPv4 entries (only `iface`'s where the OS says)."""
    if sys.platform.startswith("linux"):
        proc_arp = Path("/proc/net/arp")
        if proc_arp.exists():
            return parse_proc_net_arp(proc_arp.read_text(), iface)
        return parse_ip_neigh_json(_run(["ip", "-j", "-4", "neigh", "show", "dev", iface]))
    if sys.platform == "darwin":
        return parse_arp_an(_run(["arp", "-an"]), iface)
    if sys.platform == "win32":
        return parse_windows_arp_a(_run(["arp", "-a"]))
    return parse_arp_an(_run(["arp", "-an"]), iface)


def parse_proc_net_arp(text: str, iface: str) -> tuple[ArpEntry, ...]:
    """Linux /proc/net/arp: flags 0x2 means complete."""
    entries = []
    for line in text.splitlines()[1:]:
        parts = line.split()
        if len(parts) < 6 or parts[5] != iface:
            continue
        flags = int(parts[2], 16) if parts[2].startswith("0x") else 0
        if flags & 0x2 and _valid_mac(parts[3]):
            entries.append(ArpEntry(parts[0], normalise_mac(parts[3])))
    return tuple(entries)


def parse_ip_neigh_json(text: str) -> tuple[ArpEntry, ...]:
    """Linux `ip -j neigh`: entries with a link-layer address in a live state."""
    try:
        data = json.loads(text or "[]")
    except json.JSONDecodeError:
        return ()
    entries = []
    for item in data if isinstance(data, list) else []:
        states = set(item.get("state", [])) if isinstance(item, dict) else set()
        mac = item.get("lladdr", "") if isinstance(item, dict) else ""
        if mac and states & LIVE_STATES and _valid_mac(mac) and ":" not in item.get("dst", ":"):
            entries.append(ArpEntry(str(item["dst"]), normalise_mac(mac)))
    return tuple(entries)


def parse_arp_an(text: str, iface: str = "") -> tuple[ArpEntry, ...]:
    """macOS/BSD `arp -an`: `? (10.0.0.1) at aa:bb:cc:d:e:f on en0 ifscope [ethernet]`."""
    entries = []
    pattern = re.compile(r"\((\d+\.\d+\.\d+\.\d+)\) at (\S+) on (\S+)")
    for line in text.splitlines():
        match = pattern.search(line)
        if not match or (iface and match.group(3) != iface) or not _valid_mac(match.group(2)):
            continue
        entries.append(ArpEntry(match.group(1), normalise_mac(match.group(2))))
    return tuple(entries)


def parse_windows_arp_a(text: str) -> tuple[ArpEntry, ...]:
    """Windows `arp -a`: `  10.0.0.1   aa-bb-cc-dd-ee-ff   dynamic` (static broadcasts dropped)."""
    entries = []
    for line in text.splitlines():
        parts = line.split()
        if len(parts) < 3 or not re.fullmatch(r"\d+\.\d+\.\d+\.\d+", parts[0]):
            continue
        if parts[2].lower() not in ("dynamic", "dynamisch", "dynamique") or \
                not _valid_mac(parts[1]):
            continue
        entries.append(ArpEntry(parts[0], normalise_mac(parts[1])))
    return tuple(entries)


def normalise_mac(mac: str) -> str:
    """Lower-case, colon-separated, two digits per octet (`0:1a:2b:...` -> `00:1a:2b:...`)."""
    return ":".join(f"{int(part, 16):02x}" for part in re.split(r"[:-]", mac.strip()))


def _valid_mac(mac: str) -> bool:
    if not _MAC.fullmatch(mac.strip()):
        return False
    octets = [int(p, 16) for p in re.split(r"[:-]", mac.strip())]
    return any(octets) and not all(o == 0xFF for o in octets) and not octets[0] & 0x01


def _run(argv: list[str]) -> str:
    try:
        return subprocess.run(argv, capture_output=True, text=True, timeout=5).stdout
    except (OSError, subprocess.TimeoutExpired):
        return ""
