"""mDNS / DNS-SD on one interface: browse service types as they appear, resolve every instance."""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import queue
import socket
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from zeroconf import (
    BadTypeInNameException,
    DNSQuestionType,
    IPVersion,
    ServiceBrowser,
    ServiceInfo,
    ServiceListener,
    Zeroconf,
    current_time_millis,
)
from zeroconf._dns import DNSAddress, DNSPointer, DNSQuestion, DNSService
from zeroconf._protocol.incoming import DNSIncoming
from zeroconf._protocol.outgoing import DNSOutgoing

from core.cancel import CancelToken
from core.discovery.caps import Share
from core.discovery.quiet import Quiet
from core.models import MdnsService
from core.text import clean_text

TYPE_ENUMERATION = "_services._dns-sd._udp.local."
# Browsed from the first moment, so a device that announces late is heard at once.
SEED_TYPES = (
    "_ipp._tcp.local.", "_ipps._tcp.local.", "_printer._tcp.local.", "_pdl-datastream._tcp.local.",
    "_http._tcp.local.", "_https._tcp.local.", "_rtsp._tcp.local.", "_hap._tcp.local.",
    "_googlecast._tcp.local.", "_airplay._tcp.local.", "_raop._tcp.local.", "_smb._tcp.local.",
    "_workstation._tcp.local.", "_device-info._tcp.local.", "_mqtt._tcp.local.",
    "_ssh._tcp.local.", "_sonos._tcp.local.", "_spotify-connect._tcp.local.",
)
MAX_TYPES = 200  # bounds what a hostile network can make us browse (all responders together)
MAX_INSTANCES = 1000
TYPES_PER_RESPONDER = 16  # one responder's share: a flood cannot crowd out the others
INSTANCES_PER_RESPONDER = 32
FLOOR_TYPES, FLOOR_INSTANCES = 4, 8  # kept for every responder even past the global ceiling
MAX_SOURCES = 20_000  # names whose responder is remembered
TAP_WAIT = 2.0
UNKNOWN_GRACE = 1.0  # seconds a name heard before its sender was noted waits for a fresh answer
MAX_DEFERRED = 5_000
_TYPE_PTR, _TYPE_SRV, _TYPE_A, _CLASS_IN = 12, 33, 1, 1
_FLAGS_QUERY = 0x0000
ASK_AGAIN_AT = 0.5  # seconds after start: every browsed type is asked once more (UDP may be lost)
TAIL = 0.5  # the browse ends once nothing new was heard for this long...
# ...but never before this many seconds after the first question: a responder that multicast an
# answer in the last second (to another querier, or to the scan before this one) defers the next
# by up to a second (RFC 6762 section 6); python-zeroconf's came 1.05-1.2 s after the question.
RATE_LIMIT_WAIT = 1.45
# A host heard probing for its names is coming online: it announces them right after its third
# probe. Probes are 250 ms apart (RFC 6762 8.1; 500 ms in python-zeroconf), so the browse waits
# this long after each probe heard.
PROBE_WAIT = 0.75
MAX_NAME = 255
MAX_TXT_ENTRIES = 64
MAX_TXT_KEY = 64
MAX_TXT_VALUE = 512


@dataclass
class Shares:
    """The per-responder shares of one browse: service types and service instances."""

    types: Share = field(default_factory=lambda: Share(
        "mDNS service types", TYPES_PER_RESPONDER, MAX_TYPES, FLOOR_TYPES))
    instances: Share = field(default_factory=lambda: Share(
        "mDNS services", INSTANCES_PER_RESPONDER, MAX_INSTANCES, FLOOR_INSTANCES))
    sources: dict[str, str] = field(default_factory=dict)  # lower-case PTR target -> sender IP
    tapped: bool = False  # whether every datagram's sender is seen
    last_probe: float = 0.0  # when a host was last heard probing for its names (monotonic)

    def heard(self, data: bytes, sender: str) -> None:
        """Remember which address announced each type and instance name in `data`."""
        if len(self.sources) >= MAX_SOURCES:
            return
        try:
            message = DNSIncoming(data)
        except Exception:
            return
        if message.valid and message.is_query() and message.is_probe():  # a host starting up
            self.last_probe = time.monotonic()
        if not message.valid or not message.is_response():
            return
        for record in message.answers():
            if isinstance(record, DNSPointer):
                self.sources.setdefault(record.alias.lower(), sender)

    def responder(self, name: str) -> str:
        """The address that announced `name`, "?" if not heard yet. Without a tap (zeroconf
        changed inside) each name is its own responder: only the global ceilings apply."""
        if not self.tapped:
            return f"name:{name.lower()}"
        return self.sources.get(name.lower(), "?")


