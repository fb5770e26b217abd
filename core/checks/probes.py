"""Which probe runs on which open port, and the probes that combine TLS, HTTP and SSH."""

from __future__ import annotations

import asyncio
import ssl
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from core.checks import banners, http, mqtt, ports, snmp, ssh, tls, vnc
from core.checks.catalog import finding
from core.checks.net import Gate, NoAnswer, open_stream, printable, send
from core.models import Device, Finding

SNMP_WAIT = 1.0  # an agent answers discovery at once; a host without one costs at most this
HTTP_PORTS = (80, 88, 5000, 8000, 8008, 8080, 8081)
HTTPS_PORTS = (443, 4443, 5001, 8443)
KIND_BY_PORT = {21: "ftp", 22: "ssh", 23: "telnet", 515: "lpd", 554: "rtsp", 631: "ipp",
                1883: "mqtt", 5900: "vnc",
                8883: "tls", **dict.fromkeys(HTTP_PORTS, "http"),
                **dict.fromkeys(HTTPS_PORTS, "https")}
# Common second homes of a service, among the ports a thorough scan tries; what a device
# advertised for the port wins over them.
KIND_BY_ALTERNATIVE_PORT = {2222: "ssh", 2323: "telnet", 5901: "vnc", 5902: "vnc", 8181: "http",
                            8888: "http"}
KIND_BY_SERVICE = {"_http.": "http", "_https.": "https", "_ssh.": "ssh", "_rfb.": "vnc",
                   "_mqtt.": "mqtt", "_rtsp.": "rtsp", "_ftp.": "ftp", "_telnet.": "telnet",
                   "_secure-mqtt.": "tls", "_ipp.": "ipp", "_ipps.": "tls", "_printer.": "lpd"}


@dataclass
class Observations:
    """Facts probes leave for later checks (e.g. which pages ask for a password)."""

    auth: dict[int, tuple[str, bool]] = field(default_factory=dict)  # port -> (scheme, over TLS)
    kinds: dict[int, str] = field(default_factory=dict)
    silent: set[int] = field(default_factory=set)  # ports that said nothing useful
    texts: list[tuple[str, str]] = field(default_factory=list)  # (Recog matcher, text) seen

    def note_http(self, response: http.HttpResponse) -> None:
        """Keep the Server header, page title and WWW-Authenticate for fingerprinting."""
        self.texts += [("http_header.server", v) for v in response.headers.get("server", [])]
        self.texts += [("http_header.wwwauth", v)
                       for v in response.headers.get("www-authenticate", [])]
        if response.title:
            self.texts.append(("html_title", response.title))


def plan(device: Device, open_ports: tuple[int, ...]) -> dict[int, str]:
    """Probe kind for each open port: the well-known port first, then what mDNS said."""
    kinds = {p: KIND_BY_PORT[p] for p in open_ports if p in KIND_BY_PORT}
    for service in device.services:
        kind = next((k for prefix, k in KIND_BY_SERVICE.items()
                     if service.type.startswith(prefix)), None)
        if kind and service.port in open_ports:
            kinds.setdefault(service.port, kind)
    for scheme, port in ports.web_addresses(device):  # SSDP LOCATION, WS-Discovery XAddrs
        if port in open_ports:
            kinds.setdefault(port, scheme)
    for port in open_ports:
        if port in KIND_BY_ALTERNATIVE_PORT:
            kinds.setdefault(port, KIND_BY_ALTERNATIVE_PORT[port])
    return kinds


async def check_snmp(ip: str, timeout: float) -> list[Finding]:
    """Does an SNMP agent answer? SNMPv3 engine discovery asks without any credential."""
    engine = await snmp.discover(ip, min(timeout, SNMP_WAIT))
    if not engine:
        return []
    number = snmp.enterprise(engine)
    maker = f", IANA enterprise number {number}" if number is not None else ""
    return [finding("snmp-open", f"UDP {snmp.SNMP_PORT} answered an SNMPv3 discovery request "
                    f"(no credential sent; engine ID {engine.hex()}{maker})")]


def probe_for(kind: str, ip: str, port: int, gate: Gate, open_ports: tuple[int, ...],
              seen: Observations) -> Callable[[], Awaitable[list[Finding]]]:
    """A zero-argument coroutine factory running the probe of `kind` on `port`."""
    if kind in ("ftp", "ssh"):
        banner = banners.check_ftp if kind == "ftp" else check_ssh
        return lambda: banner(ip, port, gate, seen.texts)
    if kind == "vnc":
        return lambda: vnc.check_vnc(ip, port, gate)
    if kind in ("telnet", "rtsp"):
        check = banners.check_telnet if kind == "telnet" else banners.check_rtsp
        return lambda: check(ip, port, gate, seen.silent, seen.texts)
    if kind == "mqtt":
        return lambda: mqtt.check_mqtt(ip, port, gate, tls_port_open=8883 in open_ports)
    if kind == "http":
        return lambda: check_http(ip, port, gate, seen)
    if kind == "ipp":
        return lambda: check_ipp(ip, port, gate, seen)
    if kind == "lpd":
        return lambda: _accepted("lpd-open", f"TCP {port} (LPD printing) accepted a connection; "
                                 "nothing was sent", port)
    return lambda: check_tls(ip, port, gate, seen, with_http=kind == "https")


