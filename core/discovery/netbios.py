"""NetBIOS node status (UDP 137, unicast to each live address): computer name and workgroup."""

from __future__ import annotations

import contextlib
import queue
import socket
import struct
import threading
import time
from collections.abc import Callable, Sequence

from core.cancel import CancelToken
from core.discovery.quiet import Quiet
from core.models import NetbiosInfo
from core.text import clean_text

NBNS_PORT = 137
MAX_TARGETS = 1024  # addresses asked per scan
SEND_GAP = 0.002  # seconds between queries: a /22 is asked in about 2 s, gently
MAX_NAMES = 32
TAIL = 0.4  # seconds without an answer, after the last query, that end the wait
_STAR = b" CKAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\x00"  # "*" encoded (first-level), length-prefixed
_GROUP = 0x8000


def status_request(transaction: int) -> bytes:
    """A node status (NBSTAT) request for the wildcard name."""
    header = struct.pack(">HHHHHH", transaction & 0xFFFF, 0x0000, 1, 0, 0, 0)
    return header + _STAR + struct.pack(">HH", 0x0021, 0x0001)


def parse_status(data: bytes) -> NetbiosInfo | None:
    """The names, workgroup and unit id of a node status response; None if it is not one."""
    if len(data) < 57 or not data[2] & 0x80:  # a response
        return None
    offset = _skip_name(data, 12) + 10  # then type, class, TTL, RDLENGTH
    if offset >= len(data):
        return None
    count = data[offset]
    offset += 1
    names: list[str] = []
    name = workgroup = ""
    for _ in range(min(count, MAX_NAMES)):
        entry = data[offset:offset + 18]
        if len(entry) < 18:
            break
        offset += 18
        text = clean_text(entry[:15].decode("latin-1").rstrip(" \x00"), 15)
        suffix, flags = entry[15], struct.unpack(">H", entry[16:18])[0]
        group = bool(flags & _GROUP)
        names.append(f"{text}<{suffix:02x}>" + ("<group>" if group else ""))
        if suffix == 0x00 and group and not workgroup:
            workgroup = text
        elif suffix == 0x00 and not group and not name:
            name = text
    unit = data[offset:offset + 6]
    mac = ":".join(f"{b:02x}" for b in unit) if len(unit) == 6 else ""
    if not names:
        return None
    return NetbiosInfo(name=name, workgroup=workgroup, names=tuple(names), mac=mac)


def _skip_name(data: bytes, offset: int) -> int:
    """The offset after the (label or compressed) name starting at `offset`."""
    if offset < len(data) and data[offset] >= 0xC0:
        return offset + 2
    while offset < len(data) and data[offset]:
        offset += 1 + data[offset]
    return offset + 1


class Targets:
    """Addresses to ask, added while the ARP phase finds them; closed once it has ended."""

    def __init__(self, ips: Sequence[str] = ()) -> None:
        self._queue: queue.SimpleQueue[str] = queue.SimpleQueue()
        self._closed = threading.Event()
        for ip in ips:
            self.add(ip)

    def add(self, ip: str) -> None:
        self._queue.put(ip)

    def close(self) -> None:
        self._closed.set()

    @property
    def closed(self) -> bool:
        return self._closed.is_set()

    def take(self) -> list[str]:
        """Every address added since the last call."""
        taken: list[str] = []
        while True:
            try:
                taken.append(self._queue.get_nowait())
            except queue.Empty:
                return taken


def query(ips: Sequence[str] | Targets, deadline: float, cancel: CancelToken,
          on_status: Callable[[str, NetbiosInfo], None], port: int = NBNS_PORT) -> None:
    """Ask each address once (at most MAX_TARGETS) as it comes; report the answers.

    `ips` may be a `Targets` still being filled. The wait ends once it is closed and every
    address answered or TAIL seconds passed without an answer after the last query, or at
    `deadline` or cancel.
    """
    targets = ips if isinstance(ips, Targets) else Targets(ips)
    if not isinstance(ips, Targets):
        targets.close()
    asked: set[str] = set()
    waiting: set[str] = set()
    quiet = Quiet(TAIL)
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM, socket.IPPROTO_UDP)
    try:
        while not cancel.cancelled and time.monotonic() < deadline:
            closed = targets.closed  # read before taking, so no late address is missed
            fresh = [ip for ip in dict.fromkeys(targets.take()) if ip not in asked]
            fresh = fresh[:max(0, MAX_TARGETS - len(asked))]
            _ask(sock, fresh, len(asked), port, waiting, on_status)
            asked.update(fresh)
            if fresh:
                quiet.heard()
            sock.settimeout(0.05)
            if _receive(sock, waiting, on_status):
                quiet.heard()
            elif closed and not fresh and (not waiting or quiet.is_quiet()):
                return
    finally:
        sock.close()


def _ask(sock: socket.socket, ips: list[str], first: int, port: int, waiting: set[str],
         on_status: Callable[[str, NetbiosInfo], None]) -> None:
    """Send a status request to each of `ips`, paced, reading answers in between."""
    sock.settimeout(SEND_GAP)
    for number, ip in enumerate(ips, start=first):
        waiting.add(ip)
        with contextlib.suppress(OSError):
            sock.sendto(status_request(number), (ip, port))
        _receive(sock, waiting, on_status)


def _receive(sock: socket.socket, waiting: set[str],
             on_status: Callable[[str, NetbiosInfo], None]) -> bool:
    """Read one datagram; True if it was an answer from an address still waited for."""
    try:
        data, (ip, _) = sock.recvfrom(2048)
    except (TimeoutError, OSError):
        return False
    if ip not in waiting:  # only the addresses asked, each once
        return False
    info = parse_status(data)
    if info is None:
        return False
    waiting.discard(ip)
    on_status(ip, info)
    return True
