"""MQTT check: CONNECT without credentials; an accepting CONNACK means an anonymous broker."""

from __future__ import annotations

from core.checks.catalog import finding
from core.checks.net import Gate, NoAnswer, open_stream, read_exactly, send
from core.models import Finding

CLIENT_ID = b"iot-hygiene-probe"
DISCONNECT = b"\xe0\x00"
RETURN_CODES = {
    0: "accepted", 1: "refused: protocol version", 2: "refused: client id",
    3: "refused: server unavailable", 4: "refused: bad user name or password",
    5: "refused: not authorised",
}


def connect_packet(client_id: bytes = CLIENT_ID) -> bytes:
    """An MQTT 3.1.1 CONNECT with clean session, no user name, no password, no will."""
    variable = b"\x00\x04MQTT\x04\x02\x00\x0a"  # protocol name, level 4, clean session, 10 s
    payload = len(client_id).to_bytes(2, "big") + client_id
    body = variable + payload
    return b"\x10" + bytes([len(body)]) + body


def parse_connack(data: bytes) -> int:
    """The CONNACK return code; NoAnswer when the bytes are not a CONNACK."""
    if len(data) != 4 or data[0] != 0x20 or data[1] != 0x02:
        raise NoAnswer(f"not an MQTT CONNACK: {data[:8].hex(' ')}")
    return data[3]


async def check_mqtt(ip: str, port: int, gate: Gate, tls_port_open: bool) -> list[Finding]:
    found: list[Finding] = []
    if not tls_port_open:
        found.append(finding("mqtt-cleartext", f"TCP {port} (MQTT) open and TCP 8883 (MQTT over "
                             "TLS) not open", port))
    try:
        async with open_stream(ip, port, gate) as (reader, writer):
            await send(writer, connect_packet(), gate.read_timeout)
            code = parse_connack(await read_exactly(reader, 4, gate.read_timeout))
            if code == 0:
                await send(writer, DISCONNECT, gate.read_timeout)
    except NoAnswer as exc:
        found.append(finding("probe-no-answer", f"MQTT CONNECT on port {port}: {exc}", port))
        return found
    verdict = RETURN_CODES.get(code, f"code {code}")
    evidence = (f"sent CONNECT (client id {CLIENT_ID.decode()}, no user name, no password) to "
                f"port {port}; CONNACK return code {code} ({verdict})")
    if code == 0:
        found.append(finding("mqtt-anonymous", evidence + "; then sent DISCONNECT", port))
    return found