class _Tap(asyncio.DatagramProtocol):
    """Sits in front of zeroconf's protocol: notes each datagram's sender, then hands it on."""

    def __init__(self, inner: asyncio.DatagramProtocol, shares: Shares) -> None:
        self.inner, self.shares = inner, shares

    def datagram_received(self, data: bytes, addr: tuple[str | Any, int]) -> None:
        self.shares.heard(data, str(addr[0]))
        self.inner.datagram_received(data, addr)

    def error_received(self, exc: Exception) -> None:
        self.inner.error_received(exc)

    def connection_lost(self, exc: Exception | None) -> None:
        self.inner.connection_lost(exc)


async def _tap(zc: Zeroconf, shares: Shares) -> None:
    """Put a _Tap in front of every reading socket of `zc` (runs in zeroconf's loop)."""
    await zc.async_wait_for_start()
    for reader in zc.engine.readers:
        transport = reader.transport
        inner = transport.get_protocol()
        if not isinstance(inner, _Tap):
            transport.set_protocol(_Tap(inner, shares))  # type: ignore[arg-type]
    shares.tapped = bool(zc.engine.readers)


def browse(iface_ip: str, deadline: float, cancel: CancelToken,
           on_service: Callable[[MdnsService], None], shares: Shares | None = None) -> None:
    """Discover and resolve services heard on `iface_ip` until they stop arriving.

    The browse ends once no type, instance or resolution was heard for TAIL seconds (never
    before RATE_LIMIT_WAIT), nothing is being resolved and no host that started probing
    for its names is still due to announce (PROBE_WAIT), or at `deadline` (monotonic) or
    cancel. Types and instances are admitted per responder (`shares`), so one flooding device
    cannot take the places of the others.
    """
    shares = shares or Shares()
    zc = Zeroconf(interfaces=[iface_ip], ip_version=IPVersion.V4Only)
    if zc.loop is not None:  # before any browser asks, so every answer's sender is known
        with contextlib.suppress(Exception):
            asyncio.run_coroutine_threadsafe(_tap(zc, shares), zc.loop).result(TAP_WAIT)
    events: queue.SimpleQueue[tuple[str, str]] = queue.SimpleQueue()
    listener = _Listener(events)
    browsers = [ServiceBrowser(zc, [TYPE_ENUMERATION, *SEED_TYPES], listener,
                               question_type=DNSQuestionType.QM)]
    state = _State(zc, listener, browsers, shares, deadline)
    _ask(zc, [TYPE_ENUMERATION, *SEED_TYPES])  # now: the browser's own first one waits 20-120 ms
    ask_again_at = time.monotonic() + ASK_AGAIN_AT
    quiet = Quiet(TAIL, not_before=time.monotonic() + max(ASK_AGAIN_AT + TAIL, RATE_LIMIT_WAIT))
    try:
        while not cancel.cancelled and time.monotonic() < deadline:
            if ask_again_at and time.monotonic() >= ask_again_at:
                _ask(zc, [TYPE_ENUMERATION, *sorted(state.types)])
                ask_again_at = 0.0
            _drain(events, state, quiet)
            _report_resolved(state, on_service, quiet)
            if shares.last_probe:
                quiet.wait_until(shares.last_probe + PROBE_WAIT)
            if quiet.is_quiet(busy=bool(state.requests or state.deferred)):
                return
            cancel.wait(0.03)
    finally:
        for future in state.requests.values():
            future.cancel()
        for browser in browsers:
            browser.cancel()
        zc.close()


def _report_resolved(state: _State, on_service: Callable[[MdnsService], None],
                     quiet: Quiet) -> None:
    for key, future in list(state.requests.items()):
        if future.done():
            del state.requests[key]
            quiet.heard()
            if not future.cancelled() and future.exception() is None and future.result():
                on_service(to_service(state.infos[key]))


def _ask(zc: Zeroconf, types: list[str]) -> None:
    """A multicast question for each of `types`, sent from zeroconf's loop (it owns the cache)."""
    if zc.loop is not None:
        with contextlib.suppress(RuntimeError):  # zeroconf stopped meanwhile
            zc.loop.call_soon_threadsafe(_send_question, zc, types[:MAX_TYPES])


def _send_question(zc: Zeroconf, types: list[str]) -> None:
    """Ask for `types` listing the answers already known, so only what is missing is answered
    (RFC 6762 7.1) and no responder repeats itself to the network after the scan."""
    out = DNSOutgoing(_FLAGS_QUERY)
    now = current_time_millis()
    for type_ in types:
        out.add_question(DNSQuestion(type_, _TYPE_PTR, _CLASS_IN))
        for record in zc.cache.get_all_by_details(type_, _TYPE_PTR, _CLASS_IN):
            out.add_answer_at_time(record, now)
    zc.async_send(out)


def to_service(info: ServiceInfo) -> MdnsService:
    """A frozen MdnsService from a resolved zeroconf ServiceInfo (bounded, safely decoded)."""
    instance = info.name.removesuffix("." + info.type) if info.name.endswith(info.type) \
        else info.name
    return MdnsService(
        type=clean_text(info.type, MAX_NAME, escape=True),
        name=clean_text(instance, MAX_NAME, escape=True),
        port=int(info.port or 0),
        host=clean_text(info.server or "", MAX_NAME, escape=True),
        addresses=tuple(info.parsed_addresses(IPVersion.V4Only)),
        txt=decode_txt(info.properties.items()),
    )