async def check_http(ip: str, port: int, gate: Gate, seen: Observations) -> list[Finding]:
    try:
        async with open_stream(ip, port, gate) as (reader, writer):
            response = await http.fetch(reader, writer, ip, gate.read_timeout)
    except NoAnswer as exc:
        return [finding("probe-no-answer", f"GET / on port {port}: {exc}", port)]
    _note_auth(seen, port, response, over_tls=False)
    seen.note_http(response)
    return http.judge_plain(response, port)


async def check_tls(ip: str, port: int, gate: Gate, seen: Observations,
                    with_http: bool) -> list[Finding]:
    """The best handshake (certificate, version, page) and, alongside, TLS 1.0/1.1 offered alone:
    a device that agrees TLS 1.3 may still accept 1.0 from a client that offers nothing else."""
    found, old = await asyncio.gather(_best_tls(ip, port, gate, seen, with_http),
                                      tls.old_versions_accepted(ip, port, gate))
    if old and not any(f.id in ("tls-old-protocol", "tls-handshake-failed") for f in found):
        found.append(finding("tls-accepts-old-version", f"port {port}: a client offering only "
                             f"{' or only '.join(old)} was accepted", port))
    return found


async def check_ipp(ip: str, port: int, gate: Gate, seen: Observations) -> list[Finding]:
    """IPP is HTTP: a plain-HTTP answer on the IPP port means print jobs may travel unencrypted."""
    try:
        async with open_stream(ip, port, gate) as (reader, writer):
            response = await http.fetch(reader, writer, ip, gate.read_timeout)
    except NoAnswer as exc:
        return [finding("service-banner", f"TCP {port} (IPP) open; plain HTTP got {exc}", port)]
    seen.note_http(response)
    return [finding("ipp-cleartext", f"GET / over plain HTTP on TCP {port} (IPP) answered "
                    f"{http.describe(response)}", port)]


async def _accepted(finding_id: str, evidence: str, port: int) -> list[Finding]:
    return [finding(finding_id, evidence, port)]


async def _best_tls(ip: str, port: int, gate: Gate, seen: Observations,
                    with_http: bool) -> list[Finding]:
    try:
        async with open_stream(ip, port, gate, tls=tls.permissive_context()) as (reader, writer):
            ssl_object = writer.get_extra_info("ssl_object")
            version = ssl_object.version() or "unknown"
            der = ssl_object.getpeercert(binary_form=True)
            if not der:
                return [finding("tls-handshake-failed", f"port {port}: no certificate", port)]
            facts = tls.cert_facts(der)
            seen.texts += [("x509.subject", facts.subject), ("x509.issuer", facts.issuer)]
            found = tls.judge(facts, version, port)
            if with_http:
                found += await _https_page(reader, writer, ip, port, gate, seen)
            return found
    except (ssl.SSLError, ConnectionError, TimeoutError, ValueError, NoAnswer) as exc:
        reason = str(exc) if isinstance(exc, NoAnswer) else _brief(exc)
        return [finding("tls-handshake-failed", f"TLS handshake on port {port}: {reason}", port)]


async def _https_page(reader: object, writer: object, ip: str, port: int, gate: Gate,
                      seen: Observations) -> list[Finding]:
    try:
        response = await http.fetch(reader, writer, ip, gate.read_timeout)  # type: ignore[arg-type]
    except NoAnswer as exc:
        return [finding("probe-no-answer", f"GET / over TLS on port {port}: {exc}", port)]
    _note_auth(seen, port, response, over_tls=True)
    seen.note_http(response)
    return http.judge_tls(response, port)


async def check_ssh(ip: str, port: int, gate: Gate,
                    texts: list[tuple[str, str]] | None = None) -> list[Finding]:
    """The version line, then (after key exchange) which login methods the server offers."""
    found: list[Finding] = []
    try:
        async with open_stream(ip, port, gate) as (reader, writer):
            ident = await ssh.read_ident(reader, gate.read_timeout)
            if texts is not None:
                texts.append(("ssh.banner", printable(ident)))
            found += [finding("service-banner", f"TCP {port} identifies as "
                             f"{printable(ident)!r}", port)]
            await send(writer, ssh.CLIENT_ID + b"\r\n", gate.read_timeout)
            methods = await ssh.login_methods(reader, writer, ident, gate.read_timeout)
    except NoAnswer as exc:
        return [*found, finding("probe-no-answer", f"TCP {port} (SSH) open; {exc}", port)]
    except ValueError as exc:
        return [*found, finding("probe-no-answer", f"TCP {port} (SSH): {exc}", port)]
    offered = [m for m in methods if m in ("password", "keyboard-interactive") or
               m.startswith("none")]
    if offered:
        found.append(finding("ssh-password-auth", f"TCP {port}: asked which login methods "
                             f"exist (user 'iot-hygiene-probe', method none); server offers "
                             f"{', '.join(methods)}", port))
    return found


def _note_auth(seen: Observations, port: int, response: http.HttpResponse,
               over_tls: bool) -> None:
    schemes = response.auth_schemes
    if response.status == 401 and schemes:
        seen.auth[port] = (schemes[0], over_tls)


def _brief(exc: BaseException) -> str:
    text = str(exc) or type(exc).__name__
    return f"{type(exc).__name__}: {text}"[:160]
