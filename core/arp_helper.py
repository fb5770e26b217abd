"""`iot-hygiene-arp-helper`: the deep (raw ARP) sweep as its own small, privileged program."""

# This is the only code of IoT Hygiene that imports scapy (GPL-2.0-only: a separate program that
# the app talks to over a pipe) and the only code that ever runs with a privilege: on Linux the
# right to open a raw packet socket (CAP_NET_RAW, given to this file by the .deb for members of the
# `iot-hygiene` group, or root through pkexec). The app itself never needs root.
#
# It does one thing: ARP-request every address of one directly attached IPv4 network on one
# interface and print each reply. Usage, and nothing else is accepted:
#
#     iot-hygiene-arp-helper --check
#     iot-hygiene-arp-helper INTERFACE NETWORK [--seconds N]
#
# INTERFACE must be an existing Ethernet interface with an IPv4 address; NETWORK (like
# 192.168.1.0/24, host bits zero) must lie inside that interface's own network and be no larger
# than a /16 (the project's limit, core.discovery.netif.LARGEST_PREFIX). The helper reads the
# interface's address and MAC from the kernel itself, never from the caller. Once the raw socket is
# open it drops every privilege, then sends. Output is JSON, one object per line, on stdout:
#
#     {"event": "start", "interface": ..., "network": ..., "ip": ..., "mac": ...}
#     {"event": "host", "ip": "192.168.1.20", "mac": "aa:bb:cc:dd:ee:ff"}
#     {"event": "done", "hosts": 7, "seconds": 1.9}
#     {"event": "error", "kind": "usage|privilege|interface", "message": ...}
#     {"event": "check", "permitted": true, "why": ...}            (--check)
#
# Exit codes: 0 done, 2 refused arguments, 3 no privilege, 4 interface problem.
# Only the standard library is imported before the arguments are validated.

from __future__ import annotations

import ipaddress
import json
import os
import re
import select
import socket
import struct
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

MAX_PREFIX = 16  # the largest network a sweep may cover (a /16), as core.discovery.netif
MAX_SECONDS = 600.0
DEFAULT_SECONDS = 30.0
ROUNDS = 3  # one sweep plus two retries for the addresses that stayed silent
ROUND_QUIET = 0.1  # a round's listening ends once no reply came for this long...
ROUND_WAIT = 0.3  # ...or after this long at most
MIN_LISTEN = 0.5  # replies are awaited at least this long after the first round (as arp-scan)
FINAL_QUIET = 0.2  # after the last round, listening ends once no reply came for this long...
FINAL_WAIT = 0.4  # ...or after this long at most
BATCH = 64
BATCH_GAP = 0.002
EXIT_USAGE, EXIT_PRIVILEGE, EXIT_INTERFACE = 2, 3, 4
_ETH_P_ARP = 0x0806
_IFACE_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.\-]{0,14}")  # Linux IFNAMSIZ - 1
_NETWORK_RE = re.compile(r"(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})/(\d{1,2})")
_SECONDS_RE = re.compile(r"\d{1,3}(\.\d{1,3})?")
_SIOCGIFADDR, _SIOCGIFNETMASK = 0x8915, 0x891B


class Refused(Exception):
    """The arguments or the interface are not acceptable; `code` is the exit status."""

    def __init__(self, kind: str, message: str, code: int) -> None:
        super().__init__(message)
        self.kind, self.message, self.code = kind, message, code


@dataclass(frozen=True)
class Request:
    interface: str
    network: ipaddress.IPv4Network
    seconds: float


@dataclass(frozen=True)
class Attached:
    """What the kernel says about the interface (never what the caller says)."""

    ip: str
    network: ipaddress.IPv4Network
    mac: str


# -- argument validation (no privilege used, nothing sent) ------------------------------------
def parse_args(argv: Sequence[str]) -> Request | None:
    """The request in `argv`, None for --check; Refused for anything else."""
    args = list(argv)
    if args == ["--check"]:
        return None
    seconds = DEFAULT_SECONDS
    if len(args) == 4 and args[2] == "--seconds":
        seconds = _seconds(args[3])
        args = args[:2]
    if len(args) != 2:
        raise Refused("usage", "usage: iot-hygiene-arp-helper --check | "
                      "INTERFACE NETWORK [--seconds N]", EXIT_USAGE)
    return Request(_interface_name(args[0]), _network(args[1]), seconds)


def _interface_name(text: str) -> str:
    if not text.isascii() or not _IFACE_RE.fullmatch(text) or text in (".", ".."):
        raise Refused("usage", f"not an interface name: {text[:40]!r}", EXIT_USAGE)
    return text


