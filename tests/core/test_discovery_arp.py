"""ARP parsers (recorded Linux, macOS and Windows output), raw reply frames and mode choice."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from core.cancel import CancelToken
from core.discovery import arp_raw, arp_stale, neighbours
from core.discovery import run as discovery
from core.errors import KnownError, NeedsPrivilegesError
from core.models import ArpEntry, ArpMode

ROOT = Path(__file__).resolve().parents[2]

PROC_NET_ARP = """IP address       HW type     Flags       HW address            Mask     Device
10.231.0.10      0x1         0x2         3c:d9:2b:10:00:10     *        eth0
10.231.0.99      0x1         0x0         00:00:00:00:00:00     *        eth0
10.231.0.16      0x1         0x2         00:14:22:10:00:16     *        eth0
192.168.7.1      0x1         0x2         50:c7:bf:aa:bb:cc     *        wlan0
10.231.0.77      0x1         0x6         00:11:32:00:00:77     *        eth0
"""

IP_NEIGH = json.dumps([
    {"dst": "10.231.0.10", "dev": "eth0", "lladdr": "3c:d9:2b:10:00:10", "state": ["REACHABLE"]},
    {"dst": "10.231.0.11", "dev": "eth0", "lladdr": "c0:56:e3:10:00:11", "state": ["STALE"]},
    {"dst": "10.231.0.98", "dev": "eth0", "state": ["FAILED"]},
    {"dst": "10.231.0.97", "dev": "eth0", "lladdr": "00:11:22:33:44:55", "state": ["FAILED"]},
    {"dst": "fe80::1", "dev": "eth0", "lladdr": "00:11:22:33:44:66", "state": ["STALE"]},
])

MACOS_ARP_AN = """? (192.168.178.1) at 3c:a6:2f:1:2:3 on en0 ifscope [ethernet]
? (192.168.178.23) at (incomplete) on en0 ifscope [ethernet]
? (192.168.178.40) at 0:14:22:a:b:c on en0 ifscope permanent [ethernet]
? (192.168.178.255) at ff:ff:ff:ff:ff:ff on en0 ifscope [ethernet]
? (224.0.0.251) at 1:0:5e:0:0:fb on en0 ifscope permanent [ethernet]
? (10.0.0.5) at 00:11:32:00:00:05 on en7 ifscope [ethernet]
"""

WINDOWS_ARP_A = """
Interface: 192.168.1.23 --- 0x7
  Internet Address      Physical Address      Type
  192.168.1.1           50-c7-bf-aa-bb-cc     dynamic
  192.168.1.10          3c-d9-2b-10-00-10     dynamic
  192.168.1.255         ff-ff-ff-ff-ff-ff     static
  224.0.0.22            01-00-5e-00-00-16     static
  239.255.255.250       01-00-5e-7f-ff-fa     static
