"""Checks a careful contractor reports (old TLS, anonymous FTP, open admin pages, IPP, LPD)."""

from __future__ import annotations

import asyncio
import ssl
import warnings
from pathlib import Path

import pytest

from core.checks import banners, http, ports, probes
from core.checks.net import Gate
from core.checks.runner import fallback
from core.models import Device, Finding, MdnsService, UpnpInfo, WsdInfo
from tests.core.test_checks_parsers import Handler, _certificate, _greeter, _serve


def _tls_server(pem: Path, lowest: ssl.TLSVersion) -> ssl.SSLContext:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        context.minimum_version = lowest
    context.set_ciphers("DEFAULT:@SECLEVEL=0")
    context.load_cert_chain(pem)
    return context


def _tls_findings(context: ssl.SSLContext) -> list[Finding]:
    async def probe(port: int, gate: Gate) -> list[Finding]:
        return await probes.check_tls("127.0.0.1", port, gate, probes.Observations(), False)
    found = asyncio.run(_serve(_greeter(b""), probe, context))
    assert isinstance(found, list)
    return found


@pytest.mark.parametrize(("lowest", "accepted"), [
    (ssl.TLSVersion.TLSv1, "TLS 1.0 or only TLS 1.1"),
    (ssl.TLSVersion.TLSv1_1, "only TLS 1.1"),
])
def test_a_modern_server_that_still_accepts_old_tls_is_a_finding(
        tmp_path: Path, lowest: ssl.TLSVersion, accepted: str) -> None:
    found = _tls_findings(_tls_server(_certificate(tmp_path, 2048, 365), lowest))
    ids = [f.id for f in found]
    assert "tls-old-protocol" not in ids  # the best handshake is modern
    (old,) = [f for f in found if f.id == "tls-accepts-old-version"]
    assert old.severity.value == "medium" and accepted in old.evidence


def test_a_server_without_old_tls_is_no_finding(tmp_path: Path) -> None:
    found = _tls_findings(_tls_server(_certificate(tmp_path, 2048, 365), ssl.TLSVersion.TLSv1_2))
    assert "tls-accepts-old-version" not in [f.id for f in found]
    assert "tls-certificate" in [f.id for f in found]


def _ftp(anonymous_ok: bool) -> Handler:
    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        writer.write(b"220 (vsFTPd 3.0.3)\r\n")
        await writer.drain()
        while line := await reader.readline():
            if line.startswith(b"USER"):
                writer.write(b"331 Please specify the password.\r\n")
            elif line.startswith(b"PASS"):
                writer.write(b"230 Login successful.\r\n" if anonymous_ok
                             else b"530 Login incorrect.\r\n")
            elif line.startswith(b"QUIT"):
                writer.write(b"221 Goodbye.\r\n")
            await writer.drain()
    return handler


@pytest.mark.parametrize("open_to_all", [True, False])
def test_anonymous_ftp_is_a_finding(open_to_all: bool) -> None:
    texts: list[tuple[str, str]] = []
    found = asyncio.run(_serve(_ftp(open_to_all), lambda p, g: banners.check_ftp(
        "127.0.0.1", p, g, texts)))
    assert isinstance(found, list)
    ids = [f.id for f in found]
    assert "ftp-cleartext" in ids and ("ftp-anonymous" in ids) is open_to_all
    assert texts == [("ftp.banner", "220 (vsFTPd 3.0.3)")]
    if open_to_all:
        anonymous = found[ids.index("ftp-anonymous")]
        assert "230 Login successful." in anonymous.evidence and "QUIT" in anonymous.evidence


ROUTER_PAGE = (b"HTTP/1.1 200 OK\r\nServer: lighttpd/1.4.69\r\n\r\n<html><title>Router</title>"
               b"<h1>Wireless settings</h1><a href=/fw>Firmware upgrade</a><a>Reboot</a></html>")
LOGIN_PAGE = (b"HTTP/1.1 200 OK\r\n\r\n<title>Router</title><form>Wireless settings, firmware"
              b"<input type='password' name=p></form>")


def test_an_admin_page_without_login_is_its_own_finding() -> None:
    page = http.parse_response(ROUTER_PAGE)
    assert page.admin_words[:3] == ("wireless", "settings", "firmware") and not page.asks_password
    ids = [f.id for f in http.judge_plain(page, 80)]
    assert ids == ["http-admin-cleartext", "http-admin-no-login"]
    (no_login,) = http.admin_without_login(page, 80, "HTTP")
    assert "titled 'Router'" in no_login.evidence and no_login.severity.value == "high"
    login = http.parse_response(LOGIN_PAGE)
    assert login.asks_password and http.admin_without_login(login, 80, "HTTP") == []
    basic = http.parse_response(ROUTER_PAGE.replace(b"\r\n\r\n",
                                                    b"\r\nWWW-Authenticate: Basic realm=x\r\n\r\n"))
    assert http.admin_without_login(basic, 80, "HTTP") == []


def test_ipp_answering_plain_http_is_a_finding() -> None:
    async def cups(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.readuntil(b"\r\n\r\n")
        writer.write(b"HTTP/1.1 200 OK\r\nServer: CUPS/2.4 IPP/2.1\r\n\r\n<title>Home - CUPS"
                     b"</title>")
        await writer.drain()

    seen = probes.Observations()
    found = asyncio.run(_serve(cups, lambda p, g: probes.check_ipp("127.0.0.1", p, g, seen)))
    assert isinstance(found, list) and [f.id for f in found] == ["ipp-cleartext"]
    assert ("http_header.server", "CUPS/2.4 IPP/2.1") in seen.texts


def test_every_advertised_web_port_and_printing_port_gets_a_probe() -> None:
    device = Device(mac="02:00:00:00:00:02", ips=("10.0.0.2",), upnp=UpnpInfo(
        location="http://10.0.0.2:49152/rootDesc.xml"), services=(
        MdnsService("_ipp._tcp.local.", "p", 8631), MdnsService("_printer._tcp.local.", "p", 5515),
        MdnsService("_ipps._tcp.local.", "p", 8443)))
    assert 49152 in ports.ports_for(device)
    kinds = probes.plan(device, (49152, 515, 631, 8631, 5515, 8443))
    assert kinds == {49152: "http", 515: "lpd", 631: "ipp", 8631: "ipp", 5515: "lpd",
                     8443: "https"}
    secure = Device(mac="02:00:00:00:00:03", upnp=UpnpInfo(location="https://10.0.0.3/d.xml"))
    assert probes.plan(secure, (443,)) == {443: "https"}
    assert [f.id for f in fallback("lpd", 515, (515,), "budget")] == ["lpd-open"]


def test_ws_discovery_addresses_on_the_device_get_the_http_checks() -> None:
    device = Device(mac="02:00:00:00:00:04", ips=("10.0.0.4",), wsd=WsdInfo(xaddrs=(
        "http://10.0.0.4:8899/onvif/device_service", "http://10.0.0.99:81/elsewhere",
        "https://10.0.0.4/onvif")))
    assert {8899, 443} <= set(ports.ports_for(device)) and 81 not in ports.ports_for(device)
    assert probes.plan(device, (8899, 443)) == {8899: "http", 443: "https"}


def test_an_xml_answer_is_no_admin_page() -> None:
    upnp = http.parse_response(b"HTTP/1.1 200 OK\r\nContent-Type: text/xml; charset=utf-8\r\n\r\n"
                               b"<root><device><friendlyName>Half")
    assert [f.id for f in http.judge_plain(upnp, 49152)] == ["service-banner"]