def decode_txt(items: Iterable[tuple[bytes | str, bytes | str | None]]) -> tuple[
        tuple[str, str], ...]:
    """TXT pairs as text: bad UTF-8 escaped, empty keys dropped, sizes and count bounded."""
    decoded: dict[str, str] = {}
    for raw_key, raw_value in items:
        key = _text(raw_key, MAX_TXT_KEY)
        if not key or key in decoded:
            continue
        decoded[key] = _text(raw_value, MAX_TXT_VALUE) if raw_value is not None else ""
        if len(decoded) >= MAX_TXT_ENTRIES:
            break
    return tuple(decoded.items())


class _Listener(ServiceListener):
    """Runs on a browser thread: only queues names, never blocks."""

    def __init__(self, events: queue.SimpleQueue[tuple[str, str]]) -> None:
        self.events = events

    def add_service(self, zc: Zeroconf, type_: str, name: str) -> None:
        self.events.put((type_, name))

    def update_service(self, zc: Zeroconf, type_: str, name: str) -> None:
        self.events.put((type_, name))

    def remove_service(self, zc: Zeroconf, type_: str, name: str) -> None:
        pass


@dataclass
class _State:
    """What one browse keeps between drains of the listener's queue."""

    zc: Zeroconf
    listener: _Listener
    browsers: list[ServiceBrowser]
    shares: Shares
    deadline: float
    types: set[str] = field(default_factory=lambda: set(SEED_TYPES))
    requests: dict[tuple[str, str], concurrent.futures.Future[bool]] = field(default_factory=dict)
    infos: dict[tuple[str, str], ServiceInfo] = field(default_factory=dict)
    deferred: dict[tuple[str, str], float] = field(default_factory=dict)  # event -> first heard


def _drain(events: queue.SimpleQueue[tuple[str, str]], state: _State, quiet: Quiet) -> None:
    """Handle what the browsers heard; a name whose sender is not known yet waits a moment."""
    while len(state.deferred) < MAX_DEFERRED:
        try:
            event = events.get_nowait()
        except queue.Empty:
            break
        quiet.heard()
        state.deferred.setdefault(event, time.monotonic())
    for (type_, name), since in list(state.deferred.items()):
        source = _responder(state, type_, name)
        if source == "?" and time.monotonic() - since < UNKNOWN_GRACE:
            continue
        del state.deferred[(type_, name)]
        if type_ == TYPE_ENUMERATION:
            _new_type(state, name, source)
        elif not _resolve(state, type_, name, source):
            return


def _responder(state: _State, type_: str, name: str) -> str:
    """Which address announced `name`: as the tap saw it, else from the cached SRV and A."""
    source = state.shares.responder(name)
    if source != "?" or type_ == TYPE_ENUMERATION:
        return source
    try:
        srv = state.zc.cache.get_all_by_details(name, _TYPE_SRV, _CLASS_IN)
        server = srv[0].server if srv and isinstance(srv[0], DNSService) else ""
        addresses = state.zc.cache.get_all_by_details(server, _TYPE_A, _CLASS_IN) if server \
            else []
        if addresses and isinstance(addresses[0], DNSAddress):
            return socket.inet_ntoa(addresses[0].address)
    except (RuntimeError, OSError, ValueError):  # the cache changed under us: ask again later
        pass
    return "?"


def _new_type(state: _State, name: str, source: str) -> None:
    if name in state.types or not name.endswith(".local.") or len(name) > MAX_NAME:
        return
    if not state.shares.types.admit(source):
        return
    state.types.add(name)
    with contextlib.suppress(BadTypeInNameException):
        state.browsers.append(ServiceBrowser(state.zc, name, state.listener,
                                             question_type=DNSQuestionType.QM))
        # Asked at once: the browser's own first question waits 20-120 ms, eating into the tail.
        _ask(state.zc, [name])


def _resolve(state: _State, type_: str, name: str, source: str) -> bool:
    """Ask for the instance's SRV/TXT/A (once admitted); False when zeroconf has stopped."""
    key = (type_, name)
    if key in state.requests:
        return True
    if key not in state.infos and not state.shares.instances.admit(source):
        return True
    try:
        info = ServiceInfo(type_, name)
    except BadTypeInNameException:
        return True
    if state.zc.loop is None:
        return False
    timeout_ms = max(100.0, (state.deadline - time.monotonic()) * 1000)
    state.infos[key] = info
    state.requests[key] = asyncio.run_coroutine_threadsafe(
        info.async_request(state.zc, timeout_ms), state.zc.loop)
    return True


def _text(value: bytes | str, limit: int) -> str:
    if isinstance(value, bytes):
        value = value[: limit * 4].decode("utf-8", errors="backslashreplace")
    return clean_text(value, limit, escape=True)