"""


def test_proc_net_arp_keeps_complete_entries_of_the_interface() -> None:
    entries = neighbours.parse_proc_net_arp(PROC_NET_ARP, "eth0")
    assert entries == (ArpEntry("10.231.0.10", "3c:d9:2b:10:00:10"),
                       ArpEntry("10.231.0.16", "00:14:22:10:00:16"),
                       ArpEntry("10.231.0.77", "00:11:32:00:00:77"))


def test_ip_neigh_json_keeps_live_states_only() -> None:
    entries = neighbours.parse_ip_neigh_json(IP_NEIGH)
    assert [e.ip for e in entries] == ["10.231.0.10", "10.231.0.11"]
    assert neighbours.parse_ip_neigh_json("garbage") == ()


def test_macos_arp_an_normalises_short_octets_and_drops_broadcast_and_multicast() -> None:
    entries = neighbours.parse_arp_an(MACOS_ARP_AN, "en0")
    assert entries == (ArpEntry("192.168.178.1", "3c:a6:2f:01:02:03"),
                       ArpEntry("192.168.178.40", "00:14:22:0a:0b:0c"))


def test_windows_arp_a_keeps_dynamic_unicast_entries() -> None:
    entries = neighbours.parse_windows_arp_a(WINDOWS_ARP_A)
    assert entries == (ArpEntry("192.168.1.1", "50:c7:bf:aa:bb:cc"),
                       ArpEntry("192.168.1.10", "3c:d9:2b:10:00:10"))


def test_linux_neighbour_table_is_readable_without_privileges() -> None:
    for entry in neighbours.read_neighbours("lo"):
        assert entry.mac.count(":") == 5


def _arp_frame(op: int, sender_mac: bytes, sender_ip: str) -> bytes:
    return (b"\xff" * 6 + sender_mac + b"\x08\x06" + b"\x00\x01\x08\x00\x06\x04"
            + op.to_bytes(2, "big") + sender_mac + socket.inet_aton(sender_ip)
            + b"\x00" * 6 + socket.inet_aton("10.0.0.2"))


def test_raw_reply_frames_are_parsed_and_requests_ignored() -> None:
    mac = bytes.fromhex("3cd92b100010")
    assert arp_raw.parse_arp_reply(_arp_frame(2, mac, "10.0.0.10")) == \
        ArpEntry("10.0.0.10", "3c:d9:2b:10:00:10")
    assert arp_raw.parse_arp_reply(_arp_frame(1, mac, "10.0.0.10")) is None
    assert arp_raw.parse_arp_reply(b"\x00" * 20) is None
    assert arp_raw.parse_arp_reply(_arp_frame(2, b"\x01" * 6, "10.0.0.10")) is None


def test_kernel_mode_never_needs_privileges() -> None:
    assert discovery.choose_mode("kernel")[0] is ArpMode.KERNEL


def test_auto_mode_follows_the_privilege_and_says_why() -> None:
    mode, reason = discovery.choose_mode("auto")
    permitted, why = arp_raw.raw_permitted()
    assert mode is (ArpMode.RAW if permitted else ArpMode.KERNEL)
    assert why in reason


def test_raw_mode_without_privileges_is_a_typed_error() -> None:
    if os.geteuid() != 0:
        with pytest.raises(NeedsPrivilegesError, match="administrator rights"):
            discovery.choose_mode("raw")
        return
    # As root, ask again as `nobody` with every capability dropped (opens no socket to send).
    code = ("from core.discovery import run as discovery\n"
            "from core.errors import NeedsPrivilegesError\n"
            "try:\n    discovery.choose_mode('raw')\n"
            "except NeedsPrivilegesError as e:\n    print('typed:', e.message)\n")
    proc = subprocess.run(["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
                           "--inh-caps=-all", "--bounding-set=-all", sys.executable, "-c", code],
                          capture_output=True, text=True, timeout=60, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr
    assert "typed:" in proc.stdout and "administrator rights" in proc.stdout


def test_unknown_mode_is_a_known_error() -> None:
    with pytest.raises(KnownError):
        discovery.choose_mode("turbo")


NEIGH_STATS = json.dumps([
    {"dst": "10.0.0.1", "lladdr": "50:c7:bf:00:00:01", "confirmed": 3, "state": ["REACHABLE"]},
    {"dst": "10.0.0.2", "lladdr": "50:c7:bf:00:00:02", "confirmed": 12, "state": ["STALE"]},
    {"dst": "10.0.0.3", "lladdr": "50:c7:bf:00:00:03", "confirmed": 3600, "state": ["STALE"]},
    {"dst": "10.0.0.4", "lladdr": "50:c7:bf:00:00:04", "confirmed": 90, "state": ["DELAY"]},
    {"dst": "10.0.0.5", "lladdr": "50:c7:bf:00:00:05", "confirmed": 9999, "state": ["PERMANENT"]},
    {"dst": "10.0.0.6", "confirmed": 9999, "state": ["FAILED"]},
    {"dst": "10.0.0.7", "state": ["INCOMPLETE"]},
])


def test_entries_confirmed_long_ago_are_suspects() -> None:
    assert arp_stale.parse_suspects(NEIGH_STATS) == {"10.0.0.3", "10.0.0.4"}
    assert arp_stale.parse_suspects("nonsense") == set()


def test_addresses_still_being_resolved_are_pending() -> None:
    # a datagram to one of these starts no new ARP request: the scan waits for the kernel's
    assert arp_stale.parse_pending(NEIGH_STATS) == {"10.0.0.7"}
    assert arp_stale.parse_pending("[1, null]") == set()


def test_tcp_check_counts_a_refusal_as_alive() -> None:
    # Loopback refuses (or accepts) on the check ports: either way the host is up.
    assert arp_stale.tcp_alive({"127.0.0.1"}, CancelToken()) == {"127.0.0.1"}
