"""Minimal SNMP by hand (BER): a v2c GET of sysDescr.0, and the credential-free v3 discovery."""

from __future__ import annotations

import asyncio
import os

SYS_DESCR = (1, 3, 6, 1, 2, 1, 1, 1, 0)
SNMP_PORT = 161
MAX_DATAGRAM = 4096  # more than any answer to one small GET needs
GET_REQUEST, GET_RESPONSE, REPORT = 0xA0, 0xA2, 0xA8
USM = 3  # the user-based security model


def tlv(tag: int, value: bytes) -> bytes:
    """One BER tag-length-value."""
    length = len(value)
    if length < 0x80:
        return bytes([tag, length]) + value
    size = (length.bit_length() + 7) // 8
    return bytes([tag, 0x80 | size]) + length.to_bytes(size, "big") + value


def integer(value: int) -> bytes:
    return tlv(0x02, value.to_bytes(max(1, (value.bit_length() + 8) // 8), "big", signed=True))


def oid(parts: tuple[int, ...]) -> bytes:
    body = bytearray([40 * parts[0] + parts[1]])
    for part in parts[2:]:
        chunk = [part & 0x7F]
        part >>= 7
        while part:
            chunk.insert(0, 0x80 | (part & 0x7F))
            part >>= 7
        body += bytes(chunk)
    return tlv(0x06, bytes(body))


def get_request(community: str, request_id: int, target: tuple[int, ...] = SYS_DESCR) -> bytes:
    varbind = tlv(0x30, oid(target) + b"\x05\x00")
    pdu = tlv(GET_REQUEST, integer(request_id) + integer(0) + integer(0) + tlv(0x30, varbind))
    return tlv(0x30, integer(1) + tlv(0x04, community.encode()) + pdu)


def discovery_request(message_id: int, request_id: int) -> bytes:
    """An SNMPv3 engine discovery request (RFC 3414 4): no user and no credential, reportable."""
    header = tlv(0x30, integer(message_id) + integer(65507) + tlv(0x04, b"\x04") + integer(USM))
    blank = tlv(0x04, b"")
    security = tlv(0x30, blank + integer(0) + integer(0) + blank + blank + blank)
    pdu = tlv(GET_REQUEST, integer(request_id) + integer(0) + integer(0) + tlv(0x30, b""))
    return tlv(0x30, integer(3) + header + tlv(0x04, security) + tlv(0x30, blank + blank + pdu))


def engine_id(data: bytes, message_id: int) -> bytes:
    """The agent's engine ID from its answer to discovery_request; ValueError for anything else."""
    try:
        return _engine_id(data, message_id)
    except IndexError:  # a part that should hold items is empty
        raise ValueError("truncated SNMPv3 message") from None


def enterprise(engine: bytes) -> int | None:
    """The IANA enterprise number leading an RFC 3411 engine ID (None for the old format)."""
    if len(engine) < 5 or not engine[0] & 0x80:
        return None
    return int.from_bytes(engine[:4], "big") & 0x7FFFFFFF


def parse(data: bytes) -> list[tuple[int, bytes]]:
    """The TLVs directly inside `data` (ValueError when malformed)."""
    items, i = [], 0
    while i < len(data):
        if i + 2 > len(data):
            raise ValueError("truncated")
        tag, length, i = data[i], data[i + 1], i + 2
        if length & 0x80:
            size = length & 0x7F
            if size == 0 or size > 4 or i + size > len(data):
                raise ValueError("bad length")
            length, i = int.from_bytes(data[i:i + size], "big"), i + size
        if i + length > len(data):
            raise ValueError("truncated value")
        items.append((tag, data[i:i + length]))
        i += length
    return items


def response_value(data: bytes, request_id: int) -> str:
    """sysDescr text from a GetResponse to `request_id`; ValueError if it is anything else."""
    (tag, message), = parse(data)
    version, _community, (pdu_tag, pdu) = parse(message)
    if tag != 0x30 or pdu_tag != GET_RESPONSE or version[0] != 0x02:
        raise ValueError("not a GetResponse")
    rid, status, _index, (_, varbinds) = parse(pdu)
    if int.from_bytes(rid[1], "big", signed=True) != request_id or status[1].strip(b"\x00"):
        raise ValueError("wrong request id or error status")
    (_, varbind), = parse(varbinds)
    _name, (value_tag, value) = parse(varbind)
    if value_tag != 0x04:
        raise ValueError("no text value")
    return value.decode("utf-8", "replace")


async def get_sys_descr(ip: str, community: str, timeout: float) -> str:
    """sysDescr.0 if the device answers this community within `timeout`, else ''."""
    request_id = int.from_bytes(os.urandom(3), "big")
    data = await _exchange(ip, get_request(community, request_id), timeout)
    try:
        return response_value(data, request_id) if data else ""
    except ValueError:
        return ""


async def discover(ip: str, timeout: float) -> bytes:
    """The agent's engine ID if it answers SNMPv3 discovery within `timeout`, else b''."""
    message_id, request_id = (int.from_bytes(os.urandom(3), "big") for _ in range(2))
    data = await _exchange(ip, discovery_request(message_id, request_id), timeout)
    try:
        return engine_id(data, message_id) if data else b""
    except ValueError:
        return b""


def _engine_id(data: bytes, message_id: int) -> bytes:
    (tag, message), = parse(data)
    version, (_, header), (security_tag, security), (scoped_tag, scoped) = parse(message)
    if tag != 0x30 or version != (0x02, b"\x03") or (security_tag, scoped_tag) != (0x04, 0x30):
        raise ValueError("not an SNMPv3 message")
    if int.from_bytes(parse(header)[0][1], "big", signed=True) != message_id:
        raise ValueError("wrong message id")
    if parse(scoped)[-1][0] not in (REPORT, GET_RESPONSE):
        raise ValueError("not a report")
    (_, usm), = parse(security)
    engine_tag, engine = parse(usm)[0]
    if engine_tag != 0x04 or not 5 <= len(engine) <= 32:  # RFC 3411: 5 to 32 octets
        raise ValueError("no engine ID")
    return engine


async def _exchange(ip: str, payload: bytes, timeout: float) -> bytes:
    """Send one datagram to UDP 161 and return the first one back (b'' on silence or error)."""
    loop = asyncio.get_running_loop()
    answer: asyncio.Future[bytes] = loop.create_future()

    class Receiver(asyncio.DatagramProtocol):
        def datagram_received(self, data: bytes, addr: tuple[str | object, int]) -> None:
            if not answer.done():
                answer.set_result(data[:MAX_DATAGRAM])

        def error_received(self, exc: Exception) -> None:  # ICMP port unreachable: no agent
            if not answer.done():
                answer.set_result(b"")

    try:
        transport, _ = await loop.create_datagram_endpoint(Receiver, remote_addr=(ip, SNMP_PORT))
    except OSError:
        return b""
    try:
        transport.sendto(payload)
        return await asyncio.wait_for(answer, timeout)
    except (TimeoutError, OSError):
        return b""
    finally:
        transport.close()
