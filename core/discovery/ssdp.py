"""SSDP on one interface: M-SEARCH ssdp:all, then fetch each in-network LOCATION description."""

from __future__ import annotations

import contextlib
import ipaddress
import socket
import threading
import time
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass

from core.cancel import CancelToken
from core.discovery import upnp_description
from core.discovery.caps import Share
from core.discovery.quiet import Quiet
from core.models import UpnpInfo
from core.text import clean_text, is_clean_url

SSDP_ADDR = ("239.255.255.250", 1900)
SEARCH_AT = (0.0, 0.4)  # seconds after start: UDP may be lost, so ask twice
MX = 1
TAIL = 0.5  # the search ends once no new answer came for this long...
MIN_LISTEN = MX  # ...but never before the first search's answer window (MX seconds) has passed
MAX_LOCATIONS = 64  # bounds the fetches a chatty or hostile network can cause (all responders)
LOCATIONS_PER_RESPONDER = 4  # one responder's share: a flood cannot crowd out the others
FLOOR_LOCATIONS = 2  # kept for every responder even past the global ceiling
MAX_HEADER = 1024
MAX_FIELD = 200
MULTICAST_TTL = 1  # the search never leaves the local link
RECEIVE_BUFFER = 1 << 20  # a flood of answers must not push out the well-behaved ones


def new_share() -> Share:
    return Share("UPnP descriptions (SSDP)", LOCATIONS_PER_RESPONDER, MAX_LOCATIONS,
                 FLOOR_LOCATIONS)


@dataclass(frozen=True, slots=True)
class SsdpResponse:
    """One parsed M-SEARCH answer."""

    ip: str
    location: str
    server: str = ""
    st: str = ""
    usn: str = ""


@dataclass(frozen=True)
class _Where:
    """Where the search runs: the scanning computer's address and the scanned network."""

    iface_ip: str
    network: ipaddress.IPv4Network
    share: Share


def search(iface_ip: str, network: ipaddress.IPv4Network, deadline: float, cancel: CancelToken,
           on_upnp: Callable[[str, UpnpInfo], None], share: Share | None = None) -> None:
    """Ask every UPnP device on `iface_ip`'s link; report (device IP, UpnpInfo) per description.

    Listens until answers stop arriving (TAIL seconds without a new one, at least MIN_LISTEN
    after the first search, no description still being fetched), `deadline` or cancel.
    Descriptions are fetched per responder (`share`), never from outside `network` and never
    from this computer itself.
    """
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM, socket.IPPROTO_UDP)
    fetchers: list[threading.Thread] = []
    where = _Where(iface_ip, network, share or new_share())
    try:
        sock.bind((iface_ip, 0))
        sock.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_IF, socket.inet_aton(iface_ip))
        sock.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_TTL, MULTICAST_TTL)
        with contextlib.suppress(OSError):
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, RECEIVE_BUFFER)
        sock.settimeout(0.05)
        _listen(sock, where, deadline, cancel, on_upnp, fetchers)
    finally:
        sock.close()
        for thread in fetchers:  # each fetch ends by the deadline or within 0.3 s of a cancel
            thread.join(timeout=0.3 if cancel.cancelled else
                        max(0.0, deadline - time.monotonic()) + 0.3)


def parse_response(data: bytes, ip: str) -> SsdpResponse | None:
    """An SsdpResponse from a datagram, or None if it is not an SSDP answer with a LOCATION."""
    lines = data[:8192].decode("latin-1").split("\r\n")
    if not lines or not lines[0].upper().startswith(("HTTP/1.1 200", "NOTIFY")):
        return None
    headers: dict[str, str] = {}
    for line in lines[1:]:
        name, sep, value = line.partition(":")
        if sep:
            headers.setdefault(name.strip().upper(), value.strip()[:MAX_HEADER])
    location = headers.get("LOCATION", "")
    if not is_clean_url(location, MAX_HEADER):
        return None
    return SsdpResponse(ip=ip, location=location, server=_field(headers.get("SERVER", "")),
                        st=_field(headers.get("ST", headers.get("NT", ""))),
                        usn=_field(headers.get("USN", "")))


def _field(text: str) -> str:
    return clean_text(text, MAX_FIELD, single_space=True)


def location_allowed(location: str, where: _Where) -> bool:
    """Inside the scanned network and not this computer (its own services are not a device)."""
    if not location_inside(location, where.network):
        return False
    return (urllib.parse.urlsplit(location).hostname or "") != where.iface_ip


def location_inside(location: str, network: ipaddress.IPv4Network) -> bool:
    """Whether the LOCATION URL points at a literal IPv4 address inside `network`."""
    try:
        host = urllib.parse.urlsplit(location).hostname or ""
        return ipaddress.IPv4Address(host) in network
    except ValueError:
        return False


def _listen(sock: socket.socket, where: _Where, deadline: float, cancel: CancelToken,
            on_upnp: Callable[[str, UpnpInfo], None], fetchers: list[threading.Thread]) -> None:
    start = time.monotonic()
    pending_searches = list(SEARCH_AT)
    locations: set[str] = set()
    quiet = Quiet(TAIL, not_before=start + MIN_LISTEN)
    while not cancel.cancelled and time.monotonic() < deadline:
        if quiet.is_quiet(busy=any(thread.is_alive() for thread in fetchers)):
            return
        if pending_searches and time.monotonic() - start >= pending_searches[0]:
            pending_searches.pop(0)
            _send_search(sock)
        try:
            data, (ip, _port) = sock.recvfrom(8192)
        except (TimeoutError, BlockingIOError):
            continue
        except OSError:
            return
        response = parse_response(data, ip)
        if (response is None or response.location in locations
                or not location_allowed(response.location, where)
                or not where.share.admit(ip)):
            continue
        locations.add(response.location)
        quiet.heard()
        thread = threading.Thread(target=_fetch_one, args=(response, deadline, cancel, on_upnp),
                                  name=f"ssdp-fetch-{len(locations)}", daemon=True)
        thread.start()
        fetchers.append(thread)


def _send_search(sock: socket.socket) -> None:
    message = ("M-SEARCH * HTTP/1.1\r\nHOST: 239.255.255.250:1900\r\n"
               f'MAN: "ssdp:discover"\r\nMX: {MX}\r\nST: ssdp:all\r\n'
               "USER-AGENT: IoT-Hygiene/0.1 UPnP/1.1\r\n\r\n")
    with contextlib.suppress(OSError):  # no multicast route: nothing to find this way
        sock.sendto(message.encode(), SSDP_ADDR)


def _fetch_one(response: SsdpResponse, deadline: float, cancel: CancelToken,
               on_upnp: Callable[[str, UpnpInfo], None]) -> None:
    try:
        xml = upnp_description.fetch(response.location, deadline, cancel)
    except upnp_description.FetchError:
        xml = b""
    if not cancel.cancelled:
        on_upnp(response.ip, upnp_description.parse(xml, response.location, response.server))