def _network(text: str) -> ipaddress.IPv4Network:
    match = _NETWORK_RE.fullmatch(text) if text.isascii() else None
    if not match or any(len(part) > 1 and part.startswith("0") for part in match.groups()[:4]):
        raise Refused("usage", f"not an IPv4 network like 192.168.1.0/24: {text[:40]!r}",
                      EXIT_USAGE)
    try:
        network = ipaddress.IPv4Network(text, strict=True)
    except ValueError as error:
        raise Refused("usage", f"not an IPv4 network ({error})", EXIT_USAGE) from error
    if network.prefixlen < MAX_PREFIX or network.prefixlen > 30:
        raise Refused("usage", f"{network} must be between a /{MAX_PREFIX} and a /30",
                      EXIT_USAGE)
    if (network.is_loopback or network.is_multicast or network.is_reserved
            or network.is_link_local or network.is_unspecified):
        raise Refused("usage", f"{network} is not a LAN that can be swept", EXIT_USAGE)
    return network


def _seconds(text: str) -> float:
    if not text.isascii() or not _SECONDS_RE.fullmatch(text):
        raise Refused("usage", f"not a number of seconds: {text[:20]!r}", EXIT_USAGE)
    value = float(text)
    if not 0.5 <= value <= MAX_SECONDS:
        raise Refused("usage", f"--seconds must be between 0.5 and {MAX_SECONDS:.0f}",
                      EXIT_USAGE)
    return value


def check_attached(request: Request, attached: Attached) -> None:
    """Refused unless the requested network lies inside the interface's own network."""
    if not request.network.subnet_of(attached.network):
        raise Refused("interface", f"{request.network} is not directly attached to "
                      f"{request.interface} ({attached.network})", EXIT_INTERFACE)


# -- what the kernel says about the interface -------------------------------------------------
def read_attached(name: str, sys_net: Path = Path("/sys/class/net")) -> Attached:
    """The interface's IPv4 address, network and MAC, from the kernel (Linux)."""
    folder = sys_net / name
    try:
        kind = (folder / "type").read_text().strip()
        mac = (folder / "address").read_text().strip().lower()
    except OSError as error:
        raise Refused("interface", f"no interface {name}", EXIT_INTERFACE) from error
    if kind != "1" or not re.fullmatch(r"([0-9a-f]{2}:){5}[0-9a-f]{2}", mac):
        raise Refused("interface", f"{name} is not an Ethernet interface", EXIT_INTERFACE)
    import fcntl

    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        packed = struct.pack("256s", name.encode("ascii"))
        try:
            ip = socket.inet_ntoa(fcntl.ioctl(probe.fileno(), _SIOCGIFADDR, packed)[20:24])
            mask = socket.inet_ntoa(fcntl.ioctl(probe.fileno(), _SIOCGIFNETMASK, packed)[20:24])
        except OSError as error:
            raise Refused("interface", f"{name} has no IPv4 address", EXIT_INTERFACE) from error
    return Attached(ip, ipaddress.IPv4Network(f"{ip}/{mask}", strict=False), mac)


# -- privilege ---------------------------------------------------------------------------------
def raw_permitted() -> tuple[bool, str]:
    """Whether this process may open a raw packet socket, and why (plain words)."""
    if not sys.platform.startswith("linux"):
        return False, "the deep-scan helper runs on Linux only"
    try:
        probe = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(_ETH_P_ARP))
    except PermissionError:
        return False, "the deep-scan helper is not running as root and has no CAP_NET_RAW"
    except OSError as error:
        return False, f"raw sockets unavailable ({error.strerror})"
    probe.close()
    return True, "raw sockets permitted to the deep-scan helper (root or CAP_NET_RAW)"


def drop_privileges() -> None:
    """Give up every capability (and root, if started as root) once the socket is open."""
    if os.geteuid() == 0:
        os.setgroups([])
        os.setgid(65534)
        os.setuid(65534)  # nobody; also clears the capability sets of a root process
        return
    import ctypes

    libc = ctypes.CDLL(None, use_errno=True)
    header = struct.pack("Ii", 0x20080522, 0)  # _LINUX_CAPABILITY_VERSION_3, this process
    data = bytes(24)  # two empty {effective, permitted, inheritable} sets
    if libc.capset(ctypes.c_char_p(header), ctypes.c_char_p(data)) != 0:
        raise OSError(ctypes.get_errno(), "capset failed")
    status = Path("/proc/self/status").read_text()
    if any(line.split()[1].strip("0") for line in status.splitlines()
           if line.startswith(("CapEff:", "CapPrm:"))):
        raise OSError("capabilities still held after capset")


def _clean_environment() -> None:
    """Nothing from the caller's environment reaches the libraries imported from here on."""
    os.environ.clear()
    os.environ["PATH"] = "/usr/sbin:/usr/bin:/sbin:/bin"
    os.umask(0o077)


