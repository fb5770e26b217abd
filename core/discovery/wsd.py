"""WS-Discovery: one multicast Probe (asked twice), ProbeMatches parsed to XAddrs, Types, Scopes."""

from __future__ import annotations

import contextlib
import ipaddress
import socket
import time
import urllib.parse
import uuid
from collections.abc import Callable
from xml.etree.ElementTree import Element

from defusedxml import ElementTree

from core.cancel import CancelToken
from core.discovery.quiet import Quiet
from core.models import WsdInfo
from core.text import clean_text

WSD_ADDR = ("239.255.255.250", 3702)
PROBE_AT = (0.0, 0.4)  # seconds after start: UDP may be lost, so ask twice
MAX_DATAGRAM = 16384
MAX_RESPONDERS = 256  # answers kept per scan: a flood cannot grow memory
MAX_ITEMS = 16  # addresses, types or scopes kept per answer
MAX_FIELD = 200
MULTICAST_TTL = 1
MAX_DELAY = 0.5  # a responder waits up to this long before answering (APP_MAX_DELAY, 500 ms)
TAIL = 0.3  # listening ends once no answer came for this long after the last probe's window
_NS = {"s": "http://www.w3.org/2003/05/soap-envelope",
       "d": "http://schemas.xmlsoap.org/ws/2005/04/discovery"}
# ONVIF scope paths that name the maker, model and name ("onvif://www.onvif.org/hardware/X").
_SCOPE_FIELDS = {"manufacturer": ("manufacturer", "mfr", "brand"),
                 "model": ("hardware", "model"), "name": ("name",)}


def probe_message(message_id: str | None = None) -> bytes:
    """A SOAP-over-UDP Probe for every device type (no Types element: all answer)."""
    mid = message_id or f"urn:uuid:{uuid.uuid4()}"
    return (
        '<?xml version="1.0" encoding="utf-8"?>'
        '<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope" '
        'xmlns:a="http://schemas.xmlsoap.org/ws/2004/08/addressing" '
        'xmlns:d="http://schemas.xmlsoap.org/ws/2005/04/discovery"><s:Header>'
        '<a:Action>http://schemas.xmlsoap.org/ws/2005/04/discovery/Probe</a:Action>'
        f"<a:MessageID>{mid}</a:MessageID>"
        "<a:To>urn:schemas-xmlsoap-org:ws:2005:04:discovery</a:To>"
        "</s:Header><s:Body><d:Probe/></s:Body></s:Envelope>").encode()


def parse_probe_matches(data: bytes) -> WsdInfo | None:
    """The first ProbeMatch of a datagram as WsdInfo; None for anything else (or bad XML)."""
    try:
        root = ElementTree.fromstring(data[:MAX_DATAGRAM])
    except (ElementTree.ParseError, ValueError, UnicodeError):
        return None
    match = root.find("s:Body/d:ProbeMatches/d:ProbeMatch", _NS)
    if match is None:
        return None
    xaddrs = _words(match, "d:XAddrs")
    scopes = _words(match, "d:Scopes")
    fields = {key: _scope_value(scopes, paths) for key, paths in _SCOPE_FIELDS.items()}
    return WsdInfo(xaddrs=xaddrs, types=_words(match, "d:Types"), scopes=scopes, **fields)


def _words(node: Element, path: str) -> tuple[str, ...]:
    text = node.findtext(path, default="", namespaces=_NS)
    return tuple(clean_text(w, MAX_FIELD) for w in text.split()[:MAX_ITEMS])


def _scope_value(scopes: tuple[str, ...], paths: tuple[str, ...]) -> str:
    for scope in scopes:
        parts = urllib.parse.urlsplit(scope).path.strip("/").split("/", 1)
        if scope.startswith("onvif://") and len(parts) == 2 and parts[0].lower() in paths:
            return clean_text(urllib.parse.unquote(parts[1]), MAX_FIELD, single_space=True)
    return ""


def search(iface_ip: str, network: ipaddress.IPv4Network, deadline: float, cancel: CancelToken,
           on_wsd: Callable[[str, WsdInfo], None],
           target: tuple[str, int] = WSD_ADDR) -> None:
    """Probe `iface_ip`'s link; report (answering IP inside `network`, WsdInfo) per responder.

    Listens until the last probe's answer window (MAX_DELAY) has passed and no answer came for
    TAIL seconds, or `deadline` or cancel.
    """
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM, socket.IPPROTO_UDP)
    try:
        sock.bind((iface_ip, 0))
        sock.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_IF, socket.inet_aton(iface_ip))
        sock.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_TTL, MULTICAST_TTL)
        sock.settimeout(0.05)
        _listen(sock, target, network, deadline, cancel, on_wsd)
    finally:
        sock.close()


def _listen(sock: socket.socket, target: tuple[str, int], network: ipaddress.IPv4Network,
            deadline: float, cancel: CancelToken, on_wsd: Callable[[str, WsdInfo], None]) -> None:
    start = time.monotonic()
    pending = list(PROBE_AT)
    seen: set[str] = set()
    quiet = Quiet(TAIL, not_before=start + PROBE_AT[-1] + MAX_DELAY)
    while time.monotonic() < deadline and not cancel.cancelled and not quiet.is_quiet():
        if pending and time.monotonic() - start >= pending[0]:
            pending.pop(0)
            with contextlib.suppress(OSError):
                sock.sendto(probe_message(), target)
        try:
            data, (ip, _) = sock.recvfrom(MAX_DATAGRAM)
        except (TimeoutError, OSError):
            continue
        if ip in seen or len(seen) >= MAX_RESPONDERS or not _inside(ip, network):
            continue
        info = parse_probe_matches(data)
        if info is not None:
            seen.add(ip)
            quiet.heard()
            on_wsd(ip, info)


def _inside(ip: str, network: ipaddress.IPv4Network) -> bool:
    try:
        return ipaddress.IPv4Address(ip) in network
    except ValueError:
        return False
