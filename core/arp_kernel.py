"""Unprivileged ARP: a paced UDP sweep makes the OS resolve hosts; then read its neighbour table."""

from __future__ import annotations

import contextlib
import ipaddress
import json
import re
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterable
from pathlib import Path

from core import arp_stale
from core.cancel import CancelToken
from core.models import ArpEntry

SWEEP_PORT = 9  # discard: nobody should answer, the datagram only triggers ARP
CHUNK = 512  # addresses per sweep round: stays well inside the kernel's neighbour table
BATCH = 32  # datagrams per burst (and per socket)
BATCH_GAP = 0.005  # seconds between bursts, so the switch and the kernel keep up
SETTLE = 0.35  # stop waiting once the table has not grown for this long...
MIN_WAIT = 0.6  # ...but wait at least this long after the last datagram
MAX_WAIT = 1.5  # and never longer than this
POLL = 0.05
LIVE_STATES = {"REACHABLE", "STALE", "DELAY", "PROBE", "PERMANENT"}
_MAC = re.compile(r"([0-9a-fA-F]{1,2}[:-]){5}[0-9a-fA-F]{1,2}")


def kernel_arp_scan(network: ipaddress.IPv4Network, iface: str, own_ip: str,
                    cancel: CancelToken, on_entry: Callable[[ArpEntry], None] | None = None,
                    deadline: float | None = None) -> tuple[ArpEntry, ...]:
    """Sweep `network` with one datagram per address, then collect resolved neighbours."""
    targets = [str(ip) for ip in _hosts(network) if str(ip) != own_ip]
    suspects = arp_stale.stale_suspects(iface) & set(targets)
    confirmed: set[str] = set()
    checker = threading.Thread(target=lambda: confirmed.update(
        arp_stale.tcp_alive(suspects, cancel)), name="arp-stale-check")
    checker.start()
    found: dict[str, ArpEntry] = {}
    try:
        for first in range(0, len(targets), CHUNK):
            sweep(targets[first:first + CHUNK], own_ip, cancel)
            for entry in collect(network, iface, cancel, on_entry, deadline, known=found,
                                 skip=suspects):
                found[entry.ip] = entry
            if cancel.cancelled or (deadline is not None and time.monotonic() >= deadline):
                break
    finally:
        checker.join()
    for entry in read_neighbours(iface):  # old entries that proved alive
        if entry.ip in confirmed and entry.ip not in found:
            found[entry.ip] = entry
            if on_entry:
                on_entry(entry)
    return tuple(found.values())


def time_needed(network: ipaddress.IPv4Network) -> float:
    """Seconds a sweep of `network` typically needs (a /24: under 1 s; a /16: about a minute)."""
    chunks = -(-network.num_addresses // CHUNK)
    return chunks * (MIN_WAIT + 0.2) + 0.5


def sweep(targets: Iterable[str], own_ip: str, cancel: CancelToken) -> None:
    """Send one tiny UDP datagram to each target, in paced bursts; errors per address ignored.

    Datagrams to a not-yet-resolved address wait in the kernel until ARP answers or gives up
    (~3 s), still charged to the sending socket's buffer; so each burst gets a fresh socket.
    """
    batch: list[str] = []
    for ip in targets:
        batch.append(ip)
        if len(batch) == BATCH:
            _send_batch(batch, own_ip)
            batch = []
            if cancel.wait(BATCH_GAP):
                return
    if batch:
        _send_batch(batch, own_ip)


def _send_batch(batch: list[str], own_ip: str) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.setblocking(False)
        with contextlib.suppress(OSError):  # unbound still works: the route picks the interface
            sock.bind((own_ip, 0))
        for ip in batch:
            with contextlib.suppress(OSError):  # unreachable etc.: the table tells the truth
                sock.sendto(b"\0", (ip, SWEEP_PORT))


def collect(network: ipaddress.IPv4Network, iface: str, cancel: CancelToken,
            on_entry: Callable[[ArpEntry], None] | None = None,
            deadline: float | None = None,
            known: dict[str, ArpEntry] | None = None,
            skip: set[str] | None = None) -> tuple[ArpEntry, ...]:
    """Poll the neighbour table until it settles (bounded), reporting each new entry once."""
    start = time.monotonic()
    end = start + MAX_WAIT if deadline is None else min(start + MAX_WAIT, deadline)
    seen: dict[str, ArpEntry] = dict(known or {})
    last_growth = start
    while True:
        for entry in read_neighbours(iface):
            if entry.ip in seen or (skip and entry.ip in skip):
                continue
            if ipaddress.IPv4Address(entry.ip) in network:
                seen[entry.ip] = entry
                last_growth = time.monotonic()
                if on_entry:
                    on_entry(entry)
        now = time.monotonic()
        settled = now - start >= MIN_WAIT and now - last_growth >= SETTLE
        if settled or now >= end or cancel.wait(POLL):
            return tuple(seen.values())


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


def _hosts(network: ipaddress.IPv4Network) -> Iterable[ipaddress.IPv4Address]:
    return network.hosts() if network.prefixlen < 31 else iter(network)


def _run(argv: list[str]) -> str:
    try:
        return subprocess.run(argv, capture_output=True, text=True, timeout=5).stdout
    except (OSError, subprocess.TimeoutExpired):
        return ""
