"""VNC check: read the RFB handshake's security types; type 1 (None) means no password at all."""

from __future__ import annotations

import re

from core.checks.catalog import finding
from core.checks.net import Gate, NoAnswer, open_stream, printable, read_exactly, send
from core.models import Finding

SECURITY_NONE = 1
_VERSION = re.compile(rb"^RFB (\d{3})\.(\d{3})\n$")
SECURITY_NAMES = {0: "invalid", 1: "None", 2: "VNC password", 5: "RA2", 16: "Tight",
                  18: "TLS", 19: "VeNCrypt", 30: "Apple", 113: "MSLogon II"}


def parse_version(data: bytes) -> tuple[int, int]:
    """(3, 8) from b'RFB 003.008\\n'; NoAnswer for anything else."""
    match = _VERSION.match(data)
    if not match:
        raise NoAnswer(f"not an RFB greeting: {printable(data, 40)!r}")
    return int(match.group(1)), int(match.group(2))


async def read_security_types(ip: str, port: int, gate: Gate) -> tuple[str, list[int]]:
    """The server's RFB version text and the security types it offers."""
    timeout = gate.read_timeout
    async with open_stream(ip, port, gate) as (reader, writer):
        greeting = await read_exactly(reader, 12, timeout)
        major, minor = parse_version(greeting)
        if (major, minor) < (3, 7):  # 3.3: the server picks one type, sent as a u32
            await send(writer, b"RFB 003.003\n", timeout)
            chosen = int.from_bytes(await read_exactly(reader, 4, timeout), "big")
            return printable(greeting), [chosen]
        await send(writer, b"RFB 003.008\n" if minor >= 8 else b"RFB 003.007\n", timeout)
        count = (await read_exactly(reader, 1, timeout))[0]
        return printable(greeting), list(await read_exactly(reader, count, timeout))


async def check_vnc(ip: str, port: int, gate: Gate) -> list[Finding]:
    try:
        version, types = await read_security_types(ip, port, gate)
    except NoAnswer as exc:
        return [finding("vnc-open", f"TCP {port} open; RFB handshake: {exc}", port)]
    names = ", ".join(SECURITY_NAMES.get(t, str(t)) for t in types) or "none (refused)"
    evidence = f"TCP {port}: {version!r}, security types offered: {names}"
    if SECURITY_NONE in types:
        return [finding("vnc-no-auth", evidence, port)]
    return [finding("vnc-open", evidence, port)]
