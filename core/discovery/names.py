"""Reverse DNS for found addresses, asked only of resolvers inside the scanned network, bounded."""

from __future__ import annotations

import contextlib
import ipaddress
import random
import socket
import struct
import time
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from core.cancel import CancelToken
from core.discovery.quiet import Quiet

MAX_LOOKUPS = 512
MAX_NAME = 253
IN_FLIGHT = 32  # queries outstanding at once: a small router's resolver is not flooded
TAIL = 0.5  # seconds without an answer, once every query is sent, that end the lookups
RESOLV_CONFS = (Path("/etc/resolv.conf"), Path("/run/systemd/resolve/resolv.conf"))
_PTR, _IN = 12, 1
RECURSION_DESIRED = 0x0100


def local_resolvers(network: ipaddress.IPv4Network,
                    files: Sequence[Path] = RESOLV_CONFS) -> tuple[tuple[str, int], ...]:
    """The configured DNS resolvers that lie inside `network` (port 53), in file order.

    Anything else (a public resolver, a VPN's, 127.0.0.53 forwarding who knows where) would tell
    an outside party which addresses live on this network, so reverse DNS is then off.
    """
    found: list[tuple[str, int]] = []
    for path in files:
        with contextlib.suppress(OSError, UnicodeDecodeError):
            for line in path.read_text(encoding="utf-8").splitlines():
                words = line.split()
                if len(words) >= 2 and words[0] == "nameserver" and _inside(words[1], network):
                    found.append((words[1], 53))
    return tuple(dict.fromkeys(found))


def reverse_lookup(ips: Iterable[str], deadline: float, cancel: CancelToken,
                   on_name: Callable[[str, str], None],
                   resolvers: Sequence[tuple[str, int]] = (), bind_ip: str = "") -> None:
    """Ask the first of `resolvers` for each address's PTR name; report (ip, name) as found.

    Without a resolver nothing is sent. Gives up TAIL seconds after the last answer once every
    query is sent, at `deadline` (monotonic) or on cancel.
    """
    unique = list(dict.fromkeys(ips))[:MAX_LOOKUPS]
    if not resolvers or not unique:
        return
    server = resolvers[0]
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        if bind_ip:
            sock.bind((bind_ip, 0))
        sock.settimeout(0.05)
        base = random.randrange(0, 0x10000 - MAX_LOOKUPS)
        waiting: dict[int, str] = {}
        unsent = list(enumerate(unique))
        quiet = Quiet(TAIL)
        while (unsent or waiting) and not cancel.cancelled and time.monotonic() < deadline:
            while unsent and len(waiting) < IN_FLIGHT:
                number, ip = unsent.pop(0)
                waiting[base + number] = ip
                with contextlib.suppress(OSError):
                    sock.sendto(ptr_query(ip, base + number), server)
            if _receive(sock, server, waiting, on_name):
                quiet.heard()
            elif not unsent and quiet.is_quiet():
                return


def _receive(sock: socket.socket, server: tuple[str, int], waiting: dict[int, str],
             on_name: Callable[[str, str], None]) -> bool:
    """Read one datagram; True if the resolver answered one of the waiting queries."""
    try:
        data, sender = sock.recvfrom(4096)
    except (TimeoutError, BlockingIOError, OSError):
        return False
    if sender[:2] != server:
        return False
    ident, name = parse_ptr_answer(data)
    ip = waiting.pop(ident, None)
    cleaned = clean_name(name)
    if ip and cleaned and cleaned != ip:
        on_name(ip, cleaned)
    return ip is not None


def ptr_query(ip: str, ident: int, flags: int = RECURSION_DESIRED) -> bytes:
    """A DNS query (recursive by default) for the PTR record of IPv4 `ip`."""
    labels = [*reversed(ip.split(".")), "in-addr", "arpa"]
    qname = b"".join(bytes([len(label)]) + label.encode("ascii") for label in labels) + b"\0"
    return struct.pack("!HHHHHH", ident, flags, 1, 0, 0, 0) + qname + struct.pack("!HH",
                                                                                 _PTR, _IN)


def parse_ptr_answer(data: bytes) -> tuple[int, str]:
    """(query id, first PTR name) from a DNS answer; (-1, "") for anything else."""
    try:
        ident, flags, questions, answers = struct.unpack_from("!HHHH", data)
        if not flags & 0x8000 or flags & 0x000F:
            return ident, ""
        offset = 12
        for _ in range(questions):
            offset = _read_name(data, offset)[1] + 4
        for _ in range(min(answers, 16)):
            offset = _read_name(data, offset)[1]
            rtype, _cls, _ttl, length = struct.unpack_from("!HHIH", data, offset)
            offset += 10
            if rtype == _PTR:
                return ident, _read_name(data, offset)[0]
            offset += length
    except (struct.error, IndexError, ValueError):
        return -1, ""
    return ident, ""


def _read_name(data: bytes, offset: int) -> tuple[str, int]:
    """A (possibly compressed) DNS name at `offset`, and the offset just after it."""
    labels: list[str] = []
    end = -1
    for _ in range(128):  # bounds compression loops
        length = data[offset]
        if length & 0xC0 == 0xC0:
            end = offset + 2 if end < 0 else end
            offset = ((length & 0x3F) << 8) | data[offset + 1]
            continue
        if length == 0:
            return ".".join(labels), (offset + 1 if end < 0 else end)
        labels.append(data[offset + 1: offset + 1 + length].decode("ascii", "replace"))
        offset += 1 + length
    raise ValueError("DNS name too long or looping")


def clean_name(name: str) -> str:
    """A printable, bounded host name without the trailing dot, or "" if it is not one."""
    name = name.strip().rstrip(".")[:MAX_NAME]
    if not name or any(not (ch.isalnum() or ch in "-._") for ch in name):
        return ""
    return name


def _inside(text: str, network: ipaddress.IPv4Network) -> bool:
    try:
        return ipaddress.IPv4Address(text) in network
    except ValueError:
        return False