# -- the sweep ---------------------------------------------------------------------------------
def sweep(sock: Any, attached: Attached, network: ipaddress.IPv4Network, deadline: float,
          on_host: Callable[[str, str], None]) -> int:
    """ARP-request every address of `network`, retrying the silent ones; replies to on_host."""
    from scapy.layers.l2 import ARP, Ether

    targets = [str(ip) for ip in network.hosts() if str(ip) != attached.ip]
    template = Ether(dst="ff:ff:ff:ff:ff:ff", src=attached.mac) / ARP(
        op=1, hwsrc=attached.mac, psrc=attached.ip, pdst="0.0.0.0")
    prefix = bytes(template)[:-4]  # 42-byte frame; the last 4 bytes are the target address
    found: dict[str, str] = {}

    def heard(ip: str, mac: str) -> None:
        if mac == attached.mac or ip == attached.ip:
            return  # this machine's own replies to others, seen going out on the socket
        if ip not in found and ipaddress.IPv4Address(ip) in network:
            found[ip] = mac
            on_host(ip, mac)

    first_round = time.monotonic()
    for round_no in range(ROUNDS):
        pending = [ip for ip in targets if ip not in found]
        if not pending or time.monotonic() >= deadline:
            break
        for count, ip in enumerate(pending, start=1):
            try:
                sock.outs.send(prefix + socket.inet_aton(ip))
            except OSError:
                continue
            if count % BATCH == 0:
                _listen(sock, min(deadline, time.monotonic() + BATCH_GAP), heard)
        if round_no < ROUNDS - 1:
            _listen(sock, min(deadline, time.monotonic() + ROUND_WAIT), heard, ROUND_QUIET)
    _listen(sock, min(deadline, first_round + MIN_LISTEN), heard)
    _listen(sock, min(deadline, time.monotonic() + FINAL_WAIT), heard, FINAL_QUIET)
    return len(found)


def _listen(sock: Any, until: float, heard: Callable[[str, str], None],
            quiet: float | None = None) -> None:
    """Hand each ARP reply to `heard` until `until`, or once none came for `quiet` seconds."""
    last = time.monotonic()
    while (left := until - time.monotonic()) > 0:
        if quiet is not None and time.monotonic() - last >= quiet:
            return
        ready, _, _ = select.select([sock.ins], [], [], min(left, 0.05))
        if not ready:
            continue
        try:
            frame = sock.ins.recv(2048)
        except OSError:
            continue
        reply = parse_arp_reply(frame)
        if reply:
            heard(*reply)
            last = time.monotonic()


def parse_arp_reply(frame: bytes) -> tuple[str, str] | None:
    """(ip, mac) of the sender of an Ethernet ARP reply frame, or None for anything else."""
    if len(frame) < 42 or frame[12:14] != b"\x08\x06" or frame[20:22] != b"\x00\x02":
        return None
    mac = ":".join(f"{b:02x}" for b in frame[22:28])
    ip = socket.inet_ntoa(frame[28:32])
    if frame[22] & 0x01 or mac == "00:00:00:00:00:00":
        return None
    return ip, mac


# -- the program -------------------------------------------------------------------------------
def _say(**event: object) -> None:
    sys.stdout.write(json.dumps(event, separators=(",", ":")) + "\n")
    sys.stdout.flush()


def main(argv: Sequence[str] | None = None) -> int:
    started = time.monotonic()
    try:
        request = parse_args(sys.argv[1:] if argv is None else argv)
        if request is None:
            permitted, why = raw_permitted()
            _say(event="check", permitted=permitted, why=why)
            return 0
        attached = read_attached(request.interface)
        check_attached(request, attached)
        permitted, why = raw_permitted()
        if not permitted:
            raise Refused("privilege", why, EXIT_PRIVILEGE)
        _clean_environment()
        from scapy.config import conf  # the only scapy imports of the project
        from scapy.layers import l2  # noqa: F401  (loads scapy.arch, which sets conf.L2socket)

        try:
            sock = conf.L2socket(iface=request.interface, promisc=False)
        except PermissionError as error:
            raise Refused("privilege", "no CAP_NET_RAW", EXIT_PRIVILEGE) from error
        drop_privileges()
        _say(event="start", interface=request.interface, network=str(request.network),
             ip=attached.ip, mac=attached.mac)
        try:
            count = sweep(sock, attached, request.network, started + request.seconds,
                          lambda ip, mac: _say(event="host", ip=ip, mac=mac))
        finally:
            sock.close()
        _say(event="done", hosts=count, seconds=round(time.monotonic() - started, 3))
        return 0
    except Refused as refused:
        _say(event="error", kind=refused.kind, message=refused.message)
        return refused.code
    except BrokenPipeError:  # the app stopped listening (cancelled): stop quietly
        return 0


if __name__ == "__main__":
    sys.exit(main())
