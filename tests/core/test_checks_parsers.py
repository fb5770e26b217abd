"""Protocol parsers of the checks against real listeners on 127.0.0.1 (never the real network)."""

from __future__ import annotations

import asyncio
import datetime as dt
import ssl
from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

from core.checks import banners, http, mqtt, tls, vnc
from core.checks.net import Gate, NoAnswer, open_stream, read_some
from tests.timing import within

Handler = Callable[[asyncio.StreamReader, asyncio.StreamWriter], Awaitable[None]]


async def _serve(handler: Handler, probe: Callable[[int, Gate], Awaitable[object]],
                 ssl_context: ssl.SSLContext | None = None) -> object:
    """Start `handler` on 127.0.0.1, run `probe(port, gate)` against it, stop the server."""
    handlers: list[asyncio.Task[None]] = []

    async def guarded(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            await handler(reader, writer)
        except (ConnectionError, asyncio.IncompleteReadError):
            pass
        finally:
            writer.transport.abort()

    def track(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        handlers.append(asyncio.create_task(guarded(reader, writer)))

    server = await asyncio.start_server(track, "127.0.0.1", 0, ssl=ssl_context)
    port = server.sockets[0].getsockname()[1]
    gate = Gate(asyncio.Semaphore(8), asyncio.Semaphore(8), 1.0, 0.5)
    try:
        return await probe(port, gate)
    finally:
        server.close()
        for task in handlers:
            task.cancel()
        await asyncio.gather(*handlers, return_exceptions=True)
        await server.wait_closed()


def _greeter(data: bytes, then_read: int = 0) -> Handler:
    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        writer.write(data)
        await writer.drain()
        if then_read:
            await reader.read(then_read)
        await asyncio.sleep(0.2)
        writer.close()
    return handler


def test_telnet_negotiation_is_separated_from_the_prompt() -> None:
    text, options = banners.split_telnet(b"\xff\xfd\x18\xff\xfb\x01\xff\xfa\x18\x01\xff\xf0login: ")
    assert text == b"login: " and options == ["DO 24", "WILL 1"]
    found = asyncio.run(_serve(_greeter(b"\xff\xfb\x01\r\nrouter login: "),
                               lambda p, g: banners.check_telnet("127.0.0.1", p, g, set())))
    assert [f.id for f in found] == ["telnet-open"]  # type: ignore[attr-defined]
    assert "router login:" in found[0].evidence and "WILL 1" in found[0].evidence  # type: ignore[index]


def test_ssh_banner_line_is_found_among_other_lines() -> None:
    assert banners.parse_ssh_banner(b"hello\r\nSSH-2.0-dropbear_2019.78\r\n") == \
        "SSH-2.0-dropbear_2019.78"
    with pytest.raises(NoAnswer):
        banners.parse_ssh_banner(b"\x00\x01garbage")
    banner = asyncio.run(_serve(_greeter(b"SSH-2.0-OpenSSH_8.4\r\n"),
                                lambda p, g: banners.read_ssh_banner("127.0.0.1", p, g)))
    assert banner == "SSH-2.0-OpenSSH_8.4"


def test_rfb_security_none_and_password() -> None:
    assert vnc.parse_version(b"RFB 003.008\n") == (3, 8)
    with pytest.raises(NoAnswer):
        vnc.parse_version(b"HTTP/1.1 200\n")
    none_auth = asyncio.run(_serve(_greeter(b"RFB 003.008\n\x02\x01\x02", then_read=12),
                                   lambda p, g: vnc.check_vnc("127.0.0.1", p, g)))
    assert [f.id for f in none_auth] == ["vnc-no-auth"]  # type: ignore[attr-defined]
    password = asyncio.run(_serve(_greeter(b"RFB 003.008\n\x01\x02", then_read=12),
                                  lambda p, g: vnc.check_vnc("127.0.0.1", p, g)))
    assert [f.id for f in password] == ["vnc-open"]  # type: ignore[attr-defined]


def test_mqtt_connack_codes() -> None:
    assert mqtt.parse_connack(b"\x20\x02\x00\x00") == 0
    assert mqtt.parse_connack(b"\x20\x02\x00\x05") == 5
    with pytest.raises(NoAnswer):
        mqtt.parse_connack(b"\x30\x02\x00\x00")
    packet = mqtt.connect_packet()
    assert packet[0] == 0x10 and packet[1] == len(packet) - 2 and b"MQTT\x04\x02" in packet

    def broker(code: int) -> Handler:
        async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            assert (await reader.readexactly(2))[0] == 0x10
            writer.write(bytes([0x20, 2, 0, code]))
            await writer.drain()
            await reader.read(2)
            writer.close()
        return handler

    open_broker = asyncio.run(_serve(broker(0), lambda p, g: mqtt.check_mqtt(
        "127.0.0.1", p, g, tls_port_open=True)))
    assert [f.id for f in open_broker] == ["mqtt-anonymous"]  # type: ignore[attr-defined]
    closed = asyncio.run(_serve(broker(5), lambda p, g: mqtt.check_mqtt(
        "127.0.0.1", p, g, tls_port_open=False)))
    assert [f.id for f in closed] == ["mqtt-cleartext"]  # type: ignore[attr-defined]


def test_http_response_parsing() -> None:
    raw = (b"HTTP/1.1 401 Unauthorized\r\nServer: GoAhead\r\nWWW-Authenticate: Basic realm=\"x\""
           b"\r\n\r\n<html><title> Router &amp; AP </title>")
    response = http.parse_response(raw)
    assert response.status == 401 and response.auth_schemes == ("basic",)
    assert response.title == "Router & AP" and response.header("SERVER") == "GoAhead"
    assert [f.id for f in http.judge_plain(response, 80)] == ["http-basic-cleartext"]
    redirect = http.parse_response(b"HTTP/1.0 302 Found\r\nLocation: https://x/\r\n\r\n")
    assert [f.id for f in http.judge_plain(redirect, 80)] == ["service-banner"]
    missing = http.parse_response(b"HTTP/1.1 404 Not Found\r\nServer: cast\r\n\r\n")
    assert [f.id for f in http.judge_plain(missing, 8008)] == ["service-banner"]
    page = http.parse_response(b"HTTP/1.1 200 OK\r\n\r\n<title>Login</title>")
    assert [f.id for f in http.judge_plain(page, 80)] == ["http-admin-cleartext"]
    with pytest.raises(NoAnswer):
        http.parse_response(b"\x16\x03\x01\x00")


def test_read_some_is_bounded_for_a_trickling_peer() -> None:
    async def trickle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        for _ in range(100):
            writer.write(b"x")
            await writer.drain()
            await asyncio.sleep(0.05)

    async def probe(port: int, gate: Gate) -> tuple[bytes, float]:
        loop = asyncio.get_running_loop()
        started = loop.time()
        async with open_stream("127.0.0.1", port, gate) as (reader, _):
            data = await read_some(reader, 0.5, idle=0.2)
        return data, loop.time() - started

    data, elapsed = asyncio.run(_serve(trickle, probe))  # type: ignore[misc]
    assert 0 < len(data) < 30 and elapsed < within(1.5)


def _certificate(tmp: Path, bits: int, days: int, start_offset: int = 0) -> Path:
    key = rsa.generate_private_key(public_exponent=65537, key_size=bits)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "unit.test")])
    start = dt.datetime.now(dt.UTC) + dt.timedelta(days=start_offset)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
            .public_key(key.public_key()).serial_number(1).not_valid_before(start)
            .not_valid_after(start + dt.timedelta(days=days)).sign(key, hashes.SHA256()))
    path = tmp / f"{bits}-{days}.pem"
    path.write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                       serialization.PrivateFormat.PKCS8,
                                       serialization.NoEncryption())
                     + cert.public_bytes(serialization.Encoding.PEM))
    return path


def test_tls_facts_from_a_real_handshake(tmp_path: Path) -> None:
    pem = _certificate(tmp_path, 1024, 10, start_offset=-30)  # expired, weak, self-signed
    server_context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server_context.set_ciphers("DEFAULT:@SECLEVEL=0")
    server_context.load_cert_chain(pem)

    async def handshake(port: int, gate: Gate) -> tuple[str, bytes]:
        async with open_stream("127.0.0.1", port, gate, tls=tls.permissive_context()) as (_, w):
            ssl_object = w.get_extra_info("ssl_object")
            return ssl_object.version(), ssl_object.getpeercert(binary_form=True)

    version, der = asyncio.run(_serve(_greeter(b""), handshake, server_context))  # type: ignore[misc]
    facts = tls.cert_facts(der)
    assert facts.key == "RSA 1024" and facts.self_signed and facts.signature_hash == "sha256"
    ids = {f.id for f in tls.judge(facts, version, 443)}
    assert ids == {"tls-certificate", "tls-expired", "tls-weak-key", "tls-self-signed"}
    assert {f.id for f in tls.judge(facts, "TLSv1", 443)} >= {"tls-old-protocol"}
    with pytest.raises(ValueError):
        tls.cert_facts(b"\x30\x03garbage")
