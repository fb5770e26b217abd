"""NetBIOS node status (UDP 137, unicast to each live address): computer name and workgroup."""

from __future__ import annotations

import struct
from collections.abc import Callable, Sequence

from core.cancel import CancelToken
from core.discovery.unicast import Exchange, Targets, ask_each
from core.models import NetbiosInfo
from core.text import clean_text

NBNS_PORT = 137
MAX_NAMES = 32
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


def query(ips: Sequence[str] | Targets, deadline: float, cancel: CancelToken,
          on_status: Callable[[str, NetbiosInfo], None], port: int = NBNS_PORT) -> None:
    """Ask each address for its node status as it comes (see `unicast.ask_each`)."""
    exchange = Exchange(port, lambda ip, number: status_request(number),
                        lambda data, number: parse_status(data))
    ask_each(ips, exchange, deadline, cancel, on_status)
