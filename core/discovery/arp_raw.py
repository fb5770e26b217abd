"""Privileged ARP: a scapy broadcast ARP sweep with retries (root or CAP_NET_RAW needed)."""

from __future__ import annotations

import ipaddress
import os
import select
import socket
import sys
import time
from collections.abc import Callable
from typing import Any

from core.cancel import CancelToken
from core.errors import NeedsPrivilegesError
from core.models import ArpEntry

ROUNDS = 3  # one sweep plus two retries for the addresses that stayed silent
ROUND_WAIT = 0.3  # seconds listening after each round
FINAL_WAIT = 0.4  # extra listening after the last round
BATCH = 64
BATCH_GAP = 0.002
_ETH_P_ARP = 0x0806


def raw_permitted() -> tuple[bool, str]:
    """Whether this process may send raw frames, and why (plain words)."""
    if sys.platform.startswith("linux"):
        try:
            probe = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(_ETH_P_ARP))
        except PermissionError:
            return False, "not running as root and without CAP_NET_RAW"
        except OSError as error:
            return False, f"raw sockets unavailable ({error.strerror})"
        probe.close()
        return True, "raw sockets permitted (root or CAP_NET_RAW)"
    if sys.platform == "win32":
        return False, "raw ARP on Windows needs Npcap; using the system's ARP table"
    if os.geteuid() == 0:
        return True, "running as root"
    return False, "not running as root"


def time_needed(network: ipaddress.IPv4Network) -> float:
    """Seconds a raw sweep of `network` typically needs, scapy's import included."""
    sending = ROUNDS * network.num_addresses / BATCH * (BATCH_GAP + 0.002)
    return 0.5 + ROUNDS * ROUND_WAIT + FINAL_WAIT + sending


def raw_arp_scan(network: ipaddress.IPv4Network, iface: str, own_ip: str, own_mac: str,
                 cancel: CancelToken, on_entry: Callable[[ArpEntry], None] | None = None,
                 deadline: float | None = None) -> tuple[ArpEntry, ...]:
    """ARP-request every address of `network` on `iface`, retrying the silent ones."""
    from scapy.config import conf  # lazy: scapy costs ~0.35 s to import
    from scapy.layers.l2 import ARP, Ether

    try:
        sock = conf.L2socket(iface=iface, promisc=False)
    except PermissionError as error:
        raise NeedsPrivilegesError(
            "Raw ARP needs administrator rights (root or CAP_NET_RAW).",
            "Run as administrator, or use the standard mode (--mode kernel).") from error
    targets = [str(ip) for ip in network.hosts() if str(ip) != own_ip]
    template = Ether(dst="ff:ff:ff:ff:ff:ff", src=own_mac) / ARP(
        op=1, hwsrc=own_mac, psrc=own_ip, pdst="0.0.0.0")
    prefix = bytes(template)[:-4]  # 42-byte frame; the last 4 bytes are the target address
    found: dict[str, ArpEntry] = {}
    try:
        for round_no in range(ROUNDS):
            pending = [ip for ip in targets if ip not in found]
            if not pending or cancel.cancelled:
                break
            _send(sock, prefix, pending, cancel, found, network, on_entry)
            wait = FINAL_WAIT if round_no == ROUNDS - 1 else ROUND_WAIT
            _listen(sock, time.monotonic() + wait, deadline, cancel, found, network, on_entry)
    finally:
        sock.close()
    return tuple(found.values())


def _send(sock: Any, prefix: bytes, targets: list[str], cancel: CancelToken,
          found: dict[str, ArpEntry], network: ipaddress.IPv4Network,
          on_entry: Callable[[ArpEntry], None] | None) -> None:
    for count, ip in enumerate(targets, start=1):
        try:
            sock.outs.send(prefix + socket.inet_aton(ip))
        except OSError:
            continue
        if count % BATCH == 0:
            _listen(sock, time.monotonic() + BATCH_GAP, None, cancel, found, network, on_entry)


def _listen(sock: Any, until: float, deadline: float | None, cancel: CancelToken,
            found: dict[str, ArpEntry], network: ipaddress.IPv4Network,
            on_entry: Callable[[ArpEntry], None] | None) -> None:
    end = until if deadline is None else min(until, deadline)
    while not cancel.cancelled:
        left = end - time.monotonic()
        if left <= 0:
            return
        ready, _, _ = select.select([sock.ins], [], [], min(left, 0.05))
        if not ready:
            continue
        try:
            frame = sock.ins.recv(2048)
        except OSError:
            continue
        entry = parse_arp_reply(frame)
        if entry and entry.ip not in found and ipaddress.IPv4Address(entry.ip) in network:
            found[entry.ip] = entry
            if on_entry:
                on_entry(entry)


def parse_arp_reply(frame: bytes) -> ArpEntry | None:
    """The sender of an Ethernet ARP reply frame, or None for anything else."""
    if len(frame) < 42 or frame[12:14] != b"\x08\x06" or frame[20:22] != b"\x00\x02":
        return None
    mac = ":".join(f"{b:02x}" for b in frame[22:28])
    ip = socket.inet_ntoa(frame[28:32])
    if frame[22] & 0x01 or mac == "00:00:00:00:00:00":
        return None
    return ArpEntry(ip, mac)
