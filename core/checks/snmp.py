"""Minimal SNMP v2c: one GET of sysDescr.0 over UDP with a community string (BER by hand)."""

from __future__ import annotations

import asyncio
import os

SYS_DESCR = (1, 3, 6, 1, 2, 1, 1, 1, 0)
SNMP_PORT = 161
GET_REQUEST, GET_RESPONSE = 0xA0, 0xA2


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
    loop = asyncio.get_running_loop()
    answer: asyncio.Future[bytes] = loop.create_future()

    class Receiver(asyncio.DatagramProtocol):
        def datagram_received(self, data: bytes, addr: tuple[str | object, int]) -> None:
            if not answer.done():
                answer.set_result(data)

    request_id = int.from_bytes(os.urandom(3), "big")
    transport, _ = await loop.create_datagram_endpoint(Receiver, remote_addr=(ip, SNMP_PORT))
    try:
        transport.sendto(get_request(community, request_id))
        data = await asyncio.wait_for(answer, timeout)
        return response_value(data, request_id)
    except (TimeoutError, ValueError, OSError):
        return ""
    finally:
        transport.close()
