"""SSH binary packet layer: strings, mpints, and packets framed, encrypted and MAC-checked."""

from __future__ import annotations

import asyncio
import hmac
import os
import struct
from dataclasses import dataclass

from core.checks.net import NoAnswer, read_exactly, send

SKIPPED = (2, 4, 7, 53)  # ignore, debug, ext-info, userauth banner


def string(data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + data


def mpint(value: bytes) -> bytes:
    value = value.lstrip(b"\x00")
    return string(b"\x00" + value if value and value[0] & 0x80 else value)


def take(data: bytes, offset: int) -> tuple[bytes, int]:
    """One SSH string at `offset`: (value, next offset); ValueError when truncated."""
    if offset + 4 > len(data):
        raise ValueError("truncated SSH string")
    (length,) = struct.unpack_from(">I", data, offset)
    end = offset + 4 + length
    if end > len(data):
        raise ValueError("truncated SSH string")
    return data[offset + 4:end], end


@dataclass
class _Keys:
    cipher: object | None = None  # encryptor/decryptor with update()
    mac_key: bytes = b""
    mac_name: str = ""
    block: int = 8

    @property
    def mac_len(self) -> int:
        return {"hmac-sha2-256": 32, "hmac-sha1": 20}.get(self.mac_name, 0)


class Transport:
    """The smallest SSH transport that can reach the userauth "none" question."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter,
                 timeout: float) -> None:
        self.reader, self.writer, self.timeout = reader, writer, timeout
        self.out, self.inc = _Keys(), _Keys()
        self.out_seq = self.in_seq = 0

    async def write(self, payload: bytes) -> None:
        padding = self.out.block - (5 + len(payload)) % self.out.block
        padding += self.out.block if padding < 4 else 0
        packet = struct.pack(">IB", 1 + len(payload) + padding, padding) + payload \
            + os.urandom(padding)
        mac = self._mac(self.out, self.out_seq, packet)
        if self.out.cipher is not None:
            packet = self.out.cipher.update(packet)  # type: ignore[attr-defined]
        self.out_seq = (self.out_seq + 1) & 0xFFFFFFFF
        await send(self.writer, packet + mac, self.timeout)

    async def read(self) -> bytes:
        """The next payload that is not an ignore/debug/banner message."""
        while True:
            payload = await self._read_one()
            if payload and payload[0] not in SKIPPED:
                return payload

    async def _read_one(self) -> bytes:
        keys = self.inc
        first = await read_exactly(self.reader, keys.block, self.timeout)
        if keys.cipher is not None:
            first = keys.cipher.update(first)  # type: ignore[attr-defined]
        (length,) = struct.unpack(">I", first[:4])
        if not 5 <= length <= 35000:
            raise NoAnswer(f"not an SSH packet (length {length})")
        rest = await read_exactly(self.reader, length + 4 - keys.block, self.timeout)
        if keys.cipher is not None:
            rest = keys.cipher.update(rest)  # type: ignore[attr-defined]
        packet = first + rest
        mac = await read_exactly(self.reader, keys.mac_len, self.timeout) if keys.mac_len else b""
        if mac and not hmac.compare_digest(mac, self._mac(keys, self.in_seq, packet)):
            raise NoAnswer("SSH packet failed its integrity check")
        self.in_seq = (self.in_seq + 1) & 0xFFFFFFFF
        return packet[5:5 + length - 1 - packet[4]]

    @staticmethod
    def _mac(keys: _Keys, seq: int, packet: bytes) -> bytes:
        if not keys.mac_name:
            return b""
        digest = "sha256" if keys.mac_name == "hmac-sha2-256" else "sha1"
        return hmac.new(keys.mac_key, struct.pack(">I", seq) + packet, digest).digest()
